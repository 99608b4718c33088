"""Serving at 1M triples, side by side in one run: a synthetic RDF Data Cube shaped like ours
(observations with a variable, a period, an area, a value, its printed form, a source and an
attribution), served by `powgraph serve --data FILE`, by pyoxigraph alone in a process of its own
(no HTTP), by Debian's Virtuoso (bulk loader) and by the Oxigraph server (`oxigraph load`, then
`serve-read-only`). Measured: start/load time, three queries (median of 5 after one warm-up; a
numbered comment makes each HTTP query new, so no answer cache helps), and the memory of the whole
server (every process it started) per triple.

    .venv/bin/python benchmarks/large.py [--observations 111111]

Writes the "Serving at 1M triples" section of RESULTS.md, keeping the rest."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests
from run import (
    COMMIT,
    JSON,
    committed,
    free_port,
    load_average,
    process_memory,
    start,
    start_oxigraph_server,
    start_virtuoso,
    stop,
    wait_for,
    write_section,
)

BASE = "https://w3id.org/powgraph/"
PREFIXES = """PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
"""
AREAS = 2000  # the GROUP BY answers one row per area
POINT = 4242  # the observation the point lookup asks for
QUERIES = {
    "GROUP BY area, SUM, COUNT": PREFIXES
    + """SELECT ?area (SUM(?value) AS ?total) (COUNT(?o) AS ?n)
WHERE { ?o sdmx-dimension:refArea ?area ; sdmx-measure:obsValue ?value }
GROUP BY ?area""",
    "FILTER range, ORDER BY, LIMIT 10": PREFIXES
    + """SELECT ?o ?value
