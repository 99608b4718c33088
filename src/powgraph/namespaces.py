"""Vocabulary namespaces. ``POW`` lists our ontology's terms; a test keeps it in sync with
ontology/pow.ttl, and ``_fail`` makes a typo an error instead of a new IRI."""

from rdflib import Namespace, URIRef
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    OWL,
    PROV,
    QB,
    RDFS,
    SKOS,
    TIME,
    XSD,
    DefinedNamespace,
)

SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
SDMX_CODE = Namespace("http://purl.org/linked-data/sdmx/2009/code#")
OA = Namespace("http://www.w3.org/ns/oa#")
UNIT = Namespace("http://qudt.org/vocab/unit/")
SCHEMA = Namespace("https://schema.org/")  # rdflib's SDO lacks StatisticalVariable
WD = Namespace("http://www.wikidata.org/entity/")
CITO = Namespace("http://purl.org/spar/cito/")  # a claim that disputes a figure
CC_BY_4 = URIRef("https://creativecommons.org/licenses/by/4.0/")
ONTOLOGY_IRI = URIRef("https://w3id.org/powgraph/def")


class POW(DefinedNamespace):
    """https://w3id.org/powgraph/def# — see ontology/pow.ttl for each term's definition."""

    _NS = Namespace("https://w3id.org/powgraph/def#")
    _fail = True

    # classes
    Claim: URIRef
    ComparisonClaim: URIRef
    TrendClaim: URIRef
    RankingClaim: URIRef
    QualitativeClaim: URIRef
    DisputeClaim: URIRef
    Breakdown: URIRef
    Population: URIRef
    # observation components
    statisticalVariable: URIRef
    referencePeriod: URIRef
    printedValue: URIRef
    hedge: URIRef
    boundKind: URIRef
    approximation: URIRef
    minValue: URIRef
    maxValue: URIRef
    minInclusive: URIRef
    maxInclusive: URIRef
    periodEndInferred: URIRef
    smallCount: URIRef
    ambiguity: URIRef
    # statistical variables
    constraint: URIRef
    partOf: URIRef
    exhaustive: URIRef
    count: URIRef
    age: URIRef
    measuredValue: URIRef
    meanValue: URIRef
    distinctCount: URIRef
    rangeOfValues: URIRef
    lowestValue: URIRef
    highestValue: URIRef
    # claims
    relation: URIRef
    leftVariable: URIRef
    rightVariable: URIRef
    leftPeriod: URIRef
    rightPeriod: URIRef
    trend: URIRef
    trendStep: URIRef
    trendDegree: URIRef
    # provenance beyond the quote
    evidenceStatus: URIRef
    EvidenceStatuses: URIRef
    evidenceStated: URIRef
    evidenceReported: URIRef
    evidenceAlleged: URIRef
    evidenceDocumented: URIRef
    evidenceVerified: URIRef
    reliability: URIRef
    ReliabilityGrades: URIRef
    reliabilityHigh: URIRef
    reliabilityMediumHigh: URIRef
    reliabilityMedium: URIRef
    reliabilityLowMedium: URIRef
    reliabilityLow: URIRef
    originator: URIRef
    statedBy: URIRef
    variantOf: URIRef
    conflictsWith: URIRef
    translation: URIRef
    # events
    PrisonerExchange: URIRef
    event: URIRef
    stageDate: URIRef
    party: URIRef
    mediator: URIRef
    numbering: URIRef
    numberedBy: URIRef
    ordinalNumber: URIRef
    rankedArea: URIRef
    # code lists
    BoundKinds: URIRef
    boundPoint: URIRef
    boundApproximate: URIRef
    boundLowerExclusive: URIRef
    boundLowerInclusive: URIRef
    boundUpperExclusive: URIRef
    boundUpperInclusive: URIRef
    boundRange: URIRef
    boundMagnitude: URIRef
    Approximations: URIRef
    exact: URIRef
    approximate: URIRef
    near: URIRef
    vague: URIRef
    Relations: URIRef
    greaterThan: URIRef
    lessThan: URIRef
    Trends: URIRef
    increasing: URIRef
    decreasing: URIRef


# The prefixes every serialisation of the graph uses (Turtle dumps, pages).
PREFIXES = {
    "pow": POW._NS,
    "qb": QB,
    "sdmx-measure": SDMX_MEASURE,
    "sdmx-attribute": SDMX_ATTRIBUTE,
    "sdmx-code": SDMX_CODE,
    "oa": OA,
    "prov": PROV,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "dcat": DCAT,
    "schema": SCHEMA,
    "time": TIME,
    "unit": UNIT,
    "wd": WD,
    "owl": OWL,
    "rdfs": RDFS,
    "xsd": XSD,
    "cito": CITO,
}
# Predeclared for every query sent to /sparql, as Wikidata's service does: a query's own PREFIX
# wins. Listed in the service description and the query editor.
QUERY_PREFIXES = {
    **{name: str(ns) for name, ns in PREFIXES.items()},
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "void": "http://rdfs.org/ns/void#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
}
