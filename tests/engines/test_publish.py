"""`powgraph publish` into each engine: every graph verified by its triples against the release;
a publish that fails or is killed (SIGKILL) mid-load leaves the previous version served, with
the same counts and the same answers."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from powgraph.cli import main
from powgraph.config import Settings
from powgraph.publish import engine as publishing
from powgraph.published import INFO, LATEST, NQUADS, latest_release
from powgraph.store import QueryJob
from powgraph.store.remote import RemoteStore
from tests.engines.conftest import Engine, start_oxigraph, stop_engine
from tests.web.test_one_dataset import _nquads

pytestmark = [pytest.mark.live, pytest.mark.slow]
FIGURES = "SELECT ?o ?v { ?o <http://purl.org/linked-data/sdmx/2009/measure#obsValue> ?v }"
SYNTHETIC = 50_000  # triples in the next version's extra graph: a load that takes seconds


def _counts(settings: Settings) -> dict[str, int]:
    """Each named graph of the release's N-Quads dump and its triples, read by the test."""
    quads = ox.parse(_nquads(settings), format=ox.RdfFormat.N_QUADS)
    return dict(Counter(str(q.graph_name.value) for q in quads))  # type: ignore[union-attr]


def _served(engine: Engine) -> tuple[str, dict[str, int], str]:
    """What powgraph over the engine serves: version, graphs and their triples, an answer."""
    store = RemoteStore(engine.query, row_cap=10_000, timeout=10)
    try:
        answer = store.run(QueryJob(FIGURES + " ORDER BY ?o", "csv")).body.decode()
        return store.info.version, store.info.graphs, answer
    finally:
        store.close()


def test_publish_verifies_every_graph(engine: Engine, built: Settings) -> None:
    """Published again by the command (the same release): counted per graph against the dump,
    served under its version, no staging graph left behind."""
    env = {"POWGRAPH_RELEASES_DIR": str(built.releases_dir)}
    args = ["publish", "--to", engine.update, "--graph-store", engine.graph_store]
    result = CliRunner(env=env).invoke(main, args)
    assert result.exit_code == 0, result.output
    expected = _counts(built)
    assert f"{len(expected)} graphs, {sum(expected.values())} triples verified" in result.output
    version, graphs, _ = _served(engine)
    assert graphs == expected and version == latest_release(built.releases_dir)["version"]  # type: ignore[index]
    store = publishing.Engine(engine.update, engine.graph_store)
    assert all(store.get(publishing.staging(g)) == [] for g in expected)


def _next_version(built: Settings, directory: Path, size: int = 10) -> Settings:
    """A release after the built one: the same graphs and a large graph more."""
    data = directory / LATEST / "data"
    data.mkdir(parents=True)
    extra = "".join(
        f'<https://w3id.org/powgraph/id/x/{i}> <https://w3id.org/powgraph/def#n> "{i}" '
        "<https://w3id.org/powgraph/id/graph/zz-synthetic> .\n"
        for i in range(size)
    )
    (data / NQUADS).write_bytes(gzip.compress(_nquads(built) + extra.encode(), 1))
    (data / INFO).write_text(json.dumps({"version": "2099-01-01-next"}), encoding="utf-8")
    return Settings(releases_dir=directory)


def test_a_failed_publish_leaves_the_previous_version_served(
    engine: Engine, built: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine refuses the second graph; then every graph loads but one counts wrong."""
    before = _served(engine)
    following = _next_version(built, tmp_path)
    real_put, loaded = publishing.Engine.put, []

    def refused(self: publishing.Engine, graph: str, triples: list[ox.Triple]) -> None:
        if loaded:
            raise publishing.PublishFailed("refused by the test")
        loaded.append(graph)
        real_put(self, graph, triples)

    monkeypatch.setattr(publishing.Engine, "put", refused)
    with pytest.raises(publishing.PublishFailed, match="refused by the test"):
        publishing.publish(following, engine.update, engine.graph_store)
    assert _served(engine) == before
    monkeypatch.setattr(publishing.Engine, "put", real_put)
    real_counts = publishing.Engine.counts

    def one_short(self: publishing.Engine, names: object) -> dict[str, int]:
        found = real_counts(self, names)  # type: ignore[arg-type]
        return {name: n - 1 if "zz-synthetic" in name else n for name, n in found.items()}

    monkeypatch.setattr(publishing.Engine, "counts", one_short)
    with pytest.raises(publishing.PublishFailed, match="nothing switched"):
        publishing.publish(following, engine.update, engine.graph_store)
    assert _served(engine) == before


def test_a_killed_publish_leaves_the_previous_version_served(
    built: Settings, tmp_path: Path
) -> None:
    """On the Oxigraph server: `powgraph publish` of a larger version is SIGKILLed once its
    first staging graph is in the engine; the engine serves the previous version, as before."""
    engine = start_oxigraph(tmp_path / "oxigraph")
    try:
        publishing.publish(built, engine.update, engine.graph_store)
        before = _served(engine)
        following = _next_version(built, tmp_path / "next", SYNTHETIC)
        env = {**os.environ, "POWGRAPH_RELEASES_DIR": str(following.releases_dir)}
        command = [sys.executable, "-m", "powgraph.cli", "publish", "--to", engine.update]
        command += ["--graph-store", engine.graph_store]
        process = subprocess.Popen(command, env=env)
        first = publishing.staging(min(_counts(built)))
        store = publishing.Engine(engine.update, engine.graph_store)
        deadline = time.monotonic() + 60
        while not store.get(first) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert process.poll() is None, "the publish ended before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert _served(engine) == before
        publishing.publish(following, engine.update, engine.graph_store)  # and then it can
        assert _served(engine)[0] == "2099-01-01-next"
    finally:
        stop_engine(engine.process)
