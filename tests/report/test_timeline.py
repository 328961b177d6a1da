"""The timeline reads as sentences: every dated change a brief lists (a law, an activation,
a rule the model applies) is written for a reader in English and Spanish, never as a
machine key (``felony_charge``), a parameter name or a raw flag value ("yes → no")."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from scomm.i18n import language
from scomm.jurisdictions.counties import counties
from scomm.report import labels, timeline
from scomm.report.sources import Sources
from scomm.rules import categories, pipeline
from scomm.scenario import resolve, scenario_names

SPAN = (dt.date(2005, 1, 1), dt.date(2025, 12, 31))
#: A machine key: snake_case (``felony_charge``) or a dotted parameter name.
KEY = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b|\b[a-z]+\.[a-z_]+\b")
#: A raw flag value on either side of a change.
RAW_FLAG = re.compile(r"\b(?:yes|no|sí|true|false)\s*→|→\s*(?:yes|no|sí|true|false)\b", re.I)


def _lines(scenario: str, state: str | None, lang: str) -> list[str]:
    events = timeline.events(resolve(scenario), state, None, SPAN, language(lang), Sources())
    return [w for e in events for w in e.what]


def _unreadable(lines: list[str]) -> list[str]:
    return [w for w in lines if KEY.search(w) or RAW_FLAG.search(w)]


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("scenario", scenario_names())
def test_every_national_timeline_line_is_a_sentence(scenario, lang):
    lines = _lines(scenario, None, lang)
    assert lines and _unreadable(lines) == []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_states_timeline_line_is_a_sentence(lang):
    """Each state's own laws and its counties' too, 2005-2025, as history ran."""
    bad = {st: b for st in counties().states() if (b := _unreadable(_lines("baseline", st, lang)))}
    assert bad == {}


def test_case_the_checks_catch_a_machine_key_and_a_raw_flag():
    """The two patterns find what the timeline printed before it was written out."""
    assert _unreadable(["Whom ICE's priorities name: felony_charge yes → no"])
    assert _unreadable(["No detainer after a traffic-only arrest: no → yes"])
    assert _unreadable(["detainer.probability: 0.5 → 0.6"])
    assert not _unreadable(["Las prioridades de ICE ya no incluyen a las personas acusadas"])


def _by_date(lang: str) -> dict[str, list[str]]:
    events = timeline.events(resolve("baseline"), None, None, SPAN, language(lang), Sources())
    return {e.date: e.what for e in events}


def test_case_pep_drops_charges_and_prior_removals_from_the_priorities_in_words():
    """20 Nov 2014 (Johnson memo): a felony or significant-misdemeanor charge and a prior
    removal no longer make a person a priority; convictions still do."""
    what = _by_date("en")["2014-11-20"]
    assert (
        "ICE's priorities no longer include people charged with a felony, people charged "
        "with a significant misdemeanor, and people removed or returned before, or with a "
        "removal order"
    ) in what
    es = _by_date("es")["2014-11-20"]
    assert any(
        w.startswith("Las prioridades de ICE ya no incluyen a las personas acusadas") for w in es
    )


def test_case_everyone_removable_is_named_alone_when_the_limits_end():
    """25 Jan 2017 (EO 13768): everyone removable is a priority again, which covers every
    narrower group, so the sentence names that group alone; traffic arrests are no longer
    deferred."""
    what = _by_date("en")["2017-01-25"]
    assert "ICE's priorities now include everyone ICE deems removable" in what
    assert "ICE again lodges detainers after an arrest for a traffic offense alone" in what


def test_case_a_flag_on_and_off_reads_both_ways():
    """27 Apr 2012: ICE defers detainers after traffic-only arrests; 2008: S-Comm's
    interoperability starts; a scenario ending S-Comm says the fingerprints stop."""
    en = _by_date("en")
    assert "ICE defers detainers after an arrest for a traffic offense alone" in en["2012-04-27"]
    assert any("checked against DHS records" in w for w in en["2008-03-01"])
    ended = _lines("terminate-2011-08", None, "en")
    assert "Jails' fingerprints are no longer checked against DHS records" in ended


def test_every_timeline_flag_and_mapping_key_has_its_sentence_or_name():
    """Case: a new flag or a new key of a timeline mapping fails here before it can reach a
    brief unnamed."""
    params = resolve("baseline").params
    keys = {
        "level": categories.LEVEL_KEYS,
        "priority": categories.PRIORITY_KEYS,
        "aor": categories.AOR_KEYS,
    }
    for name in pipeline.parameter_names(*timeline.ERA_STAGES):
        p = params[name]
        mapping = p.breakdown is not None
        if p.unit == "flag":
            assert name in (labels.FLAG_GROUPS if mapping else labels.FLAGS), name
        if mapping:
            assert set(keys[p.breakdown]) <= set(labels.BREAKDOWNS[p.breakdown]), name
