"""The pipeline, declared once: every stage in order, with its rule function, its random
stream, the parameters it reads, what it outputs and a label for people.

Everything that needs to know "which parameters drive which stage" reads this table:
``compile.compile_inputs`` compiles the parameters into the engine's arrays from it, the
brief's "parameters behind this stage" and the follow-one-booking page cite from it, and the
stage table of docs/model.md is generated from it (tests/test_docs.py keeps it current). The
engine's trace (scomm.trace) records each stage under the names declared here.

A stage's number is its position here (1 = booking). Stream ids (``rng.Stream``) are not
stage numbers: they key the random numbers and never change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from scomm import population
from scomm.rng import Stream
from scomm.rules import (
    biometrics,
    custody,
    detainer,
    jail,
    level,
    match,
    person,
    record,
    removal,
    screening,
    status,
)
from scomm.rules.categories import (
    AOR_KEYS,
    CHARGE_KEYS,
    LEVEL_KEYS,
    PRIORITY_KEYS,
    ROUTE_KEYS,
    STATUS_KEYS,
    Status,
)

Transform = Literal["value", "flag", "cdf"]
STATUSES, LEVELS, CHARGES = tuple(STATUS_KEYS), tuple(LEVEL_KEYS), tuple(CHARGE_KEYS)
PRIORITIES, ROUTES, AORS = tuple(PRIORITY_KEYS), tuple(ROUTE_KEYS), tuple(AOR_KEYS)
# Statuses whose removability does not depend on the level (an LPR's does: status.lpr_removable).
NOT_LPR = tuple(k for k in STATUS_KEYS if k != Status.LPR.name.lower())
# Inputs fields that population.py or compile build from several parameters and packaged data,
# rather than one monthly series per parameter.
BUILT_FIELDS = ("bookings", "composition", "active_from", "agreement_287g", "p_removable")


@dataclass(frozen=True)
class Param:
    """One parameter a stage reads, and how compile turns it into an ``Inputs`` array.

    ``field``: the ``compile.Inputs`` array it goes into (several parameters declared for
    one field are stacked on axis 1, in declaration order); ``keys``: the mapping's keys in
    array order; ``transform``: ``value`` (as is), ``flag`` (to bool) or ``cdf`` (shares to
    a cumulative distribution); ``by``: the traced input whose value picks the key that
    applied to a person (e.g. ``level``); ``when``: (traced input, value) for a parameter
    read only for some people (the criminal-history table of their status group);
    ``drawn``: read only where the stage's inputs are drawn from their uncertainty (the
    bookings model's posterior draws, docs/bookings.md), never by a point run's compile.
    """

    name: str
    field: str
    keys: tuple[str, ...] | None = None
    transform: Transform = "value"
    by: str | None = None
    when: tuple[str, bool] | None = None
    drawn: bool = False


@dataclass(frozen=True)
class Stage:
    """One stage of the pipeline.

    ``rule``: the function that decides it; ``stream``: the random stream of its draw (None:
    no draw); ``pretext_stream``: the stream a scenario's pretextual bookings draw from
    instead; ``outputs``: what the stage decides (cohort columns, or the trace's outcome
    for the stages before the match); ``requires``: the traced input a person needs to be
    True to reach the stage (None: everyone who gets this far); ``decides``: what decides
    it, in words (docs/model.md).
    """

    name: str
    label: str
    rule: Callable
    stream: Stream | None
    parameters: tuple[Param, ...]
    outputs: tuple[str, ...]
    decides: str
    requires: str | None = None
    pretext_stream: Stream | None = None

    @property
    def number(self) -> int:
        """Position in the pipeline, from 1."""
        return PIPELINE.index(self) + 1


PIPELINE: tuple[Stage, ...] = (
    Stage(
        "booking",
        "Jail booking",
        population.bookings,
        None,
        (
            Param("population.jail_admissions", "bookings"),
            Param("population.bookings_state_sd", "bookings", drawn=True),
        ),
        ("booked",),
        "BJS national jail admissions (July–June years); California counties use their own "
        "monthly Jail Profile Survey bookings; a user's county admissions panel (`--bookings "
        "FILE`, `SCOMM_BOOKINGS`) replaces the figure where given; the rest of the country's "
        "admissions are shared by population × the county's booking rate from a model fitted "
        "on California's counties (density, poverty; [bookings.md](bookings.md))",
        pretext_stream=Stream.PRETEXT,
    ),
    Stage(
        "composition",
        "Who is booked here",
        population.composition,
        None,
        (
            Param("population.foreign_born_arrest_ratio", "composition"),
            Param("population.lpr_share_of_lawful_noncitizens", "composition"),
            Param("population.undocumented_prior_encounter_share", "composition"),
        ),
        ("status_shares",),
        "status mix of the county-month's bookings (U.S.-born, naturalized, LPR, other lawful, "
        "unauthorized with / without a prior DHS encounter) from the county's foreign-born "
        "share (Census QuickFacts, ACS 2009–13) and its ICE area's noncitizen and unauthorized "
        "shares (UWCHR, ACS-derived)",
    ),
    Stage(
        "submission",
        "Fingerprints sent to DHS",
        biometrics.submitted,
        None,
        (
            Param("program.interoperability", "active_from"),
            Param("program.submissions_per_booking", "submissions_per_booking"),
        ),
        ("submitted",),
        "the county's activation date (prorated by day within the month) and "
        "`program.interoperability` (scenarios switch it off by place and date); of the "
        "bookings then, min(r, 1) are checked, r = submissions per booking (above 1 the extra "
        "prints are repeats: they add to ICE's counts, not to people; "
        "`scomm.bookings.submissions`)",
        requires="booked",
    ),
    Stage(
        "screen_287g",
        "Identified by 287(g) officers",
        screening.identification_probability,
        Stream.SCREEN_287G,
        (
            Param("program.agreements_287g", "agreement_287g"),
            Param("program.identification_287g", "p_identify", STATUSES),
        ),
        ("identified_287g",),
        "where the county's jail holds a 287(g) jail-enforcement agreement that month "
        "(`data/jail_287g_spells.csv`), deputized officers identify noncitizens among everyone "
        "booked, with a probability by status, whether or not the prints are checked; the "
        "identified person's status is drawn from the same uniform by Bayes' rule",
        requires="booked",
    ),
    Stage(
        "match",
        "IDENT match",
        match.match_probability,
        Stream.MATCH,
        (Param("match.ident_probability", "p_match", STATUSES),),
        ("matched", "status"),
        "probability by status: a person matches when DHS holds their biometrics; the matched "
        "person's status is drawn from the same uniform by Bayes' rule (in a 287(g) county, "
        "among the people its officers did not identify; for those they did, the screen's draw "
        "set the status)",
        requires="submitted",
        pretext_stream=Stream.PRETEXT_MATCH,
    ),
    Stage(
        "hispanic",
        "Hispanic ethnicity",
        person.hispanic,
        Stream.HISPANIC,
        (Param("population.hispanic_share_foreign_born", "composition"),),
        ("hispanic",),
        "P(Hispanic | status): the county's Hispanic share for the U.S.-born, a cited share "
        "of the foreign-born by status otherwise; pretextual arrests are of Hispanic residents",
    ),
    Stage(
        "sex",
        "Sex",
        person.male,
        Stream.SEX,
        (Param("population.male_share", "male"),),
        ("male",),
        "the male share of jail bookings",
    ),
    Stage(
        "level",
        "ICE offense level",
        level.offense_level,
        Stream.LEVEL,
        (
            Param(
                "population.criminal_history_lawful",
                "level_cdf",
                LEVELS,
                "cdf",
                when=("unauthorized", False),
            ),
            Param(
                "population.criminal_history_undocumented",
                "level_cdf",
                LEVELS,
                "cdf",
                when=("unauthorized", True),
            ),
        ),
        ("level",),
        "ICE Level 1/2/3/non-criminal (reference/scomm-facts.md §1.2), by status group "
        "(lawfully present or not)",
    ),
    Stage(
        "charge",
        "Arrest charge",
        level.arrest_charge,
        Stream.CHARGE,
        (Param("population.arrest_charge", "charge_cdf", CHARGES, "cdf"),),
        ("charge",),
        "felony / misdemeanor / minor-traffic charge; a pretextual arrest is for a "
        "misdemeanor or minor traffic offense",
        pretext_stream=Stream.PRETEXT,
    ),
    Stage(
        "serious_charge",
        "Serious or significant charge",
        record.serious_charge,
        Stream.SERIOUS_CHARGE,
        (Param("population.serious_charge_share", "serious_charge_share", CHARGES, by="charge"),),
        ("serious_charge",),
        "a share of felony charges are serious or violent, of misdemeanor charges significant "
        "(violence, DUI, weapons, drug sales: the December 2012 guidance's list); never traffic",
    ),
    Stage(
        "magistrate_pc",
        "Magistrate's probable-cause finding",
        record.magistrate_pc,
        Stream.MAGISTRATE_PC,
        (Param("population.magistrate_pc_share", "magistrate_pc"),),
        ("magistrate_pc",),
        "a share of felony charges held to answer on a probable-cause finding by release (the "
        "TRUST Act's route (5))",
    ),
    Stage(
        "serious_record",
        "Serious or violent conviction",
        record.serious_record,
        Stream.SERIOUS_RECORD,
        (Param("population.serious_record_share", "serious_record_share", LEVELS, by="level"),),
        ("serious_record",),
        "a share of each ICE level's convictions are serious or violent offenses or significant "
        "misdemeanors; none without a conviction",
    ),
    Stage(
        "aggravated_felony",
        "Aggravated felony",
        record.aggravated_felony,
        Stream.AGGRAVATED_FELONY,
        (Param("population.aggravated_felony_share", "aggravated_felony"),),
        ("aggravated_felony",),
        "a share of Level 1 convictions are aggravated felonies (INA §101(a)(43))",
    ),
    Stage(
        "prior_removal",
        "Prior removal or return",
        record.prior_removal,
        Stream.PRIOR_REMOVAL,
        (Param("population.prior_removal_share", "prior_removal"),),
        ("prior_removal",),
        "a share of unauthorized people with a prior DHS encounter were removed or returned "
        "before, or have an outstanding order",
    ),
    Stage(
        "entered_without_inspection",
        "Entered without inspection",
        record.entered_without_inspection,
        Stream.ENTRY_WITHOUT_INSPECTION,
        (Param("population.ewi_share_of_unauthorized", "ewi"),),
        ("entered_without_inspection",),
        "a share of unauthorized people are inadmissible under INA §212(a)(6)(A), (6)(C) or (7) "
        "rather than admitted overstays (Pew 2006)",
    ),
    Stage(
        "laken_riley_offense",
        "Laken Riley Act offense",
        record.laken_riley_offense,
        Stream.LAKEN_RILEY_OFFENSE,
        (Param("population.laken_riley_offense_share", "laken_riley_offense"),),
        ("laken_riley_offense",),
        "a share of misdemeanor and felony charges are for burglary, theft, larceny, "
        "shoplifting, assault of an officer or a crime causing death or serious bodily injury "
        "(FBI arrest table)",
    ),
    Stage(
        "status_determination",
        "ICE status determination",
        status.deemed_removable,
        Stream.STATUS_DETERMINATION,
        (
            Param(
                "status.deemed_removable",
                "p_removable",
                NOT_LPR,
                by="status_except_lpr",
                when=("lpr", False),
            ),
            Param("status.lpr_removable", "p_removable", LEVELS, by="level", when=("lpr", True)),
        ),
        ("removable",),
        "LESC deems the matched person removable, with errors for citizens; a lawful permanent "
        "resident by ICE level (a ground of deportability is a conviction)",
    ),
    Stage(
        "detainer",
        "ICE detainer",
        detainer.detainer_probability,
        Stream.DETAINER,
        (
            Param("detainer.probability", "p_detainer", LEVELS, by="level"),
            Param("detainer.priority_categories", "priority", PRIORITIES, "flag"),
            Param("detainer.outside_priorities_factor", "outside_factor"),
            Param("detainer.traffic_only_deferred", "traffic_deferred", transform="flag"),
            Param("detainer.laken_riley_mandate", "laken_riley_mandate", transform="flag"),
            Param("detainer.notification_share", "notification_share"),
            Param("detainer.area_intensity", "area_odds", AORS, by="aor"),
            Param("program.detainer_287g", "p_detainer_287g"),
        ),
        ("detainer", "notification_request"),
        "probability by level for people in the priority groups in force (the December 2012 "
        "guidance's and PEP's categories, the 2021 interim priorities), its odds scaled by the "
        "ICE area's intensity, a factor outside them; a person a 287(g) officer identified gets "
        "the officer's own rate (`program.detainer_287g`) instead of the level's and area's; "
        "the April 2012 traffic rule; the 2025 Laken Riley Act mandate; under PEP a share of "
        "requests ask only for notice of release (I-247N)",
        requires="removable",
    ),
    Stage(
        "compliance",
        "Jail honors the detainer",
        jail.honored,
        Stream.COMPLIANCE,
        (
            Param("jail.base_compliance", "base_compliance"),
            Param("jail.sentenced_release_share", "sentenced_share"),
            Param("jail.detainer_reimbursement_offered", "reimbursed", transform="flag"),
        ),
        ("honored", "notified"),
        "state and local laws in force (`jurisdictions/laws/*.yaml`): may the jail hold the "
        "person, may it tell ICE of the release (where a law allows reporting only at the end "
        "of a sentence, for that share of releases); and a base compliance rate",
        requires="detainer",
    ),
    Stage(
        "transfer",
        "Transfer to ICE custody",
        custody.booked_into_ice,
        Stream.TRANSFER,
        (
            Param("custody.transfer_probability", "p_transfer"),
            Param("custody.release_pickup_probability", "p_pickup"),
        ),
        ("book_in",),
        "ICE picks up within the 48-hour window of a hold, or arrests at release after a "
        "notification (less often)",
        requires="detainer",
    ),
    Stage(
        "removal",
        "Removal",
        removal.removed,
        Stream.REMOVAL,
        (Param("removal.probability", "p_removal", LEVELS, by="level"),),
        ("eventually_removed",),
        "removal probability by level",
        requires="book_in",
    ),
    Stage(
        "summary_removal",
        "Hearing before an immigration judge",
        removal.summary_removal,
        Stream.SUMMARY_REMOVAL,
        (
            Param("removal.reinstatement_share", "p_reinstate"),
            Param("removal.administrative_share", "p_administrative"),
            Param("removal.recent_entrant_share", "p_recent_entrant"),
            Param("removal.stipulated_share", "p_stipulated"),
            Param("removal.expedited_interior", "expedited_interior", transform="flag"),
        ),
        ("summary", "heard"),
        "a removal bypasses the judge by the routes the person's history opens: reinstatement "
        "after a prior removal, administrative removal of a non-LPR aggravated felon, expedited "
        "removal of a recent entrant where the 2019 designation reaches the interior, or a "
        "stipulated order",
        requires="eventually_removed",
    ),
    Stage(
        "detention",
        "Days in ICE detention",
        removal.detention_days,
        Stream.DETENTION_DAYS,
        (
            Param("removal.days_median", "days_median", ROUTES, by="route"),
            Param("removal.days_log_sd", "days_log_sd", ROUTES, by="route"),
        ),
        ("detention_days", "removed"),
        "lognormal days from book-in to removal or release, by how detention ends (summary "
        "removal, removal after a hearing, release); a removal counts when completed by the "
        "period's end",
        requires="book_in",
    ),
    Stage(
        "representation",
        "Counsel before the judge",
        removal.represented,
        Stream.REPRESENTATION,
        (Param("removal.represented_share", "p_counsel"),),
        ("represented",),
        "the detained representation rate, for people whose case went before a judge",
        requires="heard",
    ),
)


def stage(name: str) -> Stage:
    """The declared stage called ``name``."""
    for s in PIPELINE:
        if s.name == name:
            return s
    raise KeyError(f"no stage {name!r}; stages: {', '.join(s.name for s in PIPELINE)}")


def parameters(*names: str, drawn: bool = True) -> tuple[Param, ...]:
    """The parameters read by the named stages (every stage when none named), in order;
    ``drawn=False`` leaves out those read only by draws of a stage's uncertainty, so what is
    left is what a point run reads."""
    chosen = [stage(n) for n in names] if names else PIPELINE
    return tuple(p for s in chosen for p in s.parameters if drawn or not p.drawn)


def parameter_names(*names: str, drawn: bool = True) -> set[str]:
    """Names of the parameters read by the named stages (every stage when none named);
    ``drawn=False``: only those a point run reads."""
    return {p.name for p in parameters(*names, drawn=drawn)}
