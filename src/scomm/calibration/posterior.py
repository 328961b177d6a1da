"""The posterior as a versioned data file in the package, with its provenance, and draws from
it for the runs' intervals.

``src/scomm/data/posterior/<version>.parquet``: one row per particle, its weight, its
bookings seed and every coordinate (sampling scale): the inferred ones and the held
assumptions drawn (calibration.held) as the particle has them, the other screened-out ones at
the baseline's values, the silent ones drawn around the baseline's values (keyed by the
calibration seed). ``<version>.yaml`` beside it: when, from which commit,
code and parameter tree, which data, the inference's settings and diagnostics, the wall time and the
command that re-creates it. ``latest()`` is the newest version in the package.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import yaml

from scomm import __version__
from scomm.calibration import space as sp
from scomm.params import ParameterSet
from scomm.rng import uniforms

FOLDER = "posterior"
K_RELIABLE = 0.7  # Pareto k̂ above which importance weights are not trusted (calibration.infer)
WEIGHT, SEED = "weight", "bookings_seed"
DRAW_STREAM = 21  # scomm.rng stream id of posterior draws (keyed by run seed); see rng.Stream


@dataclass(frozen=True)
class Posterior:
    """Weighted particles (sampling-scale coordinates) and their provenance."""

    table: pl.DataFrame
    provenance: dict[str, Any]

    @property
    def labels(self) -> list[str]:
        return [c for c in self.table.columns if c not in (WEIGHT, SEED)]

    def weights(self) -> np.ndarray:
        w = self.table[WEIGHT].to_numpy().astype(float)
        return w / w.sum()

    def ess(self) -> float:
        w = self.weights()
        return float(1.0 / (w**2).sum())

    def particle(self, i: int) -> dict[str, float]:
        row = self.table.row(i, named=True)
        return {k: float(row[k]) for k in self.labels}

    def draw(self, seed: int) -> int:
        """The particle a run with ``seed`` uses: an inverse-CDF draw on the weights from a
        keyed uniform, so the same seed always takes the same particle."""
        u = float(uniforms(seed, DRAW_STREAM, np.array([0], dtype=np.uint64))[0])
        return int(min(np.searchsorted(np.cumsum(self.weights()), u, side="right"),
                       self.table.height - 1))  # fmt: skip

    def natural(self, space: sp.Space) -> pl.DataFrame:
        """The particles in natural units, one column per (parameter, date, key)."""
        rows = []
        for i in range(self.table.height):
            values = sp.natural_values(space, self.particle(i))
            rows.append({_name(k): v for k, v in values.items()})
        return pl.DataFrame(rows).with_columns(self.table[WEIGHT])


def screened_out(p: Posterior) -> list[str]:
    """The informed coordinates the inference held at the baseline's values (screened out;
    the table holds them there too, from 2 Dec 2026)."""
    return list((p.provenance.get("screening") or {}).get("screened_out") or [])


def inferred(p: Posterior) -> list[str]:
    """The coordinates the inference ran over: the screening's choice, or every column of a
    run that screened none (the quick budget)."""
    ran = (p.provenance.get("screening") or {}).get("inferred")
    return list(ran) if ran else [c for c in p.labels if c not in screened_out(p)]


def drawn(p: Posterior) -> list[str]:
    """The held coordinates the second stage drew (calibration.held): a subset of the
    screened-out ones."""
    return list((p.provenance.get("screening") or {}).get("drawn") or [])


def _failing(diagnostics: dict[str, Any] | None) -> str | None:
    """A stage's Pareto k̂ as shown when its weights fail their diagnostic, else None (and for
    a stage that did not run)."""
    if diagnostics is None:
        return None
    k = diagnostics.get("pareto_k")
    if k is None:
        return "not estimable"
    return f"{k:.2f}" if k > K_RELIABLE else None


def caveat(p: Posterior) -> str:
    """What a user must know when the posterior is not a completed full run whose importance
    weights pass their diagnostic (else "")."""
    prov = p.provenance
    version = prov.get("version", "?")
    if prov.get("budget", {}).get("quick"):
        return (
            f"Posterior {version} is a quick run (the test budget), effective sample size "
            f"{p.ess():.1f}: a few steps towards the posterior, NOT the fit. Intervals drawn "
            "from it include parameter uncertainty only in that approximate sense; the point "
            "values are not written back from it."
        )
    for stage, diagnostics in (("importance", prov.get("importance", {})),
                               ("held-assumption", prov.get("held"))):  # fmt: skip
        shown = _failing(diagnostics)
        if shown is None:
            continue
        return (
            f"Posterior {version}'s {stage} weights fail their diagnostic (Pareto k "
            f"{shown}, reliable up to {K_RELIABLE}; effective sample size {p.ess():.1f}): the "
            "posterior is unreliable, NOT the fit. Intervals drawn from it include parameter "
            "uncertainty only approximately; the point values are not written back from it."
        )
    return ""


def interval_method(p: Posterior) -> str:
    """The key of scomm.intervals.INCLUDES for intervals drawn from ``p``: a quick run's, a
    run whose weights fail their diagnostic (unreliable), or the posterior's."""
    if p.provenance.get("budget", {}).get("quick"):
        return "quick-posterior+seeds"
    return "unreliable-posterior+seeds" if caveat(p) else "posterior+seeds"


