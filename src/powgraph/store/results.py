"""SPARQL results to bytes, with the row cap. Solutions are written here (JSON, XML, CSV, TSV per
the W3C result formats) because pyoxigraph's serializer cannot stop at a cap; graphs are
written by pyoxigraph once capped. A truncated answer says so in its head (a `link`)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import IO, Any, cast
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

SOLUTION_FORMATS = ("json", "xml", "csv", "tsv")
BOOLEAN_FORMATS = ("json", "xml")
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
TRUNCATED_LINK = "https://w3id.org/powgraph/def#truncatedResults"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True)
class Serialized:
    body: bytes
    truncated: bool


def capped(items: Iterable[Any], cap: int) -> tuple[list[Any], bool]:
    taken = list(islice(iter(items), cap + 1))
    return taken[:cap], len(taken) > cap


NATIVE = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


_REGEX_CHECK = ox.Store()  # empty, in memory: REGEX needs no data


def invalid_regex(regexes: tuple[tuple[str, str], ...]) -> str | None:
    """What is wrong with the first constant regular expression the engine cannot compile (an
    engine would answer no rows, or fail mid-query); None when all compile."""
    for pattern, flags in regexes:
        check = _REGEX_CHECK.query(
            "SELECT ?p ?f (REGEX('', ?p, ?f) AS ?ok) {}",
            substitutions={
                ox.Variable("p"): ox.Literal(pattern),
                ox.Variable("f"): ox.Literal(flags),
            },
        )
        assert isinstance(check, ox.QuerySolutions)
        if next(check)["ok"] is None:
            return f"invalid regular expression {pattern!r} (flags {flags!r})"
    return None


class _TooLarge(Exception):
    """The answer grew past the byte cap while being written."""


class _Bounded:
    """A file for pyoxigraph's writers that refuses to grow past the byte cap."""

    def __init__(self, limit: int) -> None:
        self.limit, self.size = limit, 0
        self.parts: list[bytes] = []

    def write(self, chunk: bytes) -> int:
        self.size += len(chunk)
        if self.size > self.limit:
            raise _TooLarge
        self.parts.append(bytes(chunk))
        return len(chunk)

    def flush(self) -> None:
        pass


