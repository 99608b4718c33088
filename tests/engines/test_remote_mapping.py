"""What the remote store sends an engine and makes of what it answers, without an engine: the
bindings inside the WHERE group, one prologue line, every engine error as ours, one form per
literal."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import URIRef

from powgraph.config import Settings
from powgraph.errors import PowgraphError
from powgraph.queries import read_queries
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
