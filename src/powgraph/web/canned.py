"""/queries: the canned queries as pages and an API. Every answer carries its citation: the
sources and quotes behind its rows, the data version and the licence."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, abort, jsonify, render_template, request

from powgraph.namespaces import CC_BY_4
from powgraph.queries import BadParameter, CannedQuery, bind, rows, write_table
from powgraph.store import QueryJob
from powgraph.web import conneg, csvw
from powgraph.web.links import local_href
from powgraph.web.params import parse_pairs
from powgraph.web.runtime import public_url, runtime

bp = Blueprint("canned", __name__)

PLAIN_JSON = conneg.Offer("json", "application/json")
OFFERS = (PLAIN_JSON, conneg.CSV, conneg.TSV, conneg.HTML)
IRI = re.compile(r"https?://[^\s<>\"]+")
EXTENSIONS = {"json": PLAIN_JSON, "csv": conneg.CSV, "tsv": conneg.TSV, "html": conneg.HTML}
METADATA = ".csv-metadata.json"  # CSVW's default place for a CSV's metadata: {+url}-metadata.json


@bp.get("/queries")
@bp.get("/queries.json")
def index() -> Response:
    queries = sorted(runtime().canned.values(), key=lambda q: q.name)
    offer = (
        EXTENSIONS["json"] if request.path.endswith(".json") else _offer((PLAIN_JSON, conneg.HTML))
    )
    if offer is conneg.HTML:
        return Response(render_template("queries.html", queries=queries))
    return jsonify({"queries": [_summary(q) for q in queries]})


@bp.get("/queries/<name>")
def query(name: str) -> Response:
    if name.endswith(METADATA):
        return _metadata(name.removesuffix(METADATA))
    stem, dot, extension = name.rpartition(".") if "." in name else (name, "", "")
    canned = runtime().canned.get(stem)
    if canned is None or (dot and extension not in EXTENSIONS):
        abort(404, f"no canned query named {name!r}; see /queries")
    offer = EXTENSIONS[extension] if dot else _offer(OFFERS)
    params = _parameters()
    columns, found = rows(_answer(canned, params))
    citation = _citation(found)
    if offer is conneg.HTML:
        page = render_template(
            "query.html",
            query=canned,
            columns=columns,
            rows=found,
            citation=citation,
            links=[_links(row) for row in found],
            editor_link="/sparql#query=" + quote(canned.body),
            params=params,
            query_string=_query_string(params),
        )
        return Response(page)
    if offer is PLAIN_JSON:
        body = {
            **_summary(canned),
            "parameters": params,
            "citation": citation,
            "columns": columns,
            "rows": found,
        }
        return jsonify(body)
    delimiter = "," if offer is conneg.CSV else "\t"
    response = Response(write_table(columns, found, delimiter), content_type=offer.content_type)
    links = [f'<{CC_BY_4}>; rel="license"'] + [
        f'<{s["source"]}>; rel="cite-as"' for s in citation["sources"]
    ]
    if offer is conneg.CSV:
        metadata = f"/queries/{canned.name}{METADATA}{_query_string(params)}"
        links.append(f'<{public_url()}{metadata}>; rel="describedby"; type="{csvw.MEDIA_TYPE}"')
    response.headers["Link"] = ", ".join(links)
    return response


def _metadata(stem: str) -> Response:
    """The CSVW metadata of /queries/<stem>.csv with the same parameters: its url is that CSV,
    its columns the CSV's header, each typed from the same answer's terms."""
    canned = runtime().canned.get(stem)
    if canned is None:
        abort(404, f"no canned query named {stem!r}; see /queries")
    params = _parameters()
    url = f"{public_url()}/queries/{canned.name}.csv{_query_string(params)}"
    body = json.dumps(csvw.metadata(canned, _answer(canned, params), url), ensure_ascii=False)
    return Response(body, content_type=csvw.MEDIA_TYPE)


def _query_string(params: dict[str, str]) -> str:
    """The parameters as one canonical query string (with its "?"), or nothing."""
    return "?" + urlencode(params) if params else ""


@bp.get("/openapi.json")
def openapi() -> Response:
    queries = sorted(runtime().canned.values(), key=lambda q: q.name)
    return jsonify(openapi_document(queries, public_url()))


def _offer(offers: tuple[conneg.Offer, ...]) -> conneg.Offer:
    offer = conneg.negotiate(request.headers.get("Accept"), offers)
    if offer is None:
        abort(406, "canned queries answer as " + ", ".join(o.media_type for o in offers))
    return offer


def _parameters() -> dict[str, str]:
    params: dict[str, str] = {}
    for key, value in parse_pairs(request.query_string, "the URL"):
        if key in params:
            raise BadParameter(key, "given twice")
        params[key] = value
    return params


def _clamped(params: dict[str, str], name: str, default: int, ceiling: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    # ASCII digits only: str.isdigit() and int() also take other scripts' digits ("²", "٣")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        raise BadParameter(name, "must be a whole number (ASCII digits)")
    return min(int(raw), ceiling)


def _answer(canned: CannedQuery, params: dict[str, str]) -> dict[str, Any]:
    """The SPARQL JSON answer, its rows cut by offset and limit: the rows every format writes
    and the terms the CSVW metadata types its columns from."""
    rt = runtime()
    bindings = bind(canned, params)
    limit = _clamped(params, "limit", rt.settings.row_cap, rt.settings.row_cap)
    offset = _clamped(params, "offset", 0, rt.settings.row_cap)
    answer: dict[str, Any] = json.loads(
        rt.store.run(QueryJob(canned.text, "json", bindings=bindings)).body
    )
    found = answer["results"]["bindings"]
    answer["results"]["bindings"] = found[offset : offset + limit]
    return answer


def _links(row: dict[str, Any]) -> dict[str, str | None]:
    """Where each IRI in a row is served (ours on this site, others as they are); the plain
    rows do not say which values are IRIs, so an absolute http(s) IRI with no space is one."""
    return {
        column: local_href(value) if isinstance(value, str) and IRI.fullmatch(value) else None
        for column, value in row.items()
    }


def side_value(row: dict[str, Any], name: str, side: str = "") -> Any:
    """A column of an answer row, or of one side of a row that pairs two figures (``side``
    "left" or "right": ``leftQuote``, as the conflicts query names them)."""
    return row.get(side + name[0].upper() + name[1:] if side else name)


def _citation(found: list[dict[str, Any]]) -> dict[str, Any]:
    """The sources and quotes an answer stands on: each row's own, or each side's."""
    sources: dict[str, dict[str, Any]] = {}
    quotes: set[str] = set()
    for row in found:
        for side in ("", "left", "right"):
            source, quote = side_value(row, "source", side), side_value(row, "quote", side)
            if source:
                sources.setdefault(
                    source,
                    {
                        "source": source,
                        "title": side_value(row, "sourceTitle", side),
                        "issued": side_value(row, "issued", side),
                    },
                )
            if quote:
                quotes.add(quote)
    return {
        "sources": list(sources.values()),
        "quotes": sorted(quotes),
        "version": runtime().store.info.version,
        "license": str(CC_BY_4),
        "publisher": "powgraph",
    }


def _summary(canned: CannedQuery) -> dict[str, Any]:
    return {
        "name": canned.name,
        "title": canned.title,
        "description": canned.description,
        "statistics": list(canned.statistics),
        "tags": list(canned.tags),
        "parameters_accepted": [
            {
                "name": p.name,
                "type": p.type,
                "default": p.default,
                "description": p.description,
                "allowed": list(p.allowed),
                "values_query": p.values_query,
            }
            for p in canned.parameters
        ],
        "sparql": canned.body,
        "url": f"{public_url()}/queries/{canned.name}",  # what to cite: never the Host header
    }


SCHEMA_TYPES = {
    "IRI": {"type": "string", "format": "iri"},
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "date": {"type": "string", "format": "date"},
}


def openapi_document(queries: list[CannedQuery], server: str | None = None) -> dict[str, Any]:
    """OpenAPI 3.1, generated from the queries' headers; ``server``: the public base URL."""
    error = {"$ref": "#/components/schemas/Error"}
    paths: dict[str, Any] = {}
    for q in queries:
        parameters = [
            {
                "name": p.name,
                "in": "query",
                "required": p.default is None,
                "description": p.description,
                "schema": {
                    **SCHEMA_TYPES[p.type],
                    **({"default": p.default} if p.default is not None else {}),
                    **({"enum": list(p.allowed)} if p.allowed else {}),
                },
            }
            for p in q.parameters
        ] + [
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 0},
            },
            {
                "name": "offset",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 0},
            },
        ]
        paths[f"/queries/{q.name}"] = {
            "get": {
                "operationId": q.name.replace("-", "_"),
                "summary": q.title,
                "description": q.description,
                "tags": list(q.tags),
                "parameters": parameters,
                "responses": {
                    "200": {
                        "description": "The rows, with their citation",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Answer"}},
                            "text/csv": {"schema": {"type": "string"}},
                            "text/tab-separated-values": {"schema": {"type": "string"}},
                        },
                    },
                    "400": {
                        "description": "A bad parameter, named",
                        "content": {"application/json": {"schema": error}},
                    },
                    "503": {
                        "description": "The query ran past its time budget",
                        "content": {"application/json": {"schema": error}},
                    },
                },
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "powgraph canned queries",
            "version": "0.1.0",
            "description": (
                "Published statistics on prisoners of war in the Russia-Ukraine war: one query"
                " per statistic, each row with its wording, interval, quote and source."
            ),
            "license": {"name": "CC BY 4.0 (data)", "url": str(CC_BY_4)},
        },
        **({"servers": [{"url": server}]} if server else {}),
        "paths": paths,
        "components": {
            "schemas": {
                "Answer": {
                    "type": "object",
                    "required": ["name", "columns", "rows", "citation"],
                    "properties": {
                        "name": {"type": "string"},
                        "title": {"type": "string"},
                        "columns": {"type": "array", "items": {"type": "string"}},
                        "rows": {"type": "array", "items": {"type": "object"}},
                        "citation": {"type": "object"},
                    },
                },
                "Error": {
                    "type": "object",
                    "properties": {
                        "error": {
                            "type": "object",
                            "properties": {
                                "status": {"type": "integer"},
                                "kind": {"type": "string"},
                                "message": {"type": "string"},
                            },
                        }
                    },
                },
            }
        },
    }
