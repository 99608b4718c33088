"""Request bodies, read whole before the app sees them (WSGI middleware), so that a body is
bounded the same way whatever its framing, and silent clients cannot take a worker's threads.

- Granian (2.8.9) hands the app a stream read on demand: ``wsgi.input.read()`` waits in Rust for
  the client, with no timeout, and must be read on the request's own thread (reading it from a
  helper thread and answering 408 deadlocked the worker: measured). So a worker lets at most
  ``readers`` threads wait for bodies at once, and one client address at most ``per_client`` of
  them; a body beyond either waits half a second for a reader, then is refused (503, unread,
  the connection closed). Pages,
  /health and cached answers keep the other threads; other clients keep the other readers.
- Chunked bodies (no Content-Length; Granian ends the stream itself, ``wsgi.input_terminated``)
  are read like the others and passed on with their length, so one byte over the limit is
  werkzeug's 413, never a body silently cut at the limit, never an empty body ("no query")."""

from __future__ import annotations

import io
import json
import threading
from collections import Counter
from collections.abc import Iterable
from typing import Any

from powgraph.web.answer_cache import Environ, StartResponse, WSGIApp

READER_WAIT = 0.5  # seconds a body may wait for a reader before it is refused


class Bodies:
    def __init__(self, app: WSGIApp, max_body: int, readers: int, per_client: int) -> None:
        self.app, self.max_body = app, max_body
        self.readers, self.per_client = max(1, readers), max(1, per_client)
        self._changed = threading.Condition()
        self._reading: Counter[str] = Counter()

    def _may_read(self, client: str) -> bool:
        busy = sum(self._reading.values()) >= self.readers
        return not busy and self._reading[client] < self.per_client

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        chunked = "chunked" in str(environ.get("HTTP_TRANSFER_ENCODING", "")).lower()
        if chunked and not environ.get("wsgi.input_terminated"):
            chunked = False  # a server that does not end the stream: left to werkzeug
        if (length <= 0 and not chunked) or length > self.max_body:
            return self.app(environ, start_response)  # nothing to read, or refused unread (413)
        client = str(environ.get("REMOTE_ADDR", ""))
        with self._changed:
            # bodies that arrive whole free their reader at once: wait a moment for one; only
            # readers held by silent clients make this time out
            if not self._changed.wait_for(lambda: self._may_read(client), READER_WAIT):
                return _refuse(start_response, "too many request bodies are arriving; try again")
            self._reading[client] += 1
        try:
            body = _read(environ["wsgi.input"], length if not chunked else self.max_body + 1)
        finally:
            with self._changed:
                self._reading[client] -= 1
                if self._reading[client] <= 0:
                    del self._reading[client]
                self._changed.notify_all()
        if not chunked and len(body) < length:
            message = f"the body ended after {len(body)} of its {length} bytes (Content-Length)"
            return _refuse(start_response, message, 400)
        environ["wsgi.input"] = io.BytesIO(body)
        if chunked:
            environ["CONTENT_LENGTH"] = str(len(body))  # max_body + 1 when longer: 413
            del environ["HTTP_TRANSFER_ENCODING"]
        return self.app(environ, start_response)


def _read(stream: Any, most: int) -> bytes:
    chunks, size = [], 0
    while size < most:
        chunk = stream.read(most - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _refuse(start_response: StartResponse, message: str, status: int = 503) -> list[bytes]:
    """An error in the app's JSON shape, the body left unread: the connection is closed."""
    kind, reason = {400: ("bad-request", "Bad Request"), 503: ("busy", "Service Unavailable")}[
        status
    ]
    payload = {"error": {"status": status, "kind": kind, "message": message}}
    body = json.dumps(payload).encode()
    headers = [
        ("Content-Type", "application/json; charset=utf-8"),
        ("Content-Length", str(len(body))),
        ("Connection", "close"),
    ]
    if status == 503:
        headers.append(("Retry-After", "1"))
    start_response(f"{status} {reason}", headers)
    return [body]
