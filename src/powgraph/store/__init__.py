"""Where queries run. One small interface; the embedded pyoxigraph store is the only backend so
far (a remote one joins it with the canned-queries issue), chosen once at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from powgraph.errors import PowgraphError


@dataclass(frozen=True)
class QueryJob:
    """Everything an engine needs to answer one request, already checked by powgraph.guard."""

    text: str
    fmt: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    regexes: tuple[tuple[str, str], ...] = ()
    bounded: bool = False  # a SELECT whose own LIMIT is within the row cap
    base_iri: str | None = None  # given only when the query has relative IRIs (it costs)
    bindings: tuple[tuple[str, str, str], ...] = ()  # (variable, type, lexical): substitutions


@dataclass(frozen=True)
class Answer:
    body: bytes
    truncated: bool


@dataclass(frozen=True)
class StoreInfo:
    """What the web layer needs to know of the data: its content hash and size."""

    version: str
    triples: int  # in the default graph (the union)
    graphs: dict[str, int]  # named graph -> its triples


class QueryFailed(PowgraphError):
    """The engine refused the query (syntax, an invalid regular expression, evaluation)."""

    http_status = 400

    def __init__(self, message: str, kind: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.kind, self.line, self.column = kind, line, column


class QueryTimeout(PowgraphError):
    """The query ran past its time budget and its process was killed."""

    http_status = 503


class EngineUnavailable(PowgraphError):
    """The engine process died while answering; it has been replaced."""

    http_status = 503


class Store(Protocol):
    info: StoreInfo

    def run(self, job: QueryJob) -> Answer: ...

    def close(self) -> None: ...
