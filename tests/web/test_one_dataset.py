"""One dataset everywhere: the release's N-Quads are the endpoint's dataset quad for quad, every
typed literal is written in one (canonical) form by dumps and answers alike, one version names
the data on every surface, and every IRI under the base that the dumps hold dereferences."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pyoxigraph as ox
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import VOID

from powgraph.config import Settings
from powgraph.published import INFO, LATEST, NQUADS
from powgraph.published.metadata import DCAT_VERSION, SD, dataset_iri
from tests.web.conftest import LiveServer

TURTLE = {"Accept": "text/turtle"}
HTML = {"Accept": "text/html"}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
TYPED = f"FILTER (isLiteral(?o) && DATATYPE(?o) NOT IN (<{XSD_STRING}>, <{RDF_LANG}>))"
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
QUADS = "SELECT ?s ?p ?o WHERE {{ GRAPH <{}> {{ ?s ?p ?o }} }}"  # one graph: under the row cap
LEXICAL = f"SELECT DISTINCT ?o (STR(?o) AS ?lexical) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {TYPED} }}"


def _release(settings: Settings) -> Path:
    return (settings.releases_dir / LATEST).resolve() / "data"


def _nquads(settings: Settings) -> bytes:
    return gzip.decompress((_release(settings) / NQUADS).read_bytes())


def _rows(document: dict[str, object]) -> list[str]:
    """SPARQL JSON bindings as sorted, comparable strings."""
    bindings = document["results"]["bindings"]  # type: ignore[index]
    return sorted(json.dumps(b, sort_keys=True) for b in bindings)


def _endpoint(live: LiveServer, query: str) -> dict[str, object]:
    r = requests.post(live.sparql, data={"query": query}, timeout=30)
    assert r.status_code == 200 and "X-Powgraph-Truncated" not in r.headers, r.text
    document: dict[str, object] = r.json()
    return document


def test_the_nquads_dump_is_the_endpoints_dataset(live: LiveServer, built: Settings) -> None:
    """A fresh pyoxigraph store loaded from the release answers GRAPH queries as the endpoint
    does: the same graphs, the same quads, the same STR() of every typed literal."""
    store = ox.Store()
    store.load(_nquads(built), format=ox.RdfFormat.N_QUADS)

    def mine(query: str) -> dict[str, object]:
        answer = json.loads(store.query(query).serialize(format=ox.QueryResultsFormat.JSON))
        return answer  # type: ignore[no-any-return]

    graphs = _rows(mine(GRAPHS))
    assert graphs == _rows(_endpoint(live, GRAPHS)) and graphs
    names = [json.loads(row)["g"]["value"] for row in graphs]
    for query in (*(QUADS.format(name) for name in names), LEXICAL):
        assert _rows(mine(query)) == _rows(_endpoint(live, query)) and _rows(mine(query)), query


def test_dumps_write_every_typed_literal_as_the_endpoint_answers_it(
    live: LiveServer, built: Settings
) -> None:
    """Parsed without a store (rapper, rdflib, pyoxigraph's parser keep the characters as
    written), every dump says "24", never "24.0": the lexical forms the endpoint's STR() gives."""
    served = {
        (row["o"]["datatype"], row["lexical"]["value"])
        for row in _endpoint(live, LEXICAL)["results"]["bindings"]  # type: ignore[index]
    }
    assert any(d.endswith("#decimal") for d, _ in served)
    release = _release(built)
    for name, fmt in (
        ("powgraph.nt.gz", ox.RdfFormat.N_TRIPLES),
        (NQUADS, ox.RdfFormat.N_QUADS),
        ("powgraph.ttl", ox.RdfFormat.TURTLE),
        ("powgraph.jsonld.gz", ox.RdfFormat.JSON_LD),
    ):
        raw = (release / name).read_bytes()
        written = {
            (q.object.datatype.value, q.object.value)
            for q in ox.parse(gzip.decompress(raw) if name.endswith(".gz") else raw, format=fmt)
            if isinstance(q.object, ox.Literal)
            and q.object.datatype.value not in (XSD_STRING, RDF_LANG)
        }
        assert written == served, name
    union = gzip.decompress((release / "powgraph.nt.gz").read_bytes())
    by_rdflib = {
        (str(o.datatype), str(o))
        for o in Graph().parse(data=union, format="nt").objects()
        if isinstance(o, Literal) and o.datatype and str(o.datatype) != XSD_STRING
    }
    assert by_rdflib == served


