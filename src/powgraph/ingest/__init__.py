"""data/ -> typed records (powgraph.records). Every editor mistake becomes a Problem naming file,
row and field; all of them are collected before failing, so one run shows an editor everything
to fix."""

from __future__ import annotations

from pathlib import Path

from powgraph.errors import DataError
from powgraph.ingest.facets import name_variables
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


def load_data(data_dir: Path) -> Data:
    """Read every file in data/; raise DataError listing every problem found."""
    reader = Reader(data_dir)
    vocab = data_dir / "vocab"
    organizations = reader.collect(vocab / "agents.yaml", "organizations", organization)
    places = reader.collect(vocab / "places.yaml", "places", place)
    events = reader.collect(vocab / "places.yaml", "events", event)
    categories = vocab / "categories.yaml"
    populations = reader.collect(categories, "populations", population)
    schemes = reader.collect(categories, "schemes", scheme)
    breakdowns = reader.collect(categories, "breakdowns", breakdown)
    variables = reader.collect(vocab / "variables.yaml", "variables", variable)
    exchanges_file = vocab / "exchanges.yaml"  # optional: a data/ may know of no exchange
    exchanges = (
        reader.collect(exchanges_file, "exchanges", exchange) if exchanges_file.exists() else []
    )
    sources = [source_file(reader, path) for path in sorted((data_dir / "sources").glob("*.yaml"))]
    data = Data(
        tuple(organizations),
        tuple(places),
        tuple(events),
        tuple(populations),
        tuple(schemes),
        tuple(breakdowns),
        tuple(variables),
        tuple(s for s in sources if s is not None),
        tuple(exchanges),
    )
    data = name_variables(reader, data)
    check_references(reader, data)
    if reader.problems:
        raise DataError(reader.problems)
    return data
