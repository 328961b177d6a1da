"""Counties and states with their S-Comm activation dates (packaged data; see
src/scomm/data/MANIFEST.yaml for sources)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import polars as pl

from scomm.errors import UserError
from scomm.flags import items, shown


def _read(name: str) -> pl.DataFrame:
    with resources.files("scomm.data").joinpath(name).open("rb") as fh:
        return pl.read_csv(fh, infer_schema_length=0)


@dataclass(frozen=True)
class Counties:
    """The model's counties, in a fixed order (index = position)."""

    table: pl.DataFrame

    @property
    def fips(self) -> np.ndarray:
        """5-digit FIPS codes."""
        return self.table["county_fips"].to_numpy()

    @property
    def state(self) -> np.ndarray:
        """USPS state codes."""
        return self.table["state"].to_numpy()

    def column(self, name: str) -> np.ndarray:
        """A numeric column as float64."""
        return self.table[name].cast(pl.Float64).to_numpy()

    @property
    def activation(self) -> list[dt.date]:
        """S-Comm activation date of each county."""
        return [dt.date.fromisoformat(d) for d in self.table["activation_date"]]

    def index_of(self, fips: str) -> int:
        """Position of a county; an unknown FIPS raises UserError."""
        hits = np.flatnonzero(self.fips == fips)
        if len(hits) == 0:
            raise UserError(f"county {fips!r}: not a known 5-digit county FIPS code")
        return int(hits[0])

    def states(self) -> list[str]:
        """Sorted USPS codes of the states (and DC) present."""
        return sorted(set(self.state.tolist()))


@cache
def counties() -> Counties:
    """All counties, sorted by FIPS."""
    table = _read("counties.csv").sort("county_fips")
    return Counties(table)


@cache
def state_names() -> dict[str, str]:
    """USPS code → state name."""
    t = _read("state_codes.csv")
    return dict(zip(t["state"].to_list(), t["state_name"].to_list(), strict=True))


def parse_states(text: str | None) -> list[str]:
    """'NY,CA' → ['CA', 'NY']; None → all; an unknown code, an empty value or an empty
    item (``,``) raises UserError."""
    known = counties().states()
    if text is None:
        return known
    wanted = [s.upper() for s in items(text, "--states", "USPS codes, e.g. NY,CA")]
    for s in wanted:
        if s not in known:
            raise UserError(f"--states: {shown(s)} is not a USPS state code (e.g. NY, CA, DC)")
    return sorted(set(wanted))
