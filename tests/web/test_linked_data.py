"""Every minted URI dereferences (303 to a document in HTML and RDF), unknown ones are 404,
pages escape what they show, and the home page shows every figure with its quote."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS, VOID

from powgraph.config import Settings
from powgraph.errors import PowgraphError
from powgraph.serve import store_from_files
from powgraph.store import embedded
from powgraph.store.embedded import describe
from powgraph.web import create_app
from powgraph.web.runtime import runtime
from tests.helpers import FOUNDING
from tests.web.conftest import LiveServer, start_server, stop_server
from tests.web.test_browser import ARTIFACTS, chromium_page

TURTLE = {"Accept": "text/turtle"}


def test_every_subject_dereferences(
    live: LiveServer, real_graph: Graph, settings: Settings
) -> None:
    base = settings.base_iri + "id/"
    subjects = sorted(
        {s for s in real_graph.subjects() if isinstance(s, URIRef) and str(s).startswith(base)}
    )
    assert len(subjects) > 100
    session = requests.Session()
    for subject in subjects:
        path = str(subject)[len(settings.base_iri) - 1 :]
        thing = session.get(live.url + path, allow_redirects=False, timeout=10)
        assert thing.status_code == 303, subject
        document = thing.headers["Location"]
        assert document == live.url + "/doc/" + path[len("/id/") :], subject
        html = session.get(document, headers={"Accept": "text/html"}, timeout=10)
        assert html.status_code == 200 and html.headers["Content-Type"].startswith("text/html"), (
            subject
        )
        turtle = session.get(document, headers=TURTLE, timeout=10)
        assert turtle.status_code == 200 and turtle.headers["Vary"] == "Accept"
        served = Graph().parse(data=turtle.text, format="turtle")
        for _, p, o in real_graph.triples((subject, None, None)):
            # value equality: the store writes decimals canonically ("18" for "18.0")
            assert any(o.eq(other) for other in served.objects(subject, p)), (subject, p, o)


def test_unknown_uris_are_404(live: LiveServer) -> None:
    for path in (
        "/id/observation/nope/nothing",
        "/doc/place/atlantis",
        "/id/place/russia%3Cscript%3E",
    ):
        r = requests.get(live.url + path, headers={"Accept": "application/json"}, timeout=10)
        assert r.status_code == 404 and r.json()["error"]["status"] == 404
    html = requests.get(
        live.url + "/id/place/atlantis", headers={"Accept": "text/html"}, timeout=10
    )
    assert html.status_code == 404 and html.headers["Content-Type"].startswith("text/html")


CONNEG = [
    # path, Accept, status, media type
    ("/doc/place/russia", "text/html", 200, "text/html"),
    ("/doc/place/russia", "text/turtle", 200, "text/turtle"),
    ("/doc/place/russia", "application/ld+json", 200, "application/ld+json"),
    ("/doc/place/russia", "application/n-triples", 200, "application/n-triples"),
    ("/doc/place/russia", "application/rdf+xml", 200, "application/rdf+xml"),
    ("/doc/place/russia", "*/*", 200, "text/html"),
    ("/doc/place/russia", "text/turtle;q=0.5, application/ld+json", 200, "application/ld+json"),
    ("/doc/place/russia", "image/png", 406, "application/json"),
    ("/doc/place/russia.ttl", "text/html", 200, "text/turtle"),
    ("/doc/place/russia.jsonld", None, 200, "application/ld+json"),
    ("/doc/place/russia.nt", None, 200, "application/n-triples"),
    ("/doc/place/russia.rdf", None, 200, "application/rdf+xml"),
    ("/def", "text/html", 200, "text/html"),
    ("/def", "text/turtle", 200, "text/turtle"),
    ("/def.ttl", None, 200, "text/turtle"),
    ("/.well-known/void", None, 200, "text/turtle"),
    ("/dataset", "application/ld+json", 200, "application/ld+json"),
]


@pytest.mark.parametrize(("path", "accept", "status", "media"), CONNEG)
def test_content_negotiation(
    live: LiveServer, path: str, accept: str | None, status: int, media: str
) -> None:
    r = requests.get(live.url + path, headers={"Accept": accept} if accept else {}, timeout=10)
    assert r.status_code == status
    assert r.headers["Content-Type"].split(";")[0] == media
    if status == 200 and path.startswith("/doc/"):
        assert r.headers["Vary"] == "Accept"
        assert 'rel="alternate"' in r.headers["Link"]


def test_wikidata_links_are_visible(live: LiveServer) -> None:
    page = requests.get(
        live.url + "/doc/place/zaporizhzhia-oblast", headers={"Accept": "text/html"}, timeout=10
    )
    assert 'href="http://www.wikidata.org/entity/Q171334"' in page.text
    turtle = Graph().parse(
        data=requests.get(live.url + "/doc/event/russian-invasion-of-ukraine.ttl", timeout=10).text
    )
    assert URIRef("http://www.wikidata.org/entity/Q110999040") in set(
        turtle.objects(None, SKOS.exactMatch)
    )


def test_void_names_endpoint_dumps_and_licence(live: LiveServer) -> None:
    void = Graph().parse(
        data=requests.get(live.url + "/.well-known/void", timeout=10).text, format="turtle"
    )
    text = void.serialize(format="nt")
    for needle in (
        "rdfs.org/ns/void#sparqlEndpoint",
        "void#dataDump",
        "void#uriSpace",
        "void#triples",
        "creativecommons.org/licenses/by/4.0",
        "dcat#distribution",
        "dcterms/issued",
    ):
        assert needle.replace("dcterms", "purl.org/dc/terms") in text or needle in text, needle
    dump = requests.get(
        live.url + "/dumps/latest/powgraph.nt.gz", headers={"Range": "bytes=0-9"}, timeout=10
    )
    assert dump.status_code == 206 and len(dump.content) == 10
    assert any(str(o).endswith("/powgraph.nt.gz") for o in void.objects(None, VOID.dataDump))
    sd = requests.get(live.sparql, headers=TURTLE, timeout=10).text
    assert "/.well-known/void" in sd


def test_markup_in_data_renders_inert(tmp_path: Path, built: Settings) -> None:
    data = tmp_path / "xss.ttl"
    data.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://example.org/x/id/place/evil> rdfs:label "<script>alert(1)</script>" ;\n'
        '  rdfs:comment "</script><img src=x onerror=alert(2)>" ;\n'
        "  rdfs:seeAlso <javascript:alert(3)> .\n"
    )
    store = tmp_path / "store"
    store.mkdir()
    store_from_files([data], store)
    app = create_app(replace(built, base_iri="https://example.org/x/", store_dir=store))
    try:
        client: FlaskClient = app.test_client()
        page = client.get("/doc/place/evil", headers={"Accept": "text/html"}).data.decode()
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert 'href="javascript:' not in page
    finally:
        app.extensions["powgraph"].store.close()


def test_files_are_served_each_in_its_graph_and_their_union(tmp_path: Path) -> None:
    """`serve --data`: a file of triples loads as it is, a file of quads loses its graph
    names; the counts the server reports are the store's own."""
    triples = tmp_path / "a.ttl"
    triples.write_text("<urn:a> <urn:p> 1, 2 .\n<urn:b> <urn:p> 3 .\n")
    quads = tmp_path / "b.nq"
    quads.write_text(
        '<urn:a> <urn:p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> <urn:g> .\n'
        "<urn:c> <urn:p> <urn:d> <urn:h> .\n"
    )
    store = tmp_path / "store"
    store.mkdir()
    store_from_files([triples, quads], store)
    info = describe(store)
    assert info.graphs == {triples.resolve().as_uri(): 3, quads.resolve().as_uri(): 2}
    assert info.triples == 4  # <urn:a> <urn:p> 1 is in both files: once in the union
    union, named = _engine_sets(store)
    assert union == named and len(union) == info.triples
    assert info.version.startswith("files-")
    (again := tmp_path / "again").mkdir()
    store_from_files([triples, quads], again)
    assert describe(again).version == info.version  # the same files, the same version


