"""Bad flag values on every command: refused before any work, one line naming the flag.

Empty strings, stray whitespace and newlines, digits of other scripts (Arabic-Indic,
full-width), lone separators and empty list items, out-of-range and non-decimal numbers,
impossible months and dates, unknown codes, and values too long for a file name."""

from __future__ import annotations

import pytest
from bad_input_helpers import Case, Q

from scomm.flags import MAX_REPLICATES, MAX_SWEEP_REPLICATES, MAX_WORKERS

LONG = "a" * 5000
MONTHS = {
    "empty": ("", "the value is empty"),
    "blank": (" ", "has whitespace"),
    "newline": ("2011-01\n", "has whitespace"),
    "leading space": (" 2011-01", "has whitespace"),
    "tab": ("2011-01\t", "has whitespace"),
    "arabic-indic": ("٢٠١١-٠١", "outside printable ASCII"),
    "full-width": ("２０１１-０１", "outside printable ASCII"),
    "month 13": ("2011-13", "is not a month"),
    "month 00": ("2011-00", "is not a month"),
    "one-digit month": ("2011-1", "is not a month"),
    "two-digit year": ("11-01", "is not a month"),
    "slash": ("2011/01", "is not a month"),
    "a day": ("2011-01-01", "is not a month"),
    "word": ("january", "is not a month"),
    "before the range": ("1999-12", "supported range"),
    "after the range": ("2026-01", "supported range"),
    "5000 characters": (LONG, "is not a month"),
}
STATES = {
    "empty": ("", "the value is empty"),
    "lone comma": (",", "has an empty item"),
    "trailing comma": ("NY,", "has an empty item"),
    "leading comma": (",NY", "has an empty item"),
    "double comma": ("NY,,CA", "has an empty item"),
    "space after comma": ("NY, CA", "has whitespace"),
    "newline": ("NY\n", "has whitespace"),
    "unknown code": ("ZZ", "'ZZ' is not a USPS state code"),
    "a name": ("New York", "has whitespace"),
    "non-ASCII": ("NÝ", "outside printable ASCII"),
    "5000 characters": (LONG, "is not a USPS state code"),
}
SEEDS = {
    "empty": ("", "the value is empty"),
    "negative": ("-1", "is out of range"),
    "beyond 64 bits": (str(2**64), "is out of range"),
    "a float": ("1.5", "is not an integer"),
    "exponent": ("1e3", "is not an integer"),
    "hex": ("0x10", "is not an integer"),
    "underscores": ("1_000", "is not an integer"),
    "arabic-indic": ("٣", "outside printable ASCII"),
    "leading space": (" 3", "has whitespace"),
    "trailing newline": ("3\n", "has whitespace"),
    "word": ("abc", "is not an integer"),
}
REPLICATES = {
    "zero": ("0", "is out of range"),
    "negative": ("-5", "is out of range"),
    "above the bound": (str(MAX_REPLICATES + 1), "is out of range"),
    "a hundred billion": ("100000000000", "is out of range"),
    "empty": ("", "the value is empty"),
    "a float": ("2.0", "is not an integer"),
}
SCENARIOS = {
    "empty": ("", "the value is empty"),
    "blank": ("   ", "the value is empty"),
    "leading space": (" baseline", "stray whitespace"),
    "trailing newline": ("baseline\n", "stray whitespace"),
    "unknown name": ("no-such-scenario", "unknown scenario 'no-such-scenario'"),
    "missing file": ("missing.yaml", "file 'missing.yaml' does not exist"),
    "a folder": ("{t}/", "does not exist"),
    "5000 characters": (LONG, "too long for a file name"),
    "a control character": ("base\x01line", "control character"),
}


def _table(prefix: list[str], flag: str, values: dict, suffix: list[str] = ()) -> list[Case]:
    name = " ".join(prefix)
    return [
        Case(f"{name} {flag} {label}", [*prefix, flag, value, *suffix], culprit)
        for label, (value, culprit) in values.items()
    ]


