"""Conditional GET and HEAD (RFC 9110 13.1.2) for every page: If-None-Match: * matches any
current representation, a list matches when one of its entity-tags equals the answer's, compared
weakly (W/"x" matches "x"); either way the answer is 304 Not Modified. Routes that can decide
before doing the work (/sparql) or that serve files (/dumps, through send_file) answer 304
themselves, by the same rule; this catches every other 200."""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.http import remove_entity_headers

SAFE = ("GET", "HEAD")


def not_modified(response: Response) -> Response:
    if request.method not in SAFE or response.status_code != 200:
        return response
    wanted = request.if_none_match
    if not wanted:
        return response
    etag, _ = response.get_etag()
    if not (wanted.star_tag or (etag is not None and wanted.contains_weak(etag))):
        return response
    headers = response.headers.copy()
    remove_entity_headers(headers)  # keeps ETag, Cache-Control, Vary, Expires
    return Response(status=304, headers=headers)


def init_app(app: Flask) -> None:
    app.after_request(not_modified)
