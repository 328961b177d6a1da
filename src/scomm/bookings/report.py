"""The generated tables of docs/bookings.md: the fit, the specifications compared, and the
leave-one-county-out check, from the packaged files.

    .venv/bin/python -m scomm.bookings.report --write   # refresh docs/bookings.md

The tables sit between the markers ``<!-- begin generated -->`` and ``<!-- end generated -->``;
a test keeps them current.
"""

from __future__ import annotations

import argparse
from importlib import resources
from pathlib import Path

import numpy as np
import polars as pl

from scomm.jurisdictions.counties import counties

BEGIN, END = "<!-- begin generated -->", "<!-- end generated -->"
DOC = Path(__file__).resolve().parents[3] / "docs" / "bookings.md"


def _read(name: str) -> pl.DataFrame:
    with resources.files("scomm.data").joinpath(name).open("rb") as fh:
        return pl.read_csv(fh, schema_overrides={"county_fips": pl.String, "month": pl.String})


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return out


def coefficients() -> list[str]:
    """The stored fit: estimate, standard error and the clipping range of each term."""
    t = _read("bookings_model.csv")
    rows = [
        [
            f"`{r['term']}`",
            f"{r['estimate']:.4f}",
            f"{r['std_error']:.4f}",
            "" if r["fit_min"] is None else f"{r['fit_min']:.3f} .. {r['fit_max']:.3f}",
        ]
        for r in t.iter_rows(named=True)
    ]
    alpha = float(np.exp(t.filter(pl.col("term") == "log_alpha")["estimate"][0]))
    return [
        *_table(["term", "estimate", "std. error", "clipped to (fit range)"], rows),
        "",
        f"Dispersion α = exp(log_alpha) = {alpha:.3f}: a county's rate differs from its "
        f"covariates' prediction by a factor with coefficient of variation {np.sqrt(alpha):.2f}.",
    ]


def specifications() -> list[str]:
    """Every specification's leave-one-county-out scores."""
    t = _read("bookings_specs.csv")
    rows = [
        [
            ("**" + r["specification"] + "**") if r["chosen"] == "yes" else r["specification"],
            "" if r["alpha"] is None else f"{r['alpha']:.3f}",
            f"{r['median_abs_log_error']:.3f}",
            f"{r['rms_log_error']:.3f}",
            f"{r['weighted_abs_log_error']:.3f}",
        ]
        for r in t.iter_rows(named=True)
    ]
    header = ["specification", "α", "median abs log error", "RMS log error", "weighted"]
    return _table(header, rows)


def held_out() -> list[str]:
    """Per-county leave-one-out results, largest counties first, and the summary."""
    t = _read("bookings_loco.csv").sort("observed_per_year", descending=True)
    names = dict(zip(counties().fips, counties().table["name"], strict=True))
    rows = [
        [
            f"{names[r['county_fips']]} ({r['county_fips']})",
            f"{r['observed_per_year']:,}",
            f"{r['model_per_year']:,}",
            f"{r['baseline_per_year']:,}",
            f"{r['model_log_error']:+.2f}",
            f"{r['baseline_log_error']:+.2f}",
            f"{r['interval_05_per_year']:,} .. {r['interval_95_per_year']:,}",
            r["inside_interval"],
        ]
        for r in t.iter_rows(named=True)
    ]
    inside = int((t["inside_interval"] == "yes").sum())
    header = [
        "county",
        "reported / yr",
        "model / yr",
        "pop. share / yr",
        "model log err",
        "pop. share log err",
        "model 90% interval",
        "inside",
    ]
    return [
        f"{inside} of {t.height} counties lie inside the model's 90% predictive interval.",
        "",
        *_table(header, rows),
    ]


STABILITY_WINDOWS = (("2005-01", "2007-12"), ("2015-01", "2019-12"))


def stability() -> list[str]:
    """The chosen specification refitted on other windows (needs statsmodels)."""
    from scomm.bookings import fit
    from scomm.bookings.covariates import county_table

    ca = _read("ca_jail_bookings_monthly.csv")
    table = county_table()
    rows = []
    for window in (fit.FIT_WINDOW, *STABILITY_WINDOWS):
        f = fit.fit_spec(fit.sample(ca, table, window), fit.SPECS[fit.CHOSEN])
        se = np.sqrt(np.diag(f.cov))
        cells = [f"{b:.3f} ({e:.3f})" for b, e in zip(f.beta[1:], se[1:-1], strict=True)]
        label = f"{window[0]} .. {window[1]}" + (" (stored)" if window == fit.FIT_WINDOW else "")
        rows.append([label, *cells, f"{f.alpha:.3f}"])
    terms = [f"`{t}` (s.e.)" for t in fit.SPECS[fit.CHOSEN]]
    return _table(["window", *terms, "α"], rows)


