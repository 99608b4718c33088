"""A SPARQL engine elsewhere as a store, over the SPARQL 1.1 Protocol with a pooled urllib3
client (measured against the Oxigraph server, a small SELECT: 0.43 ms a query pooled, 1.1 to
1.5 ms with SPARQLWrapper, which opens a connection for every query).

Nothing the engine sends reaches a client as it came: its answers are parsed (pyoxigraph) and
written again by store/results.py, so every format, the row and byte caps and the bytes are the
embedded store's; its errors become ours, cut to their first line without the engine's codes.
Our time budget is a deadline on the whole exchange (503 ``timeout``); the engine is also asked
to stop (Virtuoso's ``timeout`` parameter; the Oxigraph server takes ``--timeout-s`` at start).

What is served: a release published by ``powgraph publish`` (publish/engine.py) is described in
the engine by a graph of its own (published.SERVED_GRAPH: the version and the named graphs), and
every query runs on that dataset, named with the protocol's default-graph-uri (the graph holding
the union, published.UNION_GRAPH) and named-graph-uri (the served graphs): staging graphs, an
engine's own graphs and a half-finished publish are never seen. An engine without that graph is
served whole, as it is."""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
import time
from functools import partial
from typing import IO, Any
from urllib.parse import urlencode

import pyoxigraph as ox
import urllib3
from urllib3.exceptions import HTTPError, ReadTimeoutError

from powgraph.errors import PowgraphError
from powgraph.published import SERVED_GRAPH, UNION_GRAPH
from powgraph.store import (
    Answer,
    Binding,
    QueryFailed,
    QueryJob,
    QueryTimeout,
    StoreInfo,
    Unavailable,
)
from powgraph.store.results import (
    GRAPH_FORMATS,
    boolean,
    capped,
    invalid_regex,
    serialize,
    solutions,
)
from powgraph.tokens import Token, tokens

SOLUTIONS = "application/sparql-results+json"
TRIPLES = "application/n-triples"
FORM = "application/x-www-form-urlencoded"
NO_GRAPH = "urn:powgraph:no-graph"  # a dataset parameter naming only unknown graphs: empty
BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
_BOOLEAN = b"#boolean"  # the end of xsd:boolean, as any results format writes it
_JSON_ZERO_ONE = re.compile(rb'"value"\s*:\s*"[01]"')  # in a term's object, either key first
_XML_ZERO_ONE = re.compile(rb'"\s*>\s*[01]\s*<')  # after the datatype, the literal's text
ASK_VARIABLE = "__ASK_RETVAL"  # Virtuoso 7.2 answers ASK as one row of this variable
UNCAPPED = sys.maxsize - 1  # the row cap of powgraph's own queries of what the engine holds
GRACE = 1.0  # seconds the engine's own timeout has to answer before ours
# an answer up to this size is read whole and written again by pyoxigraph (about 10x faster
# than term by term in Python); a larger one is read as it comes, row by row
WHOLE = 8 * 1024 * 1024
SERVED = (
    "SELECT ?version ?graph { GRAPH <" + SERVED_GRAPH + "> { <" + SERVED_GRAPH + "> "
    "<http://www.w3.org/ns/dcat#version> ?version ; <http://purl.org/dc/terms/hasPart> ?graph } }"
)
COUNTS = "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
TOTAL = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_CONSTRUCT = re.compile(r"\bCONSTRUCT\b", re.IGNORECASE)
_GROUP = re.compile(r"\{")
_BODY = ("WHERE", "FROM")  # what ends a SELECT's projection, besides its group
_NAMED = re.compile(r"\bGRAPH\b", re.IGNORECASE)  # the only way a query reads named graphs
_POSITION = re.compile(r"(?:error at |line )(\d+)(?::(\d+))?")  # Oxigraph, Virtuoso
_ENGINE_CODE = re.compile(r"^(Virtuoso \S+ Error \S+:\s*)?(SPARQL compiler,\s*)?")
_TIMEOUT = re.compile(r"S1T00|SR171|time(d)? ?out", re.IGNORECASE)
_NETWORK = re.compile(r"HTCLI|HTTP client|connect|port \d+|dns|host", re.IGNORECASE)


