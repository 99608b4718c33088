"""What clients send: SPARQLWrapper's every return format against every query form (it sends
`format=`, `output=` and an Accept, in its own combinations), the `format=` aliases, and the
gzipped dumps read straight from their URLs as RDF (rdflib, requests) or downloaded as files."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import urllib.error
from typing import Any
from xml.dom.minidom import Document

import pytest
import requests
from rdflib import Dataset, Graph
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    POST,
    RDF,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper import GET as HTTP_GET

from powgraph.web import conneg
from tests.web.conftest import LiveServer

QUERIES = {
    "SELECT": "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 5",
    "ASK": "ASK { ?s ?p ?o }",
    "CONSTRUCT": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5",
    "DESCRIBE": "DESCRIBE ?s WHERE { ?s a <http://purl.org/linked-data/cube#Observation> } LIMIT 1",
}
GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")
# What each SPARQLWrapper return format is answered with, by query form; None: a 406 (README).
EXPECTED: dict[str, dict[str, str | None]] = {
    JSON: {
        "SELECT": "application/sparql-results+json",
        "ASK": "application/sparql-results+json",
        "CONSTRUCT": "application/ld+json",
        "DESCRIBE": "application/ld+json",
    },
    XML: {
        "SELECT": "application/sparql-results+xml",
        "ASK": "application/sparql-results+xml",
        "CONSTRUCT": "application/rdf+xml",
        "DESCRIBE": "application/rdf+xml",
    },
    CSV: {"SELECT": "text/csv", "ASK": None, "CONSTRUCT": None, "DESCRIBE": None},
    TSV: {"SELECT": "text/tab-separated-values", "ASK": None, "CONSTRUCT": None, "DESCRIBE": None},
    **{
        fmt: {"SELECT": None, "ASK": None, "CONSTRUCT": media, "DESCRIBE": media}
        for fmt, media in (
            (TURTLE, "text/turtle"),
            (N3, "text/turtle"),
            (RDF, "application/rdf+xml"),
            (RDFXML, "application/rdf+xml"),
            (JSONLD, "application/ld+json"),
        )
    },
}


def _check(fmt: str, form: str, converted: Any) -> None:
    """The body parses in the format asked for (SPARQLWrapper's convert(), then a parser)."""
    if form in GRAPH_FORMS:
        graph = converted
        if fmt in (TURTLE, N3):  # convert() hands Turtle/N3 back as bytes
            graph = Graph().parse(data=converted, format="turtle")
        assert isinstance(graph, Graph) and len(graph) > 0
    elif fmt == JSON:
        assert isinstance(converted, dict)
        if form == "ASK":
            assert converted["boolean"] is True
        else:
            assert len(converted["results"]["bindings"]) == 5
    elif fmt == XML:
        assert isinstance(converted, Document)
        assert converted.documentElement.tagName == "sparql"
        if form == "ASK":
            boolean = converted.getElementsByTagName("boolean")[0]
            assert boolean.firstChild.data == "true"  # type: ignore[union-attr]
        else:
            assert len(converted.getElementsByTagName("result")) == 5
    else:
        rows = list(
            csv.reader(io.StringIO(converted.decode()), delimiter="," if fmt == CSV else "\t")
        )
        assert [c.lstrip("?") for c in rows[0]] == ["s", "p", "o"] and len(rows) == 6


# SPARQLWrapper warns when it has no Accept of its own for a combination and sends */*; the
# answer's format then rests on `format=`. Any other warning (convert() finding a Content-Type
# it did not expect) is an error, as everywhere in the tests.
@pytest.mark.filterwarnings("ignore:Sending Accept header:RuntimeWarning")
@pytest.mark.parametrize("method", [HTTP_GET, POST])
@pytest.mark.parametrize("form", list(QUERIES))
@pytest.mark.parametrize("fmt", list(EXPECTED))
def test_sparqlwrapper_every_return_format(
    live: LiveServer, fmt: str, form: str, method: str
) -> None:
    client = SPARQLWrapper(live.sparql)
    client.setMethod(method)
    client.setQuery(QUERIES[form])
    client.setReturnFormat(fmt)
    assert client.queryType == form
    expected = EXPECTED[fmt][form]
    if expected is None:
        with pytest.raises(urllib.error.HTTPError) as refused:
            client.query()
        body = json.loads(refused.value.read())
        refused.value.close()
        assert refused.value.code == 406 and body["error"]["status"] == 406
        return
    result = client.query()
    assert result.response.status == 200
    assert result.info()["content-type"].split(";")[0] == expected
    _check(fmt, form, result.convert())


@pytest.mark.parametrize(
    ("value", "select", "construct"),
    [
        ("json", "json", "jsonld"),
        ("JSON", "json", "jsonld"),
        ("xml", "xml", "rdfxml"),
        ("csv", "csv", None),
        ("tsv", "tsv", None),
        ("n3", None, "turtle"),
        ("turtle", None, "turtle"),
        ("ttl", None, "turtle"),
        ("json-ld", None, "jsonld"),
        ("jsonld", None, "jsonld"),
        ("rdf", None, "rdfxml"),
        ("rdfxml", None, "rdfxml"),
        ("rdf+xml", None, "rdfxml"),
        ("RDF+XML", None, "rdfxml"),
        ("nt", None, "ntriples"),
        ("ntriples", None, "ntriples"),
        ("n-triples", None, "ntriples"),
        ("application/sparql-results+json", "json", None),
        ("application/sparql-results+xml", "xml", None),
        ("Text/CSV", "csv", None),
        ("text/tab-separated-values", "tsv", None),
        ("application/json", "json", "jsonld"),
        ("text/turtle", None, "turtle"),
        ("text/n3", None, "turtle"),
        ("application/n-triples", None, "ntriples"),
        ("application/ld+json", None, "jsonld"),
        ("application/ld+json,application/x-json+ld", None, "jsonld"),
        ("application/rdf+xml", None, "rdfxml"),
        ("*/*", "json", "turtle"),
        ("yaml", None, None),
    ],
)
def test_format_aliases(value: str, select: str | None, construct: str | None) -> None:
    for form, wanted in (("SELECT", select), ("ASK", select), ("CONSTRUCT", construct)):
        if form == "ASK" and wanted in ("csv", "tsv"):
            wanted = None  # booleans are JSON or XML only
        offer = conneg.negotiate("text/csv", conneg.BY_FORM[form], value)
        assert (offer.name if offer else None) == wanted, (value, form)


def test_the_first_format_that_names_an_answer_wins(live: LiveServer) -> None:
    """SPARQLWrapper's TSV sends format=tsv&format=text/tab-separated-values; a first value
    that fits nothing is passed over, `format=` alone is not a format, `output=` is one too."""
    for params, media in (
        ([("format", "tsv"), ("format", "text/tab-separated-values")], "text/tab-separated-values"),
        ([("format", "yaml"), ("format", "csv")], "text/csv"),
        ([("format", "")], "application/sparql-results+json"),
        ([("output", "xml")], "application/sparql-results+xml"),
        ([("format", "csv"), ("output", "xml")], "text/csv"),
    ):
        r = requests.get(live.sparql, params=[("query", QUERIES["SELECT"]), *params], timeout=10)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith(media), params
    r = requests.get(live.sparql, params={"query": QUERIES["ASK"], "format": "csv"}, timeout=10)
    assert r.status_code == 406


def _version(live: LiveServer) -> tuple[str, dict[str, Any]]:
    listing = requests.get(live.url + "/dumps?format=json", timeout=10).json()["releases"][0]
    return listing["version"], listing["files"]


def _sums(live: LiveServer, version: str) -> dict[str, str]:
    text = requests.get(f"{live.url}/dumps/{version}/SHA256SUMS", timeout=10).text
    return {name: digest for digest, name in (line.split("  ", 1) for line in text.splitlines())}


def test_a_plain_download_is_the_file(live: LiveServer) -> None:
    version, _ = _version(live)
    sums = _sums(live, version)
    for name in ("powgraph.nt.gz", "powgraph.nq.gz", "powgraph.jsonld.gz"):
        for accept in (None, "*/*", "text/html,application/xhtml+xml,*/*;q=0.8"):
            headers = {"Accept": accept} if accept else {}
            r = requests.get(f"{live.url}/dumps/{version}/{name}", headers=headers, timeout=10)
            assert r.status_code == 200 and r.headers["Content-Type"] == "application/gzip"
            assert "Content-Encoding" not in r.headers
            assert "attachment" in r.headers["Content-Disposition"]
            assert "Accept" in r.headers["Vary"]
            assert hashlib.sha256(r.content).hexdigest() == sums[name], (name, accept)


@pytest.mark.parametrize(
    ("name", "ask", "media"),
    [
        ("powgraph.nt.gz", {"headers": {"Accept": "application/n-triples"}}, "n-triples"),
        ("powgraph.nt.gz", {"headers": {"Accept": "application/n-quads"}}, "n-triples"),
        ("powgraph.nt.gz", {"params": {"format": "nt"}}, "n-triples"),
        ("powgraph.nt.gz", {"params": {"format": "application/n-triples"}}, "n-triples"),
        ("powgraph.nq.gz", {"headers": {"Accept": "application/n-quads"}}, "n-quads"),
        ("powgraph.nq.gz", {"params": {"format": "N-Quads"}}, "n-quads"),
        ("powgraph.jsonld.gz", {"headers": {"Accept": "application/ld+json"}}, "ld+json"),
        # Comunica's Accept: N-Quads first, among many, with q-values
        (
            "powgraph.nt.gz",
            {
                "headers": {
                    "Accept": "application/n-quads,application/trig;q=0.95,"
                    "application/ld+json;q=0.9,application/n-triples;q=0.8,*/*;q=0.1"
                }
            },
            "n-triples",
        ),
    ],
)
def test_a_client_that_asks_for_rdf_gets_the_same_bytes_as_rdf(
    live: LiveServer, name: str, ask: dict[str, Any], media: str
) -> None:
    version, _ = _version(live)
    raw = requests.get(f"{live.url}/dumps/{version}/{name}", timeout=10).content
    url = f"{live.url}/dumps/{version}/{name}"
    r = requests.get(url, stream=True, timeout=10, **ask)  # requests sends Accept-Encoding: gzip
    wire = r.raw.read(decode_content=False)
    assert r.status_code == 200 and r.headers["Content-Type"] == f"application/{media}"
    assert r.headers["Content-Encoding"] == "gzip" and "Content-Disposition" not in r.headers
    assert wire == raw and int(r.headers["Content-Length"]) == len(raw)
    assert {"Accept", "Accept-Encoding"} <= {v.strip() for v in r.headers["Vary"].split(",")}
    decoded = requests.get(url, timeout=10, **ask)  # decoded by requests, as fetch() does
    assert decoded.content == gzip.decompress(raw)
    # one entity-tag per representation, each answering its own If-None-Match
    download_tag = requests.head(url, timeout=10).headers["ETag"]
    assert decoded.headers["ETag"] != download_tag
    conditional = {**ask, "headers": {**ask.get("headers", {}), "If-None-Match": r.headers["ETag"]}}
    assert requests.get(url, timeout=10, **conditional).status_code == 304


# raised inside rdflib's own Dataset.parse, not by powgraph
@pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")
def test_rdflib_parses_the_dumps_from_their_urls(live: LiveServer) -> None:
    """rdflib asks with every RDF media type it parses, and takes no gzip (urllib): it gets the
    RDF decompressed, and parses it by its Content-Type, through /dumps/latest's redirect."""
    version, _ = _version(live)
    counts = {}
    for name in ("powgraph.nt.gz", "powgraph.jsonld.gz"):
        graph = Graph().parse(f"{live.url}/dumps/latest/{name}")
        counts[name] = len(graph)
    quads = Dataset().parse(f"{live.url}/dumps/{version}/powgraph.nq.gz")
    triples = json.loads(requests.get(f"{live.url}/dumps/{version}/release.json", timeout=10).text)
    assert counts == dict.fromkeys(counts, triples["triples"])
    assert len(list(quads.quads())) == triples["triples"]
    # rdflib's own format names send other Accepts: `?format=` asks in the URL instead
    nt = Graph().parse(f"{live.url}/dumps/{version}/powgraph.nt.gz?format=nt", format="nt")
    assert len(nt) == triples["triples"]
    identity = requests.get(
        f"{live.url}/dumps/{version}/powgraph.nt.gz",
        headers={"Accept": "application/n-triples", "Accept-Encoding": "identity"},
        timeout=10,
    )
    assert "Content-Encoding" not in identity.headers
    assert identity.headers["Content-Type"] == "application/n-triples"
    # the whole file, decompressed: compressed as the release does, it is the file again
    assert (
        gzip.compress(identity.content, mtime=0, compresslevel=9)
        == requests.get(f"{live.url}/dumps/{version}/powgraph.nt.gz", timeout=10).content
    )


def test_a_format_a_dump_is_not_is_refused(live: LiveServer) -> None:
    version, _ = _version(live)
    url = f"{live.url}/dumps/{version}/powgraph.nq.gz"
    assert requests.get(url, params={"format": "nt"}, timeout=10).status_code == 406
    assert requests.get(url, params={"format": "turtle"}, timeout=10).status_code == 406
    download = requests.get(
        url, params={"format": "gzip"}, headers={"Accept": "application/n-quads"}, timeout=10
    )
    assert download.status_code == 200 and download.headers["Content-Type"] == "application/gzip"
    # an N-Quads file is not N-Triples: asking for N-Triples gets the file
    only_nt = requests.get(url, headers={"Accept": "application/n-triples"}, timeout=10)
    assert only_nt.headers["Content-Type"] == "application/gzip"
    prefers_gzip = requests.get(
        url, headers={"Accept": "application/gzip, application/n-quads;q=0.5"}, timeout=10
    )
    assert prefers_gzip.headers["Content-Type"] == "application/gzip"
