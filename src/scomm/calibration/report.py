"""docs/calibration.md and docs/validation.md, generated from the packaged posterior, its
sensitivity analysis and its validation results (``python -m scomm.calibration.report DOCS``;
tests/test_docs_calibration.py keeps both current)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polars as pl

from scomm.calibration import identify, infer
from scomm.calibration import observations as obs
from scomm.calibration import posterior as post
from scomm.records.suppress import DEFAULT_MIN_CELL

PINNED, WIDE = 0.5, 0.2  # contraction thresholds for "pinned" and "wide"


def _fmt(v: float) -> str:
    if v is None:
        return ""
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 10:
        return f"{v:.1f}"
    return f"{v:.3g}"


def _observed(v: float | None) -> str:
    """An observed count as shown: None is a record count below the minimum cell size
    (validate.protected)."""
    return f"<{DEFAULT_MIN_CELL}" if v is None else _fmt(v)


def _verdict(c: float) -> str:
    return "pinned" if c >= PINNED else ("wide" if c < WIDE else "narrowed")


def _space(p: post.Posterior):
    from scomm.calibration.draws import _space_of

    return _space_of(p)


def _held_note(label: str, informed: bool, held: set[str], drawn: set[str]) -> str:
    """How a coordinate the inference did not run over entered the posterior table."""
    if not informed:
        return " (silent: no observation sees it)"
    if label in drawn:
        return " (held assumption: drawn around its value, weighted by the likelihood)"
    return " (held at the baseline's value)" if label in held else ""


def _screened_text(held: int, drawn: int) -> str:
    """What the posterior says of the coordinates screened out of the inference."""
    if not held:
        return ""
    text = (f" {held} more the data see too weakly at the baseline's values were screened out "
            "(identify.screen) and held at those values in the inference.")  # fmt: skip
    if drawn:
        text += (f" Of them, {drawn} assumptions (no source gives the number) the likelihood "
                 "barely sees were then drawn around their values and weighted by the "
                 "likelihood (calibration.held): their uncertainty is in the intervals.")  # fmt: skip
    rest = held - drawn
    return text + (f" The other {rest} stay at their values: the posterior is conditional on "
                   "them, and their uncertainty is not in the intervals (not that the data "
                   "were shown to pin them).")  # fmt: skip


def _contraction_table(p: post.Posterior) -> list[str]:
    t = identify.contraction(p, _space(p))
    out = ["| coordinate | prior 5–95% | posterior median | posterior 5–95% | contraction | |",
           "|---|---|---|---|---|---|"]  # fmt: skip
    held, drawn = set(post.screened_out(p)), set(post.drawn(p))

    def verdict(label: str, contraction: float) -> str:  # a held value is not pinned by data
        return "not inferred" if label in held - drawn else _verdict(contraction)

    for r in t.sort("contraction", descending=True).iter_rows(named=True):
        silent = _held_note(r["coordinate"], r["informed"], held, drawn)
        out.append(
            f"| `{r['coordinate']}` | {_fmt(r['prior_05'])} .. {_fmt(r['prior_95'])} | "
            f"{_fmt(r['post_median'])} | {_fmt(r['post_05'])} .. {_fmt(r['post_95'])} | "
            f"{r['contraction']:.2f} | {verdict(r['coordinate'], r['contraction'])}{silent} |"
        )
    ran = (p.provenance.get("screening") or {}).get("inferred")
    inferred = (
        t.filter(pl.col("coordinate").is_in(ran))
        if ran
        else t.filter(pl.col("informed") & ~pl.col("coordinate").is_in(list(held)))
    )
    counts = inferred["contraction"].to_list()
    pinned = sum(c >= PINNED for c in counts)
    wide = sum(c < WIDE for c in counts)
    screened = _screened_text(len(held), len(drawn))
    head = [
        f"Of {len(counts)} coordinates the inference ran over, {pinned} are pinned (contraction ≥ "
        f"{PINNED}), {wide} stay wide (< {WIDE}) and {len(counts) - pinned - wide} are narrowed."
        f"{screened} "
        f"The posterior is {p.table.height} weighted particles (effective sample size "
        f"{p.ess():.0f}). Free parameters outnumber what the data pin down: where a posterior "
        "stays wide, the data are silent and every interval a user sees carries that width.",
        "",
    ]
    if post.caveat(p):
        head[-1:] = ["", "The posterior is not the fit (see above): these contractions are "
                     f"those of {p.table.height} draws whose weights fail their diagnostic or "
                     "come from a quick run, and no verdict below is evidence that the data "
                     "pin a parameter.", ""]  # fmt: skip
    return head + out


def _correlation_table(p: post.Posterior) -> list[str]:
    t = identify.correlations(p, _space(p), threshold=0.5)
    if t.height == 0:
        return ["No pair of coordinates has a posterior |correlation| of 0.5 or more."]
    out = ["| a | b | correlation |", "|---|---|---|"]
    for r in t.head(25).iter_rows(named=True):
        out.append(f"| `{r['a']}` | `{r['b']}` | {r['correlation']:+.2f} |")
    return out


def _morris_table(m: pl.DataFrame | None) -> list[str]:
    if m is None:
        return ["(no sensitivity analysis stored with this posterior)"]
    top = (
        m.sort("relative", descending=True)
        .group_by("summary", maintain_order=True)
        .head(3)
        .group_by("summary", maintain_order=True)
        .agg(pl.col("coordinate"), pl.col("relative"))
        .sort("summary")
    )
    out = ["| summary | the three coordinates that move it most (μ* relative to the largest) |",
           "|---|---|"]  # fmt: skip
    for r in top.iter_rows(named=True):
        cells = ", ".join(f"`{c}` {v:.2f}" for c, v in zip(r["coordinate"], r["relative"],
                                                          strict=True))  # fmt: skip
        out.append(f"| `{r['summary']}` | {cells} |")
    never = m.group_by("coordinate").agg(pl.col("relative").max()).filter(pl.col("relative") < 0.05)
    out += ["", f"{never.height} coordinates move no summary by more than 5% of its largest "
            "effect: " + ", ".join(f"`{c}`" for c in sorted(never["coordinate"].to_list()))]  # fmt: skip
    return out


def _morris(version: str) -> pl.DataFrame | None:
    path = post.folder() / f"{version}.morris.parquet"
    return pl.read_parquet(path) if path.exists() else None


INTRO = """# Calibration

