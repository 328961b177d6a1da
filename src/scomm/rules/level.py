"""Offense level (reference/scomm-facts.md §1.2) and arrest charge of a matched person.

Level 1: an aggravated felony or two or more offenses punishable by more than a year;
Level 2: one such offense or three or more punishable by less than a year;
Level 3: an offense punishable by less than a year; non-criminal: no conviction.
"""

from __future__ import annotations

import numpy as np

from scomm.rules.match import draw_category


def offense_level(cdf_by_person: np.ndarray, u: np.ndarray) -> np.ndarray:
    """The ICE level, from each person's cumulative level distribution."""
    return draw_category(u, cdf_by_person)


def arrest_charge(cdf_by_person: np.ndarray, u: np.ndarray) -> np.ndarray:
    """The most serious charge of the arrest (felony, misdemeanor, minor traffic)."""
    return draw_category(u, cdf_by_person)
