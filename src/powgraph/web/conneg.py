"""Content negotiation: Accept (with q-values) or a `format=` parameter -> one offer. The tables
say what each kind of answer can be written as; the first offer is the default."""

from __future__ import annotations

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

# Other media types clients send for the same formats.
ALIASES = {
    "application/json": ("json", "jsonld"),
    "application/xml": ("xml", "rdfxml"),
    "text/xml": ("xml", "rdfxml"),
    "application/x-turtle": ("turtle",),
    "text/plain": ("ntriples",),
    "text/n3": ("turtle",),
}
# Short names for `format=`: each picks the offer of that name, or the one for the form.
FORMAT_NAMES = {
    "json": ("json", "jsonld"),
    "xml": ("xml", "rdfxml"),
    "csv": ("csv",),
    "tsv": ("tsv",),
    "ttl": ("turtle",),
    "turtle": ("turtle",),
    "nt": ("ntriples",),
    "ntriples": ("ntriples",),
    "n-triples": ("ntriples",),
    "jsonld": ("jsonld",),
    "json-ld": ("jsonld",),
    "rdf": ("rdfxml",),
    "rdfxml": ("rdfxml",),
    "rdf+xml": ("rdfxml",),
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


def negotiate(
    accept: str | None, offers: tuple[Offer, ...], format_param: str | None = None
) -> Offer | None:
    """The offer to answer with, or None (406)."""
    if format_param:
        wanted = format_param.strip().lower()
        names = FORMAT_NAMES.get(wanted, ())
        for offer in offers:
            if offer.name in names or offer.media_type == wanted:
                return offer
        return None
    if not accept or not accept.strip():
        return offers[0]
    ranges = _ranges(accept)
    scored = [(_quality(offer, ranges), -i, offer) for i, offer in enumerate(offers)]
    q, _, offer = max(scored, key=lambda item: (item[0], item[1]))
    return offer if q > 0 else None


def prefers_html(accept: str | None) -> bool:
    """Whether a client (a browser) wants HTML more than JSON: decides how errors are written."""
    if not accept:
        return False
    ranges = _ranges(accept)
    return _quality(HTML, ranges) > _quality(Offer("json", "application/json"), ranges)
