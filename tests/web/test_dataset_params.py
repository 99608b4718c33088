"""The dataset a query runs on: FROM may name only graphs in the store (else a 400 naming it);
the protocol's default-graph-uri and named-graph-uri choose among the store's graphs, and a
graph outside it is empty, as the W3C protocol suite expects."""

from __future__ import annotations

import pytest
import requests

from tests.web.conftest import LiveServer

DATA = "https://w3id.org/powgraph/id/graph/vocabulary"
ONTOLOGY = "https://w3id.org/powgraph/def"
OUTSIDE = "http://kasei.us/2009/09/sparql/data/data0.rdf"
COUNT = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
NAMED = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"


def _count(response: requests.Response) -> int:
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("name", ["default-graph-uri", "named-graph-uri"])
def test_a_graph_outside_the_store_is_an_empty_graph(live: LiveServer, name: str) -> None:
    """What the W3C protocol suite expects (it names graphs of its own), and never a download."""
    query = COUNT if name == "default-graph-uri" else NAMED
    r = requests.get(live.sparql, params={"query": query, name: OUTSIDE}, timeout=10)
    assert _count(r) == 0


def test_from_outside_the_store_is_400_naming_it(live: LiveServer) -> None:
    r = requests.get(live.sparql, params={"query": f"SELECT * FROM <{OUTSIDE}> {{}}"}, timeout=10)
    assert r.status_code == 400 and r.json()["error"] == {
        "status": 400,
        "kind": "graph",
        "message": f"FROM names a graph that is not in this store: <{OUTSIDE}>",
    }


def test_graphs_in_the_store_make_the_dataset(live: LiveServer) -> None:
    union = _count(requests.get(live.sparql, params={"query": COUNT}, timeout=10))
    data = _count(
        requests.get(live.sparql, params={"query": COUNT, "default-graph-uri": DATA}, timeout=10)
    )
    ontology = _count(
        requests.get(
            live.sparql, params={"query": COUNT, "default-graph-uri": ONTOLOGY}, timeout=10
        )
    )
    assert 0 < data < union and 0 < ontology < union
    named = _count(
        requests.post(live.sparql, data={"query": NAMED, "named-graph-uri": ONTOLOGY}, timeout=10)
    )
    assert named == ontology
