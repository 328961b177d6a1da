"""The calibration's parameter space, read off the parameter tree: every dated value with a
``prior:`` is a coordinate, nothing is listed by hand.

- a scalar entry with a prior is one coordinate; a mapping entry with per-key priors is one
  coordinate per key;
- a mapping entry with ``prior_scale`` is hierarchical: one standard normal z_k per key and a
  shared scale τ; the value is the key range's geometric midpoint × exp(τ z_k), kept inside
  the key's range;
- the bookings model's draw (docs/bookings.md) adds one standard normal per coefficient and
  log α; its county and state effects come from the particle's bookings seed.

Coordinates live in a *sampling scale*: a uniform prior's value, a log-uniform prior's log,
a normal's z. A coordinate is *silent* when no observation can see it: its parameter is read
only by stages the aggregate mode does not count (``aggregate.STAGES_USED``), or its entry
takes effect after the last day any observation covers. Silent coordinates are drawn after
the inference from their prior's spread around the baseline's value (``around``),
independently: the data cannot move them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import special

from scomm.bookings.model import default_model
from scomm.params import Entry, ParameterSet, Prior
from scomm.rules import pipeline

Kind = Literal["uniform", "loguniform", "normal"]
BOOKINGS = "bookings_model"  # the label of the bookings-model draw's coordinates


@dataclass(frozen=True)
class Coordinate:
    """One sampled number: where it goes (parameter, entry date, key) and its prior."""

    label: str
    parameter: str
    date: dt.date | None
    key: str | None
    kind: Kind
    low: float = 0.0  # natural units (uniform, loguniform); unused for a normal
    high: float = 1.0
    role: Literal["value", "z", "scale"] = "value"

    def _natural_bounds(self) -> tuple[float, float]:
        if self.kind == "loguniform":
            return math.log(self.low), math.log(self.high)
        return self.low, self.high

    def to_scale(self, value: float) -> float:
        """A natural value in the sampling scale: a normal's z as is; a bounded prior's value
        as the logit of its position in the range (on the log scale for a log-uniform), whose
        prior is the standard logistic: unbounded, so a sampler never proposes outside."""
        if self.kind == "normal":
            return float(value)
        lo, hi = self._natural_bounds()
        v = math.log(value) if self.kind == "loguniform" else float(value)
        u = min(max((v - lo) / (hi - lo), 1e-12), 1 - 1e-12)
        return math.log(u / (1 - u))

    def from_scale(self, x: float) -> float:
        if self.kind == "normal":
            return float(x)
        lo, hi = self._natural_bounds()
        v = lo + (hi - lo) * float(special.expit(x))
        return math.exp(v) if self.kind == "loguniform" else v

    def sample(self, u: np.ndarray) -> np.ndarray:
        """Inverse-CDF transform of uniforms ``u`` to the sampling scale (standard normal or
        standard logistic)."""
        u = np.clip(np.asarray(u, dtype=np.float64), 1e-15, 1 - 1e-15)
        return special.ndtri(u) if self.kind == "normal" else special.logit(u)

    @property
    def scipy_name(self) -> str:
        """The sampling-scale prior's scipy.stats name."""
        return "norm" if self.kind == "normal" else "logistic"


def _label(parameter: str, date: dt.date, key: str | None, role: str = "value") -> str:
    tail = f":{key}" if key else ""
    return f"{parameter}@{date.isoformat()}{tail}" + ("" if role == "value" else f"#{role}")


def _scalar(parameter: str, date: dt.date, key: str | None, prior: Prior) -> Coordinate:
    return Coordinate(
        _label(parameter, date, key), parameter, date, key, prior.distribution, prior.low,
        prior.high,
    )  # fmt: skip


def _entry_coordinates(parameter: str, date: dt.date, e: Entry) -> list[Coordinate]:
    if isinstance(e.prior, Prior):
        return [_scalar(parameter, date, None, e.prior)]
    assert isinstance(e.prior, dict)
    if e.prior_scale is None:
        return [_scalar(parameter, date, k, p) for k, p in e.prior.items()]
    out = [
        Coordinate(_label(parameter, date, k, "z"), parameter, date, k, "normal", p.low,
                   p.high, "z")
        for k, p in e.prior.items()
    ]  # fmt: skip
    s = e.prior_scale
    out.append(
        Coordinate(_label(parameter, date, None, "scale"), parameter, date, None,
                   s.distribution, s.low, s.high, "scale")
    )  # fmt: skip
    return out


def _bookings_coordinates() -> list[Coordinate]:
    model = default_model()
    names = [*model.terms, "log_alpha"]
    return [Coordinate(f"{BOOKINGS}:{n}#z", BOOKINGS, None, n, "normal", role="z") for n in names]


