"""Human labels, declared once: every name a brief, a dashboard page or a chart shows for a
stage, ICE level, metric, metric group, parameter or law, in the message catalog (English
here, other languages in src/scomm/locale). Machine names never reach a reader:
``tests/report/test_labels.py`` fails when a stage, metric, law or timeline parameter has no
label here."""

from __future__ import annotations

from scomm.i18n import N_

#: The funnel, in order: the summary's stage keys and what a reader calls them.
STAGES: dict[str, str] = {
    "bookings": N_("Jail bookings"),
    "submissions": N_("Fingerprints checked against DHS IDENT"),
    "ident_matches": N_("IDENT matches"),
    "detainers": N_("ICE detainers lodged"),
    "detainers_honored": N_("Detainers honored by the jail"),
    "ice_book_ins": N_("Booked into ICE custody"),
    "removals": N_("Removals completed in the period"),
}
#: Counts beside the funnel.
EXTRAS: dict[str, str] = {
    "removals_convicted": N_("Removals of people with a criminal conviction"),
    "us_citizens_detained": N_("U.S. citizens held on a detainer or in ICE custody"),
}
#: The flows table's counts by identification channel (the summary's ``by_channel``): the
#: 287(g) channel's funnel beside S-Comm's, and notified releases.
CHANNELS: dict[str, str] = {
    "release_notifications": N_("Jail releases notified to ICE (no hold)"),
    "identified_287g": N_("Identified by 287(g) jail officers"),
    "ident_matches_287g": N_("Of them, also matched in IDENT"),
    "detainers_287g": N_("ICE detainers lodged, 287(g) channel"),
    "detainers_honored_287g": N_("Detainers honored by the jail, 287(g) channel"),
    "release_notifications_287g": N_("Jail releases notified to ICE, 287(g) channel"),
    "ice_book_ins_287g": N_("Booked into ICE custody, 287(g) channel"),
    "removals_287g": N_("Removals completed in the period, 287(g) channel"),
    "removals_convicted_287g": N_("Removals of people with a conviction, 287(g) channel"),
    "us_citizens_detained_287g": N_("U.S. citizens held, 287(g) channel"),
}
#: The brief's table of the two channels: removals by the channel that identified the person.
BY_CHANNEL: dict[str, str] = {
    "removals": N_("Removals through S-Comm (an IDENT match no 287(g) officer made)"),
    "removals_287g": N_("Removals through 287(g) jail officers"),
    "removals_both": N_("All removals, both channels"),
}
#: ICE offense levels (summary ``removals_by_level`` keys).
LEVELS: dict[str, str] = {
    "level1": N_("Level 1"),
    "level2": N_("Level 2"),
    "level3": N_("Level 3"),
    "noncriminal": N_("No conviction"),
}
#: The metric groups: the four harms of the Serrano letter and ICE's own claim.
GROUPS: dict[str, str] = {
    "profiling": N_("Racial profiling"),
    "burden": N_("Burden on local police and jails"),
    "trust": N_("Community trust"),
    "due_process": N_("Due process"),
    "public_safety": N_('ICE\'s claim: "the worst of the worst"'),
}
#: What the letter said about each harm (the letter's own words, quoted).
LETTER: dict[str, str] = {
    "profiling": N_('"will likely lead to an increase in racial profiling"'),
    "burden": N_('"places a burden on our local police departments"'),
    "trust": N_('"undermines the community\'s trust in law enforcement"'),
    "due_process": N_('"a system that lacks basic due process rights"'),
}

