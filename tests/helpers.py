"""Helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, QB, SH

from powgraph.checks import Report, validate
from powgraph.model.convert import text_graph
from powgraph.namespaces import OA
from powgraph.records import Data, SourceFile

FIXTURES = Path(__file__).parent / "fixtures"
MINI_DATA = FIXTURES / "mini" / "data"
MINI_BASE = "https://example.org/test/"
# The founding source (data/sources/2025-12-31-iwtl-report.yaml): the tests that check its
# figures look only at its data set, so that more sources change nothing for them.
FOUNDING = "2025-12-31-iwtl-report"
# The Content-Type of a query posted directly (SPARQL 1.1 Protocol, 2.1.3).
DIRECT = {"Content-Type": "application/sparql-query"}


def dataset_iri(base_iri: str, key: str = FOUNDING) -> URIRef:
    """The qb:DataSet of one source."""
    return URIRef(f"{base_iri}id/dataset/{key}")


def source_file(data: Data, key: str = FOUNDING) -> SourceFile:
    found = [sf for sf in data.sources if sf.source.key == key]
    assert len(found) == 1, f"no single source with key {key!r}"
    return found[0]


def observations_of(graph: Graph, dataset: URIRef) -> set[URIRef]:
    return set(graph.subjects(QB.dataSet, dataset))  # type: ignore[arg-type]


def claims_of(graph: Graph, dataset: URIRef) -> set[URIRef]:
    return set(graph.subjects(DCTERMS.isPartOf, dataset))  # type: ignore[arg-type]


def number(graph: Graph, node: URIRef, prop: URIRef) -> Decimal | None:
    value = graph.value(node, prop)
    return None if value is None else Decimal(str(value))


def exact(graph: Graph, node: URIRef) -> str:
    """The verbatim quote an observation or a claim was derived from."""
    quote = graph.value(node, PROV.wasDerivedFrom)
    return str(graph.value(graph.value(quote, OA.hasSelector), OA.exact))


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (children, their children...), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    stat = fh.read()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    out, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.add(child)
            todo.append(child)
    return out


def run_shapes(graph: Graph, data: Data, shapes: tuple[Graph, Graph]) -> Report:
    shapes_graph, ontology = shapes
    return validate(graph, shapes_graph, ontology, extra=text_graph(data, MINI_BASE))


def violated_shapes(report: Report, shapes_graph: Graph) -> set[str]:
    """Local names of the named node shapes behind each violation (property shapes are
    blank nodes: their parent node shape is reported instead)."""
    names = set()
    for result in report.graph.subjects(SH.resultSeverity, SH.Violation):
        shape = report.graph.value(result, SH.sourceShape)
        while isinstance(shape, BNode):
            shape = shapes_graph.value(None, SH.property, shape)
        names.add(str(shape).rsplit("#", 1)[-1])
    return names