def with_bindings(text: str, bindings: tuple[Binding, ...], pin: bool = True) -> str:
    """The bindings as a VALUES block at the start of the query's WHERE group (an endpoint takes
    no substitutions): joined there, they hold inside the group, before its LIMIT. Only
    powgraph's own queries carry bindings (tests/engines runs them all on both engines); a
    CONSTRUCT among them writes its WHERE, the other forms may leave it out. With ``pin``,
    each bound variable is also written as its term where it stands in a pattern (_pinned):
    the same answer, and the engine matches the term instead of every value (an entity's
    quote: 2.5 ms with the VALUES block alone on pyoxigraph, 0.3 ms pinned)."""
    if not bindings:
        return text
    group = _WHERE.search(text) or (None if _CONSTRUCT.search(text) else _GROUP.search(text))
    if group is None:
        raise PowgraphError("a CONSTRUCT with parameters needs WHERE to bind them remotely")
    names = " ".join(f"?{name}" for name, _ in bindings)
    terms = {name: value.n3() for name, value in bindings}
    block = f" VALUES ({names}) {{ ({' '.join(terms.values())}) }}"
    edits = [(group.end(), group.end(), block), *(_pinned(text, terms) if pin else [])]
    for start, end, new in sorted(edits, reverse=True):  # from the end: offsets hold
        text = text[:start] + new + text[end:]
    return text


def _pinned(text: str, terms: dict[str, str]) -> list[tuple[int, int, str]]:
    """Where a bound variable may be written as its term, as (start, end, term): in a triple
    pattern, a GRAPH name or a CONSTRUCT template, at any depth of groups, never inside
    parentheses (an expression, a collection, a VALUES head), after VALUES or in a subquery's
    projection or modifiers; inside a subquery only if it projects the variable (otherwise
    it is another variable of the same name). The VALUES block still binds it for the
    projection, the expressions and the modifiers. A query with MINUS pins nothing: MINUS
    removes only solutions that share a variable, and a pinned one is no longer shared."""
    found, starts = tokens(text)
    if any(kind == "word" and value.upper() == "MINUS" for kind, value in found):
        return []
    # each open bracket, the names its own tokens may pin, and the names its groups may pin
    stack: list[tuple[str, frozenset[str], frozenset[str]]] = []
    edits = []
    for i, (kind, value) in enumerate(found):
        inherited = stack[-1][2] if stack else frozenset(terms)
        if kind == "other" and value in "({[":
            if value == "(":
                stack.append((value, frozenset(), frozenset()))
            elif value == "{" and _word(found, i + 1) == "SELECT":
                stack.append((value, frozenset(), _projected(found, i + 1, inherited)))
            else:
                stack.append((value, inherited, inherited))
        elif kind == "other" and value in ")}]":
            if stack:
                stack.pop()
        elif kind == "var" and stack and value[1:] in stack[-1][1]:
            if _word(found, i - 1) != "VALUES":
                edits.append((starts[i], starts[i] + len(value), terms[value[1:]]))
    return edits


def _word(found: list[Token], i: int) -> str:
    """The token at ``i`` in capitals if it is a keyword, else ''."""
    return found[i][1].upper() if 0 <= i < len(found) and found[i][0] == "word" else ""


def _projected(found: list[Token], select: int, names: frozenset[str]) -> frozenset[str]:
    """Those of ``names`` that a subquery's SELECT (at ``select``) projects."""
    projected: set[str] = set()
    depth = 0
    for kind, value in found[select + 1 :]:
        if (kind, value) == ("other", "{") or kind == "word" and value.upper() in _BODY:
            break
        if kind == "other" and value in "()":
            depth += 1 if value == "(" else -1
        elif depth == 0 and kind == "other" and value == "*":
            return names
        elif depth == 0 and kind == "var":
            projected.add(value[1:])
    return names & projected


