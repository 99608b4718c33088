"""The embedded store: pyoxigraph, opened read-only, queried in child processes that can be
killed. Neither pyoxigraph nor rdflib can stop a running query from another thread, so the time
budget is enforced by killing the child and starting a fresh one before answering 503; the next
query finds a live child at once."""

from __future__ import annotations

import json
import multiprocessing
import queue
import re
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from powgraph.results import serialize
from powgraph.store import (
    Answer,
    EngineUnavailable,
    QueryFailed,
    QueryJob,
    QueryTimeout,
    StoreInfo,
)

INFO_FILE = "store.json"
STORE_FORMAT = 2  # bump when the store's layout or store.json changes
XSD = "http://www.w3.org/2001/XMLSchema#"
_POSITION = re.compile(r"error at (\d+):(\d+)")


def write_store(directory: Path, graphs: dict[str, bytes], version: str) -> None:
    """A pyoxigraph store with one named graph per N-Triples document and their union as the
    default graph (materialised: querying a union at run time costs 3x on small queries),
    plus its content hash; written once at build time."""
    store = ox.Store(str(directory / "oxigraph"))
    for name, ntriples in sorted(graphs.items()):
        store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))
        store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    store.flush()
    triples = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    per_graph = {name: len(ntriples.splitlines()) for name, ntriples in sorted(graphs.items())}
    del store
    info = {"format": STORE_FORMAT, "version": version, "triples": triples, "graphs": per_graph}
    (directory / INFO_FILE).write_text(json.dumps(info), encoding="utf-8")


def is_current(directory: Path) -> bool:
    """Whether a store was written by this version of powgraph (else it is rebuilt)."""
    try:
        info = json.loads((directory / INFO_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(info, dict) and info.get("format") == STORE_FORMAT


def read_info(directory: Path) -> StoreInfo:
    info = json.loads((directory / INFO_FILE).read_text(encoding="utf-8"))
    return StoreInfo(info["version"], info["triples"], dict(info["graphs"]))


def _child(conn: Connection, path: str, cap: int) -> None:
    """The child's loop: one job in, one reply out, until the parent goes away."""
    store = ox.Store.read_only(path)
    while True:
        try:
            job: QueryJob = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(_answer(store, job, cap))


def _answer(store: ox.Store, job: QueryJob, cap: int) -> tuple[Any, ...]:
    for pattern, flags in job.regexes:
        check = store.query(
            "SELECT ?p ?f (REGEX('', ?p, ?f) AS ?ok) {}",
            substitutions={
                ox.Variable("p"): ox.Literal(pattern),
                ox.Variable("f"): ox.Literal(flags),
            },
        )
        assert isinstance(check, ox.QuerySolutions)
        if next(check)["ok"] is None:
            return ("regex", f"invalid regular expression {pattern!r} (flags {flags!r})")

    def run() -> Any:
        return store.query(
            job.text,
            base_iri=job.base_iri,
            default_graph=_graphs(job.default_graphs),
            named_graphs=_graphs(job.named_graphs),
            substitutions={
                ox.Variable(name): _term(kind, lexical) for name, kind, lexical in job.bindings
            },
        )

    try:
        out = serialize(run(), job.fmt, cap, run, job.bounded)
    except SyntaxError as exc:
        return ("syntax", str(exc))
    except (OSError, ValueError, RuntimeError) as exc:
        return ("evaluation", str(exc))
    return ("ok", out.body, out.truncated)


def _term(kind: str, lexical: str) -> ox.NamedNode | ox.Literal:
    if kind == "IRI":
        return ox.NamedNode(lexical)
    if kind in ("integer", "date"):
        return ox.Literal(lexical, datatype=ox.NamedNode(XSD + kind))
    return ox.Literal(lexical)


def _graphs(iris: tuple[str, ...] | None) -> list[Any] | None:
    return None if iris is None else [ox.NamedNode(iri) for iri in iris]


class _Child:
    def __init__(self, ctx: Any, path: str, cap: int) -> None:
        self.conn, theirs = ctx.Pipe()
        self.process = ctx.Process(target=_child, args=(theirs, path, cap), daemon=True)
        self.process.start()
        theirs.close()

    def stop(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


class EmbeddedStore:
    """A pool of query processes over one read-only pyoxigraph store."""

    def __init__(self, directory: Path, timeout: float, row_cap: int, processes: int = 2) -> None:
        self.info = read_info(directory)
        self._path = str(directory / "oxigraph")
        self._timeout, self._cap = timeout, row_cap
        self._ctx = multiprocessing.get_context("forkserver")
        self._ctx.set_forkserver_preload(["pyoxigraph", "powgraph.store.embedded"])
        self._idle: queue.LifoQueue[_Child] = queue.LifoQueue()
        self._children: list[_Child] = []
        for _ in range(processes):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Child:
        child = _Child(self._ctx, self._path, self._cap)
        self._children.append(child)
        return child

    def _replace(self, child: _Child) -> _Child:
        child.stop()
        self._children.remove(child)
        return self._spawn()

    def run(self, job: QueryJob) -> Answer:
        child = self._idle.get()
        try:
            child.conn.send(job)
            if not child.conn.poll(self._timeout):
                child = self._replace(child)
                raise QueryTimeout(f"the query ran longer than its budget of {self._timeout:g} s")
            reply = child.conn.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            child = self._replace(child)
            raise EngineUnavailable("the query engine stopped; it has been restarted") from exc
        finally:
            self._idle.put(child)
        return _reply(reply)

    def close(self) -> None:
        for child in list(self._children):
            child.stop()
        self._children.clear()


def run_job(store: ox.Store, job: QueryJob, cap: int) -> Answer:
    """A job answered in this process, on a store that is not served (releases)."""
    return _reply(_answer(store, job, cap))


def _reply(reply: tuple[Any, ...]) -> Answer:
    if reply[0] == "ok":
        return Answer(reply[1], reply[2])
    kind, message = reply
    position = _POSITION.search(message)
    if position:
        raise QueryFailed(message, kind, int(position.group(1)), int(position.group(2)))
    raise QueryFailed(message, kind)
