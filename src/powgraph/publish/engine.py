"""Publishing a release into a SPARQL engine (the Oxigraph server, Virtuoso, any engine with
SPARQL 1.1 Update and the Graph Store Protocol), so that the previous version stays served
until the new one is whole:

1. each named graph of the release's N-Quads dump, the union of them (the default graph of
   every query, store/remote.py) and the description of what is served (its version and
   graphs) are loaded under staging names (published.STAGING_PREFIX) with a Graph Store PUT;
   nothing serves a staging graph;
2. each staging graph is read back (Graph Store GET) and its triples counted against the
   release; any difference stops the publish here;
3. one SPARQL Update operation, a DELETE/INSERT, replaces every served graph by its staging
   copy and drops the graphs the new version no longer has. One operation, not one request of
   many: the Oxigraph server runs a request in one transaction, but Virtuoso commits the
   operations of a request one by one (measured: an INSERT DATA followed by a failing DROP in
   one request stays inserted), and runs one operation as one statement;
4. the served graphs are counted again, and the staging graphs dropped.

A publish that fails or is killed before step 3 leaves the staging graphs behind, unserved; the
next publish replaces them."""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

import pyoxigraph as ox
import urllib3

from powgraph.config import Settings
from powgraph.errors import PowgraphError
from powgraph.published import (
    LATEST,
    NQUADS,
    SERVED_GRAPH,
    STAGING_PREFIX,
    UNION_GRAPH,
    latest_release,
)

NTRIPLES = "application/n-triples"
HAS_PART = ox.NamedNode("http://purl.org/dc/terms/hasPart")
VERSION = ox.NamedNode("http://www.w3.org/ns/dcat#version")
# a large graph takes an engine a while (the Oxigraph server loads about 22,000 triples a
# second by PUT), and urllib3 bounds the sending of a body by the connect timeout
TIMEOUT = urllib3.Timeout(connect=600.0, read=600.0)


class PublishFailed(PowgraphError):
    """The engine refused a step, or holds other counts than the release: nothing switched."""


@dataclass(frozen=True)
class Published:
    version: str
    graphs: dict[str, int]  # served graph -> its triples, as counted in the engine
    seconds: float


def release_graphs(settings: Settings) -> tuple[str, dict[str, list[ox.Triple]]]:
    """The latest release's version and its named graphs, from its N-Quads dump."""
    info = latest_release(settings.releases_dir)
    if info is None:
        raise PowgraphError(f"no release in {settings.releases_dir}: run `powgraph release`")
    dump = settings.releases_dir / LATEST / "data" / NQUADS
    graphs: dict[str, list[ox.Triple]] = {}
    for quad in ox.parse(gzip.decompress(dump.read_bytes()), format=ox.RdfFormat.N_QUADS):
        if not isinstance(quad.graph_name, ox.NamedNode):
            raise PowgraphError(f"{dump} has a triple outside the named graphs: {quad}")
        graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
    return str(info["version"]), graphs


def staging(name: str) -> str:
    return STAGING_PREFIX + name


def switch_update(new: Iterable[str], old: Iterable[str]) -> str:
    """The one operation that serves the staged graphs under their names: every triple of the
    graphs served now (``old``) deleted, every staged triple inserted under its served name."""
    olds = " ".join(f"<{g}>" for g in sorted(set(old)))
    pairs = " ".join(f"(<{staging(g)}> <{g}>)" for g in sorted(new))
    return (
        "DELETE { GRAPH ?old { ?s ?p ?o } }\nINSERT { GRAPH ?new { ?s ?p ?o } }\nWHERE {\n"
        f"  {{ VALUES ?old {{ {olds} }} GRAPH ?old {{ ?s ?p ?o }} }}\n  UNION\n"
        f"  {{ VALUES (?staged ?new) {{ {pairs} }} GRAPH ?staged {{ ?s ?p ?o }} }}\n}}"
    )


