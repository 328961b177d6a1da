"""The one place where scomm reads its inputs and writes its outputs.

Reading (``read_bytes``, ``read_text``, ``read_yaml``, ``read_json``, ``load_yaml``): every
OS, decoding, YAML and nesting error becomes a ``UserError`` naming the file, so a bad file
is one ``scomm: error:`` line, never a traceback. Files are bounded in size
(``MAX_TEXT_BYTES``) and YAML documents in depth and size (``MAX_YAML_DEPTH``,
``MAX_YAML_NODES``, counting every alias where it is used).

Writing (``check_output_dir``, ``atomic_dir``): an output folder is checked before anything
is computed (a name that fits, not under a file, a place where files can be created), built
in a temporary folder and moved into place only when complete. Every failure, the final move
included, removes what was made; a folder that already exists gets the new files all or
none (a file it held under the same name is restored if the move fails). Every JSON document
goes through one serialization (``json_text``).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pydantic_core
import yaml

from scomm.errors import UserError

MAX_TEXT_BYTES = 1 << 20  # a scenario, parameter, law or manifest file: at most 1 MiB
MAX_YAML_DEPTH = 64  # nested mappings and lists in one YAML document
MAX_YAML_NODES = 100_000  # values in one YAML document, each alias counted where it is used
NAME_MAX = 255  # bytes in one file or folder name (Linux, macOS, Windows)
PATH_MAX = 4096  # bytes in a whole path (Linux)
_UMASK = os.umask(0)
os.umask(_UMASK)
_DIR_MODE = 0o777 & ~_UMASK


class Readable(Protocol):
    """A file to read: a ``pathlib.Path`` or a package resource (``Traversable``)."""

    def open(self, mode: str = ...) -> Any:
        """Open for reading."""


def os_reason(exc: OSError) -> str:
    """What went wrong, in words: 'permission denied', 'file name too long', ..."""
    if exc.errno == errno.EISDIR:
        return "it is a folder, not a file"
    text = exc.strerror or os.strerror(exc.errno or 0) or type(exc).__name__
    return text[:1].lower() + text[1:]


def is_file(path: Path | str) -> bool:
    """Whether ``path`` names a regular file; never raises (a name too long is no file)."""
    try:
        return Path(path).is_file()
    except (OSError, ValueError):
        return False


def read_bytes(source: Readable, label: str, limit: int = MAX_TEXT_BYTES) -> bytes:
    """The bytes of ``source`` (at most ``limit``); any failure names ``label``."""
    try:
        with source.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise UserError(f"{label}: cannot be read: {os_reason(exc)}") from None
    except ValueError as exc:  # an embedded NUL in the name
        raise UserError(f"{label}: cannot be read: {exc}") from None
    if len(data) > limit:
        raise UserError(
            f"{label}: the file is larger than {limit:,} bytes; expected a small text file"
        )
    return data


def read_text(source: Readable, label: str, limit: int = MAX_TEXT_BYTES) -> str:
    """The UTF-8 text of ``source`` (a byte-order mark is dropped)."""
    data = read_bytes(source, label, limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        raise UserError(
            f"{label}: not UTF-8 text (byte 0x{bad} at offset {exc.start}); save it as UTF-8"
        ) from None


class _Refused(yaml.YAMLError):
    """A YAML document deeper or larger than the bounds, or with a key given twice."""


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader with bounded nesting, and dates checked where they are written."""

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Compose one node, refusing nesting deeper than MAX_YAML_DEPTH."""
        self.depth += 1
        try:
            if self.depth > MAX_YAML_DEPTH:
                mark = self.peek_event().start_mark
                raise _Refused(f"nested deeper than {MAX_YAML_DEPTH} levels (line {mark.line + 1})")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_yaml_timestamp(self, node: Any) -> Any:
        """A date or time, or a ConstructorError naming the line of an impossible one."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} is not a date ({exc})", node.start_mark
            ) from None


_BoundedLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", _BoundedLoader.construct_yaml_timestamp
)


def _no_repeated_key(node: yaml.MappingNode) -> None:
    """Refuse a mapping that gives one key twice (PyYAML would keep the last silently)."""
    seen: set[tuple[str, str]] = set()
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
            continue
        if (key.tag, key.value) in seen:
            raise _Refused(f"the key {key.value!r} is given twice (line {key.start_mark.line + 1})")
        seen.add((key.tag, key.value))


