"""Serving: the built graph, or any RDF files, behind Granian (a Rust HTTP server running the
WSGI app in several worker processes with keep-alive; chosen by measurement, benchmarks/).

Limits against slow or idle clients (measured in tests/web/test_resilience.py):

- headers: Granian (hyper) closes a connection whose request head has not arrived within
  HEADER_TIMEOUT; the same timer runs while a keep-alive connection waits for its next request,
  so it is also the idle timeout.
- bodies: Granian has no body timeout, and ``wsgi.input.read()`` holds a web thread until the
  client sends the bytes or closes: web/bodies.py lets at most a quarter of a worker's web threads
  (and two per client address) wait for bodies; a body beyond that waits 0.5 s for a reader,
  then is refused (503).
- query processes: checked before the server starts; where they cannot be cut off from the
  network, `serve` stops with a message unless egress is allowed (store/sandbox.py).
- answers: a client that stops reading is dropped after ``send_timeout`` (web/worker.py).
- HTTP/1.1 only: hyper's HTTP/2 has no idle timeout, so cleartext HTTP/2 is not offered.
- a worker that dies (crash, OOM kill, kill -9) is replaced; the server never stops for one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from powgraph.child import in_child
from powgraph.config import Settings
from powgraph.errors import PowgraphError
from powgraph.store import REMOTE, EgressNotDenied
from powgraph.store.embedded import EGRESS, Content, is_current, write_store
from powgraph.store.sandbox import trial

HEADER_TIMEOUT = 10.0  # seconds for a request head, and for an idle keep-alive connection
CONNECTIONS = 256  # open connections per web worker (Granian's backpressure); more wait
WORKER_KILL_TIMEOUT = 10  # seconds a worker may take to stop before it is killed


def store_from_files(files: list[Path], directory: Path) -> None:
    """A store of the files given, each in a named graph (its file: IRI); the default graph
    is their union, as for the built graph; a file of quads (N-Quads, TriG) has its graph
    names dropped. The version is a hash of the files' names and bytes."""
    graphs: dict[str, Content] = {}
    digest = hashlib.sha256()
    for path in files:
        name = path.resolve().as_uri()
        graphs[name] = path.resolve()
        digest.update(name.encode() + b"\n" + _file_digest(path))
    try:
        write_store(directory, graphs, f"files-{digest.hexdigest()[:12]}", digest.hexdigest())
    except SyntaxError as exc:
        raise PowgraphError(f"cannot read {exc.filename}: {exc.msg}") from None


def _file_digest(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").digest()


def prepare(settings: Settings, data: list[Path]) -> Path:
    """The store directory to serve: one made from ``data``, else the build (built if missing)."""
    if data:
        directory = Path(tempfile.mkdtemp(prefix="powgraph-serve-"))
        try:
            in_child(store_from_files, data, directory)
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)
            raise
        return directory
    if not is_current(settings.served_store):
        from powgraph.publish.build import build  # the converter and pySHACL: only to build

        build(settings)
    return settings.served_store.resolve()


def serve(settings: Settings, host: str, port: int, workers: int, data: list[Path]) -> None:
    from granian import Granian  # imported here: only `serve` needs the server
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings

    os.environ["POWGRAPH_STORE"] = settings.store  # the web workers read their settings there
    made = None  # a store made from --data files is this server's own: removed when it stops
    if not settings.store.startswith(REMOTE):  # else queries run in the engine: nothing to build
        directory = prepare(settings, data)
        made = directory if data else None
        os.environ["POWGRAPH_STORE_DIR"] = str(directory)
    try:
        embedded = not settings.store.startswith(REMOTE)
        if embedded and not (trial(settings.query_memory).network_denied or settings.allow_egress):
            raise EgressNotDenied(EGRESS)
        Granian(
            "powgraph.web.worker:app",
            factory=True,
            address=host,
            port=port,
            interface=Interfaces.WSGI,
            http=HTTPModes.http1,
            http1_settings=HTTP1Settings(header_read_timeout=int(HEADER_TIMEOUT * 1000)),
            workers=workers,
            blocking_threads=settings.web_threads,
            backpressure=CONNECTIONS,
            respawn_failed_workers=True,
            workers_kill_timeout=WORKER_KILL_TIMEOUT,
            log_access=False,
        ).serve()
    finally:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)
