"""The §2 targets, and only those, each with the definition and error its source used."""

from __future__ import annotations

import polars as pl

from scomm.calibration_data import targets

EXPECTED = {
    "subs_6m": 266_000,
    "matches_prior_record_6m": 32_000,
    "matches_prior_record_6m_harris": 5_369,
    "matching_submissions_aug09": 82_890,
    "detainers_aug09": 16_631,
    "criminal_aliens_y1": 111_000,
    "level1_charged_or_convicted_y1": 11_000,
    "level1_removed_y1": 1_900,
    "level2_3_charged_or_convicted_y1": 100_000,
    "removals_to_mar12": 183_000,
    "convicted_share_to_mar12": 0.74,
    "all_program_removals_fy2008": 369_221,
    "all_program_removals_fy2009": 389_834,
    "all_program_removals_fy2010": 392_000,
    "all_program_removals_fy2012": 409_849,
    "all_program_detainers_fy2012": 273_982,
    "all_program_detainers_oct2015": 7_117,
    "fy2010_convicted_share": 0.50,
    "fy2010_level1_share_of_convicted": 0.33,
    "fy2010_level2_share_of_convicted": 0.44,
    "fy2012_convicted_share": 0.55,
}


def test_exactly_the_section_2_figures():
    d = targets.dataset().observations
    assert dict(zip(d["obs_id"], d["value"], strict=True)) == EXPECTED
    assert not d["from_records"].any()


def test_more_than_figures_bound_from_below():
    d = targets.dataset().observations.filter(pl.col("error") == "more_than")
    assert (d["low"] == d["value"]).all() and (d["high"] > d["value"]).all()


def test_all_program_totals_only_bound_scomm_and_their_makeup_is_context():
    d = targets.dataset().observations
    bounds = d.filter(pl.col("obs_id").str.starts_with("all_program"))
    assert bounds["relation"].unique().to_list() == ["upper_bound"]
    assert (bounds["low"] == 0).all() and (bounds["high"] >= bounds["value"]).all()
    makeup = d.filter(pl.col("stage") == "removals_makeup_all_programs_share")
    assert makeup["relation"].unique().to_list() == ["context"] and makeup.height == 4


def test_2009_levels_are_charge_or_conviction_counts():
    d = targets.dataset().observations.filter(pl.col("obs_id").str.contains("level"))
    for note in d.filter(pl.col("stage").str.ends_with("_2009"))["error_note"]:
        assert "charged or convicted" in note
