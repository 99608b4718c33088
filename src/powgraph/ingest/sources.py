"""A source file (data/sources/*.yaml): its document, its figures and its claims, each with its
verbatim quote found in the stored text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import Decimal
from pathlib import Path
from typing import Any

from powgraph.errors import Problem
from powgraph.ingest.fields import Fields
from powgraph.ingest.reader import Reader
from powgraph.ingest.sections import CLAIM_FIELDS, FACET_FIELDS, FIELDS
from powgraph.model.enums import (
    CLAIM_CLASSES,
    EVIDENCE,
    LANGUAGES,
    MEASURED_PROPERTIES,
    RELATIONS,
    RELIABILITY,
    STAT_TYPES,
    STEPS,
    TRENDS,
)
from powgraph.model.qualifiers import (
    NUMERALS_PER_BOUND,
    Approximation,
    Bound,
    Interval,
    Unit,
    implied_interval,
    numerals,
)
from powgraph.published import VOCABULARY_GRAPH
from powgraph.records import (
    Claim,
    Document,
    Facets,
    Figure,
    Provenance,
    Quote,
    Replaced,
    Source,
    SourceFile,
)

QUOTE_CONTEXT = 40  # characters of prefix and suffix kept around a quote


def source_file(reader: Reader, path: Path) -> SourceFile | None:
    content = reader.read_yaml(path)
    file = reader.name(path)
    if not content:
        return None
    head = Fields(reader.problems, file, "source", content.get("source"))
    head.only(*FIELDS["source"])
    text_field = head.text("text")
    text = ""
    if text_field is not None:
        text_path = reader.data_dir / text_field
        try:
            text = text_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            head.fail("text", f"cannot read {text_field}: {exc}")
    source = Source(
        head.key(),
        head.text("title") or "",
        head.flag("title_supplied"),
        head.date("issued") or dt.date.min,
        head.choice("language", tuple(LANGUAGES)),
        text_field or "",
        text,
        head.ref("originator") or "",
        head.ref("about", required=False),
        head.ref("publisher", required=False),
        head.text("url", required=False),
        head.text("note", required=False),
        _reliability(head),
    )
    if source.key and source.key != path.stem:
        head.fail("key", f"must equal the file name {path.stem!r}")
    if source.key == VOCABULARY_GRAPH:  # {base}id/graph/<key> names the source's graph
        head.fail("key", f"{VOCABULARY_GRAPH!r} names the shared vocabulary's graph")
    if not head.ok:
        return None
    documents = [
        d for row in reader.rows(path, content, "documents") if (d := _document(row)) and row.ok
    ]
    known = {d.key: d.language for d in documents}
    figures = [
        fig
        for row in reader.rows(path, content, "observations")
        if (fig := _figure(row, text, known, source.language)) is not None and row.ok
    ]
    claims = [
        claim
        for row in reader.rows(path, content, "claims")
        if (claim := _claim(row, text, known)) is not None and row.ok
    ]
    keys = {x.key for x in figures}
    replaced = [
        r
        for row in reader.rows(path, content, "replaced")
        if (r := _replaced(row, keys)) is not None and row.ok
    ]
    for section, keys_used in (
        ("observations", [x.key for x in figures] + [r.key for r in replaced]),
        ("claims", [c.key for c in claims]),
        ("documents", [d.key for d in documents]),
    ):
        for key in sorted({k for k in keys_used if keys_used.count(k) > 1}):
            reader.problems.append(Problem(file, f"{section} ({key})", "key", "key used twice"))
    unknown = set(content) - {"source", "documents", "observations", "claims", "replaced"}
    for name in sorted(unknown):
        reader.problems.append(Problem(file, "file", name, "unknown section"))
    return SourceFile(
        file, source, tuple(figures), tuple(claims), tuple(replaced), tuple(documents)
    )


def _reliability(f: Fields) -> str | None:
    return f.choice("reliability", tuple(RELIABILITY)) if "reliability" in f.data else None


def _document(f: Fields) -> Document | None:
    """Another publication the file quotes: a republication, a wire copy, a translation."""
    f.only(*FIELDS["documents"])
    document = Document(
        f.key(),
        f.text("title") or "",
        f.flag("title_supplied"),
        f.date("issued") or dt.date.min,
        f.choice("language", tuple(LANGUAGES)),
        f.ref("publisher", required=False),
        f.text("url", required=False),
        _reliability(f),
        f.ref("translated_by", required=False),
    )
    return document if f.ok else None


def _provenance(f: Fields, documents: Collection[str]) -> Provenance:
    """Who and what stand behind a figure or claim (records.Provenance)."""
    document = f.ref("document", required=False)
    if document is not None and document not in documents:
        f.fail("document", f"no document {document!r} in this file's documents")
    see_also = f.texts("see_also")
    for url in see_also:
        if not url.startswith(("https://", "http://")):
            f.fail("see_also", f"{url!r} is not the URL of a publication")
    return Provenance(
        document,
        f.ref("originator", required=False),
        f.ref("stated_by", required=False),
        f.choice("evidence", tuple(EVIDENCE), default="stated"),
        _reliability(f),
        f.refs("variant_of"),
        f.refs("conflicts_with"),
        see_also,
        f.text("translation", required=False),
    )


def _replaced(f: Fields, figures: set[str]) -> Replaced | None:
    """An earlier reading's figure key, kept as a URI that points at today's figures."""
    f.only(*FIELDS["replaced"])
    key, by, note = f.key(), f.refs("by"), f.text("note") or ""
    if not by:
        f.fail("by", "name the observations that replace it")
    for ref in by:
        if ref not in figures:
            f.fail("by", f"no observation with key {ref!r} in this file")
    return Replaced(key, by, note) if f.ok else None


def _quote(f: Fields, text: str) -> Quote | None:
    exact = f.text("quote")
    if exact is None or not text:
        return None
    count = text.count(exact)
    if count == 0:
        f.fail("quote", "not found verbatim in the source text (copy it exactly, dashes included)")
        return None
    if count > 1:
        f.fail("quote", f"occurs {count} times in the source text; quote more words")
        return None
    start = text.index(exact)
    end = start + len(exact)
    # fewer characters of context where the text around a quote names a person (a prisoner
    # exchanged by name): the selector publishes its prefix and suffix
    context = (
        f.get("context", int, False, "a number of characters") if "context" in f.data else None
    )
    around = QUOTE_CONTEXT if context is None else max(0, min(context, QUOTE_CONTEXT))
    return Quote(exact, text[max(0, start - around) : start], text[end : end + around])


def observation(f: Fields, text: str) -> Figure | None:
    """A dataset record's figure, declared by its mapping (ingest.datasets), read as an
    observations row; its number is written as JSON and CSV write one (a full stop before
    decimals, whatever the dataset's language), so it is read as English prints digits."""
    return _figure(f, text, {}, "en")


def _figure(f: Fields, text: str, documents: dict[str, str], language: str) -> Figure | None:
    """One observations row; ``documents`` maps the file's documents to their languages, in
    which its printed number is read ("1.500" is 1,500 in Macedonian)."""
    f.only(*FIELDS["observations"])
    key = f.key()
    variable, facets = _variable(f)
    period, end_inferred = f.period("period")
    unit, bound = f.enum("unit", Unit), f.enum("bound", Bound)
    approximation = f.enum("approximation", Approximation)
    printed, hedge = f.text("printed"), f.text("hedge", required=False)
    quote = _quote(f, text)
    if quote and printed and printed not in quote.exact:
        f.fail("printed", f"{printed!r} is not part of the quote")
    if printed and hedge and hedge not in printed:
        f.fail("hedge", f"{hedge!r} is not part of the printed value {printed!r}")
    if hedge and (any(c.isdigit() for c in hedge) or not any(c.isalpha() for c in hedge)):
        f.fail("hedge", f"{hedge!r}: a hedge is the qualifying words, never the number")
    if None in (period, unit, bound, approximation, printed, quote):
        return None
    assert period and unit and bound and approximation and printed and quote
    document = f.data.get("document")
    language = documents.get(document, language) if isinstance(document, str) else language
    values = _values(f, unit, bound, printed, language)
    if values is None:
        return None
    interval = _interval(f, unit, bound, approximation, printed, language)
    if interval is None:
        return None
    provenance = _provenance(f, documents)
    return Figure(
        key, variable, period, end_inferred, unit, printed, values, bound, approximation, hedge,
        interval, f.flag("small_count"), f.text("ambiguity", required=False), quote, provenance,
        facets, f.ref("exchange", required=False),
    )  # fmt: skip


def _variable(f: Fields) -> tuple[str, Facets | None]:
    """A variable's key, or its facets ({population, constraints, ...}): the loader then finds
    the variable with those facets, or names a new one (ingest.facets)."""
    if not isinstance(f.data.get("variable"), dict):
        return f.ref("variable") or "", None
    sub = Fields(f.problems, f.file, f"{f.row}, variable", f.data["variable"])
    sub.line = f.line
    sub.only(*FACET_FIELDS)
    facets = Facets(
        sub.ref("population") or "",
        tuple(sorted(sub.refs("constraints"))),
        sub.choice("measured_property", tuple(MEASURED_PROPERTIES), default="count"),
        sub.choice("stat_type", tuple(STAT_TYPES), default="measured-value"),
        sub.ref("denominator", required=False),
    )
    f.ok = f.ok and sub.ok
    return "", facets


def _values(
    f: Fields, unit: Unit, bound: Bound, printed: str, language: str
) -> tuple[Decimal, ...] | None:
    """The value field must repeat exactly the numbers the printed wording shows."""
    shown = [n.value for n in numerals(printed, unit, language)]
    wanted = NUMERALS_PER_BOUND.get(bound, 1)
    if len(shown) != wanted:
        f.fail("printed", f"a {bound.value} figure prints {wanted} number(s); found {len(shown)}")
        return None
    raw = f.data.get("value")
    given = raw if isinstance(raw, list) else ([] if raw is None else [raw])
    values = [f.number("value", v) for v in given]
    if any(v is None for v in values):
        return None
    if values != shown:
        printed_values = ", ".join(str(v) for v in shown) or "none"
        f.fail("value", f"must repeat the number(s) printed in {printed!r}: {printed_values}")
        return None
    return tuple(v for v in values if v is not None)


def _interval(
    f: Fields, unit: Unit, bound: Bound, approximation: Approximation, printed: str, language: str
) -> Interval | None:
    """The policy's interval, with explicit min/max (vague wording) replacing a side."""
    policy = implied_interval(unit, bound, approximation, numerals(printed, unit, language))
    low = f.number("min", f.data["min"]) if "min" in f.data else policy.min
    high = f.number("max", f.data["max"]) if "max" in f.data else policy.max
    low_incl = f.data.get("min_inclusive", True if "min" in f.data else policy.min_inclusive)
    high_incl = f.data.get("max_inclusive", True if "max" in f.data else policy.max_inclusive)
    for name, flag in (("min_inclusive", low_incl), ("max_inclusive", high_incl)):
        if not isinstance(flag, bool):
            f.fail(name, "must be true or false")
    if bound is Bound.MAGNITUDE and low is None:
        f.fail("min", "a magnitude word (thousands, hundreds) needs an explicit min")
    if low is not None and high is not None and low > high:
        f.fail("min", f"min {low} is greater than max {high}")
    if not f.ok:
        return None
    return Interval(low, bool(low_incl), high, bool(high_incl))


def _claim(f: Fields, text: str, documents: Collection[str]) -> Claim | None:
    kind = f.choice("type", tuple(CLAIM_CLASSES))
    f.only(*FIELDS["claims"], *CLAIM_FIELDS.get(kind, ()))
    key, label, quote = f.key(), f.text("label") or "", _quote(f, text)
    hedge = f.text("hedge", required=False)
    if quote and hedge and hedge not in quote.exact:
        f.fail("hedge", f"{hedge!r} is not part of the quote")
    base: dict[str, Any] = {}
    inferred = False
    if kind in ("trend", "ranking"):
        base["variable"] = f.ref("variable")
        base["period"], inferred = f.period("period")
    if kind == "trend":
        base["trend"] = f.choice("trend", tuple(TRENDS))
        if f.data.get("step") is not None:
            base["step"] = f.choice("step", tuple(STEPS))
        base["degree"] = f.text("degree", required=False)
        if quote and base["degree"] and base["degree"] not in quote.exact.lower():
            f.fail("degree", f"{base['degree']!r} is not part of the quote")
    if kind == "ranking":
        base["areas"] = f.refs("areas")
        if not base["areas"]:
            f.fail("areas", "a ranking claim names at least one area")
    if kind == "qualitative":
        base["subjects"] = f.refs("subjects")
    if kind == "dispute":
        base["disputes"] = f.refs("disputes")
        if not base["disputes"]:
            f.fail("disputes", "a dispute names the figures it disputes (source-key/figure-key)")
    if kind == "comparison":
        base["relation"] = f.choice("relation", tuple(RELATIONS))
        for side in ("left", "right"):
            part = f.get(side, dict, True, "a mapping {variable, periods}") or {}
            sub = Fields(f.problems, f.file, f"{f.row}, {side}", part)
            sub.line = f.line
            sub.only("variable", "periods")
            base[f"{side}_variable"] = sub.ref("variable")
            base[f"{side}_periods"], side_inferred = sub.periods("periods")
            inferred = inferred or side_inferred
            f.ok = f.ok and sub.ok
    provenance = _provenance(f, documents)
    if quote is None or not f.ok:
        return None
    return Claim(
        key, kind, label, quote, hedge, f.text("ambiguity", required=False), inferred, **base,
        provenance=provenance,
    )  # fmt: skip