def prologue(job: QueryJob) -> str:
    """One line before the query: its base IRI and the predeclared prefixes it does not declare
    itself (a prefix declared twice takes the later IRI in both engines, but one fewer is safer).
    One line, so that an engine's line numbers are ours plus one."""
    own = {m.group(1) or "" for m in _DECLARED.finditer(job.text)}
    parts = [f"BASE <{job.base_iri}>"] if job.base_iri else []
    parts += [f"PREFIX {name}: <{iri}>" for name, iri in job.prefixes if name not in own]
    return " ".join(parts) + "\n"


class _Deadline(io.RawIOBase):
    """The engine's answer as a file for pyoxigraph's parsers, read before a deadline."""

    def __init__(self, response: Any, deadline: float, budget: float) -> None:
        super().__init__()
        self.response, self.deadline, self.budget = response, deadline, budget
        self.ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if time.monotonic() > self.deadline:
            raise _over_budget(self.budget)
        try:
            chunk: bytes = self.response.read(min(len(buffer), 65536))
        except ReadTimeoutError as exc:
            raise _over_budget(self.budget) from exc
        except (HTTPError, OSError) as exc:
            raise Unavailable("the SPARQL engine stopped answering") from exc
        self.ended = not chunk
        buffer[: len(chunk)] = chunk
        return len(chunk)


def _over_budget(budget: float) -> QueryTimeout:
    return QueryTimeout(f"the query ran longer than its budget of {budget:g} s", budget)


