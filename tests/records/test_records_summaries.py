"""Summaries and the model comparison: right counts, definitions, nothing small exported."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
from collections import Counter
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from records_helpers import SEATTLE_ARRESTS, run_cli

from scomm.records.suppress import TOTAL, TOTAL_COLUMN

MIN_CELL = 11


def _independent_counts(key: str) -> Counter:
    """Arrests counted straight from the CSV with the csv module."""
    counts: Counter = Counter()
    with gzip.open(SEATTLE_ARRESTS, "rt", newline="") as fh:
        for row in csv.DictReader(fh):
            state = row["state"] if row["state"] in ("WA", "OR", "AK") else "(missing)"
            if key == "year":
                counts[(state, row["arrest_date"][:4])] += 1
            elif row["arrest_method"] == "CAP Local Incarceration":
                counts[(state, row["arrest_date"][:7])] += 1
    return counts


def test_case_the_summary_by_state_and_year_equals_an_independent_count(
    seattle_dir: Path,
) -> None:
    res = run_cli("records", "summarize", str(seattle_dir), "--by", "state,year", "--json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    expected = _independent_counts("year")
    funnel = {(r["state"], r["year"]): r["arrests"] for r in doc["funnel"]}
    groups = {k: v for k, v in funnel.items() if TOTAL not in k}
    assert set(groups) == set(expected)
    for key, truth in expected.items():
        if truth < MIN_CELL:
            assert groups[key] is None, key
        elif groups[key] is not None:
            assert groups[key] == truth, key
    assert funnel[(TOTAL, TOTAL)] == sum(expected.values()) == 32_549
    assert sum(v is not None for v in groups.values()) >= len(groups) - 2


def test_case_every_metric_has_a_one_sentence_definition(seattle_dir: Path) -> None:
    doc = json.loads(run_cli("records", "summarize", str(seattle_dir), "--json").stdout)
    names = {m["name"] for m in doc["metrics"]}
    assert {"arrests_share_jail_based", "arrests_share_no_conviction"} <= names
    for m in doc["metrics"]:
        text = m["definition"]
        assert text.endswith(".") and text.count(". ") == 0, m["name"]
    shares = {m["name"]: m["value"] for m in doc["metrics"]}
    assert shares["arrests_share_jail_based"] == round(19_136 / 32_549, 4)


def _exported_counts(folder: Path) -> list[int]:
    out = []
    for path in folder.glob("*.csv"):
        frame = pl.read_csv(path, infer_schema_length=0)
        for col in ("count", "records"):
            if col in frame.columns:
                out += [int(v) for v in frame[col].drop_nulls().to_list()]
    return out


def test_case_no_exported_table_has_a_count_below_the_minimum_cell(
    uwchr_dir: Path, tmp_path: Path
) -> None:
    for by in ("state,month", "state,year", "facility", "adapter"):
        out = tmp_path / by.replace(",", "_")
        res = run_cli("records", "summarize", str(uwchr_dir), "--by", by, "--out", str(out))
        assert res.returncode == 0, res.stderr
        counts = _exported_counts(out)
        assert counts and not [c for c in counts if 0 < c < MIN_CELL], by
        doc = json.loads((out / "summary.json").read_text())
        for table in doc["tables"]:
            small = [r for r in table["rows"] if r["count"] and r["count"] < MIN_CELL]
            assert not small, table["name"]
            if any(r["flag"] for r in table["rows"]):
                suppressed = [r for r in table["rows"] if r["flag"]]
                assert all(r["count"] is None and r.get("share") is None for r in suppressed)
    cmp_out = tmp_path / "cmp"
    assert run_cli("records", "compare", str(uwchr_dir), "--out", str(cmp_out)).returncode == 0
    counts = _exported_counts(cmp_out)
    assert counts and not [c for c in counts if 0 < c < MIN_CELL]


def test_case_a_higher_minimum_cell_suppresses_more(seattle_dir: Path) -> None:
    def suppressed(min_cell: int) -> int:
        doc = json.loads(
            run_cli(
                "records",
                "summarize",
                str(seattle_dir),
                "--by",
                "state,year",
                "--min-cell",
                str(min_cell),
                "--json",
            ).stdout
        )
        return sum(r["flag"] is not None for t in doc["tables"] for r in t["rows"])

    assert suppressed(500) > suppressed(11)


def test_case_compare_on_the_seattle_file_writes_its_table(
    seattle_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "cmp"
    res = run_cli(
        "records", "compare", str(seattle_dir), "--scenario", "baseline", "--out", str(out)
    )
    assert res.returncode == 0, res.stderr
    assert {p.name for p in out.iterdir()} == {
        "comparison.parquet",
        "comparison.csv",
        "comparison_long.parquet",
        "comparison_long.csv",
        "compare.json",
    }
    table = pl.read_parquet(out / "comparison.parquet")
    summary = json.loads((out / "compare.json").read_text())
    assert summary["period"] == {"start": "2012-01", "end": "2019-07"}
    assert summary["states"] == ["OR", "WA"]
    assert summary["partial_months"] == ["2019-07"]
    monthly = table.filter((pl.col("month") != TOTAL) & (pl.col("state") != "ALL"))
    assert monthly.height == 2 * 91
    # Records: the independent monthly count of CAP Local Incarceration arrests, where shown.
    truth = _independent_counts("month")
    for r in monthly.iter_rows(named=True):
        expected = truth.get((r["state"], r["month"]), 0)
        if r["records"] is None:
            assert r["flag"] in ("primary", "complementary")
            assert r["difference"] is None and r["ratio"] is None
        else:
            assert r["records"] == expected
            assert r["difference"] == r["model"] - r["records"]
    # Model: the lead's API, same states and months.
    from scomm.api import run

    flows = run("baseline", start="2012-01", end="2019-07", states=["OR", "WA"], seed=0).flows
    model = flows.filter(pl.col("stage") == "ice_book_ins")["count"].sum()
    grand = table.filter((pl.col("month") == TOTAL) & (pl.col("state") == "ALL")).row(0, named=True)
    assert grand["model"] == model
    assert grand["records"] == 18_347
    long = pl.read_csv(out / "comparison_long.csv")
    assert set(long["series"]) == {"records", "model", "difference", "ratio"}
    assert TOTAL_COLUMN not in set(long["state"])


def test_case_the_gap_is_model_minus_records_and_withheld_with_the_records(
    seattle_dir: Path,
) -> None:
    """Against a stand-in model of 100 book-ins per state-month (independent of the engine)."""
    from types import SimpleNamespace

    from scomm.records.compare import compare

    def fake_run(scenario: str, start: str, end: str, states: list[str], seed: int):
        months = pl.date_range(
            pl.date(int(start[:4]), int(start[5:]), 1),
            pl.date(int(end[:4]), int(end[5:]), 1),
            "1mo",
            eager=True,
        )
        flows = (
            pl.DataFrame({"month": months.dt.strftime("%Y-%m")})
            .join(pl.DataFrame({"state": states}), how="cross")
            .with_columns(
                pl.lit("00000").alias("county_fips"),
                pl.lit("ice_book_ins").alias("stage"),
                pl.lit(100, pl.Int64).alias("count"),
            )
        )
        return SimpleNamespace(flows=flows, summary={})

    result = compare(
        seattle_dir,
        "baseline",
        start="2014-01",
        end="2014-12",
        states=["WA", "OR", "AK"],
        run=fake_run,
    )
    table = result["table"]
    assert result["summary"]["states_without_records"] == ["AK"]
    cells = table.filter((pl.col("month") != TOTAL) & (pl.col("state") != "ALL"))
    assert cells.height == 36 and (cells["model"] == 100).all()
    shown = cells.filter(pl.col("records").is_not_null())
    assert (shown["difference"] == 100 - shown["records"]).all()
    ak = cells.filter(pl.col("state") == "AK")
    assert (ak["records"] == 0).all() and ak["ratio"].null_count() == 12
    hidden = cells.filter(pl.col("flag").is_not_null())
    assert hidden["difference"].null_count() == hidden.height


COUNT_KEYS = {
    "count",
    "numerator",
    "denominator",
    "n",
    "records",
    "arrests",
    "arrests_jail_based",
    "book_ins",
    "detainers",
    "removals",
    "jail_bookings",
}


def _small_counts(node: object, path: str = "") -> list[str]:
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in COUNT_KEYS and isinstance(value, int) and 0 < value < MIN_CELL:
                found.append(f"{path}.{key}={value}")
            found += _small_counts(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _small_counts(value, f"{path}[{i}]")
    return found


def test_case_a_small_file_summary_shows_no_count_below_the_minimum(uwchr_dir: Path) -> None:
    """Grant County has 32 detainers: most of its cells are small, none is shown."""
    for by in ([], ["--by", "month"], ["--by", "county,year"]):
        res = run_cli("records", "summarize", str(uwchr_dir), *by, "--json")
        assert res.returncode == 0, res.stderr
        assert _small_counts(json.loads(res.stdout)) == [], by


@st.composite
def grant_files(draw: st.DrawFn) -> str:
    """A Grant-County-format detainer file of 1-80 random rows."""
    n = draw(st.integers(1, 80))
    day = st.dates(dt.date(2019, 5, 1), dt.date(2020, 11, 30))
    country = st.sampled_from(["MEXICO", "GUATEMALA", "HONDURAS", "PERU", "(b)(6),(b)(7)c)"])
    lines = ["date|citizenship|sex"]
    for _ in range(n):
        lines.append(f"{draw(day)}|{draw(country)}|{draw(st.sampled_from(['M', 'F']))}")
    return "\n".join(lines) + "\n"


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=grant_files(), by=st.sampled_from([[], ["month"], ["year"], ["fiscal_year"]]))
def test_case_no_summary_of_any_small_file_shows_a_small_count(
    tmp_path: Path, text: str, by: list[str]
) -> None:
    from scomm.records import load
    from scomm.records.summarize import summarize, to_json

    folder = tmp_path / f"case{abs(hash((text, tuple(by))))}"
    folder.mkdir()
    (folder / "grant.csv").write_text(text)
    load([folder / "grant.csv"], folder / "out")
    doc = to_json(summarize(folder / "out", by))
    assert _small_counts(doc) == []
