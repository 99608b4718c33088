"""Read-only, no egress, limits: refused queries never reach the network, malformed input is
always a 4xx JSON answer, a runaway query is stopped within its budget and the server recovers."""

from __future__ import annotations

import random
import time

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import DIRECT, descendants
from tests.web.conftest import QUERY_TIMEOUT, LiveServer, Recorder


def _egress_queries(url: str) -> list[str]:
    service = f"SERVICE <{url}> {{ ?s ?p ?o }}"
    return [
        f"SELECT * {{ {service} }}",
        f"SELECT * {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"select * {{ service <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ ?x ?y ?z OPTIONAL {{ {service} }} }}",
        f"SELECT * {{ {{ ?x ?y ?z }} UNION {{ {service} }} }}",
        f"SELECT * {{ ?x ?y ?z FILTER EXISTS {{ {service} }} }}",
        f"SELECT * {{ ?x ?y ?z FILTER NOT EXISTS {{ {service} }} }}",
        f"SELECT * {{ {{ SELECT * {{ {service} }} }} }}",
        f"SELECT * {{ MINUS {{ {service} }} }}",
        f"ASK {{ GRAPH ?g {{ {service} }} }}",
        f"SELECT * {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{url}> {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{url}> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"PREFIX l: <{url}> SELECT * FROM l:data {{ ?s ?p ?o }}",
        f"CONSTRUCT {{ ?s ?p ?o }} FROM <{url}> WHERE {{ ?s ?p ?o }}",
        f"LOAD <{url}>",
        f"LOAD SILENT <{url}> INTO GRAPH <http://g>",
        f"INSERT DATA {{ <{url}> <p> <o> }}",
        f"DELETE WHERE {{ ?s ?p ?o }} ; LOAD <{url}>",
    ]


def test_egress_and_updates_are_refused(live: LiveServer, logger: str) -> None:
    statuses = []
    for query in _egress_queries(logger):
        statuses.append(requests.get(live.sparql, params={"query": query}, timeout=10).status_code)
        statuses.append(
            requests.post(live.sparql, data=query.encode(), headers=DIRECT, timeout=10).status_code
        )
    for update in (f"LOAD <{logger}>", "CLEAR ALL"):
        statuses.append(requests.post(live.sparql, data={"update": update}, timeout=10).status_code)
        statuses.append(
            requests.post(
                live.sparql,
                data=update.encode(),
                headers={"Content-Type": "application/sparql-update"},
                timeout=10,
            ).status_code
        )
        statuses.append(
            requests.get(live.sparql, params={"update": update}, timeout=10).status_code
        )
    assert all(400 <= s < 500 for s in statuses), statuses
    # a protocol dataset naming a remote graph is an empty graph, never a download
    dataset = requests.get(
        live.sparql,
        params={
            "query": "ASK { ?s ?p ?o }",
            "default-graph-uri": logger,
            "named-graph-uri": logger,
        },
        timeout=10,
    )
    assert dataset.status_code == 200 and dataset.json()["boolean"] is False
    time.sleep(0.5)
    assert Recorder.hits == []


def _malformed() -> list[tuple[str, bytes]]:
    """At least 100 malformed requests, every class: (label, UTF-8 or raw body)."""
    valid = "PREFIX pow: <https://w3id.org/powgraph/def#> SELECT ?o WHERE { ?o pow:printedValue ?p FILTER(?p != 'x') } LIMIT 5"  # noqa: E501
    cases = [(f"truncated at {n}", valid[:n].encode()) for n in range(5, len(valid) - 1, 3)]
    cases += [
        ("unknown prefix", b"SELECT * { nope:a ?p ?o }"),
        ("unknown prefix in FROM", b"SELECT * FROM nope:g { ?s ?p ?o }"),
        ("bad regex", b"SELECT * { ?s ?p ?o FILTER(REGEX(STR(?o), '(')) }"),
        ("bad regex flags", b"SELECT * { ?s ?p ?o FILTER(REGEX(STR(?o), 'a', 'zz')) }"),
        ("bad replace", b"SELECT (REPLACE('a', '[', 'b') AS ?x) {}"),
        ("huge LIMIT", b"SELECT * { ?s ?p ?o } LIMIT 999999999999999999999999999"),
        ("huge OFFSET", b"SELECT * { ?s ?p ?o } OFFSET 999999999999999999999999999"),
        ("negative LIMIT", b"SELECT * { ?s ?p ?o } LIMIT -1"),
        ("no form", b"WHERE { ?s ?p ?o }"),
        ("empty", b""),
        ("only a comment", b"# nothing"),
        ("unbalanced", b"SELECT * { { ?s ?p ?o }"),
        ("bad IRI", b"SELECT * { <http://a b> ?p ?o }"),
        ("bad literal", b"SELECT * { ?s ?p 'open }"),
        ("bad function", b"SELECT (nope(1) AS ?x) {}"),
        ("update keyword", b"SELECT * { ?s ?p ?o } ; INSERT DATA { <a> <b> <c> }"),
    ]
    for depth in (65, 100, 500, 5000):
        cases.append((f"nested braces {depth}", ("ASK " + "{" * depth + "}" * depth).encode()))
        cases.append(
            (
                f"nested parentheses {depth}",
                f"SELECT ({'(' * depth}1{')' * depth} AS ?x) {{}}".encode(),
            )
        )
    cases += [
        ("invalid UTF-8", b"SELECT * { ?s ?p '\xff\xfe' }"),
        ("lone surrogate", b"ASK { '\xed\xa0\x80' }"),
        ("overlong", b"ASK { '\xc0\xaf' }"),
    ]
    rng = random.Random(20251231)
    cases += [(f"random bytes {i}", rng.randbytes(rng.randint(1, 400))) for i in range(40)]
    return cases


