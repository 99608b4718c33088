"""One public base URL: every URL the app writes (service description, VoID/DCAT, dumps,
JSON-LD, the query editor's endpoint, the base of relative IRIs, redirect Locations) starts with
Settings.public_url, which `powgraph serve` sets to http://HOST:PORT when it is not given. The
Host header, and X-Forwarded-Host, never reach an answer."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from powgraph.cli import listen_url, main
from powgraph.config import Settings
from powgraph.web import create_app
from tests.web.conftest import LiveServer, Sample
from tests.web.rawhttp import Reply, simple

EVIL = "evil.example"
SPOOF = {
    "Host": EVIL,
    "X-Forwarded-Host": EVIL,
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Server": EVIL,
    "Forwarded": f"host={EVIL};proto=https",
}
RDF = ["text/turtle", "application/rdf+xml", "application/ld+json", "application/n-triples"]
ACCEPTS = {
    "/sparql": [*RDF, "text/html"],
    "/dataset": RDF,
    "/.well-known/void": RDF,
    "/dumps": ["text/html", "application/json", "text/turtle", "application/ld+json"],
    "/doc/<path:key>": ["text/html", "application/ld+json", "text/turtle"],
    "/": ["text/html"],
}


@pytest.fixture(scope="module")
def values(sample: Sample) -> dict[str, str]:
    return {
        "key": sample.key,
        "name": "datasets",
        "version": sample.release["version"],
        "filename": "yasgui/LICENSE",
    }


def _paths(app: Flask, values: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(rule, path) for every route of the app, its variables filled with real values."""
    for rule in sorted(r.rule for r in app.url_map.iter_rules()):
        path = rule
        for converter, name in re.findall(r"<(?:([a-z]+):)?([a-z_]+)>", rule):
            value = values[name]
            if rule.startswith("/dumps/"):
                value = "README.md" if name == "name" else value
            path = path.replace(f"<{converter + ':' if converter else ''}{name}>", quote(value))
        yield rule, path


def _clean(reply: Reply, what: object) -> None:
    assert reply.status < 500, (what, reply.status)
    for name, value in reply.headers:
        assert EVIL not in value, (what, name, value)
    assert EVIL.encode() not in reply.body, what


def test_no_answer_carries_the_host_header(
    live: LiveServer, app: Flask, values: dict[str, str]
) -> None:
    answered = 0
    for rule, path in _paths(app, values):
        for accept in [None, *ACCEPTS.get(rule, [])]:
            for method in ("GET", "HEAD"):
                headers = {**SPOOF, **({"Accept": accept} if accept else {})}
                _clean(simple(live.url, method, path, headers), (method, path, accept))
                answered += 1
    assert answered > 40


def test_urls_in_answers_start_with_the_public_url(live: LiveServer) -> None:
    for accept in RDF:
        description = simple(live.url, "GET", "/sparql", {**SPOOF, "Accept": accept})
        assert description.status == 200
        assert live.sparql.encode() in description.body, accept  # sd:endpoint
        void = simple(live.url, "GET", "/.well-known/void", {**SPOOF, "Accept": accept})
        assert f"{live.url}/dumps/".encode() in void.body, accept  # dcat:downloadURL
    editor = simple(live.url, "GET", "/sparql", {**SPOOF, "Accept": "text/html"})
    assert f'"endpoint": "{live.sparql}"'.encode() in editor.body  # the editor's config
    listing = simple(live.url, "GET", "/dumps", {**SPOOF, "Accept": "application/json"})
    assert f'"latest":"{live.url}/dumps/latest/"'.encode() in listing.body.replace(b" ", b"")
    home = simple(live.url, "GET", "/", SPOOF)
    assert f'"contentUrl": "{live.url}/dumps/latest/'.encode() in home.body
    canned = simple(live.url, "GET", "/queries/datasets.json", SPOOF)
    assert json.loads(canned.body)["url"] == f"{live.url}/queries/datasets"
    openapi = json.loads(simple(live.url, "GET", "/openapi.json", SPOOF).body)
    assert openapi["servers"] == [{"url": live.url}]


