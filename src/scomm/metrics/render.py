"""The metrics and the monitor's power curve as rich tables for the terminal."""

from __future__ import annotations

from rich.table import Table

from scomm.report.numbers import AS_GIVEN, ESTIMATES, format_value


def metrics_table(metrics: dict) -> Table:
    """One row per metric: group.name, value and interval (where chance enters)."""
    table = Table(title=f"Oversight metrics ({metrics['replicates']} replicate(s))")
    table.add_column("metric", no_wrap=True)
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("unit")
    rows = [
        (f"{group}.{name}", m)
        for group, items in metrics.items()
        if isinstance(items, dict)
        for name, m in items.items()
    ]
    with_intervals = any(m.get("interval") is not None for _, m in rows)
    if with_intervals:
        table.add_column("95% interval", justify="right")
    for label, m in rows:
        unit = "" if m["unit"] in ("share", "usd") else m["unit"].replace("_", " ")
        cells = [label, format_value(m["value"], m["unit"], ESTIMATES), unit]
        if with_intervals:
            iv = m.get("interval")
            cells.append(
                "" if iv is None else " – ".join(format_value(x, m["unit"], ESTIMATES) for x in iv)
            )
        table.add_row(*cells)
    return table


def monitor_table(doc: dict) -> Table:
    """The power curve: intensity → share detected and months to detection."""
    title = (
        f"Monitor power, {doc['name']}, {doc['state']} ({doc['county']}), effect from "
        f"{doc['effect_from']}, {doc['horizon_months']} months, {doc['replicates']} replicates"
    )
    table = Table(title=title)
    cols = ("intensity", "extra matches/month", "detected", "median months", "95% interval")
    for col in cols:
        table.add_column(col, justify="right")
    for row in doc["power_curve"]:
        lo, hi = (("—" if v is None else str(v)) for v in row["interval"])
        median = row["median_months"]
        table.add_row(
            f"{row['intensity']:g}",
            format_value(row["pretextual_matches_per_month"], style=AS_GIVEN),
            format_value(row["detected_share"], "share", ESTIMATES, digits=0),
            "not detected" if median is None else str(median),
            f"{lo} – {hi}",
        )
    return table
