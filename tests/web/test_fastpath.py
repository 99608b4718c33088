"""The fast path answers ``GET /sparql?query=…`` before Flask: what it answers must be what
Flask's /sparql view answers (status, headers, bytes), failures included, and it must answer
without Flask whenever it answers at all."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import EnvironBuilder

from powgraph.web.fastpath import FastPath
from powgraph.web.sparql import FAILED

QUERIES = [
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 7",  # over the row cap (5)
    "PREFIX pow: <https://w3id.org/powgraph/def#>\n"
    "SELECT ?o ?v WHERE { ?o pow:printedValue ?v } ORDER BY ?v LIMIT 3",
    "ASK { ?s ?p ?o }",
    "CONSTRUCT WHERE { ?s a ?c } LIMIT 3",
    "DESCRIBE <https://w3id.org/powgraph/id/place/russia>",
    "SELECT * WHERE { ?s <p> ?o } LIMIT 1",  # a relative IRI: resolved against the endpoint
    'SELECT * WHERE { ?s ?p ?o FILTER regex(?o, "(") }',  # a pattern the engine refuses
    "SELECT * WHERE { ?s ?p }",  # a syntax error, with line and column
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * FROM <urn:not-here> WHERE { ?s ?p ?o }",
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
]
ACCEPTS = [
    None,
    "*/*",
    "application/sparql-results+json",
    "text/csv",
    "text/tab-separated-values",
    "application/sparql-results+xml",
    "text/turtle",
    "application/n-triples",
    "text/html",
    "image/png",
]
FORMATS = [None, "json", "csv", "tsv", "xml", "turtle", "bogus"]


class Counted:
    """Flask's own WSGI app, counting the requests that reach it."""

    def __init__(self, app: Flask) -> None:
        self.app, self.calls = app, 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        self.calls += 1
        return Flask.wsgi_app(self.app, environ, start_response)


def _call(
    wsgi: Any, query: str, accept: str | None, fmt: str | None
) -> tuple[str, list[tuple[str, str]], bytes, dict[str, Any]]:
    params = {"query": query, **({"format": fmt} if fmt else {})}
    headers = {"Accept": accept} if accept else {}
    environ = EnvironBuilder(path="/sparql", query_string=urlencode(params), headers=headers)
    env = environ.get_environ()
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc: Any = None) -> None:
        seen.update(status=status, headers=headers)

    body = b"".join(wsgi(env, start_response))
    return seen["status"], sorted(seen["headers"]), body, env


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    query=st.sampled_from(QUERIES),
    comment=st.integers(0, 10**6),
    accept=st.sampled_from(ACCEPTS),
    fmt=st.sampled_from(FORMATS),
)
def test_the_fast_path_answers_as_flasks_view(
    app: Flask, query: str, comment: int, accept: str | None, fmt: str | None
) -> None:
    flask = Counted(app)
    fast = FastPath(flask, app.extensions["powgraph"])
    text = f"{query}\n# {comment}"  # a new text: no cache anywhere could answer
    status, headers, body, _ = _call(flask, text, accept, fmt)
    assert flask.calls == 1
    fast_status, fast_headers, fast_body, env = _call(fast, text, accept, fmt)
    assert (fast_status, fast_headers, fast_body) == (status, headers, body)
    # an answer is made without Flask; a failure is handed to it, never made twice
    assert flask.calls == (1 if status.startswith("200") else 2)
    assert (FAILED in env) is (not status.startswith("200"))


def test_what_it_does_not_take_goes_to_flask(app: Flask) -> None:
    flask = Counted(app)
    fast = FastPath(flask, app.extensions["powgraph"])
    for path, query_string, headers in [
        ("/sparql", "", {}),  # the service description
        ("/sparql", urlencode({"query": "ASK {}", "default-graph-uri": "urn:g"}), {}),
        ("/sparql", urlencode({"query": "ASK {}"}), {"If-None-Match": '"x"'}),
        ("/sparql", "query=ASK%20%7B%7D&query=ASK%20%7B%7D", {}),  # two queries: Flask's 400
        ("/queries", "query=x", {}),
    ]:
        before = flask.calls
        env = EnvironBuilder(path=path, query_string=query_string, headers=headers).get_environ()
        b"".join(fast(env, lambda *args: None))
        assert flask.calls == before + 1, (path, query_string)
        assert FAILED not in env
