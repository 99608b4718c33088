"""Linked data: every URI minted under the base dereferences. A thing (`/id/...`) answers
303 See Other to its document (`/doc/...`), which is HTML or RDF by Accept or by extension. A
named graph of the store (`/id/graph/...`) is a thing too: its document says what it holds."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from rdflib import Graph, URIRef
from werkzeug.wrappers import Response as WerkzeugResponse

from powgraph.published import DUMP_FILES, LATEST, NQUADS, VOCABULARY_GRAPH, latest_release
from powgraph.published.metadata import dump_format
from powgraph.queries import BadParameter, CannedQuery, bind
from powgraph.store import QueryJob
from powgraph.web import conneg
from powgraph.web.charts import STATISTICAL_VARIABLE, load_chart
from powgraph.web.description import SD, ClassCount, graph_description
from powgraph.web.links import local_href
from powgraph.web.runtime import public_url, runtime

bp = Blueprint("entities", __name__)

DOCUMENT_OFFERS = (conneg.HTML, conneg.TURTLE, conneg.JSONLD, conneg.NTRIPLES, conneg.RDFXML)
EXTENSIONS = {
    "html": conneg.HTML,
    "ttl": conneg.TURTLE,
    "jsonld": conneg.JSONLD,
    "nt": conneg.NTRIPLES,
    "rdf": conneg.RDFXML,
}
EXACT_MATCH = "http://www.w3.org/2004/02/skos/core#exactMatch"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABELS = ("#label", "#prefLabel", "/title")
RDFLIB_FORMATS = {"turtle": "turtle", "rdfxml": "xml", "jsonld": "json-ld", "ntriples": "nt"}
VOID_DATASET = "http://rdfs.org/ns/void#Dataset"
CONSTRUCT = "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"
# What the named graphs the build writes hold (by the key after {base}id/graph/): the shared
# vocabulary, or else one source's figures; any other graph the store has is described by its
# name and what it holds.
SOURCE_GRAPH = (
    "Figures and claims of source “{key}”",
    "One source's data set: its figures and claims, the quotes each rests on, and the "
    "document they are quoted from.",
)
OTHER_GRAPH = ("Named graph “{key}”", "A named graph of the SPARQL endpoint.")
GRAPH_LABELS = {
    VOCABULARY_GRAPH: (
        "The shared vocabulary",
        "What every source shares: variables, places, periods, concepts and the data structure.",
    ),
}


@dataclass
class Link:
    """One property value on a page: a term, its label, and where it points on this site."""

    predicate: str
    predicate_label: str
    value: str
    label: str | None
    href: str | None
    literal: bool
    annotation: str = ""


@dataclass
class Entity:
    iri: str
    label: str
    types: list[Link] = field(default_factory=list)
    outgoing: list[Link] = field(default_factory=list)
    incoming: list[Link] = field(default_factory=list)
    exact_match: list[str] = field(default_factory=list)  # Wikidata items, skos:exactMatch
    quote: dict[str, Any] | None = None
    graph: NamedGraph | None = None


@dataclass
class NamedGraph:
    """A named graph of the store, as its page shows it and its RDF description says it."""

    label: str
    comment: str
    triples: int
    classes: list[ClassCount]
    class_links: list[str | None]  # where each class is served here
    example: str  # a GRAPH query over it
    editor: str  # the query editor with the example in it
    run: str  # the example's answer
    dumps: list[tuple[str, str, str]]  # (file, what it is, URL): the dumps that hold it by name
    triples_url: str  # its triples alone, as N-Triples, from the endpoint

    def rdf(self, iri: str) -> Graph:
        root = public_url()
        return graph_description(
            iri,
            self.label,
            self.comment,
            self.triples,
            self.classes,
            root + "/sparql",
            root + "/dataset",
            [url for _, _, url in self.dumps],
        )


def select(query: CannedQuery, **params: str) -> list[dict[str, dict[str, str]]]:
    """A linked-data query's raw SPARQL JSON bindings (terms keep their kind)."""
    answer = runtime().store.run(QueryJob(query.text, "json", bindings=bind(query, params)))
    bindings: list[dict[str, dict[str, str]]] = json.loads(answer.body)["results"]["bindings"]
    return bindings


def _label(row: dict[str, dict[str, str]], name: str) -> str | None:
    term = row.get(name)
    return term["value"] if term else None


def _links(rows: list[dict[str, dict[str, str]]], node: str, node_label: str) -> list[Link]:
    """One Link per (predicate, node), labels merged (a term may have several)."""
    seen: dict[tuple[str, str], Link] = {}
    for row in rows:
        term = row[node]
        key = (row["p"]["value"], term["value"])
        if key in seen:
            continue
        literal = term["type"] == "literal"
        annotation = term.get("xml:lang", "") or term.get("datatype", "").rsplit("#", 1)[-1]
        seen[key] = Link(
            row["p"]["value"],
            _label(row, "pLabel") or row["p"]["value"].rsplit("#", 1)[-1].rsplit("/", 1)[-1],
            term["value"],
            None if literal else _label(row, node_label),
            None if literal else local_href(term["value"]),
            literal,
            annotation if literal else "",
        )
    return list(seen.values())


