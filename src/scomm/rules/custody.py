"""Transfer to ICE custody: ICE picks up a person held on an honored detainer within the
48-hour window (8 C.F.R. §287.7(d)) with the transfer probability, and arrests a person whose
release time the jail gave it, at the jail's door, with the (lower) release-pickup
probability."""

from __future__ import annotations

import numpy as np


def booked_into_ice(
    honored: np.ndarray,
    notified: np.ndarray,
    p_transfer: np.ndarray,
    p_pickup: np.ndarray,
    u: np.ndarray,
) -> np.ndarray:
    """True where the person is booked into ICE custody, from a hold or from a release
    notification."""
    return (honored & (u < p_transfer)) | (notified & (u < p_pickup))
