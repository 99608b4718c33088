"""Records -> RDF. Pure and deterministic: no blank nodes, every URI built from keys, so the same
data gives the same triples (and, sorted, the same N-Triples bytes)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, QB, RDF, RDFS, SKOS, TIME, XSD

from powgraph.model.enums import (
    APPROXIMATIONS,
    BOUNDS,
    CLAIM_CLASSES,
    EVIDENCE,
    LANGUAGES,
    MEASURED_PROPERTIES,
    PLACE_CLASSES,
    RELATIONS,
    RELIABILITY,
    ROLES,
    STAT_TYPES,
    STEPS,
    TRENDS,
    UNITS,
)
from powgraph.model.kinds import KINDS
from powgraph.model.qualifiers import Approximation, Bound, Unit
from powgraph.namespaces import (
    CC_BY_4,
    CITO,
    OA,
    POW,
    PREFIXES,
    SCHEMA,
    SDMX_ATTRIBUTE,
    SDMX_CODE,
    SDMX_MEASURE,
    WD,
)
from powgraph.records import (
    Claim,
    Data,
    Document,
    Exchange,
    Figure,
    Period,
    Provenance,
    Quote,
    Source,
    SourceFile,
    Variable,
)

STRUCTURE = "figures"
SUPPLIED = "The title is supplied by powgraph."  # where the text gives none
OUR_TRANSLATION = "powgraph's translation of the quote, not the source's words."
VARIABLES = "variables"  # the concept scheme every statistical variable is in
POWGRAPH = "powgraph"  # data/vocab/agents.yaml: the project, creator of the curated data sets
# bound kinds where the source gives a value (a point, or "about"): only these have obsValue
VALUED = (Bound.POINT, Bound.APPROXIMATE)
# Data Cube components of the one shared DSD: (property, kind, required).
COMPONENTS = (
    (POW.statisticalVariable, QB.dimension, True),
    (POW.referencePeriod, QB.dimension, True),
    (SDMX_MEASURE.obsValue, QB.measure, False),
    (SDMX_ATTRIBUTE.unitMeasure, QB.attribute, True),
    (POW.printedValue, QB.attribute, True),
    (POW.boundKind, QB.attribute, True),
    (POW.approximation, QB.attribute, True),
    (POW.minValue, QB.attribute, False),
    (POW.maxValue, QB.attribute, False),
    (POW.minInclusive, QB.attribute, False),
    (POW.maxInclusive, QB.attribute, False),
    (POW.hedge, QB.attribute, False),
    (SDMX_ATTRIBUTE.obsStatus, QB.attribute, False),
    (POW.periodEndInferred, QB.attribute, False),
    (POW.smallCount, QB.attribute, False),
)


class Ids:
    """Mints ``{base}id/{kind}/{key}`` URIs; keys are slugs, so nothing needs escaping."""

    def __init__(self, base_iri: str) -> None:
        self.base = base_iri

    def __call__(self, kind: str, *keys: str) -> URIRef:
        if kind not in KINDS:
            raise ValueError(f"no URI kind {kind!r} in model/kinds.py")
        return URIRef(f"{self.base}id/{kind}/{'/'.join(keys)}")


def _number(value: Decimal, unit: Unit | None = None) -> Literal:
    """Counts are integers; everything else an xsd:decimal in its XSD 1.1 canonical form
    ("83", "1.4"), the form the store answers with, so a dump and an answer say the same."""
    if unit is Unit.COUNT and value == value.to_integral_value():
        return Literal(int(value), datatype=XSD.integer)
    return Literal(format(value.normalize(), "f"), datatype=XSD.decimal)


def _date(value: dt.date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)


class _Builder:
    def __init__(self, base_iri: str) -> None:
        self.g = Graph(bind_namespaces="none")
        for prefix, ns in PREFIXES.items():
            self.g.bind(prefix, ns)
        self.id = Ids(base_iri)

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal | None) -> None:
        if o is not None:
            self.g.add((s, p, o))

    def label(self, s: URIRef, text: str, concept: bool = False) -> None:
        self.add(s, RDFS.label, Literal(text, lang="en"))
        if concept:
            self.add(s, SKOS.prefLabel, Literal(text, lang="en"))

    def alt_labels(self, s: URIRef, labels: tuple[str, ...]) -> None:
        for text in labels:
            self.add(s, SKOS.altLabel, Literal(text, lang="en"))

    def period(self, period: Period) -> URIRef:
        """An instant for a stock at a date, otherwise a time:ProperInterval between two."""
        if period.is_instant:
            return self._instant(period.end)
        node = self.id("period", period.key)
        self.add(node, RDF.type, TIME.ProperInterval)
        begin = period.begin.isoformat() if period.begin else "start not given"
        self.label(node, f"{begin} – {period.end.isoformat()}")
        if period.months:  # "the past 18 months": the wording's duration, back from its anchor
            duration = self.id("duration", f"{period.months}-months")
            self.add(node, TIME.hasDuration, duration)
            self.add(duration, RDF.type, TIME.Duration)
            self.label(duration, f"{period.months} months")
            self.add(duration, TIME.numericDuration, _number(Decimal(period.months)))
            self.add(duration, TIME.unitType, TIME.unitMonth)
        if period.begin:
            self.add(node, TIME.hasBeginning, self._instant(period.begin))
        self.add(node, TIME.hasEnd, self._instant(period.end))
        return node

    def _instant(self, day: dt.date) -> URIRef:
        node = self.id("date", day.isoformat())
        self.add(node, RDF.type, TIME.Instant)
        self.label(node, day.isoformat())
        self.add(node, TIME.inXSDDate, _date(day))
        return node

    def quote(
        self, sf: SourceFile, kind: str, key: str, quote: Quote, provenance: Provenance
    ) -> URIRef:
        """The words a figure or claim stands on, in their document and their language."""
        node = self.id("quote", sf.source.key, kind, key)
        selector = self.id("selector", sf.source.key, kind, key)
        self.add(node, RDF.type, OA.SpecificResource)
        self.add(node, OA.hasSource, _document_iri(self.id, sf, provenance.document))
        self.add(node, OA.hasSelector, selector)
        grade = provenance.reliability or sf.grade(provenance.document)
        if grade:
            self.add(node, POW.reliability, RELIABILITY[grade])
        language = sf.language(provenance.document)
        if provenance.translation:  # ours, labelled so: never published as the source's words
            body = self.id("translation", sf.source.key, kind, key)
            self.add(node, POW.translation, body)
            self.add(body, RDF.type, OA.TextualBody)
            self.add(body, RDF.value, Literal(provenance.translation, lang="en"))
            self.add(body, DCTERMS.creator, self.id("organization", POWGRAPH))
            self.add(body, SKOS.note, Literal(OUR_TRANSLATION, lang="en"))
        self.add(selector, RDF.type, OA.TextQuoteSelector)
        self.add(selector, OA.exact, Literal(quote.exact, lang=language))
        self.add(selector, OA.prefix, Literal(quote.prefix, lang=language))
        self.add(selector, OA.suffix, Literal(quote.suffix, lang=language))
        return node

    def provenance(self, sf: SourceFile, kind: str, key: str, p: Provenance) -> None:
        """Who counted and who stated a figure or claim (PROV qualified attribution, a role
        each), how it is evidenced, and its links to other sources' figures."""
        node = self.id(kind, sf.source.key, key)
        agents = {"originator": p.originator or sf.source.originator, "stated_by": p.stated_by}
        for role, agent in agents.items():
            if agent is None:
                continue
            attribution = self.id("attribution", sf.source.key, kind, key, role.replace("_", "-"))
            self.add(node, PROV.wasAttributedTo, self.id("organization", agent))
            self.add(node, PROV.qualifiedAttribution, attribution)
            self.add(attribution, RDF.type, PROV.Attribution)
            self.add(attribution, PROV.agent, self.id("organization", agent))
            self.add(attribution, PROV.hadRole, ROLES[role])
        self.add(node, POW.evidenceStatus, EVIDENCE[p.evidence])
        for url in p.see_also:  # the publications an editorial note cites
            self.add(node, RDFS.seeAlso, URIRef(url))
        for ref in p.variant_of:
            self.add(node, POW.variantOf, self.id("observation", *ref.split("/")))
        for ref in p.conflicts_with:
            self.add(node, POW.conflictsWith, self.id("observation", *ref.split("/")))


