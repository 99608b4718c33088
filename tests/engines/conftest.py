"""Two real SPARQL engines on 127.0.0.1, each with the built release published into it by
`powgraph publish`, and powgraph served over each (`--store sparql+URL`): the Oxigraph server
(the `oxigraph` package's binary, in a temporary directory) and Debian's Virtuoso (a throw-away
database in a temporary directory, its own ports, loopback only). Without Virtuoso the tests that
need it skip, except under CI=true, where they fail (.ci/run installs it)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from string import Template

import pytest
import requests

from powgraph.config import Settings
from powgraph.publish.engine import publish
from powgraph.store import REMOTE
from tests.web import conftest as web
from tests.web.conftest import LiveServer, free_port, start_server, stop_server

# seconds: the engines' own time budget, and powgraph's over them: an engine answers the canned
# queries' joins slower than the embedded store (Virtuoso, on a loaded 2-core CI machine, took
# more than the embedded servers' 2 s for one)
ENGINE_TIMEOUT = 6
OXIGRAPH = Path(sys.executable).with_name("oxigraph")
VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")
ENGINES = ("oxigraph", "virtuoso")
# Loopback only; ResultSetMaxRows above powgraph's row cap (Virtuoso's default, 10,000, would cut
# answers without saying so); MaxQueryExecutionTime is the engine's own time budget.
VIRTUOSO_INI = Template("""\
[Database]
DatabaseFile = $dir/virtuoso.db
ErrorLogFile = $dir/virtuoso.log
LockFile = $dir/virtuoso.lck
TransactionFile = $dir/virtuoso.trx
xa_persistent_file = $dir/virtuoso.pxa
[TempDatabase]
DatabaseFile = $dir/virtuoso-temp.db
TransactionFile = $dir/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:$sql
DisableUnixSocket = 1
DirsAllowed = $dir
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:$http
ServerRoot = $dir
ServerThreads = 10
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = $timeout
""")


@dataclass(frozen=True)
class Engine:
    name: str
    query: str  # SPARQL Protocol queries
    update: str  # SPARQL Update
    graph_store: str  # SPARQL 1.1 Graph Store Protocol
    process: subprocess.Popen[bytes]


def _wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            requests.get(url, params={"query": "ASK {}"}, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    stop_engine(process)
    raise RuntimeError(f"the engine did not start: {url}")


def stop_engine(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGKILL)  # a throw-away database: nothing to keep
    process.wait()


def start_oxigraph(directory: Path | None) -> Engine:
    """The Oxigraph server, read-write (publish loads it), with its own query timeout; over a
    store in ``directory``, or in memory (None: the server's own mode without a location)."""
    url = f"http://127.0.0.1:{free_port()}"
    command = [str(OXIGRAPH), "serve", "--bind", url[7:]]
    command += ["--location", str(directory)] if directory else []
    command += ["--timeout-s", str(ENGINE_TIMEOUT)]
    process = subprocess.Popen(command, start_new_session=True, stderr=subprocess.DEVNULL)
    _wait_for(url + "/query", process)
    return Engine("oxigraph", url + "/query", url + "/update", url + "/store", process)


def start_virtuoso(directory: Path) -> Engine:
    """Virtuoso in the foreground over a new database; the anonymous SPARQL user may update
    (SPARQL_UPDATE, for the Graph Store and the switch): acceptable on a loopback test server."""
    if VIRTUOSO is None or ISQL is None:
        reason = "Virtuoso is not installed (Debian's virtuoso-opensource; .ci/run installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    sql, http = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.substitute(dir=directory, sql=sql, http=http, timeout=ENGINE_TIMEOUT)
    )
    command = [VIRTUOSO, "+configfile", str(ini), "+foreground"]
    process = subprocess.Popen(
        command, cwd=directory, start_new_session=True, stdout=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{http}"
    _wait_for(url + "/sparql", process)
    grant = 'GRANT SPARQL_UPDATE TO "SPARQL";'
    subprocess.run([ISQL, str(sql), "dba", "dba", f"exec={grant}"], check=True, capture_output=True)
    return Engine("virtuoso", url + "/sparql", url + "/sparql", url + "/sparql-graph-crud", process)


def start_engine(name: str, directory: Path) -> Engine:
    return start_oxigraph(directory) if name == "oxigraph" else start_virtuoso(directory)


built = web.built  # the same session fixture: one build and release for every server


@pytest.fixture(scope="session", params=ENGINES)
def engine(
    request: pytest.FixtureRequest, built: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """Each engine, with the built release published into it."""
    started = start_engine(request.param, tmp_path_factory.mktemp(request.param))
    try:
        publish(built, started.update, started.graph_store)
        yield started
    finally:
        stop_engine(started.process)


@pytest.fixture(scope="session")
def served(engine: Engine, built: Settings) -> Iterator[LiveServer]:
    """powgraph serving over the engine: every page, canned query and /sparql runs there."""
    budget = {"POWGRAPH_QUERY_TIMEOUT": str(ENGINE_TIMEOUT)}
    server = start_server(built, budget, ["--store", REMOTE + engine.query])
    yield server
    stop_server(server)
