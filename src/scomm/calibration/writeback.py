"""The baseline's point values are the posterior medians: ``python -m scomm.calibration.writeback``
writes each inferred coordinate's weighted posterior median into its parameter file, with a
``calibrated:`` note naming the posterior and the 90% interval.

The coordinates the inference did not run over (screened out) keep their values: the inference
held them there, so the medians and the kept values are the set the likelihood saw. Silent
coordinates keep their cited or assumed values (the data cannot move them), and so does
the bookings model (its point estimates; the posterior of its coefficients is in
docs/calibration.md). A mapping that compiles to a distribution (``transform: cdf``: criminal
history, charge) is written normalized to sum to 1 where every normalized share stays inside
its prior; the compiled distribution is the same either way.
"""

from __future__ import annotations

import re
from collections import defaultdict
from importlib import resources
from pathlib import Path

import numpy as np
import yaml

from scomm.calibration import identify
from scomm.calibration import posterior as post
from scomm.calibration import space as sp
from scomm.calibration.draws import _space_of
from scomm.params import default_parameters
from scomm.rules import pipeline


def medians(p: post.Posterior) -> dict[tuple, tuple[float, float, float]]:
    """(parameter, date, key) -> (5%, 50%, 95%) of the weighted posterior, natural units."""
    space = _space_of(p)
    values = [sp.natural_values(space, p.particle(i)) for i in range(p.table.height)]
    w = p.weights()
    ran = set(post.inferred(p))
    moved = {(c.parameter, c.date, c.key) for c in space.coordinates if c.label in ran}
    silent = {(c.parameter, c.date) for c in _full_space().silent}
    out = {}
    for key in values[0]:
        if key not in moved or (key[0], key[1]) in silent:
            continue
        x = np.array([v[key] for v in values])
        out[key] = tuple(identify._quantiles(x, w))
    return out


def _full_space() -> sp.Space:
    from scomm import aggregate
    from scomm.calibration import observations

    return sp.build(default_parameters(), observations.last_day(), set(aggregate.STAGES_USED))


def _cdf_parameters() -> set[str]:
    return {p.name for p in pipeline.parameters() if p.transform == "cdf"}


def _normalized(name: str, date, value: dict) -> dict:
    entry = default_parameters()[name].values[date]
    total = sum(value.values())
    scaled = {k: round(v / total, 6) for k, v in value.items()}
    priors = entry.prior if isinstance(entry.prior, dict) else {}
    ok = all(priors[k].low <= v <= priors[k].high for k, v in scaled.items() if k in priors)
    return scaled if ok else value


def write(p: post.Posterior, root: Path | None = None) -> list[Path]:
    """Write the medians into the parameter files under ``root`` (default: the package's)."""
    base = Path(str(resources.files("scomm") / "parameters")) if root is None else root
    version = p.provenance.get("version", "?")
    by_entry: dict[tuple, dict] = defaultdict(dict)
    for (name, date, key), q in medians(p).items():
        by_entry[(name, date)][key] = q
    written = []
    for (name, date), keys in sorted(by_entry.items()):
        path = base / (name.replace(".", "/") + ".yaml")
        text = path.read_text("utf-8")
        old = yaml.safe_load(text)["values"][date]["value"]
        value = _new_value(name, date, old, keys)
        spans = "; ".join(
            f"{k or 'value'} {q[0]:.4g}..{q[2]:.4g}" for k, q in sorted(keys.items(), key=str)
        )
        note = (
            f"posterior median of calibration {version} (scomm calibrate; docs/calibration.md); "
            f"posterior 90% interval: {spans}"
        ) + _kept(yaml.safe_load(text)["values"][date].get("calibrated"), keys, version)
        text = edit_entry(text, date, value, note)
        if yaml.safe_load(text)["values"][date]["value"] != value:
            raise ValueError(f"{path}: values.{date}.value: the edit did not write {value!r}")
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return sorted(set(written))


def edit_entry(text: str, date, value, note: str) -> str:
    """``text`` (a parameter file) with the entry of ``date`` given ``value`` and a
    ``calibrated:`` note, every other line as it was (comments, layout and anchors kept)."""
    lines = text.splitlines(keepends=True)
    first = lines.index(f"  {date.isoformat()}:\n")
    last = next((i for i in range(first + 1, len(lines)) if _indent(lines[i]) <= 2), len(lines))
    block = _with_note(_with_value(lines[first + 1 : last], value), note)
    return "".join(lines[: first + 1] + block + lines[last:])


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" ")) if line.strip() else 99


def _with_value(block: list[str], value) -> list[str]:
    """The entry's lines with ``value`` (a number, or numbers by key) in place of the old."""
    out = list(block)
    at = next(i for i, line in enumerate(out) if line.startswith("    value:"))
    if not isinstance(value, dict):
        out[at] = f"    value: {value}\n"
        return out
    for i in range(at + 1, len(out)):
        if _indent(out[i]) < 6:
            break
        key = out[i].strip().split(":")[0]
        if key in value:
            out[i] = f"      {key}: {value[key]}\n"
    return out


def _with_note(block: list[str], note: str) -> list[str]:
    """The entry's lines without its old ``calibrated:`` field, the new one at their end."""
    out, skipping = [], False
    for line in block:
        if line.startswith("    calibrated:"):
            skipping = True
            continue
        if skipping and line.strip() and _indent(line) > 4:
            continue
        skipping = False
        out.append(line)
    field = yaml.safe_dump({"calibrated": note}, width=96, allow_unicode=True)
    tail = len(out)
    while tail and not out[tail - 1].strip():
        tail -= 1
    dumped = ["    " + line + "\n" for line in field.splitlines()]
    return out[:tail] + dumped + out[tail:]


_NOTE = re.compile(r"posterior median of calibration (\S+) .*?posterior 90% interval: (.*)$")


def _kept(note: str | None, keys: dict, version: str) -> str:
    """The part of an earlier calibration's note on keys this one did not infer (their values
    stay that calibration's medians), so the note still says where each value came from."""
    found = _NOTE.match(note or "")
    if found is None or found.group(1) == version:
        return ""
    primary = found.group(2).split("; kept from ")[0]
    spans = [s for s in primary.split("; ") if s.split(" ")[0] not in {k or "value" for k in keys}]
    if not spans:
        return ""
    return f"; kept from calibration {found.group(1)}: {'; '.join(spans)}"


def _new_value(name: str, date, old, keys: dict):
    if None in keys:
        return round(float(keys[None][1]), 6)
    value = dict(old)
    for k, q in keys.items():
        value[k] = round(float(q[1]), 6)
    return _normalized(name, date, value) if name in _cdf_parameters() else value


if __name__ == "__main__":
    found = post.latest()
    if found is None:
        raise SystemExit("no packaged posterior: run scomm calibrate")
    for path in write(found):
        print(f"wrote {path}")
