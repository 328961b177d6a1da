"""One message catalog, complete: every string the briefs and pages show is extracted from
the code and templates, and every one has a Spanish translation with the same placeholders;
numbers and dates follow the reader's language."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from scomm.errors import UserError
from scomm.i18n import LOCALE_DIR, compiled, language, parse_lang
from scomm.report.numbers import readable

ROOT = Path(__file__).resolve().parents[1]
PO = LOCALE_DIR / "es" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


def _extracted() -> set:
    """Every catalog string in the code and templates, extracted as `make i18n` does."""
    method_map = [
        ("src/scomm/**.py", "python"),
        ("src/scomm/**/templates/**.j2", "jinja2"),
        ("src/scomm/web/templates/**.html", "jinja2"),
    ]
    options = {"src/scomm/**/templates/**.j2": {"trim_blocks": "True", "lstrip_blocks": "True"},
               "src/scomm/web/templates/**.html": {"trim_blocks": "True", "lstrip_blocks": "True"}}  # fmt: skip
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


@pytest.fixture(scope="module")
def catalog():
    with PO.open("rb") as fh:
        return read_po(fh, locale="es")


def _key(message) -> str | tuple:
    return message.id if isinstance(message.id, str) else tuple(message.id)


def test_the_catalog_holds_exactly_the_strings_in_the_code(catalog):
    """Case: a string added to a template or to report/labels.py without a translation, or a
    translation left behind for a string that is gone, fails here (`make i18n` then
    translate)."""
    in_po = {_key(m) for m in catalog if m.id}
    extracted = _extracted()
    assert sorted(map(str, extracted - in_po)) == [], "not in the catalog: run make i18n"
    assert sorted(map(str, in_po - extracted)) == [], "obsolete entries in the catalog"


def test_every_string_is_translated_with_the_same_placeholders(catalog):
    for m in catalog:
        if not m.id:
            continue
        assert "fuzzy" not in m.flags, m.id
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        assert all(s.strip() for s in strings), f"untranslated: {m.id!r}"
        for s in strings:
            assert sorted(PLACEHOLDER.findall(s)) == sorted(PLACEHOLDER.findall(ids[-1])), m.id


def test_case_a_clone_without_compiled_catalogs_still_reads_spanish():
    """Case: the .mo files are git-ignored; compiling the .po in memory gives the same
    catalog (what i18n does when the .mo is missing or older than the .po)."""
    import gettext
    import io

    t = gettext.GNUTranslations(io.BytesIO(compiled(PO)))
    assert t.gettext("Key figures") == "Cifras clave"
    assert language("es").gettext("Key figures") == "Cifras clave"


@pytest.mark.parametrize(
    ("given", "locale"),
    [("en", "en_US"), ("es", "es_US"), ("es-ES", "es_ES"), ("es_MX", "es_MX"), (None, "en_US")],
)
def test_case_language_options_name_a_locale(given, locale):
    assert parse_lang(given) == locale


@pytest.mark.parametrize("given", ["fr", "zz", "klingon", ""])
def test_case_a_language_without_a_catalog_is_refused(given):
    if given == "":
        assert parse_lang(given) == "en_US"
        return
    with pytest.raises(UserError, match="--lang"):
        parse_lang(given)


@pytest.mark.parametrize(
    ("lang", "count", "share", "money", "day"),
    [
        ("en", "22,345", "45.3%", "−$50.2 million", "May 15, 2012"),
        ("es", "22,345", "45.3%", "−$50.2 millones", "15 de mayo de 2012"),
        ("es-ES", "22.345", "45,3\xa0%", "−$50,2 millones", "15 de mayo de 2012"),
    ],
)
def test_case_numbers_and_dates_read_as_the_language_writes_them(lang, count, share, money, day):
    from scomm.report.brief import filters

    f = filters(language(lang))
    assert f["number"](22345) == count
    assert f["number"](0.4531, "share") == share
    assert f["signed"](-50_237_086, "usd") == money
    assert language(lang).date(dt.date(2012, 5, 15)) == day
    assert readable(0.005, "share", language(lang).locale, signed=True, points=True).startswith(
        "+0"
    )