class Engine:
    """The engine's Graph Store (load, read back) and its SPARQL Update endpoint (the switch)."""

    def __init__(self, update: str, graph_store: str) -> None:
        self.update_url, self.graph_store = update, graph_store
        self.pool = urllib3.PoolManager(retries=False, timeout=TIMEOUT)

    def _request(self, method: str, url: str, **kwargs: object) -> urllib3.BaseHTTPResponse:
        try:
            response = self.pool.request(method, url, **kwargs)  # type: ignore[arg-type]
        except urllib3.exceptions.HTTPError as exc:
            raise PublishFailed(f"the engine did not answer {method} {url}: {exc}") from exc
        if response.status >= 300 and not (method == "GET" and response.status == 404):
            detail = response.data[:300].decode("utf-8", "replace").strip()
            raise PublishFailed(f"the engine refused {method} {url}: {response.status} {detail}")
        return response

    def put(self, graph: str, triples: list[ox.Triple]) -> None:
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        url = f"{self.graph_store}?{urlencode({'graph': graph})}"
        self._request("PUT", url, body=body, headers={"Content-Type": NTRIPLES})

    def get(self, graph: str) -> list[ox.Triple]:
        """The graph's triples as the engine holds them (none for a graph it does not have)."""
        url = f"{self.graph_store}?{urlencode({'graph': graph})}"
        response = self._request("GET", url, headers={"Accept": NTRIPLES})
        if response.status == 404:
            return []
        syntax = ox.RdfFormat.from_media_type(response.headers.get("Content-Type", NTRIPLES))
        return [q.triple for q in ox.parse(response.data, format=syntax or ox.RdfFormat.TURTLE)]

    def update(self, text: str) -> None:
        self._request(
            "POST",
            self.update_url,
            body=urlencode({"update": text}),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    def served(self) -> list[str]:
        """The graphs the engine serves now, as the last publish described them."""
        parts = [t.object for t in self.get(SERVED_GRAPH) if t.predicate == HAS_PART]
        return [part.value for part in parts if isinstance(part, ox.NamedNode)]

    def counts(self, names: Iterable[str]) -> dict[str, int]:
        return {name: len(set(self.get(name))) for name in names}


def publish(settings: Settings, update: str, graph_store: str | None = None) -> Published:
    """The latest release into the engine at ``update`` (SPARQL Update; the Graph Store at
    ``graph_store``, by default the same URL), switched only once every graph is verified."""
    start = time.monotonic()
    version, graphs = release_graphs(settings)
    union = sorted({t for triples in graphs.values() for t in triples}, key=str)
    served = ox.NamedNode(SERVED_GRAPH)
    described = [ox.Triple(served, VERSION, ox.Literal(version))] + [
        ox.Triple(served, HAS_PART, ox.NamedNode(g)) for g in sorted(graphs)
    ]
    loads = {**graphs, UNION_GRAPH: union, SERVED_GRAPH: described}
    expected = {name: len(set(triples)) for name, triples in loads.items()}
    engine = Engine(update, graph_store or update)
    previous = engine.served()
    for name, triples in sorted(loads.items()):
        engine.put(staging(name), triples)
    staged = engine.counts(staging(name) for name in loads)
    for name, count in expected.items():
        if staged[staging(name)] != count:
            raise PublishFailed(
                f"<{name}> staged with {staged[staging(name)]} triples, the release has {count}: "
                "nothing switched"
            )
    engine.update(switch_update(loads, [*loads, *previous]))
    found = engine.counts(loads)
    if found != expected:
        wrong = sorted(name for name in expected if found[name] != expected[name])
        raise PublishFailed(f"switched, but the engine counts differ for {wrong}")
    engine.update(";\n".join(f"DROP SILENT GRAPH <{staging(name)}>" for name in sorted(loads)))
    counts = {name: found[name] for name in sorted(graphs)}
    return Published(version, counts, time.monotonic() - start)
