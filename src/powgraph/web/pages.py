"""The pages around the data: the home page (every figure with its wording, interval and quote),
the ontology at its namespace, the VoID/DCAT description, and the latest dumps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, render_template, request, send_file
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, VOID, XSD

from powgraph.build import data_graph_iri
from powgraph.namespaces import CC_BY_4, ONTOLOGY_IRI, POW
from powgraph.queries import bind, run_on_store
from powgraph.web import conneg
from powgraph.web.entities import local_href
from powgraph.web.runtime import runtime

bp = Blueprint("pages", __name__)

RDF_OFFERS = (conneg.TURTLE, conneg.JSONLD, conneg.RDFXML, conneg.NTRIPLES)
RDFLIB = {"turtle": "turtle", "jsonld": "json-ld", "rdfxml": "xml", "ntriples": "nt"}
DUMPS = {"powgraph.nt": "application/n-triples", "powgraph.ttl": "text/turtle"}


def _rows(name: str, **params: str) -> list[dict[str, Any]]:
    rt = runtime()
    query = rt.canned[name]
    return run_on_store(rt.store, query, bind(query, params))[1]


@bp.get("/")
def home() -> Response:
    sources = []
    for dataset in _rows("datasets"):
        figures = _rows("source-figures", dataset=dataset["dataset"])
        for figure in figures:
            figure["href"] = local_href(figure["observation"])
        sources.append({"title": dataset["title"], "issued": dataset["issued"], "figures": figures})
    claims = _rows("claims")
    for claim in claims:
        claim["href"] = local_href(claim["claim"])
    page = render_template(
        "home.html", sources=sources, claims=claims, dataset=_schema_dataset(sources)
    )
    return Response(page)


def _schema_dataset(sources: list[dict[str, Any]]) -> dict[str, Any]:
    """schema.org Dataset, for dataset search engines."""
    root = request.host_url.rstrip("/")
    return {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": "powgraph: published statistics on prisoners of war in the Russia–Ukraine war",
        "description": (
            "Published aggregate figures on prisoners of war in the Russia–Ukraine war, each with "
            "its verbatim quote, its source and its qualifier as a machine-readable interval."
        ),
        "url": root + "/",
        "license": str(CC_BY_4),
        "isAccessibleForFree": True,
        "creator": {"@type": "Organization", "name": "powgraph contributors", "url": root + "/"},
        "keywords": ["prisoners of war", "Russia", "Ukraine", "statistics", "linked data"],
        "temporalCoverage": "2022-02-24/..",
        "spatialCoverage": ["Ukraine", "Russia"],
        "citation": [s["title"] for s in sources],
        "distribution": [
            {
                "@type": "DataDownload",
                "encodingFormat": media,
                "contentUrl": f"{root}/dumps/latest/{name}",
            }
            for name, media in DUMPS.items()
        ],
    }


@bp.get("/def")
@bp.get("/def.ttl")
def ontology() -> Response:
    graph = runtime().ontology
    wants_turtle = request.path.endswith(".ttl")
    offer = (
        conneg.TURTLE
        if wants_turtle
        else conneg.negotiate(request.headers.get("Accept"), (conneg.HTML, *RDF_OFFERS))
    )
    if offer is None:
        abort(406, "the ontology is available as HTML, Turtle, JSON-LD, RDF/XML, N-Triples")
    if offer is not conneg.HTML:
        response = Response(
            graph.serialize(format=RDFLIB[offer.name], encoding="utf-8"),
            content_type=offer.content_type,
        )
    else:
        response = Response(render_template("ontology.html", **_ontology_page(graph)))
    response.headers["Vary"] = "Accept"
    return response


def _ontology_page(graph: Graph) -> dict[str, Any]:
    def terms(kind: URIRef) -> list[dict[str, str]]:
        out = []
        for term in sorted(graph.subjects(RDF.type, kind), key=str):
            if not str(term).startswith(str(POW._NS)):
                continue
            label = graph.value(term, RDFS.label) or graph.value(term, SKOS.prefLabel)
            scheme = graph.value(term, SKOS.inScheme)
            out.append(
                {
                    "name": str(term).split("#", 1)[1],
                    "label": str(label or ""),
                    "definition": str(graph.value(term, SKOS.definition) or ""),
                    "extra": f"in pow:{str(scheme).split('#', 1)[1]}" if scheme else "",
                }
            )
        return out

    groups = [
        ("Classes", terms(OWL.Class)),
        ("Object properties", terms(OWL.ObjectProperty)),
        ("Datatype properties", terms(OWL.DatatypeProperty)),
        ("Statistic types", terms(RDF.Property)),
        ("Code lists", terms(SKOS.ConceptScheme)),
        ("Codes", terms(SKOS.Concept)),
    ]
    return {
        "title": str(graph.value(ONTOLOGY_IRI, DCTERMS.title)),
        "description": str(graph.value(ONTOLOGY_IRI, DCTERMS.description)),
        "version": str(graph.value(ONTOLOGY_IRI, OWL.versionInfo)),
        "groups": groups,
    }


@bp.get("/dataset")
@bp.get("/.well-known/void")
def dataset() -> Response:
    offer = conneg.negotiate(request.headers.get("Accept"), RDF_OFFERS, request.args.get("format"))
    if offer is None:
        abort(
            406,
            "the dataset description is available as "
            + ", ".join(o.media_type for o in RDF_OFFERS),
        )
    body = void_graph(request.host_url.rstrip("/")).serialize(
        format=RDFLIB[offer.name], encoding="utf-8"
    )
    response = Response(body, content_type=offer.content_type)
    response.headers["Vary"] = "Accept"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def void_graph(root: str) -> Graph:
    """VoID and DCAT 3: what the data is, where its endpoint and dumps are, under what licence."""
    rt = runtime()
    g = Graph(bind_namespaces="none")
    for prefix, ns in (("void", VOID), ("dcat", DCAT), ("dcterms", DCTERMS), ("foaf", FOAF)):
        g.bind(prefix, ns)
    ds, publisher = URIRef(root + "/dataset"), URIRef(root + "/")
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add(
        (
            ds,
            DCTERMS.title,
            Literal(
                "powgraph: published statistics on prisoners of war in the Russia–Ukraine war",
                lang="en",
            ),
        )
    )
    g.add(
        (
            ds,
            DCTERMS.description,
            Literal(
                "Aggregate figures with their verbatim quotes, sources and implied intervals.",
                lang="en",
            ),
        )
    )
    g.add((ds, DCTERMS.license, CC_BY_4))
    g.add((ds, DCTERMS.publisher, publisher))
    g.add((publisher, RDF.type, FOAF.Organization))
    g.add((publisher, FOAF.name, Literal("powgraph contributors")))
    issued = sorted(str(d["issued"]) for d in _rows("datasets"))
    if issued:
        g.add((ds, DCTERMS.issued, Literal(issued[0], datatype=XSD.date)))
        g.add((ds, DCTERMS.modified, Literal(issued[-1], datatype=XSD.date)))
    g.add((ds, VOID.sparqlEndpoint, URIRef(root + "/sparql")))
    g.add((ds, VOID.uriSpace, Literal(rt.settings.base_iri + "id/")))
    g.add((ds, VOID.triples, Literal(rt.store.info.graphs.get(data_graph_iri(rt.settings), 0))))
    g.add((ds, VOID.vocabulary, URIRef(str(POW._NS))))
    g.add((ds, DCTERMS.conformsTo, ONTOLOGY_IRI))
    for name, media in DUMPS.items():
        url = URIRef(f"{root}/dumps/latest/{name}")
        if _dump_path(name) is None:
            continue
        distribution = URIRef(f"{root}/dumps/latest/{name}#distribution")
        g.add((ds, VOID.dataDump, url))
        g.add((ds, DCAT.distribution, distribution))
        g.add((distribution, RDF.type, DCAT.Distribution))
        g.add((distribution, DCAT.downloadURL, url))
        g.add(
            (
                distribution,
                DCAT.mediaType,
                URIRef("https://www.iana.org/assignments/media-types/" + media),
            )
        )
        g.add((distribution, DCTERMS.license, CC_BY_4))
        path = _dump_path(name)
        assert path is not None
        g.add(
            (
                distribution,
                DCAT.byteSize,
                Literal(path.stat().st_size, datatype=XSD.nonNegativeInteger),
            )
        )
    service = URIRef(root + "/sparql")
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCAT.endpointURL, service))
    g.add((service, DCAT.servesDataset, ds))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    return g


def _dump_path(name: str) -> Path | None:
    path = runtime().settings.served_store / name
    return path if name in DUMPS and path.is_file() else None


@bp.get("/dumps/latest/<name>")
def dump(name: str) -> Response:
    path = _dump_path(name)
    if path is None:
        abort(404, f"no dump named {name!r}; the dumps are {', '.join(DUMPS)}")
    response = send_file(
        path, mimetype=DUMPS[name], conditional=True, as_attachment=True, download_name=name
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