def _engine_sets(store: Path) -> tuple[set[ox.Triple], set[ox.Triple]]:
    """The triples of the store's union, and those of its named graphs together."""
    engine = ox.Store.read_only(str(store / "oxigraph"))
    union = {q.triple for q in engine.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    named = {
        q.triple
        for q in engine.quads_for_pattern(None, None, None)
        if q.graph_name != ox.DefaultGraph()
    }
    return union, named


def test_a_large_file_loads_in_pieces_as_it_would_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """N-Triples over the piece size load in one piece per loader thread, cut at line ends
    (a cut mid-line would fail or lose a triple): the same triples in both graphs."""
    data = tmp_path / "big.nt"
    data.write_text("".join(f'<urn:s{n}> <urn:p> "{"x" * (n % 7)}{n}" .\n' for n in range(999)))
    monkeypatch.setattr(embedded, "PIECE", 100)
    monkeypatch.setattr(embedded, "LOADERS", 3)
    (empty := tmp_path / "empty.nt").write_text("")
    store = tmp_path / "store"
    store.mkdir()
    store_from_files([data, empty], store)
    union, named = _engine_sets(store)
    whole = {q.triple for q in ox.parse(path=str(data), format=ox.RdfFormat.N_TRIPLES)}
    assert union == named == whole
    assert describe(store).graphs == {data.resolve().as_uri(): 999}  # no triples, no graph


@pytest.mark.parametrize("suffix", ["nt", "ttl"])
def test_blank_nodes_in_the_union_are_the_named_graphs(tmp_path: Path, suffix: str) -> None:
    """Each bulk load renames blank nodes: loading a file once per graph made the union's blank
    nodes strangers to the named graph's. A triple of the union is found in its graph."""
    data = tmp_path / f"b.{suffix}"
    data.write_text('_:x <urn:p> "1" .\n_:x <urn:q> _:y .\n_:y <urn:p> "2" .\n')
    store = tmp_path / "store"
    store.mkdir()
    store_from_files([data], store)
    union, named = _engine_sets(store)
    assert union == named and len(union) == 3
    engine = ox.Store.read_only(str(store / "oxigraph"))
    answer = engine.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o GRAPH ?g { ?s ?p ?o } }")
    assert isinstance(answer, ox.QuerySolutions)
    assert int(next(answer)["n"].value) == 3