def convert(data: Data, base_iri: str) -> Graph:
    """The whole published graph: vocabulary data, variables, one dataset per source."""
    b = _Builder(base_iri)
    _structure(b)
    _units(b)
    for o in data.organizations:
        node = b.id("organization", o.key)
        b.add(node, RDF.type, PROV.Organization)
        b.add(node, RDF.type, SCHEMA.Organization)
        b.label(node, o.label)
        b.alt_labels(node, o.alt_labels)
        b.add(node, DCTERMS.description, Literal(o.definition, lang="en"))
    for p in data.places:
        node = b.id("place", p.key)
        b.add(node, RDF.type, PLACE_CLASSES[p.kind])
        b.add(node, RDF.type, SCHEMA.Place)
        b.label(node, p.label)
        b.alt_labels(node, p.alt_labels)
        if p.within:
            b.add(node, SCHEMA.containedInPlace, b.id("place", p.within))
        if p.wikidata:  # the same thing, without importing Wikidata's statements as ours
            b.add(node, SKOS.exactMatch, WD[p.wikidata])
        if p.iso3166_2:
            b.add(node, DCTERMS.identifier, Literal(p.iso3166_2))
    for e in data.events:
        node = b.id("event", e.key)
        b.add(node, RDF.type, SCHEMA.Event)
        b.label(node, e.label)
        b.alt_labels(node, e.alt_labels)
        b.add(node, SCHEMA.startDate, _date(e.begin))
        if e.wikidata:
            b.add(node, SKOS.exactMatch, WD[e.wikidata])
    for x in data.exchanges:
        _exchange(b, x)
    for pop in data.populations:
        node = b.id("population", pop.key)
        b.add(node, RDF.type, POW.Population)
        b.add(node, RDF.type, RDFS.Class)
        b.label(node, pop.label, concept=True)
        b.add(node, SKOS.definition, Literal(pop.definition, lang="en"))
    for scheme in data.schemes:
        scheme_node = b.id("scheme", scheme.key)
        b.add(scheme_node, RDF.type, SKOS.ConceptScheme)
        b.label(scheme_node, scheme.label)
        for c in scheme.concepts:
            node = b.id("concept", scheme.key, c.key)
            b.add(node, RDF.type, SKOS.Concept)
            b.label(node, c.label, concept=True)
            b.add(node, SKOS.definition, Literal(c.definition, lang="en"))
            b.add(node, SKOS.inScheme, scheme_node)
            b.add(node, SKOS.topConceptOf, scheme_node)
    for bd in data.breakdowns:
        node = b.id("breakdown", bd.key)
        b.add(node, RDF.type, POW.Breakdown)
        b.label(node, bd.label)
        b.add(node, POW.exhaustive, Literal(bd.exhaustive))
    variables = b.id("scheme", VARIABLES)
    b.add(variables, RDF.type, SKOS.ConceptScheme)
    b.label(variables, "Statistical variables")
    for v in data.variables:
        _variable(b, v, variables)
    labels = {v.key: v.label for v in data.variables}
    for sf in data.sources:
        _source(b, sf, labels)
    return b.g


