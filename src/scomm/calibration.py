"""Calibration to the program totals in reference/scomm-facts.md §2, and only those.

Each target says what it measures, the published figure, its source and the tolerance
the test-suite holds the model to (the sources round, so each target is a range).
``fit`` adjusts the free parameters (those whose values carry ``calibrated:``) by
fixed-point iteration; ``python -m scomm.calibration --write`` stores the fitted values
in the parameter files and regenerates docs/calibration.md.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import yaml

from scomm import periods
from scomm.compile import compile_inputs
from scomm.engine import Simulation, simulate
from scomm.jurisdictions.counties import counties
from scomm.params import ParameterSet, default_parameters
from scomm.rules.categories import Level, Status
from scomm.scenario import Scenario, packaged

GAO = "GAO-12-708 (July 2012), https://www.gao.gov/assets/600/593258.txt"
HOUSTON = "Houston Chronicle, 13 Jul 2009 (via scomm-facts §2)"
ORANGE = "Orange County NC report citing ICE, as of 31 Aug 2009 (scomm-facts §2)"
DHS09 = "DHS press release, 12 Nov 2009 (scomm-facts §2)"
TRAC325 = "TRAC report 325 (July 2013): all-program detainers FY2012"
TRAC413 = "TRAC report 413 (Jan 2016): all-program detainers Oct 2015"


@dataclass(frozen=True)
class Target:
    """A published figure the model must reproduce within ``low``..``high``."""

    name: str
    description: str
    published: float
    low: float
    high: float
    source: str
    fitted: bool
    measure: Callable[[dict[str, Simulation]], float]


def _window(sim: Simulation, start: str, end: str) -> np.ndarray:
    """Cohort rows booked in [start, end] whose prints matched IDENT (ICE counted matches
    whoever else identified the person)."""
    m = sim.inputs.months[sim.cohort.month]
    return (m >= periods.parse_month(start)) & (m <= periods.parse_month(end)) & sim.cohort.matched


def _matched(sim: Simulation) -> Simulation:
    """The run's people whose prints matched IDENT, in either channel: ICE's S-Comm
    statistics (IDENT/IAFIS interoperability) counted a match, and the detainers and removals
    that followed it, also where a 287(g) officer had identified the person too. The
    contract's ``removals`` (the S-Comm channel) leave those people to 287(g)
    (docs/cli.md); the targets are compared the way ICE counted."""
    return Simulation(sim.inputs, sim.submissions, sim.cohort.take(sim.cohort.matched), sim.seed)


def _subs(sim: Simulation, start: str, end: str) -> float:
    cols = (sim.inputs.months >= periods.parse_month(start)) & (
        sim.inputs.months <= periods.parse_month(end)
    )
    return float(sim.submissions[:, cols].sum())


def _removed_convicted_share(sim: Simulation) -> float:
    c = _matched(sim).cohort
    return float((c.removed & (c.level != Level.NONCRIMINAL)).sum() / max(c.removed.sum(), 1))


def _level1_share(sim: Simulation) -> float:
    c = sim.cohort
    crim = _window(sim, "2008-10", "2009-10") & (c.level != Level.NONCRIMINAL)
    return float((crim & (c.level == Level.LEVEL1)).sum() / max(crim.sum(), 1))


HARRIS = "48201"

TARGETS: tuple[Target, ...] = (
    Target(
        "submissions_first_six_months",
        "fingerprint submissions, Oct 2008 - Apr 2009 ('more than 266,000')",
        266_000,
        266_000,
        400_000,
        HOUSTON,
        False,
        lambda s: _subs(s["early"], "2008-10", "2009-04"),
    ),
    Target(
        "matches_first_six_months",
        "IDENT matches, Oct 2008 - Apr 2009 ('more than 32,000')",
        32_000,
        32_000,
        60_000,
        HOUSTON,
        False,
        lambda s: float(_window(s["early"], "2008-10", "2009-04").sum()),
    ),
    Target(
        "matches_to_2009_08",
        "IDENT matches from the start to 31 Aug 2009",
        82_890,
        82_890 * 0.9,
        82_890 * 1.1,
        ORANGE,
        True,
        lambda s: float(_window(s["early"], "2008-10", "2009-08").sum()),
    ),
    Target(
        "detainers_to_2009_08",
        "detainers issued after S-Comm matches to 31 Aug 2009",
        16_631,
        16_631 * 0.9,
        16_631 * 1.1,
        ORANGE,
        True,
        lambda s: float(
            (s["early"].cohort.detainer & _window(s["early"], "2008-10", "2009-08")).sum()
        ),
    ),
    Target(
        "criminal_aliens_identified_first_year",
        "IDENT matches of people booked on criminal charges, Oct 2008 - Oct 2009: ICE's "
        "'criminal aliens identified' ('more than 111,000'; ICE's count precedes its status "
        "determination, so the model counts every match)",
        111_000,
        111_000 * 0.9,
        111_000 * 1.3,
        DHS09,
        False,
        lambda s: float(_window(s["early"], "2008-10", "2009-10").sum()),
    ),
    Target(
        "level1_share_first_year",
        "Level 1 share of criminal aliens identified in the first year (11,000 of 111,000)",
        11_000 / 111_000,
        0.08,
        0.12,
        DHS09,
        True,
        lambda s: _level1_share(s["early"]),
    ),
    Target(
        "removals_to_2012_03",
        "S-Comm removals, Oct 2008 - Mar 2012 ('about 183,000')",
        183_000,
        183_000 * 0.9,
        183_000 * 1.1,
        GAO,
        True,
        lambda s: float(_matched(s["gao"]).cohort.removed.sum()),
    ),
    Target(
        "removals_convicted_share_to_2012_03",
        "share of those removals with a criminal conviction ('about 74%')",
        0.74,
        0.71,
        0.77,
        GAO,
        True,
        lambda s: _removed_convicted_share(s["gao"]),
    ),
    Target(
        "detainers_fy2012_upper_bound",
        "S-Comm detainers in FY2012 stay below ICE's all-program total of 273,982",
        273_982,
        0,
        273_982,
        TRAC325,
        False,
        lambda s: float(_matched(s["fy2012"]).cohort.detainer.sum()),
    ),
    Target(
        "pep_detainers_oct_2015_upper_bound",
        "S-Comm detainers in Oct 2015, under PEP, stay below ICE's all-program 7,117",
        7_117,
        0,
        7_117,
        TRAC413,
        False,
        lambda s: float(_matched(s["pep"]).cohort.detainer.sum()),
    ),
)

RUNS = {
    "gao": ("2008-10", "2012-03"),
    "fy2012": ("2011-10", "2012-09"),
    "pep": ("2015-10", "2015-10"),
}


def simulate_runs(scn: Scenario, seed: int = 0) -> dict[str, Simulation]:
    """The national runs the targets are measured on."""
    states = counties().states()
    out = {}
    for key, (a, b) in RUNS.items():
        inputs = compile_inputs(scn, periods.parse_month(a), periods.parse_month(b), states)
        out[key] = simulate(inputs, seed)
    out["early"] = out["gao"]  # matches and detainers count by booking month
    return out


def evaluate(scn: Scenario, seed: int = 0) -> list[tuple[Target, float]]:
    """Each target with the model's value."""
    sims = simulate_runs(scn, seed)
    return [(t, t.measure(sims)) for t in TARGETS]