WHERE { ?o sdmx-measure:obsValue ?value FILTER (?value >= 5000 && ?value < 6000) }
ORDER BY DESC(?value) ?o LIMIT 10""",
    "point lookup": f"SELECT ?p ?x WHERE {{ <{BASE}id/observation/s{POINT % 200}/o{POINT}> ?p ?x }}",
}
RUNS = 5


def cube(path: Path, observations: int) -> int:
    """N-Triples of ``observations`` Data Cube observations (9 triples each) and the labels of
    their areas; returns the number of triples. Same arguments, same bytes."""
    rng = random.Random(14)
    ids = BASE + "id/"
    lines = [
        f'<{ids}place/a{a}> <http://www.w3.org/2000/01/rdf-schema#label> "area {a}"@en .\n'
        for a in range(AREAS)
    ]
    for n in range(observations):
        source = n % 200
        o = f"<{ids}observation/s{source}/o{n}>"
        value = rng.randrange(0, 20000)
        day = dt.date(2022, 2, 24) + dt.timedelta(days=n % 1400)
        lines += [
            f"{o} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://purl.org/linked-data/cube#Observation> .\n",
            f"{o} <http://purl.org/linked-data/cube#dataSet> <{ids}dataset/s{source}> .\n",
            f"{o} <{BASE}def#statisticalVariable> <{ids}variable/v{n % 50}> .\n",
            f"{o} <{BASE}def#referencePeriod> <{ids}period/{day.isoformat()}> .\n",
            f"{o} <http://purl.org/linked-data/sdmx/2009/dimension#refArea> <{ids}place/a{rng.randrange(AREAS)}> .\n",
            f'{o} <http://purl.org/linked-data/sdmx/2009/measure#obsValue> "{value}"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n',
            f"{o} <http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure> <http://qudt.org/vocab/unit/NUM> .\n",
            f'{o} <{BASE}def#printedValue> "{value:,}" .\n',
            f"{o} <http://www.w3.org/ns/prov#wasAttributedTo> <{ids}organization/g{source % 20}> .\n",
        ]
    path.write_text("".join(lines), encoding="utf-8")
    return len(lines)


@dataclass
class Served:
    name: str
    start_s: float
    start_note: str
    query_ms: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    rss_mb: float | None = None  # None: not measured (the same process as another column)
    pss_mb: float | None = None
    processes: int = 0
    idle_mb: tuple[float, float] | None = None  # RSS and PSS as started, before any query


def timed_queries(ask: Callable[[str, int], bytes]) -> tuple[dict[str, float], dict[str, int]]:
    """Each query once to warm up, then RUNS times, each text new (a numbered comment):
    the median in ms, and the rows of the answer (SPARQL JSON, counted outside the timing)."""
    times: dict[str, float] = {}
    rows: dict[str, int] = {}
    counter = 0
    for name, query in QUERIES.items():
        counter += 1
        answer = ask(f"# warm-up {counter}\n{query}", counter)
        rows[name] = len(json.loads(answer)["results"]["bindings"])
        samples = []
        for _ in range(RUNS):
            counter += 1
            started = time.perf_counter()
            ask(f"# run {counter}\n{query}", counter)
            samples.append(1000 * (time.perf_counter() - started))
        times[name] = statistics.median(samples)
        print(f"  {name}: {times[name]:.1f} ms (rows {rows[name]})")
    return times, rows


def http_asker(url: str) -> Callable[[str, int], bytes]:
    session = requests.Session()

    def ask(query: str, _: int) -> bytes:
        answer = session.get(url, params={"query": query}, headers={"Accept": JSON}, timeout=120)
        answer.raise_for_status()
        return answer.content

    return ask


POWGRAPH = "powgraph serve --data"
LEAN = "powgraph, 1 web worker, 1 query process"


def serve_powgraph(data: Path, head: dict[str, str], lean: bool = False) -> Served:
    """``powgraph serve --data`` with its defaults, or ``lean``: one web worker with one query
    process for clients (and one for its own queries), the least a server runs."""
    port = free_port()
    started = time.perf_counter()
    workers = ["--workers", "1"] if lean else []
    process = start(
        [sys.executable, "-m", "powgraph.cli", "serve", "--port", str(port), "--data", str(data)]
        + workers,
        # TMPDIR: the store it makes of the file is removed with our directory
        env={
            **head,
            "POWGRAPH_QUERY_TIMEOUT": "60",
            "TMPDIR": str(data.parent),
            **({"POWGRAPH_QUERY_PROCESSES": "1"} if lean else {}),
        },
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/health", seconds=600)
        served = Served(
            LEAN if lean else POWGRAPH, time.perf_counter() - started, "start to /health"
        )
        served.idle_mb = process_memory(process.pid)[:2]
        served.query_ms, served.rows = timed_queries(http_asker(f"http://127.0.0.1:{port}/sparql"))
        served.rss_mb, served.pss_mb, served.processes = process_memory(process.pid)
    finally:
        stop(process)
    return served


def serve_pyoxigraph(data: Path, head: dict[str, str]) -> list[Served]:
    """pyoxigraph in a fresh process of its own (an on-disk store, as powgraph's): its own
    writer, and powgraph's (store/results.py, of the committed code)."""
    out = subprocess.run(
        [sys.executable, __file__, "--pyoxigraph", str(data)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **head},
    ).stdout
    measured = json.loads(out.strip().splitlines()[-1])
    alone = Served("pyoxigraph alone, in process", measured["load"], "`Store.bulk_load`")
    alone.query_ms, alone.rows = measured["query_ms"], measured["rows"]
    alone.rss_mb, alone.pss_mb, alone.processes = measured["rss"], measured["pss"], 1
    writer = Served("pyoxigraph + powgraph's writer, in process", measured["load"], "the same")
    writer.query_ms, writer.rows = measured["writer_ms"], measured["writer_rows"]
    return [alone, writer]


def pyoxigraph_child(data: Path) -> None:
    """Load ``data`` into an on-disk store, run the queries, each answer written as SPARQL JSON
    by pyoxigraph, then again by powgraph's writer (pyoxigraph writes into a buffer bounded by
    the byte cap, and the answer is read back to count its rows against the row cap); print
    the timings and this process's memory as JSON."""
    import pyoxigraph as ox

    from powgraph.config import Settings
    from powgraph.store.results import serialize

    with tempfile.TemporaryDirectory(prefix="powgraph-large-ox-") as directory:
        store = ox.Store(directory)
        started = time.perf_counter()
        store.bulk_load(path=str(data), format=ox.RdfFormat.N_TRIPLES)
        load = time.perf_counter() - started

        def solutions(query: str) -> ox.QuerySolutions:
            answer = store.query(query)
            assert isinstance(answer, ox.QuerySolutions)
            return answer

        def ask(query: str, _: int) -> bytes:
            return solutions(query).serialize(format=ox.QueryResultsFormat.JSON) or b""

        query_ms, rows = timed_queries(ask)
        rss, pss, _ = process_memory(None)
        caps = Settings()

        def through_powgraph(query: str, _: int) -> bytes:
            def run() -> ox.QuerySolutions:
                return solutions(query)

            body: bytes = serialize(run(), "json", caps.row_cap, caps.byte_cap, run).body
            return body

        writer_ms, writer_rows = timed_queries(through_powgraph)
        print(
            json.dumps(
                {
                    "load": load,
                    "query_ms": query_ms,
                    "rows": rows,
                    "rss": rss,
                    "pss": pss,
                    "writer_ms": writer_ms,
                    "writer_rows": writer_rows,
                }
            )
        )


def serve_virtuoso(work: Path, data: Path) -> Served:
    started = time.perf_counter()
    process, url = start_virtuoso(work, data, 16, buffers=170_000)
    try:
        served = Served(
            "Virtuoso 7.2", time.perf_counter() - started, "start, bulk load, checkpoint"
        )
        served.query_ms, served.rows = timed_queries(http_asker(url))
        served.rss_mb, served.pss_mb, served.processes = process_memory(process.pid)
    finally:
        stop(process)
    return served


def serve_oxigraph(work: Path, data: Path) -> Served:
    process, url, seconds = start_oxigraph_server(work / "oxigraph", data)
    try:
        served = Served("Oxigraph server", seconds, "`oxigraph load`, then start")
        served.query_ms, served.rows = timed_queries(http_asker(url))
        served.rss_mb, served.pss_mb, served.processes = process_memory(process.pid)
    finally:
        stop(process)
    return served


def write(results: list[Served], triples: int, observations: int, load: str, commit: str) -> None:
    by = {s.name: s for s in results}
    powgraph, virtuoso, lean = by[POWGRAPH], by["Virtuoso 7.2"], by[LEAN]
    alone, writer = (
        by["pyoxigraph alone, in process"],
        by["pyoxigraph + powgraph's writer, in process"],
    )
    names = list(QUERIES)
    for name in names:  # every engine answered the same number of rows, or the run is void
        if len({s.rows[name] for s in results}) != 1:
            raise RuntimeError(f"{name}: rows differ: { {s.name: s.rows[name] for s in results} }")
    header = "| | " + " | ".join(s.name for s in results) + " |"

    def row(label: str, cells: list[str]) -> str:
        return f"| {label} | " + " | ".join(cells) + " |"

    kb = {s.name: 1024 * s.rss_mb / triples for s in results if s.rss_mb is not None}
    table = [
        header,
        "|---|" + "---:|" * len(results),
        row("start / load s", [f"{s.start_s:,.1f} ({s.start_note})" for s in results]),
        *[
            row(
                f"{name} ms ({results[0].rows[name]:,} rows)",
                [f"{s.query_ms[name]:,.1f}" for s in results],
            )
            for name in names
        ],
        row(
            "RSS, whole server MB (KB per triple)",
            [f"{s.rss_mb:,.0f} ({kb[s.name]:.2f})" if s.name in kb else "–" for s in results],
        ),
        row(
            "PSS (shared pages counted once) MB",
            [f"{s.pss_mb:,.0f}" if s.pss_mb is not None else "–" for s in results],
        ),
        row(
            "RSS as started, before any query MB (KB per triple)",
            [
                f"{s.idle_mb[0]:,.0f} ({1024 * s.idle_mb[0] / triples:.2f})" if s.idle_mb else "–"
                for s in results
            ],
        ),
        row(
            "PSS as started MB",
            [f"{s.idle_mb[1]:,.0f}" if s.idle_mb else "–" for s in results],
        ),
        row("processes", [str(s.processes or "–") for s in results]),
    ]
    where = [
        f"- {name}: pyoxigraph's own evaluation and JSON writing {alone.query_ms[name]:,.1f} ms; "
        f"powgraph's writer (the answer read back to count its rows) "
        f"{writer.query_ms[name] - alone.query_ms[name]:+,.1f} ms; the query "
        f"process's pipe, Flask and HTTP {powgraph.query_ms[name] - writer.query_ms[name]:+,.1f} ms "
        f"(powgraph in all: {powgraph.query_ms[name]:,.1f} ms)."
        for name in names
    ]
    checks = [
        ("start/load within 2× of `bulk_load`", powgraph.start_s / alone.start_s, 2.0),
        *[
            (
                f"{name}: within 3× of Virtuoso",
                powgraph.query_ms[name] / virtuoso.query_ms[name],
                3.0,
            )
            for name in names[:2]
        ],
        *[
            (
                f"{name}: at most 1.2× pyoxigraph alone",
                powgraph.query_ms[name] / alone.query_ms[name],
                1.2,
            )
            for name in names[:2]
        ],
        ("memory per triple served ≤ 0.4 KB (RSS), defaults", kb[powgraph.name], 0.4),
        (
            "the same, defaults as started, before any query (their floor)",
            1024 * (powgraph.idle_mb or (0.0, 0.0))[0] / triples,
            0.4,
        ),
        (
            "the same counted by PSS (each shared page once), defaults",
            1024 * (powgraph.pss_mb or 0.0) / triples,
            0.4,
        ),
        (
            "memory per triple served ≤ 0.4 KB (RSS), 1 web worker, 1 query process",
            kb[lean.name],
            0.4,
        ),
    ]
    lines = [
        "## Serving at 1M triples",
        "",
        f"Measured {dt.date.today().isoformat()} at commit {commit} by `benchmarks/large.py` (one run,",
        "the servers one after "
        f"the other; load average at the start {load}, on the shared 2-core machine, just",
        f"after run.py's benchmark). The corpus: {observations:,} synthetic Data Cube observations",
        f"shaped like ours, {triples:,} triples of N-Triples (type, data set, variable, period, area",
        f"({AREAS:,} areas), value, unit, printed value, attribution; areas labelled). Each query once",
        f"to warm up, then the median of {RUNS}; over HTTP each text is new (a numbered comment), so",
        "no answer cache helps, and answers are SPARQL JSON read whole by the client (pyoxigraph",
        "alone writes its answer as SPARQL JSON too, without HTTP). powgraph: `powgraph serve --data`",
        "with its defaults (2 web workers, 3 query processes each plus one for its own queries), and",
        "lean (`--workers 1`, `POWGRAPH_QUERY_PROCESSES=1`: one query process for clients, one for",
        "its own queries). The store is queried on disk (2M quads: over `POWGRAPH_MEMORY_STORE_QUADS`).",
        "Virtuoso: Debian's virtuoso-opensource, `NumberOfBuffers` 170,000 (the ini's setting for",
        "2 GB), the bulk loader (`ld_dir`, `rdf_loader_run`, `checkpoint`). Oxigraph server: the",
        "`oxigraph` package's binary. Memory: the sum over every process of the server of RSS (the",
        "target's measure) and of PSS (shared pages divided among the processes sharing them).",
        "",
        "```sparql",
        *[f"# {name}\n{query}\n" for name, query in QUERIES.items()],
        "```",
        "",
        *table,
        "",
        "Where powgraph's time goes, query by query (the differences between the columns):",
        "",
        *where,
        "",
        "| target | ratio | needed | met |",
        "|---|---:|---:|---|",
        *[f"| {t} | {r:.2f} | ≤ {n:g} | {'yes' if r <= n else 'NO'} |" for t, r, n in checks],
        "",
        *_reading(results, names[0], triples),
        "",
    ]
    write_section("## Serving at 1M triples", "\n".join(lines))
    print("\n".join(lines))


def _reading(results: list[Served], group: str, triples: int) -> list[str]:
    """What the table says about each target, from its own numbers."""
    by = {s.name: s for s in results}
    powgraph, virtuoso, lean = by[POWGRAPH], by["Virtuoso 7.2"], by[LEAN]
    idle = powgraph.idle_mb or (0.0, 0.0)
    alone = by["pyoxigraph alone, in process"]
    writer = by["pyoxigraph + powgraph's writer, in process"]
    extra = writer.query_ms[group] - alone.query_ms[group]
    engine = {name: alone.query_ms[name] / virtuoso.query_ms[name] for name in list(QUERIES)[:2]}
    return [
        "What it means, target by target:",
        "",
        f"- Large answers: powgraph's writer adds {extra:+,.0f} ms to the GROUP BY (pyoxigraph alone:",
        f"  {alone.query_ms[group]:,.0f} ms): pyoxigraph writes the answer once, into a buffer bounded",
        "  by the byte cap, and powgraph reads it back to count its rows (store/results.py; before",
        "  commit ca5c588 it counted the rows first, then ran a large answer again). The process",
        f"  boundary, Flask and HTTP add {powgraph.query_ms[group] - writer.query_ms[group]:+,.0f} ms.",
        "- Against Virtuoso: pyoxigraph alone takes "
        + " and ".join(f"{r:,.1f}× Virtuoso's time for the {n}" for n, r in engine.items())
        + (
            ": no wrapper of this engine can be within 3× of Virtuoso there."
            if max(engine.values()) > 3
            else "."
        ),
        f"- Memory: {powgraph.processes} processes with the defaults, {lean.processes} lean (Granian, the",
        "  web workers, their query processes, the forkservers, the resource trackers). The sum",
        "  of RSS counts a shared page once in every process that maps it (the interpreter and",
        "  its libraries, pyoxigraph's, the pages a forked process still shares with its parent):",
        f"  {powgraph.rss_mb:,.0f} MB; PSS divides each among those processes",
        f"  ({powgraph.pss_mb:,.0f} MB); lean, RSS {lean.rss_mb:,.0f} MB; pyoxigraph alone",
        f"  holds {alone.rss_mb:,.0f} MB. Loading is done in a child process, so the server and its",
        "  web workers, forked from it, keep none of it (before commit 7f341aa: 2,056 MB).",
        f"  As started, before any query, the defaults' {powgraph.processes} processes hold "
        f"{idle[0]:,.0f} MB of RSS",
        f"  ({1024 * idle[0] / triples:.2f} KB per triple; PSS {idle[1]:,.0f} MB): each is a "
        "Python interpreter with its",
        "  libraries, whose shared pages the sum of RSS counts once per process. A query",
        "  process that has scanned the store holds its own block cache besides (RocksDB's, up to",
        "  32 MB; since commit bc1e887 the most recently used idle process answers next, so under",
        "  light load one process per worker warms its cache, not all three).",
        "- Start: `--data` loads the file twice, as a named graph (six indexes) and as the",
        "  materialised union default graph (three: a union evaluated at query time costs 5× on this",
        "  GROUP BY), each in pieces cut at line ends, one bulk load per core (the bulk loader uses",
        "  one), and counts the graphs side by side; then the web workers and query processes start",
        "  (query processes import only the engine and the CLI, since commit 9eeca81):",
        f"  {powgraph.start_s:,.1f} s against {alone.start_s:,.1f} s for one `bulk_load` into the",
        "  default graph.",
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--observations", type=int, default=111_111)
    parser.add_argument("--pyoxigraph", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pyoxigraph:
        pyoxigraph_child(args.pyoxigraph)
        return
    work = Path(tempfile.mkdtemp(prefix="powgraph-large-"))
    try:
        head = committed(work)
        data = work / "cube.nt"
        triples = cube(data, args.observations)
        print(f"{triples:,} triples in {data}")
        load = load_average()
        results = []
        for name, serve in (
            ("powgraph", lambda: serve_powgraph(data, head)),
            ("powgraph, lean", lambda: serve_powgraph(data, head, lean=True)),
            ("pyoxigraph", lambda: serve_pyoxigraph(data, head)),
            ("Virtuoso", lambda: serve_virtuoso(work, data)),
            ("Oxigraph server", lambda: serve_oxigraph(work, data)),
        ):
            print(name)
            served = serve()
            results += served if isinstance(served, list) else [served]
            print(f"  start {results[-1].start_s:.1f} s, RSS {results[-1].rss_mb} MB")
        write(results, triples, args.observations, load, head[COMMIT])
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
