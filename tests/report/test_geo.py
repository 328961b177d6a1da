"""County geometry: TopoJSON decoding and the join on FIPS codes."""

from __future__ import annotations

from scomm.jurisdictions.counties import counties
from scomm.report import geo


def test_case_quantised_delta_arcs_decode_to_absolute_coordinates():
    """Case: a TopoJSON arc stores its first point and then differences, in grid units."""
    topo = {
        "transform": {"scale": [0.5, 0.25], "translate": [-100.0, 40.0]},
        "arcs": [[[0, 0], [2, 0], [0, 4]], [[2, 4], [-2, -4]]],
    }
    arcs = geo._decoded_arcs(topo)
    assert arcs[0] == [(-100.0, 40.0), (-99.0, 40.0), (-99.0, 41.0)]
    assert arcs[1] == [(-99.0, 41.0), (-100.0, 40.0)]


def test_case_a_ring_stitches_arcs_and_a_negative_index_reverses_one():
    """Case: ring [0, ~1] walks arc 0 forwards, then arc 1 backwards, without repeating the
    shared point."""
    arcs = [[(0.0, 0.0), (1.0, 0.0)], [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0)]]
    assert geo._ring([0, ~1], arcs) == [[0, 0], [1, 0], [0, 1], [0, 0]]


def test_every_model_county_has_a_shape_under_its_own_fips_code():
    fips = counties().fips.tolist()
    features = geo.county_features(fips)
    assert [f["id"] for f in features] == fips
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in features)


def test_case_renamed_counties_join_through_the_crosswalk():
    """Case: Wade Hampton (02270) is drawn with Kusilvak's shape (02158, renamed 2015)."""
    (feature,) = geo.county_features(["02270"])
    assert feature["id"] == "02270"
    assert geo.FIPS_TO_ATLAS["02270"] == "02158"


def test_new_york_shapes_lie_in_new_york():
    ny = [f for f, s in zip(counties().fips, counties().state, strict=True) if s == "NY"]
    features = geo.county_features(ny)
    assert len(features) == 62
    for f in features:
        polys = f["geometry"]["coordinates"]
        rings = polys if f["geometry"]["type"] == "Polygon" else [r for p in polys for r in p]
        for ring in rings:
            for lon, lat in ring:
                assert -80.0 < lon < -71.5 and 40.4 < lat < 45.1
