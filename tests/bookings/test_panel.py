"""A user-supplied admissions panel replaces the estimate where given; a bad panel is refused
whole with one line naming the file, row, field and value."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from scomm import periods
from scomm.bookings import distribute
from scomm.bookings.panel import ENV, read_panel
from scomm.errors import UserError

# Delaware's three counties (Kent, New Castle, Sussex), in the layout of Vera's Incarceration
# Trends after renaming (fips -> county_fips, total_jail_adm -> admissions): 4-digit FIPS as
# integers, an extra column, a calendar year per row.
GOOD = """county_fips,year,admissions,source
10001,2010,6000,synthetic
10003,2010,24000.5,synthetic
10003,2011,12000,synthetic
"""


def write(tmp_path: Path, text: str, name: str = "panel.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_panel_maps_each_county_year_to_twelfths_of_its_admissions(tmp_path):
    p = read_panel(write(tmp_path, GOOD))
    months = np.arange(periods.parse_month("2010-11"), periods.parse_month("2011-02") + 1)
    fips = np.array(["10001", "10003", "10005"])
    m = p.monthly(fips, months)
    assert m[0].tolist()[:2] == [500.0, 500.0] and np.isnan(m[0, 2:]).all()
    assert m[1].tolist() == [24000.5 / 12] * 2 + [1000.0] * 2
    assert np.isnan(m[2]).all()
    assert p.provenance()["county_years"] == 3 and p.provenance()["years"] == [2010, 2011]


def test_four_digit_fips_are_padded(tmp_path):
    p = read_panel(write(tmp_path, "county_fips,year,admissions\n1001,2012,100\n"))
    assert list(p.admissions) == [("01001", 2012)]


@pytest.mark.parametrize(
    ("text", "culprit"),
    [
        ("fips,year,admissions\n10001,2010,5\n", "missing column(s) county_fips"),
        ("county_fips,year\n10001,2010\n", "missing column(s) admissions"),
        ("county_fips,year,admissions\n", "no rows"),
        ("county_fips,year,admissions\n10001,2010,many\n", "row 2, field admissions: 'many'"),
        ("county_fips,year,admissions\n10001,2010,\n", "row 2, field admissions: ''"),
        ("county_fips,year,admissions\n10001,2010,-5\n", "row 2, field admissions: '-5'"),
        ("county_fips,year,admissions\n10001,2010,inf\n", "row 2, field admissions: 'inf'"),
        ("county_fips,year,admissions\n10001,2010,NaN\n", "row 2, field admissions: 'NaN'"),
        ("county_fips,year,admissions\n99999,2010,5\n", "row 2, field county_fips: '99999'"),
        ("county_fips,year,admissions\n10-01,2010,5\n", "row 2, field county_fips: '10-01'"),
        ("county_fips,year,admissions\n10001,2010.5,5\n", "row 2, field year: '2010.5'"),
        ("county_fips,year,admissions\n10001,1066,5\n", "row 2, field year: '1066'"),
        (
            "county_fips,year,admissions\n10001,2010,5\n10003,2010,5\n1001,2010,7\n10001,2010,6\n",
            "row 5, field county_fips/year: county 10001 year 2010 repeats row 2",
        ),
        ("county_fips,year,admissions\n10001,2010,5,extra\n", "row 2: wrong number of fields"),
    ],
    ids=[
        "no county_fips column",
        "no admissions column",
        "empty",
        "non-numeric",
        "blank",
        "negative",
        "infinite",
        "not a number",
        "unknown county",
        "malformed fips",
        "fractional year",
        "year out of range",
        "duplicate county-year",
        "ragged row",
    ],
)
def test_bad_panels_are_refused_naming_file_row_field_and_value(tmp_path, text, culprit):
    path = write(tmp_path, text)
    with pytest.raises(UserError) as err:
        read_panel(path, f"--bookings {path}")
    assert str(err.value).startswith(f"--bookings {path}: ")
    assert culprit in str(err.value)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(UserError, match="no such file"):
        read_panel(tmp_path / "absent.csv")


def test_distribution_pins_the_national_total_and_keeps_fixed_counties():
    national = np.array([1000.0, 1200.0])
    fixed = np.array([[100.0, np.nan], [np.nan, np.nan], [np.nan, np.nan]])
    weights = np.array([5.0, 1.0, 3.0])
    out = distribute.county_bookings(national, fixed, weights)
    assert out[:, 0].sum() == pytest.approx(1000.0) and out[:, 1].sum() == pytest.approx(1200.0)
    assert out[0, 0] == 100.0
    assert out[1, 0] / out[2, 0] == pytest.approx(1 / 3)  # the rest by weight
    assert out[:, 1].tolist() == pytest.approx([1200 * 5 / 9, 1200 / 9, 1200 * 3 / 9])


def test_fixed_counties_above_the_national_figure_leave_the_rest_at_zero():
    out = distribute.county_bookings(
        np.array([100.0]), np.array([[150.0], [np.nan]]), np.array([1.0, 1.0])
    )
    assert out[:, 0].tolist() == [150.0, 0.0]


def test_bad_weights_are_refused():
    with pytest.raises(ValueError):
        distribute.county_bookings(np.array([1.0]), np.array([[np.nan]]), np.array([np.nan]))


def test_the_model_takes_the_panel_and_shares_the_rest(tmp_path, monkeypatch):
    from scomm.jurisdictions.counties import counties
    from scomm.params import default_parameters
    from scomm.population import bookings

    params = default_parameters()
    months = np.arange(periods.parse_month("2010-01"), periods.parse_month("2010-12") + 1)
    before = bookings(params, months)
    # New Castle DE, and Los Angeles (the panel replaces the Jail Profile Survey count).
    text = "county_fips,year,admissions\n10003,2010,36000\n6037,2010,120000\n"
    monkeypatch.setenv(ENV, str(write(tmp_path, text)))
    after = bookings(params, months)
    idx = {f: i for i, f in enumerate(counties().fips)}
    assert (after[idx["10003"]] == 3000).all() and (after[idx["06037"]] == 10000).all()
    assert after[idx["06001"]].tolist() == before[idx["06001"]].tolist()  # other CA unchanged
    # The national monthly figure is still BJS's, up to rounding of 3,142 counties.
    assert np.abs(after.sum(axis=0) - before.sum(axis=0)).max() <= 3142
    # What the two panel counties take or free is shared by the other non-California counties.
    panel_rows = [idx["10003"], idx["06037"]]
    others = np.ones(len(idx), dtype=bool)
    others[panel_rows] = False
    others &= counties().state != "CA"
    freed = before[panel_rows].sum(axis=0) - after[panel_rows].sum(axis=0)
    gain = after[others].sum(axis=0) - before[others].sum(axis=0)
    assert np.abs(gain - freed).max() <= 2 * 3142


def test_cli_run_with_a_panel_uses_it_and_records_it(cli, tmp_path):
    path = write(tmp_path, GOOD)
    res = cli(
        "run", "--states", "DE", "--start", "2010-01", "--end", "2010-12",
        "--bookings", str(path), "--json",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["bookings_panel"]["file"] == str(path)
    assert doc["bookings_panel"]["county_years"] == 3
    kent, new_castle = 6000, round(24000.5 / 12) * 12
    assert doc["totals"]["bookings"] >= kent + new_castle


def test_cli_refuses_a_bad_panel_with_one_line_and_writes_nothing(cli, tmp_path):
    path = write(tmp_path, "county_fips,year,admissions\n10001,2010,-3\n")
    out = tmp_path / "out"
    for command in (["run"], ["compare", "baseline", "no-scomm"]):
        res = cli(*command, "--states", "DE", "--bookings", str(path), "--out", str(out))
        assert res.returncode == 2
        lines = res.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("scomm: error: --bookings "), res.stderr
        assert "field admissions: '-3'" in lines[0]
        assert not out.exists()


def test_the_environment_variable_names_a_panel_too(cli, tmp_path):
    path = write(tmp_path, "county_fips,year,admissions\n10001,2010,1e400\n")
    res = cli(
        "run", "--states", "DE", "--start", "2010-01", "--end", "2010-02", env={ENV: str(path)}
    )
    assert res.returncode == 2
    assert res.stderr.startswith(f"scomm: error: {ENV} {path}: row 2, field admissions")
