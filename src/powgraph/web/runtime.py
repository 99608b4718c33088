"""What a running app holds: its settings, its store and the example queries (app.extensions)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from rdflib import Graph

from powgraph.config import Settings
from powgraph.queries import CannedQuery
from powgraph.store import Store


@dataclass
class Runtime:
    settings: Settings
    store: Store
    examples: list[CannedQuery]
    canned: dict[str, CannedQuery]
    linked: dict[str, CannedQuery]
    ontology: Graph


def runtime() -> Runtime:
    result: Runtime = current_app.extensions["powgraph"]
    return result
