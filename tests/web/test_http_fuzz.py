"""Property-based fuzzing of raw HTTP against the live server (Granian, as in production): every
route of the app with mutated path segments, query strings, headers and bodies, written byte by
byte on a socket. Whatever arrives, the answer is 2xx, 3xx or 4xx; a 5xx only as a 503 that says
when to retry (a query past its time budget, a full queue). Derandomized: CI sends the same
requests every run."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web.conftest import LiveServer, Sample
from tests.web.rawhttp import Reply, chunked, request

pytestmark = pytest.mark.slow  # thousands of requests, 4 s a test
FUZZ = settings(
    max_examples=1200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
SENT: list[int] = []  # one entry per request put on the wire by the fuzz tests below
REQUIRED = 2_000

METHODS = ["GET", "GET", "GET", "HEAD", "POST", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"]
WEIRD_METHODS = ["TRACE", "CONNECT", "get", "M-SEARCH", "PROPFIND", "X" * 300]
MUTATIONS = [
    "", ".", "..", "%2e%2e", "%00", "\x00", "%ff", "%C0%AF", "%E2%80%AE", "%", "%zz", "%2F",
    "a%20b", "é", "\u202e", "😀", "\ufffd", ";x", "?", "#", "//", "~", "a" * 300, "b" * 5000,
    "x.json", "x.ttl", "x.html", "x.gz", "..%2f..%2fetc%2fpasswd", "latest", ".hidden",
]  # fmt: skip
QUERIES = [
    "ASK {}",
    "SELECT * { ?s ?p ?o } LIMIT 3",
    "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2",
    "DESCRIBE <https://w3id.org/powgraph/def>",
    "ASK FROM NAMED",
    "ASK FROM",
    "SELECT * FROM <https://w3id.org/powgraph/def> { ?s ?p ?o } LIMIT 1",
    "ASK {} # \\U00110000",
    "ASK { '\\U00110000' }",
    "ASK { <\\U00110000> ?p ?o }",
    "ASK {} LIMIT " + "9" * 5000,
    "SELECT * {} OFFSET " + "9" * 5000,
    "ASK { FILTER(REGEX('a', '(')) }",
    "SELECT (1/0 AS ?x) {}",
    "ASK { ?s ?p " + "(" * 100 + ")" * 100 + " }",
    "PREFIX : <x:> SELECT * { :a :b :c }",
    "BASE <\x00> ASK { <a> ?p ?o }",
    "ASK { <a> ?p ?o }",
    "INSERT DATA { <a> <b> <c> }",
    "SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }",
    "\x00",
    "",
]
PARAM_NAMES = [
    "query", "format", "limit", "offset", "default-graph-uri", "named-graph-uri", "update",
    "using-graph-uri", "dataset", "variable", "x", "", "query[]", "%00",
]  # fmt: skip
PARAM_VALUES = [
    *QUERIES, "json", "xml", "csv", "ttl", "html", "nope", "2", "-1", "²", "٣", "1e3",
    "9" * 40, "https://w3id.org/powgraph/id/graph/vocabulary", "https://w3id.org/powgraph/def",
    "http://127.0.0.1:1/", "not an iri", "2025-12-31", "\x00", "\udcff",
]  # fmt: skip
ACCEPT = [
    "*/*", "text/html", "application/json", "application/sparql-results+json",
    "application/sparql-results+xml", "text/csv", "text/turtle", "application/ld+json",
    "application/rdf+xml", "application/n-triples", "image/png", "*/*;q=0", "text/*;q=abc",
    "text/html;q=1e999, */*;q=nan", ",,,;;;", "a" * 2000, "",
]  # fmt: skip
CONTENT_TYPES = [
    "application/sparql-query", "application/x-www-form-urlencoded",
    "application/sparql-query; charset=latin1", "application/x-www-form-urlencoded; charset=utf-8",
    "application/sparql-update", "multipart/form-data; boundary=x", "text/plain",
    "application/json", "application/sparql-query; charset=", ";;", "x" * 500,
]  # fmt: skip
ETAGS = [
    "*", '"x"', 'W/"x"', '"a", "b"', 'W/"a", W/"b"', '"', "x", '"a"b"', ", ,", "*, \"a\"",
    '"' + "e" * 3000 + '"',
]  # fmt: skip
RANGES = [
    "bytes=0-10", "bytes=-5", "bytes=5-", "bytes=10-5", "bytes=0-0,5-9,3-4", "items=1-2",
    "bytes=99999999999999999999999-", "bytes=", "bytes=-0", "bytes=a-b",
]  # fmt: skip


# (method, target, query body, the status expected): each once answered 500
KNOWN = [
    ("POST", "/sparql", "ASK FROM NAMED", 400),
    ("POST", "/sparql", "ASK {} # \\U00110000", 200),  # an escape in a comment is no escape
    ("POST", "/sparql", "ASK { '\\U00110000' }", 400),
    ("POST", "/sparql", "ASK {} LIMIT " + "9" * 5000, 400),
    ("GET", "/queries/datasets?limit=%C2%B2", "", 400),
    ("GET", "/queries/datasets?offset=%D9%A3", "", 400),
    ("GET", "/dumps/x/%00", "", 404),
    ("GET", "/dumps/x/" + "a" * 300, "", 404),
    ("GET", "/dumps/x/" + "a/" * 3000, "", 404),
]


@pytest.mark.parametrize(("method", "target", "query", "status"), KNOWN)
def test_inputs_that_once_gave_500_are_answered(
    live: LiveServer, method: str, target: str, query: str, status: int
) -> None:
    headers = [(b"Host", urlsplit(live.url).netloc.encode()), (b"Connection", b"close")]
    body = query.encode()
    if body:
        headers += [
            (b"Content-Type", b"application/sparql-query"),
            (b"Content-Length", str(len(body)).encode()),
        ]
    reply = request(live.url, method, target.encode(), headers, body)
    assert reply is not None and reply.status == status, reply
    if status >= 400:  # a clear error: JSON that names the problem
        assert reply.header("Content-Type") == "application/json; charset=utf-8"
        assert reply.body.startswith(b'{"error"') and b'"message"' in reply.body


def _acceptable(reply: Reply | None) -> bool:
    """2xx/3xx/4xx, or a 503 with Retry-After; a closed connection is no answer (allowed only
    where the caller says the request's framing was broken on purpose)."""
    if reply is None:
        return False
    if reply.status == 503:
        return reply.header("Retry-After") is not None
    return 200 <= reply.status < 500


@pytest.fixture(scope="module")
def known(sample: Sample, app: Flask) -> dict[str, object]:
    """Real values for every route's variables, and the routes themselves (the app's url_map)."""
    listing = sample.release
    rules = sorted(rule.rule for rule in app.url_map.iter_rules())
    values = {
        "key": [sample.key],
        "name": ["datasets", "datasets.json", "datasets.csv", *listing["files"]],
        "version": [listing["version"], "latest"],
        "filename": ["yasgui/yasgui.min.js", "yasgui/LICENSE"],
    }
    return {"rules": rules, "values": values}


def _rule_paths(known: dict[str, object]) -> list[str]:
    rules: list[str] = known["rules"]  # type: ignore[assignment]
    values: dict[str, list[str]] = known["values"]  # type: ignore[assignment]
    paths = []
    for rule in rules:
        names = re.findall(r"<(?:[a-z]+:)?([a-z_]+)>", rule)
        path = rule
        for name in names:
            path = re.sub(r"<(?:[a-z]+:)?" + name + ">", quote(values.get(name, ["x"])[0]), path)
        paths.append(path)
    return paths


@st.composite
def targets(draw: st.DrawFn, known: dict[str, object]) -> bytes:
    """A request target: a route of the app, one segment mutated, maybe a query string."""
    path = draw(st.sampled_from(_rule_paths(known)))
    segments = path.split("/")
    how = draw(st.sampled_from(["as is", "replace", "append", "double slash", "raw bytes"]))
    if how == "replace" and len(segments) > 1:
        index = draw(st.integers(1, len(segments) - 1))
        segments[index] = draw(st.sampled_from(MUTATIONS) | st.text(max_size=20))
    elif how == "append":
        segments.append(draw(st.sampled_from(MUTATIONS)))
    elif how == "double slash":
        segments.insert(draw(st.integers(1, len(segments))), "")
    path = "/".join(segments)
    raw = path.encode("utf-8", "surrogatepass")
    if how == "raw bytes":
        raw += draw(st.binary(min_size=1, max_size=8).filter(lambda b: not re.search(rb"[\s]", b)))
    raw = raw.replace(b" ", b"%20").replace(b"\r", b"%0D").replace(b"\n", b"%0A")
    if draw(st.booleans()):
        pairs = draw(
            st.lists(
                st.tuples(st.sampled_from(PARAM_NAMES), st.sampled_from(PARAM_VALUES)),
                max_size=4,
            )
        )
        query = "&".join(
            quote(k, safe="") + "=" + quote(v.encode("utf-8", "surrogatepass"), safe="")
            for k, v in pairs
        )
        if draw(st.booleans()):
            query += draw(st.sampled_from(["&", "=", "%", "%zz", "&&=&", "query", "%ff%fe"]))
        raw += b"?" + query.encode("latin-1")
    return raw or b"/"


def _header_value() -> st.SearchStrategy[bytes]:
    """Header bytes that keep the request one request: no CR, LF or NUL (those end a header)."""
    return st.binary(max_size=60).map(
        lambda b: b.replace(b"\r", b"").replace(b"\n", b"").replace(b"\x00", b"")
    )


@st.composite
def headers(draw: st.DrawFn) -> list[tuple[bytes, bytes]]:
    out: list[tuple[bytes, bytes]] = []
    for name, choices in (
        (b"Accept", ACCEPT),
        (b"If-None-Match", ETAGS),
        (b"Range", RANGES),
        (b"If-Range", ['"x"', "Tue, 01 Dec 2026 00:00:00 GMT", "nope"]),
        (b"If-Modified-Since", ["Tue, 01 Dec 2026 00:00:00 GMT", "yesterday", "0"]),
        (b"Origin", ["https://example.org", "null"]),
        (b"Accept-Encoding", ["gzip", "br, *;q=0", "identity;q=0"]),
    ):
        if draw(st.booleans()):
            out.append((name, draw(st.sampled_from(choices)).encode()))
    if draw(st.integers(0, 9)) == 0:
        name = draw(st.sampled_from([b"X-Fuzz", b"Cookie", b"Authorization"]))
        out.append((name, draw(_header_value())))
    return out


def _body() -> st.SearchStrategy[bytes]:
    return (
        st.sampled_from(QUERIES).map(lambda q: q.encode("utf-8", "surrogatepass"))
        | st.sampled_from(QUERIES).map(lambda q: b"query=" + quote(q).encode())
        | st.binary(max_size=300)
        | st.sampled_from([b"query=%ff", b"query=a&query=b", b"update=CLEAR+ALL", b"&=&=="])
    )


def _send(url: str, method: str, target: bytes, fields: list[tuple[bytes, bytes]], body: bytes,
          framing: str) -> Reply | None:  # fmt: skip
    host = [(b"Host", urlsplit(url).netloc.encode())]
    close = [(b"Connection", b"close")]
    if framing == "length":
        fields = [*fields, (b"Content-Length", str(len(body)).encode())] if body else fields
    elif framing == "chunked":
        fields, body = [*fields, (b"Transfer-Encoding", b"chunked")], chunked(body)
    elif framing == "length too short":  # the rest of the body is garbage after the request
        fields = [*fields, (b"Content-Length", str(max(0, len(body) // 2)).encode())]
    elif framing == "length too long":  # the client stops sending: the body is cut short
        fields = [*fields, (b"Content-Length", str(len(body) + 50).encode())]
    elif framing == "bad length":
        fields = [*fields, (b"Content-Length", b"-1")]
    elif framing == "bad chunks":
        fields, body = [*fields, (b"Transfer-Encoding", b"chunked")], b"zz\r\n" + body
    SENT.append(1)
    return request(
        url, method, target, host + fields + close, body, half_close=framing == "length too long"
    )


BROKEN_FRAMING = ("length too short", "length too long", "bad length", "bad chunks")


def _check(reply: Reply | None, framing: str, what: object) -> None:
    if reply is None and framing in BROKEN_FRAMING:
        return  # the server may drop a connection whose framing is broken; it never crashes
    assert _acceptable(reply), (what, reply and (reply.status, reply.body[:300]))


@FUZZ
@given(data=st.data())
def test_fuzzed_routes_never_answer_5xx(
    live: LiveServer, known: dict[str, object], data: st.DataObject
) -> None:
    """Every route, mutated paths and query strings, any method and common headers."""
    method = data.draw(st.sampled_from(METHODS))
    target = data.draw(targets(known))
    fields = data.draw(headers())
    body = data.draw(_body()) if method in ("POST", "PUT", "PATCH") else b""
    if body:
        fields.append((b"Content-Type", data.draw(st.sampled_from(CONTENT_TYPES)).encode()))
    reply = _send(live.url, method, target, fields, body, "length")
    _check(reply, "length", (method, target, fields, body[:200]))


@FUZZ
@given(data=st.data())
def test_fuzzed_sparql_posts_never_answer_5xx(live: LiveServer, data: st.DataObject) -> None:
    """POST /sparql with every body framing: exact, chunked, and Content-Length mismatches."""
    framing = data.draw(
        st.sampled_from(["length", "length", "chunked", "chunked", *BROKEN_FRAMING])
    )
    body = data.draw(_body())
    fields = [(b"Content-Type", data.draw(st.sampled_from(CONTENT_TYPES)).encode())]
    fields += data.draw(headers())
    target = data.draw(st.sampled_from([b"/sparql", b"/sparql?format=json", b"/sparql?query="]))
    reply = _send(live.url, "POST", target, fields, body, framing)
    _check(reply, framing, (framing, target, fields, body[:200]))


@FUZZ
@given(data=st.data())
def test_fuzzed_sparql_gets_never_answer_5xx(live: LiveServer, data: st.DataObject) -> None:
    """GET and HEAD /sparql: queries (valid, refused, malformed) with conneg and conditionals."""
    method = data.draw(st.sampled_from(["GET", "GET", "HEAD"]))
    text = data.draw(st.sampled_from(QUERIES) | st.text(max_size=80))
    params = [("query", text)] + data.draw(
        st.lists(st.tuples(st.sampled_from(PARAM_NAMES), st.sampled_from(PARAM_VALUES)), max_size=3)
    )
    query = "&".join(
        quote(k, safe="") + "=" + quote(v.encode("utf-8", "surrogatepass"), safe="")
        for k, v in params
    )
    reply = _send(live.url, method, b"/sparql?" + query.encode(), data.draw(headers()), b"", "")
    _check(reply, "", (method, params))


@FUZZ
@given(data=st.data())
def test_fuzzed_request_heads_never_answer_5xx(
    live: LiveServer, known: dict[str, object], data: st.DataObject
) -> None:
    """Odd methods, odd header names and values, overlong heads."""
    method = data.draw(st.sampled_from(WEIRD_METHODS + METHODS))
    odd = [b"*", b"http://evil.example/sparql", b"/" + b"a" * 20000, b"//", b"/%"]
    target = data.draw(targets(known) | st.sampled_from(odd))
    fields = data.draw(headers())
    name = data.draw(
        st.sampled_from([b"X-A", b"Accept", b"Content-Type", b"Transfer-Encoding", b"Expect"])
    )
    fields.append((name, data.draw(_header_value())))
    reply = _send(live.url, method, target, fields, b"", "")
    _check(reply, "", (method, target[:200], fields))


def test_the_fuzz_sent_enough_requests(request: pytest.FixtureRequest) -> None:
    """Runs last in this file: the four tests above put at least REQUIRED requests on the wire."""
    fuzz = [
        item
        for item in request.session.items
        if item.path == request.path and item.name.startswith("test_fuzzed_")
    ]
    if len(fuzz) < 4:
        pytest.skip("only part of the fuzz ran")
    assert len(SENT) >= REQUIRED, len(SENT)
