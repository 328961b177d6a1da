"""Coded categories shared by the rules, the engine and the metrics."""

from __future__ import annotations

import enum


class Status(enum.IntEnum):
    """Citizenship and immigration status of a booked person."""

    US_BORN = 0
    NATURALIZED = 1
    LPR = 2
    OTHER_LAWFUL = 3
    UNDOCUMENTED_PRIOR = 4  # unauthorized, with a prior DHS biometric encounter (in IDENT)
    UNDOCUMENTED_NEW = 5  # unauthorized, never fingerprinted by DHS


class Level(enum.IntEnum):
    """ICE offense level (reference/scomm-facts.md §1.2); NONCRIMINAL = no conviction."""

    LEVEL1 = 0
    LEVEL2 = 1
    LEVEL3 = 2
    NONCRIMINAL = 3


class Charge(enum.IntEnum):
    """Most serious charge of the arrest that led to the booking."""

    FELONY = 0
    MISDEMEANOR = 1
    TRAFFIC = 2  # minor traffic offense


STATUS_KEYS = [s.name.lower() for s in Status]
LEVEL_KEYS = [lv.name.lower() for lv in Level]
CHARGE_KEYS = [c.name.lower() for c in Charge]
CITIZEN_STATUSES = (Status.US_BORN, Status.NATURALIZED)
