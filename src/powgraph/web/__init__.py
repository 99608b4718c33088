"""The web application: ``create_app(settings)``, one blueprint per surface, one error handler."""

from __future__ import annotations

import atexit
from urllib.parse import urlsplit

from flask import Flask, Request, Response
from werkzeug.routing import MapAdapter

from powgraph.config import Settings
from powgraph.published import read_graphs
from powgraph.queries import read_queries, shown, shown_interval
from powgraph.store import Store, open_store
from powgraph.web import (
    archive,
    canned,
    conditional,
    docs,
    dumps,
    entities,
    errors,
    health,
    pages,
    sparql,
)
from powgraph.web.admission import gate_for
from powgraph.web.answer_cache import AnswerCache
from powgraph.web.bodies import Bodies
from powgraph.web.fastpath import FastPath
from powgraph.web.runtime import LOCAL_URL, Runtime, runtime


class PowgraphFlask(Flask):
    """Flask whose URL building knows the public base URL: werkzeug's own redirects (308 for a
    path like /queries//datasets) and url_for(_external=True) are written under
    Settings.public_url (its scheme, host, port and path), never under the request's Host."""

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        adapter = super().create_url_adapter(request)
        if request is not None and adapter is not None:
            public = urlsplit(self.extensions["powgraph"].settings.public_url or LOCAL_URL)
            adapter.url_scheme, adapter.server_name = public.scheme, public.netloc
            if public.path:
                adapter.script_name = public.path.rstrip("/") + "/"
        return adapter


BODIES_PER_CLIENT = 2  # request bodies one client address may be sending at once, per worker


def create_app(settings: Settings | None = None, store: Store | None = None) -> Flask:
    """Settings from the environment unless given; the store is opened here, once per worker."""
    settings = settings or Settings.from_env()
    store = store or open_store(settings)
    atexit.register(store.close)
    app = PowgraphFlask(__name__)
    # a form-encoded query may be up to three times its text; anything larger is refused early
    app.config["MAX_CONTENT_LENGTH"] = 3 * settings.max_query_bytes + 1024
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.jinja_env.finalize = shown  # pages write values as CSV does: "true", 18, nothing for None
    app.jinja_env.globals["interval"] = shown_interval  # and intervals one way
    examples = read_queries(settings.queries_dir / "examples")
    stored = {q.name: q for q in read_queries(settings.queries_dir)}
    linked = {q.name: q for q in read_queries(settings.queries_dir / "linked-data")}
    editor = {q.name: q for q in read_queries(settings.queries_dir / "editor")}
    ontology = read_graphs(list(settings.ontology_dir.glob("*.ttl")))
    gate = gate_for(settings, store.processes)
    app.extensions["powgraph"] = Runtime(
        settings, store, examples, stored, linked, ontology, gate, editor
    )
    max_body = app.config["MAX_CONTENT_LENGTH"]
    fast = FastPath(app.wsgi_app, app.extensions["powgraph"])
    cached = AnswerCache(fast, settings.cache_entries, max_body)
    # a quarter of the threads may wait for bodies, half for a query process: the rest serve
    readers = max(1, settings.web_threads // 4)
    app.wsgi_app = Bodies(cached, max_body, readers, BODIES_PER_CLIENT)  # type: ignore[method-assign]
    app.register_blueprint(sparql.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(canned.bp)
    app.register_blueprint(entities.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(dumps.bp)
    app.register_blueprint(docs.bp)
    app.register_blueprint(archive.bp)
    errors.init_app(app)
    conditional.init_app(app)
    app.after_request(_versioned)  # runs before conditional's: a 304 keeps the header
    return app


def _versioned(response: Response) -> Response:
    """Every answer names the version of the data it was made from (a release's name)."""
    response.headers.setdefault("X-Powgraph-Version", runtime().store.info.version)
    return response
