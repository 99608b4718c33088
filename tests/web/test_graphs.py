"""The store's named graphs: the service description lists each with its triples, each graph
name minted under the base dereferences (303 to a document in HTML and RDF that says, in SD and
VoID terms, what it holds), and a graph name the store does not have is 404."""

from __future__ import annotations

import re
from dataclasses import replace
from html import unescape
from pathlib import Path

import requests
from flask.testing import FlaskClient
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, VOID

from powgraph.config import Settings
from powgraph.namespaces import ONTOLOGY_IRI
from powgraph.publish.build import Checked
from powgraph.store.embedded import write_store
from powgraph.web import create_app
from tests.web.conftest import LiveServer

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
TURTLE = {"Accept": "text/turtle"}
HTML = {"Accept": "text/html"}
RDF_FORMATS = {"jsonld": "json-ld", "nt": "nt", "rdf": "xml"}


def named_graphs(sd: Graph) -> dict[str, int]:
    """sd:name -> the void:triples of its sd:graph, for every sd:namedGraph of the default
    dataset."""
    (dataset,) = set(sd.objects(None, SD.defaultDataset))
    assert (dataset, RDF.type, SD.Dataset) in sd
    out = {}
    for named in sd.objects(dataset, SD.namedGraph):
        assert (named, RDF.type, SD.NamedGraph) in sd
        graph = sd.value(named, SD.graph)
        assert (graph, RDF.type, SD.Graph) in sd
        out[str(sd.value(named, SD.name))] = int(sd.value(graph, VOID.triples))
    return out


def service_description(live: LiveServer) -> Graph:
    r = requests.get(live.sparql, headers=TURTLE, timeout=10)
    return Graph().parse(data=r.text, format="turtle")


def class_counts(live: LiveServer, graph: str) -> dict[str, int]:
    """What the endpoint itself says the graph holds, asked with a GRAPH query."""
    query = (
        "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) "
        f"WHERE {{ VALUES ?g {{ <{graph}> }} GRAPH ?g {{ ?s a ?class }} }} GROUP BY ?class"
    )
    r = requests.get(live.sparql, params={"query": query}, timeout=10)
    rows = r.json()["results"]["bindings"]
    return {row["class"]["value"]: int(row["n"]["value"]) for row in rows}