def _outgoing_rows(iri: str) -> list[dict[str, dict[str, str]]]:
    """What the store says about the IRI; empty when nothing is known (or it is no IRI)."""
    try:
        return select(runtime().linked["outgoing"], entity=iri)
    except BadParameter:
        return []


def _graph_triples(iri: str) -> int | None:
    """The triples of the store's named graph of that name; None if it has no such graph."""
    return runtime().store.info.graphs.get(iri)


def _dump_label(name: str) -> str:
    """What a dump file is, as the dataset description says it."""
    fmt = dump_format(name)
    return f"{fmt.label}{', gzipped' if fmt.gzip else ''}" if fmt else name


def load_graph(iri: str, triples: int) -> NamedGraph:
    """What a named graph holds (its classes, by a query with the graph bound as an IRI term),
    how to query it and where its dumps are."""
    rt = runtime()
    base = rt.settings.base_iri + "id/graph/"
    key = iri[len(base) :] if iri.startswith(base) else iri.rstrip("/").rsplit("/", 1)[-1]
    label, comment = GRAPH_LABELS.get(key, SOURCE_GRAPH if iri.startswith(base) else OTHER_GRAPH)
    label = label.format(key=key)
    seen: dict[str, ClassCount] = {}
    for row in select(rt.linked["graph-classes"], graph=iri):
        cls = row["class"]["value"]
        if cls not in seen:
            name = _label(row, "classLabel") or cls.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            seen[cls] = ClassCount(cls, name, int(row["n"]["value"]))
    classes = list(seen.values())
    example = (
        "SELECT ?class (COUNT(DISTINCT ?s) AS ?instances)\n"
        f"WHERE {{ GRAPH <{iri}> {{ ?s a ?class }} }}\n"
        "GROUP BY ?class\n"
        "ORDER BY DESC(?instances)\n"
    )
    root = public_url()
    latest = latest_release(rt.settings.releases_dir)
    released = set(latest["files"]) if latest else set()
    dumps = [
        (name, _dump_label(name), f"{root}/dumps/{LATEST}/{name}")
        for name in DUMP_FILES
        if name in released
    ]
    return NamedGraph(
        label,
        comment,
        triples,
        classes,
        [local_href(c.iri) for c in classes],
        example,
        "/sparql#query=" + quote(example, safe=""),
        "/sparql?query=" + quote(example, safe=""),
        [d for d in dumps if d[0] == NQUADS],
        "/sparql?query=" + quote(CONSTRUCT.format(iri=iri), safe="") + "&format=nt",
    )


def load_entity(iri: str) -> Entity | None:
    queries = runtime().linked
    outgoing_rows = _outgoing_rows(iri)
    triples = _graph_triples(iri)
    if not outgoing_rows and triples is None:
        return None
    outgoing = _links(outgoing_rows, "o", "oLabel")
    labels = [link.value for link in outgoing if link.predicate.endswith(LABELS)]
    entity = Entity(iri, labels[0] if labels else iri.rsplit("/", 1)[-1])
    if triples is not None:
        entity.graph = load_graph(iri, triples)
        if not labels:
            entity.label = entity.graph.label
    entity.types = [link for link in outgoing if link.predicate == TYPE]
    entity.exact_match = [link.value for link in outgoing if link.predicate == EXACT_MATCH]
    entity.outgoing = [link for link in outgoing if link.predicate != TYPE]
    if entity.graph is not None and not entity.types:
        entity.types = [
            Link(TYPE, "type", str(SD.Graph), "SPARQL graph", str(SD.Graph), False),
            Link(TYPE, "type", VOID_DATASET, "VoID dataset", VOID_DATASET, False),
        ]
    entity.incoming = _links(select(queries["incoming"], entity=iri), "s", "sLabel")
    quote = select(queries["quote"], entity=iri)
    if quote:
        entity.quote = {name: term["value"] for name, term in quote[0].items()}
    return entity


def _split(key: str) -> tuple[str, str | None]:
    head, dot, extension = key.rpartition(".")
    if dot and extension in EXTENSIONS and "/" not in extension:
        return head, extension
    return key, None


@bp.get("/id/<path:key>")
def thing(key: str) -> WerkzeugResponse:
    iri = runtime().settings.base_iri + "id/" + key
    if _graph_triples(iri) is None and not _outgoing_rows(iri):
        abort(404, f"nothing is known about <{iri}>")
    response = redirect(url_for("entities.document", key=key, _external=True), 303)
    response.headers["Vary"] = "Accept"
    return response


