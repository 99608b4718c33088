"""The shared vocabulary files (data/vocab/): one parser per section."""

from __future__ import annotations

from powgraph.ingest.fields import Fields
from powgraph.ingest.sections import FIELDS
from powgraph.model.enums import MEASURED_PROPERTIES, PLACE_CLASSES, STAT_TYPES
from powgraph.records import (
    Breakdown,
    Concept,
    Event,
    Exchange,
    Organization,
    Place,
    Population,
    Scheme,
    Variable,
)


def organization(f: Fields) -> Organization:
    f.only(*FIELDS["organizations"])
    return Organization(
        f.key(), f.text("label") or "", f.texts("alt_labels"), f.text("definition") or ""
    )


def place(f: Fields) -> Place:
    f.only(*FIELDS["places"])
    wikidata = f.text("wikidata", required=False)
    if wikidata is not None and not (wikidata.startswith("Q") and wikidata[1:].isdigit()):
        f.fail("wikidata", f"{wikidata!r} is not a Wikidata item id (Q followed by digits)")
    return Place(
        f.key(),
        f.text("label") or "",
        f.texts("alt_labels"),
        f.choice("type", tuple(PLACE_CLASSES)),
        f.ref("within", required=False),
        wikidata,
        f.text("iso3166_2", required=False),
    )


def event(f: Fields) -> Event | None:
    f.only(*FIELDS["events"])
    begin = f.date("begin")
    if begin is None:
        return None
    return Event(
        f.key(), f.text("label") or "", f.texts("alt_labels"), begin, f.text("wikidata", False)
    )


def exchange(f: Fields) -> Exchange | None:
    """A prisoner exchange (vocab/exchanges.yaml): an event figures of returned people name."""
    f.only(*FIELDS["exchanges"])
    dates = [f._as_date("dates", d) for d in f.get("dates", list, True, "a list of dates") or ()]
    if not dates:
        f.fail("dates", "give the exchange's date, or each stage's")
    ordinals = []
    for item in f.get("ordinals", list, False, "a list of {by, number}") or ():
        sub = Fields(f.problems, f.file, f"{f.row}, ordinals", item)
        sub.line = f.line
        sub.only("by", "number")
        number = sub.get("number", int, True, "a whole number")
        ordinals.append((sub.ref("by") or "", number if isinstance(number, int) else 0))
        f.ok = f.ok and sub.ok
    if not f.ok or None in dates:
        return None
    return Exchange(
        f.key(),
        f.text("label") or "",
        tuple(sorted(d for d in dates if d is not None)),
        f.refs("parties"),
        f.ref("mediator", required=False),
        tuple(ordinals),
    )


def population(f: Fields) -> Population:
    f.only(*FIELDS["populations"])
    return Population(f.key(), f.text("label") or "", f.text("definition") or "")


def scheme(f: Fields) -> Scheme:
    f.only(*FIELDS["schemes"])
    key = f.key()
    concepts = []
    for item in f.get("concepts", list, True, "a list of concepts") or ():
        sub = Fields(f.problems, f.file, f.row, item)
        sub.line = f.line
        sub.only(*FIELDS["concepts"])
        concepts.append(
            Concept(key, sub.key(), sub.text("label") or "", sub.text("definition") or "")
        )
        f.ok = f.ok and sub.ok
    return Scheme(key, f.text("label") or "", tuple(concepts))


def breakdown(f: Fields) -> Breakdown:
    f.only(*FIELDS["breakdowns"])
    return Breakdown(f.key(), f.text("label") or "", f.flag("exhaustive"))


def variable(f: Fields) -> Variable:
    f.only(*FIELDS["variables"])
    return Variable(
        f.key(),
        f.text("label") or "",
        f.text("definition") or "",
        f.ref("population") or "",
        f.refs("constraints"),
        f.ref("part_of", required=False),
        f.ref("denominator", required=False),
        f.ref("breakdown", required=False),
        f.choice("measured_property", tuple(MEASURED_PROPERTIES), default="count"),
        f.choice("stat_type", tuple(STAT_TYPES), default="measured-value"),
        f.refs("replaced_by"),
    )
