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
    vocab = _vocabularies(reader, data_dir / "vocab")
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


def _vocabularies(reader: Reader, vocab: Path) -> dict[str, list[Any]]:
    """Every vocabulary section from its own file, then from data/vocab/more/*.yaml; each file
    read once, every key once across them."""
    more = sorted((vocab / "more").glob("*.yaml"))
    own = sorted({vocab / name for name, _ in VOCABULARY.values()})
    paths = [p for p in own if p.exists() or p.name not in OPTIONAL] + more
    contents = {path: reader.read_yaml(path) for path in paths}
    for path in more:
        for other in sorted(set(contents[path]) - set(VOCABULARY)):
            reader.problems.append(Problem(reader.name(path), "file", other, "unknown section"))
    found: dict[str, list[Any]] = {}
    for section, (name, parse) in VOCABULARY.items():
        seen: dict[str, str] = {}
        found[section] = []
        for path in [p for p in paths if p.name == name and p not in more] + more:
            for row in reader.rows(path, contents[path], section):
                record = parse(row)
                if not row.ok or record is None:
                    continue
                if record.key in seen:
                    row.fail("key", f"key used twice (also in {seen[record.key]})")
                    continue
                seen[record.key] = reader.name(path)
                found[section].append(record)
    return found
