"""The domain model: typed records of what data/ says, as the loader reads it and the converter
writes it. No I/O here, no RDF."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from powgraph.model.qualifiers import Approximation, Bound, Interval, Unit


@dataclass(frozen=True)
class Organization:
    key: str
    label: str
    alt_labels: tuple[str, ...]
    definition: str


@dataclass(frozen=True)
class Place:
    key: str
    label: str
    alt_labels: tuple[str, ...]
    kind: str
    within: str | None
    wikidata: str | None
    iso3166_2: str | None


@dataclass(frozen=True)
class Event:
    key: str
    label: str
    alt_labels: tuple[str, ...]
    begin: dt.date
    wikidata: str | None


@dataclass(frozen=True)
class Exchange:
    """A prisoner exchange: an event, never a count. Its date, or the date of each stage; the
    states exchanging; the state that mediated; the number each authority gives it ("the
    69th"). Figures of people returned in it point at it."""

    key: str
    label: str
    dates: tuple[dt.date, ...]
    parties: tuple[str, ...]
    mediator: str | None
    ordinals: tuple[tuple[str, int], ...]  # (organisation key, its number for the exchange)


@dataclass(frozen=True)
class Population:
    key: str
    label: str
    definition: str


@dataclass(frozen=True)
class Concept:
    scheme: str
    key: str
    label: str
    definition: str

    @property
    def ref(self) -> str:
        return f"{self.scheme}/{self.key}"


@dataclass(frozen=True)
class Scheme:
    key: str
    label: str
    concepts: tuple[Concept, ...]


@dataclass(frozen=True)
class Breakdown:
    key: str
    label: str
    exhaustive: bool


@dataclass(frozen=True)
class Facets:
    """What a statistical variable counts, as Data Commons builds it: a population, the
    categories that constrain it (sorted: their order says nothing), the property measured
    and the statistic, and for a share the variable it is a share of. The same facets are the
    same variable, whoever states a figure for it."""

    population: str
    constraints: tuple[str, ...]
    measured_property: str = "count"
    stat_type: str = "measured-value"
    denominator: str | None = None


@dataclass(frozen=True)
class Variable:
    key: str
    label: str
    definition: str
    population: str
    constraints: tuple[str, ...]
    part_of: str | None
    denominator: str | None
    breakdown: str | None
    measured_property: str
    stat_type: str
    replaced_by: tuple[str, ...] = ()  # a withdrawn variable: its URI stays, pointing here

    @property
    def facets(self) -> Facets:
        return Facets(
            self.population,
            tuple(sorted(self.constraints)),
            self.measured_property,
            self.stat_type,
            self.denominator,
        )


@dataclass(frozen=True)
class Period:
    """A reference period; ``begin == end`` is an instant (a stock at a date), no ``begin`` a
    period whose start the source does not give ("on average ... every week")."""

    begin: dt.date | None
    end: dt.date
    months: int | None = None  # "the past 18 months": counted back from ``end``, its anchor

    @property
    def is_instant(self) -> bool:
        return self.begin == self.end

    @property
    def key(self) -> str:
        if self.is_instant:
            return self.end.isoformat()
        if self.begin is None:
            return f"until-{self.end.isoformat()}"
        return f"{self.begin.isoformat()}--{self.end.isoformat()}"


@dataclass(frozen=True)
class Quote:
    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Provenance:
    """Who and what stand behind one figure or claim, beyond its quote: the document it is
    quoted from (a key of the file's ``documents``; None: the source's own), who counted it and
    who stated it, how it is evidenced, how reliable the archive grades its quote, and how it
    relates to other sources' figures ("source-key/figure-key" each)."""

    document: str | None = None
    originator: str | None = None  # None: the source's originator
    stated_by: str | None = None
    evidence: str = "stated"
    reliability: str | None = None  # None: the document's grade, if any
    variant_of: tuple[str, ...] = ()
    conflicts_with: tuple[str, ...] = ()
    see_also: tuple[str, ...] = ()  # publications an editor's note cites (their URLs)
    translation: str | None = None  # our English translation of the quote, published as ours


@dataclass(frozen=True)
class Figure:
    """One printed figure: becomes one qb:Observation."""

    key: str
    variable: str
    period: Period
    end_inferred: bool
    unit: Unit
    printed: str
    values: tuple[Decimal, ...]
    bound: Bound
    approximation: Approximation
    hedge: str | None
    interval: Interval
    small_count: bool
    ambiguity: str | None
    quote: Quote
    provenance: Provenance = Provenance()
    facets: Facets | None = None  # given instead of a variable key: the loader names it
    exchange: str | None = None  # the exchange the figure counts in (a key of exchanges.yaml)


@dataclass(frozen=True)
class Claim:
    """A comparison, trend, ranking or qualitative statement; unused fields stay empty."""

    key: str
    kind: str
    label: str
    quote: Quote
    hedge: str | None
    ambiguity: str | None
    end_inferred: bool
    variable: str | None = None
    period: Period | None = None
    trend: str | None = None
    relation: str | None = None
    left_variable: str | None = None
    left_periods: tuple[Period, ...] = ()
    right_variable: str | None = None
    right_periods: tuple[Period, ...] = ()
    areas: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    step: str | None = None  # a trend's step ("every year": year), not a hedge
    degree: str | None = None  # a trend's degree as printed ("sharply"), not a hedge
    disputes: tuple[str, ...] = ()  # a dispute's figures, "source-key/figure-key" each
    provenance: Provenance = Provenance()


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    title_supplied: bool
    issued: dt.date
    language: str
    text_path: str
    text: str
    originator: str
    about: str | None
    publisher: str | None
    url: str | None
    note: str | None
    reliability: str | None = None  # the archive's grade for the quotes of this document


@dataclass(frozen=True)
class Document:
    """Another publication a source file quotes (a republication, a wire copy, a translation):
    its own title, date, language, publisher and URL, the same stored text."""

    key: str
    title: str
    title_supplied: bool
    issued: dt.date
    language: str
    publisher: str | None
    url: str | None
    reliability: str | None
    translated_by: str | None


@dataclass(frozen=True)
class Replaced:
    """A figure's URI from an earlier reading of its source: kept, never deleted, and pointing
    at the figures that now say what the quote says (dcterms:isReplacedBy)."""

    key: str
    by: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class SourceFile:
    file: str
    source: Source
    figures: tuple[Figure, ...]
    claims: tuple[Claim, ...]
    replaced: tuple[Replaced, ...] = ()
    documents: tuple[Document, ...] = ()

    def grade(self, document: str | None) -> str | None:
        """The archive's reliability grade of a quote from ``document`` (None: the source's)."""
        found = next((d for d in self.documents if d.key == document), None)
        return found.reliability if found else self.source.reliability

    def language(self, document: str | None) -> str:
        """The language of a quote from ``document`` (None: the source's own)."""
        return next((d.language for d in self.documents if d.key == document), self.source.language)


@dataclass(frozen=True)
class Data:
    organizations: tuple[Organization, ...]
    places: tuple[Place, ...]
    events: tuple[Event, ...]
    populations: tuple[Population, ...]
    schemes: tuple[Scheme, ...]
    breakdowns: tuple[Breakdown, ...]
    variables: tuple[Variable, ...]
    sources: tuple[SourceFile, ...]
    exchanges: tuple[Exchange, ...] = ()
