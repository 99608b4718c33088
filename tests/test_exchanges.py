"""Exchanges are events: the figures counted in one point at it, each side's count is its own
authority's statement, and a canned query answers an exchange with its per-side counts."""

from __future__ import annotations

import json

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from powgraph.config import Settings
from powgraph.namespaces import POW, PROV
from powgraph.publish.build import Checked
from powgraph.queries import bind, read_queries, rows
from powgraph.store import QueryJob
from powgraph.store.embedded import run_job
from powgraph.store.query_process import Limits


def _answer(checked: Checked, settings: Settings, name: str) -> list[dict[str, object]]:
    store = ox.Store()
    store.bulk_load(checked.union, format=ox.RdfFormat.N_TRIPLES)
    query = {q.name: q for q in read_queries(settings.queries_dir)}[name]
    job = QueryJob(query.text, "json", bindings=bind(query, {}))
    answer = run_job(store, job, Limits(settings.row_cap, settings.byte_cap, memory=0))
    return rows(json.loads(answer.body))[1]


def test_the_exchange_query_gives_each_sides_counts(
    real_checked: Checked, settings: Settings
) -> None:
    graph = real_checked.graph
    found = _answer(real_checked, settings, "exchange")
    (exchange,) = {r["exchange"] for r in found}
    counted = set(graph.subjects(POW.event, URIRef(str(exchange))))
    assert {URIRef(str(r["observation"])) for r in found} == counted
    sides = {r["side"] for r in found}
    assert len(sides) == 2  # returned to Ukraine, returned to Russia
    for side in sides:  # each side's counts stated by one authority, not the same for both
        assert len({r["statedBy"] for r in found if r["side"] == side}) == 1
    assert len({r["statedBy"] for r in found}) == 2


def test_an_exchange_is_an_event_not_a_count(real_graph: Graph) -> None:
    exchanges = set(real_graph.subjects(RDF.type, POW.PrisonerExchange))
    assert exchanges
    for exchange in exchanges:
        assert real_graph.value(exchange, POW.party) is not None
        # nothing counts the event itself: figures point at it, it holds no figure
        assert real_graph.value(exchange, POW.statisticalVariable) is None
        assert real_graph.value(exchange, PROV.wasDerivedFrom) is None
