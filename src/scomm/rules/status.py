"""ICE status determination (the LESC's Immigration Alien Response): ICE decides
whether a matched person is removable; citizens deemed removable are ICE's errors."""

from __future__ import annotations

import numpy as np


def deemed_removable(p: np.ndarray, u: np.ndarray) -> np.ndarray:
    """True where ICE deems the person removable; ``p`` is the probability for the
    person's status under the rules in force."""
    return u < p
