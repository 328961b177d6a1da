"""Bad scenario files: refused with one line naming the file and the field, before any
simulation; nothing non-finite, out of range or of the wrong type is ever used."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from bad_input_helpers import Case, Q

HEAD = "name: bad\ndescription: A scenario file with one thing wrong.\n"


def override(body: str, name: str = "detainer.outside_priorities_factor") -> str:
    """A scenario overriding one parameter with ``body`` (YAML lines under the entry)."""
    return HEAD + f"parameters:\n  - name: {name}\n    from: 2011-01-01\n" + body


MAPPING = "detainer.probability"  # a probability with keys level1..level3, noncriminal
VALUES = {  # (the override's YAML, the text the error must contain)
    "value nan": ("    value: .nan\n", "finite"),
    "value inf": ("    value: .inf\n", "finite"),
    "value -inf": ("    value: -.inf\n", "finite"),
    "value 1.0e+400": ("    value: 1.0e+400\n", "finite"),
    "value 1e400 (a string in YAML 1.1)": ("    value: 1e400\n", "'1e400'"),
    "value negative": ("    value: -0.5\n", "must not be negative"),
    "value a word": ("    value: abc\n", "'abc'"),
    "value a quoted number": ("    value: '1.0'\n", "'1.0'"),
    "value true for a multiplier": ("    value: true\n", "a multiplier is a number"),
    "value a list": ("    value: [1, 2]\n", "[1, 2]"),
    "value a mapping for a single value": ("    value: {a: 1}\n", "got a mapping"),
    "value null": ("    value: null\n", "None"),
    "scale nan": ("    scale: .nan\n", "finite"),
    "scale inf": ("    scale: .inf\n", "finite"),
    "scale negative": ("    scale: -1\n", "not negative"),
    "scale a word": ("    scale: double\n", "scale"),
    "scale true": ("    scale: true\n", "scale"),
    "value and scale": ("    value: 1.0\n    scale: 2\n", "exactly one of value or scale"),
    "neither value nor scale": ("    note: nothing\n", "exactly one of value or scale"),
    "until before from": ("    until: 2010-01-01\n    value: 1.0\n", "is before from"),
    "impossible until": ("    until: 2011-02-30\n    value: 1.0\n", "'2011-02-30' is not a date"),
    "unknown field": ("    valeu: 1.0\n", "valeu"),
}
FLAG = "program.interoperability"  # true or false
FLAGS = {
    "a flag given a number": ("    value: 0.5\n", "true/false"),
    "a flag given a word": ("    value: maybe\n", "true/false"),
    "a flag scaled": ("    scale: 0.5\n", "cannot be scaled"),
}
MAPPED = {
    "a mapping missing a key": (
        "    value: {level1: 0.5, level2: 0.5, level3: 0.5}\n",
        "expected a mapping with keys",
    ),
    "a mapping with a misspelt key": (
        "    value: {levl1: 0.5, level2: 0.5, level3: 0.5, noncriminal: 0.5}\n",
        "expected a mapping with keys",
    ),
    "a probability above 1 by key": (
        "    value: {level1: 1.5, level2: 0.5, level3: 0.5, noncriminal: 0.5}\n",
        "must lie in [0, 1]",
    ),
    "a nan by key": (
        "    value: {level1: .nan, level2: 0.5, level3: 0.5, noncriminal: 0.5}\n",
        "finite",
    ),
    "a scale with an unknown key": ("    scale: {level9: 2}\n", "unknown keys ['level9']"),
    "a scale with a nan key": ("    scale: {level1: .nan}\n", "finite"),
    "a scale taking a probability above 1": ("    scale: 40\n", "must lie in [0, 1]"),
    "a single value for a mapping": ("    value: 0.5\n", "expected a mapping with keys"),
}
WHOLE = {  # whole files: (text or bytes, culprit)
    "an impossible date": (
        override("    value: 1.0\n").replace("2011-01-01", "2012-13-01"),
        "'2012-13-01' is not a date",
    ),
    "30 February": (override("    value: 1.0\n").replace("2011-01-01", "2011-02-30"), "not a date"),
    "a date that is a word": (
        override("    value: 1.0\n").replace("2011-01-01", "soon"),
        "from",
    ),
    "an unknown parameter": (override("    value: 1.0\n", "no.such.parameter"), "no.such"),
    "a key given twice": (override("    value: 1.0\n    value: 2.0\n"), "'value' is given twice"),
    "a place override on a national parameter": (
        override("    states: [NY]\n    value: 1.0\n"),
        "places are only allowed for",
    ),
    "a place override of a flag with a number": (
        override("    states: [NY]\n    value: 0\n", FLAG),
        "expected true or false",
    ),
    "an unknown state": (override("    states: [ZZ]\n    value: false\n", FLAG), "ZZ"),
    "an unknown county": (override("    counties: ['99999']\n    value: false\n", FLAG), "99999"),
    "no name": ("description: A scenario with no name at all.\n", "name"),
    "a short description": ("name: x\ndescription: short\n", "description"),
    "an unknown top-level field": (HEAD + "extras: 1\n", "extras"),
    "parameters not a list": (HEAD + "parameters: 5\n", "parameters"),
    "an unknown law enabled": (HEAD + "laws:\n  enable: [no-such-law]\n", "no-such-law"),
    "an unknown law disabled": (HEAD + "laws:\n  disable: [no-such-law]\n", "no-such-law"),
    "an added law that is not a mapping": (HEAD + "laws:\n  add: [5]\n", "laws.add"),
    "an added law missing fields": (HEAD + "laws:\n  add: [{id: x}]\n", "laws.add[0]"),
    "an added law reporting sentenced releases that also blocks notification": (
        HEAD + "laws:\n  add:\n    - {id: x, title: X, summary: a law for a bad-input test, "
        "binds: {counties: ['41051']}, agency: a jail, effective: 2017-01-31, "
        "effect: decline_all, blocks_notification: true, notifies_sentenced_only: true, "
        "citation: {title: a test, url: docs/laws.md, date: 2017-01-31, kind: assumption}}\n",
        "notifies_sentenced_only",
    ),
    "pretext with no place": (
        HEAD + "pretext:\n  - from: 2011-01-01\n    rate: 0.1\n",
        "name the states or counties",
    ),
    "pretext rate nan": (
        HEAD + "pretext:\n  - states: [AZ]\n    from: 2011-01-01\n    rate: .nan\n",
        "rate",
    ),
    "pretext rate 6": (
        HEAD + "pretext:\n  - states: [AZ]\n    from: 2011-01-01\n    rate: 6\n",
        "rate",
    ),
    "an unknown base": (HEAD + "base: no-such-base\n", "unknown scenario 'no-such-base'"),
    "a missing base file": (HEAD + "base: missing.yaml\n", "'missing.yaml' does not exist"),
    "a base naming itself by another spelling": (HEAD + "base: ./s.yaml\n", "makes a cycle"),
    "a top-level list": ("- name: x\n", "expected a mapping"),
    "a top-level number": ("42\n", "expected a mapping"),
    "an empty file": ("", "expected a mapping"),
    "only a comment": ("# nothing\n", "expected a mapping"),
    "a YAML syntax error": ("name: [unclosed\n", "not valid YAML"),
    "a tab indent": ("name: x\n\tdescription: y\n", "not valid YAML"),
    "100 KB of brackets": ("[" * 100_000, "nested deeper than 64 levels"),
    "100 KB of braces": ("{a: " * 25_000, "nested deeper than 64 levels"),
    "an alias bomb": (
        HEAD
        + "x: &a [y, y, y, y, y, y, y, y, y, y]\n"
        + "".join(
            f"x{i}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(6)
        ),
        "once its aliases are expanded",
    ),
    "a recursive alias": (HEAD + "x: &a [*a]\n", "not valid YAML"),
    "latin-1 text": (("name: caf\xe9\n" + HEAD).encode("latin-1"), "not UTF-8 text"),
    "binary bytes": (bytes(range(256)) * 8, "not UTF-8 text"),
    "a NUL byte": (HEAD + "\x00\n", "not valid YAML"),
    "over 1 MiB": (HEAD + "# " + "x" * (1 << 20) + "\n", "larger than 1,048,576 bytes"),
    "UTF-16": (HEAD.encode("utf-16"), "not UTF-8 text"),
}


def _pair(t: Path) -> None:
    (t / "a.yaml").write_text(HEAD.replace("bad", "a") + "base: b.yaml\n")
    (t / "b.yaml").write_text(HEAD.replace("bad", "b") + "base: ./a.yaml\n")
    (t / "c.yaml").write_text(HEAD.replace("bad", "c") + f"base: {t}/a.yaml\n")


def _itself(t: Path) -> None:
    (t / "s.yaml").write_text(HEAD + f"base: {t}/s.yaml\n")


def _folder(t: Path) -> None:
    (t / "s.yaml").mkdir()


def _fifo(t: Path) -> None:
    os.mkfifo(t / "s.yaml")


def _cases() -> list[Case]:
    run = ["run", "--scenario", "{t}/s.yaml", *Q, "--out", "{t}/out"]
    cases = [Case(k, run, c, files={"s.yaml": override(v)}) for k, (v, c) in VALUES.items()]
    cases += [Case(k, run, c, files={"s.yaml": override(v, FLAG)}) for k, (v, c) in FLAGS.items()]
    cases += [
        Case(k, run, c, files={"s.yaml": override(v, MAPPING)}) for k, (v, c) in MAPPED.items()
    ]
    cases += [Case(k, run, c, files={"s.yaml": v}) for k, (v, c) in WHOLE.items()]
    cases += [
        Case(
            "a base cycle of two files",
            [*run[:2], "a.yaml", *run[3:]],
            "makes a cycle",
            setup=_pair,
        ),
        Case(
            "a base cycle entered from a third",
            [*run[:2], "c.yaml", *run[3:]],
            "makes a cycle",
            setup=_pair,
        ),
        Case("a folder named like a file", run, "does not exist", setup=_folder),
        Case("a base naming itself by its full path", run, "makes a cycle", setup=_itself),
        Case(
            "compare with a bad B",
            ["compare", "baseline", "{t}/s.yaml", *Q],
            "finite",
            files={"s.yaml": override("    value: .nan\n")},
        ),
        Case(
            "sweep with a bad scenario",
            ["sweep", "--scenarios", "baseline,{t}/s.yaml", "--replicates", "2", *Q],
            "finite",
            files={"s.yaml": override("    scale: .inf\n")},
        ),
        Case(
            "params with a bad scenario",
            ["params", "--state", "NY", "--scenario", "{t}/s.yaml"],
            "not valid YAML",
            files={"s.yaml": "[" * 1000},
        ),
        Case(
            "brief with a bad scenario",
            ["brief", "--state", "RI", "--scenario", "{t}/s.yaml", "--out", "{t}/out"],
            "not UTF-8",
            files={"s.yaml": b"\xff\xfe\x00"},
        ),
    ]
    return cases


CASES = _cases()


@pytest.mark.parametrize("case", [c.param() for c in CASES])
def test_a_bad_scenario_file_is_refused_naming_the_file(runner, case):
    line = runner.refused(case)
    assert ".yaml" in line


def test_a_fifo_is_not_read_forever(runner):
    """A named pipe given as a scenario is no regular file: refused, never opened."""
    run = ["run", "--scenario", "{t}/s.yaml", *Q]
    runner.refused(Case("a fifo", run, "does not exist", setup=_fifo))
