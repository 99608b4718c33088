"""Every error leaves the app through here, as JSON or (for browsers) HTML, never a traceback."""

from __future__ import annotations

import logging
import math
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from powgraph.errors import PowgraphError
from powgraph.web.conneg import prefers_html

log = logging.getLogger(__name__)


def _payload(status: int, kind: str, message: str, extra: dict[str, Any]) -> dict[str, Any]:
    return {"error": {"status": status, "kind": kind, "message": message, **extra}}


def render_error(
    status: int, kind: str, message: str, retry_after: float | None = None, **extra: Any
) -> Response:
    payload = _payload(status, kind, message, extra)
    if prefers_html(request.headers.get("Accept")):
        html = render_template("error.html", error=payload["error"])
        response = Response(html, status=status, content_type="text/html; charset=utf-8")
    else:
        response = jsonify(payload)
        response.status_code = status
        response.content_type = "application/json; charset=utf-8"
    if retry_after is not None:
        response.headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
    elif status == 503:
        response.headers["Retry-After"] = "1"
    if request.path.startswith("/sparql"):
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _domain_error(exc: PowgraphError) -> Response:
    extra = {
        key: getattr(exc, key) for key in ("line", "column") if getattr(exc, key, None) is not None
    }
    kind = getattr(exc, "kind", type(exc).__name__)
    retry_after = getattr(exc, "retry_after", None)
    return render_error(exc.http_status, kind, str(exc), retry_after, **extra)


def _http_error(exc: HTTPException) -> Response:
    if isinstance(exc, InternalServerError):
        log.error("unhandled error", exc_info=exc.original_exception)
        return render_error(500, "internal", "internal server error")
    kind = exc.name.lower().replace(" ", "-")
    response = render_error(exc.code or 500, kind, exc.description or "")
    allow = dict(exc.get_headers()).get("Allow")
    if allow:
        response.headers["Allow"] = allow
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(PowgraphError, _domain_error)
    app.register_error_handler(HTTPException, _http_error)
