"""Checks across files: every key a row names exists where it should."""

from __future__ import annotations

from powgraph.errors import Problem
from powgraph.ingest.reader import Reader
from powgraph.records import Data


def check_references(reader: Reader, data: Data) -> None:
    def missing(
        file: str, row: str, field: str, ref: str | None, known: set[str], what: str
    ) -> None:
        if ref is not None and ref not in known:
            reader.problems.append(Problem(file, row, field, f"no {what} with key {ref!r}"))

    orgs = {o.key for o in data.organizations}
    places = {p.key for p in data.places}
    events = {e.key for e in data.events}
    populations = {p.key for p in data.populations}
    concepts = {c.ref for s in data.schemes for c in s.concepts}
    breakdowns = {b.key for b in data.breakdowns}
    variables = {v.key for v in data.variables}
    places_file = reader.name(reader.data_dir / "vocab" / "places.yaml")
    variables_file = reader.name(reader.data_dir / "vocab" / "variables.yaml")
    for p in data.places:
        missing(places_file, f"places ({p.key})", "within", p.within, places, "place")
    for v in data.variables:
        row = f"variables ({v.key})"
        missing(variables_file, row, "population", v.population, populations, "population")
        for c in v.constraints:
            missing(variables_file, row, "constraints", c, concepts, "concept (scheme/key)")
        missing(variables_file, row, "part_of", v.part_of, variables, "variable")
        missing(variables_file, row, "denominator", v.denominator, variables, "variable")
        missing(variables_file, row, "breakdown", v.breakdown, breakdowns, "breakdown")
        for ref in v.replaced_by:
            missing(variables_file, row, "replaced_by", ref, variables, "variable")
    exchanges_file = reader.name(reader.data_dir / "vocab" / "exchanges.yaml")
    for x in data.exchanges:
        row = f"exchanges ({x.key})"
        for party in x.parties:
            missing(exchanges_file, row, "parties", party, places, "place")
        missing(exchanges_file, row, "mediator", x.mediator, places, "place")
        for org, _ in x.ordinals:
            missing(exchanges_file, row, "ordinals", org, orgs, "organization")
    exchanges = {x.key for x in data.exchanges}
    figures = {f"{sf.source.key}/{fig.key}" for sf in data.sources for fig in sf.figures}
    for sf in data.sources:
        file = sf.file
        for doc in sf.documents:
            row = f"documents ({doc.key})"
            missing(file, row, "publisher", doc.publisher, orgs, "organization")
            missing(file, row, "translated_by", doc.translated_by, orgs, "organization")
        for section, items in (("observations", sf.figures), ("claims", sf.claims)):
            for item in items:
                row, prov = f"{section} ({item.key})", item.provenance
                missing(file, row, "originator", prov.originator, orgs, "organization")
                missing(file, row, "stated_by", prov.stated_by, orgs, "organization")
                if section == "observations":
                    exchange = getattr(item, "exchange", None)
                    missing(file, row, "exchange", exchange, exchanges, "exchange")
                for name in ("variant_of", "conflicts_with"):
                    for ref in getattr(prov, name):
                        missing(file, row, name, ref, figures, "figure (source-key/figure-key)")
        for claim in sf.claims:
            for ref in claim.disputes:
                missing(
                    file, f"claims ({claim.key})", "disputes", ref, figures,
                    "figure (source-key/figure-key)",
                )  # fmt: skip
        missing(file, "source", "originator", sf.source.originator, orgs, "organization")
        missing(file, "source", "about", sf.source.about, events, "event")
        missing(file, "source", "publisher", sf.source.publisher, orgs, "organization")
        for fig in sf.figures:
            missing(
                file, f"observations ({fig.key})", "variable", fig.variable, variables, "variable"
            )
        for claim in sf.claims:
            row = f"claims ({claim.key})"
            for name in ("variable", "left_variable", "right_variable"):
                missing(file, row, name, getattr(claim, name), variables, "variable")
            for name in ("areas", "subjects"):
                for area in getattr(claim, name):
                    missing(file, row, name, area, places, "place")
