"""One typed settings object: the only place that knows where the project's folders live and what
the endpoint's limits are. Every field can be set by an environment variable POWGRAPH_<NAME>."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_BASE_IRI = "https://w3id.org/powgraph/"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    """Paths, identity and limits of one powgraph instance; tests build their own."""

    base_iri: str = DEFAULT_BASE_IRI
    data_dir: Path = field(default=PROJECT_ROOT / "data")
    ontology_dir: Path = field(default=PROJECT_ROOT / "ontology")
    shapes_dir: Path = field(default=PROJECT_ROOT / "shapes")
    queries_dir: Path = field(default=PROJECT_ROOT / "queries")
    build_dir: Path = field(default=PROJECT_ROOT / "build")
    releases_dir: Path = field(default=PROJECT_ROOT / "releases")
    # the store the endpoint serves; empty means build_dir/current
    store_dir: Path | None = None
    store: str = "embedded"  # where queries run: the embedded pyoxigraph store (store/)
    query_timeout: float = 10.0  # seconds a query may run before its process is killed
    row_cap: int = 10_000  # rows (or triples) in one answer; more is cut, and says so
    max_query_bytes: int = 32 * 1024  # longer query text: 413 (POST) or 414 (GET)
    query_processes: int = 3  # query processes per web worker for the queries clients write
    # a store of at most this many quads (the union and the named graphs) is copied into each
    # query process's memory: small queries run about 4x faster there (about 20 MB a process
    # for the real data); a larger store is queried on disk, its pages shared by the processes
    memory_store_quads: int = 200_000
    cache_entries: int = 1024  # answers kept per web worker, by (query, format, data version)
    # where the site is reached from outside: every served URL starts with it, never the Host
    # header; empty means the listen address (http://HOST:PORT), set by `powgraph serve`
    public_url: str = ""
    byte_cap: int = 64 * 1024 * 1024  # bytes in one answer; more is cut, and says so
    query_memory: int = 768 * 1024 * 1024  # address space of one query process (RLIMIT_AS)
    queue_length: int = 16  # queries waiting for a query process, per web worker; more: 429
    client_queries: int = 12  # one client's queries running or waiting, per web worker
    # a header carrying the client's address (e.g. X-Forwarded-For), trusted only from these
    # comma-separated proxy addresses; empty: the socket's address is the client
    proxy_header: str = ""
    trusted_proxies: str = ""
    web_threads: int = 32  # threads per web worker: pages and cached answers never wait
    # seconds an answer may sit unread (the client's window shut) before its connection is
    # dropped and its bytes freed (TCP_USER_TIMEOUT on the listening socket)
    send_timeout: float = 30.0
    # run query processes that can open network connections, if no sandbox can be set up
    allow_egress: bool = False

    def __post_init__(self) -> None:
        if not self.base_iri.endswith("/"):
            raise ValueError(f"base IRI must end with '/': {self.base_iri!r}")
        object.__setattr__(self, "public_url", self.public_url.rstrip("/"))

    @property
    def served_store(self) -> Path:
        return self.store_dir or self.build_dir / "current"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read POWGRAPH_* variables (documented in README.md); unset ones keep their defaults."""
        env = os.environ if env is None else env
        overrides: dict[str, object] = {}
        for f in dataclasses.fields(cls):
            raw = env.get("POWGRAPH_" + f.name.upper())
            if raw is None:
                continue
            kind = str(f.type)
            if "Path" in kind:
                overrides[f.name] = Path(raw) if raw else None
            elif kind == "int":
                overrides[f.name] = int(raw)
            elif kind == "float":
                overrides[f.name] = float(raw)
            elif kind == "bool":
                overrides[f.name] = raw.strip().lower() in ("1", "true", "yes", "on")
            else:
                overrides[f.name] = raw
        return cls(**overrides)  # type: ignore[arg-type]
