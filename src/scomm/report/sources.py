"""Numbered sources: every number a brief shows points at the citations behind it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from scomm.params import ParameterSet

GEOMETRY_SOURCE = {
    "title": "us-atlas 3.0.1, counties-10m (U.S. Census Bureau cartographic boundary files, 2017), "
    "ISC license, © Michael Bostock",
    "url": "https://github.com/topojson/us-atlas",
    "detail": "county shapes for the maps (vendored, see report/assets/VENDORED.md)",
}


@dataclass
class Source:
    """One numbered entry: a citation and what it supports."""

    number: int
    title: str
    url: str | None
    date: str | None
    detail: str | None
    supports: list[str] = field(default_factory=list)
    kind: str | None = None  # statute, court, agency, report, news, advocacy, mirror, assumption


class Sources:
    """An ordered, de-duplicated list of sources; ``add`` returns the source's number."""

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str | None], Source] = {}

    def add(
        self,
        title: str,
        url: str | None = None,
        date: str | None = None,
        detail: str | None = None,
        supports: str | None = None,
        kind: str | None = None,
    ) -> int:
        """Register a source (or find it again) and note what it supports; ``kind`` grades a
        citation (params.KINDS)."""
        key = (title.strip(), url)
        src = self._by_key.get(key)
        if src is None:
            src = Source(len(self._by_key) + 1, title.strip(), url, date, detail, kind=kind)
            self._by_key[key] = src
        if supports and supports not in src.supports:
            src.supports.append(supports)
        return src.number

    def add_citation(self, citation: dict[str, Any], supports: str | None = None) -> int:
        """Register a parameter- or law-style citation {title, url, date, kind, locator?}."""
        date = citation.get("date")
        return self.add(
            citation["title"],
            citation.get("url"),
            date.isoformat() if isinstance(date, dt.date) else date,
            citation.get("locator"),
            supports,
            citation.get("kind"),
        )

    def add_any(self, item: Any, supports: str | None = None) -> int:
        """Register a metric's source, given as a citation mapping or as plain text."""
        if isinstance(item, dict) and "title" in item:
            return self.add_citation(item, supports)
        return self.add(str(item), supports=supports)

    def add_data(self, name: str) -> int:
        """Register the raw inputs of a packaged data file; the first one's number."""
        return data_refs(self, (name,))[0]

    def entries(self) -> list[Source]:
        """Sources in number order."""
        return sorted(self._by_key.values(), key=lambda s: s.number)


def parameter_refs(
    sources: Sources, params: ParameterSet, names: Collection[str], start: dt.date, end: dt.date
) -> list[int]:
    """Numbers of the citations of every value in force during [start, end] of the named
    parameters (registered in the parameter set's order, so numbering is stable)."""
    refs: list[int] = []
    for name in params.names():
        if name not in names:
            continue
        p = params[name]
        dates = sorted(p.values)
        for i, when in enumerate(dates):
            nxt = dates[i + 1] if i + 1 < len(dates) else None
            if when <= end and (nxt is None or nxt > start):
                entry = p.values[when]
                n = sources.add_citation(entry.citation.model_dump(), f"parameter {name}")
                if n not in refs:
                    refs.append(n)
    return sorted(refs)


@cache
def _manifest() -> dict[str, Any]:
    text = resources.files("scomm.data").joinpath("MANIFEST.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def data_refs(sources: Sources, files: tuple[str, ...]) -> list[int]:
    """Numbers of the raw inputs behind packaged data files (src/scomm/data/MANIFEST.yaml)."""
    refs: list[int] = []
    for name in files:
        for item in _manifest()["files"][name].get("inputs", []):
            n = sources.add(
                item["publisher"],
                detail=item.get("origin"),
                supports=f"packaged data {name}",
            )
            if n not in refs:
                refs.append(n)
    return sorted(refs)
