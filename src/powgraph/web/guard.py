"""Checks a SPARQL query before any engine sees it: its form, and the policy that the endpoint is
read-only and never reaches the network (no SERVICE, no LOAD, no FROM outside the store).

A full parse with rdflib costs ~11 ms a query; this is a lexer that follows the SPARQL 1.1
grammar's terminals (strings, IRIs, comments) and reads the text as the engine does: the text
is split into tokens first, and codepoint escapes (\\u, \\U) are decoded only inside strings and
IRIs, the only places the engine decodes them; anywhere else a backslash is refused. So no escape
can make a string look longer or shorter to the guard than to the engine. This is one layer: the
query processes cannot open a network connection whatever the text says (store/sandbox.py).
The engine's parser then decides everything else (syntax errors come back with line and column)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from powgraph.errors import PowgraphError
from powgraph.tokens import Token, tokens

MAX_NESTING = 64


class QueryRejected(PowgraphError):
    """A query the endpoint refuses before running it."""

    http_status = 400

    def __init__(
        self,
        message: str,
        kind: str = "rejected",
        status: int = 400,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.kind, self.http_status, self.line, self.column = kind, status, line, column


@dataclass(frozen=True)
class Inspected:
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    graphs: tuple[str, ...] = ()  # FROM / FROM NAMED IRIs
    regexes: tuple[tuple[str, str], ...] = field(default=())  # constant (pattern, flags)
    relative: bool = False  # whether an IRI is relative (resolved against the endpoint's URL)


_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
UPDATE_KEYWORDS = {
    "INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH", "USING",
}  # fmt: skip
FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
OPEN, CLOSE = "({[", ")}]"


def _tokens(text: str) -> tuple[list[Token], list[int]]:
    """The text's tokens (powgraph/tokens.py); a backslash outside a string or an IRI, which
    the engine would read differently, is refused."""
    found, starts = tokens(text)
    if ("other", "\\") in found:
        raise QueryRejected(
            "a backslash escape is allowed only inside a string or an IRI", "syntax"
        )
    return found, starts


def _decoded(text: str) -> str:
    """Codepoint escapes decoded, as the engine does inside one string or IRI token."""

    def char(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QueryRejected(f"{m.group()} is not a Unicode character", "syntax")
        return chr(code)

    return _CODEPOINT.sub(char, text)


def inspect(text: str, prefixes: Mapping[str, str] | None = None) -> Inspected:
    """The query's form and the graphs it names; raises QueryRejected for refused queries."""
    tokens, starts = _tokens(text)
    depth, deepest = 0, 0
    for kind, value in tokens:
        if kind == "other" and value in OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "other" and value in CLOSE:
            depth -= 1
    if deepest > MAX_NESTING:
        raise QueryRejected(f"the query nests deeper than {MAX_NESTING} levels", "too-deep")
    words = [(i, value.upper()) for i, (kind, value) in enumerate(tokens) if kind == "word"]
    for _, word in words:
        if word == "SERVICE":
            raise QueryRejected(
                "SERVICE is not allowed: this endpoint never calls other endpoints", "service"
            )
        if word in UPDATE_KEYWORDS:
            message = f"{word}: this endpoint is read-only (SPARQL Update is not accepted)"
            raise QueryRejected(message, "update")
    form = next((w for _, w in words if w in FORMS), None)
    if form is None:
        raise QueryRejected("not a query: expected SELECT, ASK, CONSTRUCT or DESCRIBE", "syntax")
    relative = any(kind == "iri" and ":" not in _decoded(value) for kind, value in tokens)
    _undeclared_prefix(text, tokens, starts, prefixes or {})
    graphs = _dataset_graphs(tokens, dict(prefixes or {}))
    return Inspected(form, graphs, _constant_regexes(tokens), relative)


