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

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import QB, RDF

from powgraph.checks import Report, validate
from powgraph.config import Settings
from powgraph.errors import ValidationFailed
from powgraph.ingest import load_data
from powgraph.model.convert import convert, text_graph
from powgraph.model.enums import CLAIM_CLASSES
from powgraph.model.kinds import KINDS, SOURCE
from powgraph.namespaces import ONTOLOGY_IRI
from powgraph.publish.switch import switch
from powgraph.published import CURRENT, VOCABULARY_GRAPH, graph_iri, read_graphs
from powgraph.records import Data
from powgraph.store.embedded import built_digest, is_current, write_store

GRAPH_FILE = "powgraph.nt"
TURTLE_FILE = "powgraph.ttl"
REPORT_FILE = "validation-report.ttl"
REUSED = "Conforms: True (the build of the same graphs was validated; its report is reused)"


@dataclass(frozen=True)
class Checked:
    """The data, its graph and the ontology; what the store serves, graph by graph, as sorted
    canonical N-Triples (made once: the store, the digest, the version and every dump take
    these bytes); and the report."""

    data: Data
    graph: Graph
    ontology: Graph
    report: Report
    graphs: dict[str, bytes]  # graph name -> sorted canonical N-Triples
    report_ttl: bytes  # the report as Turtle, written once: the build's and the release's bytes
    version: str  # see _version

    @property
    def digest(self) -> str:
        return content_digest(self.graphs)

    @property
    def union(self) -> bytes:
        """The default graph (the union of the named graphs) as sorted N-Triples."""
        return b"".join(sorted({line for nt in self.graphs.values() for line in _lines(nt)}))


@dataclass(frozen=True)
class BuildResult:
    directory: Path
    version: str
    triples: int
    observations: int
    claims: int
    seconds: float


def _lines(nt: bytes) -> list[bytes]:
    return [line + b"\n" for line in nt.splitlines() if line.strip()]


def canonical_ntriples(graph: Graph) -> bytes:
    """The byte-exact form of a graph: N-Triples, one triple a line, sorted, every typed
    literal in its XSD canonical form as the store writes it ("24", not rdflib's "24.0"), so
    a dump, a page and an answer say the same characters."""
    store = ox.Store()
    store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    nt = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
    return b"".join(sorted(_lines(nt)))


def served_graphs(base_iri: str, graph: Graph, ontology: Graph) -> dict[str, bytes]:
    """The named graphs the endpoint serves and the N-Quads dump holds, by name: one per source
    (its data set, figures, claims, quotes and document), the vocabulary every source shares
    (variables, places, periods, the structure), and the ontology under its own IRI."""
    ids = base_iri + "id/"
    parts: dict[str, list[bytes]] = {}
    for line in _lines(canonical_ntriples(graph)):
        key = VOCABULARY_GRAPH
        if line.startswith(b"<" + ids.encode()):
            kind, _, rest = line[len(ids) + 1 : line.index(b">")].decode().partition("/")
            if KINDS[kind] == SOURCE:  # a kind missing from model/kinds.py is an error here
                key = rest.split("/", 1)[0]
        parts.setdefault(graph_iri(base_iri, key), []).append(line)
    graphs = {name: b"".join(lines) for name, lines in parts.items()}
    graphs[str(ONTOLOGY_IRI)] = canonical_ntriples(ontology)
    return dict(sorted(graphs.items()))


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
    graphs = served_graphs(settings.base_iri, graph, ontology)
    built = settings.build_dir / CURRENT
    if reuse_build and _served_digest(built) == content_digest(graphs):
        report_ttl = (built / REPORT_FILE).read_bytes()
        report = Report(True, Graph().parse(data=report_ttl, format="turtle"), REUSED)
    else:
        report = validate(graph, shapes, ontology, extra=text_graph(data, settings.base_iri))
        report_ttl = report.graph.serialize(format="turtle", encoding="utf-8")
    return Checked(
        data, graph, ontology, report, graphs, report_ttl, _version(settings, data, graphs)
    )


def _version(settings: Settings, data: Data, graphs: dict[str, bytes]) -> str:
    """The one version identifier, shown by pages, headers and /health and naming the release:
    the data's latest publication date and a hash of everything a release is made of (the
    graphs, the shapes they passed, the canned queries). Same inputs, same version."""
    h = hashlib.sha256(content_digest(graphs).encode())
    for folder in (settings.shapes_dir, settings.queries_dir):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                h.update(str(path.relative_to(folder)).encode() + b"\n" + path.read_bytes())
    issued = sorted(sf.source.issued.isoformat() for sf in data.sources)
    return f"{issued[-1] if issued else 'undated'}-{h.hexdigest()[:12]}"


def _served_digest(directory: Path) -> str | None:
    """The content hash of a build (written only once its graph conformed), if there is one."""
    if not is_current(directory):
        return None
    return built_digest(directory)


def build(settings: Settings) -> BuildResult:
    """Check, then publish build/graph-<digest>/ and point build/current at it."""
    started = time.perf_counter()
    checked = check(settings)
    if not checked.report.conforms:
        raise ValidationFailed(checked.report.text)
    files = {
        GRAPH_FILE: checked.union,
        TURTLE_FILE: checked.graph.serialize(format="turtle", encoding="utf-8"),
        REPORT_FILE: checked.report_ttl,
    }
    target = publish(settings.build_dir, checked, files)
    g = checked.graph
    return BuildResult(
        target,
        checked.version,
        len(_lines(checked.union)),
        sum(1 for _ in g.subjects(RDF.type, QB.Observation)),
        sum(1 for cls in CLAIM_CLASSES.values() for _ in g.subjects(RDF.type, cls)),
        time.perf_counter() - started,
    )


def content_digest(graphs: dict[str, bytes]) -> str:
    """Content hash of everything served: each graph's name and sorted N-Triples."""
    h = hashlib.sha256()
    for name, nt in sorted(graphs.items()):
        h.update(name.encode() + b"\n" + hashlib.sha256(nt).digest())
    return h.hexdigest()


def publish(build_dir: Path, checked: Checked, files: dict[str, bytes]) -> Path:
    """Write files and the query store (named graphs) into build_dir/graph-<digest>, then
    point ``current`` at it."""
    name = f"graph-{checked.digest[:16]}"
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
        write_store(partial, checked.graphs, checked.version, checked.digest)
        os.replace(partial, final)
    switch(build_dir, CURRENT, name)
    for old in build_dir.glob("graph-*"):
        if old.name != name:
            shutil.rmtree(old, ignore_errors=True)
    return final
