"""Transfer to ICE custody: ICE picks up a person held on an honored detainer
within the 48-hour window (8 C.F.R. §287.7(d)) with the transfer probability."""

from __future__ import annotations

import numpy as np


def booked_into_ice(honored: np.ndarray, p_transfer: np.ndarray, u: np.ndarray) -> np.ndarray:
    """True where the person is booked into ICE custody."""
    return honored & (u < p_transfer)
