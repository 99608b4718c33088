"""The SPARQL protocol's commonest request, ``GET /sparql?query=…``, answered before Flask (WSGI
middleware, as the answer cache): Flask's request context, routing, response object and
after-request hooks cost about a third of a web worker's time on an uncached query. The
answer is made by the blueprint's own ``sparql.answer_query`` (guard, limits, negotiation,
admission, headers): the same bytes and headers, and a test compares the two ways.

Anything else goes on to Flask: other paths and methods, conditional requests, other
parameters. A failure is never rendered here: the exception goes to Flask with the request,
where the /sparql view raises it to the app's one error handler; a query is never run twice."""

from __future__ import annotations

from collections.abc import Iterable
from http import HTTPStatus

from werkzeug.datastructures import ETags

from powgraph.web.admission import client_address
from powgraph.web.answer_cache import Environ, StartResponse, WSGIApp
from powgraph.web.params import parse_pairs
from powgraph.web.runtime import Runtime
from powgraph.web.sparql import FAILED, Asked, answer_query

TAKEN = {"query", "format", "output"}  # the parameters it reads; any other goes to Flask


class FastPath:
    def __init__(self, app: WSGIApp, rt: Runtime) -> None:
        self.app, self.rt = app, rt

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        raw = str(environ.get("QUERY_STRING", ""))
        if not (
            environ.get("REQUEST_METHOD") == "GET"
            and environ.get("PATH_INFO") == "/sparql"
            and "query=" in raw
            and len(raw) <= 3 * self.rt.settings.max_query_bytes  # else Flask's 414
            and "HTTP_IF_NONE_MATCH" not in environ
        ):
            return self.app(environ, start_response)
        try:
            params: dict[str, list[str]] = {}
            for key, value in parse_pairs(raw.encode("latin-1"), "the URL"):
                params.setdefault(key, []).append(value)
            if not params.keys() <= TAKEN or len(params.get("query", ())) != 1:
                return self.app(environ, start_response)
            asked = Asked(
                "GET",
                environ.get("HTTP_ACCEPT"),
                params,
                client_address(self.rt.settings, environ),
                ETags(),
            )
            answered = answer_query(self.rt, params["query"][0], asked)
        except Exception as exc:  # noqa: BLE001 - rendered by the app's one error handler
            environ[FAILED] = exc
            return self.app(environ, start_response)
        status = HTTPStatus(answered.status)
        headers = [
            *answered.headers,
            ("Content-Length", str(len(answered.body))),
            ("X-Powgraph-Version", self.rt.store.info.version),
        ]
        start_response(f"{status.value} {status.phrase.upper()}", headers)
        return [answered.body]
