"""Every kind of URI the converter mints (``{base}id/{kind}/{key}``) and the named graph (of
the store and the release's N-Quads) that its triples belong in: the graph of the source they
come from (the key after the kind), or the vocabulary graph every source shares.
A kind not listed here cannot be minted, so none can land in the wrong graph unnoticed."""

from __future__ import annotations

SOURCE, VOCABULARY = "source", "vocabulary"
KINDS = {
    "dataset": SOURCE,
    "source": SOURCE,
    "observation": SOURCE,
    "claim": SOURCE,
    "quote": SOURCE,
    "selector": SOURCE,
    "attribution": SOURCE,
    "translation": SOURCE,
    "breakdown": VOCABULARY,
    "concept": VOCABULARY,
    "date": VOCABULARY,
    "duration": VOCABULARY,
    "event": VOCABULARY,
    "exchange": VOCABULARY,
    "organization": VOCABULARY,
    "period": VOCABULARY,
    "place": VOCABULARY,
    "population": VOCABULARY,
    "scheme": VOCABULARY,
    "structure": VOCABULARY,
    "variable": VOCABULARY,
}
