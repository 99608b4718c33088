"""The query guard's lexer: keywords count only where SPARQL would read them as keywords."""

from __future__ import annotations

import pytest

from powgraph.web.guard import MAX_NESTING, QueryRejected, inspect

REFUSED = [
    ("SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }", "service"),
    ("select * { service silent <http://x/> { ?s ?p ?o } }", "service"),
    ("SELECT * { OPTIONAL { SERVICE <http://x/> { ?s ?p ?o } } }", "service"),
    ("SELECT * { { ?s ?p ?o } UNION { SERVICE <http://x/> { ?s ?p ?o } } }", "service"),
    ("SELECT * { ?s ?p ?o FILTER EXISTS { SERVICE <http://x/> { ?s ?p ?o } } }", "service"),
    ("SELECT * { { SELECT * { SERVICE <http://x/> { ?s ?p ?o } } } }", "service"),
    ("SELECT * { \\u0053ERVICE <http://x/> { ?s ?p ?o } }", "syntax"),
    ("SELECT * { SERVICE ?endpoint { ?s ?p ?o } }", "service"),
    ("INSERT DATA { <a> <b> <c> }", "update"),
    ("LOAD <http://127.0.0.1:1/data.ttl>", "update"),
    ("CLEAR ALL", "update"),
    ("SELECT * {} ; DROP ALL", "update"),
    ("ASK {" + "{" * (MAX_NESTING + 1) + "}" * (MAX_NESTING + 2), "too-deep"),
    ("<http://x> <p> <o>", "syntax"),
]
ALLOWED = [
    ("SELECT * { ?s ?p 'SERVICE <http://x/> { }' }", "SELECT"),
    ("SELECT * { ?s <http://example.org/SERVICE> ?o }", "SELECT"),
    ("SELECT * { ?s ?p ?o } # SERVICE <http://x/> and INSERT in a comment", "SELECT"),
    ("PREFIX ex: <http://e/> SELECT * { ?s ex:service ?load }", "SELECT"),
    ('SELECT * { ?s ?p """multi\nline INSERT""" }', "SELECT"),
    ("SELECT * { _:insert ?p ?o }", "SELECT"),
    ("ASK { ?a ?b ?c FILTER (?c < 3 && ?c > 1) }", "ASK"),
    ("construct where { ?s ?p ?o }", "CONSTRUCT"),
    ("DESCRIBE <http://x>", "DESCRIBE"),
]


@pytest.mark.parametrize(("query", "kind"), REFUSED)
def test_refused(query: str, kind: str) -> None:
    with pytest.raises(QueryRejected) as caught:
        inspect(query)
    assert caught.value.kind == kind
    assert 400 <= caught.value.http_status < 500


@pytest.mark.parametrize(("query", "form"), ALLOWED)
def test_allowed(query: str, form: str) -> None:
    assert inspect(query).form == form


def test_from_graphs_are_resolved() -> None:
    query = "BASE <http://b/> PREFIX g: <http://g/> SELECT * FROM <rel> FROM NAMED g:two { }"
    assert inspect(query).graphs == ("http://b/rel", "http://g/two")


def test_constant_regexes_are_collected() -> None:
    query = """SELECT * { ?s ?p ?o FILTER(REGEX(STR(?o), "^a(b", "i"))
               BIND(REPLACE(?o, 'x', 'y') AS ?r) }"""
    assert inspect(query).regexes == (("^a(b", "i"), ("x", ""))


def test_relative_iris_are_noticed() -> None:
    assert inspect("CONSTRUCT { <s> <p> 1 } WHERE {}").relative
    assert not inspect("ASK { <http://a> ?p ?o }").relative