@bp.get("/doc/<path:key>")
def document(key: str) -> Response:
    key, extension = _split(key)
    rt = runtime()
    iri = rt.settings.base_iri + "id/" + key
    entity = load_entity(iri)
    if entity is None:
        abort(404, f"nothing is known about <{iri}>")
    offer = (
        EXTENSIONS[extension]
        if extension
        else conneg.negotiate(request.headers.get("Accept"), DOCUMENT_OFFERS)
    )
    if offer is None:
        abort(406, "a document is available as " + ", ".join(o.media_type for o in DOCUMENT_OFFERS))
    params = (("entity", URIRef(iri)),)
    describe = rt.linked["describe"]
    if entity.graph is not None:
        response = _graph_document(entity, entity.graph, offer, key)
    elif offer is conneg.HTML:
        jsonld = json.loads(
            rt.store.run(QueryJob(describe.text, "jsonld", bindings=params)).body or b"[]"
        )
        page = render_template(
            "entity.html",
            entity=entity,
            chart=load_chart(iri) if _is_variable(entity) else None,
            reading=_reading_page(key),
            jsonld=jsonld,
            key=key,
            version=rt.store.info.version,
            citation=citation(entity, rt.store.info.version),
        )
        response = Response(page)
    else:
        body = rt.store.run(QueryJob(describe.text, offer.name, bindings=params)).body
        response = Response(body, content_type=offer.content_type)
    response.headers["Vary"] = "Accept"
    alternates = [
        f'</doc/{key}.{ext}>; rel="alternate"; type="{o.media_type}"'
        for ext, o in EXTENSIONS.items()
    ]
    response.headers["Link"] = ", ".join([f'<{iri}>; rel="describes"', *alternates])
    return response


WHOLE_DATASET = "dataset/powgraph"  # /id/dataset/powgraph, the whole (answered by /dataset)


def _reading_page(key: str) -> str | None:
    """The page written for reading that shows this thing whole: a source's (its dataset,
    itself or a document it quotes) or an exchange's."""
    kind, _, rest = key.partition("/")
    name = rest.split("/", 1)[0]
    if kind == "source" or (kind == "dataset" and key != WHOLE_DATASET):
        return f"/sources/{name}"
    return f"/exchanges/{name}" if kind == "exchange" else None


def _is_variable(entity: Entity) -> bool:
    return any(t.value == STATISTICAL_VARIABLE for t in entity.types)


def _graph_document(entity: Entity, graph: NamedGraph, offer: conneg.Offer, key: str) -> Response:
    """A named graph's document: its SD/VoID description, with whatever the store itself says
    of its name (the same describe query as any entity's)."""
    rt = runtime()
    rdf = graph.rdf(entity.iri)
    stored = rt.store.run(
        QueryJob(rt.linked["describe"].text, "ntriples", bindings=(("entity", URIRef(entity.iri)),))
    ).body
    if stored.strip():
        rdf.parse(data=stored, format="nt")
    if offer is conneg.HTML:
        jsonld = json.loads(rdf.serialize(format="json-ld", encoding="utf-8"))
        page = render_template(
            "graph.html",
            entity=entity,
            graph=graph,
            jsonld=jsonld,
            key=key,
            version=rt.store.info.version,
            citation=citation(entity, rt.store.info.version),
        )
        return Response(page)
    body = rdf.serialize(format=RDFLIB_FORMATS[offer.name], encoding="utf-8")
    return Response(body, content_type=offer.content_type)


def citation(entity: Entity, version: str) -> dict[str, str]:
    """How to cite a figure or claim: plain text and BibTeX."""
    quote = entity.quote or {}
    title = entity.label
    source = f"{quote['sourceTitle']} ({quote['issued']})" if quote else ""
    where = f"{entity.iri} (data version {version[:12]}, CC BY 4.0)"
    plain = f"“{title}”. " + (f"{source}. " if source else "") + f"In powgraph, {where}."
    fields = {
        "title": title,
        "note": f"{source}. Quote: {quote.get('exact', '')}" if quote else "",
        "howpublished": f"\\url{{{entity.iri}}}",
        "publisher": "powgraph",
        "version": version[:12],
        "license": "CC BY 4.0",
    }
    key = "powgraph-" + entity.iri.rstrip("/").rsplit("/", 1)[-1]
    lines = [f"  {name} = {{{_bibtex_safe(value)}}}" for name, value in fields.items() if value]
    return {"plain": plain, "bibtex": f"@misc{{{key},\n" + ",\n".join(lines) + "\n}"}


def _bibtex_safe(value: str) -> str:
    """Braces would end a BibTeX field early; the URL command keeps its own."""
    if value.startswith("\\url{"):
        return value
    return value.replace("{", "(").replace("}", ")")
