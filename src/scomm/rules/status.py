"""Stage 3: ICE status determination (the LESC's Immigration Alien Response). ICE decides
whether a matched person is removable; citizens deemed removable are ICE's errors."""

from __future__ import annotations

import numpy as np


def deemed_removable(p_by_status: np.ndarray, status: np.ndarray, u: np.ndarray) -> np.ndarray:
    """True where ICE deems the person removable; ``p_by_status`` is (person, status)."""
    p = np.take_along_axis(p_by_status, status[:, None].astype(np.intp), axis=1)[:, 0]
    return u < p