<!-- generated by `python -m scomm.calibration.report docs`; do not edit by hand, except the
status section between its markers, which the generator keeps -->

{status}scomm is calibrated by Bayesian inference on Dask (the mode of the posterior, a Laplace
approximation at it, and Pareto-smoothed importance sampling from it) against the
targets of reference/scomm-facts.md §2 and the real records the project ships, and only
those: other published program totals are held out to validate the model and were not looked
up. `scomm calibrate` re-creates the posterior on a LocalCluster (`--workers N`) or any Dask
scheduler (`--scheduler tcp://...`); `--quick` runs a small budget.

## How it works

- **Parameters**: every dated value with a `prior:` in `src/scomm/parameters/` is a coordinate
  (a mapping takes one prior per key; `prior_scale` makes its keys exchangeable: ICE's 24 areas
  share a scale τ, their log-intensities τ·z), and the bookings model's draw adds one normal per
  coefficient (docs/bookings.md). Values whose stage the observations cannot see, or that take
  effect after the last observed day, are drawn after the inference from their prior's
  spread around the baseline's values.
- **Simulator**: the aggregate mode (`scomm.aggregate`), the engine's exact expectation, over
  2008-10 to the last observed month, nationally; counties grouped into the cells the
  observations need; the bookings model's county and state effects at their mean (1).
  Deterministic: the same coordinates give the same log-likelihood, to the last bit.
