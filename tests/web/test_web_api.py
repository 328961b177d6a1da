"""The JSON API serves the CLI's documents, validates its input and answers bad input with a
readable 4xx."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlparse

import pytest
from fastapi.testclient import TestClient

from scomm.params_view import rules_in_force
from scomm.web.app import create_app


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app())


def test_case_api_run_gives_the_same_totals_as_scomm_run_json(client, cli):
    """Case (issue 6): /api/run?states=NY&start=2011-01&end=2011-12 matches the CLI."""
    done = cli("run", "--states", "NY", "--start", "2011-01", "--end", "2011-12", "--json")
    assert done.returncode == 0, done.stderr
    expected = json.loads(done.stdout)
    got = client.get("/api/run?states=NY&start=2011-01&end=2011-12").json()
    assert got["totals"] == expected["totals"]
    assert got["by_state"] == expected["by_state"]
    assert got == expected


def test_case_unknown_state_is_a_422_naming_it(client):
    r = client.get("/api/run?states=ZZ&start=2011-01&end=2011-02")
    assert r.status_code == 422
    assert r.json() == {"detail": "--states: 'ZZ' is not a USPS state code (e.g. NY, CA, DC)"}


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("start=2011-13", "start"),
        ("start=June", "start"),
        ("seed=-1", "seed"),
        ("seed=abc", "seed"),
        ("scenario=../../etc/passwd", "scenario"),
        ("start=2012-01&end=2011-01", "--end"),
    ],
)
def test_case_bad_query_parameters_are_a_readable_422(client, query, names):
    r = client.get(f"/api/run?states=DE&{query}")
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert isinstance(detail, str) and names in detail


def test_case_a_scenario_file_path_is_never_read(client, tmp_path):
    """Case: the server accepts only packaged scenario names, never a path on its disk."""
    path = tmp_path / "mine.yaml"
    path.write_text("name: mine\ndescription: a scenario on the server's disk.\nbase: baseline\n")
    r = client.get("/api/run", params={"states": "DE", "scenario": str(path)})
    assert r.status_code == 422 and "unknown scenario" in r.json()["detail"]


def test_api_compare_is_the_compare_document(client):
    r = client.get("/api/compare?a=baseline&b=baseline&states=DE&start=2011-01&end=2011-03")
    assert r.status_code == 200
    doc = r.json()
    assert doc["scenarios"] == ["baseline", "baseline"]
    assert doc["difference"]["states_changed"] == []
    assert doc["a"]["totals"] == doc["b"]["totals"]


def test_api_params_is_scomm_params_json(client):
    r = client.get("/api/params?date=2011-08-01&state=NY")
    assert r.status_code == 200
    assert r.json() == json.loads(json.dumps(rules_in_force("2011-08-01", None, "NY")))


def test_api_scenarios_is_scomm_scenarios_json(client, cli):
    done = cli("scenarios", "--json")
    assert client.get("/api/scenarios").json() == json.loads(done.stdout)


def test_api_activation_lists_every_county_with_its_map_id(client):
    rows = client.get("/api/activation").json()["counties"]
    assert len(rows) == 3142
    wade = next(r for r in rows if r["fips"] == "02270")
    assert wade["atlas_id"] == "02158"


def test_case_repeated_requests_are_served_from_the_cache(client):
    queue = client.app.state.queue
    url = "/api/run?states=RI&start=2010-01&end=2010-02"
    client.get(url)
    before = queue.computed
    client.get(url)
    assert queue.computed == before


def test_openapi_schema_is_served_and_the_docs_page_loads_nothing_external(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/run", "/api/compare", "/api/params", "/api/scenarios"} <= set(spec["paths"])
    html = client.get("/docs").text
    assert "<script" not in html
    assert "cdn" not in html.lower()
    assert client.get("/redoc").status_code == 404


def _raw_get(base: str, path: str) -> int:
    """GET with the path sent exactly as written (no client-side normalization)."""
    u = urlparse(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    conn.putrequest("GET", path, skip_accept_encoding=True)
    conn.endheaders()
    status = conn.getresponse().status
    conn.close()
    return status


@pytest.mark.parametrize(
    "path",
    [
        "/static/../../etc/passwd",
        "/static/..%2f..%2fetc%2fpasswd",
        "/static/%2e%2e/%2e%2e/etc/passwd",
        "/vendor/../../../../etc/passwd",
        "/vendor/..%2f..%2f..%2fweb%2fapp.py",
    ],
)
def test_case_static_paths_cannot_climb_out_of_their_folder(live_server, path):
    """Case (issue 6): /static/../../etc/passwd is a 404."""
    assert _raw_get(live_server, path) == 404


def test_vendored_assets_are_served_locally(live_server):
    for path in ("/vendor/js/vega.min.js", "/vendor/geo/counties-10m.json", "/static/app.css"):
        assert _raw_get(live_server, path) == 200


def test_case_the_web_takes_the_clis_64_bit_seeds_and_refuses_one_beyond(client, cli):
    """Case: the seed range is the CLI's, 0..2**64-1 (scomm.rng.MAX_SEED); it was capped at
    2**31-1."""
    from scomm.rng import MAX_SEED

    query = "states=DE&start=2011-01&end=2011-02"
    for seed in (2**40, MAX_SEED):
        done = cli("run", *query_args(query), "--seed", str(seed), "--json")
        assert done.returncode == 0, done.stderr
        got = client.get(f"/api/run?{query}&seed={seed}")
        assert got.status_code == 200 and got.json() == json.loads(done.stdout)
    r = client.get(f"/api/run?{query}&seed={MAX_SEED + 1}")
    assert r.status_code == 422 and "'seed'" in r.json()["detail"]
    assert cli("run", *query_args(query), "--seed", str(MAX_SEED + 1)).returncode == 2


def query_args(query: str) -> list[str]:
    """``states=DE&start=...`` as CLI options ``--states DE --start ...``."""
    return [part for kv in query.split("&") for part in (f"--{kv.split('=')[0]}", kv.split("=")[1])]
