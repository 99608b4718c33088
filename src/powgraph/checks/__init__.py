"""pyshacl over the converted graph, the shapes' SPARQL targets found by pyoxigraph
(targets.py). The result is data (a Report), not an exception: the CLI
maps it to exit codes, the build refuses to write when it does not conform."""

from __future__ import annotations

from dataclasses import dataclass

from pyshacl import validate as shacl_validate
from rdflib import Graph

from powgraph.checks.targets import resolved


@dataclass(frozen=True)
class Report:
    conforms: bool
    graph: Graph
    text: str


def validate(data: Graph, shapes: Graph, ontology: Graph, extra: Graph | None = None) -> Report:
    """Validate ``data`` (plus validation-only ``extra`` facts such as source texts)."""
    target = data if extra is None else data + extra
    conforms, results, text = shacl_validate(
        target,
        shacl_graph=resolved(shapes, target + ontology),  # pyshacl mixes the ontology in too
        ont_graph=ontology,
        inference="none",
        allow_warnings=True,
        advanced=True,
    )
    if not isinstance(results, Graph):  # pyshacl reports a broken shapes graph this way
        raise RuntimeError(f"SHACL validation could not run: {text}")
    return Report(bool(conforms), results, str(text))
