"""One run, same data and query, side by side: powgraph (cached and uncached), Virtuoso (Debian's
virtuoso-opensource), a plain Flask + rdflib baseline, and nginx serving the same answer bytes as a
static file (the ceiling). Load from wrk on 127.0.0.1, bounded duration. Writes RESULTS.md.

    .venv/bin/python benchmarks/run.py [--seconds 10] [--connections 16]

Needs Debian's wrk, nginx-light and virtuoso-opensource (apt-get install wrk nginx-light
virtuoso-opensource); nothing here runs in `make test`.

    .venv/bin/python benchmarks/run.py --resilience [--seconds 10] [--runs 2] [--tuned NAME=VALUE]

The resilience run needs only wrk: one `powgraph serve` over the built graph, the cached and the
uncached query measured quiet, then again while 8 threads from 127.0.0.2 send runaway queries
(retrying at once when refused) and 8 sockets from 127.0.0.3 send a request head and 3 of the 100
body bytes they promise. Writes the "Resilience" section of RESULTS.md, keeping the rest."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import quote

import requests

from powgraph.config import Settings

DEFAULTS = Settings()
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
QUERY = """PREFIX pow: <https://w3id.org/powgraph/def#>
SELECT ?observation ?printed WHERE { ?observation pow:printedValue ?printed }
ORDER BY ?printed LIMIT 10
"""
JSON = "application/sparql-results+json"
NOTES = """## Where an uncached query's time goes

