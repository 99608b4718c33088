"""/dataset is valid DCAT-AP 3.0.1 (zero violations of its SHACL shapes), its VoID counts agree
with /health and the store, its dataset IRI is under the base and dereferences, and a browser
gets a readable page with links to the RDF forms."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
import requests
from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SH, VOID, XSD

from powgraph.config import Settings
from powgraph.publish.build import Checked
from powgraph.published.metadata import SD, SPDX, dataset_iri
from tests.web.conftest import LiveServer

# The shapes, copied unchanged from SEMICeu/DCAT-AP (see ../shared/validators/README.md)
SHAPES = Path(__file__).resolve().parents[3] / "shared" / "validators" / "dcat-ap-3.0.1"
TIME = Namespace("http://www.w3.org/2006/time#")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
# Recommended properties the data cannot honestly fill: a type for the publisher from the ADMS
# publisher-type list (a group of contributors is none of its kinds), and a bounding box and
# centroid for the countries (coordinates would be typed in, not taken from the data).
ACCEPTED_WARNINGS = {
    ("Agent", str(DCTERMS.type)),
    ("Location", str(DCAT.bbox)),
    ("Location", str(DCAT.centroid)),
}


def _shapes(*names: str) -> Graph:
    if not SHAPES.is_dir():  # shared/ lies beside every checkout CI makes: missing is a failure
        reason = f"the DCAT-AP 3.0.1 shapes are not at {SHAPES}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    graph = Graph()
    for name in names:
        graph.parse(SHAPES / name, format="turtle")
    return graph


def _results(data: Graph, shapes: Graph) -> list[tuple[str, str, str, str]]:
    """(severity, class of the focus node, path, focus node) of every result."""
    _, report, _ = validate(data, shacl_graph=shapes, advanced=True)
    assert isinstance(report, Graph)
    found = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        kinds = sorted(
            str(t).rsplit("/", 1)[-1].rsplit("#", 1)[-1] for t in data.objects(focus, RDF.type)
        )
        found.append(
            (
                str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
                "Agent" if "Agent" in kinds else "|".join(kinds),
                str(report.value(result, SH.resultPath)),
                str(focus),
            )
        )
    return found


@pytest.fixture(scope="module")
def description(live: LiveServer) -> Graph:
    r = requests.get(live.url + "/dataset", headers={"Accept": "text/turtle"}, timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    return Graph().parse(data=r.text, format="turtle")


def test_zero_dcat_ap_violations(description: Graph) -> None:
    results = _results(description, _shapes("shapes.ttl", "range.ttl"))
    assert results == [], results
    warnings = _results(description, _shapes("shapes_recommended.ttl"))
    kinds = Counter((kind, path) for severity, kind, path, _ in warnings)
    print("DCAT-AP 3.0.1 recommended properties missing:", dict(kinds))
    assert all(severity == "Warning" for severity, *_ in warnings)
    assert set(kinds) <= ACCEPTED_WARNINGS, kinds


def test_the_dataset_iri_is_under_the_base_and_dereferences(
    live: LiveServer, description: Graph, built: Settings
) -> None:
    iri = URIRef(dataset_iri(built.base_iri))
    assert str(iri).startswith(built.base_iri)
    assert (iri, RDF.type, DCAT.Dataset) in description
    assert list(description.subjects(RDF.type, DCAT.Dataset)) == [iri]
    thing = requests.get(live.url + "/id/dataset/powgraph", allow_redirects=False, timeout=10)
    assert thing.status_code == 303 and thing.headers["Location"] == live.url + "/dataset"
    # distributions and the service are web resources: under the public URL
    for distribution in description.objects(iri, DCAT.distribution):
        assert str(distribution).startswith(live.url + "/dumps/")
    assert (URIRef(live.sparql), RDF.type, DCAT.DataService) in description


def test_distributions_match_the_release(live: LiveServer, description: Graph) -> None:
    release = requests.get(live.url + "/dumps?format=json", timeout=10).json()["releases"][0]
    distributions = list(description.subjects(RDF.type, DCAT.Distribution))
    assert len(distributions) == 4
    for distribution in distributions:
        url = description.value(distribution, DCAT.downloadURL)
        assert description.value(distribution, DCAT.accessURL) == url
        name = str(url).rsplit("/", 1)[-1]
        meta = release["files"][name]
        size = description.value(distribution, DCAT.byteSize)
        assert isinstance(size, Literal) and size.datatype == XSD.nonNegativeInteger
        assert size.toPython() == meta["size"]
        checksum = description.value(distribution, SPDX.checksum)
        assert str(description.value(checksum, SPDX.checksumValue)) == meta["sha256"]
        media = description.value(distribution, DCAT.mediaType)
        assert (media, RDF.type, DCTERMS.MediaType) in description
        if name.endswith(".gz"):
            gzip = URIRef("http://www.iana.org/assignments/media-types/application/gzip")
            assert description.value(distribution, DCAT.compressFormat) == gzip
        head = requests.head(str(url), timeout=10)
        assert head.status_code == 200 and int(head.headers["Content-Length"]) == meta["size"]


def test_void_counts_agree_with_health_and_the_store(
    live: LiveServer, description: Graph, built: Settings, real_checked: Checked
) -> None:
    """VoID's total is the default graph (what /health and the release count), and a subset
    per named graph (what the store holds under that name)."""
    iri = URIRef(dataset_iri(built.base_iri))
    health = requests.get(live.url + "/health", timeout=10).json()
    assert description.value(iri, VOID.triples).toPython() == health["triples"]  # type: ignore[union-attr]
    subsets = list(description.objects(iri, VOID.subset))
    assert {str(description.value(s, SD.name)) for s in subsets} == set(real_checked.graphs)
    total = 0
    for subset in subsets:
        graph = description.value(subset, SD.name)
        count = description.value(subset, VOID.triples).toPython()  # type: ignore[union-attr]
        query = f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        rows = requests.get(live.sparql, params={"query": query}, timeout=10).json()
        assert int(rows["results"]["bindings"][0]["n"]["value"]) == count, graph
        total += count
    assert total >= health["triples"]  # the default graph is their union
    release = requests.get(live.url + "/dumps?format=json", timeout=10).json()["releases"][0]
    assert release["triples"] == health["triples"]


def test_temporal_coverage_comes_from_the_data(
    description: Graph, real_graph: Graph, built: Settings
) -> None:
    period = description.value(URIRef(dataset_iri(built.base_iri)), DCTERMS.temporal)
    start = description.value(period, DCAT.startDate)
    end = description.value(period, DCAT.endDate)
    dates = {str(o) for o in real_graph.objects(None, TIME.inXSDDate)}
    assert isinstance(start, Literal) and start.datatype == XSD.date and str(start) in dates
    assert isinstance(end, Literal) and end.datatype == XSD.date and str(end) in dates
    assert str(start) < str(end)


def test_a_browser_gets_a_page_with_links_to_the_rdf(live: LiveServer) -> None:
    page = requests.get(live.url + "/dataset", headers={"Accept": BROWSER}, timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert page.headers["Vary"] == "Accept"
    for ext, media in (("ttl", "text/turtle"), ("jsonld", "application/ld+json")):
        assert f'<link rel="alternate" type="{media}" href="/dataset.{ext}">' in page.text
        served = requests.get(f"{live.url}/dataset.{ext}", timeout=10)
        assert served.headers["Content-Type"].startswith(media)
    release = requests.get(live.url + "/dumps?format=json", timeout=10).json()["releases"][0]
    for name in ("powgraph.nt.gz", "powgraph.ttl"):
        meta = release["files"][name]
        assert name in page.text and meta["sha256"] in page.text and str(meta["size"]) in page.text
    for needle in (live.sparql, "creativecommons.org/licenses/by/4.0", "powgraph contributors"):
        assert needle in page.text
    void = requests.get(live.url + "/.well-known/void", headers={"Accept": BROWSER}, timeout=10)
    assert void.headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("path", "headers", "status", "media"),
    [
        ("/dataset", {}, 200, "text/turtle"),
        ("/dataset", {"Accept": "*/*"}, 200, "text/turtle"),
        ("/dataset?format=ttl", {"Accept": BROWSER}, 200, "text/turtle"),
        ("/dataset?format=html", {"Accept": "text/turtle"}, 200, "text/html"),
        ("/dataset.nt", {"Accept": "text/html"}, 200, "application/n-triples"),
        ("/dataset.rdf", {}, 200, "application/rdf+xml"),
        ("/dataset.html", {}, 200, "text/html"),
        ("/.well-known/void", {"Accept": "text/html"}, 200, "text/html"),
        ("/dataset", {"Accept": "image/png"}, 406, "application/json"),
    ],
)
def test_dataset_negotiation(
    live: LiveServer, path: str, headers: dict[str, str], status: int, media: str
) -> None:
    r = requests.get(live.url + path, headers=headers, timeout=10)
    assert r.status_code == status
    assert r.headers["Content-Type"].split(";")[0] == media
