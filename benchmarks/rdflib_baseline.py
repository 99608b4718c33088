"""The baseline the issue measures against: plain Flask + rdflib, one in-memory graph, SPARQL JSON.
Not part of powgraph; served by the same Granian settings so only the engine differs."""

from __future__ import annotations

import os

from flask import Flask, Response, request
from rdflib import Graph


def create_app() -> Flask:
    graph = Graph()
    graph.parse(os.environ["BASELINE_DATA"], format="nt")
    app = Flask(__name__)

    @app.get("/sparql")
    def sparql() -> Response:
        result = graph.query(request.args["query"])
        return Response(
            result.serialize(format="json"), content_type="application/sparql-results+json"
        )

    return app
