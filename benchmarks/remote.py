"""The remote backend against the embedded store, side by side in one run: the built release
served by `powgraph serve` (embedded), and published (`powgraph publish`, timed) into the Oxigraph
server and into Virtuoso, each then served by `powgraph serve --store sparql+URL`. The engines are
started as the engine tests start them (tests/engines/conftest.py). Each server asks the same
pages and canned queries, one request at a time with the answer cache off
(POWGRAPH_CACHE_ENTRIES=0: a cached answer costs the same over any backend, so only uncached ones
show what the backend costs); the median latency of each.

    .venv/bin/python benchmarks/remote.py [--requests 30]

Writes the "Remote backend" section of RESULTS.md, keeping the rest."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import requests
from run import COMMIT, JSON, ROOT, committed, load_average, write_section

from powgraph.config import Settings
from powgraph.store import REMOTE

TARGET = 1.5  # remote within 1.5x of embedded (issue #14)
BUDGET = 30.0  # seconds of requests for one page on one server, beyond the first three
CANNED = ("variables", "ukrainians-returned", "exchanges", "held-by-each-side")  # no parameters
BUSIEST = """PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX pow: <https://w3id.org/powgraph/def#>
SELECT ?variable (SAMPLE(?o) AS ?observation) (COUNT(?o) AS ?n)
WHERE { ?o a qb:Observation ; pow:statisticalVariable ?variable }
GROUP BY ?variable ORDER BY DESC(?n) ?variable LIMIT 1"""


@dataclass
class Setup:
    name: str
    publish_s: float | None  # None: nothing to publish (embedded)
    median_ms: dict[str, tuple[float, int]]  # by what was asked: median ms, requests


def asked(base: str, settings: Settings) -> dict[str, tuple[str, str]]:
    """What each server is asked, by label: (path, Accept). The pages are the home page, the
    variable with the most observations and one of its observations, found by asking."""
    answer = requests.get(
        base + "/sparql", params={"query": BUSIEST}, headers={"Accept": JSON}, timeout=30
    )
    answer.raise_for_status()
    row = answer.json()["results"]["bindings"][0]
    ids = settings.base_iri + "id/"
    variable = "/doc/" + row["variable"]["value"].removeprefix(ids)
    observation = "/doc/" + row["observation"]["value"].removeprefix(ids)
    html = "text/html"
    paths = {"home page `/`": ("/", html)}
    paths[f"variable page `{variable}`"] = (variable, html)
    paths[f"observation page `{observation}`"] = (observation, html)
    for name in CANNED:
        paths[f"canned `/queries/{name}` (JSON)"] = (f"/queries/{name}", "application/json")
    return paths


def measure(
    base: str, paths: dict[str, tuple[str, str]], count: int
) -> dict[str, tuple[float, int]]:
    """The median of ``count`` requests of each, after three to warm up, and how many were
    measured: fewer when they took more than BUDGET seconds in all (at least 3). Every answer
    must be a 200."""
    session = requests.Session()
    medians = {}
    for label, (path, accept) in paths.items():
        samples: list[float] = []
        began = time.perf_counter()
        for n in range(count + 3):
            started = time.perf_counter()
            answer = session.get(base + path, headers={"Accept": accept}, timeout=120)
            elapsed = 1000 * (time.perf_counter() - started)
            if answer.status_code != 200:
                raise RuntimeError(f"{base}{path}: {answer.status_code} {answer.text[:200]}")
            if n >= 3:
                samples.append(elapsed)
            if len(samples) >= 3 and time.perf_counter() - began > BUDGET:
                break
        medians[label] = (statistics.median(samples), len(samples))
        print(f"  {label}: {medians[label][0]:.1f} ms ({len(samples)} requests)")
    return medians


def run(count: int) -> tuple[list[Setup], dict[str, tuple[str, str]], str, str]:
    sys.path.insert(0, str(ROOT))  # the engine tests' helpers, reused as they are
    from tests.engines.conftest import Engine, start_oxigraph, start_virtuoso, stop_engine
    from tests.web.conftest import start_server, stop_server

    work = Path(tempfile.mkdtemp(prefix="powgraph-remote-"))
    head = committed(work)
    env = {**head, "POWGRAPH_CACHE_ENTRIES": "0", "POWGRAPH_QUERY_TIMEOUT": "10"}

    def powgraph(*args: str) -> None:
        command = [sys.executable, "-m", "powgraph.cli", *args]
        subprocess.run(command, env={**os.environ, **head}, check=True, capture_output=True)

    try:
        root = Path(head["PYTHONPATH"]).parent  # the committed state's default folders
        settings = replace(Settings(), build_dir=root / "build", releases_dir=root / "releases")
        powgraph("build")
        powgraph("release")
        load = load_average()
        server = start_server(settings, env)
        try:
            paths = asked(server.url, settings)
            print("embedded")
            setups = [Setup("embedded", None, measure(server.url, paths, count))]
        finally:
            stop_server(server)
        engines: dict[str, Callable[[], Engine]] = {
            "oxigraph": lambda: start_oxigraph(work / "oxigraph"),
            "oxigraph-memory": lambda: start_oxigraph(None),
            "virtuoso": lambda: start_virtuoso(work / "virtuoso"),
        }
        (work / "virtuoso").mkdir()
        for name, start_engine in engines.items():
            engine = start_engine()
            try:
                started = time.perf_counter()
                powgraph("publish", "--to", engine.update, "--graph-store", engine.graph_store)
                published = time.perf_counter() - started
                server = start_server(settings, env, ["--store", REMOTE + engine.query])
                try:
                    print(f"{name} (published in {published:.1f} s)")
                    setups.append(Setup(name, published, measure(server.url, paths, count)))
                finally:
                    stop_server(server)
            finally:
                stop_engine(engine.process)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return setups, paths, load, head[COMMIT]


NAMES = {
    "embedded": "embedded",
    "oxigraph": "Oxigraph server",
    "oxigraph-memory": "Oxigraph server in memory",
    "virtuoso": "Virtuoso 7.2",
}


def write(
    setups: list[Setup], paths: dict[str, tuple[str, str]], count: int, load: str, commit: str
) -> None:
    embedded = setups[0]
    header = "| asked | " + " | ".join(NAMES[s.name] + " ms" for s in setups)
    header += " | " + " | ".join(f"{NAMES[s.name]} / embedded" for s in setups[1:]) + " |"
    rows = []
    for label in paths:
        cells = [
            f"{s.median_ms[label][0]:,.1f}"
            + ("" if s.median_ms[label][1] == count else f" (of {s.median_ms[label][1]})")
            for s in setups
        ]
        cells += [
            f"{s.median_ms[label][0] / embedded.median_ms[label][0]:,.2f}" for s in setups[1:]
        ]
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    targets = [
        row
        for setup in setups
        if setup.name.startswith("oxigraph")
        for row in _targets(setup, embedded, paths)
    ]
    lines = [
        "## Remote backend",
        "",
        f"Measured {dt.date.today().isoformat()} at commit {commit} by `benchmarks/remote.py` (one run;",
        "load average at the "
        f"start {load}, on the shared 2-core machine). The built release (the real data) served by",
        "`powgraph serve` over its embedded store, then published by `powgraph publish` into each",
        "engine (started as `tests/engines/conftest.py` starts it, on 127.0.0.1) and served by",
        "`powgraph serve --store sparql+URL` over it. The answer cache is off in every server",
        "(`POWGRAPH_CACHE_ENTRIES=0`): a cached answer costs the same over any backend. One client,",
        f"one request at a time, the median of {count} after 3 to warm up (of fewer, as the cell",
        f"says, where they took more than {BUDGET:g} s in all); every answer was a 200.",
        "",
        "| backend | publish s |",
        "|---|---:|",
        *[f"| {NAMES[s.name]} | {s.publish_s:.1f} |" for s in setups[1:]],
        "",
        header,
        "|---|" + "---:|" * (2 * len(setups) - 1),
        *rows,
        "",
        "| target | ratio | needed | met |",
        "|---|---:|---:|---|",
        *targets,
        "",
        *READING,
        "",
    ]
    write_section("## Remote backend", "\n".join(lines))
    print("\n".join(lines))


def _targets(setup: Setup, embedded: Setup, paths: dict[str, tuple[str, str]]) -> list[str]:
    """The target's two rows for one Oxigraph server: its worst ratio, and their mean."""
    ratios = {label: setup.median_ms[label][0] / embedded.median_ms[label][0] for label in paths}
    worst = max(ratios, key=lambda label: ratios[label])
    geometric = statistics.geometric_mean(ratios.values())
    name = NAMES[setup.name]
    return [
        f"| every page and canned query on the {name} within {TARGET:g}× of embedded "
        f"(worst: {worst}) | {ratios[worst]:.2f} | ≤ {TARGET:g} | "
        f"{'yes' if ratios[worst] <= TARGET else 'NO'} |",
        f"| the same, geometric mean over what was asked | {geometric:.2f} | ≤ {TARGET:g} | "
        f"{'yes' if geometric <= TARGET else 'NO'} |",
    ]


