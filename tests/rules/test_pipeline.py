"""The pipeline declaration is the truth about the stages: compile reads exactly the parameters
it declares, every model parameter belongs to a stage, every cohort column is some stage's
output, and every random stream has one owner."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from scomm import periods
from scomm.cohort import Cohort
from scomm.compile import Inputs, compile_inputs
from scomm.params import ParameterSet, default_parameters
from scomm.rng import Stream
from scomm.rules import pipeline
from scomm.scenario import packaged

# Inputs fields that are not parameter series: the period, the places, the law table (one
# index per channel into the shared masks), and the scenario's pretextual bookings.
STRUCTURAL = {
    "months",
    "county_mask",
    "county_area",
    "policy",
    "policy_287g",
    "hold_masks",
    "notify_masks",
    "notice_sentenced",
    "policy_laws",
    "pretext",
}
# Streams drawn outside the pipeline, by the metrics and the bookings model that own them.
OUTSIDE_STREAMS = {
    Stream.USC_CHILDREN: "metrics/due_process.py",
    Stream.MONITOR: "metrics/monitor.py",
    Stream.BOOKINGS_COEFFICIENTS: "bookings/model.py",
    Stream.BOOKINGS_COUNTY: "bookings/model.py",
    Stream.BOOKINGS_STATE: "bookings/model.py",
}


def test_compile_reads_exactly_the_declared_parameters(monkeypatch):
    read: set[str] = set()
    original = ParameterSet.__getitem__

    def recording(self, name):
        read.add(name)
        return original(self, name)

    monkeypatch.setattr(ParameterSet, "__getitem__", recording)
    start, end = periods.parse_period("2011-01", "2011-03")
    compile_inputs(packaged("baseline"), start, end, ["RI"])
    assert read == pipeline.parameter_names(drawn=False)


def test_a_parameter_read_only_in_draws_is_declared_but_never_compiled():
    drawn = pipeline.parameter_names() - pipeline.parameter_names(drawn=False)
    assert drawn == {"population.bookings_state_sd"}
    assert all(p.field in pipeline.BUILT_FIELDS for p in pipeline.parameters() if p.drawn)


def test_every_model_parameter_belongs_to_a_stage():
    model = {n for n in default_parameters().names() if not n.startswith("metrics.")}
    assert model == pipeline.parameter_names()
    names = [p.name for p in pipeline.parameters()]
    assert len(names) == len(set(names)), "a parameter is declared by one stage only"


def test_every_inputs_array_is_structural_or_compiled_from_a_declared_parameter():
    fields = {f.name for f in dataclasses.fields(Inputs)}
    declared = {p.field for p in pipeline.parameters()}
    assert declared <= fields
    assert fields == declared | STRUCTURAL


def test_every_cohort_column_is_decided_by_a_declared_stage():
    outputs = [o for s in pipeline.PIPELINE for o in s.outputs]
    assert len(outputs) == len(set(outputs)), "each output is decided once"
    columns = {f.name for f in dataclasses.fields(Cohort)} - {"county", "month", "key"}
    assert columns <= set(outputs)


def test_a_stage_is_reached_through_an_earlier_stages_outcome():
    seen: set[str] = set()
    for s in pipeline.PIPELINE:
        assert s.requires is None or s.requires in seen, s.name
        seen |= set(s.outputs)


def test_every_stream_has_one_owner_and_stage_numbers_are_positions():
    owners = [s.stream for s in pipeline.PIPELINE if s.stream is not None]
    assert len(owners) == len(set(owners)), "two stages draw from one stream"
    pretext = {s.pretext_stream for s in pipeline.PIPELINE} - {None}
    assert set(owners) | pretext | set(OUTSIDE_STREAMS) == set(Stream)
    src = Path(pipeline.__file__).parents[1]
    for stream, owner in OUTSIDE_STREAMS.items():
        assert f"Stream.{stream.name}" in (src / owner).read_text(), (stream.name, owner)
    assert [s.number for s in pipeline.PIPELINE] == list(range(1, len(pipeline.PIPELINE) + 1))


def test_a_keyed_parameter_says_which_input_picks_its_key():
    for p in pipeline.parameters():
        if p.by is not None:
            assert p.keys, p.name
    assert pipeline.stage("detainer").parameters[0].by == "level"
    assert pipeline.stage("detention").parameters[0].by == "route"
    with pytest.raises(KeyError, match="no stage"):
        pipeline.stage("deportation")


def test_each_rule_is_a_documented_function_of_the_rules_or_the_population_module():
    for s in pipeline.PIPELINE:
        assert s.rule.__module__.startswith(("scomm.rules.", "scomm.population")), s.name
        assert (s.rule.__doc__ or "").strip(), s.name
