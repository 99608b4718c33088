"""How a printed figure becomes numbers: the numerals in its wording and the interval its
qualifier implies. The policy is written out in data/README.md; this module is its only code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Unit(StrEnum):
    COUNT = "count"
    PERCENT = "percent"
    PER_WEEK = "per-week"
    YEARS = "years"


class Bound(StrEnum):
    POINT = "point"
    APPROXIMATE = "approximate"
    LOWER_EXCLUSIVE = "lower-exclusive"
    LOWER_INCLUSIVE = "lower-inclusive"
    UPPER_EXCLUSIVE = "upper-exclusive"
    UPPER_INCLUSIVE = "upper-inclusive"
    RANGE = "range"
    MAGNITUDE = "magnitude"


class Approximation(StrEnum):
    EXACT = "exact"
    APPROXIMATE = "approximate"
    NEAR = "near"
    VAGUE = "vague"


# How many numbers each bound kind prints: a range two, a magnitude word none, the rest one.
NUMERALS_PER_BOUND = {Bound.RANGE: 2, Bound.MAGNITUDE: 0}

_DIGITS = re.compile(
    r"(?<![\w.,])(?P<int>\d{1,3}(?:[,\u00a0\u202f ]\d{3})+|\d+)(?:\.(?P<frac>\d+))?(?!\w)"
)
_WORDS = {
    word: Decimal(n)
    for n, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()
    )
}
_WORD = re.compile(r"\b(" + "|".join(_WORDS) + r"|half)\b", re.IGNORECASE)
HUNDRED = Decimal(100)
ZERO = Decimal(0)  # every unit here counts or measures something non-negative


@dataclass(frozen=True)
class Numeral:
    """A number as printed: its value and the precision its digits show."""

    value: Decimal
    text: str
    rounding_unit: Decimal


@dataclass(frozen=True)
class Interval:
    """Where the true value lies; ``None`` is an open end (unbounded)."""

    min: Decimal | None
    min_inclusive: bool
    max: Decimal | None
    max_inclusive: bool


def numerals(printed: str, unit: Unit) -> list[Numeral]:
    """Every number in the printed wording, in order: digits with separators, or number words."""
    found: list[tuple[int, Numeral]] = []
    for m in _DIGITS.finditer(printed):
        digits = re.sub(r"\D", "", m["int"])
        frac = m["frac"] or ""
        value = Decimal(f"{digits}.{frac}" if frac else digits)
        found.append((m.start(), Numeral(value, m[0], _rounding_unit(digits, frac, unit))))
    for m in _WORD.finditer(printed):
        word = m[0].lower()
        if word == "half":
            if unit is not Unit.PERCENT:
                continue
            found.append((m.start(), Numeral(Decimal(50), m[0], Decimal(1))))
        else:
            found.append((m.start(), Numeral(_WORDS[word], m[0], Decimal(1))))
    return [n for _, n in sorted(found, key=lambda pair: pair[0])]


def _rounding_unit(digits: str, frac: str, unit: Unit) -> Decimal:
    """Decimals set the unit; a round count ("6,000") is read at the precision of its zeros."""
    if frac:
        return Decimal(1).scaleb(-len(frac))
    if unit is Unit.COUNT:
        zeros = len(digits) - len(digits.rstrip("0"))
        return Decimal(1).scaleb(min(zeros, len(digits) - 1))
    return Decimal(1)


def implied_interval(
    unit: Unit, bound: Bound, approximation: Approximation, printed: list[Numeral]
) -> Interval:
    """The interval the wording implies by the rounding policy (data/README.md, "Intervals")."""
    if bound is Bound.MAGNITUDE:
        return Interval(None, True, None, True)
    if bound is Bound.RANGE:
        first, last = printed
        return Interval(first.value, True, last.value, True)
    (numeral,) = printed
    v, u = numeral.value, numeral.rounding_unit
    near = approximation is Approximation.NEAR
    cap = HUNDRED if unit is Unit.PERCENT else None
    if bound is Bound.POINT:
        if unit is Unit.COUNT:
            return Interval(v, True, v, True)
        if unit is Unit.YEARS and numeral.rounding_unit == 1:  # an age in completed years
            return Interval(v, True, v + 1, False)
        return Interval(max(v - u / 2, ZERO), True, _capped(v + u / 2, cap), True)
    if bound is Bound.APPROXIMATE:
        return Interval(max(v - u, ZERO), True, _capped(v + u, cap), True)
    if bound in (Bound.LOWER_EXCLUSIVE, Bound.LOWER_INCLUSIVE):
        upper = _capped(v + u, cap) if near else cap
        return Interval(v, bound is Bound.LOWER_INCLUSIVE, upper, True)
    low = max(v - u, ZERO) if near else ZERO
    return Interval(low, True, v, bound is Bound.UPPER_INCLUSIVE)


def _capped(value: Decimal, cap: Decimal | None) -> Decimal:
    return value if cap is None else min(value, cap)