def _name(key: tuple) -> str:
    parameter, date, k = key
    return f"{parameter}@{date.isoformat()}" + (f":{k}" if k else "")


def folder() -> Path:
    return Path(str(resources.files("scomm.data") / FOLDER))


def versions(root: Path | None = None) -> list[str]:
    """The posterior versions in ``root``: parquet files with their provenance beside them
    (not the screening or a Morris table, which have none)."""
    base = folder() if root is None else root
    if not base.is_dir():
        return []
    return sorted(p.stem for p in base.glob("*.parquet") if p.with_suffix(".yaml").exists())


@cache
def latest() -> Posterior | None:
    """The newest packaged posterior, or None if the package has none."""
    found = versions()
    return read(folder(), found[-1]) if found else None


def read(root: Path, version: str) -> Posterior:
    table = pl.read_parquet(root / f"{version}.parquet")
    provenance = yaml.safe_load((root / f"{version}.yaml").read_text(encoding="utf-8"))
    return Posterior(table, provenance)


def write(root: Path, version: str, post: Posterior) -> list[Path]:
    """The posterior's parquet and provenance YAML, each written whole (temporary file, then
    renamed into place)."""
    root.mkdir(parents=True, exist_ok=True)
    out = []
    for suffix, write_one in (
        (".parquet", lambda p: post.table.write_parquet(p, compression="zstd")),
        (".yaml", lambda p: p.write_text(yaml.safe_dump(post.provenance, sort_keys=False),
                                         encoding="utf-8")),
    ):  # fmt: skip
        target = root / f"{version}{suffix}"
        tmp = target.with_suffix(suffix + ".tmp")
        write_one(tmp)
        tmp.replace(target)
        out.append(target)
    return out


def git_commit() -> str:
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                              check=True, cwd=Path(__file__).parent)  # fmt: skip
        return done.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def data_digest() -> str:
    """sha256 over the observation tables the likelihood reads and the data manifest."""
    from scomm.calibration_data import load

    h = hashlib.sha256()
    for name in ("targets", "landmarks", "seattle", "pierce", "program_287g"):
        h.update(load(name).observations.write_csv().encode())
    h.update((resources.files("scomm.data") / "MANIFEST.yaml").read_bytes())
    return h.hexdigest()


def provenance(params: ParameterSet, settings: dict[str, Any]) -> dict[str, Any]:
    """The provenance record: settings and diagnostics given, the rest found here."""
    import arviz_stats
    import scipy

    return {
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "git_commit": git_commit(),
        "scomm_version": __version__,
        "parameter_digest": params.digest(),
        "data_digest": data_digest(),
        "scipy_version": scipy.__version__,
        "arviz_stats_version": arviz_stats.__version__,
        **json.loads(json.dumps(settings)),
    }
