"""One typed settings object: the only place that knows where the project's folders live."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_BASE_IRI = "https://w3id.org/powgraph/"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    """Paths and identity of one powgraph instance; tests build their own instead of patching."""

    base_iri: str = DEFAULT_BASE_IRI
    data_dir: Path = field(default=PROJECT_ROOT / "data")
    ontology_dir: Path = field(default=PROJECT_ROOT / "ontology")
    shapes_dir: Path = field(default=PROJECT_ROOT / "shapes")
    queries_dir: Path = field(default=PROJECT_ROOT / "queries")
    build_dir: Path = field(default=PROJECT_ROOT / "build")

    def __post_init__(self) -> None:
        if not self.base_iri.endswith("/"):
            raise ValueError(f"base IRI must end with '/': {self.base_iri!r}")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read POWGRAPH_* variables (documented in README.md); unset ones keep their defaults."""
        env = os.environ if env is None else env
        settings = cls()
        overrides: dict[str, object] = {}
        if "POWGRAPH_BASE_IRI" in env:
            overrides["base_iri"] = env["POWGRAPH_BASE_IRI"]
        for name in ("data_dir", "ontology_dir", "shapes_dir", "queries_dir", "build_dir"):
            key = "POWGRAPH_" + name.upper()
            if key in env:
                overrides[name] = Path(env[key])
        return replace(settings, **overrides)  # type: ignore[arg-type]
