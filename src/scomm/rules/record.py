"""What a person's record holds beyond the ICE level and the arrest charge: the facts that the
detainer rules, the state and local laws and the removal routes turn on.

Each is a Bernoulli draw with a cited or assumed share, for the people it can apply to:

* ``serious_charge``: the arrest charge is for a serious or violent felony, or a "significant
  misdemeanor" (violence, threats or assault, sexual abuse, DUI, weapons, drug distribution:
  the list of the 21 Dec 2012 detainer guidance and of PEP's Priority 2(b));
* ``magistrate_pc``: a felony charge on which a magistrate has found probable cause by the time
  of release (the California TRUST Act's route (5), Gov. Code §7282.5(a)(5));
* ``serious_record``: a conviction for a serious or violent offense or a significant
  misdemeanor (what the TRUST Act lists, King County's 2013 ordinance and PEP's 2(b) require);
* ``aggravated_felony``: a Level 1 person's conviction is an aggravated felony (INA
  §101(a)(43)): the 2021 interim priorities and administrative removal (INA §238(b));
* ``prior_removal``: an unauthorized person with a prior DHS encounter was removed or returned
  before or has an outstanding order (the Dec 2012 guidance keeps them; reinstatement);
* ``entered_without_inspection``: an unauthorized person inadmissible under INA
  §212(a)(6)(A), (6)(C) or (7) (the Laken Riley Act's grounds), not an admitted overstay;
* ``laken_riley_offense``: the charge is one the Laken Riley Act lists (burglary, theft,
  larceny, shoplifting, assault of an officer, a crime causing death or serious bodily injury).
"""

from __future__ import annotations

import numpy as np

from scomm.rules.categories import Charge, Level, Status


def serious_charge(p_by_charge: np.ndarray, u: np.ndarray) -> np.ndarray:
    """True where the arrest charge is serious or violent (a felony) or significant (a
    misdemeanor); ``p_by_charge`` is the share for the person's charge (0 for traffic)."""
    return u < p_by_charge


def magistrate_pc(charge: np.ndarray, p: np.ndarray, u: np.ndarray) -> np.ndarray:
    """True where a felony charge was held to answer on a magistrate's probable-cause finding
    by the time of release; never for a misdemeanor or traffic charge."""
    return (charge == Charge.FELONY) & (u < p)


def serious_record(p_by_level: np.ndarray, u: np.ndarray) -> np.ndarray:
    """True where the person's convictions include a serious or violent offense or a
    significant misdemeanor; ``p_by_level`` is the share for the person's ICE level (0 for
    people without a conviction)."""
    return u < p_by_level


def aggravated_felony(level: np.ndarray, p: np.ndarray, u: np.ndarray) -> np.ndarray:
    """True where a Level 1 person's conviction is an aggravated felony (INA §101(a)(43))."""
    return (level == Level.LEVEL1) & (u < p)


def prior_removal(status: np.ndarray, p: np.ndarray, u: np.ndarray) -> np.ndarray:
    """True where an unauthorized person with a prior DHS encounter was removed or returned
    before, or has an outstanding removal order."""
    return (status == Status.UNDOCUMENTED_PRIOR) & (u < p)


def entered_without_inspection(
    unauthorized: np.ndarray, p: np.ndarray, u: np.ndarray
) -> np.ndarray:
    """True where an unauthorized person is inadmissible under INA §212(a)(6)(A), (6)(C) or
    (7) (entry without inspection, fraud, no valid entry document) rather than an admitted
    overstay."""
    return unauthorized & (u < p)


def laken_riley_offense(charge: np.ndarray, p: np.ndarray, u: np.ndarray) -> np.ndarray:
    """True where a misdemeanor or felony charge is one the Laken Riley Act lists."""
    return (charge != Charge.TRAFFIC) & (u < p)
