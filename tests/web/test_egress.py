"""No egress, by construction: the guard reads a query as the engine does (escapes only inside
strings and IRIs), and a query process cannot reach the network even when the guard is bypassed.
A logging server on 127.0.0.1 must receive zero requests, ever."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
import requests

from powgraph.config import Settings
from powgraph.store import QueryFailed, QueryJob
from powgraph.store.embedded import EmbeddedStore, open_embedded
from tests.helpers import DIRECT
from tests.web.conftest import LiveServer, Recorder

ANSWER = "http://a"  # what the logging server answers: must never come back in a body


def _variants(url: str) -> list[str]:
    """Queries where a guard that decodes escapes everywhere (or not at all) and the engine
    disagree on where a string, an IRI, a comment or a keyword starts or ends."""
    service = f"SERVICE <{url}> {{ ?s ?p ?o }}"
    after = [
        r'BIND("\u005C" AS ?x)',
        r'BIND("\u005c" AS ?x)',
        r'BIND("\U0000005C" AS ?x)',
        r"BIND('\u005C' AS ?x)",
        r'BIND("\u0022" AS ?x)',
        r"BIND('\u0027' AS ?x)",
        r'BIND("""\u0022\u0022\u0022""" AS ?x)',
        r"BIND('''\u0027\u0027\u0027''' AS ?x)",
        r'BIND("\u000A" AS ?x)',
        r'BIND("\\" AS ?x)',
        r'BIND("\\\u0022" AS ?x)',
        r"BIND('\\\'' AS ?x)",
        r'BIND("\"" AS ?x)',
        'BIND("""a""b"" """ AS ?x)',
        'BIND("' + "x" * 10_000 + r'\u005C" AS ?x)',
        r"BIND(<http://x/\u003E> AS ?x)",
        r"BIND(<http://x/\u0022> AS ?x)",
        r"BIND(<http://x#\u005C> AS ?x)",
        "BIND(<http://x#> AS ?x)",
        r"?s ex:a\# ?o .",
        r"?s ex:a\' ?o .",
        '# a comment with a quote " and an escape \\u000A\n',
        "# \r",
        "# \u2028 still a comment\n",
        r'VALUES ?x { "\u005C" }',
        r'FILTER("\u005C" != "")',
    ]
    queries = [
        f'PREFIX ex: <http://e/> SELECT * {{ {prefix} {service} BIND("" AS ?y) }}'
        for prefix in after
    ]
    queries += [
        f"SELECT * {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ SERV\\u0049CE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ \\U00000053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ sErViCe SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"BASE <{url}> SELECT * {{ SERVICE <x> {{ ?s ?p ?o }} }}",
        f"PREFIX r: <{url}> SELECT * {{ SERVICE r:x {{ ?s ?p ?o }} }}",
        f"SELECT * {{ SERVICE <{url.replace(':', chr(92) + 'u003A', 1)}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * {{ ?s ?p ?o }} # \\u000A SERVICE <{url}> {{ }}",
        f"SELECT * {{ BIND('''\\u0027''' AS ?x) {service} }}",
        f'SELECT * FROM <{url}> {{ ?s ?p ?o BIND("\\u005C" AS ?x) }}',
        f"SELECT * {{ ?s ?p ?o }} ; LOAD <{url}>",
    ]
    return queries


def _send(live: LiveServer, query: str) -> list[requests.Response]:
    return [
        requests.get(live.sparql, params={"query": query}, timeout=30),
        requests.post(live.sparql, data={"query": query}, timeout=30),
        requests.post(live.sparql, data=query.encode(), headers=DIRECT, timeout=30),
    ]


def test_tokeniser_mismatches_never_reach_the_network(live: LiveServer, logger: str) -> None:
    variants = _variants(logger)
    assert len(variants) >= 31
    answered = []
    for query in variants:
        for r in _send(live, query):
            assert r.status_code < 500, (query[:120], r.status_code, r.text[:200])
            assert ANSWER not in r.text, query[:120]
            answered.append(r.status_code)
    time.sleep(0.5)
    assert Recorder.hits == []
    assert answered.count(200) < len(answered)  # the guard did refuse (most of) them


def test_ssrf_payload_of_the_report_is_refused(live: LiveServer, logger: str) -> None:
    query = (
        f'SELECT * {{ BIND("\\u005C" AS ?x) SERVICE <{logger}x> {{ ?s ?p ?o }} BIND("" AS ?y) }}'
    )
    for r in _send(live, query):
        assert r.status_code == 400 and r.json()["error"]["kind"] == "service"
    time.sleep(0.5)
    assert Recorder.hits == []


def test_a_limit_hidden_in_a_comment_does_not_lift_the_row_cap(live: LiveServer) -> None:
    query = 'SELECT ?a ?b ?c ?d ("\\u005C" AS ?z) WHERE { ?a ?b ?c . ?d a ?t } # " ) LIMIT 10'
    r = requests.post(live.sparql, data=query.encode(), headers=DIRECT, timeout=30)
    assert r.status_code == 200
    cap = int(r.headers["X-Powgraph-Row-Cap"])
    assert r.headers["X-Powgraph-Truncated"] == "true"
    assert len(r.json()["results"]["bindings"]) == cap


@pytest.fixture(scope="module")
def bare_store(built: Settings) -> Iterator[EmbeddedStore]:
    """Query processes used directly, with no guard in front."""
    store = open_embedded(built, built.served_store, 1)
    yield store
    store.close()


def test_without_the_guard_a_query_process_still_cannot_reach_the_listener(
    bare_store: EmbeddedStore, logger: str
) -> None:
    assert bare_store.confinement.network_denied
    port = logger.rsplit(":", 1)[1].strip("/")
    for query in (
        f"SELECT * {{ SERVICE <{logger}x> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ BIND(<{logger}y> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * {{ ?s ?p ?o SERVICE <{logger}z> {{ ?s ?p ?o }} }} LIMIT 1",
    ):
        with pytest.raises(QueryFailed) as failed:
            bare_store.run(QueryJob(query, "json"), untrusted=True)
        assert port not in str(failed.value) and "127.0.0.1" not in str(failed.value)
    silent = bare_store.run(
        QueryJob(f"SELECT * {{ SERVICE SILENT <{logger}s> {{ ?s ?p ?o }} }}", "json"), True
    )
    assert ANSWER not in silent.body.decode()
    time.sleep(0.5)
    assert Recorder.hits == []


def test_the_byte_cap_cuts_an_answer_into_a_whole_document(built: Settings) -> None:
    settings = replace(built, byte_cap=4096)
    store = open_embedded(settings, settings.served_store, 1)
    try:
        select = store.run(QueryJob("SELECT ?s ?p ?o { ?s ?p ?o }", "json"), untrusted=True)
        graph = store.run(QueryJob("CONSTRUCT WHERE { ?s ?p ?o }", "ntriples"), untrusted=True)
    finally:
        store.close()
    assert select.truncated and len(select.body) <= 4096
    document = json.loads(select.body)
    assert document["head"]["link"] and document["results"]["bindings"]
    assert graph.truncated and 0 < len(graph.body) <= 4096
    assert graph.body.endswith(b" .\n")


@pytest.mark.parametrize("module", ["powgraph.store.query_process", "powgraph.cli"])
def test_a_query_process_imports_only_the_engine(module: str) -> None:
    """Each query process holds its own copy of what it imports: its own module, and the main
    module (multiprocessing imports it again in every process it starts; under `powgraph
    serve`, the CLI). Not rdflib, Flask, pySHACL or the web."""
    code = (
        f"import sys, {module}\n"
        "heavy = ('rdflib', 'flask', 'pyshacl', 'powgraph.web')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_small_store_answers_from_memory_as_from_disk(built: Settings) -> None:
    """The real data is copied into each query process's memory (it is small); every answer
    is the one the on-disk store gives."""
    queries = [
        "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
        "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 500",
    ]
    memory = open_embedded(built, built.served_store, 1)
    disk = open_embedded(replace(built, memory_store_quads=0), built.served_store, 1)
    try:
        assert memory.in_memory and not disk.in_memory
        for query in queries:
            fmt = "ntriples" if query.startswith("CONSTRUCT") else "json"
            job = QueryJob(query, fmt)
            assert memory.run(job).body == disk.run(job).body, query
    finally:
        memory.close()
        disk.close()
