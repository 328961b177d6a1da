"""Static files from memory (scomm.web.assets): the bytes on disk at start-up, gzip when the
client takes it, an ETag per form with 304 when the client's copy is current, and nothing
that was not there at start-up."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from scomm.web.app import ASSETS, STATIC_FOLDERS, create_app
from scomm.web.assets import STATIC_CACHE, Assets, accepts_gzip, asset, matches

CSS = "body { color: black; }\n" * 40  # repetitive: gzip makes it smaller


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.css").write_text(CSS)
    (tmp_path / "tiny.txt").write_text("x")
    (tmp_path / "pixel.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 400)
    return tmp_path


@pytest.fixture
def client(folder: Path) -> TestClient:
    files = Assets(folder)
    app = Starlette(routes=[Route("/s/{name:path}", files.respond, methods=["GET", "HEAD"])])
    return TestClient(app)


def raw(client: TestClient, path: str, **headers: str):
    """The response as sent: httpx's own Accept-Encoding replaced by the test's."""
    return client.get(path, headers={"accept-encoding": "identity", **headers})


def test_case_a_client_that_takes_gzip_gets_the_compressed_form_of_the_same_bytes(client):
    r = raw(client, "/s/css/site.css", **{"accept-encoding": "gzip"})
    assert r.status_code == 200
    assert r.headers["content-encoding"] == "gzip"
    assert int(r.headers["content-length"]) < len(CSS.encode())
    assert r.content == CSS.encode()  # httpx decoded it
    assert r.headers["content-type"] == "text/css; charset=utf-8"
    assert r.headers["vary"] == "Accept-Encoding"
    assert r.headers["cache-control"] == STATIC_CACHE


def test_case_a_client_that_does_not_take_gzip_gets_the_file_as_it_is(client):
    for header in ("identity", "gzip;q=0", "br, deflate"):
        r = raw(client, "/s/css/site.css", **{"accept-encoding": header})
        assert "content-encoding" not in r.headers, header
        assert r.content == CSS.encode()
        assert int(r.headers["content-length"]) == len(CSS.encode())


def test_case_files_gzip_would_not_shrink_or_binary_files_are_never_compressed(client):
    for path in ("/s/tiny.txt", "/s/pixel.png"):
        r = raw(client, path, **{"accept-encoding": "gzip"})
        assert "content-encoding" not in r.headers, path
    assert raw(client, "/s/pixel.png").headers["content-type"] == "image/png"


def test_case_the_etag_answers_304_and_each_form_has_its_own(client):
    plain = raw(client, "/s/css/site.css").headers["etag"]
    packed = raw(client, "/s/css/site.css", **{"accept-encoding": "gzip"}).headers["etag"]
    assert plain != packed
    again = raw(client, "/s/css/site.css", **{"if-none-match": plain})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == plain
    assert again.headers["cache-control"] == STATIC_CACHE
    weak = raw(client, "/s/css/site.css", **{"if-none-match": f'"other", W/{plain}'})
    assert weak.status_code == 304
    # the gzip form's tag does not validate the plain form
    assert raw(client, "/s/css/site.css", **{"if-none-match": packed}).status_code == 200


def test_case_only_files_present_at_start_up_are_served(client, folder):
    (folder / "later.css").write_text(CSS)
    assert raw(client, "/s/later.css").status_code == 404
    (folder / "css" / "site.css").write_text("changed")
    assert raw(client, "/s/css/site.css").content == CSS.encode()
    for path in ("/s/css", "/s/", "/s/css%2f..%2ftiny.txt", "/s/CSS/site.css"):
        assert raw(client, path).status_code == 404, path


def test_case_head_sends_the_headers_without_the_body(client):
    r = client.head("/s/css/site.css", headers={"accept-encoding": "identity"})
    assert r.status_code == 200
    assert r.content == b""
    assert int(r.headers["content-length"]) == len(CSS.encode())


def test_case_other_methods_are_refused(client):
    assert client.post("/s/css/site.css").status_code == 405


@pytest.mark.parametrize(
    ("header", "takes"),
    [
        ("gzip", True),
        ("GZIP; q=0.5", True),
        ("deflate, gzip;q=1.0, br", True),
        ("*", True),
        ("*;q=0, gzip", True),
        ("gzip;q=0, *", False),
        ("gzip;q=0", False),
        ("gzip;q=0.0", False),
        ("gzip;q=abc", False),
        ("gzip;q=nan", False),
        ("identity", False),
        ("deflate, br", False),
        ("", False),
    ],
)
def test_case_accept_encoding_is_read_with_its_quality_values(header, takes):
    assert accepts_gzip(header) is takes


@pytest.mark.parametrize(
    ("header", "hit"),
    [('"a"', True), ('W/"a"', True), ('"b", "a"', True), ("*", True), ('"b"', False), ("", False)],
)
def test_case_if_none_match_uses_the_weak_comparison(header, hit):
    assert matches(header, '"a"') is hit


def test_every_packaged_file_is_served_by_the_app_as_it_is_on_disk():
    client = TestClient(create_app(max_running=1))
    for prefix, folder in STATIC_FOLDERS.items():
        for path in (p for p in folder.rglob("*") if p.is_file()):
            url = f"{prefix}/{path.relative_to(folder).as_posix()}"
            r = client.get(url)  # httpx asks for gzip and decodes it
            assert r.status_code == 200, url
            assert r.content == path.read_bytes(), url


def test_the_vendored_libraries_are_sent_compressed():
    vega = asset(ASSETS / "js" / "vega.min.js")
    assert vega.gzipped is not None
    assert gzip.decompress(vega.gzipped) == vega.body
    assert len(vega.gzipped) < len(vega.body) / 2
