"""A POST body sent with Transfer-Encoding: chunked (no Content-Length) is read like any other,
direct or form-encoded, and bounded by the same limit (3 x max_query_bytes + 1024: 413 beyond).
A body that ends before its Content-Length is a 400, never half a query.
Written on a raw socket to the live server, so the chunks really are on the wire."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest
import requests

from powgraph.config import Settings
from tests.web.conftest import LiveServer
from tests.web.rawhttp import Reply, chunked, request

ASK = "ASK { ?s ?p ?o }"
SELECT = "SELECT ?s { ?s a <http://purl.org/linked-data/cube#Observation> } ORDER BY ?s LIMIT 3"
DIRECT = b"application/sparql-query"
FORM = b"application/x-www-form-urlencoded"
LIMIT = 3 * Settings().max_query_bytes + 1024  # the app's MAX_CONTENT_LENGTH


def _post(live: LiveServer, content_type: bytes, body: bytes, size: int = 5) -> Reply:
    fields = [
        (b"Host", urlsplit(live.url).netloc.encode()),
        (b"Content-Type", content_type),
        (b"Accept", b"application/sparql-results+json"),
        (b"Transfer-Encoding", b"chunked"),
        (b"Connection", b"close"),
    ]
    reply = request(live.url, "POST", b"/sparql", fields, chunked(body, size))
    assert reply is not None
    return reply


@pytest.mark.parametrize("size", [1, 5, 4096])
def test_a_chunked_direct_query_is_answered(live: LiveServer, size: int) -> None:
    reply = _post(live, DIRECT, ASK.encode(), size)
    assert reply.status == 200 and b'"boolean": true' in reply.body
    reply = _post(live, DIRECT, SELECT.encode(), size)
    assert reply.status == 200 and reply.body.count(b'"s":') == 3


@pytest.mark.parametrize("size", [1, 7, 4096])
def test_a_chunked_form_query_is_answered(live: LiveServer, size: int) -> None:
    body = ("query=" + quote(SELECT) + "&format=json").encode()
    reply = _post(live, FORM, body, size)
    assert reply.status == 200 and reply.body.count(b'"s":') == 3


def test_chunked_answers_equal_content_length_answers(live: LiveServer) -> None:
    plain = requests.post(live.sparql, data={"query": SELECT, "format": "json"}, timeout=10)
    reply = _post(live, FORM, ("query=" + quote(SELECT) + "&format=json").encode())
    assert reply.body == plain.content


def test_a_chunked_body_over_the_limit_is_413(live: LiveServer) -> None:
    # a form body within the limit whose query is too long: the query limit (413) names it
    form = b"query=" + b"ASK%20%7B%7D%20%23" + b"x" * (LIMIT - 100)
    reply = _post(live, FORM, form, 8192)
    assert reply.status == 413 and b"the query is longer than" in reply.body
    # a body one byte over the limit, and one far over: refused as too large, never read whole
    for length in (LIMIT + 1, 4 * LIMIT):
        body = b"ASK {} #" + b"x" * (length - 8)
        reply = _post(live, DIRECT, body, 8192)
        assert reply.status == 413, length
        assert b"the query is longer than" not in reply.body  # the body limit, before parsing
    # the server is fine afterwards
    assert _post(live, DIRECT, ASK.encode()).status == 200


def test_an_empty_chunked_body_is_no_query(live: LiveServer) -> None:
    reply = _post(live, DIRECT, b"")
    assert reply.status == 400 and reply.body.startswith(b'{"error"')


def test_a_body_shorter_than_its_content_length_is_400(live: LiveServer) -> None:
    fields = [
        (b"Host", urlsplit(live.url).netloc.encode()),
        (b"Content-Type", DIRECT),
        (b"Content-Length", b"100"),
    ]
    reply = request(live.url, "POST", b"/sparql", fields, b"ASK {}", half_close=True)
    assert reply is not None and reply.status == 400
    assert b"Content-Length" in reply.body