# ---------------------------------------------------------------- fitting

FREE = {
    "prior": "population.undocumented_prior_encounter_share",
    "detainer": "detainer.probability",
    "removal": "removal.probability",
    "lawful": "population.criminal_history_lawful",
    "undocumented": "population.criminal_history_undocumented",
}
CAP = 0.98


def _first_entry(params: ParameterSet, name: str):
    p = params[name]
    first = min(p.values)
    return p, first, p.values[first]


def _replace(params: ParameterSet, name: str, value) -> ParameterSet:
    p, first, entry = _first_entry(params, name)
    values = dict(p.values)
    values[first] = entry.model_copy(update={"value": value})
    return params.with_overrides({name: p.model_copy(update={"values": values})})


def _scale(mapping: dict, factor: float) -> dict:
    return {k: min(CAP, round(v * factor, 6)) for k, v in mapping.items()}


def _levels(shares: dict, f1: float, f0: float) -> dict:
    """Scale Level 1 and non-criminal shares; Levels 2 and 3 share the rest pro rata."""
    l1, nc = shares["level1"] * f1, shares["noncriminal"] * f0
    rest = shares["level2"] + shares["level3"]
    k = (1 - l1 - nc) / rest
    return {
        "level1": round(l1, 6),
        "level2": round(shares["level2"] * k, 6),
        "level3": round(shares["level3"] * k, 6),
        "noncriminal": round(nc, 6),
    }


