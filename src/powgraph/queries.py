"""Canned queries: SPARQL in .rq files whose leading `#+` lines are a YAML header (name, title,
description, the statistics reproduced, typed parameters, tags). Parameter values become typed
RDF terms, checked here; they reach the query as pyoxigraph substitutions (or, for a remote
endpoint, a VALUES block written by rdflib), never pasted into the text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from powgraph.errors import PowgraphError
from powgraph.store import Binding, QueryJob, Store

PARAMETER_TYPES = ("IRI", "string", "integer", "date")
RESERVED = ("format", "limit", "offset")  # request parameters that are not query parameters
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|^`\\\x00-\x1f\x7f]*")
_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")  # ASCII digits: \d matches others
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class QueryFileError(PowgraphError):
    """A .rq file whose header is not as documented (a developer's error, found at start-up)."""


class BadParameter(PowgraphError):
    http_status = 400

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"parameter {name!r}: {message}")
        self.kind = "parameter"
        self.parameter = name


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: str | None
    description: str
    allowed: tuple[str, ...] = ()
    values_query: str | None = None


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title: str
    description: str
    statistics: tuple[str, ...]
    parameters: tuple[Parameter, ...]
    tags: tuple[str, ...]
    text: str

    @property
    def body(self) -> str:
        """The SPARQL without its header (the leading `#+` lines, as `_header` reads them)."""
        lines = self.text.splitlines(keepends=True)
        header = next((i for i, line in enumerate(lines) if not line.startswith("#+")), len(lines))
        return "".join(lines[header:])


def _header(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if not line.startswith("#+"):
            break
        lines.append(line[3:] if line.startswith("#+ ") else line[2:])
    return "\n".join(lines)


def read_query(path: Path) -> CannedQuery:
    text = path.read_text(encoding="utf-8")
    try:
        header: dict[str, Any] = yaml.safe_load(_header(text)) or {}
    except yaml.YAMLError as exc:
        raise QueryFileError(f"{path}: the #+ header is not YAML: {exc}") from exc
    name = str(header.get("name", path.stem))
    if name != path.stem:
        raise QueryFileError(f"{path}: name {name!r} must equal the file name")
    for spec in header.get("parameters") or ():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(spec.get("name", ""))):
            raise QueryFileError(
                f"{path}: parameter name {spec.get('name')!r} is not a SPARQL variable name"
            )
    parameters = []
    for spec in header.get("parameters") or ():
        kind = spec.get("type")
        if kind not in PARAMETER_TYPES:
            raise QueryFileError(
                f"{path}: parameter {spec.get('name')!r}: type must be one of {PARAMETER_TYPES}"
            )
        parameters.append(
            Parameter(
                str(spec["name"]),
                kind,
                None if spec.get("default") is None else str(spec["default"]),
                str(spec.get("description", "")),
                tuple(str(v) for v in spec.get("allowed") or ()),
                spec.get("values_query"),
            )
        )
    return CannedQuery(
        name,
        str(header.get("title", name)),
        str(header.get("description", "")),
        tuple(str(s) for s in header.get("statistics") or ()),
        tuple(parameters),
        tuple(str(t) for t in header.get("tags") or ()),
        text,
    )


def read_queries(directory: Path) -> list[CannedQuery]:
    return [read_query(p) for p in sorted(directory.glob("*.rq"))]


def term(kind: str, lexical: str) -> URIRef | Literal:
    """The typed RDF term a parameter value stands for."""
    if kind == "IRI":
        return URIRef(lexical)
    if kind == "integer":
        return Literal(lexical, datatype=XSD.integer)
    if kind == "date":
        return Literal(lexical, datatype=XSD.date)
    return Literal(lexical)


