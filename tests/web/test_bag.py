"""A release is a BagIt 1.0 bag (RFC 8493), reproducible to the byte, whose tag files are served
beside its payload: an archivist can rebuild and validate the whole bag from HTTP alone."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import bagit
import pytest
import requests

from powgraph.config import Settings
from powgraph.errors import PowgraphError
from powgraph.publish.release import bag_tag_files, release
from powgraph.published import LATEST, TAG_FILES
from tests.web.conftest import LiveServer


def _lines(text: str) -> dict[str, str]:
    """A manifest as {path: sha256}."""
    return {path: digest for digest, path in (line.split(None, 1) for line in text.splitlines())}


def test_a_release_is_a_bagit_1_0_bag(built: Settings) -> None:
    bag_dir = (built.releases_dir / LATEST).resolve()
    assert (bag_dir / "bagit.txt").read_bytes() == (
        b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    )
    bag = bagit.Bag(str(bag_dir))
    assert bag.version_info == (1, 0) and bag.algorithms == ["sha256"]
    bag.validate()
    assert bag.info["External-Identifier"] == bag_dir.name
    payload = [p for p in (bag_dir / "data").rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in payload)
    assert bag.info["Payload-Oxum"] == f"{size}.{len(payload)}"
    assert sorted(p.name for p in bag_dir.iterdir()) == sorted([*TAG_FILES, "data"])


def test_the_bag_is_reproducible(tmp_path: Path, built: Settings) -> None:
    first = release(replace(built, releases_dir=tmp_path / "a"))
    second = release(replace(built, releases_dir=tmp_path / "b"))
    for name in TAG_FILES:
        assert (first.directory / name).read_bytes() == (second.directory / name).read_bytes()
    bagit.Bag(str(second.directory)).validate()


def test_names_a_manifest_cannot_carry_are_refused() -> None:
    with pytest.raises(PowgraphError):
        bag_tag_files({"queries/50%.csv": b""}, "v", "2025-01-01")


def test_the_tag_files_are_served_and_match_the_payload(live: LiveServer, tmp_path: Path) -> None:
    # the release `latest` points at (other tests add releases whose names sort after it)
    version = requests.get(f"{live.url}/dumps/{LATEST}/release.json", timeout=10).json()["version"]
    releases = requests.get(live.url + "/dumps?format=json", timeout=10).json()["releases"]
    listing = next(r for r in releases if r["version"] == version)
    base = f"{live.url}/dumps/{version}/"
    served = {}
    for name in TAG_FILES:
        r = requests.get(base + name, timeout=10)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/plain")
        assert r.headers["ETag"] and "immutable" in r.headers["Cache-Control"]
        served[name] = r.content
        assert listing["bag"][name] == {
            "size": len(r.content),
            "sha256": hashlib.sha256(r.content).hexdigest(),
        }
        latest = requests.get(f"{live.url}/dumps/{LATEST}/{name}", timeout=10)
        assert latest.history[0].status_code == 302 and latest.content == r.content
    assert served["bagit.txt"].startswith(b"BagIt-Version: 1.0\n")
    # every payload file, fetched, has the sha256 the manifest gives it, and nothing is missing
    manifest = _lines(served["manifest-sha256.txt"].decode())
    # release.json lists every file but itself and SHA256SUMS
    assert set(manifest) == {f"data/{n}" for n in [*listing["files"], "release.json", "SHA256SUMS"]}
    total = 0
    for path, digest in manifest.items():
        content = requests.get(base + path.removeprefix("data/"), timeout=10).content
        assert hashlib.sha256(content).hexdigest() == digest
        if path[5:] in listing["files"]:
            assert listing["files"][path[5:]]["sha256"] == digest
        total += len(content)
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(content)
    info = dict(line.split(": ", 1) for line in served["bag-info.txt"].decode().splitlines())
    assert info["Payload-Oxum"] == f"{total}.{len(manifest)}"
    tags = _lines(served["tagmanifest-sha256.txt"].decode())
    assert tags == {
        name: hashlib.sha256(served[name]).hexdigest()
        for name in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt")
    }
    # the bag rebuilt from HTTP alone validates
    for name, content in served.items():
        (tmp_path / name).write_bytes(content)
    bagit.Bag(str(tmp_path)).validate()
    html = requests.get(live.url + "/dumps", headers={"Accept": "text/html"}, timeout=10).text
    for name in TAG_FILES:
        assert f'href="/dumps/{version}/{name}"' in html
        assert listing["bag"][name]["sha256"] in html
    assert requests.get(base + "data/bagit.txt", timeout=10).status_code == 404
