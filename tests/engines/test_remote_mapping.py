"""What the remote store sends an engine and makes of what it answers, without an engine: the
bindings inside the WHERE group, one prologue line, every engine error as ours, one form per
literal."""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import URIRef

from powgraph.config import Settings
from powgraph.errors import PowgraphError
from powgraph.queries import Parameter, read_queries
from powgraph.store import QueryFailed, QueryJob, QueryTimeout, Unavailable
from powgraph.store.remote import _canonical, _engine_error, prologue, with_bindings

ENTITY = (("entity", URIRef("https://w3id.org/powgraph/id/x")),)


def test_bindings_join_inside_the_where_group_before_its_limit() -> None:
    """At the end of the query a VALUES block would join after LIMIT 500 (what links to an
    entity would be the first 500 links of all, then filtered)."""
    text = "SELECT ?s WHERE {\n  ?s ?p ?entity .\n}\nLIMIT 500"
    bound = with_bindings(text, ENTITY)
    assert bound.startswith(
        "SELECT ?s WHERE { VALUES (?entity) { (<https://w3id.org/powgraph/id/x>) }"
    )
    assert bound.endswith("LIMIT 500")
    assert with_bindings("ASK { ?entity ?p ?o }", ENTITY).startswith("ASK { VALUES (?entity)")
    with pytest.raises(PowgraphError, match="WHERE"):
        with_bindings("CONSTRUCT { ?entity ?p ?o } { ?entity ?p ?o }", ENTITY)


def test_every_parameterised_query_can_be_bound(settings: Settings) -> None:
    for folder in ("", "linked-data"):
        for query in read_queries(settings.queries_dir / folder):
            if query.parameters:
                assert "VALUES" in with_bindings(query.text, ENTITY), query.name


def test_the_prologue_is_one_line_and_a_query_keeps_its_own_prefixes() -> None:
    job = QueryJob(
        "PREFIX pow: <urn:mine#>\nSELECT * {}",
        "json",
        base_iri="http://127.0.0.1:8000/sparql",
        prefixes=(("pow", "https://w3id.org/powgraph/def#"), ("qb", "http://qb#")),
    )
    line = prologue(job)
    assert line == "BASE <http://127.0.0.1:8000/sparql> PREFIX qb: <http://qb#>\n"
    assert prologue(QueryJob("SELECT * {}", "json")) == "\n"


@pytest.mark.parametrize(
    ("status", "body", "kind", "message", "line", "column"),
    [
        # the Oxigraph server
        (
            400,
            b"error at 3:19: expected one of LATERAL, SERVICE",
            "syntax",
            "error at 2:19: expected one of LATERAL, SERVICE",
            2,
            19,
        ),
        # Virtuoso: its codes cut, the echo of the query left out
        (
            400,
            b"Virtuoso 37000 Error SP030: SPARQL compiler, line 2: syntax error at '}'"
            b"\n\nSPARQL query:\nSELECT * { ?s ?p }",
            "syntax",
            "line 1: syntax error at '}'",
            1,
            None,
        ),
        (
            500,
            b"Virtuoso 22012 Error SR087: Division by 0.\n\nSPARQL query:\n...",
            "evaluation",
            "Division by 0.",
            None,
            None,
        ),
        (
            500,
            b"Virtuoso HTCLI Error HC001: Connection Error in HTTP Client\n",
            "evaluation",
            "the query needs a network access this endpoint never has",
            None,
            None,
        ),
    ],
)
def test_an_engine_refusal_is_our_400(
    status: int, body: bytes, kind: str, message: str, line: int | None, column: int | None
) -> None:
    error = _engine_error(status, body)
    assert isinstance(error, QueryFailed) and error.http_status == 400
    assert (error.kind, str(error), error.line, error.column) == (kind, message, line, column)


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (
            500,
            b"Virtuoso S1T00 Error SR171: Transaction timed out\n\nSPARQL query:\n",
            QueryTimeout,
        ),
        (500, b"Query evaluation timeout", QueryTimeout),
        (404, b"<html>Not Found</html>", Unavailable),
        (401, b"", Unavailable),
        (502, b"Bad Gateway", Unavailable),
        (500, b"", Unavailable),
    ],
)
def test_an_engine_that_cannot_answer_is_our_503(
    status: int, body: bytes, expected: type[Unavailable]
) -> None:
    error = _engine_error(status, body)
    assert type(error) is expected and error.http_status == 503
    assert "Virtuoso" not in str(error) and "<html>" not in str(error)


def test_booleans_are_written_in_their_canonical_form() -> None:
    boolean = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
    assert _canonical(ox.Literal("0", datatype=boolean)) == ox.Literal("false", datatype=boolean)
    assert _canonical(ox.Literal("1", datatype=boolean)) == ox.Literal("true", datatype=boolean)
    assert _canonical(ox.Literal("1")) == ox.Literal("1")


