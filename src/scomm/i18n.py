"""Languages: one message catalog for every brief and dashboard page (gettext, kept with
Babel: ``src/scomm/locale/<lang>/LC_MESSAGES/messages.po``), and numbers and dates written
the way the language writes them (Babel's CLDR data).

``language("es")`` is the Spanish of U.S. Spanish-language readers (CLDR ``es_US``: 22,000
and 50.2, as the U.S. Spanish-language press writes them); a regional form such as
``es-ES`` or ``es_MX`` uses the same catalog with that region's number conventions
(22.000 and 50,2 in Spain). The catalog is compiled to ``messages.mo`` by ``make i18n`` and
by ``make test``; a clone where it was never compiled still works, since a missing or stale
``.mo`` is compiled in memory from the ``.po`` on first use.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from scomm.errors import UserError

LOCALE_DIR = Path(str(resources.files("scomm") / "locale"))
DOMAIN = "messages"
#: The languages with a catalog, and the locale each means when given without a region.
LANGUAGES = {"en": "en_US", "es": "es_US"}
DEFAULT = "en"


def N_(message: str) -> str:
    """Mark a string for the catalog where it is declared; it is translated where shown."""
    return message


def _catalog(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of ``lang`` (English is the source language: no catalog)."""
    if lang == DEFAULT:
        return gettext.NullTranslations()
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    return gettext.GNUTranslations(io.BytesIO(compiled(po)))


def compiled(po: Path) -> bytes:
    """The ``.mo`` bytes of a ``.po`` file (fuzzy entries left out, as msgfmt does)."""
    with po.open("rb") as fh:
        catalog = read_po(fh)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


@dataclass(frozen=True)
class Language:
    """A language a reader chose: its catalog and its locale's conventions."""

    code: str  # the catalog: "en" or "es"
    locale: Locale
    catalog: gettext.NullTranslations

    @property
    def tag(self) -> str:
        """The BCP 47 tag for ``<html lang>`` (``en``, ``es``)."""
        return self.code

    def gettext(self, message: str) -> str:
        """``message`` in this language."""
        return self.catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The singular or plural form for ``n``, in this language."""
        return self.catalog.ngettext(singular, plural, n)

    def number(self, value: object, unit: str | None = None, **kw: object) -> str:
        """A number as this language writes it (``scomm.report.numbers.readable``)."""
        from scomm.report.numbers import Words, readable

        words = Words(
            million=self.gettext(N_("$%(amount)s million")),
            billion=self.gettext(N_("$%(amount)s billion")),
            points=self.gettext(N_("%(value)s pp")),
        )
        return readable(value, unit, self.locale, words, **kw)  # type: ignore[arg-type]

    def date(self, day: dt.date | str, form: str = "long") -> str:
        """A date: ``long`` (May 15, 2012 / 15 de mayo de 2012), ``medium`` (May 15, 2012 /
        15 may 2012), ``month`` (May 2012) or ``short_month`` (May 2012 / may 2012)."""
        if isinstance(day, str):
            day = dt.date.fromisoformat(day if len(day) > 7 else day + "-01")
        if form == "month":
            return format_skeleton("yMMMM", day, locale=self.locale)
        if form == "short_month":
            return format_skeleton("yMMM", day, locale=self.locale)
        return format_date(day, "medium" if form == "medium" else "long", locale=self.locale)


def parse_lang(text: str | None, field: str = "--lang") -> str:
    """A language option (``en``, ``es``, ``es-ES``, ``es_MX`` ...) as a Babel locale name;
    a language without a catalog raises UserError naming the field."""
    raw = (text or DEFAULT).strip().replace("-", "_")
    try:
        loc = Locale.parse(raw)
    except (ValueError, UnknownLocaleError):
        loc = None
    if loc is None or loc.language not in LANGUAGES:
        raise UserError(
            f"{field}: {text!r} is not a language of the catalog; expected one of "
            + ", ".join(LANGUAGES)
        )
    return LANGUAGES[loc.language] if loc.territory is None else str(loc)


@cache
def language(text: str | None = None) -> Language:
    """The language for an option value (default English)."""
    name = parse_lang(text)
    loc = Locale.parse(name)
    return Language(loc.language, loc, _catalog(loc.language))
