"""Helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

from pathlib import Path

from rdflib import BNode, Graph
from rdflib.namespace import SH

from powgraph.convert import text_graph
from powgraph.load import Data
from powgraph.validate import Report, validate

FIXTURES = Path(__file__).parent / "fixtures"
MINI_DATA = FIXTURES / "mini" / "data"
MINI_BASE = "https://example.org/test/"


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
