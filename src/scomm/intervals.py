"""Intervals that say what they include.

Every interval a reader sees carries its ``method``, and its label is read from that field,
never written beside it by hand: ``seeds`` (replicate runs with different random seeds at
the parameters' point values, so simulation noise only) or ``posterior+seeds`` (each
replicate run with the calibration posterior's parameter set its seed draws, so parameter
uncertainty too; scomm.calibration.draws), or ``quick-posterior+seeds`` when that posterior
is a quick calibration run and ``unreliable-posterior+seeds`` when the importance weights of its
draws fail their diagnostic (Pareto k̂ above 0.7), which the label then says.

    Interval.from_values([...], seeds=(0, 9)).as_dict()
    {"low": ..., "high": ..., "method": "seeds", "kind": "range", "runs": 10, "seeds": [0, 9]}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from scomm.i18n import N_

#: Below this many runs the 2.5-97.5 percentiles cannot be estimated: the range is shown.
PERCENTILE_MIN_RUNS = 40

#: What each method includes, in words (the catalog translates them).
INCLUDES: dict[str, str] = {
    "seeds": N_("simulation seeds only: simulation noise; parameter uncertainty not included"),
    "posterior+seeds": N_(
        "posterior parameter draws and simulation seeds: the uncertainty of the parameters the "
        "calibration inferred, of the unsourced assumptions the data barely see (drawn around "
        "their values, weighted by the likelihood) and of those no data see (drawn around their "
        "values), the other parameters at their point values; and simulation noise"
    ),
    "quick-posterior+seeds": N_(
        "posterior parameter draws and simulation seeds, from a quick calibration run that "
        "is not the fit (see docs/calibration.md): parameter uncertainty and simulation noise"
    ),
    "unreliable-posterior+seeds": N_(
        "posterior parameter draws and simulation seeds, from a calibration whose importance "
        "weights fail their diagnostic: an unreliable posterior, not the fit (see "
        "docs/calibration.md): parameter uncertainty, approximately, and simulation noise"
    ),
}
KINDS: dict[str, str] = {
    "range": N_("range over %(runs)s runs"),
    "percentile": N_("2.5–97.5 percentile over %(runs)s runs"),
}


@dataclass(frozen=True)
class Interval:
    """A low-high interval of a value over runs, and how it was made."""

    low: float
    high: float
    method: str  # a key of INCLUDES
    kind: str  # a key of KINDS
    runs: int
    seeds: tuple[int, int] | None = None

    @classmethod
    def from_values(
        cls, values: Sequence[float], seeds: tuple[int, int] | None, method: str = "seeds"
    ) -> Interval | None:
        """The interval of ``values`` (one per run; None values are left out), or None with
        fewer than two runs."""
        seen = [float(v) for v in values if v is not None]
        if len(seen) < 2:
            return None
        if len(seen) >= PERCENTILE_MIN_RUNS:
            lo, hi = np.percentile(seen, [2.5, 97.5])
            kind = "percentile"
        else:
            lo, hi = min(seen), max(seen)
            kind = "range"
        return cls(float(lo), float(hi), method, kind, len(seen), seeds)

    @classmethod
    def from_dict(cls, doc: dict[str, Any] | None) -> Interval | None:
        """An interval read back from its ``as_dict`` form."""
        if not doc:
            return None
        seeds = doc.get("seeds")
        return cls(
            doc["low"],
            doc["high"],
            doc["method"],
            doc["kind"],
            doc["runs"],
            tuple(seeds) if seeds else None,
        )

    def as_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "low": self.low,
            "high": self.high,
            "method": self.method,
            "kind": self.kind,
            "runs": self.runs,
            "seeds": list(self.seeds) if self.seeds else None,
        }

    @property
    def includes(self) -> str:
        """What the interval includes, from its method (English; translate for readers)."""
        return INCLUDES[self.method]

    def label(self, gettext=lambda s: s) -> str:
        """ "range over 10 runs: simulation noise only; parameter uncertainty not included"."""
        kind = gettext(KINDS[self.kind]) % {"runs": self.runs}
        return f"{kind}: {gettext(self.includes)}"