@dataclass(frozen=True)
class Space:
    """Every coordinate, split into those the data can see and the silent ones."""

    informed: tuple[Coordinate, ...]
    silent: tuple[Coordinate, ...]

    @property
    def coordinates(self) -> tuple[Coordinate, ...]:
        return self.informed + self.silent

    def labels(self) -> list[str]:
        return [c.label for c in self.coordinates]

    def of(self, which: str) -> tuple[Coordinate, ...]:
        """The coordinates ``which`` names: "all", "informed" or "silent"."""
        return {"all": self.coordinates, "informed": self.informed, "silent": self.silent}[which]

    def prior_sample(self, n: int, rng: np.random.Generator, which: str = "all") -> dict:
        """``n`` independent prior draws of the chosen coordinates (sampling scale): draws
        around the prior's own center, 0."""
        coords = self.of(which)
        return around(coords, dict.fromkeys((c.label for c in coords), 0.0), n, rng)

    def parameters(self, base: ParameterSet, x: dict[str, float]) -> ParameterSet:
        """``base`` with the entries at ``x`` (sampling scale; absent coordinates keep their
        value in ``base``)."""
        changed: dict[str, dict[dt.date, object]] = {}
        for (parameter, date, key), v in natural_values(self, x).items():
            per = changed.setdefault(parameter, {})
            if key is None:
                per[date] = v
                continue
            current = per.get(date) or dict(base[parameter].values[date].value)  # type: ignore[arg-type]
            current[key] = v
            per[date] = current
        return base.with_overrides(
            {name: _with_values(base, name, by_date) for name, by_date in changed.items()}
        )

    def anchor(self, base: ParameterSet, which: str = "informed") -> dict[str, float]:
        """The baseline's point on the sampling scale, for the chosen coordinates: a value's
        own (``to_scale``), a hierarchical key's z at its scale's prior median, the scales and
        the bookings model's normals at 0 (their prior median; the tree holds no value for
        them). The calibration holds every coordinate it does not infer here, so what it fits
        is the baseline's model with the inferred coordinates changed, nothing else."""
        scales = {(c.parameter, c.date): c.from_scale(0.0) for c in self.coordinates
                  if c.role == "scale"}  # fmt: skip
        return {c.label: _anchored(c, base, scales) for c in self.of(which)}

    def bookings_z(self, x: dict[str, float]) -> np.ndarray | None:
        """The bookings-model coordinates' normals, or None if absent from ``x``."""
        coords = [c for c in self.coordinates if c.parameter == BOOKINGS]
        if not coords or coords[0].label not in x:
            return None
        return np.array([float(x[c.label]) for c in coords])


def around(
    coords: list[Coordinate] | tuple[Coordinate, ...],
    center: dict[str, float],
    n: int,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """``n`` independent draws of each coordinate from its prior's spread (the sampling
    scale's standard normal or logistic) shifted to ``center``: a held value as the center of
    the belief, its prior range the spread."""
    return {c.label: center[c.label] + c.sample(rng.random(n)) for c in coords}


def _anchored(c: Coordinate, base: ParameterSet, scales: dict[tuple, float]) -> float:
    if c.role == "scale" or c.parameter == BOOKINGS:
        return 0.0
    value = base[c.parameter].values[c.date].value  # type: ignore[index]
    v = float(value if c.key is None else value[c.key])  # type: ignore[index]
    if c.role == "value":
        return c.to_scale(v)
    return math.log(v / math.sqrt(c.low * c.high)) / scales[(c.parameter, c.date)]


def _with_values(base: ParameterSet, name: str, by_date: dict):
    p = base[name]
    values = dict(p.values)
    for date, v in by_date.items():
        values[date] = values[date].model_copy(update={"value": v})
    return p.model_copy(update={"values": values})


def natural_values(space: Space, x: dict[str, float]) -> dict[tuple, float]:
    """(parameter, date, key) -> natural value for every value coordinate in ``x``, the
    hierarchical keys resolved from their z and the shared scale."""
    out: dict[tuple, float] = {}
    scales = {
        (c.parameter, c.date): c.from_scale(x[c.label])
        for c in space.coordinates
        if c.role == "scale" and c.label in x
    }
    for c in space.coordinates:
        if c.label not in x or c.role == "scale":
            continue
        if c.parameter == BOOKINGS:
            continue
        if c.role == "value":
            out[(c.parameter, c.date, c.key)] = c.from_scale(x[c.label])
        else:
            mid = math.sqrt(c.low * c.high)
            tau = scales[(c.parameter, c.date)]
            out[(c.parameter, c.date, c.key)] = min(max(mid * math.exp(tau * x[c.label]), c.low),
                                                   c.high)  # fmt: skip
    return out


def build(params: ParameterSet, observed_until: dt.date, stages_used: set[str]) -> Space:
    """The space of every prior in ``params`` (model parameters only) and the bookings draw;
    ``observed_until``: the last day any observation covers; ``stages_used``: the pipeline
    stages whose outcomes the observations count."""
    seen = pipeline.parameter_names(*stages_used)
    informed, silent = [], []
    for name in sorted(pipeline.parameter_names()):
        p = params[name]
        for date in sorted(p.values):
            e = p.values[date]
            if e.prior is None:
                continue
            coords = _entry_coordinates(name, date, e)
            quiet = name not in seen or date > observed_until
            (silent if quiet else informed).extend(coords)
    informed.extend(_bookings_coordinates())
    return Space(tuple(informed), tuple(silent))


def particle_seed(seed: int, x: dict[str, float]) -> int:
    """A 63-bit seed for a particle's bookings draw (county and state effects): a hash of the
    calibration seed and the particle's coordinates, so a particle's bookings can be
    recreated from what the posterior file stores."""
    text = repr((int(seed), sorted((k, float(v).hex()) for k, v in x.items())))
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") >> 1