def text_graph(data: Data, base_iri: str) -> Graph:
    """The stored source texts, for validating quotes only; never published (copyright). Every
    document of a file is quoted from the file's one stored text."""
    ids, g = Ids(base_iri), Graph()
    for sf in data.sources:
        for document in (None, *(d.key for d in sf.documents)):
            g.add((_document_iri(ids, sf, document), SCHEMA.text, Literal(sf.source.text)))
    return g


def _document_iri(ids: Ids, sf: SourceFile, document: str | None) -> URIRef:
    """The source's own document, or another the file quotes (id/source/KEY/DOCUMENT)."""
    return ids("source", sf.source.key, *(() if document is None else (document,)))


def _exchange(b: _Builder, x: Exchange) -> None:
    """A prisoner exchange as an event: its day (or its stages' first and last), the states
    exchanging, the mediator, and each authority's number for it."""
    node = b.id("exchange", x.key)
    b.add(node, RDF.type, POW.PrisonerExchange)
    b.add(node, RDF.type, SCHEMA.Event)
    b.label(node, x.label)
    b.add(node, SCHEMA.startDate, _date(x.dates[0]))
    b.add(node, SCHEMA.endDate, _date(x.dates[-1]))
    for day in x.dates:
        b.add(node, POW.stageDate, _date(day))
    for party in x.parties:
        b.add(node, POW.party, b.id("place", party))
    if x.mediator:
        b.add(node, POW.mediator, b.id("place", x.mediator))
    for org, number in x.ordinals:
        ordinal = b.id("exchange", x.key, "ordinal", org)
        b.add(node, POW.numbering, ordinal)
        b.add(ordinal, POW.numberedBy, b.id("organization", org))
        b.add(ordinal, POW.ordinalNumber, Literal(number))


