"""Replicas behind nginx (deploy/nginx.conf.template): two `powgraph serve` over one build and
one releases/ directory, Debian's nginx in front, all on 127.0.0.1. Under wrk load one replica
is SIGKILLed: after the first second no request fails. Release files come from disk, byte for
byte, without a replica; a repeated GET is answered from nginx's cache."""

from __future__ import annotations

import contextlib
import hashlib
import os
import pwd
import re
import shutil
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from powgraph.config import Settings
from tests.helpers import descendants
from tests.web.conftest import LiveServer, built, free_port, start_server, stop_server

__all__ = ["built"]  # a fixture: the session's build and release (tests/web/conftest.py)
pytestmark = [pytest.mark.slow, pytest.mark.live]

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
LOAD = Path(__file__).with_name("failover.lua")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
JSON = "application/sparql-results+json"
QUERY = "SELECT ?o ?p WHERE { ?o pow:printedValue ?p } ORDER BY ?p LIMIT 5"
SECONDS = 8  # of load; one replica is killed KILL_AFTER seconds in
KILL_AFTER = 2.5
GRACE = 1.0  # failures are counted from this long after the kill


def need(program: str, package: str) -> None:
    """A Debian program the test needs: a failure under CI=true when missing, else a skip."""
    if not Path(program).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Debian's {package} is not installed (.ci/run installs it)")
        pytest.skip(f"{package} is not installed")


