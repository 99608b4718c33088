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
    PER_MONTH = "per-month"
    PER_DAY = "per-day"
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
# Languages that group thousands with a full stop and mark decimals with a comma: "1.500" is
# 1,500 in a Macedonian or Italian quote, "1,5" one and a half.
DOT_GROUPING = frozenset({"de", "it", "pt", "mk"})
_DOT_DIGITS = re.compile(
    r"(?<![\w.,])(?P<int>\d{1,3}(?:[.\u00a0\u202f ]\d{3})+|\d+)(?:,(?P<frac>\d+))?(?!\w)"
)
# Number words of the archive's languages (en, uk, ru, it, pt, de, mk), with the inflected
# forms its quotes print ("четырех тысяч", "чотирьох"), the collective numerals of Ukrainian
# and Russian ("двоє", "восьмеро": a count of people), the tens and hundreds that compound
# ("Сто вісімдесят троє", "Forty-nine") and the scale words that multiply them ("семь тысяч",
# "6 тыс.", "tremila", "7 mil", "Two hundred"). Only ``printed`` is read, never a whole quote.
_NUMBER_WORDS: dict[Decimal, str] = {
    Decimal(n): words
    for n, words in {
        1: "one один одна одного одну еден една uno una um uma ein eins eine",
        2: "two два две двух дві двох due dois duas zwei двоє двое",
        3: "three три трех трёх трьох tre três drei троє трое",
        4: "four четыре четырех четырёх чотири чотирьох четири quattro quatro vier четверо",
        5: "five пять пяти п'ять п'яти пет cinque cinco fünf п'ятеро пятеро",
        6: "six шесть шести шість шест sei seis sechs шестеро",
        7: "seven семь семи сім седум sette sete sieben семеро",
        8: "eight восемь восьми вісім осум otto oito acht восьмеро",
        9: "nine девять девяти дев'ять девет nove neun дев'ятеро девятеро",
        10: "ten десять десяти десет dieci dez zehn десятеро",
        11: "eleven elf одиннадцать одинадцять",
        12: "twelve zwölf двенадцать дванадцять",
        13: "thirteen тринадцать тринадцять",
        14: "fourteen четырнадцать чотирнадцять",
        15: "fifteen пятнадцать п'ятнадцять",
        16: "sixteen шестнадцать шістнадцять",
        17: "seventeen семнадцать сімнадцять",
        18: "eighteen восемнадцать вісімнадцять",
        19: "nineteen девятнадцать дев'ятнадцять",
        20: "twenty двадцать двадцять",
        30: "thirty тридцать тридцять",
        40: "forty сорок",
        50: "fifty пятьдесят п'ятдесят",
        60: "sixty шестьдесят шістдесят",
        70: "seventy семьдесят сімдесят",
        80: "eighty восемьдесят вісімдесят",
        90: "ninety девяносто дев'яносто",
        100: "сто",
        200: "двести двісті",
        300: "триста",
        400: "четыреста чотириста",
        500: "пятьсот п'ятсот",
        600: "шестьсот шістсот",
        700: "семьсот сімсот",
        800: "восемьсот вісімсот",
        900: "девятьсот дев'ятсот",
    }.items()
}
_NUMBER_WORDS[Decimal("1.5")] = "півтори полтора полторы"  # "півтори тисячі": 1,500


def _apostrophes(word: str) -> set[str]:
    """Ukrainian writes its apostrophe three ways ("п'ять", "п’ять", "пʼять")."""
    return {word.replace("'", mark) for mark in "'’ʼ"}