def _structure(b: _Builder) -> None:
    dsd = b.id("structure", STRUCTURE)
    b.add(dsd, RDF.type, QB.DataStructureDefinition)
    b.label(dsd, "Published figures on prisoners of war")
    for order, (prop, kind, required) in enumerate(COMPONENTS, start=1):
        spec = b.id("structure", STRUCTURE, prop.split("#")[-1])
        b.add(dsd, QB.component, spec)
        b.add(spec, RDF.type, QB.ComponentSpecification)
        b.add(spec, kind, prop)
        b.add(spec, QB.order, Literal(order))
        if kind == QB.attribute:
            b.add(spec, QB.componentRequired, Literal(required))


def _units(b: _Builder) -> None:
    for node, label in UNITS.values():
        b.label(node, label)


def _variable(b: _Builder, v: Variable, scheme: URIRef) -> None:
    node = b.id("variable", v.key)
    b.add(node, RDF.type, SCHEMA.StatisticalVariable)
    b.add(node, RDF.type, SKOS.Concept)
    b.add(node, SKOS.inScheme, scheme)
    b.label(node, v.label, concept=True)
    for successor in v.replaced_by:  # withdrawn: the URI stays and says what replaces it
        b.add(node, DCTERMS.isReplacedBy, b.id("variable", successor))
    if v.replaced_by:
        b.add(node, OWL.deprecated, Literal(True))
    b.add(node, SKOS.definition, Literal(v.definition, lang="en"))
    b.add(node, SCHEMA.populationType, b.id("population", v.population))
    b.add(node, SCHEMA.measuredProperty, MEASURED_PROPERTIES[v.measured_property])
    b.add(node, SCHEMA.statType, STAT_TYPES[v.stat_type])
    for c in v.constraints:
        b.add(node, POW.constraint, b.id("concept", *c.split("/")))
    if v.part_of:
        b.add(node, POW.partOf, b.id("variable", v.part_of))
    if v.denominator:
        b.add(node, SCHEMA.measurementDenominator, b.id("variable", v.denominator))
    if v.breakdown:
        b.add(b.id("breakdown", v.breakdown), SKOS.member, node)


def _source(b: _Builder, sf: SourceFile, variable_labels: dict[str, str]) -> None:
    s: Source = sf.source
    doc, dataset = b.id("source", s.key), b.id("dataset", s.key)
    own = Document(
        "", s.title, s.title_supplied, s.issued, s.language, s.publisher, s.url, None, None
    )
    for d in (own, *sf.documents):
        node = _document_iri(b.id, sf, d.key or None)
        _document(b, node, d)
        b.add(dataset, PROV.wasDerivedFrom, node)
    if s.note:
        b.add(doc, SKOS.note, Literal(s.note, lang="en"))
    b.add(dataset, RDF.type, QB.DataSet)
    b.add(dataset, RDF.type, DCAT.Dataset)
    b.add(dataset, QB.structure, b.id("structure", STRUCTURE))
    b.add(dataset, DCTERMS.title, Literal(f"Figures and claims from: {s.title}", lang="en"))
    b.add(dataset, DCTERMS.license, CC_BY_4)
    b.add(dataset, DCTERMS.issued, _date(s.issued))
    if s.about:
        b.add(dataset, DCTERMS.subject, b.id("event", s.about))
    # the data set is powgraph's reading of the document (CC BY); its figures are the originator's
    b.add(dataset, DCTERMS.creator, b.id("organization", POWGRAPH))
    b.add(dataset, PROV.wasAttributedTo, b.id("organization", POWGRAPH))
    for replaced in sf.replaced:
        old = b.id("observation", s.key, replaced.key)
        b.add(old, RDF.type, PROV.Entity)
        b.add(old, OWL.deprecated, Literal(True))
        b.add(old, SKOS.changeNote, Literal(replaced.note, lang="en"))
        b.label(old, f"Replaced reading: {replaced.key}")
        for successor in replaced.by:
            b.add(old, DCTERMS.isReplacedBy, b.id("observation", s.key, successor))
    for fig in sf.figures:
        _figure(b, sf, fig, dataset)
        b.label(
            b.id("observation", s.key, fig.key), f"{fig.printed}: {variable_labels[fig.variable]}"
        )
    for claim in sf.claims:
        _claim(b, sf, claim, dataset)


def _document(b: _Builder, node: URIRef, d: Document) -> None:
    """A publication: the source's own or another it quotes (title, date, language as an IRI,
    its address as schema:url — dcterms:source would say it was derived from it — publisher)."""
    b.add(node, RDF.type, SCHEMA.CreativeWork)
    b.add(node, RDF.type, PROV.Entity)
    b.add(node, DCTERMS.title, Literal(d.title, lang=d.language))
    if d.title_supplied:
        b.add(node, SKOS.editorialNote, Literal(SUPPLIED, lang="en"))
    b.add(node, DCTERMS.issued, _date(d.issued))
    b.add(node, DCTERMS.language, LANGUAGES[d.language])
    if d.url:
        b.add(node, SCHEMA.url, URIRef(d.url))
    if d.publisher:
        b.add(node, DCTERMS.publisher, b.id("organization", d.publisher))
    if d.translated_by:
        b.add(node, SCHEMA.translator, b.id("organization", d.translated_by))