#: Every metric: (label, plain definition).
METRICS: dict[str, tuple[str, str]] = {
    "hispanic_share_ice_book_ins": (
        N_("Hispanic share of ICE book-ins"),
        N_("Share Hispanic among people booked into ICE custody after an S-Comm match."),
    ),
    "hispanic_share_removable_population": (
        N_("Hispanic share of the removable population"),
        N_(
            "Share Hispanic among residents ICE could remove: unauthorized residents plus "
            "lawful residents at the rate ICE deems them removable."
        ),
    ),
    "hispanic_disparity_ratio": (
        N_("Hispanic disparity ratio"),
        N_(
            "Hispanic share of ICE book-ins divided by the Hispanic share of the removable "
            "population (1 means no disparity)."
        ),
    ),
    "low_level_share_matches": (
        N_("Matches after a low-level arrest"),
        N_(
            "Share of IDENT matches that followed an arrest for a misdemeanor or a traffic offense."
        ),
    ),
    "low_level_share_detainers": (
        N_("Detainers after a low-level arrest"),
        N_("Share of detainers lodged after an arrest for a misdemeanor or a traffic offense."),
    ),
    "low_level_counties_above_peers": (
        N_("Counties above comparable counties"),
        N_(
            "Counties whose share of low-level matches is above that of comparable counties "
            "(same state and size) at the one-sided 5 percent level."
        ),
    ),
    "detainer_bed_days": (
        N_("Extra jail bed-days"),
        N_("Extra county jail bed-days caused by honored S-Comm detainers."),
    ),
    "detainer_jail_cost_usd": (
        N_("Cost of the extra jail days"),
        N_("What those extra bed-days cost county jails, at each county's cost per day."),
    ),
    "scaap_reimbursement_usd": (
        N_("Federal SCAAP reimbursement"),
        N_("The part of that cost the federal SCAAP program paid back."),
    ),
    "detainer_net_cost_usd": (
        N_("Net cost to county jails"),
        N_("Cost of the extra jail days less the SCAAP reimbursement."),
    ),
    "unreported_violent_victimizations_per_year": (
        N_("Violent crimes not reported, per year"),
        N_(
            "Expected violent victimizations of Latino residents a year not reported to the "
            "police for fear of immigration enforcement."
        ),
    ),
    "unreported_property_victimizations_per_year": (
        N_("Property crimes not reported, per year"),
        N_(
            "Expected property victimizations of Latino households a year not reported to the "
            "police for fear of immigration enforcement."
        ),
    ),
    "latino_residents_under_scomm": (
        N_("Latino residents where S-Comm ran"),
        N_("Latino residents living where S-Comm ran, averaged over the period."),
    ),
    "latino_exposure_share": (
        N_("Share of Latino residents exposed"),
        N_("Share of Latino resident-months in the period lived where S-Comm ran."),
    ),
    "removals_without_hearing": (
        N_("Removals without a hearing"),
        N_(
            "Removals without a hearing before an immigration judge (expedited removal, "
            "reinstatement, stipulated or administrative removal)."
        ),
    ),
    "removals_without_hearing_share": (
        N_("Share removed without a hearing"),
        N_("Share of S-Comm removals without a hearing before an immigration judge."),
    ),
    "detained_share": (
        N_("Share detained by ICE"),
        N_("Share of matched people ICE deemed removable who were booked into ICE detention."),
    ),
    "represented_share": (
        N_("Share with a lawyer"),
        N_("Share of people before an immigration judge who had a lawyer."),
    ),
    "mean_detention_days": (
        N_("Days in ICE detention (mean)"),
        N_("Mean days in ICE detention of people booked in after an S-Comm match."),
    ),
    "us_citizens_detained": (
        N_("U.S. citizens held"),
        N_("U.S. citizens (born or naturalized) held on a detainer or booked into ICE custody."),
    ),
    "removed_parents_of_us_citizen_children": (
        N_("Removed parents of U.S.-citizen children"),
        N_("Removals of people who said they had at least one U.S.-citizen child."),
    ),
    "removals_level1_share": (
        N_("Level 1 share of removals"),
        N_("Share of removals of people with an aggravated felony or two serious convictions."),
    ),
    "removals_level2_share": (
        N_("Level 2 share of removals"),
        N_("Share of removals of people with one serious conviction or three lesser ones."),
    ),
    "removals_level3_share": (
        N_("Level 3 share of removals"),
        N_("Share of removals of people whose worst conviction was a misdemeanor."),
    ),
    "removals_noncriminal_share": (
        N_("Share removed with no conviction"),
        N_("Share of removals of people with no criminal conviction."),
    ),
    "top_priority_share": (
        N_("ICE's top priority (Level 1)"),
        N_("Share of removals meeting ICE's own top priority, a Level 1 conviction."),
    ),
}

