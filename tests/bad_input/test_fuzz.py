"""Bounded property-based fuzzing of the scenario parser and the records readers: whatever
the bytes, the answer is a result or a UserError (one line), never another exception."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scomm.errors import UserError
from scomm.io import load_yaml
from scomm.params import default_parameters
from scomm.records import loader
from scomm.scenario import resolve

FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
NAMES = default_parameters().names()
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))
)
anything = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
override = st.fixed_dictionaries(
    {"name": st.sampled_from(NAMES) | st.text(max_size=10)},
    optional={
        "from": st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1)) | scalars,
        "until": st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1)) | scalars,
        "value": anything,
        "scale": anything,
        "states": st.lists(st.sampled_from(["NY", "CA", "ZZ", ""]), max_size=2) | scalars,
        "note": scalars,
    },
)
scenario_doc = st.fixed_dictionaries(
    {
        "name": st.text(max_size=10) | scalars,
        "description": st.text(min_size=0, max_size=30) | scalars,
    },
    optional={
        "base": st.sampled_from(["baseline", "no-scomm", "nope", "x.yaml"]) | scalars,
        "parameters": st.lists(override, max_size=3) | anything,
        "laws": st.fixed_dictionaries(
            {}, optional={"enable": anything, "disable": anything, "add": anything}
        )
        | anything,
        "pretext": anything,
        "extra": anything,
    },
)


def _yaml(doc: object) -> str:
    import yaml

    return yaml.safe_dump(doc, allow_unicode=True)


def _resolves_or_refuses(path: Path) -> None:
    try:
        resolve(str(path))
    except UserError as exc:
        assert "\n" not in " ".join(str(exc).split())


@FUZZ
@given(doc=scenario_doc)
def test_fuzz_a_scenario_document_resolves_or_is_refused(tmp_path, doc):
    path = tmp_path / "s.yaml"
    path.write_text(_yaml(doc), encoding="utf-8")
    _resolves_or_refuses(path)


@FUZZ
@given(text=st.text(max_size=300) | st.binary(max_size=300).map(lambda b: b.decode("latin-1")))
def test_fuzz_scenario_text_resolves_or_is_refused(tmp_path, text):
    path = tmp_path / "s.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    _resolves_or_refuses(path)


@FUZZ
@given(text=st.text(alphabet="[]{}:,-&*! \n\t'\"ab1.", max_size=400))
def test_fuzz_yaml_punctuation_parses_or_is_refused(text):
    with contextlib.suppress(UserError):
        load_yaml(text, "f.yaml")


HEADER = "arrest_date,gender,country_of_citizenship,apprehension_landmark,arrest_method,state"
cells = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
rows = st.lists(st.lists(cells, min_size=0, max_size=8), min_size=0, max_size=6)


def _csv(header: str, body: list[list[str]], sep: str, cut: int) -> bytes:
    text = header.replace(",", sep) + "\n" + "".join(sep.join(r) + "\n" for r in body)
    raw = text.encode("utf-8")
    return raw[: len(raw) - cut] if cut else raw


def _validates_or_refuses(path: Path) -> None:
    try:
        loader.run_validation([path])
    except UserError as exc:
        assert str(exc)


@FUZZ
@given(
    header=st.sampled_from([HEADER, HEADER.upper(), "a,b", HEADER + ",state"]) | cells,
    body=rows,
    sep=st.sampled_from([",", "|", "\t", ";"]),
    cut=st.integers(0, 30),
)
def test_fuzz_a_records_csv_is_read_or_refused(tmp_path, header, body, sep, cut):
    path = tmp_path / "arrests.csv"
    path.write_bytes(_csv(header, body, sep, cut))
    _validates_or_refuses(path)


@FUZZ
@given(data=st.binary(max_size=2000), name=st.sampled_from(["a.csv", "a.csv.gz", "a.parquet"]))
def test_fuzz_records_bytes_are_read_or_refused(tmp_path, data, name):
    path = tmp_path / name
    path.write_bytes(data)
    _validates_or_refuses(path)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=15,
)
manifests = json_values | st.fixed_dictionaries(
    {
        "inputs": json_values,
        "tables": st.dictionaries(st.sampled_from(["arrests", "x"]), json_values),
    }
)


@FUZZ
@given(doc=manifests)
def test_fuzz_a_manifest_is_read_or_refused(tmp_path, doc):
    (tmp_path / "manifest.json").write_text(json.dumps(doc))
    try:
        loader.read_manifest(tmp_path)
        loader.scan_table(tmp_path, "arrests")
    except UserError:
        pass