def test_an_error_in_a_later_piece_names_the_files_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.nt"
    bad.write_text("<urn:a> <urn:b> <urn:c> .\n" * 50 + "<a> <b> .\n")
    monkeypatch.setattr(embedded, "PIECE", 100)
    store = tmp_path / "store"
    store.mkdir()
    with pytest.raises(PowgraphError, match=f"cannot read {bad}: .*line 51"):
        store_from_files([bad], store)


@pytest.mark.browser
def test_home_and_observation_page_in_chromium(live: LiveServer, real_graph: Graph) -> None:
    from tests.test_founding_report import CLAIMS, FIGURES

    with chromium_page(390, 844) as page:
        page.goto(live.url + "/", wait_until="networkidle")
        text = page.inner_text("main")
        for printed, *_rest, words in FIGURES:
            assert printed in text and words in text, printed
        for _kind, words in CLAIMS:
            assert words in text
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.screenshot(path=str(ARTIFACTS / "home-phone.png"))
        page.click(f"text=observation/{FOUNDING}/captured-total")
        page.wait_for_selector("#quote mark")
        assert "more than 10,000 Russian servicemen have been captured" in page.inner_text(
            "#quote mark"
        )
        assert "powgraph-captured-total" in page.inner_text("#cite")
        page.screenshot(path=str(ARTIFACTS / "observation.png"), full_page=True)
    assert os.path.getsize(ARTIFACTS / "observation.png") > 1000


def test_the_site_has_an_icon(live: LiveServer) -> None:
    r = requests.get(live.url + "/favicon.ico", timeout=10)
    assert r.history and r.history[0].status_code == 301
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("image/svg+xml")
    assert 'rel="icon"' in requests.get(live.url + "/", timeout=10).text


def test_a_figures_document_holds_its_quote(live: LiveServer) -> None:
    from tests.helpers import FOUNDING

    iri = f"https://w3id.org/powgraph/id/observation/{FOUNDING}/captured-total"
    path = iri.split("/id/", 1)[1]
    r = requests.get(f"{live.url}/doc/{path}.ttl", timeout=10)
    graph = Graph().parse(data=r.text, format="turtle")
    quote = graph.value(URIRef(iri), URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
    selector = graph.value(quote, URIRef("http://www.w3.org/ns/oa#hasSelector"))
    exact = graph.value(selector, URIRef("http://www.w3.org/ns/oa#exact"))
    assert exact is not None and "10,000" in str(exact)


def test_a_store_served_from_files_goes_when_the_server_stops(
    built: Settings, tmp_path: Path
) -> None:
    """`serve --data` makes its own store (as large as the data) in the temporary directory:
    stopping the server removes it, and only it."""
    data = tmp_path / "one.ttl"
    data.write_text('<https://example.org/x/id/place/a> <http://example.org/p> "a" .\n')
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    (temporary / "kept").write_text("not the server's")
    server = start_server(built, {"TMPDIR": str(temporary)}, ["--data", str(data)])
    try:
        made = [p.name for p in temporary.iterdir() if p.name.startswith("powgraph-serve-")]
        assert made and requests.get(server.url + "/health", timeout=10).json()["triples"] == 1
    finally:
        stop_server(server)
    # multiprocessing's own directory stays when Granian has had to kill a web worker that
    # missed its shutdown (see stop_server); the store is removed all the same
    left = [p.name for p in temporary.iterdir() if not p.name.startswith("pymp-")]
    assert left == ["kept"]


@pytest.mark.parametrize("path", ["/id/%C2%80/x", "/doc/%C2%80/x"])
def test_a_key_no_iri_can_hold_is_a_clear_400(client: FlaskClient, path: str) -> None:
    """U+0080 is no IRI code point: the engine refuses the term, and the client hears why."""
    answer = client.get(path, headers={"Accept": "application/json"})
    assert answer.status_code == 400
    assert "Invalid IRI code point" in answer.get_json()["error"]["message"]


def test_the_home_page_lists_every_sources_figures_under_a_row_cap(
    client: FlaskClient, app: Flask
) -> None:
    """All sources' figures come in one query unless that answer is cut at the row cap (5
    here): then each source is asked alone, and none is left out for another's figures."""
    with app.app_context():
        rt = runtime()
        expected = {
            f["observation"]
            for d in rt.rows("datasets")
            for f in rt.rows("source-figures", dataset=d["dataset"])
        }
    page = client.get("/").get_data(as_text=True)
    listed = set(re.findall(r'<a href="[^"]*">([^<]*observation/[^<]*)</a>', page))
    assert len(expected) > rt.settings.row_cap and listed >= expected
