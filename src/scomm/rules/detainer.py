"""ICE's detainer decision under the priorities in force.

Each era says which groups of people are enforcement priorities (``detainer.priority_categories``)
and at what rate ICE lodges a detainer on a prioritized person of each ICE level
(``detainer.probability``); people outside every group in force get that rate times
``detainer.outside_priorities_factor`` (the memos' "absent extraordinary circumstances",
supervisors' pre-approval). The groups (``categories.Priority``):

* before 21 Dec 2012, from 25 Jan 2017 (EO 13768), under the Mayorkas guidelines and from
  20 Jan 2025 (EO 14159): anyone removable; the rates by level carry the memos' emphasis;
* 21 Dec 2012 to 19 Nov 2014 (Morton's detainer guidance): a felony conviction or charge
  (Level 1 and 2 stand for the convictions: two felonies, one felony or three misdemeanors), a
  significant-misdemeanor conviction or charge, re-entry after a removal or return or an
  outstanding order;
* 20 Nov 2014 to 24 Jan 2017 (PEP): convictions only: Priority 1(d), 1(e), 2(a), 2(b) (Level 1,
  Level 2, Level 3 with a significant misdemeanor); no charge and no immigration history
  qualifies;
* 1 Feb 2021 to 28 Nov 2021 (the interim priorities): an aggravated-felony conviction.

On top of the era, two categorical rules:

* ICE's 27 Apr 2012 answer to the HSAC task force: no action on a person without a conviction
  whose only charge is a minor traffic offense, until convicted (``detainer.traffic_only_deferred``);
* the Laken Riley Act from 29 Jan 2025: DHS "shall issue a detainer" for a person inadmissible
  under INA §212(a)(6)(A), (6)(C) or (7) charged with one of its listed offenses.

ICE's intensity differs by area of responsibility (field office): the era's rate is scaled on
the odds scale by the area's intensity (``detainer.area_intensity``, 1 = the national rate;
``with_area_intensity``), so a rate stays a probability whatever the intensity.

In a 287(g) jail the deputized officer who identified the person lodges the detainer
(INA §287(g)(1)): the person's rate is the officer's (``program.detainer_287g``), not the
level's and area's that ICE's field office applies to an IDENT match; the priorities and the
categorical rules below bind the officer alike.

Under PEP a share of ICE's requests were requests for notification (Form I-247N) rather than
for detention (I-247D); the same uniform splits a lodged detainer into the two
(``notification_request``).
"""

from __future__ import annotations

import numpy as np

from scomm.rules.categories import Charge, Level, Priority


def priority_membership(
    level: np.ndarray,
    charge: np.ndarray,
    serious_charge: np.ndarray,
    serious_record: np.ndarray,
    aggravated_felony: np.ndarray,
    prior_removal: np.ndarray,
) -> np.ndarray:
    """(person, priority group) True where the person belongs to the group."""
    member = np.zeros((len(level), len(Priority)), dtype=bool)
    member[:, Priority.REMOVABLE] = True
    member[:, Priority.LEVEL1] = level == Level.LEVEL1
    member[:, Priority.LEVEL1_AGGRAVATED] = (level == Level.LEVEL1) & aggravated_felony
    member[:, Priority.LEVEL2] = level == Level.LEVEL2
    member[:, Priority.LEVEL3_SERIOUS] = (level == Level.LEVEL3) & serious_record
    member[:, Priority.FELONY_CHARGE] = charge == Charge.FELONY
    member[:, Priority.SERIOUS_MISDEMEANOR_CHARGE] = (charge == Charge.MISDEMEANOR) & serious_charge
    member[:, Priority.PRIOR_REMOVAL] = prior_removal
    return member


def prioritized(member: np.ndarray, categories: np.ndarray) -> np.ndarray:
    """True where the person belongs to a group the policy in force makes a priority
    (``categories``: (person, group) the groups in force for the person's month)."""
    return (member & categories).any(axis=1)


def laken_riley_mandated(
    inadmissible: np.ndarray, offense: np.ndarray, in_force: np.ndarray
) -> np.ndarray:
    """True where the Laken Riley Act requires DHS to issue a detainer: inadmissible under INA
    §212(a)(6)(A), (6)(C) or (7) and charged with a listed offense, once the Act is in force."""
    return inadmissible & offense & in_force


def with_area_intensity(p: np.ndarray, intensity: np.ndarray | float) -> np.ndarray:
    """The rate ``p`` with its odds multiplied by the area's ``intensity``: p·m / (1 − p + p·m);
    exactly ``p`` where the intensity is 1, 0 and 1 stay put."""
    p = np.asarray(p, dtype=np.float64)
    m = np.asarray(intensity, dtype=np.float64)
    scaled = p * m / np.maximum(1.0 - p + p * m, np.finfo(float).tiny)
    return np.where(m == 1.0, p, scaled)


def detainer_probability(
    level: np.ndarray,
    charge: np.ndarray,
    in_priorities: np.ndarray,
    p_level: np.ndarray,
    outside_factor: np.ndarray,
    traffic_deferred: np.ndarray,
    mandated: np.ndarray,
    area_intensity: np.ndarray | float = 1.0,
    via_287g: np.ndarray | bool = False,
    p_287g: np.ndarray | float = 0.0,
) -> np.ndarray:
    """Per-person detainer probability: the era's rate for the person's level (``p_level``),
    its odds scaled by the ICE area's ``area_intensity`` (1 = the national rate), or for a
    person a 287(g) officer identified (``via_287g``) the officer's own rate ``p_287g``; inside
    the priorities, times ``outside_factor`` outside them; zero for a person without a
    conviction charged only with a minor traffic offense while ``traffic_deferred``; one where
    the Laken Riley Act mandates the detainer."""
    p = np.where(via_287g, p_287g, with_area_intensity(p_level, area_intensity))
    p = np.where(in_priorities, p, p * outside_factor)
    traffic_only = (level == Level.NONCRIMINAL) & (charge == Charge.TRAFFIC) & traffic_deferred
    p = np.where(traffic_only, 0.0, p)
    return np.where(mandated, 1.0, p)


def lodged(removable: np.ndarray, p: np.ndarray, u: np.ndarray) -> np.ndarray:
    """A detainer is lodged on a person ICE deems removable with probability ``p``."""
    return removable & (u < p)


def notification_request(
    lodged: np.ndarray, p: np.ndarray, share: np.ndarray, u: np.ndarray
) -> np.ndarray:
    """True where the lodged detainer asks only to be told of the release (I-247N): the
    bottom ``share`` of the detainer's own probability band, so the split needs no new draw."""
    return lodged & (u < p * share)
