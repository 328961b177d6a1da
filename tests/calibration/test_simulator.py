"""One likelihood evaluation is fast without changing its value: at the prior median and at
seeded prior draws, every term of ``Simulator.loglik_terms`` (its interval terms computed as
arrays) equals a deliberately simple reference, each term on its own through scalar scipy
calls, as the likelihood was first written. (tests/test_aggregate.py holds the expectation
itself to a profile-by-profile sum and to the engine.)"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special, stats

from scomm.calibration import observations as obs
from scomm.calibration.simulator import Simulator


def nb(mu: float, phi: float):
    n = 1.0 / max(phi, 1e-12)
    return stats.nbinom(n, n / (n + max(mu, 1e-9)))


def interval(low: float, high: float, mu: float, phi: float) -> float:
    a, b = math.ceil(low - 1e-9), math.floor(high + 1e-9)
    b = max(a, b)
    d = nb(mu, phi)
    if a == b:
        return float(d.logpmf(a))
    if mu > b:
        top, bottom = d.logcdf(b), d.logcdf(a - 1)
    else:
        top, bottom = d.logsf(a - 1), d.logsf(b)
    if not top - bottom > 1e-12:
        return float(d.logpmf(b if mu > b else a))
    return float(top + np.log1p(-np.exp(bottom - top)))


def bracket(low: float, high: float, mu_lo: float, mu_hi: float, phi: float) -> float:
    if mu_hi <= mu_lo:
        return interval(low, high, mu_lo, phi)
    logs = [interval(low, high, mu_lo + x * (mu_hi - mu_lo), phi) for x in obs.GL_NODES]
    return float(special.logsumexp(logs, b=obs.GL_WEIGHTS))


def reference(t: obs.Term, counts, factor: float = 1.0) -> float:
    """A term's log-likelihood on its own, scalar calls only (its expectation times
    ``factor``, a shared factor's value)."""
    if t.kind not in ("interval", "upper", "lower"):
        return obs.LOGLIK[t.kind](t, counts)
    lo, hi = (v * factor for v in obs.model_value(t, counts))
    phi = t.dispersion**2
    if t.kind == "upper":
        return float(nb(lo, phi).logcdf(math.floor(t.high)))
    if t.kind == "lower":
        return float(nb(lo, phi).logsf(math.ceil(t.low) - 1))
    return bracket(t.low, t.high, lo, hi, phi)


def group_reference(members: list[obs.Term], counts, sd: float) -> float:
    """Terms sharing a factor exp(sd z): the Gauss-Hermite average over z of the product of
    their scalar likelihoods, node by node."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(obs.AGENCY_NODES)
    logs = [sum(reference(t, counts, math.exp(sd * z)) for t in members) for z in nodes]
    return float(special.logsumexp(logs, b=weights / weights.sum()))


def references(sim: Simulator, x: dict[str, float]) -> dict[str, float]:
    """Every key of ``loglik_terms``: a term alone, or a group of terms sharing a factor."""
    e, spreads = sim.expectation(x), sim.spreads(x)
    out, groups = {}, {}
    for t in sim.terms:
        g = obs.group_of(t, spreads)
        if g is None:
            out[t.obs_id] = reference(t, e)
        else:
            groups.setdefault(g, []).append(t)
    out.update({key: group_reference(m, e, sd) for (key, sd), m in groups.items()})
    return out


@pytest.fixture(scope="module")
def sim() -> Simulator:
    return Simulator.default()


def points(sim: Simulator) -> list[dict[str, float]]:
    """The prior median (every coordinate 0 on its sampling scale) and four seeded draws."""
    out = [{c.label: 0.0 for c in sim.space.informed}]
    for seed in (1, 2, 3, 4):
        draw = sim.space.prior_sample(1, np.random.default_rng(seed), "informed")
        out.append({k: float(v[0]) for k, v in draw.items()})
    return out


def test_every_term_equals_the_scalar_reference(sim):
    for x in points(sim):
        got = sim.loglik_terms(x)
        want = references(sim, x)
        assert sorted(got) == sorted(want)
        for k, v in want.items():
            assert got[k] == pytest.approx(v, rel=1e-9, abs=1e-12), k
        assert sim.loglik(x) == pytest.approx(sum(want.values()), rel=1e-9)


def test_the_vectorised_interval_is_the_scalar_one_in_every_branch():
    # one count, a range below the mean, above it, around it, and both tails underflowing
    cases = [(10, 10, 12.0, 0.04), (8, 15, 30.0, 0.04), (40, 45, 20.0, 0.04),
             (100, 180, 140.0, 0.04), (182_500, 183_500, 50_000.0, 0.01),
             (5, 9, 1e-12, 0.1), (0, 3, 2.0, 1e-14)]  # fmt: skip
    low, high, mu, phi = (np.array(c, dtype=float) for c in zip(*cases, strict=True))
    got = obs.log_interval(low, high, mu, phi)
    assert got.tolist() == pytest.approx([interval(*c) for c in cases], rel=1e-12)
    got = obs.log_bracket(low, high, mu, mu * 1.3, phi)
    assert got.tolist() == pytest.approx([bracket(a, b, m, m * 1.3, p) for a, b, m, p in cases],
                                         rel=1e-12)  # fmt: skip


def test_the_anchor_is_the_baseline_and_the_prior_median_is_not(sim):
    """What the calibration holds fixed is the baseline: the likelihood at the anchor equals
    the one of the unchanged parameter tree, and differs from the prior midpoints'."""
    base = sim.loglik({})
    assert sim.loglik(sim.anchor) == pytest.approx(base, rel=1e-12)
    assert abs(sim.loglik({c.label: 0.0 for c in sim.space.informed}) - base) > 1.0