def _figure(b: _Builder, sf: SourceFile, f: Figure, dataset: URIRef) -> None:
    node = b.id("observation", sf.source.key, f.key)
    b.add(node, RDF.type, QB.Observation)
    b.add(node, QB.dataSet, dataset)
    b.add(node, POW.statisticalVariable, b.id("variable", f.variable))
    b.add(node, POW.referencePeriod, b.period(f.period))
    if f.bound in VALUED:  # a bound is never the value (MODEL.md invariant 2)
        b.add(node, SDMX_MEASURE.obsValue, _number(f.values[0], f.unit))
    b.add(node, SDMX_ATTRIBUTE.unitMeasure, UNITS[f.unit][0])
    b.add(node, POW.printedValue, Literal(f.printed))
    b.add(node, POW.boundKind, BOUNDS[f.bound])
    b.add(node, POW.approximation, APPROXIMATIONS[f.approximation])
    if f.approximation is Approximation.APPROXIMATE:
        b.add(node, SDMX_ATTRIBUTE.obsStatus, SDMX_CODE["obsStatus-E"])
    if f.interval.min is not None:
        b.add(node, POW.minValue, _number(f.interval.min))
        b.add(node, POW.minInclusive, Literal(f.interval.min_inclusive))
    if f.interval.max is not None:
        b.add(node, POW.maxValue, _number(f.interval.max))
        b.add(node, POW.maxInclusive, Literal(f.interval.max_inclusive))
    if f.hedge:
        b.add(node, POW.hedge, Literal(f.hedge.lower()))
    if f.end_inferred:
        b.add(node, POW.periodEndInferred, Literal(True))
    if f.small_count:
        b.add(node, POW.smallCount, Literal(True))
    if f.exchange:
        b.add(node, POW.event, b.id("exchange", f.exchange))
    if f.ambiguity:
        b.add(node, POW.ambiguity, Literal(f.ambiguity, lang="en"))
    b.add(node, PROV.wasDerivedFrom, b.quote(sf, "observation", f.key, f.quote, f.provenance))
    b.provenance(sf, "observation", f.key, f.provenance)


def _claim(b: _Builder, sf: SourceFile, c: Claim, dataset: URIRef) -> None:
    node = b.id("claim", sf.source.key, c.key)
    b.add(node, RDF.type, CLAIM_CLASSES[c.kind])
    b.add(node, DCTERMS.isPartOf, dataset)
    b.label(node, c.label)
    if c.hedge:
        b.add(node, POW.hedge, Literal(c.hedge.lower()))
    if c.ambiguity:
        b.add(node, POW.ambiguity, Literal(c.ambiguity, lang="en"))
    if c.end_inferred:
        b.add(node, POW.periodEndInferred, Literal(True))
    if c.variable:
        b.add(node, POW.statisticalVariable, b.id("variable", c.variable))
    if c.period:
        b.add(node, POW.referencePeriod, b.period(c.period))
    if c.trend:
        b.add(node, POW.trend, TRENDS[c.trend])
    if c.step:
        b.add(node, POW.trendStep, STEPS[c.step])
    if c.degree:
        b.add(node, POW.trendDegree, Literal(c.degree.lower()))
    if c.relation:
        b.add(node, POW.relation, RELATIONS[c.relation])
    if c.left_variable:
        b.add(node, POW.leftVariable, b.id("variable", c.left_variable))
    if c.right_variable:
        b.add(node, POW.rightVariable, b.id("variable", c.right_variable))
    for period in c.left_periods:
        b.add(node, POW.leftPeriod, b.period(period))
    for period in c.right_periods:
        b.add(node, POW.rightPeriod, b.period(period))
    for area in c.areas:
        b.add(node, POW.rankedArea, b.id("place", area))
    for subject in c.subjects:
        b.add(node, DCTERMS.subject, b.id("place", subject))
    for ref in c.disputes:
        b.add(node, CITO.disputes, b.id("observation", *ref.split("/")))
    b.add(node, PROV.wasDerivedFrom, b.quote(sf, "claim", c.key, c.quote, c.provenance))
    b.provenance(sf, "claim", c.key, c.provenance)
