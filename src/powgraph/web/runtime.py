"""What a running app holds: its settings, its store and the example and editor queries
(app.extensions), and the one public base URL every absolute URL the app writes starts with."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import current_app
from rdflib import Graph

from powgraph.config import Settings
from powgraph.queries import CannedQuery, bind, rows, run_on_store
from powgraph.store import QueryJob, Store

if TYPE_CHECKING:
    from powgraph.web.admission import Gate

# An app made in-process without a public URL (tests, a WSGI server other than `powgraph
# serve`) writes its URLs under this; `powgraph serve` always sets one (http://HOST:PORT).
LOCAL_URL = "http://localhost"


@dataclass
class Runtime:
    settings: Settings
    store: Store
    examples: list[CannedQuery]
    canned: dict[str, CannedQuery]
    linked: dict[str, CannedQuery]
    ontology: Graph
    gate: Gate  # admission control for the queries clients write
    editor: dict[str, CannedQuery]  # what the query editor asks /sparql for (autocompletion)

    def rows(self, name: str, **params: str) -> list[dict[str, Any]]:
        """A canned query's answer on the store, parameters bound as typed terms: what every
        page reads, so a page says what /queries/<name> answers."""
        query = self.canned[name]
        return run_on_store(self.store, query, bind(query, params))[1]

    def every_row(self, name: str) -> list[dict[str, Any]] | None:
        """A canned query's answer for every value of its parameters, left free: one query
        where a page would ask one for each value (the home page: one for every source); None
        if the answer was cut at the row cap, and the page asks value by value."""
        answer = self.store.run(QueryJob(self.canned[name].text, "json"))
        return None if answer.truncated else rows(json.loads(answer.body))[1]


def runtime() -> Runtime:
    result: Runtime = current_app.extensions["powgraph"]
    return result


def public_url(rt: Runtime | None = None) -> str:
    """Where the site is reached from outside, without a trailing slash: Settings.public_url,
    else LOCAL_URL. Never built from the request (Host, X-Forwarded-Host), which the client
    chooses: a URL the app writes (sd:endpoint, VoID, DCAT, redirects) cannot be redirected.
    The app's runtime unless given (the fast path runs outside Flask's context)."""
    return (rt or runtime()).settings.public_url or LOCAL_URL
