"""Common prefixes are predeclared for /sparql, as Wikidata's service does; a query's own PREFIX
wins; an unknown prefix is named, with the ones it resembles and the line to add."""

from __future__ import annotations

import pytest
import requests

from powgraph.namespaces import QUERY_PREFIXES
from tests.helpers import DIRECT
from tests.web.conftest import LiveServer

COUNT = "SELECT (COUNT(*) AS ?n) { ?o pow:printedValue ?p }"


def _count(live: LiveServer, query: str) -> int:
    r = requests.post(live.sparql, data=query.encode(), headers=DIRECT, timeout=10)
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_predeclared_prefixes_need_no_prefix_line(live: LiveServer) -> None:
    declared = f"PREFIX pow: <{QUERY_PREFIXES['pow']}>\n{COUNT}"
    assert _count(live, COUNT) == _count(live, declared) > 0


def test_a_querys_own_prefix_wins(live: LiveServer) -> None:
    assert _count(live, f"PREFIX pow: <http://example.org/other#>\n{COUNT}") == 0


def test_an_unknown_prefix_is_named_with_a_suggestion(live: LiveServer) -> None:
    query = "SELECT * {\n  ?o powx:printedValue ?p }"
    r = requests.post(live.sparql, data=query.encode(), headers=DIRECT, timeout=10)
    error = r.json()["error"]
    assert r.status_code == 400 and error["line"] == 2
    assert "unknown prefix `powx:`" in error["message"]
    assert "did you mean `pow:`" in error["message"] and "PREFIX powx:" in error["message"]


@pytest.mark.parametrize(
    ("query", "line", "column"),
    [
        ("SELECT * { ?s zz:p ?o }", 1, 15),  # the engine says "expected OPTIONAL" here
        ("SELECT * WHERE { zz:x ?p ?o }", 1, 18),
        ("SELECT * { ?s a zz:C }", 1, 17),
        ("SELECT * { ?s ?p ?o FILTER (?o = zz:x) }", 1, 34),
        ("PREFIX zz: <http://example.org/>\nSELECT * { ?s zy:p ?o }", 2, 15),
    ],
)
def test_an_unknown_prefix_is_named_wherever_it_stands(
    live: LiveServer, query: str, line: int, column: int
) -> None:
    r = requests.post(live.sparql, data=query.encode(), headers=DIRECT, timeout=10)
    error = r.json()["error"]
    assert r.status_code == 400 and (error["line"], error["column"]) == (line, column), error
    prefix = query.splitlines()[line - 1][column - 1 :].split(":", 1)[0]
    assert f"unknown prefix `{prefix}:`" in error["message"]
    assert f"PREFIX {prefix}: <…>" in error["message"]


def test_the_service_description_lists_them(live: LiveServer) -> None:
    from rdflib import Graph
    from rdflib.namespace import SH

    turtle = requests.get(live.sparql, headers={"Accept": "text/turtle"}, timeout=10).text
    graph = Graph().parse(data=turtle, format="turtle")
    declared = {
        str(graph.value(d, SH.prefix)): str(graph.value(d, SH.namespace))
        for d in graph.objects(None, SH.declare)
    }
    assert declared == QUERY_PREFIXES