def _undeclared_prefix(
    text: str, tokens: list[Token], starts: list[int], prefixes: Mapping[str, str]
) -> None:
    """A prefixed name whose prefix neither the query nor the endpoint declares is refused by
    name, with the known prefixes it resembles and the line to add (the engine's own message
    for it is a list of expected characters, or names another token altogether)."""
    declared, previous = set(prefixes), ""
    for (kind, value), start in zip(tokens, starts, strict=True):
        prefix = value.split(":", 1)[0]
        if kind == "pname" and previous.upper() == "PREFIX":
            declared.add(prefix)
        elif kind == "pname" and prefix not in declared:
            line = text.count("\n", 0, start) + 1
            column = start - text.rfind("\n", 0, start)
            like = difflib.get_close_matches(prefix, sorted(declared), n=3)
            hint = f"did you mean {', '.join(f'`{p}:`' for p in like)}, or " if like else ""
            raise QueryRejected(
                f"error at {line}:{column}: unknown prefix `{prefix}:` — {hint}add "
                f"PREFIX {prefix}: <…> (predeclared: {', '.join(prefixes) or 'none'})",
                "syntax",
                line=line,
                column=column,
            )
        previous = value


def _dataset_graphs(tokens: list[Token], prefixes: dict[str, str]) -> tuple[str, ...]:
    """The graphs FROM and FROM NAMED name, resolved with the predeclared ``prefixes`` and the
    query's own PREFIX and BASE."""
    base = ""
    graphs = []
    for i, (kind, value) in enumerate(tokens):
        upper = value.upper() if kind == "word" else ""
        nxt = tokens[i + 1 : i + 4]
        if upper == "PREFIX" and len(nxt) >= 2 and nxt[0][0] == "pname" and nxt[1][0] == "iri":
            prefixes[nxt[0][1][:-1]] = _decoded(nxt[1][1][1:-1])
        elif upper == "BASE" and nxt and nxt[0][0] == "iri":
            base = _decoded(nxt[0][1][1:-1])
        elif upper == "FROM":
            named = bool(nxt) and nxt[0][1].upper() == "NAMED"
            target = (nxt[1] if len(nxt) > 1 else None) if named else (nxt[0] if nxt else None)
            if target is None or target[0] not in ("iri", "pname"):
                raise QueryRejected("FROM must name a graph IRI", "syntax")
            if target[0] == "iri":
                iri = _decoded(target[1][1:-1])
                graphs.append(iri if ":" in iri else base + iri)
            else:
                prefix, _, local = target[1].partition(":")
                if prefix not in prefixes:
                    raise QueryRejected(f"unknown prefix {prefix}: in FROM", "syntax")
                graphs.append(prefixes[prefix] + local)
    return tuple(graphs)


def _constant_regexes(tokens: list[Token]) -> tuple[tuple[str, str], ...]:
    """Patterns given as string literals to REGEX and REPLACE: checked before running, so a bad
    pattern is a 400 and not a silently empty answer."""
    found = []
    for i, (kind, value) in enumerate(tokens):
        if kind != "word" or value.upper() not in ("REGEX", "REPLACE"):
            continue
        args = _arguments(tokens, i + 1)
        position = 1
        if len(args) > position and len(args[position]) == 1 and args[position][0][0] == "string":
            flags_index = 2 if value.upper() == "REGEX" else 3
            flags = ""
            if len(args) > flags_index and len(args[flags_index]) == 1:
                if args[flags_index][0][0] == "string":
                    flags = _unquote(args[flags_index][0][1])
            found.append((_unquote(args[position][0][1]), flags))
    return tuple(found)


def _arguments(tokens: list[Token], start: int) -> list[list[Token]]:
    if start >= len(tokens) or tokens[start][1] != "(":
        return []
    args: list[list[Token]] = [[]]
    depth = 0
    for kind, value in tokens[start + 1 :]:
        if kind == "other" and value in OPEN:
            depth += 1
        elif kind == "other" and value in CLOSE:
            if depth == 0:
                return args
            depth -= 1
        elif kind == "other" and value == "," and depth == 0:
            args.append([])
            continue
        args[-1].append((kind, value))
    return args


_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_STRING_ESCAPE = re.compile(r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}|\\(.)", re.DOTALL)


def _unquote(literal: str) -> str:
    """A string literal's value, its escapes decoded in one pass as the engine does."""
    quote = 3 if literal[:3] in ("'''", '"""') else 1

    def value(m: re.Match[str]) -> str:
        if m.group(1) is None:
            return _decoded(m.group())
        return _ESCAPES.get(m.group(1), m.group())

    return _STRING_ESCAPE.sub(value, literal[quote:-quote])
