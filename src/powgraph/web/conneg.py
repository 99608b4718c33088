"""Content negotiation: Accept (with q-values) or a `format=` parameter -> one offer. The tables
say what each kind of answer can be written as; the first offer is the default."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Offer:
    name: str  # what powgraph.results and the store call the format
    media_type: str

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8"


JSON = Offer("json", "application/sparql-results+json")
XML = Offer("xml", "application/sparql-results+xml")
CSV = Offer("csv", "text/csv")
TSV = Offer("tsv", "text/tab-separated-values")
TURTLE = Offer("turtle", "text/turtle")
NTRIPLES = Offer("ntriples", "application/n-triples")
JSONLD = Offer("jsonld", "application/ld+json")
RDFXML = Offer("rdfxml", "application/rdf+xml")
HTML = Offer("html", "text/html")

# What each query form can answer in, by server preference.
BY_FORM = {
    "SELECT": (JSON, XML, CSV, TSV),
    "ASK": (JSON, XML),
    "CONSTRUCT": (TURTLE, NTRIPLES, JSONLD, RDFXML),
    "DESCRIBE": (TURTLE, NTRIPLES, JSONLD, RDFXML),
}
DESCRIPTION = (TURTLE, RDFXML, JSONLD, NTRIPLES, HTML)

# Other media types clients send for the same formats (SPARQLWrapper sends most of them).
ALIASES = {
    "application/json": ("json", "jsonld"),
    "application/xml": ("xml", "rdfxml"),
    "text/xml": ("xml", "rdfxml"),
    "application/x-turtle": ("turtle",),
    "application/turtle": ("turtle",),
    "text/plain": ("ntriples",),
    "text/n3": ("turtle",),  # N3 is a superset of Turtle: a Turtle answer is N3
    "text/rdf+n3": ("turtle",),
    "application/n3": ("turtle",),
    "application/x-json+ld": ("jsonld",),
}
# Short names for `format=` (case-insensitive): each picks the first offer, in the table's
# order, whose name it lists, so `json` is SPARQL JSON for SELECT/ASK and JSON-LD for
# CONSTRUCT/DESCRIBE, `xml` SPARQL XML or RDF/XML. A value with a "/" is a media type (or a
# list of them, with q-values: SPARQLWrapper sends `format=application/ld+json,...`).
FORMAT_NAMES = {
    "json": ("json", "jsonld"),
    "xml": ("xml", "rdfxml"),
    "csv": ("csv",),
    "tsv": ("tsv",),
    "ttl": ("turtle",),
    "turtle": ("turtle",),
    "n3": ("turtle",),
    "nt": ("ntriples",),
    "ntriples": ("ntriples",),
    "n-triples": ("ntriples",),
    "jsonld": ("jsonld",),
    "json-ld": ("jsonld",),
    "rdf": ("rdfxml",),
    "rdfxml": ("rdfxml",),
    "rdf+xml": ("rdfxml",),
    "rdf/xml": ("rdfxml",),
    "html": ("html",),
}


def _ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if not media:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media.lower(), q))
    return ranges


def _quality(offer: Offer, ranges: list[tuple[str, float]]) -> float:
    """The q of the most specific range that matches the offer (exact > type/* > */*)."""
    best: tuple[int, float] = (-1, 0.0)
    names = {offer.media_type} | {m for m, alias in ALIASES.items() if offer.name in alias}
    for media, q in ranges:
        if media in names:
            specificity = 2
        elif media.endswith("/*") and offer.media_type.startswith(media[:-1]):
            specificity = 1
        elif media == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best[0]:
            best = (specificity, q)
    return best[1]


def by_format(value: str, offers: tuple[Offer, ...]) -> Offer | None:
    """The offer a `format=` value names (a short name or media types), or None."""
    wanted = value.strip().lower()
    if wanted in FORMAT_NAMES:
        names = FORMAT_NAMES[wanted]
        return next((offer for offer in offers if offer.name in names), None)
    if "/" in wanted:
        return negotiate(wanted, offers)
    return None


def negotiate(
    accept: str | None,
    offers: tuple[Offer, ...],
    format_param: str | Sequence[str] | None = None,
) -> Offer | None:
    """The offer to answer with, or None (406). A `format=` parameter (one value, or every
    value given, first to last) overrides Accept: the first value naming an offer wins, and
    values that name none are a 406, never a silent fallback to Accept."""
    values = [format_param] if isinstance(format_param, str) else list(format_param or ())
    values = [value for value in values if value.strip()]  # `format=` alone: not given
    if values:
        for value in values:
            offer = by_format(value, offers)
            if offer is not None:
                return offer
        return None
    if not accept or not accept.strip():
        return offers[0]
    ranges = _ranges(accept)
    scored = [(_quality(offer, ranges), -i, offer) for i, offer in enumerate(offers)]
    q, _, offer = max(scored, key=lambda item: (item[0], item[1]))
    return offer if q > 0 else None


def named_quality(accept: str | None, media_types: tuple[str, ...]) -> float | None:
    """The highest q an Accept gives any of ``media_types`` by name (never through a
    wildcard), or None when it names none of them."""
    named = [q for media, q in _ranges(accept or "") if media in media_types]
    return max(named) if named else None


def prefers_html(accept: str | None) -> bool:
    """Whether a client (a browser) wants HTML more than JSON: decides how errors are written."""
    if not accept:
        return False
    ranges = _ranges(accept)
    return _quality(HTML, ranges) > _quality(Offer("json", "application/json"), ranges)
