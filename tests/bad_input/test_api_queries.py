"""Bad dashboard queries: HTTP 422 with one sentence naming the parameter, never a 500 and
never read as a default (``states=,`` is not a national run), before any simulation."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from scomm.web.app import create_app

ARABIC = "%D9%A2%D9%A0%D9%A1%D9%A1-%D9%A0%D9%A1"  # ٢٠١١-٠١, URL-encoded
RUN = "/api/run?start=2011-01&end=2011-01"
QUERIES = {  # label: (URL, text the detail must contain)
    "states a lone comma": (f"{RUN}&states=,", "--states: ',' has an empty item"),
    "states empty": (f"{RUN}&states=", "--states: the value is empty"),
    "states a trailing comma": (f"{RUN}&states=NY,", "has an empty item"),
    "states two commas": (f"{RUN}&states=NY,,CA", "has an empty item"),
    "states with a space": (f"{RUN}&states=NY,%20CA", "has whitespace"),
    "states unknown": (f"{RUN}&states=ZZ", "'ZZ' is not a USPS state code"),
    "states too long": (f"{RUN}&states={'NY,' * 100}NY", "states"),
    "start arabic-indic": (f"/api/run?states=RI&start={ARABIC}&end=2011-02", "start"),
    "start with a newline": ("/api/run?states=RI&start=2011-01%0A&end=2011-02", "start"),
    "start empty": ("/api/run?states=RI&start=&end=2011-02", "start"),
    "start month 13": ("/api/run?states=RI&start=2011-13&end=2011-12", "2011-13"),
    "end before start": ("/api/run?states=RI&start=2012-01&end=2011-01", "is before --start"),
    "start outside the range": ("/api/run?states=RI&start=1999-01&end=2011-01", "supported"),
    "seed negative": (f"{RUN}&states=RI&seed=-1", "seed"),
    "seed beyond 64 bits": (f"{RUN}&states=RI&seed={2**64}", "seed"),
    "seed a word": (f"{RUN}&states=RI&seed=abc", "seed"),
    "seed a float": (f"{RUN}&states=RI&seed=1.5", "seed"),
    "scenario unknown": (f"{RUN}&states=RI&scenario=nope", "unknown scenario 'nope'"),
    "scenario a path": (f"{RUN}&states=RI&scenario=../x.yaml", "unknown scenario"),
    "scenario empty": (f"{RUN}&states=RI&scenario=", "unknown scenario"),
    "compare a unknown": ("/api/compare?a=nope&states=RI", "a: unknown scenario"),
    "compare b unknown": ("/api/compare?b=nope&states=RI", "b: unknown scenario"),
    "compare states a comma": ("/api/compare?states=,", "has an empty item"),
    "params date before the history": ("/api/params?date=1900-01-01&state=NY", "is before"),
    "params date empty": ("/api/params?date=&state=NY", "is not a date"),
    "params 30 February": ("/api/params?date=2011-02-30&state=NY", "is not a date"),
    "params date arabic-indic": (
        "/api/params?date=%D9%A2%D9%A0%D9%A1%D9%A1-%D9%A0%D9%A2-%D9%A0%D9%A1&state=NY",
        "is not a date",
    ),
    "params date basic format": ("/api/params?date=20110201&state=NY", "is not a date"),
    "params date with a newline": ("/api/params?date=2011-02-01%0A&state=NY", "is not a date"),
    "params state unknown": ("/api/params?state=ZZ", "'ZZ' is not a USPS state code"),
    "params state empty": ("/api/params?state=", "the value is empty"),
    "params state a comma": ("/api/params?state=,", "has an empty item"),
    "params county four digits": ("/api/params?county=1234", "county"),
    "params county unknown": ("/api/params?county=99999", "'99999'"),
    "params county in another state": ("/api/params?county=36059&state=CA", "is in NY"),
    "params scenario unknown": ("/api/params?scenario=nope", "unknown scenario"),
    "follow county unknown": ("/api/follow?county=99999", "'99999'"),
    "follow county missing": ("/api/follow", "county"),
    "follow person negative": ("/api/follow?county=48201&person=-1", "person"),
    "follow outcome unknown": ("/api/follow?county=48201&outcome=bogus", "outcome: 'bogus'"),
    "follow start bad": ("/api/follow?county=48201&start=2011-1", "start"),
    "follow scenario unknown": ("/api/follow?county=48201&scenario=nope", "unknown scenario"),
}
PAGES = {  # pages answer 422 with the form and the error shown
    "place state unknown": ("/place?state=ZZ", "ZZ"),
    "place start bad": ("/place?state=RI&start=2011-13", "2011-13"),
    "place scenario unknown": ("/place?state=RI&scenario=nope", "nope"),
    "place compare unknown": ("/place?state=RI&compare=nope", "nope"),
    "place county unknown": ("/place?county=99999", "99999"),
    "compare page a unknown": ("/compare?a=nope&state=RI", "nope"),
    "compare page end before start": ("/compare?state=RI&start=2012-01&end=2011-01", "before"),
    "follow page county unknown": ("/follow?county=99999", "99999"),
    "follow page outcome unknown": ("/follow?county=48201&outcome=bogus", "bogus"),
}


@pytest.fixture(scope="module")
def client():
    app = create_app()
    app.state.queue.get = _no_work  # a refused query never reaches the work queue
    return TestClient(app)


async def _no_work(key, compute, large=False):
    raise AssertionError(f"a bad query started work: {key}")


@pytest.mark.parametrize(("url", "culprit"), QUERIES.values(), ids=QUERIES.keys())
def test_a_bad_query_is_a_422_with_one_sentence_naming_it(client, url, culprit):
    r = client.get(url)
    assert r.status_code == 422, (r.status_code, r.text[:300])
    detail = r.json()["detail"]
    assert isinstance(detail, str) and "\n" not in detail
    assert culprit in detail, detail


@pytest.mark.parametrize(("url", "culprit"), PAGES.values(), ids=PAGES.keys())
def test_a_bad_page_request_shows_the_form_with_the_error_and_422(client, url, culprit):
    r = client.get(url)
    assert r.status_code == 422, (r.status_code, r.text[:300])
    assert "text/html" in r.headers["content-type"] and culprit in r.text
