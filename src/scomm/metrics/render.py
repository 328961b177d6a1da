"""The metrics and the monitor's power curve as rich tables for the terminal."""

from __future__ import annotations

from typing import Any

from rich.table import Table


def _sig(x: float, digits: int = 3) -> float:
    """Round to ``digits`` significant figures (model estimates: no false precision)."""
    return float(f"{x:.{digits}g}")


def _fmt(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "share":
        return f"{value:.1%}"
    if unit == "usd":
        return f"${value / 1e6:,.1f} million" if abs(value) >= 1e6 else f"${_sig(value):,.0f}"
    if isinstance(value, float):
        rounded = _sig(value)
        return f"{rounded:,.0f}" if abs(rounded) >= 100 else f"{rounded:,g}"
    return f"{value:,}"


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
        cells = [label, _fmt(m["value"], m["unit"]), unit]
        if with_intervals:
            iv = m.get("interval")
            cells.append(
                "" if iv is None else f"{_fmt(iv[0], m['unit'])} – {_fmt(iv[1], m['unit'])}"
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
            f"{row['pretextual_matches_per_month']:,}",
            f"{row['detected_share']:.0%}",
            "not detected" if median is None else str(median),
            f"{lo} – {hi}",
        )
    return table
