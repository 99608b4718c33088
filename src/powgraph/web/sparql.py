"""/sparql: the SPARQL 1.1 Protocol (query operation only), the service description, and the
query editor for browsers. Read-only, no egress, limits enforced before anything runs."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from flask import Blueprint, Response, abort, render_template, request
from werkzeug.datastructures import ETags
from werkzeug.http import quote_etag

from powgraph.namespaces import ONTOLOGY_IRI, QUERY_PREFIXES
from powgraph.published import graph_iri
from powgraph.store import QueryJob
from powgraph.web import conneg
from powgraph.web.admission import client_address, run_client_query
from powgraph.web.description import service_description
from powgraph.web.guard import QueryRejected, inspect
from powgraph.web.links import local_href
from powgraph.web.params import decode_utf8, parse_pairs
from powgraph.web.runtime import Runtime, public_url, runtime

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, X-Powgraph-Row-Cap, X-Powgraph-Truncated",
}
READ_ONLY = "this endpoint is read-only: SPARQL Update is not accepted"
NO_QUERY = "no query: send one as 'query' or as an application/sparql-query body"
SAFE = ("GET", "HEAD")  # the methods a 304, an ETag and Cache-Control apply to
RDFLIB_FORMATS = {"turtle": "turtle", "rdfxml": "xml", "jsonld": "json-ld", "ntriples": "nt"}
FAILED = "powgraph.failed"  # a failure the fast path (web/fastpath.py) hands on, to raise here


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response:
    failed = request.environ.get(FAILED)
    if failed is not None:  # the fast path's: rendered by the app's error handler
        raise failed
    if request.method == "OPTIONS":
        return _preflight()
    params = _parameters()
    if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
        raise QueryRejected(
            "this endpoint is read-only: SPARQL Update is not accepted", "update", 403
        )
    queries = params.get("query", [])
    if len(queries) > 1:
        raise QueryRejected("give one query, not several", "multiple-queries")
    if not queries:
        if request.method == "POST":
            raise QueryRejected(
                "no query: send one as 'query' or as an application/sparql-query body", "no-query"
            )
        return _describe()
    return _answer(queries[0], params)


def _preflight() -> Response:
    response = Response(status=204)
    response.headers.update(CORS)
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type, If-None-Match"
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


def _parameters() -> dict[str, list[str]]:
    """Parameters from the URL and, for POST, the body; strict UTF-8, as the protocol requires."""
    settings = runtime().settings
    if request.method in SAFE and len(request.query_string) > 3 * settings.max_query_bytes:
        abort(414, f"the query is longer than {settings.max_query_bytes} bytes")
    pairs = parse_pairs(request.query_string, "the URL")
    if request.method == "POST":
        mimetype = request.mimetype
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if mimetype == UPDATE:
            raise QueryRejected(
                "this endpoint is read-only: SPARQL Update is not accepted", "update", 403
            )
        if mimetype not in (FORM, DIRECT):
            abort(415, f"POST a query as {FORM} or {DIRECT}, not {mimetype or 'an untyped body'}")
        if charset not in ("utf-8", "utf8"):
            raise QueryRejected(f"the body must be UTF-8, not {charset}", "encoding", 415)
        body = request.get_data(cache=False)
        if mimetype == DIRECT:
            pairs.append(("query", decode_utf8(body, "the query")))
        else:
            pairs.extend(parse_pairs(body, "the form body"))
    params: dict[str, list[str]] = {}
    for key, value in pairs:
        params.setdefault(key, []).append(value)
    return params


def _answer(text: str, params: dict[str, list[str]]) -> Response:
    asked = Asked(
        request.method,
        request.headers.get("Accept"),
        params,
        client_address(runtime().settings, request.environ),
        request.if_none_match,
    )
    answered = answer_query(runtime(), text, asked)
    return Response(answered.body, answered.status, answered.headers)


@dataclass(frozen=True)
class Asked:
    """A query request as HTTP gave it, read by this blueprint or by the fast path."""

    method: str
    accept: str | None
    params: dict[str, list[str]]
    client: str
    if_none_match: ETags


@dataclass(frozen=True)
class Answered:
    """What the protocol answers, for Flask's Response or the fast path's start_response."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