def fit(iterations: int = 8, seed: int = 0) -> ParameterSet:
    """Fixed-point fit of the free parameters to the fitted targets."""
    base = packaged("baseline")
    params = default_parameters()
    by_name = {t.name: t for t in TARGETS}
    for _ in range(iterations):
        scn = Scenario(
            name="calibration",
            description="calibration run",
            params=params,
            place_overrides=base.place_overrides,
            laws=base.laws,
        )
        states = counties().states()
        a, b = RUNS["gao"]
        sim = simulate(
            compile_inputs(scn, periods.parse_month(a), periods.parse_month(b), states), seed
        )
        sims = {"gao": sim, "early": sim}
        got = {t.name: t.measure(sims) for t in TARGETS if t.name in _FIT_TARGETS}
        # matches: lawful and citizen matches are fixed; the prior-encounter part is linear
        win = _window(sim, "2008-10", "2009-08")
        prior_part = float((win & (sim.cohort.status == Status.UNDOCUMENTED_PRIOR)).sum())
        other = got["matches_to_2009_08"] - prior_part
        _, _, e = _first_entry(params, FREE["prior"])
        theta = e.value * (by_name["matches_to_2009_08"].published - other) / max(prior_part, 1)
        params = _replace(params, FREE["prior"], round(min(max(theta, 0.01), 0.99), 6))
        r = by_name["detainers_to_2009_08"].published / got["detainers_to_2009_08"]
        _, _, e = _first_entry(params, FREE["detainer"])
        params = _replace(params, FREE["detainer"], _scale(e.value, r))
        r = by_name["removals_to_2012_03"].published / got["removals_to_2012_03"]
        _, _, e = _first_entry(params, FREE["removal"])
        params = _replace(params, FREE["removal"], _scale(e.value, r))
        f1 = by_name["level1_share_first_year"].published / got["level1_share_first_year"]
        conv = by_name["removals_convicted_share_to_2012_03"].published
        f0 = (1 - conv) / (1 - got["removals_convicted_share_to_2012_03"])
        for key in ("lawful", "undocumented"):
            _, _, e = _first_entry(params, FREE[key])
            params = _replace(params, FREE[key], _levels(e.value, f1, f0))
    return params


_FIT_TARGETS = {t.name for t in TARGETS if t.fitted}


def write_parameters(params: ParameterSet) -> list[Path]:
    """Store the fitted first entries of the free parameters in their YAML files."""
    root = Path(str(resources.files("scomm") / "parameters"))
    written = []
    for name in FREE.values():
        path = root / (name.replace(".", "/") + ".yaml")
        doc = yaml.safe_load(path.read_text("utf-8"))
        first = min(doc["values"])
        doc["values"][first]["value"] = params[name].values[min(params[name].values)].value
        path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100))
        written.append(path)
    return written


def report_markdown(results: list[tuple[Target, float]]) -> str:
    """The calibration table for docs/calibration.md."""
    lines = [
        "| target | published | model | tolerance | fitted? | within? | source |",
        "|---|---|---|---|---|---|---|",
    ]
    for t, v in results:
        fmt = (lambda x: f"{x:.3f}") if t.published < 1 else (lambda x: f"{x:,.0f}")
        ok = "yes" if t.low <= v <= t.high else "**no**"
        lines.append(
            f"| {t.description} | {fmt(t.published)} | {fmt(v)} | {fmt(t.low)}..{fmt(t.high)} "
            f"| {'fitted' if t.fitted else 'check'} | {ok} | {t.source} |"
        )
    return "\n".join(lines)


def main() -> None:
    """`python -m scomm.calibration [--write]`: fit, report, optionally store."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="store fitted values in YAML")
    parser.add_argument("--doc", type=Path, help="also write this markdown table file")
    args = parser.parse_args()
    params = fit()
    if args.write:
        for path in write_parameters(params):
            print(f"wrote {path}")
        default_parameters.cache_clear()
        packaged.cache_clear()
    results = evaluate(packaged("baseline"))
    table = report_markdown(results)
    print(table)
    if args.doc:
        args.doc.write_text(f"<!-- generated by python -m scomm.calibration -->\n{table}\n")


if __name__ == "__main__":
    main()
