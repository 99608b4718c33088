"""The shapes' SPARQL targets, evaluated by pyoxigraph and handed to pyshacl as focus nodes.

A SPARQL target is a query over the whole graph (two figures of one variable and period, a part
above its whole...). pyshacl evaluates it with rdflib, which took three quarters of a validation
and grew faster than the graph (benchmarks/RESULTS.md, "Where validation's time goes");
pyoxigraph answers the same queries in milliseconds. pyshacl stays the validator of record: it
checks every constraint of every shape on the focus nodes and writes the report; only the
finding of those nodes moves, by rewriting each SPARQL target as the ``sh:targetNode`` list it
selects (none: the shape has no focus node)."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

SELECT = SH.select


def prefixes(shapes: Graph) -> str:
    """PREFIX lines for every prefix the shapes declare (sh:declare)."""
    return "".join(
        f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
        for d in shapes.objects(None, SH.declare)
    )


def sparql_targets(shapes: Graph) -> list[tuple[Node, Node, str]]:
    """(shape, target node, its query with the shapes' prefixes) for every SPARQL target."""
    declared = prefixes(shapes)
    return sorted(
        (shape, target, declared + str(shapes.value(target, SELECT)))
        for shape, target in shapes.subject_objects(SH.target)
        if (target, SELECT, None) in shapes
    )


def engine_for(graph: Graph) -> ox.Store:
    """An in-memory pyoxigraph store holding ``graph``; blank nodes keep their labels (the
    parser keeps them, where the bulk loader renames them), so a focus node maps back."""
    store = ox.Store()
    nt = graph.serialize(format="nt", encoding="utf-8")
    store.extend(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
    return store


def focus_nodes(store: ox.Store, query: str) -> set[Node]:
    """The ?this of every solution of a target's query, as rdflib terms."""
    answer = store.query(query)
    assert isinstance(answer, ox.QuerySolutions)
    return {_rdflib(row["this"]) for row in answer if row["this"] is not None}


def resolved(shapes: Graph, graph: Graph) -> Graph:
    """A copy of ``shapes`` whose SPARQL targets are replaced by the nodes they select in
    ``graph`` (what pyshacl validates: the data mixed with the ontology)."""
    targets = sparql_targets(shapes)
    if not targets:
        return shapes
    store = engine_for(graph)
    out = Graph()
    for prefix, namespace in shapes.namespaces():
        out.bind(prefix, namespace)
    dropped = {target for _, target, _ in targets}
    for triple in shapes:
        if triple[0] not in dropped and not (triple[1] == SH.target and triple[2] in dropped):
            out.add(triple)
    for shape, _, query in targets:
        for node in focus_nodes(store, query):
            out.add((shape, SH.targetNode, node))
    return out


def _rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise ValueError(f"a focus node cannot be a triple term: {term}")
