"""Releases: reproducible bytes, a valid bag, dumps that round-trip, immutability, conditional
and range requests, and a build killed at random points that never harms `latest`."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import bagit
import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.compare import to_isomorphic

from powgraph.config import Settings
from powgraph.errors import ValidationFailed
from powgraph.publish.build import Checked
from powgraph.publish.release import SUMS, ReleaseExists, release
from powgraph.published import INFO, LATEST
from powgraph.records import Data
from tests.web.conftest import LiveServer

DUMPS = {
    "powgraph.nt.gz": ox.RdfFormat.N_TRIPLES,
    "powgraph.nq.gz": ox.RdfFormat.N_QUADS,
    "powgraph.jsonld.gz": ox.RdfFormat.JSON_LD,
    "powgraph.ttl": ox.RdfFormat.TURTLE,
}


def _verify(bag: Path) -> None:
    """What an archivist runs: sha256sum -c, and a BagIt validation."""
    check = subprocess.run(
        ["sha256sum", "--quiet", "-c", SUMS], cwd=bag / "data", capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    bagit.Bag(str(bag)).validate()


def test_two_releases_from_the_same_inputs_are_identical(
    tmp_path: Path, built: Settings, real_data: Data
) -> None:
    first = release(replace(built, releases_dir=tmp_path / "a"))
    second = release(replace(built, releases_dir=tmp_path / "b"))
    assert first.version == second.version and first.created and second.created
    sums = [(r.directory / "data" / SUMS).read_bytes() for r in (first, second)]
    assert sums[0] == sums[1]
    for name in DUMPS:
        assert (first.directory / "data" / name).read_bytes() == (
            second.directory / "data" / name
        ).read_bytes()
    _verify(first.directory)
    latest = max(sf.source.issued for sf in real_data.sources)  # the newest source's date
    assert first.version.startswith(f"{latest.isoformat()}-")


def test_a_release_is_immutable(tmp_path: Path, built: Settings) -> None:
    settings = replace(built, releases_dir=tmp_path)
    done = release(settings)
    again = release(settings)
    assert not again.created and again.version == done.version
    target = done.directory / "data" / "powgraph.ttl"
    assert oct(target.stat().st_mode & 0o777) == "0o444"
    assert oct(done.directory.stat().st_mode & 0o777) == "0o555"
    with pytest.raises(ReleaseExists):
        release(replace(settings, row_cap=1))  # other canned answers, same version


def test_dumps_round_trip(live: LiveServer, built: Settings, real_checked: Checked) -> None:
    """Each triple dump is the endpoint's default graph (the union of its named graphs), the
    N-Quads dump its named graphs (tests/web/test_one_dataset.py compares them quad for quad)."""
    bag = (built.releases_dir / LATEST).resolve()
    query = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"  # the default graph: the union
    count = requests.get(
        live.sparql,
        params={"query": query},
        timeout=10,
    ).json()["results"]["bindings"][0]["n"]["value"]
    union = to_isomorphic(Graph().parse(data=real_checked.union, format="nt"))
    for name, fmt in DUMPS.items():
        raw = (bag / "data" / name).read_bytes()
        content = gzip.decompress(raw) if name.endswith(".gz") else raw
        parsed = list(ox.parse(content, format=fmt))
        assert len(parsed) == int(count) == len(union), name
        graph = Graph().parse(
            data=ox.serialize([q.triple for q in parsed], format=ox.RdfFormat.N_TRIPLES),
            format="nt",
        )
        assert to_isomorphic(graph) == union, name
    quads = ox.parse(
        gzip.decompress((bag / "data" / "powgraph.nq.gz").read_bytes()),
        format=ox.RdfFormat.N_QUADS,
    )
    # one named graph per source, one for the vocabulary they share, one for the ontology
    assert {q.graph_name.value for q in quads} == set(real_checked.graphs)
    info = json.loads((bag / "data" / "release.json").read_text())
    assert info["triples"] == int(count)
    # every canned query's answer, as the server gives it: a header and a line per row
    served = requests.get(live.url + "/queries/exchanges.json", timeout=10).json()["rows"]
    table = (bag / "data" / "queries" / "exchanges.csv").read_text()
    assert served and len(list(csv.reader(io.StringIO(table)))) == 1 + len(served)
    assert "cff-version: 1.2.0" in (bag / "data" / "CITATION.cff").read_text()


def test_dumps_are_served_with_range_and_conditional_get(live: LiveServer, built: Settings) -> None:
    listing = requests.get(
        live.url + "/dumps", headers={"Accept": "application/json"}, timeout=10
    ).json()
    version = listing["releases"][0]["version"]
    files = listing["releases"][0]["files"]
    assert files["powgraph.nt.gz"]["sha256"] and files["powgraph.nt.gz"]["size"] > 1000
    latest = requests.get(
        live.url + "/dumps/latest/powgraph.nt.gz", allow_redirects=False, timeout=10
    )
    assert latest.status_code == 302 and latest.headers["Location"].endswith(
        f"/dumps/{version}/powgraph.nt.gz"
    )
    url = f"{live.url}/dumps/{version}/powgraph.nt.gz"
    whole = requests.get(url, timeout=10)
    assert whole.headers["Content-Type"] == "application/gzip"
    assert (
        "Content-Encoding" not in whole.headers
        and "attachment" in whole.headers["Content-Disposition"]
    )
    assert (
        int(whole.headers["Content-Length"])
        == files["powgraph.nt.gz"]["size"]
        == len(whole.content)
    )
    assert whole.headers["Last-Modified"] and whole.headers["ETag"]
    part = requests.get(url, headers={"Range": "bytes=10-19"}, timeout=10)
    assert part.status_code == 206 and part.content == whole.content[10:20]
    assert part.headers["Content-Range"] == f"bytes 10-19/{len(whole.content)}"
    cached = requests.get(url, headers={"If-None-Match": whole.headers["ETag"]}, timeout=10)
    assert cached.status_code == 304
    assert (
        requests.get(f"{live.url}/dumps/{version}/../../etc/passwd", timeout=10).status_code == 404
    )
    assert requests.get(f"{live.url}/dumps/nope/powgraph.nt.gz", timeout=10).status_code == 404
    html = requests.get(live.url + "/dumps", headers={"Accept": "text/html"}, timeout=10).text
    assert version in html and files["powgraph.nt.gz"]["sha256"] in html
    dcat = Graph().parse(
        data=requests.get(live.url + "/dumps", headers={"Accept": "text/turtle"}, timeout=10).text
    )
    sha = files["powgraph.nt.gz"]["sha256"]
    checksums = dcat.objects(None, URIRef("http://spdx.org/rdf/terms#checksumValue"))
    assert sha in {str(o) for o in checksums}


@pytest.mark.slow  # 20 releases, up to 2 s each
def test_sigkill_at_random_points_never_harms_latest(
    live: LiveServer, built: Settings, tmp_path: Path
) -> None:
    """20 release builds killed at random moments: latest still verifies and is served. Each
    is a new version (the canned queries are part of it: one gets a new comment each time)."""
    queries = tmp_path / "queries"
    shutil.copytree(built.queries_dir, queries)
    env = {
        **os.environ,
        "POWGRAPH_BUILD_DIR": str(built.build_dir),
        "POWGRAPH_RELEASES_DIR": str(built.releases_dir),
        "POWGRAPH_QUERIES_DIR": str(queries),
    }

    def start(attempt: str) -> subprocess.Popen[bytes]:
        with open(queries / "variables.rq", "a", encoding="utf-8") as fh:
            fh.write(f"# release attempt {attempt}\n")
        command = [sys.executable, "-m", "powgraph.cli", "release"]
        return subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    started = time.monotonic()
    assert start("timed").wait() == 0
    duration = time.monotonic() - started  # kills land anywhere in a release's run
    before = (built.releases_dir / LATEST).resolve()
    rng = random.Random(2025)
    killed = 0
    for attempt in range(20):
        process = start(str(attempt))
        time.sleep(rng.uniform(0.0, duration))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed += 1
        process.wait()
        current = (built.releases_dir / LATEST).resolve()
        _verify(current)
        if process.returncode == 0:  # a release that finished is the latest
            assert current != before
        else:  # killed before its switch, or just after it
            info = json.loads((current / "data" / INFO).read_text())
            assert current == before or info["version"] == current.name
        r = requests.get(live.url + "/dumps/latest/SHA256SUMS", timeout=10)
        assert r.status_code == 200 and r.content == (current / "data" / SUMS).read_bytes()
        before = current
    assert killed >= 10  # most runs were really interrupted


def test_a_failing_release_leaves_latest_intact(mini_settings: Settings) -> None:
    settings = replace(mini_settings, releases_dir=mini_settings.build_dir.parent / "releases")
    done = release(settings)
    source = settings.data_dir / "sources" / "mini.yaml"
    # an unflagged small count: a SHACL violation
    source.write_text(source.read_text().replace("    small_count: true\n", ""))
    with pytest.raises(ValidationFailed):
        release(settings)
    assert (settings.releases_dir / LATEST).resolve() == done.directory
    assert sorted(p.name for p in settings.releases_dir.iterdir()) == [done.version, LATEST]
    assert not list(settings.releases_dir.glob(".partial-*"))
    _verify(done.directory)
