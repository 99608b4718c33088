"""Any SPARQL endpoint as a store (here: our own live server): what it holds is asked of it,
bindings travel as a VALUES block, the row cap holds on what it answers, and its answers are
written again by powgraph, whole or as they come."""

from __future__ import annotations

import io
import json

import pytest
import requests
from rdflib import URIRef

from powgraph.store import QueryJob, remote
from powgraph.store.remote import RemoteStore
from tests.web.conftest import LiveServer

OBSERVATIONS = "SELECT ?o { ?o a <http://purl.org/linked-data/cube#Observation> }"


def test_the_endpoint_says_what_it_holds(live: LiveServer) -> None:
    store = RemoteStore(live.sparql, row_cap=3, timeout=10)
    health = requests.get(live.url + "/health", timeout=10).json()
    assert store.info.triples == health["triples"]
    assert sum(store.info.graphs.values()) == health["triples"]


def test_bindings_and_the_row_cap_hold_remotely(live: LiveServer) -> None:
    store = RemoteStore(live.sparql, row_cap=3, timeout=10)
    capped = store.run(QueryJob(OBSERVATIONS, "json"))
    document = json.loads(capped.body)
    assert capped.truncated and len(document["results"]["bindings"]) == 3
    first = URIRef(document["results"]["bindings"][0]["o"]["value"])
    bound = store.run(QueryJob(OBSERVATIONS, "json", bindings=(("o", first),)))
    rows = json.loads(bound.body)["results"]["bindings"]
    assert not bound.truncated and [r["o"]["value"] for r in rows] == [str(first)]


def test_a_large_answer_is_read_as_it_comes_with_the_same_rows(
    live: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = RemoteStore(live.sparql, row_cap=100_000, timeout=10)
    whole = json.loads(store.run(QueryJob(OBSERVATIONS, "json")).body)
    monkeypatch.setattr(remote, "WHOLE", 64)  # every answer is larger: streamed, row by row
    streamed = json.loads(store.run(QueryJob(OBSERVATIONS, "json")).body)
    assert streamed["results"] == whole["results"] and len(whole["results"]["bindings"]) > 3


XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


@pytest.mark.parametrize(
    "cell",
    [  # the keys of a term in either order, as engines write them
        {"type": "literal", "datatype": XSD_BOOLEAN, "value": "1"},
        {"type": "literal", "value": "1", "datatype": XSD_BOOLEAN},
    ],
)
def test_an_engines_booleans_are_made_canonical_in_a_whole_answer(
    live: LiveServer, cell: dict[str, str]
) -> None:
    """Virtuoso writes xsd:boolean as 0 and 1: such an answer is written again term by term."""
    store = RemoteStore(live.sparql, row_cap=10, timeout=10)
    number = {"type": "literal", "value": "0", "datatype": XSD_BOOLEAN.replace("boolean", "int")}
    document = {"head": {"vars": ["b", "n"]}, "results": {"bindings": [{"b": cell, "n": number}]}}
    body = io.BufferedReader(io.BytesIO(json.dumps(document, indent=1).encode()))
    answer = store._write(body, "application/sparql-results+json", "json", False, 10)
    (row,) = json.loads(answer.body)["results"]["bindings"]
    assert row["b"] == {"type": "literal", "value": "true", "datatype": XSD_BOOLEAN}