#: Metrics whose value is close to an input by construction, and what to say next to them.
BY_CONSTRUCTION: dict[str, str] = {
    "hispanic_disparity_ratio": N_(
        "Near 1 by construction: in the model, detainers, jail compliance and ICE pickup do "
        "not depend on ethnicity. It moves only when a scenario adds pretextual arrests."
    ),
    "hispanic_share_removable_population": N_(
        "An input, not a finding: computed from census shares and cited status shares."
    ),
    "removals_without_hearing_share": N_(
        "Follows the DHS-wide share the model applies to every removal: not a finding about S-Comm."
    ),
    "represented_share": N_(
        "Follows the cited national share (14 percent of detained respondents): not a finding "
        "about this place."
    ),
    "mean_detention_days": N_(
        "Follows the cited national mean stay in ICE detention: not a finding about this place."
    ),
    "removed_parents_of_us_citizen_children": N_(
        "Follows ICE's share for all its removals (more than 22 percent), applied to each removal."
    ),
}

#: Timeline parameters: what each one is, for "what changed" (the value follows).
PARAMETERS: dict[str, str] = {
    "program.interoperability": N_("Fingerprint sharing with DHS"),
    "program.submissions_per_booking": N_("Fingerprint checks per jail booking"),
    "detainer.probability": N_("ICE's detainer rate"),
    "detainer.priority_categories": N_("Whom ICE's priorities name"),
    "detainer.outside_priorities_factor": N_(
        "Detainers for people outside the priorities (relative rate)"
    ),
    "detainer.notification_share": N_("Requests for notice of release instead of a hold (share)"),
    "detainer.area_intensity": N_("ICE's detainer intensity by field office (relative)"),
    "program.detainer_287g": N_("Detainers lodged by 287(g) officers"),
    "detainer.traffic_only_deferred": N_("No detainer after a traffic-only arrest"),
    "detainer.laken_riley_mandate": N_("Detainers the Laken Riley Act requires"),
    "jail.base_compliance": N_("Jails honoring ICE detainers"),
    "jail.detainer_reimbursement_offered": N_("Federal payment offered for detainer holds"),
    "jail.sentenced_release_share": N_("Releases at the end of a sentence (share)"),
    "custody.transfer_probability": N_("ICE picking up a held person"),
    "custody.release_pickup_probability": N_("ICE picking up a person at a notified release"),
}

#: A timeline flag's change as a sentence: (when it turns on, when it turns off). A flag of
#: the timeline never prints as "yes → no".
FLAGS: dict[str, tuple[str, str]] = {
    "program.interoperability": (
        N_("Jails' fingerprints are checked against DHS records (S-Comm's interoperability on)"),
        N_("Jails' fingerprints are no longer checked against DHS records"),
    ),
    "detainer.traffic_only_deferred": (
        N_("ICE defers detainers after an arrest for a traffic offense alone"),
        N_("ICE again lodges detainers after an arrest for a traffic offense alone"),
    ),
    "detainer.laken_riley_mandate": (
        N_("The Laken Riley Act requires a detainer for people charged with its offenses"),
        N_("The Laken Riley Act's detainer mandate no longer applies"),
    ),
    "jail.detainer_reimbursement_offered": (
        N_("The federal government offers to pay jails for detainer holds"),
        N_("The federal government no longer offers to pay jails for detainer holds"),
    ),
}
#: A timeline mapping of flags (groups switched on and off) as sentences: (groups added,
#: groups dropped), each with the groups' names as ``%(groups)s``.
FLAG_GROUPS: dict[str, tuple[str, str]] = {
    "detainer.priority_categories": (
        N_("ICE's priorities now include %(groups)s"),
        N_("ICE's priorities no longer include %(groups)s"),
    ),
}
#: The groups of ICE's detainer priorities (``rules.categories.Priority``), as the
#: priorities sentences name them.
PRIORITIES: dict[str, str] = {
    "removable": N_("everyone ICE deems removable"),
    "level1": N_("people with a Level 1 conviction"),
    "level1_aggravated": N_("people with an aggravated-felony conviction"),
    "level2": N_("people with a Level 2 conviction"),
    "level3_serious": N_("people with a significant-misdemeanor conviction"),
    "felony_charge": N_("people charged with a felony"),
    "serious_misdemeanor_charge": N_("people charged with a significant misdemeanor"),
    "prior_removal": N_("people removed or returned before, or with a removal order"),
}
#: ICE's areas of responsibility (``rules.categories.AOR_KEYS``) by the field office's city.
AREAS: dict[str, str] = {
    "ATL": N_("Atlanta"),
    "BAL": N_("Baltimore"),
    "BOS": N_("Boston"),
    "BUF": N_("Buffalo"),
    "CHI": N_("Chicago"),
    "DAL": N_("Dallas"),
    "DEN": N_("Denver"),
    "DET": N_("Detroit"),
    "ELP": N_("El Paso"),
    "HOU": N_("Houston"),
    "LOS": N_("Los Angeles"),
    "MIA": N_("Miami"),
    "NEW": N_("Newark"),
    "NOL": N_("New Orleans"),
    "NYC": N_("New York City"),
    "PHI": N_("Philadelphia"),
    "PHO": N_("Phoenix"),
    "SEA": N_("Seattle"),
    "SFR": N_("San Francisco"),
    "SLC": N_("Salt Lake City"),
    "SNA": N_("San Antonio"),
    "SND": N_("San Diego"),
    "SPM": N_("St. Paul"),
    "WAS": N_("Washington, DC"),
}
#: The names of a timeline mapping's keys, by the parameter's breakdown.
BREAKDOWNS: dict[str, dict[str, str]] = {"level": LEVELS, "priority": PRIORITIES, "aor": AREAS}

