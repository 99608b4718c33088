"""/health: the data version and a real round trip through the query engine."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from powgraph.store import QueryJob
from powgraph.web.runtime import runtime

bp = Blueprint("health", __name__)
PROBE = QueryJob("ASK {}", "json")


@bp.get("/health")
def health() -> Response:
    rt = runtime()
    rt.store.run(PROBE)  # raises (503) if no engine process can answer
    info = rt.store.info
    return jsonify({"status": "ok", "version": info.version, "triples": info.triples})
