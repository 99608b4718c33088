"""Serving: the built graph, or any RDF files, behind Granian (a Rust HTTP server running the
WSGI app in several worker processes with keep-alive; chosen by measurement, benchmarks/)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pyoxigraph as ox

from powgraph.build import build
from powgraph.config import Settings
from powgraph.store.embedded import is_current, write_store


def store_from_files(files: list[Path], directory: Path) -> None:
    """A store of the files given, each in a named graph (its file: IRI); the default graph
    is their union, as for the built graph."""
    graphs = {}
    for path in files:
        fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TURTLE
        triples = [q.triple for q in ox.parse(path=str(path), format=fmt)]
        graphs[path.resolve().as_uri()] = (
            ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        )
    digest = hashlib.sha256(b"".join(k.encode() + v for k, v in sorted(graphs.items()))).hexdigest()
    write_store(directory, graphs, digest)


def prepare(settings: Settings, data: list[Path]) -> Path:
    """The store directory to serve: one made from ``data``, else the build (built if missing)."""
    if data:
        directory = Path(tempfile.mkdtemp(prefix="powgraph-serve-"))
        store_from_files(data, directory)
        return directory
    if not is_current(settings.served_store):
        build(settings)
    return settings.served_store.resolve()


def serve(settings: Settings, host: str, port: int, workers: int, data: list[Path]) -> None:
    from granian import Granian  # imported here: only `serve` needs the server
    from granian.constants import Interfaces

    os.environ["POWGRAPH_STORE_DIR"] = str(prepare(settings, data))
    Granian(
        "powgraph.web:create_app",
        factory=True,
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=settings.query_processes,
        log_access=False,
    ).serve()