EFFECT_YEAR = 2012
EFFECT_COUNTIES = (
    "06037", "17031", "48201", "04013", "36047", "12086", "48113", "53033", "36081", "53053",
    "41051", "13121",
)  # fmt: skip
EFFECT_STATES = ("CA", "TX", "FL", "NY", "IL", "WA", "OR", "GA", "MS")
DRAWS = 100
PIERCE = ("53053", 29_312, 945)  # jail bookings 2015-12-22..2018-07-23 (945 days), UWCHR


def _year_bookings(rates: np.ndarray | None, year: int) -> np.ndarray:
    from scomm import periods
    from scomm.params import default_parameters
    from scomm.population import bookings

    months = np.arange(periods.parse_month(f"{year}-01"), periods.parse_month(f"{year}-12") + 1)
    return bookings(default_parameters(), months, rates).sum(axis=1).astype(np.float64)


def _draws(year: int) -> np.ndarray:
    """County bookings in ``year`` under DRAWS posterior-style draws (state sd from its prior)."""
    from scomm.bookings.model import default_model
    from scomm.params import default_parameters

    model = default_model()
    prior = default_parameters()["population.bookings_state_sd"].values
    entry = prior[min(prior)].prior
    out = []
    for k in range(DRAWS):
        sd = entry.low + (entry.high - entry.low) * (k + 0.5) / DRAWS
        out.append(_year_bookings(model.draw_rates(model.draw(k, sd)), year))
    return np.array(out)


def national_effect() -> list[str]:
    """Big counties and some states in EFFECT_YEAR: population share, the model, and the
    5-95% range over draws of the model's uncertainty."""
    cty = counties()
    base = _year_bookings(np.ones(len(cty.fips)), EFFECT_YEAR)
    model = _year_bookings(None, EFFECT_YEAR)
    draws = _draws(EFFECT_YEAR)
    names = dict(zip(cty.fips, cty.table["full_name"], strict=True))

    def row(label: str, mask: np.ndarray) -> list[str]:
        b, m = base[mask].sum(), model[mask].sum()
        lo, hi = np.percentile(draws[:, mask].sum(axis=1), [5, 95])
        return [label, f"{b:,.0f}", f"{m:,.0f}", f"{m / b:.2f}", f"{lo:,.0f} .. {hi:,.0f}"]

    rows = [row(f"{names[f]} ({f})", cty.fips == f) for f in EFFECT_COUNTIES]
    rows += [row(st, cty.state == st) for st in EFFECT_STATES]
    header = ["county / state", "pop. share", "model", "ratio", f"5-95% over {DRAWS} draws"]
    return _table(header, rows)


def pierce_check() -> list[str]:
    """The one county jail count outside California in the project's data."""
    fips, n, days = PIERCE
    i = int(np.flatnonzero(counties().fips == fips)[0])
    per_year = n * 365.25 / days
    years = (2016, 2017)
    base = np.mean([_year_bookings(np.ones(len(counties().fips)), y)[i] for y in years])
    model = np.mean([_year_bookings(None, y)[i] for y in years])
    return [
        f"Pierce County (WA) jail: {n:,} bookings in {days} days (2015-12-22 .. 2018-07-23, "
        f"UWCHR), {per_year:,.0f} a year. For 2016-2017 the population-share rule gives "
        f"{base:,.0f} a year and the model {model:,.0f}, {model / per_year:.1f} times the "
        "jail's count. The count covers one jail (people booked and released by the county's "
        "city police are not in it), so it bounds the county's bookings from below and cannot "
        "say which estimate is closer; it is one reason the intervals above are wide."
    ]


def render() -> str:
    """The generated block (without its markers)."""
    parts = [
        "### The stored fit",
        "",
        *coefficients(),
        "",
        "### Specifications compared (leave one county out)",
        "",
        *specifications(),
        "",
        "### Each California county left out (chosen specification)",
        "",
        *held_out(),
        "",
        "### The same specification fitted on other years",
        "",
        *stability(),
        "",
        f"### What the model changes outside California ({EFFECT_YEAR} bookings)",
        "",
        *national_effect(),
        "",
        *pierce_check(),
    ]
    return "\n".join(parts)


def splice(doc: str, block: str) -> str:
    """``doc`` with the text between the markers replaced by ``block``."""
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{block}\n{END}{tail}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Refresh docs/bookings.md's generated tables.")
    parser.add_argument("--write", action="store_true", help="rewrite docs/bookings.md")
    args = parser.parse_args(argv)
    if args.write:
        DOC.write_text(splice(DOC.read_text(), render()))
    else:
        print(render())


if __name__ == "__main__":
    main()