def bind(query: CannedQuery, given: Mapping[str, str]) -> tuple[Binding, ...]:
    """Check every given value against its parameter's type; defaults fill the rest."""
    known = {p.name: p for p in query.parameters}
    for name in given:
        if name not in known and name not in RESERVED:
            raise BadParameter(
                name,
                f"{query.name} takes no such parameter (it takes: {', '.join(known) or 'none'})",
            )
    bindings = []
    for parameter in query.parameters:
        value = given.get(parameter.name, parameter.default)
        if value is None:
            raise BadParameter(parameter.name, "required")
        bindings.append((parameter.name, term(parameter.type, _checked(parameter, value))))
    return tuple(bindings)


def _checked(parameter: Parameter, value: str) -> str:
    name, kind = parameter.name, parameter.type
    if _CONTROL.search(value):
        raise BadParameter(name, "contains control characters")
    if kind == "IRI" and not _IRI.fullmatch(value):
        raise BadParameter(name, f"not an absolute IRI: {value[:80]!r}")
    if kind == "integer" and not _INTEGER.fullmatch(value):
        raise BadParameter(name, f"not an integer: {value[:80]!r}")
    if kind == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise BadParameter(name, f"not a date YYYY-MM-DD: {value[:80]!r}") from None
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise BadParameter(name, f"not a date YYYY-MM-DD: {value[:80]!r}")
    if parameter.allowed and value not in parameter.allowed:
        raise BadParameter(name, f"must be one of {', '.join(parameter.allowed)}")
    return value


INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
DECIMALS = ("http://www.w3.org/2001/XMLSchema#decimal", "http://www.w3.org/2001/XMLSchema#double")
BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
Rows = tuple[list[str], list[dict[str, Any]]]


def _value(term: dict[str, str]) -> Any:
    """A SPARQL JSON term as a plain JSON value: numbers and booleans typed, the rest text. A
    decimal the store writes without a point ("24", its canonical form) stays a whole number,
    so every table writes it as the store does (``shown``)."""
    datatype, lexical = term.get("datatype", ""), term["value"]
    if datatype == INTEGER or (datatype in DECIMALS and lexical.lstrip("-").isdigit()):
        return int(lexical)
    if datatype in DECIMALS:
        return float(lexical)
    if datatype == BOOLEAN:
        return lexical == "true"
    return lexical


def shown(value: Any) -> Any:
    """The one rule for writing a plain value into a page, a CSV or TSV cell: booleans as XSD
    writes them ("true", not Python's "True"), nothing as nothing; numbers are already what
    ``_value`` made of their canonical form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):  # a decimal's canonical form has no exponent: 0.000001
        return format(Decimal(repr(value)), "f")
    return value


def shown_interval(low: Any, low_inclusive: Any, high: Any, high_inclusive: Any) -> str:
    """The one way pages write a figure's interval: brackets for closed ends, parentheses for
    open ones, and an open end where there is no bound ("more than 10,000" is (10000, ∞))."""
    left = "(−∞" if low is None else ("[" if low_inclusive else "(") + str(shown(low))
    right = "∞)" if high is None else str(shown(high)) + ("]" if high_inclusive else ")")
    return f"{left}, {right}"


def rows(document: dict[str, Any]) -> Rows:
    """SPARQL JSON results as (columns, rows of plain values)."""
    columns = list(document["head"]["vars"])
    found = [
        {c: _value(b[c]) if c in b else None for c in columns}
        for b in document["results"]["bindings"]
    ]
    return columns, found


def run_on_store(store: Store, query: CannedQuery, bindings: tuple[Binding, ...]) -> Rows:
    """On any store (embedded or a SPARQL endpoint): each binds the terms its own way."""
    return rows(json.loads(store.run(QueryJob(query.text, "json", bindings=bindings)).body))


def write_table(columns: list[str], found: list[dict[str, Any]], delimiter: str = ",") -> bytes:
    """Rows as CSV (or TSV with a tab): one header line, empty cells for unbound values."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", delimiter=delimiter)
    writer.writerow(columns)
    for row in found:
        writer.writerow([shown(row[c]) for c in columns])
    return buffer.getvalue().encode()