READING = [
    "Where the rest of the time goes over the Oxigraph server (measured 2026-12-02 on",
    "`/queries/variables`, a 73 KB answer): pyoxigraph evaluates and writes it in 2.6 ms in",
    "process; through the Oxigraph server's HTTP it takes 4.3 ms to read whole (its HTTP and",
    "threads, the answer in 60 chunks), and powgraph reads it again and writes it with pyoxigraph",
    "(0.8 ms, and 0.5 ms to count its rows): over a remote engine an answer crosses HTTP and is",
    "written twice, where the embedded store answers from an in-memory copy in each query process",
    "(`POWGRAPH_MEMORY_STORE_QUADS`, since commit 4c2f291), over a pipe, written once. The",
    "Oxigraph server in memory (`oxigraph serve` without a location) is no faster than on disk",
    "here: the engine's own time is not the difference. With the embedded store on disk too",
    "(`POWGRAPH_MEMORY_STORE_QUADS=0`, measured 2026-12-01) every page and canned query took",
    "0.90–1.10× its time over the Oxigraph server. Pages ask bound queries: since commit 824d619",
    "a bound variable is also written as its term in the patterns (the VALUES block alone made",
    "an engine match each pattern for every value before joining: on 2026-12-01 the observation",
    "page took 2.98× embedded over the Oxigraph server, and the home page 9.5 s over Virtuoso).",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    setups, paths, load, commit = run(args.requests)
    write(setups, paths, args.requests, load, commit)


if __name__ == "__main__":
    main()
