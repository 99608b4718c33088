"""Archival releases: releases/<version>/ is a BagIt bag whose payload holds the dumps, the
ontology and shapes, the validation report, every canned query's answer, VoID/DCAT, CITATION.cff,
a README, the licence and SHA256SUMS. Built in a partial folder, fsynced, renamed into place and
made read-only; `latest` is switched with one atomic rename. Same inputs, same bytes."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from powgraph.config import Settings
from powgraph.errors import PowgraphError, ValidationFailed
from powgraph.namespaces import PREFIXES
from powgraph.publish.build import REPORT_FILE, Checked, check
from powgraph.publish.switch import fsync_dir, switch
from powgraph.published import (
    BAG_INFO,
    BAGIT,
    DUMP_FILES,
    INFO,
    LATEST,
    MANIFEST,
    TAG_MANIFEST,
    media_type,
)
from powgraph.published.metadata import Dump, describe_dataset
from powgraph.queries import read_queries, rows, term, write_table
from powgraph.store import QueryJob
from powgraph.store.embedded import run_job
from powgraph.store.query_process import Limits

SUMS = "SHA256SUMS"
# The bag's tag files (RFC 8493), in the bag's root beside data/; /dumps serves them too.
# the prefixes the Turtle dump declares (a released dump's bytes never change for the same data)
DUMP_PREFIXES = {
    name: str(PREFIXES[name])
    for name in (
        "pow", "qb", "prov", "oa", "skos", "dcterms", "schema", "time", "rdfs", "sdmx-measure",
        "sdmx-attribute",
    )
}  # fmt: skip


class ReleaseExists(PowgraphError):
    """A released version is never rewritten; a different payload needs a new version."""

    http_status = 409


@dataclass(frozen=True)
class Released:
    version: str
    directory: Path
    triples: int
    created: bool


def _gzip(data: bytes) -> bytes:
    """Reproducible gzip: no file name, no time stamp."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def _quads(checked: Checked) -> bytes:
    """The store's named graphs as N-Quads, graph by graph: the endpoint's dataset, quad for
    quad (its default graph is their union)."""
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(name))
        for name, nt in checked.graphs.items()
        for t in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)
    ]
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


def payload(settings: Settings, checked: Checked, version: str) -> dict[str, bytes]:
    """Every payload file, by name, as bytes."""
    nt = checked.union
    triples = [q.triple for q in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)]
    sources = [sf.source.key for sf in checked.data.sources]
    graphs = {name: nt.count(b"\n") for name, nt in checked.graphs.items()}
    issued = _issued(checked)
    files: dict[str, bytes] = {
        "powgraph.nt.gz": _gzip(nt),
        "powgraph.ttl": ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=DUMP_PREFIXES)
        or b"",
        "powgraph.nq.gz": _gzip(_quads(checked)),
        "powgraph.jsonld.gz": _gzip(ox.serialize(triples, format=ox.RdfFormat.JSON_LD) or b""),
        REPORT_FILE: checked.report_ttl,
    }
    for path in sorted(settings.ontology_dir.glob("*.ttl")):
        files[f"ontology/{path.name}"] = path.read_bytes()
    for path in sorted(settings.shapes_dir.glob("*.ttl")):
        files[f"shapes/{path.name}"] = path.read_bytes()
    files.update(_canned_answers(settings, checked))
    dumps = [Dump(name, media_type(name), len(files[name])) for name in DUMP_FILES]
    void = describe_dataset(
        "", settings.base_iri, len(triples), issued, dumps, graphs=graphs, version=version
    )
    files["void.ttl"] = void.serialize(format="turtle", encoding="utf-8")
    files["CITATION.cff"] = _citation(version, issued).encode()
    files["README.md"] = _readme(version, len(triples), sources).encode()
    files["LICENSE"] = LICENSE.encode()
    files[INFO] = json.dumps(
        {
            "version": version,
            "triples": len(triples),
            "issued": issued,
            "files": {
                n: {"size": len(b), "sha256": hashlib.sha256(b).hexdigest()}
                for n, b in sorted(files.items())
            },
        },
        indent=1,
        sort_keys=True,
    ).encode()
    files[SUMS] = "".join(
        f"{hashlib.sha256(b).hexdigest()}  {n}\n" for n, b in sorted(files.items())
    ).encode()
    return files


def _bag_path(name: str) -> str:
    """A payload path as the manifest writes it. RFC 8493 (2.1.3) percent-encodes CR, LF and
    "%"; bagit-python decodes only CR and LF, so a name holding any of them is refused rather
    than written in a form one of the two would misread (no name powgraph writes has one)."""
    if any(c in name for c in "%\r\n"):
        raise PowgraphError(f"cannot bag a file whose name holds %, CR or LF: {name!r}")
    return name


def bag_tag_files(payload_files: dict[str, bytes], version: str, bagged: str) -> dict[str, bytes]:
    """The tag files of a BagIt 1.0 bag (RFC 8493) whose data/ holds ``payload_files``:
    bagit.txt, bag-info.txt, the payload manifest and the tag manifest, each sorted, with no
    time but ``bagged`` (the Bagging-Date): same payload, same bytes. Written here rather
    than by bagit-python, whose make_bag writes BagIt-Version 0.97 whatever it is asked."""

    def sha256(content: bytes) -> str:
        return hashlib.sha256(content).hexdigest()

    tags: dict[str, bytes] = {
        BAGIT: b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
        BAG_INFO: "".join(
            f"{label}: {value}\n"
            for label, value in (
                ("Bag-Software-Agent", "powgraph"),
                ("Bagging-Date", bagged),
                ("External-Identifier", version),
                (
                    "Payload-Oxum",
                    f"{sum(len(b) for b in payload_files.values())}.{len(payload_files)}",
                ),
            )
        ).encode(),
        MANIFEST: "".join(
            f"{sha256(content)}  {_bag_path('data/' + name)}\n"
            for name, content in sorted(payload_files.items())
        ).encode(),
    }
    tags[TAG_MANIFEST] = "".join(
        f"{sha256(content)}  {name}\n" for name, content in sorted(tags.items())
    ).encode()
    return tags