class RemoteStore:
    """Jobs answered by the SPARQL endpoint at ``endpoint``; what it holds is asked of it."""

    def __init__(
        self,
        endpoint: str,
        row_cap: int,
        timeout: float,
        byte_cap: int = 64 * 1024 * 1024,
        processes: int = 3,
    ) -> None:
        self.endpoint, self._cap, self._byte_cap = endpoint, row_cap, byte_cap
        self._timeout = timeout
        self.processes = processes  # the engine runs them; admission control still applies
        self._pool = urllib3.PoolManager(maxsize=processes + 1, retries=False)
        self._served: tuple[str, ...] | None = None
        self._server: str | None = None  # the engine's Server header, from its first answer
        rows = self._rows(SERVED)
        version = rows[0]["version"]["value"] if rows else ""
        self._served = tuple(sorted(r["graph"]["value"] for r in rows)) or None
        graphs = {r["g"]["value"]: int(r["n"]["value"]) for r in self._rows(COUNTS)}
        total = int(self._rows(TOTAL)[0]["n"]["value"])
        if not version:  # not published by powgraph: named by what it holds
            sizes = json.dumps([endpoint, total, sorted(graphs.items())]).encode()
            version = "remote-" + hashlib.sha256(sizes).hexdigest()[:12]
        self.info = StoreInfo(version, total, dict(sorted(graphs.items())))

    def _rows(self, text: str) -> list[dict[str, Any]]:
        """Every row of one of powgraph's own queries of the engine (never cut at the cap)."""
        document = json.loads(self.run(QueryJob(text, "json"), cap=UNCAPPED).body)
        rows: list[dict[str, Any]] = document["results"]["bindings"]
        return rows

    def _dataset(self, job: QueryJob) -> list[tuple[str, str]]:
        """The protocol's dataset parameters for the job: the served dataset unless the query
        or the client names one; a client's graphs only where they are served (else empty)."""
        given = {"default-graph-uri": job.default_graphs, "named-graph-uri": job.named_graphs}
        if self._served is None:
            return [(k, g) for k, graphs in given.items() for g in graphs or ()]
        if job.default_graphs is None and job.named_graphs is None:
            if job.own_dataset:
                return []
            # the served graphs are named only for a query that can read them: 63 names cost
            # the Oxigraph server about 1 ms a query
            named = self._served if _NAMED.search(job.text) else ()
            return [("default-graph-uri", UNION_GRAPH)] + [("named-graph-uri", g) for g in named]
        out = []
        for key, graphs in given.items():
            if graphs is not None:
                known = [g for g in graphs if g in self._served] or [NO_GRAPH]
                out += [(key, g) for g in known]
        return out

    def run(self, job: QueryJob, untrusted: bool = False, cap: int | None = None) -> Answer:
        invalid = invalid_regex(job.regexes)
        if invalid:  # as the embedded store says it (the engines differ)
            raise QueryFailed(invalid, "regex")
        text = prologue(job) + with_bindings(job.text, job.bindings, self._pins)
        fields = [("query", text), *self._dataset(job)]
        fields.append(("timeout", str(int(self._timeout * 1000))))  # Virtuoso's, in ms
        graph = job.fmt in GRAPH_FORMATS
        deadline = time.monotonic() + self._timeout + GRACE
        limits = urllib3.Timeout(connect=min(5.0, self._timeout), read=self._timeout + GRACE)
        try:
            response = self._pool.request(
                "POST",
                self.endpoint,
                body=urlencode(fields),
                headers={"Content-Type": FORM, "Accept": TRIPLES if graph else SOLUTIONS},
                timeout=limits,
                preload_content=False,
            )
        except ReadTimeoutError as exc:
            raise _over_budget(self._timeout) from exc
        except (HTTPError, OSError) as exc:
            raise Unavailable("the SPARQL engine is not reachable") from exc
        raw = _Deadline(response, deadline, self._timeout)
        body = io.BufferedReader(raw)
        try:
            if self._server is None:
                self._server = response.headers.get("Server", "")
            if response.status != 200:
                raise _engine_error(response.status, response.read(4096), self._timeout)
            if response.headers.get("X-SQL-State") == "S1TAT":  # Virtuoso: a partial answer
                raise _over_budget(self._timeout)
            media = response.headers.get("Content-Type", "").split(";")[0].strip()
            try:
                answer = self._write(body, media, job.fmt, graph, cap or self._cap)
            except (SyntaxError, ValueError) as exc:  # the Oxigraph server cuts an answer
                if time.monotonic() > deadline - GRACE:  # short at its --timeout-s
                    raise _over_budget(self._timeout) from exc
                raise Unavailable("the SPARQL engine's answer could not be read") from exc
            if not answer.truncated:
                while body.read(65536):  # the document's last bytes: the connection is reused
                    pass
            return answer
        finally:
            if raw.ended:
                response.release_conn()
            else:  # an answer cut at the cap, or an error: not read to its end
                response.close()

    @property
    def _pins(self) -> bool:
        """Whether bound variables are pinned in the patterns (with_bindings): not on Virtuoso,
        whose planner chooses worse with the terms in OPTIONAL groups (an observation's quote:
        870 ms pinned, 180 ms with the VALUES block alone), where the Oxigraph server gains
        (2.5 ms to 0.3 ms)."""
        return "virtuoso" not in (self._server or "").lower()

    def _write(self, body: IO[bytes], media: str, fmt: str, graph: bool, cap: int) -> Answer:
        """The engine's answer parsed, then written by powgraph; raises what the parsers raise
        on a document that is not whole."""
        if graph:
            syntax = ox.RdfFormat.from_media_type(media) or ox.RdfFormat.N_TRIPLES
            triples = (_canonical_triple(q.triple) for q in ox.parse(body, format=syntax))
            out = serialize(triples, fmt, cap, self._byte_cap)
            return Answer(out.body, out.truncated)
        kind = ox.QueryResultsFormat.from_media_type(media) or ox.QueryResultsFormat.JSON
        document = body.read(WHOLE + 1)
        whole = len(document) <= WHOLE
        result = ox.parse_query_results(
            document if whole else io.BufferedReader(_Joined(document, body)), format=kind
        )
        if isinstance(result, ox.QueryBoolean):
            return Answer(boolean(bool(result), fmt), False)
        names = [v.value for v in result.variables]
        if whole and names != [ASK_VARIABLE] and not _zero_one(document, kind):
            # nothing to make canonical: written as the embedded store writes its answers
            again = partial(ox.parse_query_results, document, format=kind)
            out = serialize(result, fmt, cap, self._byte_cap, again)
            return Answer(out.body, out.truncated)
        found, truncated = capped(result, cap)
        if names == [ASK_VARIABLE]:
            return Answer(boolean(_asked(found), fmt), False)
        rows = [{n: _canonical(row[n]) for n in names} for row in found]
        out = solutions(fmt, names, rows, truncated, self._byte_cap)
        return Answer(out.body, out.truncated)

    def close(self) -> None:
        self._pool.clear()


