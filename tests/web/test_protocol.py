"""The SPARQL 1.1 Protocol over real HTTP, with the clients researchers use. The queries read
the founding source's data set only, so their answers do not change with more sources."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

from powgraph.config import Settings
from powgraph.records import SourceFile
from powgraph.store import Answer, QueryJob
from tests.helpers import dataset_iri
from tests.web.conftest import LiveServer

FOUNDING = dataset_iri(Settings().base_iri)
OBSERVATIONS = f"""PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX pow: <https://w3id.org/powgraph/def#>
SELECT ?obs ?printed WHERE {{
  ?obs a qb:Observation ; qb:dataSet <{FOUNDING}> ; pow:printedValue ?printed }}
ORDER BY ?printed"""
ASK_FOUR = 'ASK { ?o <https://w3id.org/powgraph/def#printedValue> "Four" }'
CONSTRUCT = f"""CONSTRUCT {{ ?o <https://w3id.org/powgraph/def#printedValue> ?p }}
WHERE {{ ?o <https://w3id.org/powgraph/def#printedValue> ?p ;
  <http://purl.org/linked-data/cube#dataSet> <{FOUNDING}> }}"""
SRESULTS = "{http://www.w3.org/2005/sparql-results#}"


def _wrapper(live: LiveServer, query: str, fmt: str) -> SPARQLWrapper:
    sparql = SPARQLWrapper(live.sparql)
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    return sparql


@pytest.fixture(scope="module")
def figures(founding: SourceFile) -> int:
    """How many observations the founding source's data set holds (one per figure)."""
    return len(founding.figures)


def test_sparqlwrapper_json(live: LiveServer, figures: int) -> None:
    result = _wrapper(live, OBSERVATIONS, JSON).queryAndConvert()
    assert isinstance(result, dict)
    printed = [b["printed"]["value"] for b in result["results"]["bindings"]]
    assert len(printed) == figures and "more than 10,000" in printed


def test_sparqlwrapper_xml(live: LiveServer, figures: int) -> None:
    document = _wrapper(live, OBSERVATIONS, XML).queryAndConvert()
    rows = document.getElementsByTagName("result")  # type: ignore[union-attr]
    assert len(rows) == figures


def test_sparqlwrapper_csv(live: LiveServer, figures: int) -> None:
    body = _wrapper(live, OBSERVATIONS, CSV).queryAndConvert()
    rows = list(csv.reader(io.StringIO(body.decode())))  # type: ignore[union-attr]
    assert rows[0] == ["obs", "printed"] and len(rows) == figures + 1
    assert ["Four"] == [r[1] for r in rows if r[1] == "Four"]


def test_sparqlwrapper_ask(live: LiveServer) -> None:
    assert _wrapper(live, ASK_FOUR, JSON).queryAndConvert()["boolean"] is True  # type: ignore[index]


def test_sparqlwrapper_construct_turtle(live: LiveServer, figures: int) -> None:
    body = _wrapper(live, CONSTRUCT, TURTLE).queryAndConvert()
    graph = Graph().parse(data=body, format="turtle")  # type: ignore[arg-type]
    assert len(graph) == figures


def test_rdflib_sparqlstore(live: LiveServer, figures: int) -> None:
    graph = Graph(store=SPARQLStore(live.sparql, returnFormat="json"))
    rows = list(graph.query(OBSERVATIONS))
    assert len(rows) == figures
    assert any(str(row[1]) == "just over 6,000" for row in rows)  # type: ignore[index]


# Accept header -> status and media type (the first offer is the default).
ACCEPT_SELECT = [
    (None, 200, "application/sparql-results+json"),
    ("*/*", 200, "application/sparql-results+json"),
    ("application/sparql-results+xml", 200, "application/sparql-results+xml"),
    ("application/json", 200, "application/sparql-results+json"),
    ("text/csv", 200, "text/csv"),
    ("text/tab-separated-values", 200, "text/tab-separated-values"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", 200, "application/sparql-results+xml"),
    ("text/*", 200, "text/csv"),
    ("application/sparql-results+json;q=0, text/csv", 200, "text/csv"),
    ("text/turtle", 406, "application/json"),
    ("image/png", 406, "application/json"),
]


@pytest.mark.parametrize(("accept", "status", "media"), ACCEPT_SELECT)
def test_accept_select(live: LiveServer, accept: str | None, status: int, media: str) -> None:
    headers = {"Accept": accept} if accept else {}
    r = requests.get(live.sparql, params={"query": OBSERVATIONS}, headers=headers, timeout=10)
    assert r.status_code == status
    assert r.headers["Content-Type"].split(";")[0] == media
    assert "charset=utf-8" in r.headers["Content-Type"]


ACCEPT_GRAPH = [
    (None, "text/turtle"),
    ("application/n-triples", "application/n-triples"),
    ("application/ld+json", "application/ld+json"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("text/plain", "application/n-triples"),
]


@pytest.mark.parametrize(("accept", "media"), ACCEPT_GRAPH)
def test_accept_construct(live: LiveServer, figures: int, accept: str | None, media: str) -> None:
    headers = {"Accept": accept} if accept else {}
    r = requests.post(live.sparql, data={"query": CONSTRUCT}, headers=headers, timeout=10)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith(media)
    rdflib_format = {
        "text/turtle": "turtle",
        "application/n-triples": "nt",
        "application/ld+json": "json-ld",
        "application/rdf+xml": "xml",
    }[media]
    assert len(Graph().parse(data=r.content, format=rdflib_format)) == figures


@pytest.mark.parametrize(
    ("fmt", "media"),
    [
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
    ],
)
def test_format_parameter(live: LiveServer, fmt: str, media: str) -> None:
    r = requests.get(live.sparql, params={"query": OBSERVATIONS, "format": fmt}, timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith(media)


def test_ask_has_only_boolean_formats(live: LiveServer) -> None:
    ok = requests.get(
        live.sparql,
        params={"query": ASK_FOUR},
        headers={"Accept": "application/sparql-results+xml"},
        timeout=10,
    )
    assert ET.fromstring(ok.content).find(f"{SRESULTS}boolean").text == "true"  # type: ignore[union-attr]
    refused = requests.get(live.sparql, params={"query": ASK_FOUR, "format": "csv"}, timeout=10)
    assert refused.status_code == 406 and refused.json()["error"]["status"] == 406


def test_query_by_post_direct_and_form(live: LiveServer) -> None:
    direct = requests.post(
        live.sparql,
        data=ASK_FOUR.encode(),
        headers={"Content-Type": "application/sparql-query"},
        timeout=10,
    )
    form = requests.post(live.sparql, data={"query": ASK_FOUR}, timeout=10)
    assert direct.json()["boolean"] is True and form.json()["boolean"] is True


def test_syntax_error_names_line_and_column(live: LiveServer) -> None:
    r = requests.get(live.sparql, params={"query": "SELECT * WHERE {\n  ?s ?p }"}, timeout=10)
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["kind"] == "syntax" and error["line"] == 2 and error["column"] > 1


def test_bad_requests_are_json_4xx(live: LiveServer) -> None:
    cases = [
        requests.get(live.sparql, params=[("query", "ASK {}"), ("query", "ASK {}")], timeout=10),
        requests.post(
            live.sparql, data="ASK {}", headers={"Content-Type": "text/plain"}, timeout=10
        ),
        requests.post(
            live.sparql,
            data="ASK {}".encode("utf-16"),
            headers={"Content-Type": "application/sparql-query; charset=utf-16"},
            timeout=10,
        ),
        requests.post(
            live.sparql,
            data=b"ASK { FILTER(\xff) }",
            headers={"Content-Type": "application/sparql-query"},
            timeout=10,
        ),
        requests.put(live.sparql, data="ASK {}", timeout=10),
        requests.post(live.sparql, data={"update": "CLEAR ALL"}, timeout=10),
    ]
    assert [r.status_code for r in cases] == [400, 415, 415, 400, 405, 403]
    assert all(r.json()["error"]["message"] for r in cases)


def test_service_description_follows_the_request_url(live: LiveServer) -> None:
    r = requests.get(live.sparql, headers={"Accept": "text/turtle"}, timeout=10)
    g = Graph().parse(data=r.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (URIRef(live.sparql), URIRef(sd + "endpoint"), URIRef(live.sparql)) in g
    for accept, fmt in (("application/rdf+xml", "xml"), ("application/ld+json", "json-ld")):
        r = requests.get(live.sparql, headers={"Accept": accept}, timeout=10)
        assert (URIRef(live.sparql), URIRef(sd + "endpoint"), URIRef(live.sparql)) in Graph().parse(
            data=r.content, format=fmt
        )


def test_browser_gets_the_query_editor(live: LiveServer) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    r = requests.get(live.sparql, headers={"Accept": accept}, timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert "yasgui.min.js" in r.text
    js = requests.get(live.url + "/static/yasgui/yasgui.min.js", timeout=10)
    assert js.status_code == 200 and len(js.content) > 100_000


def test_cors_and_preflight(live: LiveServer) -> None:
    r = requests.get(
        live.sparql, params={"query": ASK_FOUR}, headers={"Origin": "https://a.example"}, timeout=10
    )
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    pre = requests.options(
        live.sparql,
        headers={
            "Origin": "https://a.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=10,
    )
    assert pre.status_code == 204
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert "content-type" in pre.headers["Access-Control-Allow-Headers"].lower()


def test_etag_and_304(live: LiveServer) -> None:
    first = requests.get(live.sparql, params={"query": OBSERVATIONS}, timeout=10)
    etag = first.headers["ETag"]
    assert "max-age" in first.headers["Cache-Control"] and first.headers["Vary"] == "Accept"
    again = requests.get(
        live.sparql, params={"query": OBSERVATIONS}, headers={"If-None-Match": etag}, timeout=10
    )
    assert again.status_code == 304 and again.content == b""
    other = requests.get(
        live.sparql,
        params={"query": OBSERVATIONS, "format": "csv"},
        headers={"If-None-Match": etag},
        timeout=10,
    )
    assert other.status_code == 200 and other.headers["ETag"] != etag


def test_health(live: LiveServer) -> None:
    body = requests.get(live.url + "/health", timeout=10).json()
    assert body["status"] == "ok" and body["triples"] > 1000
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}-[0-9a-f]{12}", body["version"])  # a release's name


def test_row_cap_is_never_silent(client: FlaskClient) -> None:
    """The app fixture caps answers at 5 rows."""
    r = client.get("/sparql", query_string={"query": OBSERVATIONS})
    body = json.loads(r.data)
    assert len(body["results"]["bindings"]) == 5
    assert r.headers["X-Powgraph-Truncated"] == "true" and r.headers["X-Powgraph-Row-Cap"] == "5"
    assert body["head"]["link"] == ["https://w3id.org/powgraph/def#truncatedResults"]
    xml = client.get("/sparql", query_string={"query": OBSERVATIONS, "format": "xml"})
    assert b"truncatedResults" in xml.data
    small = client.get("/sparql", query_string={"query": "SELECT * { } LIMIT 1"})
    assert (
        "X-Powgraph-Truncated" not in small.headers and "link" not in json.loads(small.data)["head"]
    )


def test_errors_render_html_for_browsers(client: FlaskClient) -> None:
    query = 'SELECT * { FILTER(REGEX("a", "<script>(")) }'
    accept = "text/html, */*;q=0.1"
    r = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert r.status_code == 400 and r.content_type.startswith("text/html")
    assert b"<script>" not in r.data and b"&lt;script&gt;" in r.data
    assert b"Traceback" not in r.data


def test_limit_within_the_cap_is_not_truncated(client: FlaskClient) -> None:
    """The app fixture caps at 5: LIMIT 3 is answered whole, LIMIT 20 is cut and says so."""
    small = client.get("/sparql", query_string={"query": OBSERVATIONS + " LIMIT 3"})
    assert len(json.loads(small.data)["results"]["bindings"]) == 3
    assert "X-Powgraph-Truncated" not in small.headers
    large = client.get("/sparql", query_string={"query": OBSERVATIONS + " LIMIT 20"})
    assert len(json.loads(large.data)["results"]["bindings"]) == 5
    assert large.headers["X-Powgraph-Truncated"] == "true"


def test_answer_cache_keys_on_everything_that_changes_an_answer(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A repeated request is answered from the cache (the store is not asked again); a
    request that differs in Accept, method or body is not. The queries are this test's own,
    so that no other test has cached them."""
    store = app.extensions["powgraph"].store
    asked: list[str] = []
    run = store.run

    def counting(job: QueryJob, untrusted: bool = False) -> Answer:
        asked.append(job.text)
        return run(job, untrusted)

    monkeypatch.setattr(store, "run", counting)
    ask = ASK_FOUR + " # answer cache"
    query = {"query": ask}
    first = client.get("/sparql", query_string=query)
    assert len(asked) == 1
    again = client.get("/sparql", query_string=query)
    assert len(asked) == 1, "the repeated request was not answered from the cache"
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    xml = client.get(
        "/sparql", query_string=query, headers={"Accept": "application/sparql-results+xml"}
    )
    assert xml.content_type.startswith("application/sparql-results+xml") and len(asked) == 2
    cached_304 = client.get(
        "/sparql", query_string=query, headers={"If-None-Match": first.headers["ETag"]}
    )
    assert cached_304.status_code == 304 and len(asked) == 2
    empty = "ASK { } # answer cache"
    posted = [client.post("/sparql", data={"query": q}) for q in (ask, ask, empty)]
    assert [json.loads(r.data)["boolean"] for r in posted] == [True, True, True]
    assert len(asked) == 4, "the POSTed query was not cached, or not keyed on its body"
    missing = client.post("/sparql", data={"query": 'ASK { ?o ?p "no such figure" } # cache'})
    assert json.loads(missing.data)["boolean"] is False and len(asked) == 5
