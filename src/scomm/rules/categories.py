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


class Priority(enum.IntEnum):
    """The groups a federal detainer policy can make a priority (``detainer.priority_categories``
    says which are in force); a person belongs to every group whose description fits."""

    REMOVABLE = 0  # anyone ICE deems removable (no categorical limit)
    LEVEL1 = 1
    LEVEL1_AGGRAVATED = 2  # Level 1 whose conviction is an aggravated felony
    LEVEL2 = 3
    LEVEL3_SERIOUS = 4  # Level 3 whose conviction is a significant misdemeanor
    FELONY_CHARGE = 5  # charged with a felony
    SERIOUS_MISDEMEANOR_CHARGE = 6  # charged with a significant misdemeanor
    PRIOR_REMOVAL = 7  # re-entered after a removal or return, or has an outstanding order


class Route(enum.IntEnum):
    """How an ICE detention ends, for its length (``removal.days_median``)."""

    SUMMARY = 0  # removed without a hearing: reinstatement, administrative, expedited, stipulated
    HEARING = 1  # removed after a case before an immigration judge
    RELEASED = 2  # released (bond, recognizance, relief, terminated case)


STATUS_KEYS = [s.name.lower() for s in Status]
LEVEL_KEYS = [lv.name.lower() for lv in Level]
CHARGE_KEYS = [c.name.lower() for c in Charge]
PRIORITY_KEYS = [p.name.lower() for p in Priority]
ROUTE_KEYS = [r.name.lower() for r in Route]
CITIZEN_STATUSES = (Status.US_BORN, Status.NATURALIZED)
# ICE Enforcement and Removal Operations areas of responsibility (field offices), by ICE's
# three-letter codes; every county belongs to one (counties.csv's aor column, checked by a test).
AOR_KEYS = [
    "ATL", "BAL", "BOS", "BUF", "CHI", "DAL", "DEN", "DET", "ELP", "HOU", "LOS", "MIA",
    "NEW", "NOL", "NYC", "PHI", "PHO", "SEA", "SFR", "SLC", "SNA", "SND", "SPM", "WAS",
]  # fmt: skip