def _zero_one(document: bytes, kind: ox.QueryResultsFormat) -> bool:
    """Whether a boolean in the answer is written 0 or 1 (Virtuoso): then it is written again
    term by term (_canonical). Each xsd:boolean is looked at where it stands: in JSON, its
    term's object; in XML, the literal's text after it."""
    at = document.find(_BOOLEAN)
    while at >= 0:
        if kind == ox.QueryResultsFormat.JSON:
            end = document.find(b"}", at)
            if end < 0 or _JSON_ZERO_ONE.search(document, document.rfind(b"{", 0, at) + 1, end):
                return True  # (no end to its object: not a document to trust either)
        elif _XML_ZERO_ONE.match(document, at + len(_BOOLEAN)):
            return True
        at = document.find(_BOOLEAN, at + 1)
    return False


class _Joined(io.RawIOBase):
    """The first bytes of an answer, already read, then the rest of it."""

    def __init__(self, first: bytes, rest: IO[bytes]) -> None:
        super().__init__()
        self.first, self.rest = memoryview(first), rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.first:
            size = min(len(buffer), len(self.first))
            buffer[:size], self.first = self.first[:size], self.first[size:]
            return size
        chunk = self.rest.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def _asked(rows: list[ox.QuerySolution]) -> bool:
    value = rows[0][ASK_VARIABLE] if rows else None
    return value is not None and value.value not in ("0", "false")


def _canonical(term: Any) -> Any:
    """A term in its XSD canonical form where an engine writes another lexical form of the same
    value (Virtuoso writes booleans as 0 and 1): one form per literal, on every backend."""
    if isinstance(term, ox.Literal) and term.datatype == BOOLEAN and term.value in ("0", "1"):
        return ox.Literal("true" if term.value == "1" else "false", datatype=BOOLEAN)
    return term


def _canonical_triple(triple: ox.Triple) -> ox.Triple:
    obj = _canonical(triple.object)
    return triple if obj is triple.object else ox.Triple(triple.subject, triple.predicate, obj)


def _engine_error(status: int, raw: bytes, budget: float = 1.0) -> PowgraphError:
    """The engine's refusal as ours: 400 for the query's fault (the engine said 400, or 500 with
    a message: both engines answer an evaluation error so), with the first line of the engine's
    message, its error codes cut and our prologue line taken off its line numbers; 503 for a
    timeout or an engine that cannot answer. A message about the network never passes: it
    could describe what sits behind an address."""
    first = raw.decode("utf-8", "replace").strip().split("\n")[0]
    message = _ENGINE_CODE.sub("", first)[:300]
    if status != 400 and _TIMEOUT.search(message):  # a 400 may quote a ?timeout variable
        return _over_budget(budget)
    if status not in (400, 500) or not message:
        return Unavailable(f"the SPARQL engine could not answer (HTTP {status})")
    if status == 500 and _NETWORK.search(message):
        return QueryFailed("the query needs a network access this endpoint never has", "evaluation")
    position = _POSITION.search(message)
    if position is None:
        return QueryFailed(message, "evaluation")
    line = max(1, int(position.group(1)) - 1)
    message = message[: position.start(1)] + str(line) + message[position.end(1) :]
    column = int(position.group(2)) if position.group(2) else None
    return QueryFailed(message, "syntax", line, column)