def test_service_description_lists_every_named_graph(
    live: LiveServer, real_checked: Checked
) -> None:
    """One graph per source, the shared vocabulary and the ontology: what the build wrote."""
    sd = service_description(live)
    graphs = named_graphs(sd)
    assert set(graphs) == set(real_checked.graphs) and str(ONTOLOGY_IRI) in graphs
    assert all(n > 0 for n in graphs.values())
    (default,) = set(sd.objects(None, SD.defaultGraph))
    union = int(sd.value(default, VOID.triples))
    assert max(graphs.values()) <= union <= sum(graphs.values())
    for name, triples in graphs.items():
        counted = requests.get(
            live.sparql,
            params={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"},
            timeout=10,
        ).json()["results"]["bindings"][0]["n"]["value"]
        assert int(counted) == triples, name


def test_the_service_description_stays_under_16_kib(live: LiveServer) -> None:
    """The W3C suite's client (rdf-test-suite 2.8.0) stalls on any body over 16 KiB (it tees
    the response into a cache stream nobody reads): past that, the SD tests time out with no
    word of why. Each source adds about 140 bytes; this says when the description must shrink."""
    body = requests.get(live.sparql, headers=TURTLE, timeout=10).content
    assert len(body) < 16 * 1024, f"{len(body)} bytes: see powgraph/web/description.py"


def test_every_named_graph_dereferences(live: LiveServer, built: Settings) -> None:
    base = built.base_iri + "id/"
    session = requests.Session()
    graphs = named_graphs(service_description(live))
    for name, triples in graphs.items():
        if name.startswith(str(ONTOLOGY_IRI)):  # the ontology is its own document, /def
            for accept, media in (("text/html", "text/html"), ("text/turtle", "text/turtle")):
                r = session.get(live.url + "/def", headers={"Accept": accept}, timeout=10)
                assert r.status_code == 200 and r.headers["Content-Type"].startswith(media)
            continue
        assert name.startswith(base + "graph/"), f"a graph the server does not serve: {name}"
        key = name[len(base) :]
        thing = session.get(live.url + "/id/" + key, allow_redirects=False, timeout=10)
        assert thing.status_code == 303 and thing.headers["Vary"] == "Accept", name
        document = thing.headers["Location"]
        assert document == live.url + "/doc/" + key

        turtle = session.get(document, headers=TURTLE, timeout=10)
        assert turtle.status_code == 200 and turtle.headers["Content-Type"].startswith(
            "text/turtle"
        )
        assert turtle.headers["Vary"] == "Accept" and 'rel="alternate"' in turtle.headers["Link"]
        g = Graph().parse(data=turtle.text, format="turtle")
        graph = URIRef(name)
        assert (graph, RDF.type, SD.Graph) in g and (graph, RDF.type, VOID.Dataset) in g
        assert (graph, VOID.triples, Literal(triples)) in g  # the service description's count
        assert (graph, VOID.sparqlEndpoint, URIRef(live.sparql)) in g
        held = {
            str(g.value(p, VOID["class"])): int(g.value(p, VOID.entities))
            for p in g.objects(graph, VOID.classPartition)
        }
        assert held == class_counts(live, name) and held
        for extension, fmt in RDF_FORMATS.items():
            other = session.get(f"{document}.{extension}", timeout=10)
            assert other.status_code == 200, (name, extension)
            assert (graph, VOID.triples, Literal(triples)) in Graph().parse(
                data=other.content, format=fmt
            )

        html = session.get(document, headers=HTML, timeout=10)
        assert html.status_code == 200 and html.headers["Content-Type"].startswith("text/html")
        page = html.text
        assert f'<strong id="triples">{triples:,}</strong>' in page
        rows = dict(re.findall(r'title="([^"]+)">[^<]*</a></td><td>([\d,]+)</td>', page))
        assert {c: int(n.replace(",", "")) for c, n in rows.items()} == held
        assert f"GRAPH &lt;{name}&gt;" in page
        (run,) = re.findall(r'id="run" href="(/sparql\?query=[^"]+)"', page)
        answer = session.get(live.url + unescape(run), timeout=10)
        assert answer.status_code == 200 and answer.json()["results"]["bindings"]
        (alone,) = re.findall(r'id="graph-triples" href="(/sparql\?query=[^"]+)"', page)
        answer = session.get(live.url + unescape(alone), timeout=10)
        assert answer.status_code == 200, name
        assert len(Graph().parse(data=answer.text, format="nt")) == triples, name
        assert 'href="/sparql#query=' in page
        embedded = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
        assert embedded and len(Graph().parse(data=embedded.group(1), format="json-ld")) > 0
        dumps = re.findall(r'href="([^"]*/dumps/latest/[^"]+)"', page)
        assert dumps, name
        for url in dumps:
            r = session.get(url, headers={"Range": "bytes=0-9"}, timeout=10)
            assert r.status_code == 206, url
        # the N-Quads dump holds every named graph, by name
        assert [u for u in dumps if u.endswith("/dumps/latest/powgraph.nq.gz")], name
        assert (graph, VOID.dataDump, URIRef(live.url + "/dumps/latest/powgraph.nq.gz")) in g


def test_unknown_graphs_are_404(live: LiveServer) -> None:
    for path in ("/id/graph/x", "/doc/graph/x", "/doc/graph/x.ttl", "/id/graph/data/x"):
        r = requests.get(
            live.url + path,
            headers={"Accept": "application/json"},
            allow_redirects=False,
            timeout=10,
        )
        assert r.status_code == 404, path
        assert r.json()["error"]["status"] == 404


def test_any_graph_the_store_has_dereferences(tmp_path: Path, built: Settings) -> None:
    """Graph names other than the build's (a vocabulary graph, one per source) are described
    the same way, from what the store holds; a name it does not hold stays 404."""
    base = "https://example.org/x/"
    a = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    nt = {
        base + "id/graph/vocabulary": (
            f"<{base}id/place/p> {a} <https://schema.org/Place> .\n"
            f"<{base}id/place/q> {a} <https://schema.org/Place> .\n"
        ).encode(),
        base + "id/graph/source-a": (
            f"<{base}id/observation/a/1> {a} <http://purl.org/linked-data/cube#Observation> .\n"
            f'<{base}id/observation/a/1> {label} "one" .\n'
        ).encode(),
    }
    store = tmp_path / "store"
    store.mkdir()
    write_store(store, nt, "test", "test")
    app = create_app(replace(built, base_iri=base, store_dir=store))
    try:
        client: FlaskClient = app.test_client()
        for key, triples, cls in (
            ("vocabulary", 2, "https://schema.org/Place"),
            ("source-a", 2, "http://purl.org/linked-data/cube#Observation"),
        ):
            assert client.get(f"/id/graph/{key}").status_code == 303
            g = Graph().parse(data=client.get(f"/doc/graph/{key}.ttl").data, format="turtle")
            graph = URIRef(f"{base}id/graph/{key}")
            assert (graph, VOID.triples, Literal(triples)) in g
            (partition,) = g.objects(graph, VOID.classPartition)
            assert str(g.value(partition, VOID["class"])) == cls
            page = client.get(f"/doc/graph/{key}", headers=HTML).data.decode()
            assert '<strong id="triples">2</strong>' in page and key in page
        sd = Graph().parse(data=client.get("/sparql", headers=TURTLE).data, format="turtle")
        assert named_graphs(sd) == {name: 2 for name in nt}
        assert client.get("/id/graph/data").status_code == 404
    finally:
        app.extensions["powgraph"].store.close()
