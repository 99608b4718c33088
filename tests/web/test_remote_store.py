"""Any SPARQL endpoint as a store (here: our own live server): what it holds is asked of it,
bindings travel as a VALUES block, and the row cap holds on what it answers."""

from __future__ import annotations

import json

import requests
from rdflib import URIRef

from powgraph.store import QueryJob
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