def _expanded_size(node: Any, sizes: dict[int, int], open_: set[int]) -> int:
    """Values in ``node`` with every alias expanded where it is used (memoized by node)."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in open_:
        raise _Refused("an alias refers to a mapping or list that contains it")
    open_.add(key)
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(child, sizes, open_) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        _no_repeated_key(node)
        size += sum(
            _expanded_size(k, sizes, open_) + _expanded_size(v, sizes, open_) for k, v in node.value
        )
    open_.discard(key)
    sizes[key] = size
    if size > MAX_YAML_NODES:
        raise _Refused(f"more than {MAX_YAML_NODES:,} values once its aliases are expanded")
    return size


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """One line from a PyYAML error: its kind, line and problem."""
    if isinstance(exc, _Refused):
        return str(exc)
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"{exc.__class__.__name__}{where}: {problem}"


def _construct(text: str) -> Any:
    """Compose, bound and construct one YAML document."""
    loader = _BoundedLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, {}, set())
        return loader.construct_document(node)
    finally:
        loader.dispose()


def load_yaml(text: str, origin: str) -> Any:
    """Parse one YAML document (bounded in depth and size); errors name ``origin``."""
    try:
        return _construct(text)
    except yaml.YAMLError as exc:
        raise UserError(f"{origin}: not valid YAML ({_yaml_problem(exc)})") from None
    except RecursionError:
        raise UserError(f"{origin}: not valid YAML (nested too deeply)") from None


def read_yaml(source: Readable, label: str) -> Any:
    """The YAML document in ``source``."""
    return load_yaml(read_text(source, label), label)


def read_json(source: Readable, label: str, limit: int = MAX_TEXT_BYTES) -> Any:
    """The JSON document in ``source``."""
    text = read_text(source, label, limit)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"{label}: not valid JSON ({exc})") from None
    except RecursionError:
        raise UserError(f"{label}: not valid JSON (nested too deeply)") from None


# --- output folders -----------------------------------------------------------------------


@dataclass(frozen=True)
class OutputPlan:
    """Where an output folder goes: the folder, the existing folder the temporary folder is
    made in (beside it, or inside it when only it is writable), and the folders to create."""

    final: Path
    staging: Path
    missing: tuple[Path, ...]  # folders to create, outermost first (not ``final`` itself)


def _name_problem(text: str) -> str | None:
    """Why ``text`` cannot name a folder, or None."""
    if not text.strip():
        return "is empty; name a folder"
    if text != text.strip() or any(ord(c) < 32 or ord(c) == 127 for c in text):
        return "has stray whitespace or a control character; name a folder"
    raw = os.fsencode(text)
    if len(raw) > PATH_MAX:
        return f"is {len(raw):,} bytes long; a path is at most {PATH_MAX:,}"
    longest = max((os.fsencode(p) for p in Path(text).parts), key=len, default=b"")
    if len(longest) > NAME_MAX:
        return f"has a name of {len(longest):,} bytes; a file or folder name is at most {NAME_MAX}"
    return None


def _probe(folder: Path) -> str | None:
    """Why files cannot be created in ``folder``, or None (tried, not guessed)."""
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".scomm-probe-", dir=folder))
    except OSError as exc:
        return os_reason(exc)
    return None


def _existing_ancestor(path: Path) -> tuple[Path, list[Path]]:
    """The nearest existing ancestor of ``path`` (or itself), and the missing folders."""
    missing: list[Path] = []
    while not os.path.lexists(path) and path.parent != path:
        missing.append(path)
        path = path.parent
    return path, missing[::-1]


def check_output_dir(path: Path | str, flag: str = "--out") -> OutputPlan:
    """Check an output folder before anything is computed; a bad one raises UserError."""
    text = os.fspath(path)
    problem = _name_problem(text)
    if problem:
        raise UserError(f"{flag}: {text[:80]!r} {problem}")
    final = Path(os.path.abspath(text))
    anchor, missing = _existing_ancestor(final)
    if not anchor.is_dir():
        kind = "a file" if anchor.is_file() else "not a folder"
        where = f"is {kind}" if anchor == final else f"is under {anchor}, which is {kind}"
        raise UserError(
            f"{flag}: {text!r} {where}" + (", not a folder" if anchor.is_file() else "")
        )
    if missing:
        why = _probe(anchor)
        if why:
            raise UserError(f"{flag}: cannot create {text!r}: {anchor} does not allow it ({why})")
        return OutputPlan(final, final.parent, tuple(missing[:-1]))
    why = _probe(final)
    if why:
        raise UserError(f"{flag}: cannot write in {text!r} ({why})")
    staging = final.parent if final.parent != final and _probe(final.parent) is None else final
    return OutputPlan(final, staging, ())


def output_dir(text: str) -> Path:
    """``--out``: a folder checked now, before any work (a typer parser)."""
    check_output_dir(text, "--out")
    return Path(text)


def _make_dirs(folders: tuple[Path, ...]) -> list[Path]:
    """Create ``folders`` (outermost first); return those this call made."""
    made = []
    for folder in folders:
        with contextlib.suppress(FileExistsError):
            os.mkdir(folder)
            made.append(folder)
    return made


def _remove_dirs(made: list[Path]) -> None:
    """Remove folders this process made (innermost first), if they are empty."""
    for folder in reversed(made):
        with contextlib.suppress(OSError):
            os.rmdir(folder)


class _Merge:
    """Move a finished temporary folder's files into an existing folder, all or none."""

    def __init__(self, tmp: Path, final: Path) -> None:
        self.tmp, self.final = tmp, final
        self.moved: list[tuple[Path, Path | None]] = []  # (target, where its old file is)
        self.made: list[Path] = []

    def run(self) -> None:
        files = sorted(p for p in self.tmp.rglob("*") if p.is_file())
        backup = Path(tempfile.mkdtemp(prefix=".old-", dir=self.tmp))
        try:
            for i, item in enumerate(files):
                self._move(item, self.final / item.relative_to(self.tmp), backup / str(i))
        except BaseException:
            self.undo()
            raise

    def _move(self, item: Path, target: Path, saved: Path) -> None:
        rel_parents = target.parent.relative_to(self.final).parts
        folders = tuple(self.final.joinpath(*rel_parents[: i + 1]) for i in range(len(rel_parents)))
        self.made += _make_dirs(folders)
        old = None
        if os.path.lexists(target):
            os.replace(target, saved)
            old = saved
        try:
            os.replace(item, target)
        except BaseException:
            if old is not None:
                os.replace(old, target)
            raise
        self.moved.append((target, old))

    def undo(self) -> None:
        for target, old in reversed(self.moved):
            with contextlib.suppress(OSError):
                if old is None:
                    os.unlink(target)
                else:
                    os.replace(old, target)
        _remove_dirs(self.made)


