"""Months: parsing, validation and the supported range."""

from __future__ import annotations

import datetime as dt
import re

from scomm.errors import UserError
from scomm.flags import shown

EPOCH = (2000, 1)  # month index 0
SUPPORTED = ("2005-01", "2025-12")
DEFAULT_PERIOD = ("2008-10", "2014-11")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")  # ASCII digits only (\d takes any script's)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_month(text: str, field: str = "month") -> int:
    """'YYYY-MM' → month index since 2000-01; a bad value raises UserError naming the field."""
    m = _MONTH.fullmatch(text) if isinstance(text, str) else None
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise UserError(
            f"{field}: {shown(str(text))} is not a month; expected YYYY-MM, e.g. 2011-06"
        )
    return (int(m.group(1)) - EPOCH[0]) * 12 + int(m.group(2)) - EPOCH[1]


def month_label(index: int) -> str:
    """Month index → 'YYYY-MM'."""
    year, month0 = divmod(index + EPOCH[1] - 1, 12)
    return f"{EPOCH[0] + year:04d}-{month0 + 1:02d}"


def first_day(index: int) -> dt.date:
    """The first day of a month index."""
    label = month_label(index)
    return dt.date(int(label[:4]), int(label[5:]), 1)


def days_in(index: int) -> int:
    """Days in the month."""
    return (first_day(index + 1) - first_day(index)).days


def month_of(day: dt.date) -> int:
    """Month index of a date."""
    return (day.year - EPOCH[0]) * 12 + day.month - EPOCH[1]


def parse_period(start: str | None, end: str | None) -> tuple[int, int]:
    """Validate an inclusive period within the supported range (None: the default period;
    an empty value is refused, not read as the default)."""
    s = parse_month(DEFAULT_PERIOD[0] if start is None else start, "--start")
    e = parse_month(DEFAULT_PERIOD[1] if end is None else end, "--end")
    lo, hi = parse_month(SUPPORTED[0]), parse_month(SUPPORTED[1])
    for flag, m in (("--start", s), ("--end", e)):
        if not lo <= m <= hi:
            raise UserError(
                f"{flag}: {month_label(m)} is outside the supported range "
                f"{SUPPORTED[0]}..{SUPPORTED[1]}"
            )
    if e < s:
        raise UserError(f"--end: {month_label(e)} is before --start {month_label(s)}")
    return s, e


def parse_date(text: str, field: str = "--date") -> dt.date:
    """'YYYY-MM-DD' (ASCII digits) → date; a bad value raises UserError."""
    try:
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise UserError(f"{field}: {shown(str(text))} is not a date; expected YYYY-MM-DD") from None