SAMPLE = 12  # values tried for each parameter of each query
_FIRST = re.compile(r"\bLIMIT\s+\d+\s*$")  # a query's own LIMIT, at its end


def _answers(store: ox.Store, text: str, **options: Any) -> list[tuple[str, ...]] | set[str]:
    """A query's answer, comparable: sorted rows of SELECT (ties may come in any order), the
    set of triples of CONSTRUCT."""
    result = store.query(text, **options)
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return sorted(tuple(str(row[n]) for n in names) for row in result)
    assert isinstance(result, ox.QueryTriples)
    return {str(triple) for triple in result}


def _values(store: ox.Store, parameter: Parameter) -> list[URIRef]:
    """The parameter's default and a spread of the store's typed entities (or named graphs)."""
    pick = (
        "SELECT DISTINCT ?x { GRAPH ?x {} }"
        if parameter.name == "graph"
        else ("SELECT DISTINCT ?x { ?x a ?class FILTER isIRI(?x) } ORDER BY ?x")
    )
    found = [row["x"].value for row in store.query(pick)]  # type: ignore[union-attr]
    spread = found[:: max(1, len(found) // SAMPLE)]
    return [URIRef(v) for v in ([parameter.default] if parameter.default else []) + spread]


def test_bound_queries_answer_remotely_as_the_engine_substitutes_them(built: Settings) -> None:
    """Every parameterised query of ours, with a spread of values: the text the remote store
    sends (the VALUES block, the variable pinned in its patterns) answers on pyoxigraph what
    the embedded store's substitutions answer."""
    store = ox.Store.read_only(str(built.served_store / "oxigraph"))
    for folder in ("", "linked-data"):
        for query in read_queries(built.queries_dir / folder):
            if not query.parameters:
                continue
            (parameter,) = query.parameters
            answered = 0
            for value in _values(store, parameter):
                bound = ((parameter.name, value),)
                substitutions = {ox.Variable(parameter.name): ox.NamedNode(str(value))}
                expected = _answers(store, query.text, substitutions=substitutions)
                sent = _answers(store, with_bindings(query.text, bound))
                first = _FIRST.search(query.text)
                if first and "ORDER BY" not in query.text:  # any of the rows may come first
                    every = _answers(
                        store, query.text[: first.start()], substitutions=substitutions
                    )
                    assert len(sent) == len(expected) and set(sent) <= set(every), query.name
                else:
                    assert sent == expected, (query.name, str(value))
                answered += bool(expected)
            assert answered, f"{query.name}: no value tried had an answer"


@pytest.mark.parametrize(
    ("text", "pinned"),
    [
        # a pattern, a GRAPH name and a group inside OPTIONAL: pinned
        ("SELECT ?entity ?o { GRAPH ?entity { ?entity ?p ?o OPTIONAL { ?o ?q ?entity } } }", 3),
        # an expression, a string, a comment, the projection: left to the VALUES block
        ('SELECT ?entity { ?s ?p ?o FILTER (?o != ?entity) BIND ("?entity" AS ?x) } #?entity', 0),
        # a subquery that does not project it has a variable of its own of that name
        ("SELECT ?entity ?n { ?entity ?p ?o { SELECT (COUNT(*) AS ?n) { ?entity ?q ?r } } }", 1),
        # one that projects it shares it: pinned in its pattern, not in its projection
        ("SELECT ?entity ?n { { SELECT ?entity ?n { ?entity ?q ?n } ORDER BY ?entity } }", 1),
        # MINUS removes solutions that share a variable: nothing pinned
        ("SELECT ?entity ?o { ?entity ?p ?o MINUS { ?entity <urn:x> ?q } }", 0),
    ],
)
def test_a_bound_variable_is_pinned_only_where_the_answer_stays_the_same(
    text: str, pinned: int
) -> None:
    store = ox.Store()
    for i in range(3):
        store.add(ox.Quad(ox.NamedNode(f"urn:e{i}"), ox.NamedNode("urn:p"), ox.Literal(str(i))))
    store.add(ox.Quad(ox.NamedNode("urn:e0"), ox.NamedNode("urn:x"), ox.NamedNode("urn:e1")))
    store.add(ox.Quad(ox.NamedNode("urn:e1"), ox.NamedNode("urn:p"), ox.NamedNode("urn:e0")))
    bound = with_bindings(text, (("entity", URIRef("urn:e0")),))
    assert bound.count("<urn:e0>") == 1 + pinned  # the VALUES block, and each pinned place
    expected = _answers(store, text, substitutions={ox.Variable("entity"): ox.NamedNode("urn:e0")})
    assert _answers(store, bound) == expected


def test_bindings_can_be_left_to_the_values_block_alone() -> None:
    text = "SELECT ?entity ?o { ?entity ?p ?o }"
    assert with_bindings(text, ENTITY, pin=False).endswith("?entity ?p ?o }")
    assert with_bindings(text, ENTITY).endswith("<https://w3id.org/powgraph/id/x> ?p ?o }")
