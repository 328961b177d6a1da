"""The calibration targets of reference/scomm-facts.md §2, recast the way each source counted.

Every §2 figure is here and only those. Each is written against the model quantity its source
actually counted, with an error model for how the source rounded or bounded it:

- ICE's 2009 figures count matches of people "charged with or convicted of" an offense, and
  their Level 1 / 2-3 split is by charge *or* conviction: not today's conviction-only levels.
  The model has a conviction-based level and a felony / misdemeanor / traffic charge, so the
  model quantity for a 2009 Level figure is bracketed: convicted Level 1 alone (low) to convicted
  Level 1 plus everyone arrested on a felony (high), see ``error_note``.
- "Submissions" and "submissions that produced a match" are ICE's counts of fingerprint
  submissions, which repeat people printed more than once; the model quantity is people checked
  (or matched) times ``max(r, 1)``, r = submissions per booking (scomm.bookings.submissions).
- All-program totals (every ICE removal or detainer, not only S-Comm's) are upper bounds on
  S-Comm's, never targets; all-program make-up (FY2010, FY2012 convicted shares) is context: S-Comm
  is a subset with its own make-up.
- The BJS jail-admissions figure of §2 is a model input (parameter population.jail_admissions),
  not a target, and is not repeated here.
"""

from __future__ import annotations

import datetime as dt

from scomm.calibration_data.schema import Dataset, Obs, frame

NAME = "targets"
D = dt.date
FIRST_ACTIVATION = D(2008, 10, 27)  # Harris County TX (scomm-facts §1.1)
HOUSTON = "Houston Chronicle, 13 Jul 2009 (scomm-facts §2) [S-2nd]"
ORANGE = "Orange County NC report citing ICE, as of 31 Aug 2009 (scomm-facts §2) [S-2nd]"
DHS09 = "DHS press release, 12 Nov 2009 (scomm-facts §2) [S]"
GAO = "GAO-12-708, July 2012, https://www.gao.gov/assets/600/593258.txt (scomm-facts §2) [S]"
TRAC234 = "TRAC report 234 (scomm-facts §2)"
ICE10 = "ICE fact sheet, 6 Oct 2010 (scomm-facts §2) [S]"
CNS13 = "ICE via CNS News, 3 Jan 2013 (scomm-facts §2) [S-2nd]"
TRAC325 = "TRAC report 325, July 2013 (scomm-facts §2) [S]"
TRAC413 = "TRAC report 413, Jan 2016 (scomm-facts §2) [S]"
SIX_MONTHS = (FIRST_ACTIVATION, D(2009, 4, 30))
FIRST_YEAR = (FIRST_ACTIVATION, D(2009, 10, 31))
CHARGED_OR_CONVICTED = (
    "ICE's 2009 category: people with a prior conviction or charge in IAFIS ('charged with or "
    "convicted of'); the model records convictions (its level) and the current arrest charge, "
    "not prior charges without a conviction, so its convicted matches are a lower bound on "
    "this count and all its matches an upper bound"
)
LEVEL_2009 = (
    "ICE's 2009 Level is by the offense charged or convicted, not today's conviction-only "
    "Level: the model quantity runs from matches convicted at that level (low end) to those "
    "plus matches arrested on a felony charge at any level (high end)"
)


def _nation(obs_id, quantity, stage, relation, period, value, error, low, high, note, source):
    return Obs(
        obs_id=obs_id,
        quantity=quantity,
        unit="people" if "share" not in stage else "share",
        stage=stage,
        relation=relation,
        period=period,
        geography_level="nation",
        geography="US",
        value=value,
        error=error,
        low=low,
        high=high,
        error_note=f"{note}. Source: {source}",
    )


