"""Exact binomial distributions in NumPy (log-factorials), for the county comparisons and
the monitor: no SciPy import on the run path."""

from __future__ import annotations

import numpy as np


def _log_factorials(n: int) -> np.ndarray:
    """log k! for k = 0..n."""
    out = np.zeros(n + 1)
    if n > 0:
        np.cumsum(np.log(np.arange(1, n + 1)), out=out[1:])
    return out


def binomial_pmf(n: int, p: float) -> np.ndarray:
    """P(X = k) for k = 0..n, X ~ Binomial(n, p)."""
    k = np.arange(n + 1)
    if p <= 0.0 or p >= 1.0:
        return (k == (0 if p <= 0.0 else n)).astype(np.float64)
    lf = _log_factorials(n)
    return np.exp(lf[n] - lf - lf[::-1] + k * np.log(p) + (n - k) * np.log1p(-p))


def upper_tail(x: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """P(X >= x) for X ~ Binomial(n, p), element by element (0 < p < 1)."""
    out = np.ones(len(x))
    if len(x) == 0:
        return out
    lf = _log_factorials(int(n.max()))
    for i in np.flatnonzero(x > 0):
        if not 0.0 < p[i] < 1.0:
            out[i] = float(p[i] >= 1.0)
            continue
        ni, k = int(n[i]), np.arange(int(x[i]), int(n[i]) + 1)
        logp = lf[ni] - lf[k] - lf[ni - k] + k * np.log(p[i]) + (ni - k) * np.log1p(-p[i])
        out[i] = min(1.0, float(np.exp(logp).sum()))
    return out


def binomial_draws(n: int, p: float, u: np.ndarray) -> np.ndarray:
    """Binomial(n, p) draws by inverting the CDF at the uniforms ``u``."""
    cdf = np.cumsum(binomial_pmf(n, p))
    return np.minimum(np.searchsorted(cdf, u, side="right"), n)