_WORDS = {
    form: value
    for value, words in _NUMBER_WORDS.items()
    for word in words.split()
    for form in _apostrophes(word)
}
_WORDS["zero"] = Decimal(0)
_SCALES = {
    "hundred": Decimal(100),
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
# English's article before a scale word is one of it: "more than a thousand"
_ARTICLE = r"a(?=\s+(?:hundred|thousand|million)(?!\w))"
_WORD = re.compile(
    r"(?<![\w'’ʼ])("
    + "|".join([*sorted({*_WORDS, *_ITALIAN, *_HALF}, key=len, reverse=True), _ARTICLE])
    + r")(?![\w'’ʼ])",
    re.IGNORECASE,
)
_SCALE = re.compile(
    r"\s*(" + "|".join(sorted(_SCALES, key=len, reverse=True)) + r")(?!\w)\.?", re.IGNORECASE
)
# "тысячи" alone is "thousands" or "of a thousand": after a preposition that takes the genitive
# it is one thousand ("около тысячи", about a thousand; "thousands" would be "около тысяч")
_ONE_THOUSAND = re.compile(
    r"(?<!\w)(?:около|более|менее|свыше|почти|близько|більше|майже)\s+(тысячи|тисячі)(?!\w)",
    re.IGNORECASE,
)
# What may join the words of one compound number: "Forty-nine", "two hundred and seven"
_JOIN = re.compile(r"\s+|\s*-\s*|\s+and\s+", re.IGNORECASE)
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


def numerals(printed: str, unit: Unit, language: str = "en") -> list[Numeral]:
    """Every number in the printed wording, in order: digits with the separators of its
    ``language``, or number words, each times the scale word after it ("семь тысяч", "6 тыс."),
    whose size is then the rounding unit (a thousand: "семь тысяч" is as precise as "7,000");
    the words of one compound number ("Сто вісімдесят троє") are one numeral."""
    digits_pattern = _DOT_DIGITS if language in DOT_GROUPING else _DIGITS
    found: list[tuple[int, int, Numeral]] = []
    for m in digits_pattern.finditer(printed):
        digits = re.sub(r"\D", "", m["int"])
        frac = m["frac"] or ""
        value = Decimal(f"{digits}.{frac}" if frac else digits)
        numeral = Numeral(value, m[0], _rounding_unit(digits, frac, unit))
        found.append((m.start(), -1, _scaled(numeral, printed, m.end())))
    for m in _WORD.finditer(printed):
        word = m[0].lower()
        if word in _HALF:
            if unit is not Unit.PERCENT:
                continue
            found.append((m.start(), -1, Numeral(Decimal(50), m[0], Decimal(1))))
        elif word in _ITALIAN:
            found.append((m.start(), -1, Numeral(_ITALIAN[word], m[0], Decimal(1000))))
        else:
            value = _WORDS.get(word, Decimal(1))  # not a number word: the article "a"
            unit_of_word = Decimal("0.5") if value % 1 else Decimal(1)
            numeral = _scaled(Numeral(value, m[0], unit_of_word), printed, m.end())
            found.append((m.start(), m.start() + len(numeral.text), numeral))
    for m in _ONE_THOUSAND.finditer(printed):
        found.append((m.start(1), -1, Numeral(Decimal(1000), m[1], Decimal(1000))))
    return _compounded(sorted(found, key=lambda item: item[0]), printed)


def _compounded(found: list[tuple[int, int, Numeral]], printed: str) -> list[Numeral]:
    """Adjacent number words that make one number, each smaller than the place it fills
    ("сто" + "вісімдесят" + "троє" = 183; "two hundred" + "seven" = 207), as one numeral;
    ``end`` is -1 for a numeral that takes no part in a compound (digits, "half")."""
    out: list[tuple[int, Numeral]] = []
    for start, end, numeral in found:
        if out and out[-1][0] >= 0 and end >= 0 and _fills(out[-1][1].value, numeral.value):
            last_end, last = out[-1]
            if _JOIN.fullmatch(printed, last_end, start):
                text = printed[last_end - len(last.text) : end]
                unit = min(last.rounding_unit, numeral.rounding_unit)
                out[-1] = (end, Numeral(last.value + numeral.value, text, unit))
                continue
        out.append((end, numeral))
    return [numeral for _, numeral in out]


def _fills(left: Decimal, right: Decimal) -> bool:
    """Whether ``right`` fills the places ``left`` leaves empty (180 and 3, 200 and 7)."""
    if left % 1 or right % 1 or not 0 < right < left:
        return False
    return left % Decimal(10) ** len(str(int(right))) == 0


def _scaled(numeral: Numeral, printed: str, end: int) -> Numeral:
    """A numeral times the scale word right after it, if there is one."""
    scale = _SCALE.match(printed, end)
    if scale is None:
        return numeral
    size = _SCALES[scale[1].lower()]
    text = numeral.text + scale[0]
    return Numeral(_whole(numeral.value * size), text, _whole(numeral.rounding_unit * size))


def _whole(value: Decimal) -> Decimal:
    """A whole number written as one ("півтори тисячі" is 1500, not 1500.0)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


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
