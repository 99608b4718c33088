"""A cache of whole answers in front of Flask (WSGI middleware, the Flask way to wrap an app),
for every page that depends on the data alone: /sparql, canned queries, entity documents, the
ontology, the home page. Keyed by everything that can change an answer: method, path, URL
query, body, content type, Accept and host; the data version is fixed for the life of a worker,
so it is implied. A hit costs a dictionary lookup instead of routing, negotiation and query
process round trips. Bounded by entries and by bytes."""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]
Key = tuple[str, ...] | tuple[Any, ...]
Entry = tuple[str, list[tuple[str, str]], bytes, str | None]

MAX_CACHED_BYTES = 1 << 20  # answers above 1 MiB are not kept
MAX_TOTAL_BYTES = 64 << 20  # nor more than 64 MiB of answers per worker
VARY = ("PATH_INFO", "QUERY_STRING", "CONTENT_TYPE", "HTTP_ACCEPT", "HTTP_HOST", "wsgi.url_scheme")
# Pages that are functions of the data alone (not /health, not /dumps: releases come and go).
CACHED_PATHS = ("/sparql", "/queries", "/openapi.json", "/id/", "/doc/", "/def")


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
            length = int(environ.get("CONTENT_LENGTH") or 0)
            if length > self.max_body:
                return self.app(environ, start_response)
            body = environ["wsgi.input"].read(length) if length else b""
            environ["wsgi.input"] = io.BytesIO(body)
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
        if (
            etag
            and environ["REQUEST_METHOD"] == "GET"
            and etag in environ.get("HTTP_IF_NONE_MATCH", "")
        ):
            kept = [
                (k, v) for k, v in headers if k.lower() not in ("content-length", "content-type")
            ]
            start_response("304 NOT MODIFIED", kept)
            return [b""]
        start_response(status, headers)
        return [body]
