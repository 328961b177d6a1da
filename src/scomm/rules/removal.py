"""Detention and removal or release.

A person in ICE custody is removed with a probability by offense level. A removal is summary
(no hearing before an immigration judge) by a route the person's history opens, era by era:

* reinstatement of a prior removal order (INA §241(a)(5)) for a person removed before;
* administrative removal of a non-LPR convicted of an aggravated felony (INA §238(b));
* expedited removal (INA §235(b)(1)) of a recent entrant inadmissible under §212(a)(6)(C) or
  (7), in the interior only while a designation reaches it (84 FR 35409, from 23 Jul 2019);
* stipulated removal (a waiver of the hearing), an era's share of everyone else.

Time from the ICE book-in to removal or release is lognormal, with its own median and spread
for summary removals, removals after a hearing and releases; a removal counts in a period when
it is completed by the period's end. People whose case went before a judge are represented at
the cited detained rate.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr, ndtri

from scomm.rules.categories import Level, Route, Status


def removed(book_in: np.ndarray, p: np.ndarray, u: np.ndarray) -> np.ndarray:
    """True where the person in ICE custody is (eventually) removed; ``p`` is the removal
    probability for the person's level."""
    return book_in & (u < p)


def summary_probability(
    status: np.ndarray,
    level: np.ndarray,
    history: tuple[np.ndarray, np.ndarray, np.ndarray],
    routes: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> np.ndarray:
    """Probability a removal bypasses a hearing: one minus the chance that no route open to
    the person is taken. ``history``: (prior removal, aggravated felony, entered without
    inspection); ``routes``: the shares of reinstatement, administrative removal, recent
    entrants, stipulated removal, and whether expedited removal reaches the interior."""
    prior, aggravated, ewi = history
    p_reinstate, p_admin, p_recent, p_stipulated, interior_er = routes
    unauthorized = status >= Status.UNDOCUMENTED_PRIOR
    stay = 1.0 - p_stipulated
    stay = stay * np.where(prior, 1.0 - p_reinstate, 1.0)
    admin = (level == Level.LEVEL1) & aggravated & (status != Status.LPR)
    stay = stay * np.where(admin, 1.0 - p_admin, 1.0)
    expedited = unauthorized & ewi & ~prior & interior_er
    stay = stay * np.where(expedited, 1.0 - p_recent, 1.0)
    return 1.0 - stay


def summary_removal(eventually: np.ndarray, p_summary: np.ndarray, u: np.ndarray) -> np.ndarray:
    """True where the (eventual) removal bypasses a hearing before an immigration judge."""
    return eventually & (u < p_summary)


def route(eventually: np.ndarray, summary: np.ndarray) -> np.ndarray:
    """How each detention ends: summary removal, removal after a hearing, or release."""
    out = np.where(summary, Route.SUMMARY, Route.HEARING)
    return np.where(eventually, out, Route.RELEASED).astype(np.int8)


def detention_days(median: np.ndarray, log_sd: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Days from the ICE book-in to removal or release: lognormal with the route's median and
    log standard deviation (inverse CDF of ``u``)."""
    return median * np.exp(log_sd * ndtri(u))


def completed_probability(
    median: np.ndarray, log_sd: np.ndarray, remaining_days: np.ndarray
) -> np.ndarray:
    """Probability that a lognormal detention (the distribution ``detention_days`` draws from)
    ends within ``remaining_days`` (0 when none remain)."""
    left = np.asarray(remaining_days, dtype=np.float64)
    with np.errstate(divide="ignore"):
        z = (np.log(np.maximum(left, 0.0)) - np.log(median)) / log_sd
    return np.where(left > 0, ndtr(z), 0.0)


def represented(heard: np.ndarray, p_counsel: np.ndarray, u: np.ndarray) -> np.ndarray:
    """True where a detained person whose case went before a judge had counsel."""
    return heard & (u < p_counsel)