- **Error models** (`scomm.calibration.observations`): a count is negative binomial around the
  model's expectation, its extra relative spread the stated model discrepancy (below); a
  published figure is the probability of its rounding range; a definition wider than the
  model's (ICE's 2009 "charged or convicted") averages over the bracket it allows; all-program
  totals are one-sided bounds; shares are logit-normal; the ICE areas' shares of jail arrests
  are log-normal around the records' shares, widened by each area's classification range; the
  Seattle conviction labels bound the model's level shares; ICE's 287(g) identified and
  removed counts by agency and fiscal year (FY2009-2013) measure the model's 287(g) channel
  in the agency's counties, where the model has a jail agreement in force that year (task-force
  and statewide agencies are not the model's channel and are left out), "identified" being the
  channel's people ICE deems removable.
- **Shared factors**: counts of one place share a factor exp(σz) on their expectations, z
  integrated out (Gauss–Hermite): a Seattle state's arrests in every year share the state's
  booking effect (σ = `population.bookings_state_sd`), Pierce's and Harris's counts the
  county's (σ = √α of the bookings model), and a 287(g) agency's identified and removed
  counts in every year the agency's own throughput (σ = 1, an assumption): so the level of
  one place's counts is the place's own, and what they inform is the ratios and trends
  between them.
- **Screening** (`identify.screen`): each informed coordinate moved ±0.5 on its sampling
  scale from the baseline's value (`Simulator.anchor`: the parameter tree as it stands, where
  the likelihood is the baseline's own); the two changes give a slope g and a curvature h, and
  the *spread* g²V + h²V²/2 (V the prior's variance) predicts the variance of the
  log-likelihood ratio when the coordinate alone is drawn from its prior's spread there: how
  much the data see it, whether or not the baseline sits at a mode (a one-sided change, used
  until 3 Dec 2026, vanishes at a mode: once the medians were written back it kept 3
  coordinates). The inference runs over the 12 of largest spread (`SCREEN_MAX`, each of spread
  1 or more); the others are held at the baseline's values during the inference (so the fit
  is the baseline's model with the inferred values changed, and the medians written back meet
  the values the likelihood saw). Prior draws of them, centered on their priors' midpoints
  rather than on those values, moved the predictive medians off the targets by up to 2.8x;
  centered on those values, all of them together fitted a median 105 log-likelihood units
  worse (Pareto k̂ 4.9, 2 Dec 2026): the data see them jointly.
