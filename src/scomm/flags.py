"""Values a user types (command-line flags, the dashboard's query parameters), checked once.

An empty value, stray whitespace or a newline, a character outside ASCII (Arabic-Indic or
full-width digits look like digits and are not), a lone separator or an empty list item is
refused with one line naming the flag, never read as "the default" or "everything". Numbers
are ASCII decimals within stated bounds; floats are finite. The bounds on how much work a
command may be asked for are here, documented in docs/cli.md.

The ``*_option`` factories return typer parsers: typer hands them the raw text, so a bad
value is refused before the command runs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path

from scomm.errors import UserError
from scomm.io import NAME_MAX, PATH_MAX

MAX_REPLICATES = 1_000  # scomm run / monitor / study: runs one after another in one process
MAX_SWEEP_REPLICATES = 100_000  # scomm sweep: replicates per scenario
MAX_SWEEP_SCENARIOS = 50  # scomm sweep: scenarios in one sweep
MAX_SWEEP_TASKS = 1_000_000  # scomm sweep: scenarios x replicates
MAX_WORKERS = 256  # scomm sweep --workers: local Dask worker processes
MAX_MIN_CELL = 1_000_000_000  # records --min-cell
_INTEGER = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?")


def shown(text: str, limit: int = 200) -> str:
    """``text`` quoted for a message, cut to ``limit`` characters."""
    return repr(text if len(text) <= limit else text[:limit] + "...")


def token(text: str, field: str, expected: str) -> str:
    """A code-like value (a month, a date, a state code, a FIPS code, a number): not empty,
    no whitespace, printable ASCII only."""
    if text == "":
        raise UserError(f"{field}: the value is empty; expected {expected}")
    if any(c.isspace() for c in text):
        raise UserError(f"{field}: {shown(text)} has whitespace in it; expected {expected}")
    if not (text.isascii() and text.isprintable()):
        raise UserError(
            f"{field}: {shown(text)} has characters outside printable ASCII; expected {expected}"
        )
    return text


def items(text: str, field: str, expected: str) -> list[str]:
    """A comma-separated list of tokens, with no empty item and no lone separator."""
    token(text, field, expected)
    parts = text.split(",")
    if "" in parts:
        raise UserError(
            f"{field}: {shown(text)} has an empty item (a comma with nothing on one side); "
            f"expected {expected}"
        )
    return parts


def integer(text: str, field: str, lo: int, hi: int) -> int:
    """An ASCII decimal integer from ``lo`` to ``hi``."""
    expected = f"an integer from {lo} to {hi}"
    token(text, field, expected)
    if not _INTEGER.fullmatch(text):
        raise UserError(f"{field}: {shown(text)} is not an integer; expected {expected}")
    value = int(text)
    if not lo <= value <= hi:
        raise UserError(f"{field}: {shown(text)} is out of range; expected {expected}")
    return value


def number(text: str, field: str, lo: float, hi: float) -> float:
    """A finite ASCII decimal number from ``lo`` to ``hi``."""
    expected = f"a number from {lo:g} to {hi:g}"
    token(text, field, expected)
    if not _NUMBER.fullmatch(text):
        raise UserError(f"{field}: {shown(text)} is not a number; expected {expected}")
    value = float(text)
    if not (math.isfinite(value) and lo <= value <= hi):
        raise UserError(f"{field}: {shown(text)} is out of range; expected {expected}")
    return value


def path_text(text: str, field: str) -> str:
    """A file or folder name: not empty, no control characters, no whitespace at either
    end, and short enough for the operating system."""
    if text.strip() == "":
        raise UserError(f"{field}: the value is empty; expected a file name")
    if text != text.strip() or any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise UserError(
            f"{field}: {shown(text)} has stray whitespace or a control character; "
            "expected a file name"
        )
    raw = text.encode("utf-8", "surrogateescape")
    if len(raw) > PATH_MAX or any(
        len(p.encode("utf-8", "surrogateescape")) > NAME_MAX for p in Path(text).parts
    ):
        raise UserError(
            f"{field}: {shown(text)} is too long for a file name (at most {NAME_MAX} bytes a "
            f"name, {PATH_MAX} a path)"
        )
    return text


# --- typer parsers --------------------------------------------------------------------------


def _parser(check: Callable[[str], object]) -> Callable[[object], object]:
    """A typer parser: raw text through ``check``; a default that is already typed passes."""

    def parse(value: object) -> object:
        return check(value) if isinstance(value, str) else value

    return parse


def int_option(field: str, lo: int, hi: int) -> Callable[[object], object]:
    """Parser of an integer flag."""
    return _parser(lambda t: integer(t, field, lo, hi))


def float_option(field: str, lo: float, hi: float) -> Callable[[object], object]:
    """Parser of a number flag."""
    return _parser(lambda t: number(t, field, lo, hi))


def token_option(field: str, expected: str) -> Callable[[object], object]:
    """Parser of a code-like flag (month, date, state, FIPS); its format is checked later,
    where the value is read."""
    return _parser(lambda t: token(t, field, expected))


def list_option(field: str, expected: str) -> Callable[[object], object]:
    """Parser of a comma-separated list flag (kept as text)."""
    return _parser(lambda t: ",".join(items(t, field, expected)))


def path_option(field: str) -> Callable[[object], object]:
    """Parser of a file-name flag or argument."""
    return _parser(lambda t: Path(path_text(t, field)))


def names_option(field: str) -> Callable[[object], object]:
    """Parser of a comma-separated list of names or files (``--scenarios A,B``), kept as text."""

    def check(text: str) -> str:
        if text == "":
            raise UserError(f"{field}: the value is empty; expected names or files, e.g. baseline")
        parts = text.split(",")
        if "" in parts:
            raise UserError(
                f"{field}: {shown(text)} has an empty item (a comma with nothing on one side); "
                "expected names or files separated by commas, e.g. baseline,no-scomm"
            )
        return ",".join(path_text(p, field) for p in parts)

    return _parser(check)


def name_option(field: str) -> Callable[[object], object]:
    """Parser of a name-or-file flag (``--scenario``), kept as text."""
    return _parser(lambda t: path_text(t, field))
