"""A real server on 127.0.0.1 (``powgraph serve`` under Granian, as in production) over a build
of the real data, and a Flask app over the same store for in-process checks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from powgraph.config import Settings
from powgraph.publish.build import build
from powgraph.publish.release import release
from powgraph.serve import WORKER_KILL_TIMEOUT
from powgraph.web import create_app

QUERY_TIMEOUT = 2.0  # seconds: the budget the live server enforces in these tests


class Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def _record(self) -> None:
        Recorder.hits.append(f"{self.command} {self.path}")
        self.send_response(200)
        self.send_header("Content-Type", "text/turtle")
        self.end_headers()
        self.wfile.write(b"<http://a> <http://b> <http://c> .\n")

    do_GET = do_POST = do_HEAD = _record

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def logger() -> Iterator[str]:
    """A logging HTTP server on 127.0.0.1 that must receive zero requests."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _starts_a_server(function: object) -> bool:
    code = getattr(function, "__code__", None)
    return code is not None and "start_server" in code.co_names


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `live` every test that needs a server on 127.0.0.1: through the live fixture, a
    fixture of its own that calls start_server, or a call to start_server in the test."""
    for item in items:
        if not isinstance(item, pytest.Function):
            continue
        fixtures = item._fixtureinfo.name2fixturedefs.values()
        if (
            "live" in item.fixturenames
            or _starts_a_server(item.function)
            or any(_starts_a_server(d.func) for defs in fixtures for d in defs)
        ):
            item.add_marker(pytest.mark.live)


@dataclass(frozen=True)
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = replace(
        Settings(),
        build_dir=tmp_path_factory.mktemp("build"),
        releases_dir=tmp_path_factory.mktemp("releases"),
    )
    build(settings)
    release(settings)
    return settings


def start_server(settings: Settings, extra_env: dict[str, str], args: list[str] = ()) -> LiveServer:  # type: ignore[assignment]
    port = free_port()
    env = {
        **os.environ,
        "POWGRAPH_BUILD_DIR": str(settings.build_dir),
        "POWGRAPH_RELEASES_DIR": str(settings.releases_dir),
        "POWGRAPH_QUERY_TIMEOUT": str(QUERY_TIMEOUT),
        **extra_env,
    }
    command = [sys.executable, "-m", "powgraph.cli", "serve", "--port", str(port), *args]
    process = subprocess.Popen(command, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/health", timeout=1).status_code == 200:
                return LiveServer(url, process)
        except requests.ConnectionError:
            time.sleep(0.1)
    stop_server(LiveServer(url, process))
    raise RuntimeError("the server did not start")


def stop_server(server: LiveServer) -> None:
    """SIGTERM to the server's process group, as a terminal's Ctrl-C or systemd sends. A web
    worker sometimes misses Granian's shutdown (a race in Granian: emmett-framework/granian
    #875) and is killed at WORKER_KILL_TIMEOUT: the server gets that long, and more."""
    os.killpg(server.process.pid, signal.SIGTERM)
    try:
        server.process.wait(timeout=WORKER_KILL_TIMEOUT + 10)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait()


@pytest.fixture(scope="session")
def live(built: Settings) -> Iterator[LiveServer]:
    server = start_server(built, {})
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def app(built: Settings) -> Iterator[Flask]:
    settings = replace(built, row_cap=5, query_timeout=QUERY_TIMEOUT)
    application = create_app(settings)
    yield application
    application.extensions["powgraph"].store.close()


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@dataclass(frozen=True)
class Sample:
    """Real values for the app's route variables: an entity key under the base and the latest
    release, as the live server has them (for tests that visit every route)."""

    key: str
    release: dict[str, Any]


@pytest.fixture(scope="session")
def sample(live: LiveServer) -> Sample:
    query = (
        "SELECT ?s { ?s ?p ?o FILTER(STRSTARTS(STR(?s), 'https://w3id.org/powgraph/id/')) } LIMIT 1"
    )
    rows = requests.get(live.sparql, params={"query": query}, timeout=10).json()
    subject = rows["results"]["bindings"][0]["s"]["value"]
    listing = requests.get(live.url + "/dumps?format=json", timeout=10).json()["releases"][0]
    return Sample(subject.split("/id/", 1)[1], listing)
