"""Human-readable output on the terminal (rich tables on stdout)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

out = Console()

FUNNEL = [
    ("bookings", "Jail bookings"),
    ("submissions", "Fingerprints checked against IDENT"),
    ("ident_matches", "IDENT matches"),
    ("detainers", "Detainers lodged"),
    ("detainers_honored", "Detainers honoured by the jail"),
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


def print_summary(doc: dict) -> None:
    """The national funnel and removals by ICE level."""
    p = doc["period"]
    title = (
        f"S-Comm funnel, {doc['scenario']}, {p['start']}..{p['end']}, {len(doc['states'])} states"
    )
    table = Table(title=title)
    table.add_column("stage")
    table.add_column("people", justify="right")
    for label, value in _funnel_rows(doc["totals"]):
        table.add_row(label, f"{value:,}")
    out.print(table)


def print_compare(doc: dict) -> None:
    """Both funnels side by side with the difference."""
    a, b = doc["scenarios"]
    table = Table(title=f"{a} vs {b}, {doc['period']['start']}..{doc['period']['end']}")
    for col in ("stage", a, b, "difference"):
        table.add_column(col, justify="left" if col == "stage" else "right")
    ra, rb = _funnel_rows(doc["a"]["totals"]), _funnel_rows(doc["b"]["totals"])
    for (label, va), (_, vb) in zip(ra, rb, strict=True):
        table.add_row(label, f"{va:,}", f"{vb:,}", f"{vb - va:+,}")
    out.print(table)
    changed = doc["difference"]["states_changed"]
    out.print(f"states whose totals differ: {', '.join(changed) if changed else 'none'}")


def print_params(doc: dict) -> None:
    """Rules in force: parameters, place status and laws, with citations."""
    out.print(f"[bold]Rules in force on {doc['date']} for {doc['place']}[/bold]")
    for line in doc.get("place_status", []):
        out.print(f"• {line}")
    table = Table(show_lines=False)
    for col in ("rule", "value", "unit", "source"):
        table.add_column(col, overflow="fold")
    for rule in doc["laws"]:
        table.add_row(rule["title"], rule["status"], rule["effect"], _cite(rule["citation"]))
    for p in doc["parameters"]:
        table.add_row(p["name"], _value(p["value"]), p["unit"], _cite(p["citation"]))
    out.print(table)


def _value(v) -> str:
    if isinstance(v, dict):
        return ", ".join(f"{k}={x}" for k, x in v.items())
    return str(v)


def _cite(c: dict) -> str:
    return f"{c['title']} ({c['date']}) {c['url']}"