Every uncached query crosses a process boundary: powgraph runs queries in child processes so
that the time budget can kill a runaway query (pyoxigraph cannot be stopped from another
thread). Measured separately on the same machine on 2026-12-01, per query: the web worker's
side (parameters, the query guard, admission, headers, the pipe) about 285 µs of Python: a
`GET /sparql?query=` is answered by a WSGI-level fast path before Flask routes it
(web/fastpath.py; through Flask it was about 440 µs); in the query process, pyoxigraph
parsing, evaluating and writing this query about 430 µs on its in-memory copy of the store
(1,600 µs on the on-disk store, which the Oxigraph server uses), and powgraph's part there
(the job's pickling, counting the answer's rows) about 40 µs. The query sorts all 334 printed
values. With the server saturated (wrk on the same 2 cores), a request costs about 1.25 ms of
CPU in all: 0.48 ms in the two web workers (Python, and Granian's HTTP in Rust) and 0.77 ms
in the query processes (the engine's 430 µs grow under contention for the cores). The cached
path answers from a WSGI-level cache before either, so it pays none of this.

Single runs vary with the load on the machine: the three runs of 2026-12-01 after the fast
path gave uncached 0.94× (before the guard lexed a query once and a reply was awaited with one
poll), 0.98× and 1.01× Virtuoso's uncached req/s, and 1.02–1.07× the Oxigraph server's; the run
of 2026-12-02 above, 1.03× and 1.12×: at par with Virtuoso on this query, not clearly above it.

Measured once for comparison on 2026-11-28 (not shipped): the same app with pyoxigraph queried
inside the web worker, no process boundary and so no way to stop a runaway query, answered 3,775
uncached req/s here, when Virtuoso answered about 3,100. The process boundary costs about 15%;
the rest of the distance to the Oxigraph server (the same engine) is Python: Flask, the guard,
the pipe's pickling, on the same two cores as the load generator.
"""
# RESULTS.md's sections written by other runs: build_scaling.py, validation.py, large.py,
# remote.py, run.py --resilience
KEPT_SECTIONS = (
    "## Build scaling",
    "## Where validation's time goes",
    "## Serving at 1M triples",
    "## Remote backend",
    "## Resilience",
)
RESILIENCE_NOTES = """What it shows. Admission control keeps the endpoint answering under the attack: cached
answers never wait for a query process, and each runaway ends at its budget (503) or is
refused (429) with a Retry-After from the queue; the legitimate client, a different address,
keeps its share of query processes and nearly all its answers (the few 429s are its own
connections beyond its share of one worker's queue: wrk's 16 connections are one address, and
the kernel (SO_REUSEPORT) splits them unevenly between the two workers). The attack still costs
the legitimate traffic more than half its throughput on two cores: admission bounds how many
runaways run (two of a worker's three query processes for one address), not the CPU they take.
Four query processes spinning at full speed (niced, so the web workers come first), the
idle-body sockets reconnecting some 4,000-5,000 times a second (each refused 503 at once and
closed: one address may have only two bodies waiting per worker), and the attackers' own Python
threads share the same two cores with the web workers; this run does not separate those causes.
An earlier pair of runs on this day, with 8 queries per client and 8 waiting per worker,
refused 55% of wrk's uncached requests even when quiet: the defaults were raised (12 and 16)
and a free query process is now taken at once by a client whose query can run, whatever waits
only for its own client's share. The cached figures are not comparable with the side-by-side
run above (another day, another load on the machine).
"""


@dataclass
class Measure:
    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int = 0  # answered in the measured window
    statuses: Counter[int] = field(default_factory=Counter)  # from a counting script, if any
    load: str = ""  # the machine's load average when the measurement started (after warm-up)


def committed(work: Path) -> dict[str, str]:
    """HEAD's src, data, shapes, ontology and queries, extracted into ``work``, and the
    environment that runs powgraph from them (its default folders are then there too): other
    engineers edit the working tree while a benchmark runs, and a run measures one state."""
    target = work / "committed"
    target.mkdir()
    folders = ["src", "data", "shapes", "ontology", "queries"]
    head = commit()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", head, *folders], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return {"PYTHONPATH": str(target / "src"), COMMIT: head}


COMMIT = "BENCHMARK_COMMIT"  # in ``committed``'s environment: the commit it extracted


def commit() -> str:
    """HEAD's commit, short: the one ``committed`` extracts (and names as COMMIT)."""
    return subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def load_average() -> str:
    """The machine's load average (1, 5, 15 min) as `uptime` says it: other work shares the cores."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float = 60, headers: dict[str, str] | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, headers=headers, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def start(
    command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(name: str, url: str, seconds: int, connections: int, script: Path | None = None) -> Measure:
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "-H",
        f"Accept: {JSON}",
    ]
    if script:
        command += ["-s", str(script)]
    subprocess.run(
        [*command[:4], "-d2s", *command[5:], url], capture_output=True, check=True
    )  # warm-up
    load = load_average()
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    count = int(errors.group(1)) if errors else 0
    count += sum(int(g) for g in socket_errors.groups()) if socket_errors else 0
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    statuses = Counter({int(s): int(n) for s, n in re.findall(r"^status (\d+) (\d+)$", out, re.M)})
    print(f"{name:28s} {rps:10.0f} req/s  p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  errors {count}")
    return Measure(name, rps, p50, p99, count, requests, statuses, load)


def virtuoso_ini(
    directory: Path, port: int, http_port: int, threads: int, buffers: int | None = None
) -> Path:
    ini = Path("/etc/virtuoso-opensource-7/virtuoso.ini").read_text()
    for key in (
        "DatabaseFile",
        "ErrorLogFile",
        "LockFile",
        "TransactionFile",
        "xa_persistent_file",
    ):
        ini = re.sub(
            rf"^({key}\s*=\s*)/var/lib/virtuoso-opensource-7/db/",
            rf"\g<1>{directory}/",
            ini,
            flags=re.M,
        )
    ini = re.sub(r"^(ServerPort\s*=\s*)1111", rf"\g<1>{port}", ini, flags=re.M)
    ini = re.sub(r"^(ServerPort\s*=\s*)8890", rf"\g<1>{http_port}", ini, flags=re.M)
    ini = re.sub(r"^(DirsAllowed\s*=\s*).*$", rf"\g<1>., {directory}", ini, flags=re.M)
    ini = re.sub(r"^(MaxClientConnections\s*=\s*)\d+", rf"\g<1>{threads}", ini, flags=re.M)
    ini = re.sub(r"^(ServerThreads\s*=\s*)\d+", rf"\g<1>{threads}", ini, flags=re.M)
    ini = re.sub(r"^(DefaultHost\s*=\s*).*$", rf"\g<1>127.0.0.1:{http_port}", ini, flags=re.M)
    ini = re.sub(r"^Load\d+\s*=.*$", "", ini, flags=re.M)
    if buffers:  # 8 KB pages in memory; the ini's comments give 170,000 for 2 GB of RAM
        ini = re.sub(r"^(NumberOfBuffers\s*=\s*)\d+", rf"\g<1>{buffers}", ini, flags=re.M)
        dirty = buffers * 3 // 4
        ini = re.sub(r"^(MaxDirtyBuffers\s*=\s*)\d+", rf"\g<1>{dirty}", ini, flags=re.M)
    path = directory / "virtuoso.ini"
    path.write_text(ini)
    return path


def start_virtuoso(
    work: Path, data: Path, connections: int, buffers: int | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """Virtuoso over a new database in ``work``, ``data`` loaded by its bulk loader."""
    directory = work / "virtuoso"
    directory.mkdir()
    shutil.copy(data, directory / "data.nt")
    port, http_port = free_port(), free_port()
    ini = virtuoso_ini(directory, port, http_port, connections, buffers)
    process = start(["virtuoso-t", "-f", "-c", str(ini)], cwd=directory)
    deadline = time.monotonic() + 120
    load = f"ld_dir('{directory}', 'data.nt', 'urn:powgraph:data'); rdf_loader_run(); checkpoint;"
    while True:
        done = subprocess.run(
            ["isql-vt", str(port), "dba", "dba", f"exec={load}"], capture_output=True, text=True
        )
        if done.returncode == 0 and "Error" not in done.stdout + done.stderr:
            break
        if time.monotonic() > deadline:
            stop(process)
            raise RuntimeError("Virtuoso did not load the data: " + done.stdout + done.stderr)
        time.sleep(1)
    url = f"http://127.0.0.1:{http_port}/sparql"
    wait_for(url + "?query=" + quote("ASK {}"), headers={"Accept": JSON})
    return process, url


def start_oxigraph_server(
    directory: Path, data: Path
) -> tuple[subprocess.Popen[bytes], str, float]:
    """The Oxigraph server (the `oxigraph` package's binary) read-only over ``data``, loaded
    first with `oxigraph load`; returns the seconds from the load's start to the first answer."""
    oxigraph = str(Path(sys.executable).with_name("oxigraph"))
    started = time.perf_counter()
    subprocess.run(
        [oxigraph, "load", "--location", str(directory), "--file", str(data)],
        check=True,
        capture_output=True,
    )
    bind = f"127.0.0.1:{free_port()}"
    process = start([oxigraph, "serve-read-only", "--location", str(directory), "--bind", bind])
    url = f"http://{bind}/query"
    try:
        wait_for(url + "?query=" + quote("ASK {}"), headers={"Accept": JSON})
    except RuntimeError:
        stop(process)
        raise
    return process, url, time.perf_counter() - started


def _kb(text: str, field: str) -> int:
    found = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
    return int(found.group(1)) if found else 0


def process_memory(session: int | None) -> tuple[float, float, int]:
    """RSS and PSS in MB summed over every process of ``session`` (a server started in a
    session of its own), or of this process alone; and how many processes. PSS divides each
    shared page among the processes that share it, so it does not count them twice."""
    pids = [os.getpid()] if session is None else []
    if session is not None:
        for entry in Path("/proc").iterdir():
            try:
                stat = (entry / "stat").read_text() if entry.name.isdigit() else ""
            except OSError:  # gone
                continue
            if stat and int(stat.rsplit(")", 1)[1].split()[3]) == session:  # its session id
                pids.append(int(entry.name))
    rss = pss = 0
    for pid in pids:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:  # gone, or not ours to read
            continue
        rss += _kb(rollup, "Rss")
        pss += _kb(rollup, "Pss")
    return rss / 1024, pss / 1024, len(pids)


def start_nginx(work: Path, answer: bytes) -> tuple[subprocess.Popen[bytes], str]:
    directory = work / "nginx"
    directory.mkdir()
    (directory / "answer.json").write_bytes(answer)
    port = free_port()
    conf = directory / "nginx.conf"
    conf.write_text(f"""worker_processes 2;
daemon off;
pid {directory}/nginx.pid;
error_log {directory}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  keepalive_requests 1000000;
  server {{
    listen 127.0.0.1:{port};
    root {directory};
    location = /sparql {{ default_type {JSON}; try_files /answer.json =404; }}
  }}
}}
""")
    process = start(["nginx", "-c", str(conf), "-p", str(directory)])
    url = f"http://127.0.0.1:{port}/sparql"
    wait_for(url)
    return process, url


RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
ATTACKERS = 8  # runaway-query loops from 127.0.0.2
IDLE_BODIES = 8  # sockets from 127.0.0.3 that promise a body and send 3 bytes of it
RAMP = 2.0  # seconds the attack runs before the first measurement
# uncached.lua, and every response's status counted and printed at the end ("status 429 12")
COUNTING = """
local counted_threads = {}
local uncached_setup = setup
function setup(thread)
  uncached_setup(thread)
  table.insert(counted_threads, thread)
end
statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(counted_threads) do
    for status, n in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + n
    end
  end
  for status, n in pairs(total) do
    io.write(string.format("status %d %d\\n", status, n))
  end
end
"""


class Attack:
    """Runaway queries and idle bodies against one server until ``finish`` (or ``limit``
    seconds at most), counting what the attackers got: HTTP statuses, or the error's name."""

    def __init__(self, port: int, limit: float) -> None:
        self.port = port
        self.deadline = time.monotonic() + limit
        self.stopping = threading.Event()
        self.runaway: Counter[str] = Counter()
        self.idle: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._threads = [
            threading.Thread(target=self._runaways, daemon=True) for _ in range(ATTACKERS)
        ] + [threading.Thread(target=self._idle_body, daemon=True) for _ in range(IDLE_BODIES)]
        self.seconds = 0.0

    def begin(self) -> None:
        self._started = time.monotonic()
        for thread in self._threads:
            thread.start()

    def finish(self) -> None:
        self.stopping.set()
        self.seconds = time.monotonic() - self._started
        with self._lock:
            for sock in self._sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)  # wakes a thread waiting for an answer
                except OSError:
                    pass
        for thread in self._threads:
            thread.join(timeout=5)

    def _going(self) -> bool:
        return not self.stopping.is_set() and time.monotonic() < self.deadline

    def _count(self, counter: Counter[str], key: str) -> None:
        if self._going():  # what the shutdown in finish() causes is not counted
            with self._lock:
                counter[key] += 1

    def _track(self, sock: socket.socket | None, keep: bool) -> None:
        if sock is None:
            return
        with self._lock:
            if keep:
                self._sockets.add(sock)
            else:
                self._sockets.discard(sock)

    def _runaways(self) -> None:
        """POST the runaway query on a keep-alive connection; whatever the answer (429 and 503
        included), send it again at once; a new connection when the server closes one."""
        headers = {"Content-Type": "application/sparql-query", "Accept": JSON}
        while self._going():
            connection = HTTPConnection(
                "127.0.0.1", self.port, timeout=30, source_address=("127.0.0.2", 0)
            )
            sock = None
            try:
                connection.connect()
                sock = connection.sock
                self._track(sock, True)
                while self._going():
                    connection.request("POST", "/sparql", body=RUNAWAY.encode(), headers=headers)
                    response = connection.getresponse()
                    response.read()
                    self._count(self.runaway, str(response.status))
                    if response.will_close:
                        break
            except OSError as error:  # http.client's errors on a closed connection included
                self._count(self.runaway, type(error).__name__)
            except Exception as error:  # noqa: BLE001 - counted, and the loop goes on
                self._count(self.runaway, type(error).__name__)
            finally:
                self._track(sock, False)
                connection.close()

    def _idle_body(self) -> None:
        """Send a request head promising 100 body bytes, then 3 of them, then nothing; open a
        new socket whenever the server closes this one. Counts each answer's status when it
        comes, and each close ("closed")."""
        head = (
            f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            f"Content-Type: application/sparql-query\r\nAccept: {JSON}\r\n"
            "Content-Length: 100\r\n\r\nASK"
        ).encode()
        while self._going():
            try:
                sock = socket.create_connection(
                    ("127.0.0.1", self.port), timeout=0.5, source_address=("127.0.0.3", 0)
                )
            except OSError as error:
                self._count(self.idle, type(error).__name__)
                time.sleep(0.05)
                continue
            self._track(sock, True)
            try:
                sock.sendall(head)
                answer = b""
                while self._going():
                    try:
                        chunk = sock.recv(4096)
                    except TimeoutError:
                        continue
                    if not chunk:
                        self._count(self.idle, "closed" + ("" if answer else " without an answer"))
                        break
                    if not answer and chunk.startswith(b"HTTP/"):
                        self._count(self.idle, chunk.split(b" ", 2)[1].decode())
                    answer += chunk
            except OSError as error:
                self._count(self.idle, type(error).__name__)
            finally:
                self._track(sock, False)
                sock.close()


@dataclass
class ResilienceRun:
    label: str
    quiet: list[Measure]  # cached, uncached
    attacked: list[Measure]
    runaway: Counter[str]
    idle: Counter[str]
    attack_seconds: float
    code: str  # source_state() when the server started, and whether it changed by the end


def source_state() -> str:
    """A short hash of powgraph's source: the working tree may change under a benchmark (other
    engineers edit it), and a server runs the code of the moment it started."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "src" / "powgraph").rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


def foreign_listeners(port: int, server: subprocess.Popen[bytes]) -> set[int]:
    """Processes outside ``server``'s group listening on ``port`` too: Granian binds with
    SO_REUSEPORT, so another server started on the same port (other engineers' tests on this
    machine) would silently take part of the traffic."""
    out = subprocess.run(
        ["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True, check=True
    ).stdout
    foreign = set()
    for pid in {int(p) for p in re.findall(r"pid=(\d+)", out)}:
        try:
            if os.getpgid(pid) != server.pid:
                foreign.add(pid)
        except ProcessLookupError:
            pass
    return foreign


def start_powgraph(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    """`powgraph serve` on a free port that no other process listens on."""
    for _ in range(3):
        port = free_port()
        server = start(
            [sys.executable, "-m", "powgraph.cli", "serve", "--port", str(port)],
            env={"POWGRAPH_QUERY_TIMEOUT": "10", **env},
            cwd=ROOT,
        )
        try:
            wait_for(f"http://127.0.0.1:{port}/health")
        except RuntimeError:
            stop(server)
            raise
        if not foreign_listeners(port, server):
            return server, port
        stop(server)
    raise RuntimeError("no port of our own for the server")


def resilience_run(
    label: str, env: dict[str, str], args: argparse.Namespace, counting: Path
) -> ResilienceRun:
    """One server, the cached and uncached query quiet, then again under attack."""
    code = source_state()
    server, port = start_powgraph(env)
    try:
        base = f"http://127.0.0.1:{port}"
        url = base + "/sparql?query=" + quote(QUERY)
        requests.get(url, headers={"Accept": JSON}, timeout=10).raise_for_status()
        quiet = [
            wrk(f"{label}: quiet cached", url, args.seconds, args.connections),
            wrk(f"{label}: quiet uncached", url, args.seconds, args.connections, counting),
        ]
        # the attack lasts both measurements (each with wrk's 2 s warm-up), never much longer
        attack = Attack(port, limit=RAMP + 2 * (args.seconds + 2) + 60)
        attack.begin()
        try:
            time.sleep(RAMP)
            attacked = [
                wrk(f"{label}: attacked cached", url, args.seconds, args.connections),
                wrk(f"{label}: attacked uncached", url, args.seconds, args.connections, counting),
            ]
        finally:
            attack.finish()
        if foreign := foreign_listeners(port, server):
            raise RuntimeError(f"processes {foreign} listened on port {port} too: run void")
    finally:
        stop(server)
    print(
        f"{label}: runaway attackers got {dict(attack.runaway)}; idle bodies got {dict(attack.idle)}"
    )
    if source_state() != code:
        code += f" (source changed during the run, now {source_state()})"
    return ResilienceRun(label, quiet, attacked, attack.runaway, attack.idle, attack.seconds, code)


def resilience(args: argparse.Namespace) -> None:
    if shutil.which("wrk") is None:
        sys.exit("missing wrk: apt-get install wrk")
    if not (ROOT / "build" / "current").exists():
        subprocess.run([sys.executable, "-m", "powgraph.cli", "build"], check=True, cwd=ROOT)
    tuned = dict(setting.split("=", 1) for setting in args.tuned)
    runs: list[ResilienceRun] = []
    with tempfile.TemporaryDirectory(prefix="powgraph-resilience-") as work:
        counting = Path(work) / "uncached-counting.lua"
        counting.write_text((HERE / "uncached.lua").read_text() + COUNTING)
        for number in range(1, args.runs + 1):
            runs.append(resilience_run(f"defaults, run {number}", {}, args, counting))
        if tuned:
            label = "tuned: " + ", ".join(f"{k}={v}" for k, v in tuned.items())
            for number in range(1, args.runs + 1):
                runs.append(resilience_run(f"{label}, run {number}", tuned, args, counting))
    write_resilience(runs, args)


def _refused(m: Measure) -> str:
    """Non-2xx answers and socket errors, with the share of all requests and the statuses."""
    if not m.errors:
        return "0"
    share = f"{100 * m.errors / m.requests:.1f}%" if m.requests else "?"
    codes = ", ".join(f"{n:,}× {s}" for s, n in sorted(m.statuses.items()) if s >= 300)
    return f"{m.errors:,} ({share}{'; ' + codes if codes else ''})"


def _ok_rps(m: Measure) -> float:
    return m.rps * (1 - m.errors / m.requests) if m.requests else m.rps


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{n:,}× {k}" for k, n in counter.most_common()) or "nothing"


def write_resilience(runs: list[ResilienceRun], args: argparse.Namespace) -> None:
    rows = []
    for run in runs:
        for quiet, attacked, query in zip(
            run.quiet, run.attacked, ("cached", "uncached"), strict=True
        ):
            rows.append(
                f"| {run.label} | {query} | {quiet.rps:,.0f} | {attacked.rps:,.0f} | "
                f"{attacked.rps / quiet.rps:.2f} | {_ok_rps(quiet):,.0f} | {_ok_rps(attacked):,.0f} | "
                f"{_ok_rps(attacked) / _ok_rps(quiet):.2f} | {quiet.p50_ms:.2f} | "
                f"{attacked.p50_ms:.2f} | {quiet.p99_ms:.2f} | {attacked.p99_ms:.2f} | "
                f"{attacked.p99_ms / quiet.p99_ms:.1f} | {_refused(quiet)} | {_refused(attacked)} |"
            )
    attackers = [
        f"| {run.label} | {run.code} | {run.attack_seconds:.0f} | {_counts(run.runaway)} | {_counts(run.idle)} |"
        for run in runs
    ]
    lines = [
        "## Resilience",
        "",
        f"Measured {dt.date.today().isoformat()} by `benchmarks/run.py --resilience` on a shared machine",
        f"({os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}; other",
        "engineers' test runs may have used the same cores at the same time, so the figures vary",
        "from run to run: each line is one run). One `powgraph serve` over the built graph, default",
        f"settings (2 web workers, {DEFAULTS.query_processes} query processes each, {DEFAULTS.client_queries} queries per client and {DEFAULTS.queue_length} waiting per",
        f"worker, query timeout {DEFAULTS.query_timeout:g} s) unless the line says otherwise. Legitimate traffic: wrk, 2",
        f"threads, {args.connections} connections from 127.0.0.1, {args.seconds} s after a 2 s warm-up, the query",
        "above: cached (the same GET every time) and uncached (a numbered comment makes each",
        "request new). Quiet: nothing else. Attacked: at the same time, 8 threads from 127.0.0.2",
        "POST a runaway query (below) in a loop and, answered 429 or 503, send it again at once;",
        "8 sockets from 127.0.0.3 send a `POST /sparql` head with `Content-Length: 100`, the",
        f"body's first 3 bytes (`ASK`), then nothing, re-opened when closed. The attack starts {RAMP:g} s",
        "before the first attacked measurement and runs through both. (The side-by-side table at",
        "the top is from the earlier run, dated as it says; it was not rerun for this section.)",
        "",
        "```sparql",
        RUNAWAY,
        "```",
        "",
        '"ok req/s" counts only 2xx answers (wrk\'s req/s includes refusals, which are fast);',
        '"ratio" is attacked / quiet; "refused" is wrk\'s non-2xx answers and socket errors, with',
        "their share of all requests and their statuses (counted for the uncached query only).",
        "",
        "| run | query | req/s quiet | req/s attacked | ratio | ok req/s quiet | ok req/s attacked | ratio | p50 ms quiet | p50 ms attacked | p99 ms quiet | p99 ms attacked | p99 ratio | refused quiet | refused attacked |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
        *rows,
        "",
        "What the attackers got over the whole attack (HTTP status, or the client's error), and",
        "the source the server ran (a hash of src/powgraph/**/*.py, which other engineers were",
        "editing at the time):",
        "",
        "| run | source | attack s | runaway queries (127.0.0.2) | idle bodies (127.0.0.3) |",
        "|---|---|---:|---|---|",
        *attackers,
        "",
        RESILIENCE_NOTES,
    ]
    write_section("## Resilience", "\n".join(lines))
    print("\n".join(rows + attackers))


def write_section(title: str, text: str) -> None:
    """Put ``text`` in RESULTS.md in place of its section ``title`` (or at the end)."""
    path = HERE / "RESULTS.md"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    before, found, after = old.partition("\n" + title + "\n")
    rest = after[after.find("\n## ") :] if found and "\n## " in after else ""
    path.write_text(
        before.rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n" + rest, encoding="utf-8"
    )


def kept_section(title: str) -> str:
    """RESULTS.md's section ``title`` as it is, so that a run writing the rest keeps it."""
    path = HERE / "RESULTS.md"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if "\n" + title + "\n" not in old:
        return ""
    after = old[old.index("\n" + title + "\n") + 1 :]
    end = after.find("\n## ", 1)
    return after if end < 0 else after[:end]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--resilience", action="store_true", help="quiet vs under attack (needs only wrk)"
    )
    parser.add_argument("--runs", type=int, default=2, help="resilience runs per setting")
    parser.add_argument(
        "--tuned",
        action="append",
        default=[],
        metavar="POWGRAPH_NAME=VALUE",
        help="resilience: also run with this setting (repeatable)",
    )
    args = parser.parse_args()
    if args.resilience:
        resilience(args)
        return
    missing = [
        tool for tool in ("wrk", "nginx", "virtuoso-t", "isql-vt") if shutil.which(tool) is None
    ]
    if missing:
        sys.exit(f"missing {missing}: apt-get install wrk nginx-light virtuoso-opensource")
    load = load_average()
    work = Path(tempfile.mkdtemp(prefix="powgraph-bench-"))
    work.chmod(0o755)  # nginx's workers read the answer file as another user
    counting = work / "uncached-counting.lua"  # uncached.lua, counting each answer's status
    counting.write_text((HERE / "uncached.lua").read_text() + COUNTING)
    head = committed(work)
    build_dir = work / "build"
    subprocess.run(
        [sys.executable, "-m", "powgraph.cli", "build"],
        check=True,
        env={**os.environ, **head, "POWGRAPH_BUILD_DIR": str(build_dir)},
    )
    store = build_dir / "current"
    data = store / "powgraph.nt"
    encoded = quote(QUERY)
    results: list[Measure] = []
    processes: list[subprocess.Popen[bytes]] = []
    try:
        port = free_port()
        processes.append(
            start(
                [sys.executable, "-m", "powgraph.cli", "serve", "--port", str(port)],
                env={**head, "POWGRAPH_STORE_DIR": str(store)},
            )
        )
        powgraph = f"http://127.0.0.1:{port}/sparql"
        wait_for(f"http://127.0.0.1:{port}/health")
        answer = requests.get(
            powgraph + "?query=" + encoded, headers={"Accept": JSON}, timeout=10
        ).content
        results.append(
            wrk("powgraph (cached)", powgraph + "?query=" + encoded, args.seconds, args.connections)
        )
        results.append(
            wrk(
                "powgraph (uncached)",
                powgraph + "?query=" + encoded,
                args.seconds,
                args.connections,
                counting,
            )
        )
        stop(processes.pop())

        virtuoso, virtuoso_url = start_virtuoso(work, data, args.connections)
        processes.append(virtuoso)
        results.append(
            wrk(
                "Virtuoso 7.2 /sparql",
                virtuoso_url + "?query=" + encoded,
                args.seconds,
                args.connections,
            )
        )
        results.append(
            wrk(
                "Virtuoso 7.2 /sparql (uncached)",
                virtuoso_url + "?query=" + encoded,
                args.seconds,
                args.connections,
                counting,
            )
        )
        stop(processes.pop())

        oxigraph, oxigraph_url, _ = start_oxigraph_server(work / "oxigraph", data)
        processes.append(oxigraph)
        results.append(
            wrk(
                "Oxigraph server (uncached)",
                oxigraph_url + "?query=" + encoded,
                args.seconds,
                args.connections,
                counting,
            )
        )
        stop(processes.pop())

        port = free_port()
        baseline = start(
            [
                sys.executable,
                "-m",
                "granian",
                "--interface",
                "wsgi",
                "--workers",
                "2",
                "--factory",
                "--blocking-threads",
                "1",  # rdflib's SPARQL parser is not thread-safe
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "rdflib_baseline:create_app",
            ],
            env={"BASELINE_DATA": str(data)},
            cwd=HERE,
        )
        processes.append(baseline)
        wait_for(f"http://127.0.0.1:{port}/sparql?query=" + quote("ASK {}"))
        results.append(
            wrk(
                "Flask + rdflib baseline",
                f"http://127.0.0.1:{port}/sparql?query=" + encoded,
                args.seconds,
                args.connections,
            )
        )
        stop(processes.pop())

        nginx, nginx_url = start_nginx(work, answer)
        processes.append(nginx)
        results.append(
            wrk(
                "nginx static file (ceiling)",
                nginx_url + "?query=" + encoded,
                args.seconds,
                args.connections,
            )
        )  # noqa: E501
        stop(processes.pop())
    finally:
        for process in processes:
            stop(process)
        shutil.rmtree(work, ignore_errors=True)
    write_results(results, args, len(answer), load, head[COMMIT])


def write_results(
    results: list[Measure], args: argparse.Namespace, answer_bytes: int, load: str, commit: str
) -> None:
    by = {
        m.name.split(" ")[0] + (" uncached" if "(uncached)" in m.name else ""): m for m in results
    }
    cached, uncached = by["powgraph"], by["powgraph uncached"]
    virtuoso, virtuoso_uncached = by["Virtuoso"], by["Virtuoso uncached"]
    rdflib, nginx, oxigraph = by["Flask"], by["nginx"], by["Oxigraph uncached"]
    ok = _ok_rps  # answers that were 2xx: a refusal is fast, and is no answer
    checks = [
        ("cached ≥ 25% of the nginx ceiling", ok(cached) / ok(nginx), 0.25),
        ("cached ≥ 5× Virtuoso req/s", ok(cached) / ok(virtuoso), 5.0),
        ("cached p99 below Virtuoso's", virtuoso.p99_ms / cached.p99_ms, 1.0),
        (
            "uncached ≥ 1.0× Virtuoso uncached req/s (issue #14)",
            ok(uncached) / ok(virtuoso_uncached),
            1.0,
        ),
        (
            "uncached ≥ 1.5× Virtuoso uncached req/s (the first target)",
            ok(uncached) / ok(virtuoso_uncached),
            1.5,
        ),
        ("uncached ≥ 15× Flask + rdflib", ok(uncached) / ok(rdflib), 15.0),
    ]
    lines = [
        "# Benchmark results",
        "",
        "Each section is written by one script and says when and at which commit it ran: this one",
        'by `run.py`; "Build scaling" by `build_scaling.py`; "Where validation\'s time goes" by',
        '`validation.py`; "Serving at 1M triples" by `large.py`; "Remote backend" by `remote.py`;',
        '"Resilience" by `run.py --resilience`.',
        "Each script but `--resilience` runs powgraph from the commit's files (extracted with `git",
        "archive`, so edits in the working tree during a run change nothing); each writes its own",
        "section and keeps the",
        "others. The machine has 2 cores, shared with other engineers' test runs: each section",
        "gives the load average (`uptime`) when it started, and single runs vary.",
        "",
        "## Small SELECT, side by side",
        "",
        f"Measured {dt.date.today().isoformat()} at commit {commit} by `benchmarks/run.py` (one run,",
        f"{args.seconds} s per server after a",
        f"2 s warm-up; wrk, 2 threads, {args.connections} connections, 127.0.0.1). Machine: {os.cpu_count()} cores,",
        f"{platform.platform()}, Python {platform.python_version()}. Same data (the built graph) and",
        f"the same small SELECT for every server; its answer is {answer_bytes} bytes of SPARQL JSON.",
        "powgraph and the baseline run under Granian with 2 worker processes (the baseline with one",
        "thread each: rdflib's SPARQL parser fails under concurrent threads); Virtuoso is Debian's",
        f"virtuoso-opensource with its HTTP threads and connections raised to {args.connections};",
        'nginx serves powgraph\'s answer bytes as a static file (the ceiling). "Uncached" sends a',
        "new query text every request (a numbered comment), so no answer cache (powgraph's, or",
        "Virtuoso's compiled queries) can help; these runs count each answer's status (a Lua",
        'callback per answer), and "ok req/s" and the targets count only 2xx answers (a refusal',
        "is fast, and is no answer). The Oxigraph server (the `oxigraph` package's",
        "binary: the same engine as powgraph's, behind Rust HTTP, no isolation, no limits) is the",
        f"ceiling for uncached queries. The machine is shared: load average {load} at the start.",
        "The last column is taken after each server's warm-up, so it counts this benchmark's own",
        "processes (wrk, the server) as well as other engineers' work.",
        "",
        "```sparql",
        QUERY.rstrip(),
        "```",
        "",
        "| server | req/s | ok req/s | p50 ms | p99 ms | refused (non-2xx, socket errors) | load average at its start |",
        "|---|---:|---:|---:|---:|---|---|",
        *[
            f"| {m.name} | {m.rps:,.0f} | {ok(m):,.0f} | {m.p50_ms:.2f} | {m.p99_ms:.2f} | "
            f"{_refused(m)} | {m.load} |"
            for m in results
        ],
        "",
        "| target | ratio | needed | met |",
        "|---|---:|---:|---|",
        *[
            f"| {name} | {ratio:.2f} | {need:g} | {'yes' if ratio >= need else 'NO'} |"
            for name, ratio, need in checks
        ],
        f"| uncached / the Oxigraph server (the ceiling: the same engine behind Rust HTTP) | "
        f"{ok(uncached) / ok(oxigraph):.2f} | – | – |",
        "",
        NOTES,
    ]
    # the sections the other benchmarks (and --resilience) write are kept as they are
    kept = [kept_section(title) for title in KEPT_SECTIONS]
    lines += [part.rstrip("\n") + "\n" for part in kept if part]
    (HERE / "RESULTS.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines[-8:]))


if __name__ == "__main__":
    main()
