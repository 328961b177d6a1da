"""Loading records: counts, lineage, redaction, duplicates, fixes, the manifest."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
from pathlib import Path

import polars as pl
import pytest
from records_helpers import GRANT, PIERCE, PIERCE_PUBLISHED, SEATTLE_ARRESTS, SEATTLE_BOOKINS

from scomm.records import load, synthetic
from scomm.records.schema import NAMES, SCHEMA


def _csv_rows(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", newline="") as fh:
        sep = "|" if "|" in fh.readline() else ","
        fh.seek(0)
        return list(csv.DictReader(fh, delimiter=sep))


def test_case_the_seattle_arrest_file_gives_32549_records_with_lineage(seattle_dir: Path) -> None:
    arrests = pl.read_parquet(seattle_dir / "arrests.parquet")
    assert arrests.height == 32_549
    assert dict(arrests.schema) == SCHEMA and tuple(arrests.columns) == NAMES
    assert set(arrests["source_file"]) == {SEATTLE_ARRESTS.name}
    assert set(arrests["adapter"]) == {"seattle-arrests"}
    # source_row is the CSV line: header is line 1, records are lines 2..32,550.
    assert arrests["source_row"].sort().to_list() == list(range(2, 32_551))
    assert arrests["record_id"].n_unique() == 32_549
    # A record can be traced back to its line.
    raw = _csv_rows(SEATTLE_ARRESTS)
    probe = arrests.filter(pl.col("source_row") == 1_000).row(0, named=True)
    line = raw[1_000 - 2]
    assert str(probe["event_date"]) == line["arrest_date"]
    assert probe["facility"] == line["apprehension_landmark"]
    assert probe["arrest_method"] == line["arrest_method"]


def test_case_jail_based_arrests_are_the_cap_local_incarceration_ones(seattle_dir: Path) -> None:
    arrests = pl.read_parquet(seattle_dir / "arrests.parquet")
    assert arrests["jail_based"].sum() == 19_136  # UWCHR's count, SOURCES.md


def test_case_a_foia_redaction_marker_becomes_null_and_is_flagged(seattle_dir: Path) -> None:
    arrests = pl.read_parquet(seattle_dir / "arrests.parquet")
    # Every Seattle row has date_of_birth "(b)(6),(b)(7)c)" and event_number "(b)(7)e)".
    assert arrests["birth_date"].null_count() == arrests.height
    assert arrests["event_number"].null_count() == arrests.height
    flagged = arrests["redacted_fields"].list.sort()
    assert flagged.to_list()[0] == ["birth_date", "event_number"]
    assert (flagged.list.len() == 2).all()
    manifest = json.loads((seattle_dir / "manifest.json").read_text())
    assert manifest["inputs"][0]["redacted_cells"] == {"birth_date": 32_549, "event_number": 32_549}
    # in the schema's column order, so the manifest is the same bytes on every load
    assert list(manifest["inputs"][0]["redacted_cells"]) == ["birth_date", "event_number"]


@pytest.mark.parametrize(
    "marker", ["(b)(6),(b)(7)c)", "b(6), b(7)C", "(b)(7)e)", "(b)(6), (b)(7)(c) (b)(7)(e)"]
)
def test_case_every_redaction_spelling_is_recognised(tmp_path: Path, marker: str) -> None:
    src = tmp_path / "grant.csv"
    src.write_text(f"date|citizenship|sex\n2019-05-24|{marker}|M\n2019-05-25|MEXICO|F\n")
    load([src], tmp_path / "out")
    got = pl.read_parquet(tmp_path / "out" / "detainers.parquet").sort("source_row")
    assert got["citizenship"].to_list() == [None, "MEXICO"]
    assert got["redacted_fields"].to_list() == [["citizenship"], []]


def test_case_the_manifest_records_hash_size_and_rows(uwchr_dir: Path) -> None:
    manifest = json.loads((uwchr_dir / "manifest.json").read_text())
    for entry, path in zip(
        manifest["inputs"], (SEATTLE_ARRESTS, SEATTLE_BOOKINS, PIERCE, GRANT), strict=True
    ):
        assert entry["file"] == path.name
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert entry["bytes"] == path.stat().st_size
        assert entry["rows_in"] == entry["rows_out"] == len(_csv_rows(path))
    assert {e["adapter"] for e in manifest["inputs"]} == {
        "seattle-arrests",
        "seattle-bookins",
        "pierce-holds",
        "grant-detainers",
    }
    assert manifest["tables"]["book_ins"]["rows"] == 36_811
    for table in manifest["tables"].values():
        assert pl.read_parquet_schema(uwchr_dir / table["file"]) == SCHEMA


def test_case_outputs_are_zstd_parquet(seattle_dir: Path) -> None:
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(seattle_dir / "arrests.parquet").metadata
    assert meta.row_group(0).column(0).compression == "ZSTD"


def test_case_hand_fixes_are_keyed_on_the_bad_value_with_a_reason(uwchr_dir: Path) -> None:
    manifest = json.loads((uwchr_dir / "manifest.json").read_text())
    pierce = next(e for e in manifest["inputs"] if e["adapter"] == "pierce-holds")
    fix = next(f for f in pierce["fixes"] if f["bad_value"] == "UNITED STATES OF AMERICA")
    assert fix["fixed_value"] == "UNITED STATES" and fix["reason"]
    assert fix["rows_fixed"] == sum(
        r["country_of_birth"] == "UNITED STATES OF AMERICA" for r in _csv_rows(PIERCE)
    )
    charges = pl.read_parquet(uwchr_dir / "jail_charges.parquet")
    assert "UNITED STATES OF AMERICA" not in charges["birth_country"].to_list()
    assert (charges["birth_country"] == "UNITED STATES").sum() == fix["rows_fixed"]


def test_case_likely_duplicates_are_flagged_never_dropped(tmp_path: Path) -> None:
    src = synthetic.write(tmp_path / "detainers.parquet", "detainers", 5_000, seed=3)
    load([src], tmp_path / "out")
    got = pl.read_parquet(tmp_path / "out" / "detainers.parquet")
    assert got.height == 5_000
    raw = pl.read_parquet(src)
    same = (
        raw.filter(pl.col("unique_identifier").is_not_null())
        .group_by("unique_identifier", "detainer_prepare_date", "detention_facility")
        .len()
    )
    expected = same.filter(pl.col("len") > 1)["len"].sum()
    person = got.filter(pl.col("dup_basis") == "person_date")
    assert person.height == expected > 0
    # Each group is named by its first record, which is itself in the group.
    firsts = person.group_by("dup_group").agg(pl.col("record_id").sort_by("source_row").first())
    assert (firsts["dup_group"] == firsts["record_id"]).all()


def test_case_ddp_parquet_and_csv_copies_give_the_same_records(tmp_path: Path) -> None:
    for kind in synthetic.KINDS:
        pq_path = synthetic.write(tmp_path / f"{kind}.parquet", kind, 1_500, seed=7)
        csv_path = synthetic.write(tmp_path / f"{kind}.csv", kind, 1_500, seed=7)
        load([pq_path], tmp_path / f"pq_{kind}")
        load([csv_path], tmp_path / f"csv_{kind}")
        table = {"detainers": "detainers", "arrests": "arrests", "removals": "removals"}[kind]
        lineage = ["record_id", "source_file", "source_row", "dup_group"]
        a = pl.read_parquet(tmp_path / f"pq_{kind}" / f"{table}.parquet").drop(lineage)
        b = pl.read_parquet(tmp_path / f"csv_{kind}" / f"{table}.parquet").drop(lineage)
        assert a.equals(b), kind


def test_case_each_format_is_detected_from_its_header(tmp_path: Path) -> None:
    files = [SEATTLE_ARRESTS, SEATTLE_BOOKINS, PIERCE, GRANT]
    files += [synthetic.write(tmp_path / f"{k}.parquet", k, 200, seed=1) for k in synthetic.KINDS]
    manifest = load(files, tmp_path / "out")
    assert [e["adapter"] for e in manifest["inputs"]] == [
        "seattle-arrests",
        "seattle-bookins",
        "pierce-holds",
        "grant-detainers",
        "ddp-detainers",
        "ddp-arrests",
        "ddp-removals",
    ]


def test_case_raw_ice_headers_are_recognised_after_name_cleaning(tmp_path: Path) -> None:
    frame = synthetic.generate("detainers", 300, seed=2)
    raw_names = {c: c.replace("_", " ").title() for c in frame.columns}
    raw_names["most_serious_conviction_charge"] = "Most Serious Conviction (MSC) Charge"
    src = tmp_path / "ERO Detainers.csv"
    frame.rename(raw_names).write_csv(src)
    manifest = load([src], tmp_path / "out")
    assert manifest["inputs"][0]["adapter"] == "ddp-detainers"
    got = pl.read_parquet(tmp_path / "out" / "detainers.parquet")
    assert got["msc"].null_count() == frame["most_serious_conviction_charge"].null_count()


def test_case_ddp_upstream_lineage_is_kept(tmp_path: Path) -> None:
    src = synthetic.write(tmp_path / "arrests.parquet", "arrests", 100, seed=1)
    load([src], tmp_path / "out")
    got = pl.read_parquet(tmp_path / "out" / "arrests.parquet")
    assert got["origin_row"].to_list()[:3] == [7, 8, 9]
    assert got["origin_file"][0] == "ERO Admin Arrests (synthetic).xlsx"


def test_case_pierce_hold_jail_days_match_uwchrs_published_means(uwchr_dir: Path) -> None:
    from scomm.records.summarize import summarize

    published = {
        r["felony_misdemeanor"].lower(): float(r["Detainer"]) for r in _csv_rows(PIERCE_PUBLISHED)
    }
    metrics = {m["name"]: m for m in summarize(uwchr_dir)["metrics"]}
    assert metrics["jail_days_with_hold_felony"]["value"] == pytest.approx(
        published["felony"], abs=0.01
    )
    assert metrics["jail_days_with_hold_misdemeanor"]["value"] == pytest.approx(
        published["misdemeanor"], abs=0.01
    )
    # The published file has no bookings without a hold, so the extra days are not claimed.
    assert metrics["extra_jail_days_with_hold_felony"]["value"] is None
