"""One number formatter for every reader: the console, the briefs and the dashboard.

``format_value(value, unit, style)`` shows a value in its unit (a share as a percentage,
dollars with ``$``, anything else as a number with thousands separators), the way one
medium reads it (``Style``). The styles differ only in what their readers need:

- ``BRIEF`` (briefs and the dashboard's pages): a whole number as an integer, three
  significant figures below 100, whole dollars.
- ``ESTIMATES`` (console tables of model estimates): three significant figures at every size
  (no false precision), dollars of a million or more in millions.
- ``REPLICATES`` (console tables of Monte Carlo replicates): four significant figures below
  100, since a mean over replicates is steadier than one run.
- ``AS_GIVEN`` (console tables of records summaries, whose values are rounded where they are
  computed): the value as it is, followed by its unit.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

#: Units shown as percentages.
SHARE_UNITS = frozenset({"share", "probability", "proportion", "fraction"})


@dataclass(frozen=True)
class Style:
    """How numbers read in one medium."""

    missing: str = "—"  # an absent value
    significant: int | None = 3  # figures of a fractional value below 100; None: as given
    round_large: bool = False  # round to those figures at every size
    whole_floats: bool = True  # a float that is a whole number reads as an integer
    usd_millions: bool = False  # a million dollars or more as "$1.2 million"
    unit_suffix: bool = False  # units other than shares and dollars follow the number
    minus: str = "−"  # the sign of a negative change
    zero_sign: str = ""  # the sign of a count that did not change (a fraction keeps "+")


BRIEF = Style()
ESTIMATES = Style(round_large=True, whole_floats=False, usd_millions=True, minus="-", zero_sign="+")
REPLICATES = Style(missing="–", significant=4, whole_floats=False, minus="-", zero_sign="+")
AS_GIVEN = Style(significant=None, unit_suffix=True, minus="-", zero_sign="+")


def is_share(unit: str | None) -> bool:
    """A unit shown as a percentage."""
    return (unit or "").lower() in SHARE_UNITS


def is_usd(unit: str | None) -> bool:
    """A unit of U.S. dollars (``usd``, ``usd_per_day``, ``dollars``, ``$``)."""
    u = (unit or "").lower()
    return u.startswith("usd") or u in ("dollars", "$")


def format_value(
    value: Any,
    unit: str | None = None,
    style: Style = BRIEF,
    *,
    digits: int = 1,
    signed: bool = False,
) -> str:
    """``value`` in ``unit`` as ``style`` reads it; ``digits``: decimals of a percentage;
    ``signed``: a change, with its sign. A mapping reads "key: value; ...", a list
    "value, value", a boolean yes or no, and anything else as its text."""
    if value is None:
        return style.missing
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return "; ".join(
            f"{k}: {format_value(v, unit, style, digits=digits, signed=signed)}"
            for k, v in value.items()
        )
    if isinstance(value, list | tuple):
        return ", ".join(format_value(v, unit, style, digits=digits, signed=signed) for v in value)
    if not isinstance(value, int | float):
        return str(value)
    text = _magnitude(abs(value) if signed else value, unit, style, digits)
    return _sign(value, style) + text if signed else text


def _magnitude(value: float, unit: str | None, style: Style, digits: int) -> str:
    if is_share(unit):
        return f"{value:.{digits}%}"
    if is_usd(unit):
        return _dollars(value, style)
    text = _number(value, style)
    return f"{text} {unit}" if style.unit_suffix and unit else text


def _dollars(value: float, style: Style) -> str:
    if not style.usd_millions:
        return f"${value:,.0f}"
    if abs(value) >= 1e6:
        return f"${value / 1e6:,.1f} million"
    return f"${_significant(value, 3):,.0f}"


def _number(value: float, style: Style) -> str:
    figures = style.significant
    if figures is None or isinstance(value, int):
        return f"{value:,}"
    if style.whole_floats and value.is_integer():
        return f"{int(value):,}"
    if style.round_large:  # already rounded: show the figures it has
        rounded = _significant(value, figures)
        return f"{rounded:,.0f}" if abs(rounded) >= 100 else f"{rounded:,g}"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.{figures}g}"


def _significant(x: float, figures: int) -> float:
    """``x`` rounded to ``figures`` significant figures."""
    return float(f"{x:.{figures}g}")


def _sign(value: float, style: Style) -> str:
    if isinstance(value, int) and value == 0:
        return style.zero_sign
    return style.minus if math.copysign(1.0, value) < 0 else "+"


def jinja_filters() -> dict[str, Callable[..., str]]:
    """The formatter as Jinja filters for the brief and page templates:
    ``x | number``, ``x | number("share", digits=0)``, ``n | signed``, ``x | signed("share")``."""
    return {"number": format_value, "signed": partial(format_value, signed=True)}


# ---- numbers for readers of a language (briefs and the dashboard) --------------------------

#: Units of counts: whole numbers with the language's grouping.
COUNT_UNITS = frozenset(
    {"", "count", "people", "bed_days", "counties", "residents", "victimizations_per_year"}
)
MINUS, PLUS = "\u2212", "+"


@dataclass(frozen=True)
class Words:
    """The words a number needs in a language (from the message catalog)."""

    million: str = "$%(amount)s million"
    billion: str = "$%(amount)s billion"
    points: str = "%(value)s pp"


def _decimal(value: float, decimals: int, locale: Any) -> str:
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale=locale, decimal_quantization=True)


def _percent(value: float, decimals: int, locale: Any) -> str:
    from babel.numbers import format_percent

    base = locale.percent_formats[None].pattern.split(";")[0]
    pattern = base.replace("#,##0", "#,##0" + ("." + "0" * decimals if decimals > 0 else ""))
    return format_percent(value, format=pattern, locale=locale, decimal_quantization=True)


def _money(value: float, locale: Any, words: Words) -> str:
    from babel.numbers import format_currency

    if value >= 1e9:
        return words.billion % {"amount": _decimal(value / 1e9, 1, locale)}
    if value >= 1e6:
        return words.million % {"amount": _decimal(value / 1e6, 1, locale)}
    shown = round(value, 2) if value < 1000 else _significant(value, 3)
    decimals = 2 if value < 1000 and not float(shown).is_integer() else 0
    pattern = locale.currency_formats["standard"].pattern.split(";")[0]
    pattern = pattern.replace("#,##0.00", "#,##0" + (".00" if decimals else ""))
    return format_currency(shown, "USD", format=pattern, locale=locale, currency_digits=False)


def _count(value: float, locale: Any) -> str:
    if isinstance(value, int) or abs(value) >= 100 or float(value).is_integer():
        return _decimal(round(value), 0, locale)
    figures = 3 if abs(value) >= 1 else 2
    decimals = max(0, figures - 1 - math.floor(math.log10(abs(value)))) if value else 0
    return _decimal(value, decimals, locale)


def readable(
    value: Any,
    unit: str | None,
    locale: Any,
    words: Words = Words(),
    *,
    digits: int = 1,
    signed: bool = False,
    points: bool = False,
) -> str:
    """``value`` in ``unit`` as a reader of ``locale`` writes it: counts grouped
    (22,345 / 22.345), shares as percentages with ``digits`` decimals, a change of a share
    (``points``) in percentage points, ratios to three decimals (1.002, never "1"), days to
    one decimal, dollars as "$82.69", "$412,000" or "$50.2 million"; ``signed`` puts a
    minus sign (−) or a plus sign before a change. None reads "—"."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    magnitude = abs(value) if signed else value
    u = (unit or "").lower()
    if is_share(u) and points:
        text = words.points % {"value": _decimal(magnitude * 100, digits, locale)}
    elif is_share(u):
        text = _percent(magnitude, digits, locale)
    elif is_usd(u):
        text = _money(abs(magnitude), locale, words)
        text = (MINUS + text) if magnitude < 0 else text
    elif u == "ratio":
        text = _decimal(magnitude, 3, locale)
    elif u == "days":
        text = _decimal(magnitude, 1, locale)
    else:
        text = _count(magnitude, locale)
    if not signed or value == 0:
        return text
    return (MINUS if value < 0 else PLUS) + text
