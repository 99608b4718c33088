"""The SHACL gate: the real data conforms, and every shape rejects its negative fixture
(tests/fixtures/negative/<Shape>[--variant].ru, a SPARQL Update that breaks the mini graph)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH

from powgraph.checks.targets import engine_for, focus_nodes, sparql_targets
from powgraph.model.convert import text_graph
from powgraph.publish.build import Checked
from powgraph.records import Data
from tests.helpers import FIXTURES, MINI_BASE, run_shapes, violated_shapes

NEGATIVE = sorted((FIXTURES / "negative").glob("*.ru"))


def test_real_data_conforms(real_checked: Checked) -> None:
    assert real_checked.report.conforms, real_checked.report.text


def test_mini_fixture_conforms(
    mini_graph: Graph, mini_data: Data, shapes: tuple[Graph, Graph]
) -> None:
    report = run_shapes(mini_graph, mini_data, shapes)
    assert report.conforms, report.text


@pytest.mark.parametrize("fixture", NEGATIVE, ids=[p.stem for p in NEGATIVE])
def test_shape_rejects_its_negative_fixture(
    fixture: Path, mini_graph: Graph, mini_data: Data, shapes: tuple[Graph, Graph]
) -> None:
    before = set(mini_graph)
    mini_graph.update(fixture.read_text(encoding="utf-8"))
    assert set(mini_graph) != before, "the fixture changed nothing: its update matched no triple"
    report = run_shapes(mini_graph, mini_data, shapes)
    assert not report.conforms
    expected = fixture.stem.split("--")[0]
    assert expected in violated_shapes(report, shapes[0]), report.text


@pytest.mark.parametrize("fixture", NEGATIVE, ids=[p.stem for p in NEGATIVE])
def test_pyoxigraph_finds_the_focus_nodes_rdflib_finds(
    fixture: Path, mini_graph: Graph, mini_data: Data, shapes: tuple[Graph, Graph]
) -> None:
    """Every SPARQL target selects the same nodes on pyoxigraph as on rdflib (pyshacl's own
    engine), on each broken graph: the targets' answers are what pyshacl is given."""
    shapes_graph, ontology = shapes
    mini_graph.update(fixture.read_text(encoding="utf-8"))
    target = mini_graph + text_graph(mini_data, MINI_BASE) + ontology
    store = engine_for(target)
    found = {}
    for shape, _, query in sparql_targets(shapes_graph):
        by_rdflib = {row[0] for row in target.query(query)}  # type: ignore[index]
        assert focus_nodes(store, query) == by_rdflib, shape
        found[str(shape).rsplit("#", 1)[-1]] = by_rdflib
    broken = fixture.stem.split("--")[0]
    assert broken not in found or found[broken], "the fixture's own target found nothing"


def test_every_shape_has_a_negative_fixture(shapes: tuple[Graph, Graph]) -> None:
    shapes_graph = shapes[0]
    named = {
        str(s).rsplit("#", 1)[-1]
        for s in shapes_graph.subjects(RDF.type, SH.NodeShape)
        if str(s).startswith("https://w3id.org/powgraph/shapes#")
    }
    covered = {p.stem.split("--")[0] for p in NEGATIVE}
    assert named - {"AnyNode"} == covered
