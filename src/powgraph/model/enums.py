"""Every enumeration of the data, once: the keys editors write (the loader accepts exactly these)
and the IRI each becomes (the converter writes exactly these)."""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import TIME

from powgraph.model.qualifiers import Approximation, Bound, Unit
from powgraph.namespaces import POW, SCHEMA, UNIT

UNITS = {
    Unit.COUNT: (UNIT.NUM, "number"),
    Unit.PERCENT: (UNIT.PERCENT, "percent"),
    Unit.PER_WEEK: (UNIT["PER-WK"], "per week"),
    Unit.PER_MONTH: (UNIT["PER-MO"], "per month"),
    Unit.PER_DAY: (UNIT["PER-DAY"], "per day"),
    Unit.YEARS: (UNIT.YR, "year"),
}
BOUNDS = {
    Bound.POINT: POW.boundPoint,
    Bound.APPROXIMATE: POW.boundApproximate,
    Bound.LOWER_EXCLUSIVE: POW.boundLowerExclusive,
    Bound.LOWER_INCLUSIVE: POW.boundLowerInclusive,
    Bound.UPPER_EXCLUSIVE: POW.boundUpperExclusive,
    Bound.UPPER_INCLUSIVE: POW.boundUpperInclusive,
    Bound.RANGE: POW.boundRange,
    Bound.MAGNITUDE: POW.boundMagnitude,
}
APPROXIMATIONS = {
    Approximation.EXACT: POW.exact,
    Approximation.APPROXIMATE: POW.approximate,
    Approximation.NEAR: POW.near,
    Approximation.VAGUE: POW.vague,
}
MEASURED_PROPERTIES = {"count": POW.count, "age": POW.age, "nationality": SCHEMA.nationality}
STAT_TYPES = {
    "measured-value": POW.measuredValue,
    "mean-value": POW.meanValue,
    "distinct-count": POW.distinctCount,
    "range-of-values": POW.rangeOfValues,
    "lowest-value": POW.lowestValue,
    "highest-value": POW.highestValue,
}
CLAIM_CLASSES = {
    "comparison": POW.ComparisonClaim,
    "trend": POW.TrendClaim,
    "ranking": POW.RankingClaim,
    "qualitative": POW.QualitativeClaim,
    "dispute": POW.DisputeClaim,
}
# how a figure or claim is evidenced, as its source says (Wikidata's "sourcing circumstances")
EVIDENCE = {
    "stated": POW.evidenceStated,
    "reported": POW.evidenceReported,
    "alleged": POW.evidenceAlleged,
    "documented": POW.evidenceDocumented,
    "verified": POW.evidenceVerified,
}
# the archive's reliability grade of a quote (../shared/sources/excerpts/INDEX.md)
RELIABILITY = {
    "high": POW.reliabilityHigh,
    "medium-high": POW.reliabilityMediumHigh,
    "medium": POW.reliabilityMedium,
    "low-medium": POW.reliabilityLowMedium,
    "low": POW.reliabilityLow,
}
# the roles of the agents behind a figure (prov:qualifiedAttribution, prov:hadRole)
ROLES = {"originator": POW.originator, "stated_by": POW.statedBy}
RELATIONS = {"greater-than": POW.greaterThan, "less-than": POW.lessThan}
TRENDS = {"increasing": POW.increasing, "decreasing": POW.decreasing}
# a trend's step ("increasing every year"): OWL-Time's temporal units
STEPS = {"year": TIME.unitYear, "month": TIME.unitMonth, "week": TIME.unitWeek}
# a source's language (ISO 639-1, as editors write it) as the EU's language authority names it,
# the IRI DCAT-AP asks for
LANGUAGE_AUTHORITY = "http://publications.europa.eu/resource/authority/language/"
LANGUAGES = {
    code: URIRef(LANGUAGE_AUTHORITY + name)
    for code, name in (
        ("en", "ENG"), ("uk", "UKR"), ("ru", "RUS"), ("it", "ITA"), ("pt", "POR"), ("de", "DEU"),
        ("mk", "MKD"), ("fr", "FRA"), ("pl", "POL"),
    )
}  # fmt: skip
PLACE_CLASSES = {
    "country": SCHEMA.Country,
    "region": SCHEMA.AdministrativeArea,
    "district": SCHEMA.AdministrativeArea,
}
