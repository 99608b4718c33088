"""The web application: ``create_app(settings)``, one blueprint per surface, one error handler."""

from __future__ import annotations

import atexit

from flask import Flask

from powgraph.config import Settings
from powgraph.queries import read_queries
from powgraph.store import Store
from powgraph.store.embedded import EmbeddedStore
from powgraph.validate import read_graphs
from powgraph.web import canned, dumps, entities, errors, health, pages, sparql
from powgraph.web.answer_cache import AnswerCache
from powgraph.web.runtime import Runtime


def open_store(settings: Settings) -> Store:
    return EmbeddedStore(
        settings.served_store, settings.query_timeout, settings.row_cap, settings.query_processes
    )


def create_app(settings: Settings | None = None, store: Store | None = None) -> Flask:
    """Settings from the environment unless given; the store is opened here, once per worker."""
    settings = settings or Settings.from_env()
    store = store or open_store(settings)
    atexit.register(store.close)
    app = Flask(__name__)
    # a form-encoded query may be up to three times its text; anything larger is refused early
    app.config["MAX_CONTENT_LENGTH"] = 3 * settings.max_query_bytes + 1024
    app.json.sort_keys = False  # type: ignore[attr-defined]
    examples = read_queries(settings.queries_dir / "examples")
    stored = {q.name: q for q in read_queries(settings.queries_dir)}
    linked = {q.name: q for q in read_queries(settings.queries_dir / "linked-data")}
    ontology = read_graphs(list(settings.ontology_dir.glob("*.ttl")))
    app.extensions["powgraph"] = Runtime(settings, store, examples, stored, linked, ontology)
    app.wsgi_app = AnswerCache(  # type: ignore[method-assign]
        app.wsgi_app, settings.cache_entries, app.config["MAX_CONTENT_LENGTH"]
    )
    app.register_blueprint(sparql.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(canned.bp)
    app.register_blueprint(entities.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(dumps.bp)
    errors.init_app(app)
    return app