MALFORMED = _malformed()


def test_malformed_queries_are_4xx_json(live: LiveServer) -> None:
    assert len(MALFORMED) >= 100
    failures = []
    for label, body in MALFORMED:
        r = requests.post(live.sparql, data=body, headers=DIRECT, timeout=10)
        ok = 400 <= r.status_code < 500 and r.headers["Content-Type"].startswith("application/json")
        if not ok or "message" not in r.json().get("error", {}):
            failures.append((label, r.status_code, r.text[:200]))
    assert failures == []
    assert requests.get(live.url + "/health", timeout=10).json()["status"] == "ok"


def test_invalid_utf8_in_get_is_400(live: LiveServer) -> None:
    r = requests.get(live.sparql + "?query=ASK%20%7B%27%FF%27%7D", timeout=10)
    assert r.status_code == 400 and r.json()["error"]["kind"] == "encoding"


def test_oversized_queries_are_413_and_414(live: LiveServer) -> None:
    long = "ASK {} #" + "x" * 40_000
    assert (
        requests.post(live.sparql, data=long.encode(), headers=DIRECT, timeout=10).status_code
        == 413
    )
    assert requests.post(live.sparql, data={"query": long}, timeout=10).status_code == 413
    assert requests.get(live.sparql, params={"query": long}, timeout=10).status_code == 414
    huge = b"ASK {} #" + b"x" * 1_000_000
    assert requests.post(live.sparql, data=huge, headers=DIRECT, timeout=10).status_code == 413


def _settled(pid: int) -> set[int]:
    """The server's processes once their number has held still for half a second (a query
    process killed by an earlier test may still be being replaced)."""
    seen = descendants(pid)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = descendants(pid)
        if len(now) == len(seen):
            return now
        seen = now
    return seen


PATHOLOGICAL = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i "
    "FILTER(REGEX(CONCAT(STR(?c), STR(?f), STR(?i)), '^(a|aa|a?)+(b|bb|b?)+$')) }",
]


@pytest.mark.parametrize("query", PATHOLOGICAL, ids=["cartesian", "regex"])
def test_runaway_query_is_stopped_and_the_server_recovers(live: LiveServer, query: str) -> None:
    before = _settled(live.process.pid)
    started = time.monotonic()
    r = requests.post(live.sparql, data=query.encode(), headers=DIRECT, timeout=30)
    elapsed = time.monotonic() - started
    assert r.status_code == 503 and r.headers["Retry-After"]
    assert r.json()["error"]["kind"] == "timeout"
    assert elapsed <= QUERY_TIMEOUT + 1
    started = time.monotonic()
    after = requests.post(live.sparql, data=b"ASK { ?s ?p ?o }", headers=DIRECT, timeout=10)
    assert after.status_code == 200 and time.monotonic() - started < 0.2
    now = _settled(live.process.pid)
    assert len(now) == len(before), (before, now)  # the killed process was replaced, not left
    assert requests.get(live.url + "/health", timeout=10).status_code == 200


@settings(
    max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=300) | st.binary(max_size=300).map(lambda b: b.decode("latin-1")))
def test_fuzzed_query_text_is_200_400_or_413(live: LiveServer, text: str) -> None:
    r = requests.post(
        live.sparql, data=text.encode("utf-8", "surrogatepass"), headers=DIRECT, timeout=10
    )
    assert r.status_code in (200, 400, 413), (r.status_code, r.text[:300])
