"""`scomm study`: bad input exits 2 with one `scomm: error:` line naming the file, field or
value, and writes nothing under --out; a good user panel runs through the same design."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from scomm.jurisdictions.counties import counties

pytestmark = pytest.mark.filterwarnings("ignore")


def refused(cli, tmp_path: Path, *args: str) -> str:
    out = tmp_path / "out"
    r = cli("study", *args, "--replicates", "0", "--out", str(out))
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("scomm: error: "), r.stderr
    assert r.stdout == ""
    assert not out.exists() or not any(out.iterdir())
    assert not list(tmp_path.glob(".out.tmp-*"))
    return lines[0]


def user_panel(path: Path, rows: int | None = None, **replace) -> Path:
    """A small real-county panel (Arizona and Texas, 2006-2011) with a made-up outcome."""
    t = counties().table.filter(pl.col("state").is_in(["AZ", "NM", "TX", "OK"]))
    fips = t["county_fips"].to_list()
    data = pl.DataFrame(
        {
            "county_fips": [f for f in fips for _ in range(2006, 2012)],
            "year": [y for _ in fips for y in range(2006, 2012)],
        }
    )
    noise = np.random.default_rng(3).normal(0, 1, data.height)
    data = data.with_columns(snap=(pl.col("year") - 2000).cast(pl.Float64) + noise)
    data = data.cast({"snap": pl.String, "year": pl.String})
    for col, (i, value) in replace.items():
        data = data.with_columns(
            pl.when(pl.int_range(pl.len()) == i)
            .then(pl.lit(value))
            .otherwise(pl.col(col))
            .alias(col)
        )
    data.head(rows or data.height).write_csv(path)
    return path


def test_missing_panel_file_is_named(cli, tmp_path):
    line = refused(cli, tmp_path, "crime", "--panel", str(tmp_path / "nope.csv"), "--outcome", "x")
    assert "nope.csv" in line and "no such file" in line


def test_garbled_parquet_is_refused(cli, tmp_path):
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"PAR1 this is not parquet")
    line = refused(cli, tmp_path, "panel", str(bad), "--outcome", "snap")
    assert "bad.parquet" in line and "not a readable parquet file" in line


def test_missing_column_is_named(cli, tmp_path):
    p = user_panel(tmp_path / "p.csv")
    line = refused(cli, tmp_path, "panel", str(p), "--outcome", "employment")
    assert "missing column 'employment'" in line and "p.csv" in line


def test_non_finite_outcome_is_named_with_its_row(cli, tmp_path):
    p = user_panel(tmp_path / "p.csv", snap=(3, "inf"))
    line = refused(cli, tmp_path, "panel", str(p), "--outcome", "snap")
    assert "row 5" in line and "snap 'inf'" in line and "finite" in line


def test_non_numeric_outcome_is_named(cli, tmp_path):
    p = user_panel(tmp_path / "p.csv", snap=(0, "n/a"))
    line = refused(cli, tmp_path, "panel", str(p), "--outcome", "snap")
    assert "row 2" in line and "'n/a'" in line


def test_bad_fips_and_year_are_named(cli, tmp_path):
    p = user_panel(tmp_path / "p.csv", county_fips=(0, "4x013"))
    assert "county_fips '4x013'" in refused(cli, tmp_path, "panel", str(p), "--outcome", "snap")
    q = user_panel(tmp_path / "q.csv", year=(1, "20O7"))
    assert "year '20O7'" in refused(cli, tmp_path, "panel", str(q), "--outcome", "snap")


def test_unknown_county_is_named(cli, tmp_path):
    p = user_panel(tmp_path / "p.csv", county_fips=(0, "99999"))
    line = refused(cli, tmp_path, "panel", str(p), "--outcome", "snap")
    assert "'99999'" in line and "not a county of the model" in line


def test_duplicate_rows_are_named(cli, tmp_path):
    p = user_panel(tmp_path / "p.csv", year=(1, "2006"))
    assert "has 2 rows for year 2006" in refused(
        cli, tmp_path, "panel", str(p), "--outcome", "snap"
    )


@pytest.mark.parametrize(
    "args,expected",
    [
        (["crime", "--estimator", "ols"], "--estimator: 'ols' is not one of cs, sa, twfe, did2s"),
        (["crime", "--outcome", "arson"], "--outcome: 'arson' is not one of violent, property"),
        (["crime", "--states", "XX"], "--states: 'XX' is not a USPS state code"),
        (["crime", "--timing", "soon"], "--timing: 'soon' is not one of half, calendar"),
        (["crime", "--states", "CT"], "--states: the panel has no county in CT"),
        (["crime", "--states", "HI"], "no activation cohort has 30 or more counties"),
        (["crime", "--min-comparison", "0"], "--min-comparison: 0 must be a positive integer"),
    ],
)
def test_bad_flags_exit_2_and_write_nothing(cli, tmp_path, args, expected):
    assert expected in refused(cli, tmp_path, *args)


def test_user_panel_runs_through_the_design(cli, tmp_path):
    p = user_panel(tmp_path / "p.csv")
    out = tmp_path / "out"
    r = cli("study", "panel", str(p), "--outcome", "snap", "--json", "--out", str(out),
            "--min-comparison", "5")  # fmt: skip
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["study"] == "panel" and doc["outcome"] == "snap"
    assert set(doc["estimates"]) == {"cs", "sa", "twfe", "did2s"}
    assert doc["intensity"] is None and doc["literature"] == []
    assert sorted(f.name for f in out.iterdir()) == [
        "event_study.csv",
        "event_study.png",
        "study.json",
    ]
    assert (out / "event_study.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