def _run_cases() -> list[Case]:
    out = ["--out", "{t}/out"]
    cases = _table(["run"], "--start", MONTHS, ["--states", "RI", *out])
    cases += _table(["run"], "--end", MONTHS, ["--states", "RI", "--start", "2005-01", *out])
    cases += _table(["run"], "--states", STATES, ["--start", "2011-01", "--end", "2011-01", *out])
    cases += _table(["run"], "--seed", SEEDS, [*Q, *out])
    cases += _table(["run"], "--replicates", REPLICATES, [*Q, *out])
    cases += _table(["run"], "--scenario", SCENARIOS, [*Q, *out])
    cases += [
        Case("run end before start", ["run", "--start", "2012-01", "--end", "2011-01"], "before"),
        Case("run unknown option", ["run", "--bogus"], "--bogus"),
        Case("run json with a value", ["run", "--json=yes"], "--json"),
    ]
    return cases


def _other_cases() -> list[Case]:
    cases = [
        Case("compare unknown A", ["compare", "nope", "baseline", *Q], "unknown scenario 'nope'"),
        Case("compare unknown B", ["compare", "baseline", "nope", *Q], "unknown scenario 'nope'"),
        Case("compare empty A", ["compare", "", "baseline", *Q], "A: the value is empty"),
        Case("compare empty B", ["compare", "baseline", "", *Q], "B: the value is empty"),
        Case("compare one scenario", ["compare", "baseline"], "Missing argument"),
    ]
    cases += _table(["compare", "baseline", "no-scomm"], "--states", STATES, ["--start", "2011-01"])
    cases += _table(["compare", "baseline", "no-scomm"], "--seed", SEEDS, Q)
    cases += _table(["params"], "--date", DATES)
    cases += _table(["params"], "--county", COUNTIES)
    cases += _table(["params"], "--state", STATE)
    cases += _table(["params", "--state", "NY"], "--scenario", SCENARIOS)
    brief_state = STATE | {
        "two states": ("NY,CA", "'NY,CA' is not a USPS state code"),
        "lone comma": (",", "',' is not a USPS state code"),
    }
    cases += _table(["brief", "--out", "{t}/out"], "--state", brief_state)
    cases += _table(["brief", "--out", "{t}/out"], "--county", COUNTIES)
    cases += _table(["brief", "--state", "RI", "--out", "{t}/out"], "--start", MONTHS)
    cases += _table(["brief", "--state", "RI", "--out", "{t}/out"], "--compare", SCENARIOS)
    cases += _table(["sweep", "--scenarios", "baseline"], "--replicates", SWEEP_REPLICATES)
    cases += _table(["sweep", "--replicates", "2"], "--scenarios", SWEEP_SCENARIOS, Q)
    cases += _table(["sweep", "--scenarios", "baseline", "--replicates", "2"], "--workers", WORKERS)
    cases += [
        Case(
            "sweep workers and scheduler",
            [
                *("sweep", "--scenarios", "baseline", "--replicates", "2", "--workers", "1"),
                *("--scheduler", "tcp://127.0.0.1:1"),
            ],
            "give either --workers or --scheduler",
        )
    ]
    cases += _table(["monitor", "--county", "48201"], "--intensity", INTENSITY)
    cases += _table(["monitor", "--intensity", "1"], "--county", COUNTIES)
    cases += _table(
        ["monitor", "--county", "48201", "--intensity", "1"], "--replicates", REPLICATES
    )
    cases += _table(["serve"], "--port", PORTS)
    return cases + _calibration_cases()


