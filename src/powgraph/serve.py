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
- answers: Granian has no write timeout, and an answer a client stops reading keeps its bytes
  in the worker until the connection ends. Each worker's listening socket gets TCP_USER_TIMEOUT
  (inherited by the connections it accepts): the kernel drops a connection whose data has sat
  unacknowledged, or behind a shut window, for ``send_timeout`` seconds, and the bytes are freed.
- HTTP/1.1 only: hyper's HTTP/2 has no idle timeout, so cleartext HTTP/2 is not offered.
- a worker that dies (crash, OOM kill, kill -9) is replaced; the server never stops for one.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import socket
import tempfile
import threading
import time
from pathlib import Path

import pyoxigraph as ox
from flask import Flask

from powgraph.build import build
from powgraph.config import Settings
from powgraph.store import EgressNotDenied
from powgraph.store.embedded import EGRESS, is_current, write_store
from powgraph.store.sandbox import trial

HEADER_TIMEOUT = 10.0  # seconds for a request head, and for an idle keep-alive connection
CONNECTIONS = 256  # open connections per web worker (Granian's backpressure); more wait
M_MMAP_THRESHOLD, LARGE = -3, 1 << 20  # glibc's mallopt: blocks from 1 MiB up are mmapped
WORKER_KILL_TIMEOUT = 10  # seconds a worker may take to stop before it is killed


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


def worker_app() -> Flask:
    """The app as each Granian worker runs it. The worker's listening socket is made by Granian
    after this returns: a thread waits for it, then sets the send timeout on it."""
    from powgraph.web import create_app

    # glibc raises its mmap threshold to the size of every large block freed, so after one big
    # answer the next ones come from the heap and stay in the worker once freed: a fixed
    # threshold keeps every large answer in its own mapping, returned to the system when freed
    ctypes.CDLL(None).mallopt(M_MMAP_THRESHOLD, LARGE)
    settings = Settings.from_env()
    app = create_app(settings)
    timeout = int(settings.send_timeout * 1000)
    threading.Thread(target=_time_out_sends, args=(timeout,), daemon=True).start()
    return app


def _time_out_sends(milliseconds: int, wait: float = 30.0) -> None:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and not _set_on_listeners(milliseconds):
        time.sleep(0.01)


def _set_on_listeners(milliseconds: int) -> bool:
    """TCP_USER_TIMEOUT on every TCP socket this process listens on; whether there was one."""
    found = False
    for name in os.listdir("/proc/self/fd"):
        try:
            fd = os.dup(int(name))
        except OSError:  # gone
            continue
        try:
            sock = socket.socket(fileno=fd)
        except OSError:  # not a socket
            os.close(fd)
            continue
        with sock:
            if (
                sock.family in (socket.AF_INET, socket.AF_INET6)
                and sock.type == socket.SOCK_STREAM
                and sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
            ):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, milliseconds)
                found = True
    return found


def serve(settings: Settings, host: str, port: int, workers: int, data: list[Path]) -> None:
    from granian import Granian  # imported here: only `serve` needs the server
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings

    directory = prepare(settings, data)
    if not (trial(settings.query_memory).network_denied or settings.allow_egress):
        raise EgressNotDenied(EGRESS)
    os.environ["POWGRAPH_STORE_DIR"] = str(directory)
    Granian(
        "powgraph.serve:worker_app",
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
