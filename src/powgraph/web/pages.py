"""The pages around the data: the home page (every figure with its wording, interval and quote),
the ontology at its namespace, the VoID/DCAT description, and the latest dumps."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, render_template, request
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from powgraph.namespaces import CC_BY_4, ONTOLOGY_IRI, POW
from powgraph.published import DUMP_FILES, data_graph_iri, latest_release, media_type
from powgraph.published.metadata import Dump, describe_dataset
from powgraph.queries import bind, run_on_store
from powgraph.web import conneg
from powgraph.web.entities import local_href
from powgraph.web.runtime import public_url, runtime

bp = Blueprint("pages", __name__)

RDF_OFFERS = (conneg.TURTLE, conneg.JSONLD, conneg.RDFXML, conneg.NTRIPLES)
RDFLIB = {"turtle": "turtle", "jsonld": "json-ld", "rdfxml": "xml", "ntriples": "nt"}


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
    root = public_url()
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
                "encodingFormat": media_type(name),
                "contentUrl": f"{root}/dumps/latest/{name}",
            }
            for name in DUMP_FILES
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
    rt = runtime()
    root = public_url()
    latest = latest_release(rt.settings.releases_dir)
    dumps = []
    if latest:
        for name in DUMP_FILES:
            file = latest["files"][name]
            url = f"{root}/dumps/{latest['version']}/{name}"
            dumps.append(Dump(url, media_type(name), file["size"], file["sha256"]))
    graph = describe_dataset(
        root + "/dataset",
        rt.settings.base_iri,
        rt.store.info.graphs.get(data_graph_iri(rt.settings), 0),
        [str(d["issued"]) for d in _rows("datasets")],
        dumps,
        endpoint=root + "/sparql",
        publisher=root + "/",
    )
    response = Response(
        graph.serialize(format=RDFLIB[offer.name], encoding="utf-8"),
        content_type=offer.content_type,
    )
    response.headers["Vary"] = "Accept"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