#: What a numbered source is (``params.KINDS``), as a brief's list of sources marks it.
KINDS: dict[str, str] = {
    "statute": N_("statute"),
    "court": N_("court"),
    "agency": N_("agency"),
    "report": N_("report"),
    "news": N_("news"),
    "advocacy": N_("advocacy"),
    "mirror": N_("mirror"),
    "assumption": N_("assumption"),
}

#: Each law, named by what it did.
LAWS: dict[str, str] = {
    "ca-sb54": N_("California Values Act (SB 54): no more holds for ICE"),
    "ca-trust-act": N_("California TRUST Act: detainers honored only for serious records"),
    "cook-county-ordinance-2011": N_("Cook County stops honoring ICE detainers"),
    "fed-crcl-monitoring-2011": N_("DHS promises statistical civil-rights monitoring"),
    "fed-eo13768-2017": N_("Executive Order 13768 restarts Secure Communities"),
    "fed-eo13993-2021": N_("Executive Order 13993 ends Secure Communities again"),
    "fed-eo14159-2025": N_(
        "Executive Order 14159 revokes the 2021 priorities and widens enforcement"
    ),
    "fed-hsac-task-force-2011": N_("DHS advisory task force reports on S-Comm"),
    "fed-i247-2012": N_("ICE limits detainers after minor arrests (new Form I-247)"),
    "fed-i247-interim-2010": N_("ICE revises the detainer form (interim policy)"),
    "fed-i247a-2017": N_("New detainer form I-247A"),
    "fed-june-2011-reforms": N_('ICE announces S-Comm "improvements"'),
    "fed-laken-riley-2025": N_("Laken Riley Act requires detainers for some charges"),
    "fed-mayorkas-2021": N_("Mayorkas guidelines narrow enforcement priorities"),
    "fed-moa-termination-2011": N_("ICE voids all state agreements: opt-outs no longer possible"),
    "fed-morton-priorities-2010": N_("Morton memo sets ICE's enforcement priorities"),
    "fed-morton-reissue-2011": N_("Morton priorities memo reissued"),
    "fed-pep-2014": N_("Secure Communities ends; PEP replaces it"),
    "fed-pep-rollout-2015": N_("PEP rolled out with new detainer forms"),
    "il-moa-termination-2011": N_("Illinois ends its S-Comm agreement"),
    "il-suspension-2010": N_("Illinois suspends participation in S-Comm"),
    "ma-optout-2011": N_("Massachusetts declines to join S-Comm"),
    "miami-dade-2013": N_(
        "Miami-Dade honors detainers only for forcible felonies, and only if the federal "
        "government pays"
    ),
    "ny-protect-our-courts-2020": N_("New York bars civil arrests at courthouses"),
    "ny-suspension-2011": N_("New York suspends participation in S-Comm"),
    "nyc-ll21-22-2013": N_("New York City limits detainers further (Local Laws 21 and 22)"),
    "nyc-ll58-59-2014": N_("New York City honors detainers only with a judge's warrant"),
    "nyc-ll62-2011": N_("New York City stops honoring detainers for people with no conviction"),
    "santa-clara-policy-2011": N_("Santa Clara County stops honoring ICE detainers"),
    "travis-county-2017": N_("Travis County honors detainers only for the gravest charges"),
    "tx-sb4-2017": N_("Texas SB 4 requires jails to honor detainers"),
    "fed-i247-2011": N_("ICE revises the detainer form, with a notice to the person held"),
    "fed-ice-response-2012": N_(
        "ICE answers its task force and defers detainers after traffic arrests"
    ),
    "dc-detainer-2012": N_(
        "District of Columbia honors detainers only for serious convictions, if paid"
    ),
    "la-sheriff-2012": N_("Los Angeles Sheriff stops honoring detainers after minor arrests"),
    "sf-due-process-2013": N_(
        "San Francisco honors detainers only for violent or serious felonies"
    ),
    "king-county-2013": N_("King County honors detainers only for serious records"),
    "ct-trust-2014": N_("Connecticut TRUST Act limits detainers to serious records"),
    "philadelphia-eo-1-14": N_(
        "Philadelphia honors detainers only with a judicial warrant and a felony"
    ),
    "or-counties-2014": N_("Oregon sheriffs stop holding people on ICE detainers"),
    "wa-counties-2014": N_("Washington counties stop holding people on ICE detainers"),
    "sf-sheriff-2014": N_("San Francisco Sheriff: no hold without a judge's finding"),
    "ca-sheriffs-no-holds-2014": N_("California sheriffs stop holding people on ICE detainers"),
    "co-counties-2014": N_("Colorado counties stop holding people on ICE detainers"),
    "ri-doc-2014": N_("Rhode Island prisons stop honoring detainers without a warrant"),
    "ri-policy-2014": N_("Rhode Island agencies honor detainers only with a warrant"),
    "king-county-2014": N_("King County stops honoring ICE holds without a warrant"),
    "multnomah-2017": N_("Multnomah County gives ICE only what the public gets"),
    "norcor-2018": N_("NORCOR regional jail stops holding people on ICE detainers"),
    "king-county-2018": N_("King County tells ICE of sentenced people only"),
    "yakima-settlement-2019": N_("Yakima County stops holding people on ICE warrants"),
    "norcor-stovall-2019": N_("Oregon court: NORCOR may not tell ICE of releases"),
    "wa-rcw-10-70-140": N_("Washington jails report foreign nationals to ICE (until 2019)"),
    "co-sheriffs-2014": N_("All Colorado sheriffs stop holding people on ICE detainers"),
    "fed-priorities-2014": N_(
        "Johnson memo: new priorities and requests for notice instead of holds"
    ),
    "philadelphia-eo-5-16": N_(
        "Philadelphia again requires a judicial warrant and a serious felony"
    ),
    "fed-kelly-2017": N_("Kelly memo ends the 2014 priorities"),
    "ma-lunn-2017": N_("Massachusetts high court: no arrest on a detainer alone (Lunn)"),
    "il-trust-2017": N_("Illinois TRUST Act: no hold on a detainer alone"),
    "shelby-county-2018": N_("Shelby County stops holding people on ICE detainers"),
    "tn-hb2315-2019": N_("Tennessee requires jails to honor detainers"),
    "nj-itd-2019": N_("New Jersey's Immigrant Trust Directive limits holds and notices"),
    "wa-kww-2019": N_("Keep Washington Working Act: no holds on a detainer alone"),
    "fed-expedited-removal-2019": N_("Expedited removal extended to the interior"),
    "co-hb19-1124": N_("Colorado bars holds on a detainer alone"),
    "ct-trust-2019": N_("Connecticut widens its TRUST Act"),
    "fl-sb168-2019": N_("Florida SB 168 requires jails to honor detainers"),
    "dc-sanctuary-2019": N_("District of Columbia ends detainer holds and release notices"),
    "fed-interim-priorities-2021": N_("Interim priorities narrow whom ICE seeks"),
    "or-hb3265-2021": N_("Oregon Sanctuary Promise Act: no holds and no notices"),
    "fed-texas-injunction-2021": N_("A Texas court halts the interim priorities"),
    "fed-mayorkas-vacatur-2022": N_("A Texas court vacates the Mayorkas guidelines"),
    "fed-mayorkas-2023": N_("The Supreme Court's ruling lets the Mayorkas guidelines apply again"),
}