def test_one_version_names_the_data_everywhere(live: LiveServer, built: Settings) -> None:
    """/health, the X-Powgraph-Version header, a canned answer's citation, VoID/DCAT, and the
    release's own files say one version, and that version is a release under /dumps."""
    version = requests.get(live.url + "/health", timeout=10).json()["version"]
    release = _release(built)
    assert release.parent.name == version
    assert json.loads((release / INFO).read_text())["version"] == version
    assert f'version: "{version}"' in (release / "CITATION.cff").read_text()
    answer = requests.get(live.url + "/queries/exchanges.json", timeout=10)
    assert answer.headers["X-Powgraph-Version"] == version
    assert answer.json()["citation"]["version"] == version
    dataset = Graph().parse(data=requests.get(live.url + "/dataset.ttl", timeout=10).text)
    assert str(dataset.value(URIRef(dataset_iri(built.base_iri)), DCAT_VERSION)) == version
    void = Graph().parse(data=(release / "void.ttl").read_bytes(), format="turtle")
    assert {str(v) for v in void.objects(None, DCAT_VERSION)} == {version}
    page = requests.get(live.url + "/dataset", headers=HTML, timeout=10).text
    assert f'<td id="version">{version}</td>' in page
    listed = requests.get(f"{live.url}/dumps/{version}/SHA256SUMS", timeout=10)
    assert listed.status_code == 200


def test_counts_say_what_they_count(live: LiveServer, built: Settings) -> None:
    """VoID's total is the default graph (the union) and /health's; its subsets are the
    service description's named graphs, graph by graph."""
    health = requests.get(live.url + "/health", timeout=10).json()["triples"]
    description = Graph().parse(data=requests.get(live.url + "/dataset.ttl", timeout=10).text)
    iri = URIRef(dataset_iri(built.base_iri))
    assert int(description.value(iri, VOID.triples)) == health  # type: ignore[arg-type]
    void = {
        str(description.value(s, SD.name)): int(description.value(s, VOID.triples))  # type: ignore[arg-type]
        for s in description.objects(iri, VOID.subset)
    }
    sd = Graph().parse(data=requests.get(live.sparql, headers=TURTLE, timeout=10).text)
    named = {
        str(sd.value(g, SD.name)): int(sd.value(sd.value(g, SD.graph), VOID.triples))  # type: ignore[arg-type]
        for g in sd.subjects(SD.name, None)
    }
    (default,) = sd.objects(None, SD.defaultGraph)
    assert int(sd.value(default, VOID.triples)) == health  # type: ignore[arg-type]
    assert void == named and void


def _under_base(settings: Settings) -> set[str]:
    """Every IRI under the base in the N-Quads dump: subjects, objects and graph names."""
    found: set[str] = set()
    for quad in ox.parse(_nquads(settings), format=ox.RdfFormat.N_QUADS):
        for term in (quad.subject, quad.object, quad.graph_name):
            if isinstance(term, ox.NamedNode) and term.value.startswith(settings.base_iri):
                found.add(term.value)
    return found


def test_every_iri_under_the_base_in_the_dumps_dereferences(
    live: LiveServer, built: Settings
) -> None:
    """/id/... answers 303 to its document, in HTML and in Turtle that names it; a term of the
    ontology (a hash IRI) is its document's, /def."""
    session = requests.Session()
    iris = _under_base(built)
    assert any("/id/graph/" in iri for iri in iris) and len(iris) > 100
    documents = set()
    for iri in sorted(iris):
        path = "/" + iri[len(built.base_iri) :]
        if path.startswith(("/id/", "/def/")):  # a thing, or the ontology's version IRI
            thing = session.get(live.url + path, allow_redirects=False, timeout=10)
            assert thing.status_code == 303, iri
            documents.add((iri, thing.headers["Location"]))
        else:
            assert re.fullmatch(r"/def(#[\w-]+)?", path), iri
            documents.add((iri.split("#")[0], live.url + "/def"))
    for iri, document in sorted(documents):
        page = session.get(document, headers=HTML, timeout=10)
        assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html"), (
            iri,
            document,
        )
        turtle = session.get(document, headers=TURTLE, timeout=10)
        assert turtle.status_code == 200 and turtle.headers["Content-Type"].startswith(
            "text/turtle"
        ), iri
        described = Graph().parse(data=turtle.text, format="turtle")
        assert (URIRef(iri), None, None) in described or (None, None, URIRef(iri)) in described
    other = session.get(live.url + "/def/0.0.0-never", headers={"Accept": "application/json"})
    assert other.status_code == 404 and "not served" in other.json()["error"]["message"]
