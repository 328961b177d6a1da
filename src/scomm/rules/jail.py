"""Jail compliance: what a jail does with a lodged detainer, under the state and local laws in
force (compiled into two answers per person: may the jail hold them past release, and may it
tell ICE when they are released) and otherwise at the base compliance rate.

A request for detention (I-247, I-247D, I-247A) is honored with a hold where the law allows
holding; where it does not, or where ICE asked only for notification (I-247N), a jail the law
lets notify ICE tells it the release time (``notified``), and ICE may arrest at the door. A
jail whose law lets it report only releases at the end of a sentence tells ICE of that share
of releases alone (``notice_rate``).
"""

from __future__ import annotations

import numpy as np


def honored(
    detainer: np.ndarray,
    notification_request: np.ndarray,
    hold_allowed: np.ndarray,
    base_compliance: np.ndarray,
    u: np.ndarray,
) -> np.ndarray:
    """True where the jail holds the person for ICE: a request for detention, a law that
    allows the hold, and the jail complies (``u`` below the base compliance rate)."""
    return detainer & ~notification_request & hold_allowed & (u < base_compliance)


def notice_rate(
    base_compliance: np.ndarray, sentenced_only: np.ndarray, sentenced_share: np.ndarray
) -> np.ndarray:
    """The probability that a jail the law lets notify ICE does so for a given release: the
    base compliance rate, times the share of releases that end a sentence where the law lets
    the jail report only those."""
    return base_compliance * np.where(sentenced_only, sentenced_share, 1.0)


def notified(
    detainer: np.ndarray,
    held: np.ndarray,
    notify_allowed: np.ndarray,
    notice_rate: np.ndarray,
    u: np.ndarray,
) -> np.ndarray:
    """True where the jail, not holding the person, tells ICE when they are released: the
    law allows it and ``u`` falls below the notice rate (the same draw as the hold)."""
    return detainer & ~held & notify_allowed & (u < notice_rate)
