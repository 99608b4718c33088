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
# Number words of the archive's languages (en, uk, ru, it, pt, de, mk), with the inflected
# forms its quotes print ("четырех тысяч", "чотирьох"), and the scale words that multiply them
# ("семь тысяч", "6 тыс.", "tremila", "7 mil"). Only ``printed`` is read, never a whole quote.
_NUMBER_WORDS: dict[int, str] = {
    1: "one один одна одного одну еден една uno una um uma ein eins eine",
    2: "two два две двух дві двох due dois duas zwei",
    3: "three три трех трёх трьох tre três drei",
    4: "four четыре четырех четырёх чотири чотирьох четири quattro quatro vier",
    5: "five пять пяти п'ять пʼять п’ять п'яти пет cinque cinco fünf",
    6: "six шесть шести шість шести шест sei seis sechs",
    7: "seven семь семи сім седум sette sete sieben",
    8: "eight восемь восьми вісім осум otto oito acht",
    9: "nine девять девяти дев'ять дев’ять девет nove neun",
    10: "ten десять десяти десет dieci dez zehn",
    11: "eleven elf",
    12: "twelve zwölf",
}
_WORDS = {word: Decimal(n) for n, words in _NUMBER_WORDS.items() for word in words.split()}
_WORDS["zero"] = Decimal(0)
_SCALES = {
    **dict.fromkeys(
        "thousand тысяча тысячи тысяч тыс тисяча тисячі тисяч тис mila mille mil tausend "
        "илјада илјади".split(),
        Decimal(1000),
    ),
    **dict.fromkeys(
        "million миллион миллиона миллионов млн мільйон мільйона мільйонів milione milioni "
        "milhão milhões millionen mio милион милиони".split(),
        Decimal(1_000_000),
    ),
}
# Italian writes its thousands as one word: "tremila" is 3,000
_ITALIAN = {
    f"{word}mila": value * 1000
    for word, value in _WORDS.items()
    if word in "due tre quattro cinque sei sette otto nove dieci".split()
}
# "half", of a share, in the archive's languages
_HALF = {"half", "metade", "metà", "половина", "половину", "половини", "hälfte"}
_WORD = re.compile(
    r"(?<![\w'’ʼ])("
    + "|".join(sorted({*_WORDS, *_ITALIAN, *_HALF}, key=len, reverse=True))
    + r")(?![\w'’ʼ])",
    re.IGNORECASE,
)
_SCALE = re.compile(
    r"\s*(" + "|".join(sorted(_SCALES, key=len, reverse=True)) + r")(?!\w)\.?", re.IGNORECASE
)
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
    """Every number in the printed wording, in order: digits with separators, or number words,
    each times the scale word after it ("семь тысяч", "6 тыс."), whose size is then the
    rounding unit (a thousand: "семь тысяч" is as precise as "7,000")."""
    found: list[tuple[int, Numeral]] = []
    for m in _DIGITS.finditer(printed):
        digits = re.sub(r"\D", "", m["int"])
        frac = m["frac"] or ""
        value = Decimal(f"{digits}.{frac}" if frac else digits)
        numeral = Numeral(value, m[0], _rounding_unit(digits, frac, unit))
        found.append((m.start(), _scaled(numeral, printed, m.end())))
    for m in _WORD.finditer(printed):
        word = m[0].lower()
        if word in _HALF:
            if unit is not Unit.PERCENT:
                continue
            found.append((m.start(), Numeral(Decimal(50), m[0], Decimal(1))))
        elif word in _ITALIAN:
            found.append((m.start(), Numeral(_ITALIAN[word], m[0], Decimal(1000))))
        else:
            numeral = Numeral(_WORDS[word], m[0], Decimal(1))
            found.append((m.start(), _scaled(numeral, printed, m.end())))
    return [n for _, n in sorted(found, key=lambda pair: pair[0])]


def _scaled(numeral: Numeral, printed: str, end: int) -> Numeral:
    """A numeral times the scale word right after it, if there is one."""
    scale = _SCALE.match(printed, end)
    if scale is None:
        return numeral
    size = _SCALES[scale[1].lower()]
    text = numeral.text + scale[0]
    return Numeral(numeral.value * size, text, numeral.rounding_unit * size)


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
