"""ICE status determination (the LESC's Immigration Alien Response): ICE decides
whether a matched person is removable; citizens deemed removable are ICE's errors. A lawful
permanent resident is removable only on a ground of deportability, chiefly a conviction (INA
§237(a)(2)), so their probability depends on their ICE level."""

from __future__ import annotations

import numpy as np

from scomm.rules.categories import Status


def removable_probability(
    status: np.ndarray, p_status: np.ndarray, p_lpr_level: np.ndarray
) -> np.ndarray:
    """The probability for the person's status, or for an LPR the one for their level
    (``p_status`` and ``p_lpr_level`` already picked per person)."""
    return np.where(status == Status.LPR, p_lpr_level, p_status)


def deemed_removable(p: np.ndarray, u: np.ndarray) -> np.ndarray:
    """True where ICE deems the person removable; ``p`` is the probability for the
    person's status (and, for an LPR, level) under the rules in force."""
    return u < p