def answer_query(rt: Runtime, text: str, asked: Asked) -> Answered:
    """The protocol's answer to one query, or the error it raises: the one implementation,
    whether Flask routed the request or the fast path (web/fastpath.py) took it first."""
    safe = asked.method in SAFE
    if len(text.encode("utf-8")) > rt.settings.max_query_bytes:
        abort(414 if safe else 413, f"the query is longer than {rt.settings.max_query_bytes} bytes")
    inspected = inspect(text, QUERY_PREFIXES)
    # FROM outside the store is refused; the protocol's default-graph-uri/named-graph-uri name
    # an empty graph instead, as the W3C protocol suite requires (never a download: sandbox.py)
    _only_stored_graphs(rt, inspected.graphs, "FROM")
    offer = conneg.negotiate(asked.accept, conneg.BY_FORM[inspected.form], _formats(asked.params))
    if offer is None:
        names = ", ".join(o.media_type for o in conneg.BY_FORM[inspected.form])
        abort(406, f"a {inspected.form} query can answer in: {names}")
    params = asked.params
    job = QueryJob(
        text,
        offer.name,
        tuple(params["default-graph-uri"]) if "default-graph-uri" in params else None,
        tuple(params["named-graph-uri"]) if "named-graph-uri" in params else None,
        inspected.regexes,
        public_url(rt) + "/sparql" if inspected.relative else None,
        prefixes=tuple(QUERY_PREFIXES.items()),
        own_dataset=bool(inspected.graphs),
    )
    key = (rt.store.info.version, job)
    etag = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    headers = [*CORS.items(), ("Vary", "Accept")]
    if safe:
        headers += [("ETag", quote_etag(etag)), ("Cache-Control", "public, max-age=300")]
    # RFC 9110 13.1.2: If-None-Match compares weakly, and "*" matches any representation
    if safe and asked.if_none_match.contains_weak(etag):
        return Answered(304, headers, b"")
    answer = run_client_query(rt, job, asked.client)
    headers += [
        ("Content-Type", offer.content_type),
        ("X-Powgraph-Row-Cap", str(rt.settings.row_cap)),
    ]
    if answer.truncated:
        headers.append(("X-Powgraph-Truncated", "true"))
    return Answered(200, headers, answer.body)


def _only_stored_graphs(rt: Runtime, graphs: Iterable[str], named_by: str) -> None:
    """FROM and FROM NAMED may name only graphs in the store: a mistyped graph is a clear 400,
    not an empty answer."""
    outside = [g for g in graphs if g not in rt.store.info.graphs]
    if outside:
        raise QueryRejected(
            f"{named_by} names a graph that is not in this store: <{outside[0]}>", "graph"
        )


def _formats(params: dict[str, list[str]]) -> list[str]:
    """Every `format=` value, else every `output=` value (Fuseki's name; SPARQLWrapper sends
    both, with the same value): conneg takes the first that names an answer."""
    return params.get("format") or params.get("output") or []


def _editor_config() -> dict[str, object]:
    """What the editor's script needs: the examples, the predeclared prefixes and the queries
    it completes classes and properties with (both answered here: nothing is fetched from
    prefix.cc or LOV), and where IRIs under the base are served on this site."""
    rt = runtime()
    roots = (rt.settings.base_iri + "id/", str(ONTOLOGY_IRI))
    return {
        "endpoint": public_url() + "/sparql",
        "examples": {q.name: q.body for q in rt.examples},
        "prefixes": QUERY_PREFIXES,
        "completions": {q.name: q.body for q in rt.editor.values()},
        "local": {root: local_href(root) for root in roots},
    }


def _describe() -> Response:
    rt = runtime()
    offer = conneg.negotiate(
        request.headers.get("Accept"), conneg.DESCRIPTION, request.args.getlist("format")
    )
    if offer is None:
        abort(
            406,
            "the service description is available as Turtle, RDF/XML, JSON-LD, N-Triples or HTML",
        )
    if offer is conneg.HTML:
        page = render_template(
            "sparql.html",
            triples=rt.store.info.triples,
            examples=rt.examples,
            editor=_editor_config(),
        )
        response = Response(page)
    else:
        graphs = graph_iri(rt.settings.base_iri, "")
        graph = service_description(public_url() + "/sparql", rt.store.info, graphs)
        body = graph.serialize(format=RDFLIB_FORMATS[offer.name], encoding="utf-8")
        response = Response(body, content_type=offer.content_type)
    response.headers.update(CORS)
    response.headers["Vary"] = "Accept"
    return response
