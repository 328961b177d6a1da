"""Human-readable output on the terminal (rich tables on stdout)."""

from __future__ import annotations

import sys
import textwrap

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from scomm.intervals import Interval
from scomm.report.numbers import ESTIMATES, format_value

out = Console(width=None if sys.stdout.isatty() else 120)  # piped: room for the tables
PROSE_WIDTH = 100  # wrapped text stays readable however wide the console

FUNNEL = [
    ("bookings", "Jail bookings"),
    ("submissions", "Fingerprints checked against IDENT"),
    ("ident_matches", "IDENT matches"),
    ("detainers", "Detainers lodged"),
    ("detainers_honored", "Detainers honored by the jail"),
    ("ice_book_ins", "Booked into ICE custody"),
    ("removals", "Removals"),
    ("removals_convicted", "  with a criminal conviction"),
    ("us_citizens_detained", "U.S. citizens held"),
]
LEVELS = [
    ("level1", "Level 1"),
    ("level2", "Level 2"),
    ("level3", "Level 3"),
    ("noncriminal", "Non-criminal"),
]


def _funnel_rows(totals: dict) -> list[tuple[str, int]]:
    rows = [(label, totals[key]) for key, label in FUNNEL]
    rows[7:7] = [(f"  {label}", totals["removals_by_level"][k]) for k, label in LEVELS]
    return rows


def _where(doc: dict) -> str:
    """The run's place: its counties (a county run) or how many states."""
    if doc.get("totals_of") == "counties":
        return "; ".join(f"{c['name']}, {c['state']}" for c in doc["by_county"].values())
    return f"{len(doc['states'])} states"


def _interval_cells(doc: dict, n_rows: int) -> list[str]:
    """Each funnel row's seed interval (empty without replicates)."""
    found = doc.get("intervals") or {}
    keys = [k for k, _ in FUNNEL]
    keys[7:7] = [f"removals_{k}" for k, _ in LEVELS]
    cells = []
    for key in keys[:n_rows]:
        iv = found.get(key)
        cells.append(
            ""
            if iv is None
            else f"{format_value(iv['low'], style=ESTIMATES)} – {format_value(iv['high'], style=ESTIMATES)}"
        )
    return cells


def print_summary(doc: dict) -> None:
    """The funnel and removals by ICE level, with each count's seed interval when the run
    had replicates."""
    p = doc["period"]
    title = f"S-Comm funnel, {doc['scenario']}, {p['start']}..{p['end']}, {_where(doc)}"
    table = Table(title=title)
    table.add_column("stage")
    table.add_column("people", justify="right")
    rows = _funnel_rows(doc["totals"])
    intervals = doc.get("intervals")
    if intervals:
        first = Interval.from_dict(next(iter(intervals.values())))
        assert first is not None
        table.add_column(f"interval ({first.label()})", justify="right")
    cells = _interval_cells(doc, len(rows))
    for (label, value), cell in zip(rows, cells, strict=True):
        table.add_row(label, format_value(value, style=ESTIMATES), *([cell] if intervals else []))
    out.print(table)


def print_compare(doc: dict) -> None:
    """Both funnels side by side with the difference."""
    a, b = doc["scenarios"]
    table = Table(title=f"{a} vs {b}, {doc['period']['start']}..{doc['period']['end']}")
    for col in ("stage", a, b, "difference"):
        table.add_column(col, justify="left" if col == "stage" else "right")
    ra, rb = _funnel_rows(doc["a"]["totals"]), _funnel_rows(doc["b"]["totals"])
    for (label, va), (_, vb) in zip(ra, rb, strict=True):
        table.add_row(
            label,
            format_value(va, style=ESTIMATES),
            format_value(vb, style=ESTIMATES),
            format_value(vb - va, style=ESTIMATES, signed=True),
        )
    out.print(table)
    changed = doc["difference"]["states_changed"]
    out.print(f"states whose totals differ: {', '.join(changed) if changed else 'none'}")


def print_params(doc: dict) -> None:
    """Rules in force, grouped as place status, laws and parameters, each with its source."""
    out.print(
        f"[bold]Rules in force on {doc['date']} for {escape(doc['place'])}[/bold]"
        f" (scenario {escape(doc['scenario'])})"
    )
    out.print("\n[bold]Place status[/bold]")
    for line in doc.get("place_status", []):
        _item(line)
    out.print(f"\n[bold]Laws and policies[/bold] ({len(doc['laws'])})")
    for law in doc["laws"]:
        since = f"since {law['effective']}" + (f", until {law['ends']}" if law["ends"] else "")
        _item(f"{law['title']} ({law['status']}; {since})", bold=True)
        _item(f"binds {law['binds']}: {law['conditions']}", 1)
        if law.get("note") and not law["applied"]:
            _item(f"note: {law['note']}", 1)
        _item(f"source: {_cite(law['citation'])}", 1)
        if law.get("assumption"):
            _item(f"assumption: {law['assumption']}", 1)
    agreements = doc.get("agreements_287g", [])
    out.print(f"\n[bold]287(g) jail agreements[/bold] ({len(agreements)})")
    for a in agreements:
        until = f"to {a['end']}" if a["end"] else "no end known"
        _item(f"{a['agency']} ({a['county']}): {a['model']}, {a['start']} {until}", bold=True)
        if a["basis"]:
            _item(a["basis"], 1)
        _item(f"source: {_cite(a['citation'])}", 1)
    out.print(f"\n[bold]Parameters[/bold] ({len(doc['parameters'])})")
    for p in doc["parameters"]:
        value = _value(p["value"])
        _item(f"{p['name']} = {value} {p['unit']} (since {p['in_force_since']})", bold=True)
        _item(p["description"], 1)
        _item(f"source: {_cite(p['citation'])}", 1)
        if p.get("assumption"):
            _item(f"assumption: {p['assumption']}", 1)


def _item(text: str, depth: int = 0, bold: bool = False) -> None:
    """A bullet (depth 0) or an indented detail line, wrapped inside its indent."""
    pad = " " * (2 + 4 * depth)
    first = pad + ("• " if depth == 0 else "")
    wrapped = textwrap.fill(
        text,
        width=min(max(out.width, 60), PROSE_WIDTH),
        initial_indent=first,
        subsequent_indent=pad + "  ",
        break_long_words=False,
        break_on_hyphens=False,
    )
    out.print(f"[bold]{escape(wrapped)}[/bold]" if bold else escape(wrapped), highlight=False)


def _value(v) -> str:
    if isinstance(v, dict):
        return ", ".join(f"{k}={x}" for k, x in v.items())
    return str(v)


def _cite(c: dict) -> str:
    kind = f"[{c['kind']}] " if c.get("kind") else ""
    return f"{kind}{c['title']} ({c['date']}) {c['url']}"
