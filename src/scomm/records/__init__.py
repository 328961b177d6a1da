"""Real ICE records: adapters to one canonical schema, validation, summaries and suppression.

Entry points: ``load`` (files → canonical Parquet + manifest), ``run_validation``,
``summarize`` (funnel and oversight metrics, suppressed), ``compare`` (records beside the
model) and ``suppress`` (small-cell suppression for any table of counts).
"""

from scomm.records.loader import load, run_validation

__all__ = ["load", "run_validation"]
