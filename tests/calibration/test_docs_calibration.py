"""docs/calibration.md and docs/validation.md are generated from the packaged posterior, its
sensitivity analysis and its stored validation: a posterior that changes without its pages
fails here (regenerate with `python -m scomm.calibration.report docs`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scomm.calibration import posterior as post
from scomm.calibration import report

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture(scope="module")
def latest():
    p = post.latest()
    if p is None:
        pytest.fail("the package ships no posterior (src/scomm/data/posterior/)")
    return p


def test_calibration_page_is_generated_from_the_latest_posterior(latest):
    page = DOCS / "calibration.md"
    assert page.read_text(encoding="utf-8") == report.calibration_markdown(
        latest, report.status_block(page)
    )


def test_the_hand_written_status_names_the_shipped_posterior(latest):
    """A new posterior without a revisited status section fails here."""
    status = report.status_block(DOCS / "calibration.md")
    assert status.startswith(report.STATUS_START)
    assert f"`{latest.provenance['version']}`" in status


def test_the_generator_keeps_the_status_section(tmp_path, latest):
    page = tmp_path / "calibration.md"
    block = f"{report.STATUS_START}\n## Status\n\nhand-written\n{report.STATUS_END}\n\n"
    page.write_text(report.calibration_markdown(latest, block), encoding="utf-8")
    assert report.status_block(page) == block
    assert report.status_block(tmp_path / "missing.md") == ""


def test_validation_page_is_generated_from_the_stored_validation(latest):
    path = report.validation_path(latest.provenance["version"])
    assert path.exists(), "run scomm validate --write for the packaged posterior"
    stored = json.loads(path.read_text())
    assert stored["posterior"] == latest.provenance["version"]
    assert (DOCS / "validation.md").read_text(encoding="utf-8") == report.validation_markdown(
        stored
    )


def test_the_posterior_ships_its_provenance(latest):
    need = {"git_commit", "parameter_digest", "data_digest", "scipy_version",
            "arviz_stats_version", "command", "seed", "method", "mode", "laplace", "importance",
            "ess", "wall_seconds"}  # fmt: skip
    assert need <= set(latest.provenance)


def test_a_quick_or_unreliable_posterior_says_so_on_every_page_and_interval(latest):
    quick = latest.provenance["budget"]["quick"]
    k = latest.provenance["importance"]["pareto_k"]
    text = post.caveat(latest)
    assert bool(text) == (quick or k is None or k > post.K_RELIABLE)
    if text:
        assert "NOT the fit" in text
        assert text in (DOCS / "calibration.md").read_text(encoding="utf-8")
        assert text in (DOCS / "validation.md").read_text(encoding="utf-8")
