"""Bad county lists, languages and county admissions panels (``--county``, ``--lang``,
``--bookings FILE``, ``SCOMM_BOOKINGS``): refused before any simulation, one line naming the
flag or the file, row, field and value."""

from __future__ import annotations

import pytest
from bad_input_helpers import Case

PERIOD = ["--start", "2011-01", "--end", "2011-02"]
OUT = ["--out", "{t}/out"]
COUNTY_LISTS = {
    "empty": ("", "the value is empty"),
    "lone comma": (",", "has an empty item"),
    "trailing comma": ("36081,", "has an empty item"),
    "double comma": ("36081,,36047", "has an empty item"),
    "space after comma": ("36081, 36047", "has whitespace"),
    "newline": ("36081\n", "has whitespace"),
    "arabic-indic": ("٣٦٠٨١", "outside printable ASCII"),
    "full-width": ("３６０８１", "outside printable ASCII"),
    "unknown": ("99999", "99999"),
    "letters": ("queens", "'queens'"),
    "six digits": ("360810", "'360810'"),
}
LANGS = {
    "empty": ("", "the value is empty"),
    "unknown": ("fr", "'fr' is not a language of the catalog"),
    "newline": ("es\n", "has whitespace"),
    "non-ASCII": ("español", "outside printable ASCII"),
    "a word": ("spanish", "is not a language of the catalog"),
}
BRIEF_REPLICATES = {
    "one": ("1", "is out of range"),
    "zero": ("0", "is out of range"),
    "a hundred billion": ("100000000000", "is out of range"),
    "empty": ("", "the value is empty"),
}
HEADER = "county_fips,year,admissions\n"
PANELS = {
    "a missing file": (None, "no such file"),
    "an empty file": ("", "missing column(s) county_fips, year, admissions"),
    "a header only": (HEADER, "no rows"),
    "a missing column": ("county_fips,year\n36081,2011\n", "missing column(s) admissions"),
    "latin-1": (
        "county_fips,year,admissions,nota\n36081,2011,5,caf\xe9\n".encode("latin-1"),
        "not UTF-8 text",
    ),
    "binary": (bytes(range(256)) * 8, "not UTF-8 text"),
    "arabic-indic year": (HEADER + "36081,٢٠١١,5\n", "field year: '٢٠١١' is not a whole year"),
    "arabic-indic admissions": (HEADER + "36081,2011,٥\n", "field admissions: '٥'"),
    "full-width FIPS": (HEADER + "３６０８１,2011,5\n", "field county_fips"),
    "underscored admissions": (HEADER + "36081,2011,1_000\n", "field admissions: '1_000'"),
    "nan admissions": (HEADER + "36081,2011,nan\n", "field admissions: 'nan'"),
    "inf admissions": (HEADER + "36081,2011,inf\n", "field admissions: 'inf'"),
    "negative admissions": (HEADER + "36081,2011,-5\n", "is not a finite number >= 0"),
    "unknown county": (HEADER + "99999,2011,5\n", "'99999' is not a known county"),
    "year out of range": (HEADER + "36081,1900,5\n", "is outside 1970..2100"),
    "a repeated county-year": (HEADER + "36081,2011,5\n36081,2011,6\n", "repeats row 2"),
    "a short row": (HEADER + "36081,2011\n", "row 2: wrong number of fields"),
    "a field over the csv limit": (
        HEADER + '36081,2011,"' + "9" * 200_000 + '"\n',
        "not valid CSV",
    ),
    "a folder": ("<folder>", "cannot be read: it is a folder"),
}


def _table(prefix: list[str], flag: str, values: dict, suffix: list[str] = ()) -> list[Case]:
    name = " ".join(prefix)
    return [
        Case(f"{name} {flag} {label}", [*prefix, flag, value, *suffix], culprit)
        for label, (value, culprit) in values.items()
    ]


def _panel_case(label: str, via_env: bool) -> Case:
    content, culprit = PANELS[label]

    def setup(t):
        if content == "<folder>":
            (t / "panel.csv").mkdir()
        elif isinstance(content, bytes):
            (t / "panel.csv").write_bytes(content)
        elif content is not None:
            (t / "panel.csv").write_text(content, encoding="utf-8")

    argv = ["run", "--states", "NY", *PERIOD, *OUT]
    if via_env:
        return Case(f"SCOMM_BOOKINGS {label}", argv, culprit, setup=setup,
                    env={"SCOMM_BOOKINGS": "{t}/panel.csv"})  # fmt: skip
    return Case(f"--bookings {label}", [*argv, "--bookings", "{t}/panel.csv"], culprit, setup=setup)


CASES = (
    _table(["run"], "--county", COUNTY_LISTS, [*PERIOD, *OUT])
    + _table(["compare", "baseline", "no-scomm"], "--county", COUNTY_LISTS, PERIOD)
    + _table(["brief", "--state", "RI", *OUT], "--lang", LANGS)
    + _table(["brief", "--state", "RI", *OUT], "--replicates", BRIEF_REPLICATES)
    + [
        Case("run --bookings ''", ["run", *PERIOD, "--bookings", ""], "--bookings: the value"),
        Case(
            "run --states and --county",
            ["run", "--states", "NY", "--county", "36081", *PERIOD],
            "give --states or --county, not both",
        ),
    ]
    + [_panel_case(label, via_env) for label in PANELS for via_env in (False, True)]
)


@pytest.mark.parametrize("case", [c.param() for c in CASES])
def test_a_bad_place_language_or_panel_is_refused_with_one_line(runner, monkeypatch, case):
    import scomm.api

    def no_simulation(*args, **kwargs):
        raise AssertionError("the simulation ran before the input was checked")

    monkeypatch.setattr(scomm.api, "simulate", no_simulation)
    runner.refused(case)