def _first_months() -> list[Obs]:
    return [
        _nation(
            "subs_6m", "fingerprint submissions, first six months", "ice_counted_submissions",
            "measures", SIX_MONTHS, 266_000, "more_than", 266_000, 267_000,
            "'more than 266,000', Oct 2008 to about Apr 2009: the end of the period is "
            "approximate; ICE counted submissions, which repeat people printed twice", HOUSTON,
        ),
        _nation(
            "matches_prior_record_6m", "IDENT matches with immigration history and a prior "
            "conviction or charge, first six months", "ident_matches_prior_record", "measures",
            SIX_MONTHS, 32_000, "more_than", 32_000, 33_000,
            f"'more than 32,000'; {CHARGED_OR_CONVICTED}", HOUSTON,
        ),
        Obs(
            obs_id="matches_prior_record_6m_harris",
            quantity="of those matches, in Harris County TX",
            unit="people",
            stage="ident_matches_prior_record",
            relation="measures",
            period=SIX_MONTHS,
            geography_level="county",
            geography="48201",
            county_fips="48201",
            value=5_369,
            error="exact",
            low=5_369,
            high=5_369,
            error_note=f"an exact figure as printed, same definition as the national one "
            f"({CHARGED_OR_CONVICTED}); the period end is approximate. Source: {HOUSTON}",
        ),
    ]  # fmt: skip


def _to_august_2009() -> list[Obs]:
    period = (FIRST_ACTIVATION, D(2009, 8, 31))
    return [
        _nation(
            "matching_submissions_aug09", "submissions that produced a database match, to 31 "
            "Aug 2009", "ice_counted_matches", "measures", period, 82_890, "exact", 82_890,
            82_890, "ICE's count of matching submissions (any match, criminal record or not); "
            "repeat prints of a matched person count again", ORANGE,
        ),
        _nation(
            "detainers_aug09", "detainers issued after an S-Comm match, to 31 Aug 2009",
            "detainers", "measures", period, 16_631, "exact", 16_631, 16_631,
            "an exact figure as printed", ORANGE,
        ),
    ]  # fmt: skip


def _first_year() -> list[Obs]:
    return [
        _nation(
            "criminal_aliens_y1", "'criminal aliens' identified in the first year",
            "ident_matches_prior_record", "measures", FIRST_YEAR, 111_000, "more_than",
            111_000, 112_000, f"'more than 111,000' to Nov 2009; {CHARGED_OR_CONVICTED}", DHS09,
        ),
        _nation(
            "level1_charged_or_convicted_y1", "identified people charged with or convicted of "
            "a Level 1 offense, first year", "ident_matches_level1_2009", "measures",
            FIRST_YEAR, 11_000, "more_than", 11_000, 12_000, f"'more than 11,000'; {LEVEL_2009}",
            DHS09,
        ),
        _nation(
            "level1_removed_y1", "of those Level 1 people, already removed, first year",
            "removals_level1_2009", "measures", FIRST_YEAR, 1_900, "about", 1_850, 1_950,
            f"'1,900', read as rounded to the hundred; {LEVEL_2009}", DHS09,
        ),
        _nation(
            "level2_3_charged_or_convicted_y1", "identified people charged with or convicted "
            "of Level 2 or 3 offenses, first year", "ident_matches_level2_3_2009", "measures",
            FIRST_YEAR, 100_000, "more_than", 100_000, 101_000,
            f"'more than 100,000'; {LEVEL_2009}", DHS09,
        ),
    ]  # fmt: skip


def _gao() -> list[Obs]:
    period = (FIRST_ACTIVATION, D(2012, 3, 31))
    return [
        _nation(
            "removals_to_mar12", "removals of people identified through S-Comm, Oct 2008 to "
            "Mar 2012", "removals", "measures", period, 183_000, "about", 182_500, 183_500,
            "'about 183,000': removals completed in the period of people S-Comm identified; "
            "the model's cohort removals (booked and removed within the period) are the "
            "comparable count", GAO,
        ),
        _nation(
            "convicted_share_to_mar12", "share of those removals with a criminal conviction",
            "removals_convicted_share", "measures", period, 0.74, "about", 0.735, 0.745,
            "'about 74%', read as rounded to the percent", GAO,
        ),
    ]  # fmt: skip