def _publish(tmp: Path, final: Path) -> None:
    """Put the finished ``tmp`` in place as ``final``: one rename when ``final`` is new."""
    if not os.path.lexists(final):
        os.chmod(tmp, _DIR_MODE)
        try:
            os.rename(tmp, final)
            return
        except OSError as exc:
            if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                raise
    _Merge(tmp, final).run()


def _inside(exc: OSError, folder: Path) -> bool:
    """Whether the failed operation named a file inside ``folder``."""
    names = [n for n in (exc.filename, exc.filename2) if n]
    return any(os.path.abspath(os.fsdecode(n)).startswith(str(folder)) for n in names)


@contextlib.contextmanager
def atomic_dir(final: Path | str, flag: str = "--out") -> Iterator[Path]:
    """Yield a temporary folder; when the block succeeds, its files become ``final``'s.

    ``final`` is checked first (``check_output_dir``). Any failure, in the block or in the
    final move, removes the temporary folder and every folder made for it, so ``final`` and
    its parent gain no new files; an OS error while writing is a UserError naming ``final``.
    """
    plan = check_output_dir(final, flag)
    made = _make_dirs(plan.missing)
    ok = False
    try:
        prefix = f".{plan.final.name[:40]}.tmp-"
        tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=plan.staging))
    except OSError as exc:
        _remove_dirs(made)
        raise UserError(f"{flag}: cannot write {str(final)!r}: {os_reason(exc)}") from None
    try:
        yield tmp
        try:
            _publish(tmp, plan.final)
        except OSError as exc:
            raise UserError(f"{flag}: cannot write {str(final)!r}: {os_reason(exc)}") from None
        ok = True
    except OSError as exc:
        if not _inside(exc, tmp):
            raise
        raise UserError(f"{flag}: cannot write {str(final)!r}: {os_reason(exc)}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if not ok:
            _remove_dirs(made)


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode() if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


# --- JSON ---------------------------------------------------------------------------------


def json_text(doc: object, *, compact: bool = False) -> str:
    """The one JSON serialization of scomm's documents.

    Default (``--json`` on stdout and every ``.json`` file): two-space indent, keys in the
    order the document was built, non-ASCII characters escaped, one trailing newline, so the
    same inputs give the same bytes. ``compact`` (the web API's bodies, as FastAPI has always
    written them): no whitespace, UTF-8 characters as they are, floats in pydantic's notation
    (``0.00001``), and a non-finite number as ``null``.
    """
    if compact:
        return pydantic_core.to_json(doc, inf_nan_mode="null").decode("utf-8")
    return json.dumps(doc, indent=2) + "\n"


def json_bytes(doc: object) -> bytes:
    """``json_text(doc)`` as bytes (ASCII, so any encoding reads it)."""
    return json_text(doc).encode()


def write_json(path: Path, doc: object) -> None:
    """Write ``doc`` to ``path`` (a file inside a folder that ``atomic_dir`` is building)."""
    Path(path).write_bytes(json_bytes(doc))


def print_json(doc: object) -> None:
    """Print exactly one JSON document on stdout."""
    sys.stdout.write(json_text(doc))
