"""Golden baselines of the real-panel estimates: ``python -m scomm.study.golden --write``
regenerates ``tests/golden/study_<outcome>.json``; ``--check`` compares (exit 1 on a change).

The pinned document is the study's headline, every estimator's ATT, interval, pre-trend p and
event-study path, the sample (counties, cohorts, what was dropped) and the sensitivity bounds,
rounded to 10 significant digits so the file is stable across BLAS builds. The intensity design
(which reruns the model) is left out: the model's own goldens pin it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from scomm.study.run import StudySpec, run_study

OUTCOMES = ("violent", "property")
GOLDEN = Path(__file__).resolve().parents[3] / "tests" / "golden"
KEYS = ("outcome", "unit", "window", "n_counties", "n_states", "n_cohorts", "cohorts", "dropped",
        "estimator", "att", "ci", "pretrend_p", "estimates", "sensitivity", "robustness")  # fmt: skip


def _round(x: object) -> object:
    if isinstance(x, float):
        return float(f"{x:.10g}")
    if isinstance(x, dict):
        return {k: _round(v) for k, v in x.items() if k != "package"}
    if isinstance(x, list):
        return [_round(v) for v in x]
    return x


def pinned(outcome: str) -> dict:
    """The golden document of one outcome."""
    doc, _ = run_study(StudySpec(outcome=outcome, intensity_replicates=0))
    return _round({k: doc[k] for k in KEYS})


def path_of(outcome: str, folder: Path = GOLDEN) -> Path:
    return folder / f"study_{outcome}.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="regenerate the golden files")
    mode.add_argument("--check", action="store_true", help="compare with the golden files")
    parser.add_argument("--dir", type=Path, default=GOLDEN, help="folder (default tests/golden)")
    args = parser.parse_args(argv)
    changed = []
    for outcome in OUTCOMES:
        text = json.dumps(pinned(outcome), indent=2, sort_keys=True) + "\n"
        target = path_of(outcome, args.dir)
        if args.write:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target}")
        elif not target.exists() or target.read_text(encoding="utf-8") != text:
            changed.append(str(target))
    if changed:
        print("changed: " + ", ".join(changed), file=sys.stderr)
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