def test_redirects_are_under_the_public_url(live: LiveServer, values: dict[str, str]) -> None:
    key = values["key"]
    thing = simple(live.url, "GET", f"/id/{key}", SPOOF)
    assert thing.status == 303 and thing.header("Location") == f"{live.url}/doc/{key}"
    latest = simple(live.url, "GET", "/dumps/latest/README.md", SPOOF)
    assert latest.status == 302
    assert latest.header("Location") == f"{live.url}/dumps/{values['version']}/README.md"
    for path, target in (
        ("/queries//datasets", "/queries/datasets"),
        ("/doc//" + key, "/doc/" + key),
    ):
        moved = simple(live.url, "GET", path, SPOOF)
        assert moved.status == 308 and moved.header("Location") == live.url + target, path
        _clean(moved, path)


def test_relative_iris_resolve_against_the_public_sparql_url(live: LiveServer) -> None:
    query = "SELECT ?x { BIND(<relative> AS ?x) }"
    reply = simple(
        live.url,
        "GET",
        "/sparql?query=" + quote(query),
        {**SPOOF, "Accept": "application/sparql-results+json"},
    )
    assert reply.status == 200
    (row,) = json.loads(reply.body)["results"]["bindings"]
    assert row["x"] == {"type": "uri", "value": f"{live.url}/relative"}


def test_an_app_without_a_public_url_writes_localhost(client: FlaskClient) -> None:
    description = client.get("/sparql", headers={**SPOOF, "Accept": "text/turtle"})
    assert (
        b"<http://localhost/sparql>" in description.data and EVIL.encode() not in description.data
    )


@pytest.fixture(scope="module")
def proxied(built: Settings) -> Iterator[FlaskClient]:
    settings = replace(built, public_url="https://data.example.org/pg", cache_entries=0)
    application = create_app(settings)
    yield application.test_client()
    application.extensions["powgraph"].store.close()


def test_a_configured_public_url_is_used_everywhere(
    proxied: FlaskClient, values: dict[str, str]
) -> None:
    public = "https://data.example.org/pg"  # behind a proxy, under a path
    description = proxied.get("/sparql", headers={**SPOOF, "Accept": "text/turtle"})
    assert f"<{public}/sparql>".encode() in description.data
    void = proxied.get("/dataset", headers={**SPOOF, "Accept": "text/turtle"}).data
    assert f"<{public}/sparql>".encode() in void and f"<{public}/dumps/".encode() in void
    thing = proxied.get(f"/id/{values['key']}", headers=SPOOF)
    assert thing.headers["Location"] == f"{public}/doc/{values['key']}"
    moved = proxied.get("/queries//datasets", headers=SPOOF)
    assert moved.status_code == 308 and moved.headers["Location"] == f"{public}/queries/datasets"
    for response in (description, thing, moved):
        assert EVIL not in str(response.headers) and EVIL.encode() not in response.data


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("127.0.0.1", 8000, "http://127.0.0.1:8000"),
        ("example.org", 80, "http://example.org:80"),
        ("::1", 8000, "http://[::1]:8000"),
        ("[::]", 9, "http://[::]:9"),
        ("fe80::1", 1, "http://[fe80::1]:1"),
    ],
)
def test_listen_url(host: str, port: int, url: str) -> None:
    assert listen_url(host, port) == url


def test_serve_sets_the_public_url_only_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, str]] = []

    def fake_serve(settings: Settings, host: str, port: int, workers: int, data: object) -> None:
        seen.append((settings.public_url, os.environ.get("POWGRAPH_PUBLIC_URL", "")))

    monkeypatch.setattr("powgraph.serve.serve", fake_serve)
    monkeypatch.setenv("POWGRAPH_PUBLIC_URL", "")  # unset; and restored after the test
    result = CliRunner().invoke(main, ["serve", "--host", "::1", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert seen[-1] == ("http://[::1]:8123", "http://[::1]:8123")
    monkeypatch.setenv("POWGRAPH_PUBLIC_URL", "https://data.example.org")
    result = CliRunner().invoke(main, ["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert seen[-1] == ("https://data.example.org", "https://data.example.org")
