"""Every enumeration of the data, once: the keys editors write (the loader accepts exactly these)
and the IRI each becomes (the converter writes exactly these)."""

from __future__ import annotations

from powgraph.model.qualifiers import Approximation, Bound, Unit
from powgraph.namespaces import POW, SCHEMA, UNIT

UNITS = {
    Unit.COUNT: (UNIT.NUM, "number"),
    Unit.PERCENT: (UNIT.PERCENT, "percent"),
    Unit.PER_WEEK: (UNIT["PER-WK"], "per week"),
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
}
CLAIM_CLASSES = {
    "comparison": POW.ComparisonClaim,
    "trend": POW.TrendClaim,
    "ranking": POW.RankingClaim,
    "qualitative": POW.QualitativeClaim,
}
RELATIONS = {"greater-than": POW.greaterThan, "less-than": POW.lessThan}
TRENDS = {"increasing": POW.increasing, "decreasing": POW.decreasing}
PLACE_CLASSES = {
    "country": SCHEMA.Country,
    "region": SCHEMA.AdministrativeArea,
    "district": SCHEMA.AdministrativeArea,
}