def serialize(
    result: Any, fmt: str, cap: int, byte_cap: int, rerun: Callable[[], Any] | None = None
) -> Serialized:
    """Any pyoxigraph query result in the format named (already negotiated for its form),
    cut at ``cap`` rows and ``byte_cap`` bytes, counted on what the engine returns (never on
    a LIMIT read in the text). Solutions are written by pyoxigraph (10x faster than Python)
    into a buffer that refuses to pass the byte cap, then counted by reading that answer back
    (pyoxigraph's parser: milliseconds, where running the query again cost as much as the
    query); an answer over a cap, and any answer when ``rerun`` cannot make a second result,
    is written here from the rows within the caps, and marked. A graph may be any iterable of
    triples."""
    if isinstance(result, ox.QueryBoolean):
        return Serialized(boolean(bool(result), fmt), False)
    if isinstance(result, ox.QuerySolutions):
        if rerun is not None:
            body = _native(result, fmt, cap, byte_cap)
            if body is not None:
                return Serialized(body, False)
            result = rerun()  # over a cap: the answer is cut, from a second run
        names = [v.value for v in result.variables]
        rows, truncated = capped(result, cap)
        return solutions(fmt, names, rows, truncated, byte_cap)
    triples, truncated = capped(result, cap)
    while True:
        body = ox.serialize(triples, format=GRAPH_FORMATS[fmt]) or b""
        if len(body) <= byte_cap:
            return Serialized(body, truncated)
        truncated = True
        triples = triples[: min(len(triples) - 1, len(triples) * byte_cap // len(body))]


def _native(result: ox.QuerySolutions, fmt: str, cap: int, byte_cap: int) -> bytes | None:
    """The solutions as pyoxigraph writes them, if they are within both caps; else None."""
    out = _Bounded(byte_cap)
    try:
        result.serialize(cast(IO[bytes], out), format=NATIVE[fmt])
    except _TooLarge:
        return None
    body = b"".join(out.parts)
    if _most_rows(body, fmt) <= cap:  # cannot hold more rows than the cap: not read back
        return body
    return body if _count(body, fmt) <= cap else None


def _most_rows(body: bytes, fmt: str) -> int:
    """A bound on the solutions in an answer pyoxigraph wrote, counted in its bytes: each
    solution opens one object in JSON (a literal's braces only raise the bound), is one result
    element in XML (where a literal's < is escaped), ends one line in CSV and TSV."""
    if fmt == "json":
        return body.count(b"{")
    if fmt == "xml":
        return body.count(b"<result>") + body.count(b"<result/>")
    return body.count(b"\n")


def _count(body: bytes, fmt: str) -> int:
    """The solutions in an answer pyoxigraph wrote (CSV cannot be read back as RDF terms, but
    its records can be counted: a field with a line break in it is quoted)."""
    if fmt == "csv":
        return sum(1 for _ in csv.reader(io.StringIO(body.decode(), newline=""))) - 1
    parsed = ox.parse_query_results(body, format=NATIVE[fmt])
    assert isinstance(parsed, ox.QuerySolutions)
    return sum(1 for _ in parsed)


def solutions(
    fmt: str, names: list[str], rows: list[Any], truncated: bool, byte_cap: int
) -> Serialized:
    """Solutions (each a mapping of variable name to term) written here, as many as fit in the
    byte cap (a document is never cut)."""
    writer = {"json": _json, "xml": _xml, "csv": _csv, "tsv": _tsv}[fmt]
    while True:
        body = writer(names, rows, truncated)
        if len(body) <= byte_cap or not rows:
            return Serialized(body, truncated)
        truncated = True
        rows = rows[: min(len(rows) - 1, len(rows) * byte_cap // len(body))]


def boolean(value: bool, fmt: str) -> bytes:
    """An ASK answer in SPARQL JSON or XML."""
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    return (
        '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
        f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n"
    ).encode()


def _cells(names: list[str], rows: list[ox.QuerySolution]) -> Iterator[list[Any]]:
    for row in rows:
        yield [row[name] for name in names]


def _json_term(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    out: dict[str, Any] = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def _json(names: list[str], rows: list[ox.QuerySolution], truncated: bool) -> bytes:
    head: dict[str, Any] = {"vars": names}
    if truncated:
        head["link"] = [TRUNCATED_LINK]
    bindings = [
        {n: _json_term(t) for n, t in zip(names, cells, strict=True) if t is not None}
        for cells in _cells(names, rows)
    ]
    return json.dumps(
        {"head": head, "results": {"bindings": bindings}}, ensure_ascii=False
    ).encode()


def _xml_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        parts = (("subject", term.subject), ("predicate", term.predicate), ("object", term.object))
        return "<triple>" + "".join(f"<{n}>{_xml_term(t)}</{n}>" for n, t in parts) + "</triple>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _xml(names: list[str], rows: list[ox.QuerySolution], truncated: bool) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
    out.extend(f"<variable name={quoteattr(n)}/>" for n in names)
    if truncated:
        out.append(f"<link href={quoteattr(TRUNCATED_LINK)}/>")
    out.append("</head><results>")
    for cells in _cells(names, rows):
        out.append("<result>")
        for name, term in zip(names, cells, strict=True):
            if term is not None:
                out.append(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>")
        out.append("</result>")
    out.append("</results></sparql>\n")
    return "".join(out).encode()


def _csv(names: list[str], rows: list[ox.QuerySolution], truncated: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    for cells in _cells(names, rows):
        writer.writerow(["" if t is None else _csv_value(t) for t in cells])
    return buffer.getvalue().encode()


def _csv_value(term: Any) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return str(term.value)


def _tsv(names: list[str], rows: list[ox.QuerySolution], truncated: bool) -> bytes:
    lines = ["\t".join(f"?{n}" for n in names)]
    for cells in _cells(names, rows):
        lines.append("\t".join("" if t is None else str(t) for t in cells))
    return ("\n".join(lines) + "\n").encode()
