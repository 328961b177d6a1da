"""Leave-one-out reweights an equally weighted resample of the posterior and says, through the
Pareto k̂ of the weights, whether the reweighting can be trusted."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl
import pytest

from scomm.calibration import posterior as post
from scomm.calibration import validate


def posterior(weights: list[float]) -> post.Posterior:
    n = len(weights)
    table = pl.DataFrame({post.WEIGHT: weights, post.SEED: list(range(n)),
                          "x": [float(i) for i in range(n)]})  # fmt: skip
    return post.Posterior(table, {"version": "v", "screening": {"screened_out": []}})


def test_leave_one_out_reweights_the_heaviest_particles_that_carry_the_weight():
    assert validate.heaviest(posterior([0.1, 0.6, 0.3]), 3, mass=0.85) == [1, 2]
    assert validate.heaviest(posterior([0.1, 0.6, 0.3]), 3, mass=0.95) == [1, 2, 0]
    assert validate.heaviest(posterior([0.1, 0.6, 0.3]), 1, mass=0.95) == [1]
    assert validate.heaviest(posterior([0.0, 1.0, 0.0]), 3) == [1]


def test_a_term_equal_at_every_particle_gives_no_pareto_k_and_is_not_called_reliable():
    @dataclass
    class Flat:
        anchor: dict[str, float] = field(default_factory=dict)  # nothing screened out

        def loglik_terms(self, x: dict[str, float]) -> dict[str, float]:
            return {"flat": -3.0}

    out = validate.leave_one_out(Flat(), posterior([1.0] * 100), n=100)
    assert out["flat"]["pareto_k"] is None and not out["flat"]["reliable"]
    assert out["flat"]["ess"] == pytest.approx(100)


@dataclass
class TwoTerms:
    """A stand-in simulator: one term every particle fits about as well, one that a single
    particle fits far worse than the rest (leaving it out rests on that particle)."""

    anchor: dict[str, float] = field(default_factory=dict)  # nothing screened out

    def loglik_terms(self, x: dict[str, float]) -> dict[str, float]:
        i = int(x["x"])
        rng = np.random.default_rng(i)
        return {"calm": float(rng.normal(0, 0.1)), "wild": -40.0 if i == 3 else float(rng.normal())}


def test_a_term_one_particle_carries_is_flagged_and_a_calm_one_is_not():
    out = validate.leave_one_out(TwoTerms(), posterior([1.0] * 300), n=300)
    assert out["calm"]["reliable"] and out["calm"]["pareto_k"] < 0.5
    assert not out["wild"]["reliable"] and out["wild"]["pareto_k"] > post.K_RELIABLE
    assert out["calm"]["ess"] == pytest.approx(300, rel=0.05)


def _doc(rows: dict[str, tuple[str, str, float, float]], seattle: list[tuple[str, str, float]]):
    predictive = {oid: {"dataset": d, "kind": k, "low": lo, "high": hi}
                  for oid, (d, k, lo, hi) in rows.items()}  # fmt: skip
    by_year = [{"state": s, "year": y, "records": n} for s, y, n in seattle]
    return {"predictive": predictive, "seattle": {"by_year": by_year}}


def test_case_record_counts_below_the_minimum_cell_size_are_blanked_published_totals_are_not():
    doc = validate.protected(_doc(
        {"pierce_holds_by_year:2017:bookings": ("pierce", "interval", 130.0, 130.0),
         "pierce_x": ("pierce", "interval", 10.0, 10.0),
         "pierce_y": ("pierce", "interval", 11.0, 11.0),
         "pierce_range": ("pierce", "interval", 8.0, 204.0),
         "pierce_zero": ("pierce", "interval", 0.0, 0.0),
         "287g:x": ("program_287g", "interval", 1.0, 1.0),
         "small_target": ("targets", "interval", 3.0, 3.0),
         "share": ("targets", "share", 0.735, 0.745)},
        [("OR", "2019", 10.0), ("OR", "2018", 11.0)],
    ))  # fmt: skip
    p = doc["predictive"]
    assert (p["pierce_x"]["low"], p["pierce_x"]["high"]) == (None, None)
    assert (p["pierce_y"]["low"], p["pierce_y"]["high"]) == (11.0, 11.0)
    assert (p["pierce_range"]["low"], p["pierce_range"]["high"]) == (None, 204.0)
    assert p["pierce_zero"]["low"] == 0.0  # a zero is published, as in records.suppress
    assert p["287g:x"]["low"] is None
    assert p["small_target"]["low"] == 3.0 and p["share"]["low"] == 0.735
    assert [r["records"] for r in doc["seattle"]["by_year"]] == [None, 11.0]


def test_case_a_count_that_would_reveal_a_withheld_one_is_blanked_too():
    """Pierce's holds by year: 2015's count is small, and with the total published 2016's
    would give it away (the dataset's public view withholds both); a 287(g) county's sum of
    one withheld agency count shows that count."""
    hidden = validate.withheld()
    assert {"pierce_holds_by_year:2015:bookings", "pierce_holds_by_year:2016:bookings"} <= hidden
    assert "pierce_holds_by_year:2017:bookings" not in hidden
    doc = validate.protected(
        _doc({"pierce_holds_by_year:2016:bookings": ("pierce", "interval", 27.0, 27.0)}, [])
    )
    assert doc["predictive"]["pierce_holds_by_year:2016:bookings"]["low"] is None
    from scomm.calibration import observations as obs

    summed = {oid for oid, parts in obs.members_287g().items() if hidden.intersection(parts)}
    assert summed and summed <= hidden


def test_the_shipped_validation_shows_no_withheld_record_count():
    import json

    found = post.latest()
    from scomm.calibration import report

    doc = json.loads(report.validation_path(found.provenance["version"]).read_text())
    hidden = validate.withheld()
    for oid, row in doc["predictive"].items():
        if row["dataset"] in validate.RECORD_DATASETS and row["kind"] != "share":
            for end in ("low", "high"):
                assert not validate.small(row[end]), (oid, end)
                assert oid not in hidden or row[end] is None, (oid, end)
    assert "<11" in report.validation_markdown(doc)