def render(template: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        template = template.replace("{{" + name + "}}", value)
    left = re.findall(r"\{\{[A-Z]+\}\}", template)
    assert not left, f"placeholders left unfilled: {left}"
    return template


@dataclass(frozen=True)
class Site:
    url: str
    replicas: list[LiveServer]
    prefix: Path
    releases: Path

    def log_lines(self, path: str, count: int) -> list[str]:
        """The access log's lines for ``path``, once ``count`` are there (nginx writes it every
        second) or after 5 s."""
        log = self.prefix / "access.log"
        deadline = time.monotonic() + 5
        while True:
            text = log.read_text() if log.exists() else ""
            lines = [line for line in text.splitlines() if f'"GET {path} HTTP' in line]
            if len(lines) >= count or time.monotonic() > deadline:
                return lines
            time.sleep(0.2)


def start_nginx(prefix: Path, conf: Path) -> subprocess.Popen[bytes]:
    command = [NGINX, "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(conf)]
    return subprocess.Popen([*command, "-g", "daemon off;"], start_new_session=True)


@pytest.fixture(scope="module")
def site(built: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    need(NGINX, "nginx-light")
    url = f"http://127.0.0.1:{free_port()}"
    env = {
        "POWGRAPH_PUBLIC_URL": url,  # links and redirects name the site, not a replica
        "POWGRAPH_PROXY_HEADER": "X-Forwarded-For",  # a client is its address, not nginx's
        "POWGRAPH_TRUSTED_PROXIES": "127.0.0.1",
    }
    replicas: list[LiveServer] = []
    nginx = None
    try:
        # both on the same build/ and releases/ directories: read-only once written
        replicas = [start_server(built, env, ["--workers", "1"]) for _ in range(2)]
        prefix = tmp_path_factory.mktemp("nginx")
        conf = prefix / "nginx.conf"
        servers = " ".join(
            f"server {r.url.removeprefix('http://')} max_fails=1 fail_timeout=2s;" for r in replicas
        )
        values = {
            "USER": pwd.getpwuid(os.getuid()).pw_name,
            "PREFIX": str(prefix),
            "LISTEN": url.removeprefix("http://"),
            "REPLICAS": servers,
            "RELEASES": str(built.releases_dir.resolve()),
        }
        conf.write_text(render(TEMPLATE.read_text(), values))
        nginx = start_nginx(prefix, conf)
        deadline = time.monotonic() + 15
        while True:
            try:
                if requests.get(url + "/health", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if nginx.poll() is not None or time.monotonic() > deadline:
                log = (prefix / "error.log").read_text() if (prefix / "error.log").exists() else ""
                pytest.fail(f"nginx did not start: {log}")
            time.sleep(0.1)
        yield Site(url, replicas, prefix, built.releases_dir)
    finally:
        if nginx is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(nginx.pid, signal.SIGTERM)
            nginx.wait(timeout=10)
        for replica in replicas:
            with contextlib.suppress(ProcessLookupError):  # the one the failover test killed
                stop_server(replica)


def test_a_repeated_get_is_answered_from_the_cache(site: Site) -> None:
    first = requests.get(
        site.url + "/sparql", params={"query": QUERY}, headers={"Accept": JSON}, timeout=10
    )
    assert first.status_code == 200
    assert first.headers["X-Cache-Status"] == "MISS"
    again = requests.get(
        site.url + "/sparql", params={"query": QUERY}, headers={"Accept": JSON}, timeout=10
    )
    assert again.headers["X-Cache-Status"] == "HIT"
    assert again.content == first.content
    assert again.headers["ETag"] == first.headers["ETag"]
    # a conditional GET is answered from the cache too, by the replica's ETag
    unchanged = requests.get(
        site.url + "/sparql",
        params={"query": QUERY},
        headers={"Accept": JSON, "If-None-Match": first.headers["ETag"]},
        timeout=10,
    )
    assert (unchanged.status_code, unchanged.headers["X-Cache-Status"]) == (304, "HIT")
    # another representation of the same URL is another entry (Vary: Accept)
    xml = requests.get(
        site.url + "/sparql",
        params={"query": QUERY},
        headers={"Accept": "application/sparql-results+xml"},
        timeout=10,
    )
    assert xml.headers["X-Cache-Status"] == "MISS"
    assert xml.content.startswith(b"<?xml")
    json_again = requests.get(
        site.url + "/sparql", params={"query": QUERY}, headers={"Accept": JSON}, timeout=10
    )
    assert (json_again.headers["X-Cache-Status"], json_again.content) == ("HIT", first.content)
    # a page (no Cache-Control from the app): kept for a minute
    pages = [requests.get(site.url + "/", timeout=10) for _ in range(2)]
    assert [p.headers["X-Cache-Status"] for p in pages] == ["MISS", "HIT"]


def test_release_files_come_from_disk_byte_for_byte(site: Site) -> None:
    listing = requests.get(site.url + "/dumps?format=json", timeout=10).json()["releases"][0]
    version = listing["version"]
    listed = {name: meta["sha256"] for name, meta in listing["files"].items()}
    listed.update({name: meta["sha256"] for name, meta in listing["bag"].items()})
    release = site.releases / version
    wanted = {
        "powgraph.ttl": release / "data" / "powgraph.ttl",
        "powgraph.nt.gz": release / "data" / "powgraph.nt.gz",
        "SHA256SUMS": release / "data" / "SHA256SUMS",  # the checksums, not listed themselves
        "bagit.txt": release / "bagit.txt",
        "manifest-sha256.txt": release / "manifest-sha256.txt",
    }
    subfolder = next(name for name in listed if "/" in name)  # e.g. ontology/*.ttl
    wanted[subfolder] = release / "data" / subfolder
    for name, on_disk in wanted.items():
        path = f"/dumps/{version}/{name}"
        served = requests.get(site.url + path, timeout=10)
        assert served.status_code == 200, name
        digest = hashlib.sha256(served.content).hexdigest()
        assert digest == hashlib.sha256(on_disk.read_bytes()).hexdigest()
        assert digest == listed.get(name, digest)
        # the headers a replica gives the same file
        direct = requests.get(site.replicas[0].url + path, timeout=10)
        assert served.headers["Content-Type"] == direct.headers["Content-Type"], name
        for header in ("Cache-Control", "Access-Control-Allow-Origin", "Content-Disposition"):
            assert served.headers.get(header) == direct.headers.get(header), (name, header)
    for name in wanted:
        lines = site.log_lines(f"/dumps/{version}/{name}", 1)
        assert lines and all("upstream=- " in line for line in lines), lines
    # asked for as RDF, a gzipped dump is negotiated by a replica (and cached)
    path = f"/dumps/{version}/powgraph.nt.gz"
    rdf = requests.get(
        site.url + path, headers={"Accept": "application/n-triples"}, timeout=10, stream=True
    )
    assert rdf.headers["Content-Type"].startswith("application/n-triples")
    assert rdf.headers["Content-Encoding"] == "gzip"
    assert hashlib.sha256(rdf.raw.read()).hexdigest() == listed["powgraph.nt.gz"]
    assert any("upstream=127.0.0.1:" in line for line in site.log_lines(path, 2))
    # /dumps/latest/... is the replicas' redirect, to the site's own URL
    latest = requests.get(
        site.url + "/dumps/latest/powgraph.ttl", allow_redirects=False, timeout=10
    )
    assert latest.status_code == 302
    assert latest.headers["Location"] == f"{site.url}/dumps/{version}/powgraph.ttl"


def test_a_killed_replica_fails_no_request_after_a_second(site: Site) -> None:
    need(WRK, "wrk")
    command = [WRK, "-t2", "-c8", f"-d{SECONDS}s", "--timeout", "5s", "-s", str(LOAD), site.url]
    load = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    time.sleep(KILL_AFTER)
    victim = site.replicas[0]
    processes = {victim.process.pid, *descendants(victim.process.pid)}
    os.killpg(victim.process.pid, signal.SIGKILL)
    killed_at = time.time()
    victim.process.wait(timeout=10)
    out, _ = load.communicate(timeout=SECONDS + 30)
    assert load.returncode == 0, out

    failed = [
        (float(t), int(status)) for t, status in re.findall(r"^failed (\S+) (\d+)$", out, re.M)
    ]
    answered: Counter[int] = Counter()  # 200s per second, summed over wrk's threads
    for second, count in re.findall(r"^answered (\d+) (\d+)$", out, re.M):
        answered[int(second)] += int(count)
    late = [(round(t - killed_at, 3), status) for t, status in failed if t > killed_at + GRACE]
    after = sum(n for s, n in answered.items() if s > killed_at + GRACE)
    before = sum(n for s, n in answered.items() if s < killed_at - 1)
    socket_errors = re.search(r"Socket errors: .*", out)
    print(
        f"\nkilled after {KILL_AFTER} s: {len(failed)} failed in all, {len(late)} after "
        f"{GRACE:g} s; answered {sum(answered.values())} ({before} before, {after} after)\n"
        + "\n".join(line for line in out.splitlines() if not line.startswith("answered "))
    )
    assert late == [], f"requests failed after the first second: {late}"
    assert socket_errors is None, socket_errors.group(0)  # nginx itself never dropped one
    assert before > 50 and after > 50, "the load did not run on both sides of the kill"
    # the whole replica is gone (its web worker and query processes: one process group)
    time.sleep(0.5)
    assert not [p for p in processes if Path(f"/proc/{p}").exists()]
    assert requests.get(site.url + "/health", timeout=10).status_code == 200
