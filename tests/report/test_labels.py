"""Every name a reader sees comes from the one catalog of labels: no stage, metric, law,
timeline parameter or packaged scenario reaches a page by its machine name."""

from __future__ import annotations

import pytest

from scomm.api import run
from scomm.jurisdictions.laws import all_laws
from scomm.names import iter_metrics
from scomm.report import labels
from scomm.report.timeline import ERA_STAGES
from scomm.rules import pipeline
from scomm.scenario import scenario_names
from scomm.summary import STAGES


@pytest.fixture(scope="module")
def metrics():
    return run(states=["DE"], start="2011-01", end="2011-03").summary["metrics"]


def test_every_metric_of_a_run_has_a_label_and_a_definition(metrics):
    names = {key for _, key, _ in iter_metrics(metrics)}
    assert names and names <= set(labels.METRICS)
    assert all(label and definition for label, definition in labels.METRICS.values())


def test_every_metric_group_has_a_label_and_each_harm_the_letters_words(metrics):
    groups = {group for group, _, _ in iter_metrics(metrics)}
    assert groups == set(labels.GROUPS)
    assert set(labels.LETTER) == {"profiling", "burden", "trust", "due_process"}


def test_every_stage_and_level_of_the_summary_has_a_label():
    flat = {s for s in STAGES if not s.startswith("removals_")}
    assert flat <= set(labels.STAGES) | set(labels.EXTRAS) | set(labels.CHANNELS)
    levels = {s.removeprefix("removals_").removesuffix("_287g") for s in STAGES}
    assert {s for s in levels if s.startswith("level") or s == "noncriminal"} <= set(labels.LEVELS)


def test_every_law_and_timeline_parameter_and_scenario_is_named_by_what_it_does():
    assert {lw.id for lw in all_laws()} <= set(labels.LAWS)
    assert set(pipeline.parameter_names(*ERA_STAGES)) <= set(labels.PARAMETERS)
    assert set(scenario_names()) <= set(labels.SCENARIOS) and set(scenario_names()) <= set(
        labels.SCENARIO_DESCRIPTIONS
    )


def test_every_kind_of_source_has_a_name_in_the_catalog():
    from scomm.params import KINDS

    assert set(labels.KINDS) == set(KINDS)


def test_the_scenario_descriptions_in_the_catalog_are_the_files_own():
    """Case: a scenario file's description edited without the catalog fails here."""
    from scomm.scenario import packaged

    for name in scenario_names():
        assert " ".join(labels.SCENARIO_DESCRIPTIONS[name].split()) == " ".join(
            packaged(name).description.split()
        )


def test_every_pipeline_stage_has_a_label_equal_to_its_declared_one():
    assert {s.name: s.label for s in pipeline.PIPELINE} == labels.PIPELINE_STAGES
