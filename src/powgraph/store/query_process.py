"""A query process: confined first (store/sandbox.py), then one job in, one reply out, over
the read-only store, until its web worker goes away. It imports only pyoxigraph and what writes
answers (not rdflib, Flask or the web): each of a server's query processes holds its own copy
of what it imports, and the store's caches besides."""

from __future__ import annotations

import os
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from powgraph.store import QueryJob
from powgraph.store.results import invalid_regex, serialize
from powgraph.store.sandbox import confine

CLIENT_NICENESS = 10  # a client's query runs at a lower CPU priority than the web workers
MEMORY = "the query needed more memory than a query process may use"

# a job as the process receives it: the job, its bindings already pyoxigraph's terms
Task = tuple[QueryJob, dict[str, ox.NamedNode | ox.Literal]]


@dataclass(frozen=True)
class Limits:
    """What one query process may use and return."""

    row_cap: int
    byte_cap: int
    memory: int  # address space, bytes (0: unbounded)
    allow_egress: bool = False  # serve even where no network sandbox can be set up


def serve_jobs(
    conn: Connection, path: str, limits: Limits, untrusted: bool, in_memory: bool
) -> None:
    """The process's loop. Its first message says how it is confined; it serves only if the
    network is denied (or the operator allowed egress). ``in_memory``: the store is copied
    into pyoxigraph's in-memory store first (a small query runs about 4x faster there than on
    the on-disk store; each process holds its own copy)."""
    os.environ["RUST_BACKTRACE"] = "0"  # a query out of memory is expected, not a crash report
    if untrusted:
        os.nice(CLIENT_NICENESS)  # pages and /health keep the CPU while a client's query runs
    confinement = confine(limits.memory)
    conn.send(confinement)
    if not (confinement.network_denied or limits.allow_egress):
        return
    store = ox.Store.read_only(path)
    if in_memory:
        disk, store = store, ox.Store()
        store.extend(disk.quads_for_pattern(None, None, None, None))  # blank nodes keep labels
        del disk
    while True:
        try:
            job, substitutions = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(answer(store, job, substitutions, limits))


def answer(
    store: ox.Store,
    job: QueryJob,
    substitutions: dict[str, ox.NamedNode | ox.Literal],
    limits: Limits,
) -> tuple[Any, ...]:
    """The reply to one job: ("ok", body, truncated), or the kind of failure and its message."""
    invalid = invalid_regex(job.regexes)
    if invalid:
        return ("regex", invalid)

    def run() -> Any:
        return store.query(
            job.text,
            base_iri=job.base_iri,
            default_graph=_graphs(job.default_graphs),
            named_graphs=_graphs(job.named_graphs),
            prefixes=dict(job.prefixes) or None,
            substitutions={ox.Variable(name): term for name, term in substitutions.items()},
        )

    try:
        out = serialize(run(), job.fmt, limits.row_cap, limits.byte_cap, run)
    except SyntaxError as exc:
        return ("syntax", str(exc))
    except MemoryError:
        return ("memory", MEMORY)
    except OSError:
        # the engine tried the network or a file (SERVICE, LOAD): its message may describe
        # what sits behind an address, so it never reaches the client
        return ("evaluation", "the query needs a network or file access this endpoint never has")
    except (ValueError, RuntimeError) as exc:
        return ("evaluation", str(exc))
    return ("ok", out.body, out.truncated)


def _graphs(iris: tuple[str, ...] | None) -> list[Any] | None:
    return None if iris is None else [ox.NamedNode(iri) for iri in iris]
