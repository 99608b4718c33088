"""The pages around the data: the home page (every figure with its wording, interval and quote),
the ontology at its namespace, the VoID/DCAT description, and the latest dumps."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from werkzeug.wrappers import Response as WerkzeugResponse

from powgraph.namespaces import CC_BY_4, ONTOLOGY_IRI, POW
from powgraph.published import DUMP_FILES, latest_release, media_type
from powgraph.published.metadata import (
    DESCRIPTION,
    KEYWORDS,
    PLACES,
    PUBLISHER,
    THEMES,
    TITLE,
    Dump,
    dataset_iri,
    describe_dataset,
    dump_format,
)
from powgraph.queries import run_on_store
from powgraph.store import StoreInfo
from powgraph.web import conneg
from powgraph.web.charts import most_sourced
from powgraph.web.links import local_href
from powgraph.web.runtime import public_url, runtime

bp = Blueprint("pages", __name__)

HOME_CHARTS = 3  # charts on the home page: the variables with figures from the most sources
RDF_OFFERS = (conneg.TURTLE, conneg.JSONLD, conneg.RDFXML, conneg.NTRIPLES)
RDFLIB = {"turtle": "turtle", "jsonld": "json-ld", "rdfxml": "xml", "ntriples": "nt"}


@bp.get("/")
def home() -> Response:
    datasets = runtime().rows("datasets")
    every = runtime().every_row("source-figures")
    if every is None:  # more than the row cap at once: one query per source
        every = [
            f for d in datasets for f in runtime().rows("source-figures", dataset=d["dataset"])
        ]
    by_dataset: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for figure in every:
        figure["href"] = local_href(figure["observation"])
        by_dataset[figure["dataset"]].append(figure)
    sources = [
        {"title": d["title"], "issued": d["issued"], "figures": by_dataset[d["dataset"]]}
        for d in datasets
    ]
    claims = runtime().rows("claims")
    for claim in claims:
        claim["href"] = local_href(claim["claim"])
    page = render_template(
        "home.html",
        sources=sources,
        claims=claims,
        charts=most_sourced(HOME_CHARTS),
        dataset=_schema_dataset(sources),
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


@bp.get("/favicon.ico")
def favicon() -> WerkzeugResponse:
    """Browsers ask for /favicon.ico whatever a page says: the site's icon is an SVG."""
    return redirect(url_for("static", filename="favicon.svg"), 301)


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


@bp.get("/def/<version>")
def ontology_version(version: str) -> WerkzeugResponse:
    """The ontology's owl:versionIRI: the version served is the document at /def (303, like
    every other thing-to-document hop); an older version is not kept here."""
    current = str(runtime().ontology.value(ONTOLOGY_IRI, OWL.versionInfo))
    if version != current:
        abort(404, f"ontology version {version!r} is not served here; the current is {current}")
    return redirect(public_url() + "/def", 303)


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


DATASET_OFFERS = (*RDF_OFFERS, conneg.HTML)  # RDF first: a client that says nothing gets Turtle
DATASET_FILES = {
    "ttl": conneg.TURTLE,
    "jsonld": conneg.JSONLD,
    "rdf": conneg.RDFXML,
    "nt": conneg.NTRIPLES,
    "html": conneg.HTML,
}


@bp.get("/id/dataset/powgraph")
def dataset_thing() -> WerkzeugResponse:
    """The dataset's IRI (metadata.dataset_iri) is a thing: 303 to the document describing it."""
    response = redirect(public_url() + "/dataset", 303)
    response.headers["Vary"] = "Accept"
    return response


@bp.get("/dataset")
@bp.get("/.well-known/void")
@bp.get("/dataset.ttl")
@bp.get("/dataset.jsonld")
@bp.get("/dataset.rdf")
@bp.get("/dataset.nt")
@bp.get("/dataset.html")
def dataset() -> Response:
    _, dot, extension = request.path.rpartition(".")
    wanted = (request.args.get("format") or "").strip().lower()
    if request.path.startswith("/dataset.") and dot:
        offer: conneg.Offer | None = DATASET_FILES[extension]
    elif wanted == "html":
        offer = conneg.HTML
    else:
        offer = conneg.negotiate(request.headers.get("Accept"), DATASET_OFFERS, wanted or None)
    if offer is None:
        abort(
            406,
            "the dataset description is available as "
            + ", ".join(o.media_type for o in DATASET_OFFERS),
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
    info = rt.store.info
    issued = [str(d["issued"]) for d in runtime().rows("datasets")]
    temporal = _coverage()
    iri = dataset_iri(rt.settings.base_iri)
    graph = describe_dataset(
        iri,
        rt.settings.base_iri,
        info.triples,
        issued,
        dumps,
        endpoint=root + "/sparql",
        publisher=rt.settings.base_iri + "#publisher",
        graphs=info.graphs,
        temporal=temporal,
        home=root + "/",
        version=info.version,
    )
    if offer is conneg.HTML:
        page = render_template(
            "dataset.html",
            **_dataset_page(iri, info, issued, temporal, dumps, latest),
        )
        response = Response(page)
    else:
        response = Response(
            graph.serialize(format=RDFLIB[offer.name], encoding="utf-8"),
            content_type=offer.content_type,
        )
    response.headers["Vary"] = "Accept"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Link"] = ", ".join(
        [f'<{iri}>; rel="describes"']
        + [
            f'</dataset.{ext}>; rel="alternate"; type="{o.media_type}"'
            for ext, o in DATASET_FILES.items()
        ]
    )
    return response


def _coverage() -> tuple[str, str] | None:
    """The first and last day the figures cover (queries/linked-data/coverage.rq)."""
    rt = runtime()
    found = run_on_store(rt.store, rt.linked["coverage"], ())[1]
    if not found or not found[0]["first"] or not found[0]["last"]:
        return None
    return str(found[0]["first"]), str(found[0]["last"])


def _dataset_page(
    iri: str,
    info: StoreInfo,
    issued: list[str],
    temporal: tuple[str, str] | None,
    dumps: list[Dump],
    latest: dict[str, Any] | None,
) -> dict[str, Any]:
    root = public_url()
    files = []
    for dump in dumps:
        fmt = dump_format(dump.url)
        files.append(
            {
                "name": dump.url.rsplit("/", 1)[-1],
                "url": dump.url,
                "format": fmt.label if fmt else "",
                "media_type": fmt.media_type if fmt else dump.media_type,
                "gzip": bool(fmt and fmt.gzip),
                "description": fmt.description if fmt else "",
                "size": dump.size,
                "sha256": dump.sha256,
            }
        )
    return {
        "iri": iri,
        "title": TITLE,
        "description": DESCRIPTION,
        "keywords": KEYWORDS,
        "themes": THEMES,
        "places": {str(place): label for place, label in PLACES.items()},
        "temporal": temporal,
        "issued": min(issued) if issued else None,
        "modified": max(issued) if issued else None,
        "triples": info.triples,
        "graphs": [(name, n, local_href(name)) for name, n in sorted(info.graphs.items())],
        "licence": str(CC_BY_4),
        "publisher": PUBLISHER,
        "home": root + "/",
        "endpoint": root + "/sparql",
        "version": info.version,
        "release": latest["version"] if latest else None,
        "files": files,
        "alternates": [(ext, o.media_type) for ext, o in DATASET_FILES.items() if o.name != "html"],
    }
