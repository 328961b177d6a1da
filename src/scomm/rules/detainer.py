"""ICE's detainer decision under the priority rules in force.

The probability of a detainer depends on the person's offense level and the era's
priorities (Morton memo of 30 Jun 2010, the June 2011 discretion memo, the 21 Dec 2012
detainer guidance, PEP from 20 Nov 2014, EO 13768 from 25 Jan 2017, ...), each a dated
parameter. Two categorical exclusions apply on top:

* ICE's 27 Apr 2012 answer to the HSAC task force: no action on a person whose only
  offense is a minor traffic charge until convicted;
* the 21 Dec 2012 guidance: detainers restricted for people arrested only for minor
  misdemeanors or traffic offenses without a conviction.

One categorical mandate applies from 29 Jan 2025: under the Laken Riley Act DHS must issue a
detainer for an unauthorized person charged with burglary, theft, larceny or shoplifting. The
model has no theft flag, so a share of misdemeanor and felony charges (a cited parameter) is
theft-type: p becomes share + (1 - share) * p for those arrestees.
"""

from __future__ import annotations

import numpy as np

from scomm.rules.categories import Charge, Level


def detainer_probability(
    level: np.ndarray,
    charge: np.ndarray,
    p_level: np.ndarray,
    traffic_deferred: np.ndarray,
    minor_factor: np.ndarray,
    unauthorized: np.ndarray | None = None,
    laken_riley_share: np.ndarray | float = 0.0,
) -> np.ndarray:
    """Per-person detainer probability; ``p_level`` is the era's rate for the person's level.

    ``traffic_deferred``: the 2012 traffic rule is in force; ``minor_factor``: the multiplier
    on non-criminal minor-charge arrestees (1 = no restriction); ``unauthorized``: the person
    is unlawfully present; ``laken_riley_share``: the theft-type share of misdemeanor and
    felony charges that the Laken Riley Act makes mandatory (0 before 29 Jan 2025).
    """
    p = p_level
    noncriminal = level == Level.NONCRIMINAL
    traffic_only = noncriminal & (charge == Charge.TRAFFIC) & traffic_deferred
    minor = noncriminal & (charge != Charge.FELONY)
    p = np.where(minor, p * minor_factor, p)
    p = np.where(traffic_only, 0.0, p)
    if unauthorized is None:
        return p
    mandated = unauthorized & (charge != Charge.TRAFFIC)
    return np.where(mandated, laken_riley_share + (1.0 - laken_riley_share) * p, p)


def lodged(removable: np.ndarray, p: np.ndarray, u: np.ndarray) -> np.ndarray:
    """A detainer is lodged on a person ICE deems removable with probability ``p``."""
    return removable & (u < p)
