"""The fields each row may have, by section; data/README.md documents every one (a test checks)."""

from __future__ import annotations

# who and what stand behind a figure or a claim (records.Provenance)
PROVENANCE = (
    "document", "originator", "stated_by", "evidence", "reliability", "variant_of",
    "conflicts_with", "see_also", "translation",
)  # fmt: skip
FIELDS: dict[str, tuple[str, ...]] = {
    "organizations": ("key", "label", "alt_labels", "definition"),
    "places": ("key", "label", "alt_labels", "type", "within", "wikidata", "iso3166_2"),
    "events": ("key", "label", "alt_labels", "begin", "wikidata"),
    "populations": ("key", "label", "definition"),
    "exchanges": ("key", "label", "dates", "parties", "mediator", "ordinals"),
    "schemes": ("key", "label", "concepts"),
    "concepts": ("key", "label", "definition"),
    "breakdowns": ("key", "label", "exhaustive"),
    "variables": (
        "key", "label", "definition", "population", "constraints", "part_of",
        "denominator", "breakdown", "measured_property", "stat_type", "replaced_by",
    ),
    "source": (
        "key", "title", "title_supplied", "issued", "language", "text", "originator", "about",
        "publisher", "url", "note", "reliability",
    ),
    "documents": (
        "key", "title", "title_supplied", "issued", "language", "publisher", "url", "reliability",
        "translated_by",
    ),
    "observations": (
        "key", "variable", "period", "unit", "printed", "value", "bound", "approximation",
        "hedge", "min", "max", "min_inclusive", "max_inclusive", "small_count", "ambiguity",
        "quote", "context", "exchange", *PROVENANCE,
    ),
    "claims": ("key", "type", "label", "quote", "context", "hedge", "ambiguity", *PROVENANCE),
    "replaced": ("key", "by", "note"),
}  # fmt: skip
# a variable given by its facets in an observation, instead of a key (records.Facets)
FACET_FIELDS = ("population", "constraints", "measured_property", "stat_type", "denominator")
CLAIM_FIELDS = {
    "comparison": ("left", "relation", "right"),
    "trend": ("variable", "period", "trend", "step", "degree"),
    "ranking": ("variable", "period", "areas"),
    "qualitative": ("subjects",),
    "dispute": ("disputes",),
}
