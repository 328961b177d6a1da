"""One name per quantity, across flows, the summary, the metrics and the API.

The contract's keys are the names (``us_citizens_detained``, ``detainers_honored``, ...);
older or looser spellings are aliases that resolve to them (``us_citizens_held`` was the
due-process metric's name for the same count). Flat totals spell the ICE levels as the flows
table's stages do (``removals_level1``), nested totals as the contract does
(``removals_by_level.level1``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scomm.errors import UserError

#: alias → the one name.
ALIASES: dict[str, str] = {
    "us_citizens_held": "us_citizens_detained",
    "citizens_detained": "us_citizens_detained",
    "honored": "detainers_honored",
    "detainers_complied": "detainers_honored",
    "book_ins": "ice_book_ins",
    "matches": "ident_matches",
}


def canonical(name: str) -> str:
    """The one name of a quantity (an alias resolved)."""
    return ALIASES.get(name, name)


def flat_totals(totals: dict) -> dict[str, int]:
    """Contract totals with ``removals_by_level`` spread as ``removals_<level>`` (the flows
    table's stage names) and, when the totals carry ``by_channel``, the 287(g) channel's
    funnel as the flows table names it (``identified_287g``, ``removals_287g``,
    ``removals_level1_287g`` ...) and S-Comm's ``release_notifications``."""
    out = {k: v for k, v in totals.items() if not isinstance(v, dict)}
    for level, n in totals["removals_by_level"].items():
        out[f"removals_{level}"] = n
    channels = totals.get("by_channel")
    if channels:
        out["release_notifications"] = channels["scomm"]["release_notifications"]
        out |= _channel_flat(channels["287g"])
    return out


def _channel_flat(channel: dict) -> dict[str, int]:
    """The 287(g) channel's counts under the flows table's ``<stage>_287g`` names."""
    out = {}
    for key, value in channel.items():
        if key == "removals_by_level":
            out |= {f"removals_{level}_287g": n for level, n in value.items()}
        else:
            out[f"{key}_287g"] = value
    return out


def iter_metrics(section: dict) -> Iterator[tuple[str, str, dict]]:
    """(group, name, metric) for every metric of a metrics section."""
    for group, items in section.items():
        if not isinstance(items, dict):
            continue
        for name, m in items.items():
            if isinstance(m, dict) and "value" in m:
                yield group, name, m


def metric_path(name: str, section: dict) -> tuple[str, str]:
    """(group, name) of a metric given by name or alias; an unknown one raises UserError."""
    wanted = canonical(name.rsplit(".", 1)[-1])
    for group, key, _ in iter_metrics(section):
        if key == wanted:
            return group, key
    known = sorted(k for _, k, _ in iter_metrics(section))
    raise UserError(f"metric {name!r}: unknown; known: {', '.join(known)}")


def lookup(section: dict, name: str) -> Any:
    """A metric of a metrics section by name or alias."""
    group, key = metric_path(name, section)
    return section[group][key]
