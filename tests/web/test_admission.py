"""No denial of service from a handful of requests: runaway queries from one client run only in
their share of query processes, the rest are told when to come back (429/503 with a Retry-After
from the queue), and pages, cached answers, static files and /health never wait behind them.
A query that needs too much memory is stopped and its process replaced."""

from __future__ import annotations

import http.client
import math
import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import requests

from powgraph.config import Settings
from powgraph.web.admission import Gate, TooManyQueries, client_address
from tests.helpers import DIRECT, descendants
from tests.web.conftest import QUERY_TIMEOUT, LiveServer, start_server, stop_server

RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CACHED = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
HELD = 30.0  # seconds the runaways keep coming


@pytest.fixture(scope="module")
def server(built: Settings) -> Iterator[LiveServer]:
    # one client may hold 3 queries per worker: 8 runaways meet both the queue and the refusal
    # one web worker: the answer cache is per worker, and which worker accepts a connection is
    # the kernel's choice, so with two a warmed answer may be cold in the other (seen in CI)
    live = start_server(built, {"POWGRAPH_CLIENT_QUERIES": "3"}, ["--workers", "1"])
    yield live
    stop_server(live)


@pytest.fixture(scope="module")
def roomy(built: Settings) -> Iterator[LiveServer]:
    """A server with the default time budget: a query must run out of memory, not of time."""
    live = start_server(built, {"POWGRAPH_QUERY_TIMEOUT": "10"})
    yield live
    stop_server(live)