def _calibration_cases() -> list[Case]:
    calibrate = ["calibrate", "--quick", "--out", "{t}/posterior"]
    cases = _table(calibrate, "--seed", SEEDS)
    cases += _table(calibrate, "--workers", WORKERS)
    cases += _table(calibrate, "--population", POPULATION)
    cases += _table(["validate"], "--draws", DRAWS)
    cases += [
        Case(
            "calibrate full budget population below its rounds",
            ["calibrate", "--population", "11", "--out", "{t}/posterior"],
            "--population: 11 must be at least 12",
        ),
        Case(
            "calibrate workers and scheduler",
            [*calibrate, "--workers", "1", "--scheduler", "tcp://127.0.0.1:1"],
            "give either --workers or --scheduler",
        ),
    ]
    return cases


DATES = {
    "empty": ("", "the value is empty"),
    "newline": ("2011-02-01\n", "has whitespace"),
    "arabic-indic": ("٢٠١١-٠٢-٠١", "outside printable ASCII"),
    "30 February": ("2011-02-30", "is not a date"),
    "one-digit day": ("2011-02-3", "is not a date"),
    "basic format": ("20110201", "is not a date"),
    "ISO week": ("2011-W05-1", "is not a date"),
    "with a time": ("2011-02-01T00:00", "is not a date"),
    "before the history": ("1900-01-01", "is before 2005-01-01"),
    "year zero": ("0000-01-01", "is not a date"),
}
COUNTIES = {
    "empty": ("", "the value is empty"),
    "four digits": ("1234", "not a known 5-digit county FIPS"),
    "unknown": ("99999", "'99999': not a known"),
    "letters": ("abcde", "not a known 5-digit county FIPS"),
    "space": ("36 59", "has whitespace"),
    "arabic-indic": ("٣٦٠٥٩", "outside printable ASCII"),
}
STATE = {
    "empty": ("", "the value is empty"),
    "unknown": ("ZZ", "'ZZ' is not a USPS state code"),
    "two states": ("NY,CA", "expected one USPS state code"),
    "lone comma": (",", "has an empty item"),
    "newline": ("NY\n", "has whitespace"),
}
SWEEP_REPLICATES = {
    "zero": ("0", "is out of range"),
    "above the bound": (str(MAX_SWEEP_REPLICATES + 1), "is out of range"),
    "a hundred billion": ("100000000000", "is out of range"),
    "empty": ("", "the value is empty"),
}
SWEEP_SCENARIOS = {
    "empty": ("", "the value is empty"),
    "lone comma": (",", "has an empty item"),
    "trailing comma": ("baseline,", "has an empty item"),
    "space after comma": ("baseline, no-scomm", "stray whitespace"),
    "twice": ("baseline,baseline", "is given twice"),
    "unknown": ("baseline,nope", "unknown scenario 'nope'"),
    "too many": (",".join(["baseline"] * 51), "at most 50"),
}
WORKERS = {
    "zero": ("0", "is out of range"),
    "above the bound": (str(MAX_WORKERS + 1), "is out of range"),
    "word": ("many", "is not an integer"),
}
POPULATION = {
    "one particle": ("1", "is out of range"),
    "negative": ("-6", "is out of range"),
    "above the bound": ("100001", "is out of range"),
    "a float": ("6.5", "is not an integer"),
    "empty": ("", "the value is empty"),
}
DRAWS = {
    "one run": ("1", "is out of range"),
    "above the bound": ("10001", "is out of range"),
    "word": ("many", "is not an integer"),
}
INTENSITY = {
    "nan": ("nan", "is not a number"),
    "inf": ("inf", "is not a number"),
    "negative": ("-1", "is out of range"),
    "above 5": ("6", "is out of range"),
    "huge exponent": ("1e999", "is out of range"),
    "empty": ("", "the value is empty"),
    "arabic-indic": ("٣", "outside printable ASCII"),
}
PORTS = {
    "zero": ("0", "is out of range"),
    "above 65535": ("70000", "is out of range"),
    "word": ("http", "is not an integer"),
}
CASES = _run_cases() + _other_cases()


@pytest.mark.parametrize("case", [c.param() for c in CASES])
def test_a_bad_flag_is_refused_with_one_line_and_nothing_written(runner, case):
    runner.refused(case)