#: The packaged scenarios, as a reader calls them ...
SCENARIOS: dict[str, str] = {
    "baseline": N_("history as it happened"),
    "no-scomm": N_("no S-Comm at all"),
    "ny-optout-honored": N_("New York's June 2011 opt-out honored"),
    "reforms-2011-full": N_("the 2011 reforms applied in full"),
    "state-optouts-honored": N_("the state opt-outs of 2010-2011 honored"),
    "terminate-2011-08": N_("ending S-Comm in August 2011"),
    "trust-act-nationwide": N_("the TRUST Act nationwide from 2014"),
}
#: ... and their descriptions (as in src/scomm/scenarios/*.yaml).
SCENARIO_DESCRIPTIONS: dict[str, str] = {
    "baseline": N_(
        "History as it happened, with every federal rule, state law and local policy on its "
        "real date (state opt-outs did not take effect, since ICE terminated all MOAs on 5 Aug "
        "2011)."
    ),
    "no-scomm": N_(
        "No IDENT/IAFIS interoperability ever, so no booking is checked against DHS records "
        "through S-Comm or its successors."
    ),
    "ny-optout-honored": N_(
        "New York's 1 Jun 2011 suspension takes effect, so no New York jail's fingerprints are "
        "checked against IDENT from June 2011 on."
    ),
    "reforms-2011-full": N_(
        "The June 2011 reforms and the HSAC task force's recommendations applied in full from "
        "September 2011 until S-Comm ended in November 2014."
    ),
    "state-optouts-honored": N_(
        "The Illinois (9 Nov 2010), New York (1 Jun 2011) and Massachusetts (3 Jun 2011) "
        "opt-outs take effect, ending interoperability in those states from then on."
    ),
    "terminate-2011-08": N_(
        "The letter's ask, S-Comm ended nationally from August 2011, so no jail's fingerprints "
        "are checked against IDENT from then on."
    ),
    "trust-act-nationwide": N_(
        "California's TRUST Act conditions bind every jail in every state from 1 Jan 2014."
    ),
}

