"""County geometry from the vendored us-atlas TopoJSON (see assets/VENDORED.md), decoded to
GeoJSON in Python so that a brief can inline only the counties it draws."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

# The model's 2014 county codes that us-atlas (2017 boundaries) spells differently.
FIPS_TO_ATLAS = {"02270": "02158", "46113": "46102"}
ATLAS_TO_FIPS = {v: k for k, v in FIPS_TO_ATLAS.items()}

ASSETS = resources.files("scomm.report") / "assets"


@cache
def topology() -> dict[str, Any]:
    """The us-atlas counties-10m topology."""
    return json.loads((ASSETS / "geo" / "counties-10m.json").read_text("utf-8"))


def _decoded_arcs(topo: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Absolute longitude/latitude points of every arc (delta-decoded, de-quantised)."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    out = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((round(x * sx + tx, 4), round(y * sy + ty, 4)))
        out.append(points)
    return out


@cache
def _arcs() -> list[list[tuple[float, float]]]:
    return _decoded_arcs(topology())


def _ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[list[float]]:
    """Stitch arcs into a closed ring; a negative index ~i means arc i reversed."""
    ring: list[list[float]] = []
    for i in indices:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        start = 1 if ring else 0
        ring.extend([list(p) for p in points[start:]])
    return ring


def _geometry(geom: dict[str, Any], arcs: list[list[tuple[float, float]]]) -> dict[str, Any]:
    if geom["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [_ring(r, arcs) for r in geom["arcs"]]}
    polys = [[_ring(r, arcs) for r in poly] for poly in geom["arcs"]]
    return {"type": "MultiPolygon", "coordinates": polys}


def county_features(fips: list[str]) -> list[dict[str, Any]]:
    """GeoJSON features (id = the model's FIPS code) for the given counties, in their order.

    Counties absent from the atlas are skipped."""
    geoms = {g["id"]: g for g in topology()["objects"]["counties"]["geometries"]}
    arcs = _arcs()
    out = []
    for f in fips:
        g = geoms.get(FIPS_TO_ATLAS.get(f, f))
        if g is None or "arcs" not in g:
            continue
        out.append({"type": "Feature", "id": f, "properties": {}, "geometry": _geometry(g, arcs)})
    return out


#: A county smaller than this share of its state's extent gets an inset zoomed on it.
INSET_BELOW = 0.02


@dataclass(frozen=True)
class Box:
    """A longitude/latitude box."""

    west: float
    south: float
    east: float
    north: float

    @property
    def area(self) -> float:
        """Its extent in square degrees (for comparing sizes only)."""
        return (self.east - self.west) * (self.north - self.south)

    def touches(self, feature: dict[str, Any]) -> bool:
        """Whether a feature's box overlaps this one."""
        b = bounds(feature)
        return not (
            b.east < self.west or b.west > self.east or b.north < self.south or b.south > self.north
        )


def _points(coords: Any) -> list[tuple[float, float]]:
    if coords and isinstance(coords[0], int | float):
        return [(coords[0], coords[1])]
    return [p for c in coords for p in _points(c)]


def bounds(feature: dict[str, Any]) -> Box:
    """The box around a feature."""
    pts = _points(feature["geometry"]["coordinates"])
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return Box(min(xs), min(ys), max(xs), max(ys))


def zoom_box(features: list[dict[str, Any]], fips: str, margin: float = 0.6) -> Box | None:
    """The box an inset shows around county ``fips`` (its box widened by ``margin`` on each
    side), or None when the county is not small beside the whole map."""
    found = [f for f in features if f["id"] == fips]
    if not found:
        return None
    b = bounds(found[0])
    all_boxes = [bounds(f) for f in features]
    whole = Box(min(x.west for x in all_boxes), min(x.south for x in all_boxes),
                max(x.east for x in all_boxes), max(x.north for x in all_boxes))  # fmt: skip
    if b.area >= INSET_BELOW * whole.area:
        return None
    dx, dy = (b.east - b.west) * margin, (b.north - b.south) * margin
    return Box(b.west - dx, b.south - dy, b.east + dx, b.north + dy)
