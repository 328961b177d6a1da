"""Detention and removal or release.

A person in ICE custody is removed with a probability by offense level; the length of
detention is exponential with the cited mean; a removal counts in a period when it is
completed by the period's end. Removals are summary (no hearing before an immigration
judge: expedited removal, reinstatement, stipulated or administrative removal) with the
cited share; people who do see a judge are represented at the cited detained rate.
"""

from __future__ import annotations

import numpy as np


def removed(book_in: np.ndarray, p: np.ndarray, u: np.ndarray) -> np.ndarray:
    """True where the person in ICE custody is (eventually) removed; ``p`` is the removal
    probability for the person's level."""
    return book_in & (u < p)


def detention_days(mean_days: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Days in ICE detention, exponential with the given mean (inverse-CDF of ``u``)."""
    return -mean_days * np.log1p(-u)


def summary_removal(removed: np.ndarray, p_summary: np.ndarray, u: np.ndarray) -> np.ndarray:
    """True where the removal bypassed a hearing before an immigration judge."""
    return removed & (u < p_summary)


def represented(heard: np.ndarray, p_counsel: np.ndarray, u: np.ndarray) -> np.ndarray:
    """True where a detained person whose case went before a judge had counsel."""
    return heard & (u < p_counsel)
