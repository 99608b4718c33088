"""The embedded store: pyoxigraph, opened read-only, queried in child processes that can be
killed and that cannot reach the network (store/sandbox.py). Neither pyoxigraph nor rdflib can
stop a running query from another thread, so the time budget is enforced by killing the child
and starting a fresh one before answering 503; the next query finds a live child at once."""

from __future__ import annotations

import io
import json
import mmap
import multiprocessing
import os
import re
import select
import signal
import threading
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any, Generic, TypeVar

import pyoxigraph as ox
from rdflib import Literal, URIRef

from powgraph.config import Settings
from powgraph.store import (
    Answer,
    EgressNotDenied,
    EngineUnavailable,
    QueryFailed,
    QueryJob,
    QueryTimeout,
    QueryTooLarge,
    StoreInfo,
)
from powgraph.store.query_process import MEMORY, Limits, Task, answer, serve_jobs
from powgraph.store.sandbox import Confinement

INFO_FILE = "store.json"
EGRESS = (
    "query processes could not be cut off from the network (no network namespace, no seccomp); "
    "set POWGRAPH_ALLOW_EGRESS=1 to serve anyway"
)
STARTUP = 30.0  # seconds a new query process may take to confine itself and say so
# how a process that ran out of address space ends: Rust aborts, Python may be killed
OUT_OF_MEMORY = (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGKILL, -signal.SIGBUS)
STORE_FORMAT = 5  # bump when the store's layout or store.json changes
DEFAULT = ox.DefaultGraph()
_POSITION = re.compile(r"error at (\d+):(\d+)")


Content = bytes | Path  # a graph's N-Triples, or a file of triples in a format pyoxigraph reads
Graph = ox.NamedNode | ox.DefaultGraph
LOADERS = max(2, os.cpu_count() or 1)  # the pieces a large named graph loads in, side by side
PIECE = 16 << 20  # N-Triples from this size load in one piece per loader


def write_store(directory: Path, graphs: Mapping[str, Content], version: str, digest: str) -> None:
    """A pyoxigraph store with one named graph per document of triples and their union as the
    default graph (materialised: querying a union at run time costs 3x on small queries, and
    5x on a GROUP BY over 1M triples), plus its version, content hash and triple counts;
    written once, by a thread per core and one more (the bulk loader uses one core, and
    releases the GIL)."""
    store = ox.Store(str(directory / "oxigraph"))
    with ThreadPoolExecutor(LOADERS + 1) as pool:  # a union loaded whole beside the pieces
        for loaded in [pool.submit(load, store) for load in _loads(graphs)]:
            loaded.result()
        store.flush()
        # counted side by side too (the engine releases the GIL): 0.9 s to 0.35 s at 1M triples
        union = pool.submit(_count, store, "")
        named = {name: pool.submit(_count, store, name) for name in graphs}
        triples = union.result()
        counts = {name: n for name, count in named.items() if (n := count.result())}
    del store
    info = {
        "format": STORE_FORMAT,
        "version": version,
        "digest": digest,
        "triples": triples,
        "graphs": dict(sorted(counts.items())),
    }
    (directory / INFO_FILE).write_text(json.dumps(info), encoding="utf-8")


def _loads(graphs: Mapping[str, Content]) -> list[Callable[[ox.Store], None]]:
    """The loads that write every graph and the union, the longest first. Each bulk load gives
    blank nodes new identities, so only N-Triples without a blank node load straight from
    their bytes; anything else is parsed once and its terms go to both graphs, so the union's
    blank nodes are the named graph's. The bulk loader uses one core: a named graph (six
    indexes to the default graph's three) loads in pieces cut at line ends, one per core,
    beside the union loaded whole (in pieces, its files overlap and a GROUP BY over 1M triples
    took 25% longer): 1M triples in 7.8 s instead of 8.6 s on 2 cores."""
    union: list[Callable[[ox.Store], None]] = []
    named: list[Callable[[ox.Store], None]] = []
    for name, content in sorted(graphs.items()):
        graph = ox.NamedNode(name)
        if _format(content) != ox.RdfFormat.N_TRIPLES or _has_blank_nodes(content):
            named.append(partial(_parsed_once, content, graph))
            continue
        union.append(partial(_bulk, content, 0, _size(content), DEFAULT))
        named += [partial(_bulk, content, start, end, graph) for start, end in _pieces(content)]
    return union + named


def _format(content: Content) -> ox.RdfFormat:
    return file_format(content) if isinstance(content, Path) else ox.RdfFormat.N_TRIPLES


