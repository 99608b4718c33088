"""A cache of whole answers in front of Flask (WSGI middleware, the Flask way to wrap an app),
for every page that depends on the data alone: /sparql, canned queries, entity documents, the
ontology, the home page. Keyed by everything that can change an answer: method, path, URL
query, body, content type and Accept (never the Host: every URL in an answer starts with
the configured public URL, runtime.public_url); the data version is fixed for the life of a worker,
so it is implied. A hit costs a dictionary lookup instead of routing, negotiation and query
process round trips. Bounded by entries and by bytes."""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.http import parse_etags, unquote_etag
from werkzeug.wsgi import get_content_length

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]
Key = tuple[str, ...] | tuple[Any, ...]
Entry = tuple[str, list[tuple[str, str]], bytes, str | None]

MAX_CACHED_BYTES = 1 << 20  # answers above 1 MiB are not kept
MAX_TOTAL_BYTES = 64 << 20  # nor more than 64 MiB of answers per worker
VARY = ("PATH_INFO", "QUERY_STRING", "CONTENT_TYPE", "HTTP_ACCEPT")
# Pages that are functions of the data alone (not /health, not /dumps: releases come and go).
CACHED_PATHS = ("/sparql", "/queries", "/openapi.json", "/id/", "/doc/", "/def")
HIT = ("X-Powgraph-Cache", "hit")  # an answer from this worker's cache, as nginx's X-Cache-Status


class AnswerCache:
    def __init__(self, app: WSGIApp, entries: int, max_body: int) -> None:
        self.app, self.entries, self.max_body = app, entries, max_body
        self._items: OrderedDict[Key, Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "")
        path = environ.get("PATH_INFO", "")
        cacheable = path == "/" or path.startswith(CACHED_PATHS)
        if self.entries <= 0 or not cacheable or method not in ("GET", "POST"):
            return self.app(environ, start_response)
        body = b""
        if method == "POST":
            read = self._body(environ)
            if read is None:  # too large: the app answers 413
                return self.app(environ, start_response)
            body = read
        key = (method, body, *(str(environ.get(name, "")) for name in VARY))
        with self._lock:
            entry = self._items.get(key)
            if entry is not None:
                self._items.move_to_end(key)
        if entry is not None:
            return self._replay(entry, environ, start_response)
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = status, headers
            return (
                start_response(status, headers, exc_info)
                if exc_info
                else start_response(status, headers)
            )

        chunks = list(self.app(environ, capture))
        if captured.get("status", "").startswith("200"):
            answer = b"".join(chunks)
            if len(answer) <= MAX_CACHED_BYTES:
                etag = next((v for k, v in captured["headers"] if k.lower() == "etag"), None)
                self._store(key, (captured["status"], list(captured["headers"]), answer, etag))
        return chunks

    def _body(self, environ: Environ) -> bytes | None:
        """The request body, read once and put back for the app; None when it is longer than
        the app accepts. A chunked body has been given its length already (web/bodies.py);
        without one, the app reads no body either (werkzeug's safe fallback)."""
        length = get_content_length(environ)
        if length is None:
            return b""
        if length > self.max_body:
            return None
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        return body

    def _store(self, key: Key, entry: Entry) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            self._bytes -= len(old[2]) if old else 0
            self._items[key] = entry
            self._bytes += len(entry[2])
            while len(self._items) > self.entries or self._bytes > MAX_TOTAL_BYTES:
                _, evicted = self._items.popitem(last=False)
                self._bytes -= len(evicted[2])

    @staticmethod
    def _replay(entry: Entry, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        status, headers, body, etag = entry
        if environ["REQUEST_METHOD"] == "GET" and _none_match(environ, etag):
            kept = [
                (k, v) for k, v in headers if k.lower() not in ("content-length", "content-type")
            ]
            start_response("304 NOT MODIFIED", kept)
            return [b""]
        start_response(status, [*headers, HIT])
        return [body]


def _none_match(environ: Environ, etag: str | None) -> bool:
    """Whether If-None-Match matches this answer (RFC 9110 13.1.2): "*" matches any, else a
    member of the list equal to its entity-tag, compared weakly (W/"x" matches "x"), each tag
    whole, never a substring."""
    header = environ.get("HTTP_IF_NONE_MATCH")
    if not header:
        return False
    tags = parse_etags(header)
    if tags.star_tag:
        return True
    return etag is not None and tags.contains_weak(unquote_etag(etag)[0])
