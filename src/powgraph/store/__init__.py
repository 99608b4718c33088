"""Where queries run. One small interface and two backends, chosen once at start-up: the
embedded pyoxigraph store (embedded.py) and any SPARQL endpoint (remote.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from powgraph.config import Settings
from powgraph.errors import PowgraphError

if TYPE_CHECKING:  # a query process imports this package, and never rdflib
    from rdflib import Literal, URIRef

# A variable and the RDF term it is bound to: engine-neutral (rdflib's terms); each backend
# binds it its own way (pyoxigraph substitutions, a VALUES block for a remote endpoint).
Binding = tuple[str, "URIRef | Literal"]
REMOTE = "sparql+"  # Settings.store for a SPARQL endpoint: sparql+http(s)://host/path


@dataclass(frozen=True)
class QueryJob:
    """Everything an engine needs to answer one request, already checked by powgraph.web.guard."""

    text: str
    fmt: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    regexes: tuple[tuple[str, str], ...] = ()
    base_iri: str | None = None  # given only when the query has relative IRIs (it costs)
    bindings: tuple[Binding, ...] = ()  # variables bound to RDF terms, never pasted into text
    prefixes: tuple[tuple[str, str], ...] = ()  # predeclared (name, IRI); the query's own win
    own_dataset: bool = False  # the text names its dataset (FROM, FROM NAMED): none is added


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


class Unavailable(PowgraphError):
    """No answer now; the same request may succeed after ``retry_after`` seconds."""

    http_status = 503
    kind = "unavailable"

    def __init__(self, message: str, retry_after: float = 1.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class QueryTimeout(Unavailable):
    """The query ran past its time budget and its process was killed."""

    kind = "timeout"


class QueryTooLarge(Unavailable):
    """The query needed more memory than a query process may have; its process was replaced."""

    kind = "memory"


class EgressNotDenied(PowgraphError):
    """Query processes could be started only with network access, and that was not allowed."""


class EngineUnavailable(Unavailable):
    """The engine process died while answering; it has been replaced."""


class Store(Protocol):
    info: StoreInfo
    processes: int  # queries a client's may run at once (the rest wait: web/admission.py)

    def run(self, job: QueryJob, untrusted: bool = False) -> Answer:
        """Answer a job; ``untrusted`` for a query a client wrote (it never delays ours)."""
        ...

    def close(self) -> None: ...


def open_store(settings: Settings, directory: Path | None = None, processes: int = 0) -> Store:
    """The store the settings name, for the web and the command line alike: ``embedded``
    (pyoxigraph over ``directory``, by default the served build) or ``sparql+URL`` (any SPARQL
    endpoint). The backend's module is imported only when it is chosen."""
    if settings.store.startswith(REMOTE):
        from powgraph.store.remote import RemoteStore

        endpoint = settings.store.removeprefix(REMOTE)
        count = processes or settings.query_processes
        return RemoteStore(
            endpoint, settings.row_cap, settings.query_timeout, settings.byte_cap, count
        )
    if settings.store != "embedded":
        raise PowgraphError(f"unknown store {settings.store!r}: 'embedded' or 'sparql+URL'")
    from powgraph.store.embedded import open_embedded

    where = directory or settings.served_store
    return open_embedded(settings, where, processes or settings.query_processes)
