"""The read side: what the build and releases publish, by name, for whoever serves it. The web
imports this (with store/, queries and config), never the build: a web worker loads no loader,
converter, SHACL engine or BagIt writer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rdflib import Graph

LATEST = "latest"  # releases/latest: the current release
CURRENT = "current"  # build/current: the current build
VOCABULARY_GRAPH = "vocabulary"  # {base}id/graph/vocabulary; every other key names a source
NQUADS = "powgraph.nq.gz"  # the dump that holds the endpoint's named graphs, by name
DUMP_FILES = ("powgraph.nt.gz", NQUADS, "powgraph.jsonld.gz", "powgraph.ttl")
INFO = "release.json"
# a release's BagIt tag files, in the bag's root beside data/
BAGIT, BAG_INFO = "bagit.txt", "bag-info.txt"
MANIFEST, TAG_MANIFEST = "manifest-sha256.txt", "tagmanifest-sha256.txt"
TAG_FILES = (BAGIT, BAG_INFO, MANIFEST, TAG_MANIFEST)
# In a SPARQL engine (publish/engine.py writes them, store/remote.py reads them): the graph that
# says what is served (the release's version and named graphs), the graph holding their union
# (the default graph of every query), and the prefix of the graphs a publish loads before its
# switch. None is under the base: none is a page, and no query sees them unasked.
SERVED_GRAPH = "urn:powgraph:served"
UNION_GRAPH = "urn:powgraph:union"
STAGING_PREFIX = "urn:powgraph:staging:"
MEDIA_TYPES = {
    ".ttl": "text/turtle",
    ".gz": "application/gzip",
    ".csv": "text/csv",
    ".cff": "text/plain",
    ".md": "text/markdown",
    ".json": "application/json",
    "": "text/plain",
}


def graph_iri(base_iri: str, key: str) -> str:
    """A named graph of the store and the N-Quads dump: a source's (``key`` its key) or the
    shared vocabulary's; the ontology's graph is its own IRI."""
    return f"{base_iri}id/graph/{key}"


def media_type(name: str) -> str:
    return MEDIA_TYPES.get(Path(name).suffix, "application/octet-stream")


def read_graphs(paths: list[Path]) -> Graph:
    """Turtle files as one graph (the ontology, the shapes)."""
    g = Graph()
    for path in sorted(paths):
        g.parse(path, format="turtle")
    return g


def list_releases(releases: Path) -> list[dict[str, Any]]:
    """Every complete release, newest first, from its release.json."""
    out = []
    for directory in sorted(releases.glob("*"), reverse=True):
        info = directory / "data" / INFO
        if directory.name.startswith(".") or directory.is_symlink() or not info.is_file():
            continue
        out.append(json.loads(info.read_text(encoding="utf-8")))
    return out


def latest_release(releases: Path) -> dict[str, Any] | None:
    info = releases / LATEST / "data" / INFO
    if not info.is_file():
        return None
    result: dict[str, Any] = json.loads(info.read_text(encoding="utf-8"))
    return result
