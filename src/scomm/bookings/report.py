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