def _has_blank_nodes(content: Content) -> bool:
    """Whether N-Triples may hold a blank node (``_:`` inside a literal counts too: no harm)."""
    if isinstance(content, bytes):
        return b"_:" in content
    if not content.stat().st_size:  # nothing to map
        return False
    with open(content, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as view:
        return view.find(b"_:") >= 0


def _size(content: Content) -> int:
    return len(content) if isinstance(content, bytes) else content.stat().st_size


def _pieces(content: Content) -> list[tuple[int, int]]:
    """Byte ranges of ``content``, cut after a line end: one per core when it is large."""
    size = _size(content)
    parts = LOADERS if size >= PIECE else 1
    cuts = [0]
    with open(content, "rb") if isinstance(content, Path) else io.BytesIO(content) as fh:
        for part in range(1, parts):
            fh.seek(max(cuts[-1], size * part // parts))
            fh.readline()
            cuts.append(fh.tell())
    return [(a, b) for a, b in zip(cuts, [*cuts[1:], size], strict=True) if a < b]


def _bulk(content: Content, start: int, end: int, graph: Graph, store: ox.Store) -> None:
    """Bytes ``start`` to ``end`` of N-Triples into ``graph``, read from the file by the loader."""
    if isinstance(content, bytes):
        store.bulk_load(content[start:end], format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
        return
    try:
        with io.BufferedReader(_Range(content, start, end), 1 << 20) as fh:
            store.bulk_load(fh, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
    except SyntaxError:  # its line counts from the piece's start: the file's first error
        _parse(content)
        raise


def _parsed_once(content: Content, graph: ox.NamedNode, store: ox.Store) -> None:
    triples = _parse(content)
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)


def _parse(content: Content) -> list[ox.Triple]:
    if isinstance(content, bytes):
        quads = ox.parse(content, format=ox.RdfFormat.N_TRIPLES)
    else:
        quads = ox.parse(path=str(content), format=file_format(content))
    return [q.triple for q in quads]


class _Range(io.RawIOBase):
    """Bytes ``start`` to ``end`` of a file, as a file."""

    def __init__(self, path: Path, start: int, end: int) -> None:
        super().__init__()
        self._file = open(path, "rb", buffering=0)  # noqa: SIM115 - closed with this reader
        self._file.seek(start)
        self._left = end - start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        wanted = min(len(buffer), self._left)
        got = self._file.readinto(memoryview(buffer)[:wanted]) if wanted > 0 else 0
        self._left -= got or 0
        return got or 0

    def close(self) -> None:
        self._file.close()
        super().close()


def file_format(path: Path) -> ox.RdfFormat:
    """The RDF syntax a file's extension names (Turtle when it names none)."""
    return ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TURTLE


def _count(store: ox.Store, graph: str) -> int:
    """Triples in the named graph ``graph``, or in the union when it is empty."""
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    answer = store.query(f"SELECT (COUNT(*) AS ?n) {{ {pattern} }}")
    assert isinstance(answer, ox.QuerySolutions)
    (row,) = answer
    return int(row["n"].value)


def is_current(directory: Path) -> bool:
    """Whether a store was written by this version of powgraph (else it is rebuilt)."""
    try:
        info = json.loads((directory / INFO_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(info, dict) and info.get("format") == STORE_FORMAT


def _built(directory: Path, field: str) -> str:
    value: str = json.loads((directory / INFO_FILE).read_text(encoding="utf-8"))[field]
    return value


def built_version(directory: Path) -> str:
    """The version the build recorded beside the store it wrote (the release's name)."""
    return _built(directory, "version")


def built_digest(directory: Path) -> str:
    """The content hash of the graphs the build wrote into the store."""
    return _built(directory, "digest")


def describe(directory: Path) -> StoreInfo:
    """What the store holds: its named graphs and their triples, the (union) default graph,
    counted by the store itself when it was written (it is read-only since), and the version
    the build named it."""
    info = json.loads((directory / INFO_FILE).read_text(encoding="utf-8"))
    return StoreInfo(info["version"], info["triples"], info["graphs"])


class _Child:
    def __init__(
        self, ctx: Any, path: str, limits: Limits, untrusted: bool, in_memory: bool
    ) -> None:
        self.conn, theirs = ctx.Pipe()
        self.untrusted = untrusted
        args = (theirs, path, limits, untrusted, in_memory)
        self.process = ctx.Process(target=serve_jobs, args=args, daemon=True)
        self.process.start()
        theirs.close()
        self.confinement: Confinement | None = None
        # one poll(2) per query: multiprocessing's own poll() builds a selector every call
        self._replies = select.poll()
        self._replies.register(self.conn.fileno(), select.POLLIN)

    def replied(self, timeout: float) -> bool:
        """Whether the child's reply (or its end) arrives within ``timeout`` seconds."""
        return bool(self._replies.poll(timeout * 1000))

    def ready(self, timeout: float) -> Confinement:
        """How the child is confined (its first message), waited for once."""
        if self.confinement is None:
            try:
                if not self.conn.poll(timeout):
                    raise EngineUnavailable("a query process did not start")
                self.confinement = self.conn.recv()
            except (EOFError, OSError) as exc:
                raise EngineUnavailable("a query process could not start") from exc
        return self.confinement

    def stop(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


def open_embedded(settings: Settings, directory: Path, processes: int) -> EmbeddedStore:
    """The embedded store over ``directory``, with the limits the settings give."""
    limits = Limits(
        settings.row_cap, settings.byte_cap, settings.query_memory, settings.allow_egress
    )
    return EmbeddedStore(
        directory, settings.query_timeout, limits, processes, in_memory=settings.memory_store_quads
    )


T = TypeVar("T")


class Idle(Generic[T]):
    """A pool's idle query processes, the most recently used taken first: under light load one
    process answers and keeps the store's block cache warm while the others stay small (each
    process has its own cache, up to 32 MB). A fresh process, started in place of a killed
    one, is taken last: it opens (or copies) the store while the others answer."""

    def __init__(self) -> None:
        self._items: deque[T] = deque()
        self._changed = threading.Condition()

    def take(self) -> T:
        with self._changed:
            self._changed.wait_for(lambda: self._items)
            return self._items.pop()

    def put(self, item: T, fresh: bool = False) -> None:
        with self._changed:
            if fresh:
                self._items.appendleft(item)
            else:
                self._items.append(item)
            self._changed.notify()


class EmbeddedStore:
    """Two pools of query processes over one read-only pyoxigraph store: one for the queries
    clients write, one for powgraph's own (pages, canned queries, /health), so that pages never
    wait behind a client's runaway query."""

    def __init__(
        self,
        directory: Path,
        timeout: float,
        limits: Limits,
        processes: int = 2,
        own: int = 1,
        in_memory: int = 0,
    ) -> None:
        """``in_memory``: a store of at most so many quads (the union and the named graphs)
        is copied into each query process's memory."""
        self.info = describe(directory)
        self.in_memory = self.info.triples + sum(self.info.graphs.values()) <= in_memory
        self._path = str(directory / "oxigraph")
        self._timeout, self._limits = timeout, limits
        self.processes = processes  # for the queries clients write
        self._ctx = multiprocessing.get_context("forkserver")
        self._ctx.set_forkserver_preload(["powgraph.store.query_process"])
        self._children: list[_Child] = []
        self._idle: dict[bool, Idle[_Child]] = {untrusted: Idle() for untrusted in (True, False)}
        for untrusted, count in ((True, processes), (False, own)):
            for _ in range(count):
                self._idle[untrusted].put(self._spawn(untrusted), fresh=True)
        self.confinement = self._children[0].ready(STARTUP)
        if not (self.confinement.network_denied or limits.allow_egress):
            self.close()
            raise EgressNotDenied(EGRESS)

    def _spawn(self, untrusted: bool) -> _Child:
        child = _Child(self._ctx, self._path, self._limits, untrusted, self.in_memory)
        self._children.append(child)
        return child

    def _replace(self, child: _Child) -> _Child:
        child.stop()
        self._children.remove(child)
        return self._spawn(child.untrusted)

    def run(self, job: QueryJob, untrusted: bool = False) -> Answer:
        task = _task(job)
        idle = self._idle[untrusted]
        child = taken = idle.take()
        try:
            child.ready(STARTUP)
            child.conn.send(task)
            if not child.replied(self._timeout):
                child = self._replace(child)
                raise QueryTimeout(
                    f"the query ran longer than its budget of {self._timeout:g} s",
                    retry_after=self._timeout,
                )
            reply = child.conn.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            died = child.process
            child = self._replace(child)
            died.join(1)
            if died.exitcode in OUT_OF_MEMORY:
                raise QueryTooLarge(MEMORY) from exc
            raise EngineUnavailable("the query engine stopped; it has been restarted") from exc
        finally:
            idle.put(child, fresh=child is not taken)
        return _reply(reply)

    def close(self) -> None:
        for child in list(self._children):
            child.stop()
        self._children.clear()


def run_job(store: ox.Store, job: QueryJob, limits: Limits) -> Answer:
    """A job answered in this process, on a store that is not served (releases)."""
    job, substitutions = _task(job)
    return _reply(answer(store, job, substitutions, limits))


def _task(job: QueryJob) -> Task:
    """A job as a query process receives it: its bindings as pyoxigraph's terms, so that the
    process never imports rdflib. A term the engine cannot hold (an IRI with a control
    character) fails as the engine fails it."""
    try:
        substitutions = {name: _term(term) for name, term in job.bindings}
    except ValueError as exc:
        raise QueryFailed(str(exc), "evaluation") from None
    return replace(job, bindings=()), substitutions


def _term(term: URIRef | Literal) -> ox.NamedNode | ox.Literal:
    """An rdflib term as pyoxigraph's."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def _reply(reply: tuple[Any, ...]) -> Answer:
    if reply[0] == "ok":
        return Answer(reply[1], reply[2])
    if reply[0] == "memory":
        raise QueryTooLarge(reply[1])
    kind, message = reply
    position = _POSITION.search(message)
    if position:
        raise QueryFailed(message, kind, int(position.group(1)), int(position.group(2)))
    raise QueryFailed(message, kind)
