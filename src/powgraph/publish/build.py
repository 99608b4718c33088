"""data/ -> convert -> validate -> build/. Nothing is written unless the graph conforms, and the
new output becomes visible in one atomic step (the ``current`` symlink), so a failed or killed
build leaves the previous one intact."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import QB, RDF

from powgraph.checks import Report, validate
from powgraph.config import Settings
from powgraph.errors import ValidationFailed
from powgraph.ingest import load_data
from powgraph.model.convert import convert, text_graph
from powgraph.model.enums import CLAIM_CLASSES
from powgraph.namespaces import ONTOLOGY_IRI
from powgraph.publish.switch import switch
from powgraph.published import CURRENT, data_graph_iri, read_graphs
from powgraph.records import Data
from powgraph.store.embedded import built_version, is_current, write_store

GRAPH_FILE = "powgraph.nt"
TURTLE_FILE = "powgraph.ttl"
REPORT_FILE = "validation-report.ttl"
REUSED = "Conforms: True (the build of the same graphs was validated; its report is reused)"


@dataclass(frozen=True)
class Checked:
    """The data, its graph and the ontology, each graph also as sorted N-Triples (sorted once:
    the store, the digest, the version and the dumps all take these bytes), and the report."""

    data: Data
    graph: Graph
    ontology: Graph
    report: Report
    nt: bytes
    ontology_nt: bytes
    report_ttl: bytes  # the report as Turtle, written once: the build's and the release's bytes


@dataclass(frozen=True)
class BuildResult:
    directory: Path
    digest: str
    triples: int
    observations: int
    claims: int
    seconds: float


def sorted_ntriples(graph: Graph) -> bytes:
    """The byte-exact form of a graph: N-Triples, one triple a line, sorted."""
    lines = graph.serialize(format="nt", encoding="utf-8").splitlines()
    return b"".join(sorted(line + b"\n" for line in lines if line.strip()))


def shapes_and_ontology(settings: Settings) -> tuple[Graph, Graph]:
    shapes = read_graphs(list(settings.shapes_dir.glob("*.ttl")))
    ontology = read_graphs(list(settings.ontology_dir.glob("*.ttl")))
    return shapes, ontology


def check(settings: Settings, reuse_build: bool = False) -> Checked:
    """Load, convert and validate data/; raises DataError for bad input files. With
    ``reuse_build``, a build of the very same graphs (same content hash) is not validated
    again: its report is read back (``make serve`` builds, then releases)."""
    data = load_data(settings.data_dir)
    graph = convert(data, settings.base_iri)
    shapes, ontology = shapes_and_ontology(settings)
    nt, ontology_nt = sorted_ntriples(graph), sorted_ntriples(ontology)
    built = settings.build_dir / CURRENT
    if reuse_build and _served_digest(built) == _digest(_graphs(settings, nt, ontology_nt)):
        report_ttl = (built / REPORT_FILE).read_bytes()
        report = Report(True, Graph().parse(data=report_ttl, format="turtle"), REUSED)
    else:
        report = validate(graph, shapes, ontology, extra=text_graph(data, settings.base_iri))
        report_ttl = report.graph.serialize(format="turtle", encoding="utf-8")
    return Checked(data, graph, ontology, report, nt, ontology_nt, report_ttl)


def _graphs(settings: Settings, nt: bytes, ontology_nt: bytes) -> dict[str, bytes]:
    """What the query store holds, by graph name, as sorted N-Triples."""
    return {data_graph_iri(settings): nt, str(ONTOLOGY_IRI): ontology_nt}


def _served_digest(directory: Path) -> str | None:
    """The content hash of a build (written only once its graph conformed), if there is one."""
    if not is_current(directory):
        return None
    return built_version(directory)


def build(settings: Settings) -> BuildResult:
    """Check, then publish build/graph-<digest>/ and point build/current at it."""
    started = time.perf_counter()
    checked = check(settings)
    if not checked.report.conforms:
        raise ValidationFailed(checked.report.text)
    graphs = _graphs(settings, checked.nt, checked.ontology_nt)
    digest = _digest(graphs)
    files = {
        GRAPH_FILE: checked.nt,
        TURTLE_FILE: checked.graph.serialize(format="turtle", encoding="utf-8"),
        REPORT_FILE: checked.report_ttl,
    }
    target = publish(settings.build_dir, f"graph-{digest[:16]}", files, graphs, digest)
    g = checked.graph
    return BuildResult(
        target,
        digest,
        len(g),
        sum(1 for _ in g.subjects(RDF.type, QB.Observation)),
        sum(1 for cls in CLAIM_CLASSES.values() for _ in g.subjects(RDF.type, cls)),
        time.perf_counter() - started,
    )


def _digest(graphs: dict[str, bytes]) -> str:
    """Content hash of everything served: each graph's name and sorted N-Triples."""
    h = hashlib.sha256()
    for name, nt in sorted(graphs.items()):
        h.update(name.encode() + b"\n" + hashlib.sha256(nt).digest())
    return h.hexdigest()


def publish(
    build_dir: Path, name: str, files: dict[str, bytes], graphs: dict[str, bytes], digest: str
) -> Path:
    """Write files and the query store (named graphs) into build_dir/name, then point
    ``current`` at it."""
    build_dir.mkdir(parents=True, exist_ok=True)
    final = build_dir / name
    if final.is_dir() and not is_current(final):  # left by an older powgraph
        shutil.rmtree(final)
    if not final.is_dir():
        partial = build_dir / f".partial-{name}-{os.getpid()}"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir()
        for filename, content in files.items():
            with open(partial / filename, "wb") as fh:
                fh.write(content)
                fh.flush()
                os.fsync(fh.fileno())
        write_store(partial, graphs, digest)
        os.replace(partial, final)
    switch(build_dir, CURRENT, name)
    for old in build_dir.glob("graph-*"):
        if old.name != name:
            shutil.rmtree(old, ignore_errors=True)
    return final
