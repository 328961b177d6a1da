"""The day of the check is passed in: a date after it fails, on it passes (no day frozen at
import, so `scomm serve` and other long-lived processes check against the real day)."""

from __future__ import annotations

import datetime as dt

from records_helpers import GRANT

from scomm.records import loader

LAST_DETAINER = dt.date(2020, 11, 30)  # the Grant County log's last date (docs/records.md)


def _date_range(today: dt.date) -> dict:
    _, findings = loader.run_validation([GRANT], today=today)
    (found,) = [f for f in findings if (f["rule"], f["column"]) == ("date_range", "event_date")]
    return found


def test_case_a_date_after_the_day_of_the_check_fails_and_one_on_it_passes() -> None:
    on_the_day = _date_range(LAST_DETAINER)
    day_before = _date_range(LAST_DETAINER - dt.timedelta(days=1))
    assert on_the_day["count"] == 0 and on_the_day["level"] == "ok"
    assert day_before["count"] > 0 and day_before["level"] != "ok"
    assert any("event_date='2020-11-30'" in e for e in day_before["examples"])


def test_case_without_a_day_the_check_uses_the_day_of_the_call() -> None:
    assert _date_range(dt.date.today())["count"] == 0
    _, findings = loader.run_validation([GRANT])
    assert sum(f["count"] for f in findings if f["rule"] == "date_range") == 0
