"""One spelling, US, in code, docs and outputs (the contract says ``detainers_honored``)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BRITISH = re.compile(
    r"\b(honour|behaviour|colour|favour|labour|neighbour)\w*"
    r"|\b(summar|organ|recogn|categor|priorit|natural|normal|author)is(e|ed|es|ing|ation)\b"
    r"|\b(analys)(e|ed|es|ing)\b|\b(centre|licence|defence|offence|catalogue|programme)s?\b"
    r"|\b(modell|travell)(ed|ing|er)\b|\bjudgement",
    re.IGNORECASE,
)
# Third-party text we do not edit: raw data, vendored builds, and URLs that carry a spelling.
SKIP = ("data/raw/", "src/scomm/report/assets/", "src/scomm/web/static/vendor/")
TEXT = (".py", ".md", ".yaml", ".yml", ".html", ".j2", ".js", ".css", ".toml")


def tracked_text_files() -> list[Path]:
    names = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [ROOT / n for n in names if n.endswith(TEXT) and not n.startswith(SKIP)]


def british_words(text: str) -> list[str]:
    """British spellings outside URLs."""
    without_urls = re.sub(r"https?://\S+", "", text)
    return [m.group(0) for m in BRITISH.finditer(without_urls)]


def test_no_british_spelling_in_our_files():
    found = {
        str(p.relative_to(ROOT)): words
        for p in tracked_text_files()
        if p.name != "test_spelling.py" and (words := british_words(p.read_text("utf-8")))
    }
    assert not found, f"use US spelling: {found}"


def test_the_check_sees_british_spelling_and_spares_urls():
    assert british_words("the jail honoured it; we summarise; modelled") == [
        "honoured",
        "summarise",
        "modelled",
    ]
    assert british_words("see https://example.org/the-colour-of-crime") == []
    assert british_words("honored, summarize, modeled, realistic, criticism") == []
