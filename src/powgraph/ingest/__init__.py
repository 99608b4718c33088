"""data/ -> typed records (powgraph.records). Every editor mistake becomes a Problem naming file,
row and field; all of them are collected before failing, so one run shows an editor everything
to fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from powgraph.errors import DataError, Problem
from powgraph.ingest.datasets import dataset_sources
from powgraph.ingest.facets import name_variables
from powgraph.ingest.fields import Fields
from powgraph.ingest.reader import Reader
from powgraph.ingest.references import check_references
from powgraph.ingest.sections import CLAIM_FIELDS, FIELDS
from powgraph.ingest.sources import source_file
from powgraph.ingest.vocab import (
    breakdown,
    event,
    exchange,
    organization,
    place,
    population,
    scheme,
    variable,
)
from powgraph.records import Data

__all__ = ["CLAIM_FIELDS", "FIELDS", "load_data"]


# Each vocabulary section, its file in data/vocab/ and its parser. A section may also be given
# in files of data/vocab/more/ (vocabulary added with a batch of sources); a key is one thing.
VOCABULARY: dict[str, tuple[str, Callable[[Fields], Any]]] = {
    "organizations": ("agents.yaml", organization),
    "places": ("places.yaml", place),
    "events": ("places.yaml", event),
    "populations": ("categories.yaml", population),
    "schemes": ("categories.yaml", scheme),
    "breakdowns": ("categories.yaml", breakdown),
    "variables": ("variables.yaml", variable),
    "exchanges": ("exchanges.yaml", exchange),
}
OPTIONAL = {"exchanges.yaml"}  # a data/ may know of no exchange


def load_data(data_dir: Path) -> Data:
    """Read every file in data/; raise DataError listing every problem found."""
    reader = Reader(data_dir)
    vocab = {section: _vocabulary(reader, data_dir / "vocab", section) for section in VOCABULARY}
    sources = [source_file(reader, path) for path in sorted((data_dir / "sources").glob("*.yaml"))]
    sources += dataset_sources(reader, data_dir)  # data/datasets/*/mapping.yaml
    data = Data(
        tuple(vocab["organizations"]),
        tuple(vocab["places"]),
        tuple(vocab["events"]),
        tuple(vocab["populations"]),
        tuple(vocab["schemes"]),
        tuple(vocab["breakdowns"]),
        tuple(vocab["variables"]),
        tuple(s for s in sources if s is not None),
        tuple(vocab["exchanges"]),
    )
    data = name_variables(reader, data)
    check_references(reader, data)
    if reader.problems:
        raise DataError(reader.problems)
    return data


def _vocabulary(reader: Reader, vocab: Path, section: str) -> list[Any]:
    """One section from its own file and from data/vocab/more/*.yaml, every key once."""
    name, parse = VOCABULARY[section]
    main = vocab / name
    more = sorted((vocab / "more").glob("*.yaml"))
    found: list[Any] = []
    seen: dict[str, str] = {}
    for path in ([main] if main.exists() or name not in OPTIONAL else []) + more:
        if path in more:
            unknown = set(reader.read_yaml(path)) - set(VOCABULARY)
            for other in sorted(unknown) if section == "organizations" else ():
                reader.problems.append(Problem(reader.name(path), "file", other, "unknown section"))
        for record in reader.collect(path, section, parse):
            if record.key in seen:
                reader.problems.append(
                    Problem(reader.name(path), f"{section} ({record.key})", "key",
                            f"key used twice (also in {seen[record.key]})")
                )  # fmt: skip
                continue
            seen[record.key] = reader.name(path)
            found.append(record)
    return found
