"""Calibration data: what the real records and the §2 targets say, the way each source counted.

Each dataset module builds a ``schema.Dataset`` from packaged copies (src/scomm/data, with
MANIFEST.yaml provenance) and hand tables with reasons (``lookups/``):

- ``landmarks``: ICE ERO arrests by AOR and apprehension landmark, FY2012-FY2023 (summed);
- ``seattle``: the Seattle-area arrests and book-ins by state, year, method and conviction;
- ``program_287g``: ICE's 287(g) identified and removed counts by agency, FY2006-2013;
- ``targets``: reference/scomm-facts.md §2 recast as observations with their definitions;
- ``pierce``: Pierce County (WA) jail bookings and ICE holds, 2015-12..2018-07.

``load(name)`` / ``load_all()`` return them; docs/calibration-data.md describes each (its
tables are generated from the public views by ``scomm.calibration_data.report``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from scomm.calibration_data.schema import Dataset


def _loaders() -> dict[str, Callable[[], Dataset]]:
    from scomm.calibration_data import landmarks, pierce, program_287g, seattle, targets

    return {
        "targets": targets.dataset,
        "landmarks": landmarks.dataset,
        "seattle": seattle.dataset,
        "program_287g": program_287g.dataset,
        "pierce": pierce.dataset,
    }


NAMES = ("targets", "landmarks", "seattle", "program_287g", "pierce")


@cache
def load(name: str) -> Dataset:
    """One dataset by name (see NAMES)."""
    loaders = _loaders()
    if name not in loaders:
        raise KeyError(f"unknown calibration dataset {name!r}; known: {', '.join(NAMES)}")
    return loaders[name]()


def load_all() -> dict[str, Dataset]:
    """Every dataset, by name."""
    return {n: load(n) for n in NAMES}