def _canned_answers(settings: Settings, checked: Checked) -> dict[str, bytes]:
    """Each canned query's answer (default parameters) as CSV, from a store of this release."""
    store = ox.Store()
    store.bulk_load(checked.union, format=ox.RdfFormat.N_TRIPLES)
    out = {}
    for query in read_queries(settings.queries_dir):
        bindings = tuple(
            (p.name, term(p.type, p.default)) for p in query.parameters if p.default is not None
        )
        job = QueryJob(query.text, "json", bindings=bindings)
        answer = run_job(store, job, Limits(settings.row_cap, settings.byte_cap, memory=0))
        columns, found = rows(json.loads(answer.body))
        out[f"queries/{query.name}.csv"] = write_table(columns, found)
    return out


def _citation(version: str, issued: list[str]) -> str:
    return "\n".join(
        [
            "cff-version: 1.2.0",
            'message: "Cite these data as below, and each figure\'s source as recorded in them."',
            "type: dataset",
            'title: "powgraph: published statistics on prisoners of war in the Russia-Ukraine war"',
            f'version: "{version}"',
            f"date-released: {issued[-1] if issued else '1970-01-01'}",
            "license: CC-BY-4.0",
            "authors:",
            '  - name: "powgraph contributors"',
            "",
        ]
    )


def _readme(version: str, triples: int, sources: list[str]) -> str:
    return f"""# powgraph release {version}

Published statistics on prisoners of war in the Russia-Ukraine war, as linked data: every figure
with its verbatim quote, its source, and its qualifier as a machine-readable interval. Aggregate
statistics only. {triples} triples from {len(sources)} source(s): {", ".join(sources)}.

This folder is a BagIt bag (RFC 8493); the files are in data/:

- powgraph.nt.gz: sorted N-Triples (the byte-exact form) of the whole dataset, gzip
- powgraph.nq.gz: N-Quads, the SPARQL endpoint's named graphs: one per source, the shared
  vocabulary and the ontology (the endpoint's default graph is their union)
- powgraph.ttl, powgraph.jsonld.gz: Turtle and JSON-LD
- ontology/, shapes/: the ontology and the SHACL shapes the data passed
- validation-report.ttl: the SHACL report
- queries/*.csv: every canned query's answer
- void.ttl: VoID/DCAT description; CITATION.cff: how to cite; LICENSE: CC BY 4.0
- release.json: version, triple count, size and sha256 of each file; SHA256SUMS

Verify: `cd data && sha256sum -c SHA256SUMS`, or validate the bag (`bagit.py --validate .`).
A released version never changes; new data gets a new version.
"""


LICENSE = """The data in this release is licensed under the Creative Commons Attribution 4.0
International licence (CC BY 4.0): https://creativecommons.org/licenses/by/4.0/legalcode

Attribution: powgraph contributors, citing the source publication of each figure as recorded in
the data. The quotes are short excerpts of third-party publications, kept with their sources.
"""


def _issued(checked: Checked) -> list[str]:
    return sorted(sf.source.issued.isoformat() for sf in checked.data.sources)


def release(settings: Settings) -> Released:
    """Validate, write the bag into a partial folder, then rename it into place and switch
    `latest`. A failure at any point leaves every earlier release and `latest` as they were.
    The release is named by the data's version (what the endpoint serving it shows)."""
    checked = check(settings, reuse_build=True)
    if not checked.report.conforms:
        raise ValidationFailed(checked.report.text)
    version = checked.version
    files = payload(settings, checked, version)
    triples = json.loads(files[INFO])["triples"]
    releases = settings.releases_dir
    releases.mkdir(parents=True, exist_ok=True)
    final = releases / version
    for stale in releases.glob(".partial-*"):
        _make_writable(stale)
        shutil.rmtree(stale, ignore_errors=True)
    if final.exists():
        existing = (
            (final / "data" / SUMS).read_bytes() if (final / "data" / SUMS).is_file() else b""
        )
        if existing != files[SUMS]:
            raise ReleaseExists(
                f"release {version} exists with other content (the same data, "
                "queries and shapes released by another powgraph); a released version never changes"
            )
        switch(releases, LATEST, version)
        return Released(version, final, triples, False)
    partial = releases / f".partial-{version}-{os.getpid()}"
    partial.mkdir()
    issued = json.loads(files[INFO])["issued"]
    tags = bag_tag_files(files, version, issued[-1] if issued else "1970-01-01")
    written = {**{f"data/{name}": content for name, content in files.items()}, **tags}
    for name, content in written.items():
        path = partial / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
    _fsync_tree(partial)
    _make_read_only(partial)
    os.replace(partial, final)
    fsync_dir(releases)
    switch(releases, LATEST, version)
    return Released(version, final, triples, True)


def _fsync_tree(root: Path) -> None:
    for path in sorted(root.rglob("*"), reverse=True):
        if path.is_file():
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())
        else:
            fsync_dir(path)
    fsync_dir(root)


def _make_read_only(root: Path) -> None:
    for path in root.rglob("*"):
        path.chmod(0o444 if path.is_file() else 0o555)
    root.chmod(0o555)


def _make_writable(root: Path) -> None:
    if root.is_dir():
        root.chmod(0o755)
        for path in root.rglob("*"):
            path.chmod(0o644 if path.is_file() else 0o755)