ALL_PROGRAM_REMOVALS = ((2008, 369_221, "exact"), (2009, 389_834, "exact"),
                        (2010, 392_000, "more_than"), (2012, 409_849, "exact"))  # fmt: skip


def _fy(fy: int) -> tuple[dt.date, dt.date]:
    return D(fy - 1, 10, 1), D(fy, 9, 30)


def _all_programs() -> list[Obs]:
    out = []
    for fy, n, how in ALL_PROGRAM_REMOVALS:
        src = TRAC234 if fy < 2010 else (ICE10 if fy == 2010 else CNS13)
        out.append(
            _nation(
                f"all_program_removals_fy{fy}", f"ICE removals, all programs, FY{fy}",
                "removals", "upper_bound", _fy(fy), n, "bound", 0, n if how == "exact" else n + 1000,
                "every ICE removal in the fiscal year, S-Comm's among them: an upper bound on "
                "S-Comm removals, not a target" + ("; 'more than 392,000', read as below 393,000" if how != "exact"
                                                   else ""), src,
            )
        )  # fmt: skip
    out += [
        _nation(
            "all_program_detainers_fy2012", "ICE detainers, all programs, FY2012", "detainers",
            "upper_bound", _fy(2012), 273_982, "bound", 0, 273_982,
            "every ICE detainer (22,832 a month): an upper bound on S-Comm detainers", TRAC325,
        ),
        _nation(
            "all_program_detainers_oct2015", "ICE detainers, all programs, Oct 2015 (PEP)",
            "detainers", "upper_bound", (D(2015, 10, 1), D(2015, 10, 31)), 7_117, "bound", 0,
            7_117, "about 7,000 a month under PEP: an upper bound on the model's detainers that "
            "month", TRAC413,
        ),
    ]  # fmt: skip
    return out


def _all_program_makeup() -> list[Obs]:
    rows = (
        ("fy2010_convicted_share", "share of FY2010 removals (all programs) convicted",
         _fy(2010), 0.50, 0.45, 0.55, "'about 50%'", ICE10),
        ("fy2010_level1_share_of_convicted", "Level 1 share of convicted FY2010 removals (all "
         "programs)", _fy(2010), 0.33, 0.325, 0.335, "'33%'", ICE10),
        ("fy2010_level2_share_of_convicted", "Level 2 share of convicted FY2010 removals (all "
         "programs)", _fy(2010), 0.44, 0.435, 0.445, "'44%'", ICE10),
        ("fy2012_convicted_share", "share of FY2012 removals (all programs) convicted",
         _fy(2012), 0.55, 0.50, 0.60, "'about 55%'", CNS13),
    )  # fmt: skip
    return [
        _nation(
            oid,
            q,
            "removals_makeup_all_programs_share",
            "context",
            period,
            v,
            "about",
            lo,
            hi,
            f"{how}; the make-up of every ICE removal: S-Comm removals are a subset with their "
            "own make-up (GAO: 74% convicted), so this neither targets nor bounds the model",
            src,
        )
        for oid, q, period, v, lo, hi, how, src in rows
    ]


def dataset() -> Dataset:
    """The §2 figures as observations."""
    obs = (
        _first_months()
        + _to_august_2009()
        + _first_year()
        + _gao()
        + _all_programs()
        + _all_program_makeup()
    )
    return Dataset(
        name=NAME,
        title="Calibration targets of reference/scomm-facts.md §2, as their sources counted",
        source="reference/scomm-facts.md §2 (each row names its source)",
        pins="the national scale of the first year (submissions, matches with a record, "
        "detainers to Aug 2009), Harris County's share of the first six months, the ICE 2009 "
        "charge-or-conviction level split, and removals and their convicted share to Mar 2012",
        cannot_tell=(
            "the level gradient of detainer and removal rates: ICE's 2009 levels are by charge "
            "or conviction, so they bracket, not fix, the model's conviction levels, and the "
            "only conviction-level shares (FY2010) are of all ICE removals; anything after 2012 "
            "except two all-program upper bounds; where (one county figure)"
        ),
        observations=frame(NAME, obs),
    )
