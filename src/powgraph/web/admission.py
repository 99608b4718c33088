"""Admission control for the queries clients write, per web worker: as many run at once as there
are query processes for them, a bounded queue waits, and one client may run only part of them,
so its runaways cannot starve others. Whatever cannot wait is told at once (429) when to come
back, from the queue's real length; a query that waited past its promise gets 503 with a new one.
powgraph's own queries (pages, /health) use their own query process and never wait here."""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from ipaddress import ip_address
from typing import Any

from powgraph.config import Settings
from powgraph.errors import PowgraphError
from powgraph.store import Answer, QueryJob, Unavailable
from powgraph.web.runtime import Runtime


class TooManyQueries(PowgraphError):
    """Refused at once: the queue is full, or the client already has its share."""

    http_status = 429
    kind = "too-many-queries"

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class Gate:
    """The queue of one web worker. ``slots`` queries run at once; a client runs at most
    ``slots - 1`` of them (one where there is one slot) and holds at most ``per_client``
    running or waiting; ``queue`` more may wait, each at most as long as it was promised."""

    slots: int
    queue: int
    per_client: int
    budget: float  # seconds one query may run
    _running: Counter[str] = field(default_factory=Counter)
    _waiting: list[str] = field(default_factory=list)  # clients, first come first
    _changed: threading.Condition = field(default_factory=threading.Condition)

    @property
    def _own_slots(self) -> int:
        return max(1, self.slots - 1)

    def _promise(self, position: int) -> float:
        """Seconds within which the query at ``position`` in the queue (0 first) will start:
        each query ahead ends within the budget, and a client has at least its own slots."""
        return self.budget * math.ceil((position + 1) / self._own_slots)

    def _can_start(self, client: str) -> bool:
        return sum(self._running.values()) < self.slots and self._running[client] < self._own_slots

    def enter(self, client: str) -> None:
        """Return when the client's query may run; raise TooManyQueries or Unavailable."""
        with self._changed:
            held = self._running[client] + self._waiting.count(client)
            if held >= self.per_client:
                raise TooManyQueries(
                    f"you already have {held} queries running or waiting here; "
                    "wait for their answers",
                    self.budget,
                )
            # work-conserving: a free slot is taken at once unless a waiting query could take it
            # (queries waiting only for their own client's share do not hold others back)
            if self._can_start(client) and not any(map(self._can_start, self._waiting)):
                self._running[client] += 1
                return
            if len(self._waiting) >= self.queue:
                raise TooManyQueries(
                    f"{len(self._waiting)} queries are waiting already",
                    self._promise(len(self._waiting)),
                )
            promise = self._promise(len(self._waiting))
            deadline = time.monotonic() + promise
            self._waiting.append(client)
            try:
                while not self._first_that_can_start(client):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise Unavailable(
                            f"the query waited {promise:g} s for a query process; try later",
                            self._promise(len(self._waiting)),
                        )
                    self._changed.wait(left)
            finally:
                self._waiting.remove(client)
            self._running[client] += 1

    def _first_that_can_start(self, client: str) -> bool:
        """Whether ``client``'s oldest waiting query is the first in line that can start."""
        for waiting in self._waiting:
            if self._can_start(waiting):
                return waiting == client
        return False

    def leave(self, client: str) -> None:
        with self._changed:
            self._running[client] -= 1
            if self._running[client] <= 0:
                del self._running[client]
            self._changed.notify_all()


def gate_for(settings: Settings, slots: int) -> Gate:
    return Gate(slots, settings.queue_length, settings.client_queries, settings.query_timeout)


def client_address(settings: Settings, environ: dict[str, Any]) -> str:
    """The socket's address, or the proxy header's rightmost untrusted one behind a trusted
    proxy (a client can prepend anything to that header, never append). Read from the WSGI
    environ: Flask's view and the fast path (web/fastpath.py) both ask."""
    address = str(environ.get("REMOTE_ADDR") or "")
    trusted = {a.strip() for a in settings.trusted_proxies.split(",") if a.strip()}
    if not settings.proxy_header or address not in trusted:
        return address
    header = "HTTP_" + settings.proxy_header.upper().replace("-", "_")
    hops = [h.strip() for h in str(environ.get(header, "")).split(",")]
    for hop in reversed(hops):
        if hop and hop not in trusted:
            try:
                return str(ip_address(hop))
            except ValueError:
                return address
    return address


def run_client_query(rt: Runtime, job: QueryJob, client: str) -> Answer:
    """Run a query written by a client (not one of ours) under admission control."""
    rt.gate.enter(client)
    try:
        return rt.store.run(job, untrusted=True)
    finally:
        rt.gate.leave(client)
