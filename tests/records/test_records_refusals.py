"""Corrupted copies are refused: exit 2, one precise `scomm: error:` line, nothing written."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import polars as pl
import pytest
from records_helpers import PIERCE, SEATTLE_ARRESTS, run_cli

from scomm.records import synthetic


def _seattle_text() -> str:
    return gzip.decompress(SEATTLE_ARRESTS.read_bytes()).decode()


def _refused(args: list[str], out: Path) -> str:
    res = run_cli("records", "load", *args, "--out", str(out))
    assert res.returncode == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("scomm: error: "), res.stderr
    assert "Traceback" not in res.stderr
    assert not out.exists() or not any(out.iterdir()), "a refused load wrote files"
    return lines[0]


def test_case_a_wrong_column_name_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "seattle_arrests.csv"
    bad.write_text(_seattle_text().replace("arrest_date,", "arest_date,", 1))
    msg = _refused([str(bad)], tmp_path / "out")
    assert "seattle_arrests.csv" in msg
    assert "'arrest_date' (missing)" in msg and "'arest_date'" in msg
    assert "seattle-arrests" in msg


def test_case_a_wrong_column_name_is_refused_for_a_chosen_format(tmp_path: Path) -> None:
    frame = synthetic.generate("detainers", 200, seed=1).rename(
        {"detainer_prepare_date": "detainer_prep_date"}
    )
    bad = tmp_path / "detainers.parquet"
    frame.write_parquet(bad)
    msg = _refused([str(bad), "--format", "ddp-detainers"], tmp_path / "out")
    assert "not a valid ddp-detainers file" in msg
    assert "detainer_prepare_date" in msg and "'detainer_prep_date'" in msg


def test_case_bad_dates_are_refused_naming_file_column_rule_and_count(tmp_path: Path) -> None:
    lines = _seattle_text().splitlines(keepends=True)
    garbled = 0
    for i in range(1, len(lines), 10):  # every tenth record
        lines[i] = "2015-13-45" + lines[i][10:]
        garbled += 1
    bad = tmp_path / "seattle_arrests.csv"
    bad.write_text("".join(lines))
    msg = _refused([str(bad)], tmp_path / "out")
    assert "seattle_arrests.csv: column event_date: rule date_format" in msg
    assert f"{garbled:,} of 32,549 rows" in msg
    assert "'2015-13-45'" in msg and "stop threshold" in msg


def test_case_a_few_bad_dates_warn_but_load(tmp_path: Path) -> None:
    lines = _seattle_text().splitlines(keepends=True)
    lines[5] = "2015-13-45" + lines[5][10:]
    src = tmp_path / "seattle_arrests.csv"
    src.write_text("".join(lines))
    res = run_cli("records", "load", str(src), "--out", str(tmp_path / "out"))
    assert res.returncode == 0, res.stderr
    findings = json.loads((tmp_path / "out" / "validation.json").read_text())
    warn = [f for f in findings if f["level"] == "warn"]
    assert [(f["rule"], f["column"], f["count"]) for f in warn] == [
        ("date_format", "event_date", 1)
    ]


def test_case_a_csv_cut_mid_row_is_refused(tmp_path: Path) -> None:
    text = _seattle_text()
    bad = tmp_path / "seattle_arrests.csv"
    bad.write_text(text[: len(text) // 2 + 17])
    msg = _refused([str(bad)], tmp_path / "out")
    assert "seattle_arrests.csv: last row has" in msg and "truncated" in msg


def test_case_a_truncated_gzip_is_refused(tmp_path: Path) -> None:
    data = SEATTLE_ARRESTS.read_bytes()
    bad = tmp_path / "seattle_arrests.csv.gz"
    bad.write_bytes(data[: len(data) // 2])
    msg = _refused([str(bad)], tmp_path / "out")
    assert "seattle_arrests.csv.gz" in msg and "truncated" in msg


def test_case_a_truncated_parquet_is_refused(tmp_path: Path) -> None:
    good = synthetic.write(tmp_path / "full.parquet", "detainers", 2_000, seed=1)
    bad = tmp_path / "detainers.parquet"
    bad.write_bytes(good.read_bytes()[:-500])
    msg = _refused([str(bad)], tmp_path / "out")
    assert "detainers.parquet: not a readable Parquet file" in msg and "truncated" in msg


def test_case_release_before_booking_is_refused(tmp_path: Path) -> None:
    rows = gzip.decompress(PIERCE.read_bytes()).decode().splitlines(keepends=True)
    header = rows[0].rstrip("\n").split("|")
    r = header.index("release_dt")
    for i in range(1, len(rows), 5):
        cells = rows[i].rstrip("\n").split("|")
        cells[r] = "2010-01-01 00:00:00"
        rows[i] = "|".join(cells) + "\n"
    bad = tmp_path / "allholds.csv"
    bad.write_text("".join(rows))
    msg = _refused([str(bad)], tmp_path / "out")
    assert "column release_date: rule date_order" in msg
    assert "released from jail before the booking date" in msg


def test_case_validate_prints_the_full_report_and_stops_with_exit_2(tmp_path: Path) -> None:
    lines = _seattle_text().splitlines(keepends=True)
    for i in range(1, len(lines), 4):
        lines[i] = "1812-06-18" + lines[i][10:]
    bad = tmp_path / "seattle_arrests.csv"
    bad.write_text("".join(lines))
    res = run_cli("records", "validate", str(bad), "--json")
    assert res.returncode == 2
    doc = json.loads(res.stdout)
    levels = {(f["rule"], f["column"]): f["level"] for f in doc["findings"]}
    assert levels[("date_range", "event_date")] == "stop"
    assert levels[("allowed_values", "gender")] == "ok"
    assert res.stderr.startswith(
        "scomm: error: seattle_arrests.csv: column event_date: rule date_range"
    )
    plain = run_cli("records", "validate", str(SEATTLE_ARRESTS))
    assert plain.returncode == 0 and "validation report" in plain.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["records", "summarize", "{seattle}", "--min-cell", "5"], "may only be raised"),
        (["records", "summarize", "{seattle}", "--by", "planet"], "unknown key 'planet'"),
        (["records", "summarize", "{empty}"], "not a records folder"),
        (["records", "load", "{missing}", "--out", "{out}"], "no such file"),
        (
            ["records", "load", str(SEATTLE_ARRESTS), "--format", "xlsx", "--out", "{out}"],
            "--format 'xlsx'",
        ),
    ],
)
def test_case_bad_options_exit_2_with_one_line(
    tmp_path: Path, seattle_dir: Path, args: list[str], needle: str
) -> None:
    fill = {
        "seattle": str(seattle_dir),
        "empty": str(tmp_path),
        "out": str(tmp_path / "o"),
        "missing": str(tmp_path / "nope.csv"),
    }
    res = run_cli(*[a.format(**fill) for a in args])
    assert res.returncode == 2, res.stderr
    assert res.stderr.startswith("scomm: error: ") and needle in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_case_a_failed_load_leaves_an_existing_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "out"
    ok = run_cli("records", "load", str(PIERCE), "--out", str(out))
    assert ok.returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = tmp_path / "seattle_arrests.csv"
    bad.write_text(_seattle_text().replace("arrest_date,", "arest_date,", 1))
    assert run_cli("records", "load", str(bad), "--out", str(out)).returncode == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert pl.read_parquet(out / "jail_charges.parquet").height == 691