def _from(address: str, url: str, query: str) -> tuple[int, float]:
    """POST a query from another client address on the loopback (127.0.0.2)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=30, source_address=(address, 0)
    )
    started = time.monotonic()
    try:
        connection.request("POST", "/sparql", query.encode(), DIRECT)
        status = connection.getresponse().status
    finally:
        connection.close()
    return status, time.monotonic() - started


@pytest.mark.slow  # holds the runaways for HELD (30 s)
def test_runaways_never_delay_pages_cached_answers_or_other_clients(server: LiveServer) -> None:
    # cached by every web worker (each has its own cache): asked until 16 answers in a row
    # come from a cache, on new connections (which any worker may accept)
    hits, asked = 0, 0
    while hits < 16 and asked < 200:
        r = requests.get(server.sparql, params={"query": CACHED}, timeout=10)
        assert r.status_code == 200, r.text
        hits, asked = (hits + 1 if r.headers.get("X-Powgraph-Cache") == "hit" else 0), asked + 1
    assert hits == 16, f"no run of cached answers in {asked} requests"
    stop = time.monotonic() + HELD
    refused: list[tuple[int, str | None, str]] = []
    errors: list[str] = []

    def runaway() -> None:
        while time.monotonic() < stop:
            try:
                r = requests.post(server.sparql, data=RUNAWAY, headers=DIRECT, timeout=60)
            except requests.RequestException as exc:
                errors.append(repr(exc))
                continue
            refused.append((r.status_code, r.headers.get("Retry-After"), r.text[:80]))

    threads = [threading.Thread(target=runaway, daemon=True) for _ in range(8)]
    for thread in threads:
        thread.start()
    idle = [_idle_body(server.url) for _ in range(8)]  # and 8 bodies that never come
    time.sleep(1)
    probes: dict[str, list[float]] = {"health": [], "cached": [], "static": [], "other": []}
    while time.monotonic() < stop - 1:
        for name, url, params in (
            ("health", server.url + "/health", None),
            ("cached", server.sparql, {"query": CACHED}),
            ("static", server.url + "/static/yasgui/yasgui.min.css", None),
        ):
            started = time.monotonic()
            assert requests.get(url, params=params, timeout=5).status_code == 200, name
            probes[name].append(time.monotonic() - started)
        status, took = _from("127.0.0.2", server.url, "ASK { ?s ?p ?o }")
        assert status == 200
        probes["other"].append(took)
        time.sleep(0.5)
    for thread in threads:
        thread.join()
    for sock in idle:
        sock.close()
    deadline = time.monotonic() + 8 * QUERY_TIMEOUT  # what the server still runs or queues
    while time.monotonic() < deadline:
        if requests.post(server.sparql, data=b"ASK {}", headers=DIRECT, timeout=30).ok:
            break
        time.sleep(0.5)
    slowest = {name: max(times) for name, times in probes.items()}
    assert all(len(times) >= 10 for times in probes.values()), probes
    assert all(took < 1.0 for took in slowest.values()), slowest
    assert errors == []
    assert {status for status, _, _ in refused} <= {429, 503}
    assert any(status == 429 for status, _, _ in refused)
    early = [r for r in refused if r[1] is None or int(r[1]) < math.ceil(QUERY_TIMEOUT)]
    assert early == [], early


def _idle_body(url: str) -> socket.socket:
    """A connection from 127.0.0.3 that announces a 100-byte body, sends 3 bytes, then waits."""
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), 10, ("127.0.0.3", 0))
    sock.sendall(
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 100\r\n\r\nASK"
    )
    return sock


def _doubling() -> str:
    """850-odd bytes that double a string 26 times (4 GiB)."""
    doubled = " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(26))
    return f'SELECT (STRLEN(?x26) AS ?n) {{ BIND("{"0123456789abcdef" * 4}" AS ?x0) {doubled} }}'


def _values_join() -> str:
    """Two 2,500-row VALUES joined and sorted: 6.25 million strings held at once."""
    values = " ".join(str(i) for i in range(2500))
    return (
        f"SELECT ?c {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} "
        "BIND(CONCAT(STR(?a), STR(?b), STR(?a), STR(?b)) AS ?c) } ORDER BY ?c LIMIT 1"
    )


@pytest.mark.parametrize("query", [_doubling(), _values_join()], ids=["doubling", "values"])
def test_a_query_out_of_memory_is_503_and_memory_returns(roomy: LiveServer, query: str) -> None:
    server = roomy
    before = _rss(server.process.pid)
    r = requests.post(server.sparql, data=query.encode(), headers=DIRECT, timeout=60)
    assert r.status_code == 503 and r.json()["error"]["kind"] == "memory"
    assert int(r.headers["Retry-After"]) >= 1
    assert requests.post(server.sparql, data=b"ASK {}", headers=DIRECT, timeout=10).ok
    time.sleep(1)
    # the 768 MiB the query could hold are gone; a query process started since (the replaced
    # one, or another slot's first) may hold up to ~100 MiB of its own
    assert _rss(server.process.pid) < before + 160 * 2**20


def _rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    total = 0
    for current in {pid} | descendants(pid):
        try:
            with open(f"/proc/{current}/status", encoding="ascii") as status:
                total += next(
                    int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS")
                )
        except (OSError, StopIteration):
            continue
    return total


def test_the_gate_keeps_a_share_for_other_clients_and_says_when_to_return() -> None:
    gate = Gate(slots=2, queue=2, per_client=2, budget=10.0)
    gate.enter("a")  # a runs in one slot
    started = threading.Event()

    def second() -> None:
        gate.enter("a")  # waits: a may hold only one slot of two
        started.set()

    waiting = threading.Thread(target=second, daemon=True)
    waiting.start()
    time.sleep(0.1)
    assert not started.is_set()
    gate.enter("b")  # the other slot is b's at once, ahead of a's waiting query
    with pytest.raises(TooManyQueries) as full:
        gate.enter("a")  # a's third: the queue has room, but a's share is two
    assert full.value.retry_after >= 10.0
    gate.leave("b")
    time.sleep(0.1)
    assert not started.is_set()  # b's slot freed, but a still runs its one
    gate.leave("a")
    waiting.join(2)
    assert started.is_set()


def test_a_queue_full_of_one_clients_queries_does_not_refuse_another() -> None:
    gate = Gate(slots=2, queue=1, per_client=3, budget=10.0)
    gate.enter("a")
    waiting = threading.Thread(target=gate.enter, args=("a",), daemon=True)
    waiting.start()  # the queue's one place: a waits for its own share, not for a slot
    time.sleep(0.1)
    with pytest.raises(TooManyQueries):
        gate.enter("a")  # a third of a's: the queue is full
    gate.enter("b")  # the free slot is b's at once
    gate.leave("a")
    waiting.join(2)
    assert not waiting.is_alive()


@pytest.mark.parametrize(
    ("remote", "header", "expected"),
    [
        ("10.0.0.9", "203.0.113.5", "10.0.0.9"),  # not a trusted proxy: its header is ignored
        ("127.0.0.1", "203.0.113.5", "203.0.113.5"),  # the proxy's client
        ("127.0.0.1", "198.51.100.1, 203.0.113.5", "203.0.113.5"),  # a client can only prepend
        ("127.0.0.1", "203.0.113.5, 127.0.0.1", "203.0.113.5"),  # trusted hops are skipped
        ("127.0.0.1", "not an address", "127.0.0.1"),
        ("127.0.0.1", "", "127.0.0.1"),
    ],
)
def test_the_client_is_the_socket_or_the_trusted_proxys_client(
    remote: str, header: str, expected: str
) -> None:
    from flask import Flask

    settings = Settings(proxy_header="X-Forwarded-For", trusted_proxies="127.0.0.1, ::1")
    with Flask(__name__).test_request_context(
        "/sparql", headers={"X-Forwarded-For": header}, environ_base={"REMOTE_ADDR": remote}
    ) as context:
        assert client_address(settings, context.request.environ) == expected