#: State names that another language writes differently (the others are the same words).
STATE_NAMES: dict[str, str] = {
    "DC": N_("District of Columbia"),
    "HI": N_("Hawaii"),
    "LA": N_("Louisiana"),
    "MO": N_("Missouri"),
    "NC": N_("North Carolina"),
    "ND": N_("North Dakota"),
    "NJ": N_("New Jersey"),
    "NM": N_("New Mexico"),
    "NY": N_("New York"),
    "PA": N_("Pennsylvania"),
    "SC": N_("South Carolina"),
    "SD": N_("South Dakota"),
    "WV": N_("West Virginia"),
}

#: The pipeline's stages (rules/pipeline.py), as the follow-one-booking page titles them.
PIPELINE_STAGES: dict[str, str] = {
    "booking": N_("Jail booking"),
    "composition": N_("Who is booked here"),
    "submission": N_("Fingerprints sent to DHS"),
    "screen_287g": N_("Identified by 287(g) officers"),
    "match": N_("IDENT match"),
    "hispanic": N_("Hispanic ethnicity"),
    "sex": N_("Sex"),
    "level": N_("ICE offense level"),
    "charge": N_("Arrest charge"),
    "serious_charge": N_("Serious or significant charge"),
    "magistrate_pc": N_("Magistrate's probable-cause finding"),
    "serious_record": N_("Serious or violent conviction"),
    "aggravated_felony": N_("Aggravated felony"),
    "prior_removal": N_("Prior removal or return"),
    "entered_without_inspection": N_("Entered without inspection"),
    "laken_riley_offense": N_("Laken Riley Act offense"),
    "status_determination": N_("ICE status determination"),
    "detainer": N_("ICE detainer"),
    "compliance": N_("Jail honors the detainer"),
    "transfer": N_("Transfer to ICE custody"),
    "removal": N_("Removal"),
    "detention": N_("Days in ICE detention"),
    "summary_removal": N_("Hearing before an immigration judge"),
    "representation": N_("Counsel before the judge"),
}