- **Held assumptions** (`calibration.held`): the screened-out coordinates no source gives a
  number for (citation kind `assumption`, and the bookings model's coefficients) of spread at
  most 1 are then drawn: the inference's particles resampled by weight, each with a draw of
  those coordinates from a t (5 df, 1.5 × the variance) at each one's conditional Laplace
  approximation from the screening's slope and curvature, its prior being its prior's spread
  shifted to the baseline's value, weighted by likelihood ratio × prior / proposal (PSIS), in
  rounds until the weights pass with the same effective sample size. So the intervals carry
  the uncertainty of the assumptions the data barely see (the issue's example: the share of
  U.S.-born people ICE deems removable on a match). The other screened-out coordinates stay
  at the baseline's values in the posterior table: the posterior is conditional on them, and
  their uncertainty is not in the intervals. The identifiability table marks both.
- **Inference** (`scomm.calibration.infer`): the log posterior (that likelihood plus the
  coordinates' log prior on the sampling scale) maximized by scipy's L-BFGS-B from the
  baseline's values, each gradient's d + 1 evaluations mapped over the workers; the Hessian there by
  central differences (its eigenvalues floored at 0.01), whose inverse is the Laplace
  covariance; then draws from a multivariate t (5 degrees of freedom, 1.5 × that covariance),
  and round by round (adaptive importance sampling) as many from a t with the weighted mean of
  every draw so far and their weighted covariance shrunk towards the Laplace one by
  d / (ESS + d); every draw weighted by posterior over the mixture of the rounds' proposals,
  the weights Pareto-smoothed (PSIS, arviz-stats). The rounds ({round_draws} draws each) stop once the
  weights pass their diagnostic with an effective sample size of {target_ess}, or after {rounds} rounds. The
  weights' Pareto k̂ is the test: at most 0.7 the draws are a posterior sample worth their
  effective sample size; above it the posterior is marked unreliable on every page and
  interval. The draws depend on the seed alone, not on the workers. The earlier
  ABC-SMC (pyabc's stochastic acceptor) could not reach temperature 1 here: at temperature
  1 on a posterior constraining d coordinates even a perfect proposal is accepted at rate
  2^(-d/2), 1 in 256 for 16.
- **Point values**: the baseline's values are the posterior medians of a full run whose
  weights pass their diagnostic, written back into the parameter files with `calibrated:`
  notes (`python -m scomm.calibration.writeback`; a quick or unreliable run's are not);
  `--replicates N` draws whole parameter sets from the packaged posterior, so every interval
  includes parameter uncertainty, and its method names the posterior.

Model discrepancy (relative sd) by dataset: """


def _inference_lines(prov: dict) -> list[str]:
    """The stored run: command, code and data, and each step's diagnostics."""
    mode, laplace, imp = (prov.get(k) or {} for k in ("mode", "laplace", "importance"))
    return [
        f"- command: `{prov.get('command')}`; seed {prov.get('seed')}; {prov.get('workers')} "
        f"workers; wall time {prov.get('wall_seconds')} s; {prov.get('simulations')} "
        "likelihood evaluations",
        f"- git commit `{prov.get('git_commit')}`, parameter tree "
        f"`{str(prov.get('parameter_digest'))[:16]}`, data "
        f"`{str(prov.get('data_digest'))[:16]}`, scipy {prov.get('scipy_version')}, "
        f"arviz-stats {prov.get('arviz_stats_version')}",
        "",
        "| step | result |",
        "|---|---|",
        f"| mode (L-BFGS-B) | log posterior {_fmt(mode.get('log_posterior'))} after "
        f"{mode.get('iterations')} iterations; converged: {mode.get('converged')} "
        f"({mode.get('message')}) |",
        f"| Laplace ({laplace.get('hessian')} Hessian) | condition number "
        f"{_fmt(laplace.get('condition'))}; {laplace.get('floored_eigenvalues')} eigenvalues "
        "floored |",
        f"| importance sampling ({imp.get('proposal')}) | {imp.get('draws')} draws, Pareto k̂ "
        f"{_fmt(imp.get('pareto_k'))} (reliable up to {imp.get('k_reliable')}), effective "
        f"sample size {_fmt(imp.get('ess'))}, {imp.get('non_finite')} non-finite |",
        *_round_rows(imp.get("rounds") or []),
        *_held_rows(prov.get("held")),
    ]


def _held_rows(held: dict | None) -> list[str]:
    """The second stage's rows (calibration.held), none when it drew nothing."""
    if not held:
        return []
    head = (f"| held assumptions ({len(held.get('coordinates') or [])} coordinates of spread "
            f"at most {held.get('max_spread')}; {held.get('proposal')}) | "
            f"{held.get('draws')} draws, Pareto k̂ {_fmt(held.get('pareto_k'))}, effective "
            f"sample size {_fmt(held.get('ess'))}, {held.get('wall_seconds')} s |")  # fmt: skip
    return [head, *_round_rows(held.get("rounds") or [])]


def _round_rows(rounds: list[dict]) -> list[str]:
    """One row per importance-sampling round: the weights of every draw up to it."""
    return [
        f"| after round {n} | {r.get('draws', '')} draws: Pareto k̂ {_fmt(r.get('pareto_k'))}, "
        f"effective sample size {_fmt(r.get('ess'))} |"
        for n, r in enumerate(rounds, start=1)
    ]


def _screen_rule(sc: dict) -> str:
    """How the stored run screened: a step either way ranked by spread (from 3 Dec 2026), or
    a posterior made before that, one step up ranked by the change."""
    if "min_spread" in sc:
        return (f"with steps of ±{sc.get('step')}; at most {sc.get('max_inferred')}, of the "
                f"largest spread, each {sc.get('min_spread')} or more")  # fmt: skip
    return (f"with one step of +{sc.get('step')}, before the two-sided screening; at most "
            f"{sc.get('max_inferred')}, each moving the log-likelihood by "
            f"{sc.get('min_change')} or more")  # fmt: skip


def _screening_lines(p: post.Posterior) -> list[str]:
    """The screening the inference ran on: how many coordinates it kept and which."""
    sc = p.provenance.get("screening")
    if not sc:
        return []
    inferred = sc.get("inferred") or []
    out = ["", f"The inference ran over {len(inferred)} coordinates (screened at the baseline's values "
           f"{_screen_rule(sc)}); "
           f"{len(sc.get('screened_out') or [])} other informed coordinates were held at the "
           f"baseline's values in the inference, {len(sc.get('drawn') or [])} of them then drawn "
           "(held assumptions). The inferred ones: "
           + ", ".join(f"`{c}`" for c in inferred) + "."]  # fmt: skip
    return out


STATUS_START = "<!-- status: written by hand, kept by the generator -->"
STATUS_END = "<!-- /status -->"


def status_block(page: Path) -> str:
    """The hand-written status section of a calibration page (markers included, and the
    blank line after it), or "" when the page has none."""
    text = page.read_text(encoding="utf-8") if page.exists() else ""
    start, end = text.find(STATUS_START), text.find(STATUS_END)
    if start < 0 or end < start:
        return ""
    return text[start : end + len(STATUS_END)] + "\n\n"


def _intro(status: str) -> str:
    """The page's fixed text, with its status section and the full budget's rounds."""
    full = infer.Budget.full()
    fields = {"status": status, "round_draws": f"{full.draws // full.rounds:,}",
              "target_ess": f"{full.target_ess:g}", "rounds": str(full.rounds)}  # fmt: skip
    text = INTRO
    for k, v in fields.items():
        text = text.replace("{" + k + "}", v)
    return text


def calibration_markdown(p: post.Posterior, status: str = "") -> str:
    """The calibration page; ``status``: its hand-written status section (status_block)."""
    version = p.provenance.get("version", "?")
    intro = _intro(status)
    lines = [intro + ", ".join(f"{k} {v:g}" for k, v in obs.DISCREPANCY.items()) + ".", ""]
    lines += [f"## The stored posterior: `{version}`", ""]
    lines += _quick_warning(p)
    lines += _inference_lines(p.provenance)
    lines += _screening_lines(p)
    lines += ["", "## Identifiability: what the data pin down", ""]
    lines += _contraction_table(p)
    lines += ["", "### Posterior correlations (|r| ≥ 0.5, strongest 25)", ""]
    lines += _correlation_table(p)
    lines += ["", "### Global sensitivity (Morris elementary effects over the priors, SALib)", ""]
    lines += _morris_table(_morris(version))
    return "\n".join(lines) + "\n"


def _quick_warning(p: post.Posterior) -> list[str]:
    """A warning paragraph when the stored posterior is not a completed full run."""
    text = post.caveat(p)
    return [f"**{text}**", ""] if text else []


def _validation_rows(v: dict) -> list[str]:
    loo = v["leave_one_out"]
    out = ["| observation | dataset | observed | model median | model 5–95% | observable 5–95% "
           "| inside | LOO k̂ |", "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for oid, r in v["predictive"].items():
        low, high = _observed(r["low"]), _observed(r["high"])
        observed = low if r["low"] == r["high"] else f"{low}..{high}"
        if r["kind"] == "upper":
            observed = f"≤ {high}"
        if r["kind"] == "lower":
            observed = f"≥ {low}"
        place = oid.split(":")[1] if r["dataset"] == "program_287g" else ""
        k = (loo.get(oid) or loo.get(f"287g:{place}", {})).get("pareto_k")  # a place's jointly
        out.append(
            f"| `{oid}` | {r['dataset']} | {observed} | {_fmt(r['model'][1])} | "
            f"{_fmt(r['model'][0])} .. {_fmt(r['model'][2])} | {_fmt(r['observable'][0])} .. "
            f"{_fmt(r['observable'][1])} | {'yes' if r['inside'] else '**no**'} | "
            f"{'' if k is None else f'{k:.2f}'} |"
        )
    return out


def validation_markdown(v: dict) -> str:
    s = v["seattle"]
    lines = [
        "# Validation", "",
        "<!-- generated by `scomm validate --write` and `python -m scomm.calibration.report docs`;"
        " do not edit by hand -->", "",
        *([f"**{v['caveat']}**", ""] if v.get("caveat") else []),
        f"Posterior `{v['posterior']}`; {v['draws']} runs of the full stochastic engine, each "
        f"with its own posterior particle and seed (seeds {v['seeds'][0]}..{v['seeds'][1]}). "
        f"Record counts below {DEFAULT_MIN_CELL}, and counts that would reveal one, are not "
        f"shown (`<{DEFAULT_MIN_CELL}`): the minimum cell rule of docs/calibration-data.md.", "",
        "## Every observation beside its posterior predictive interval", "",
        "'model' is the model quantity as the source counted it; 'observable' adds the term's "
        "error model. A term is inside when its observed range meets the observable's 5–95%. "
        "LOO k̂: Pareto k of the importance weights that leave the term out (below 0.7 the "
        "reweighting is reliable).", "",
    ]  # fmt: skip
    lines += [r for r in _validation_rows(v) if "seattle_cap_local_arrests" not in r]
    lines += ["", "## The Seattle records by state and year (CAP-local arrests)", "",
              "| state | year | records | model median | model 90% | inside |",
              "|---|---|---|---|---|---|"]  # fmt: skip
    for r in s["by_year"]:
        shown = _observed(r["records"])
        lines.append(f"| {r['state']} | {r['year']} | {shown} | {_fmt(r['model_median'])} | "
                     f"{_fmt(r['model_90'][0])} .. {_fmt(r['model_90'][1])} | "
                     f"{'yes' if r['inside'] else '**no**'} |")  # fmt: skip
    lines += ["", "| state | records 2012-01..2019-07 | model median | ratio | within ±20% |",
              "|---|---|---|---|---|"]  # fmt: skip
    for st, r in s["totals"].items():
        lines.append(f"| {st} | {_fmt(r['records'])} | {_fmt(r['model_median'])} | "
                     f"{r['ratio']:.2f} | {'yes' if r['within_20pct'] else '**no**'} |")  # fmt: skip
    return "\n".join(lines) + "\n"


def validation_path(version: str) -> Path:
    return post.folder() / f"{version}.validation.json"


def write_docs(docs: Path) -> list[Path]:
    """Both pages from the latest packaged posterior (validation only if it has been run)."""
    p = post.latest()
    if p is None:
        raise SystemExit("no packaged posterior: run scomm calibrate")
    out = [docs / "calibration.md"]
    out[0].write_text(calibration_markdown(p, status_block(out[0])), encoding="utf-8")
    vpath = validation_path(p.provenance["version"])
    if vpath.exists():
        out.append(docs / "validation.md")
        out[1].write_text(validation_markdown(json.loads(vpath.read_text())), encoding="utf-8")
    return out


if __name__ == "__main__":
    for path in write_docs(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")):
        print(f"wrote {path}")
