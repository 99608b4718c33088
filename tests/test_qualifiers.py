"""The rounding policy of data/README.md, as a table, plus properties over typed numbers."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from powgraph.model.qualifiers import (
    Approximation,
    Bound,
    Interval,
    Unit,
    implied_interval,
    numerals,
)

A = Approximation
POLICY = [
    # printed, unit, bound, approximation -> interval
    ("83%", Unit.PERCENT, Bound.POINT, A.EXACT, Interval(D("82.5"), True, D("83.5"), True)),
    ("100%", Unit.PERCENT, Bound.POINT, A.EXACT, Interval(D("99.5"), True, D(100), True)),
    ("0%", Unit.PERCENT, Bound.POINT, A.EXACT, Interval(D(0), True, D("0.5"), True)),
    ("1.4%", Unit.PERCENT, Bound.POINT, A.EXACT, Interval(D("1.35"), True, D("1.45"), True)),
    ("350", Unit.PER_WEEK, Bound.POINT, A.EXACT, Interval(D("349.5"), True, D("350.5"), True)),
    ("Four", Unit.COUNT, Bound.POINT, A.EXACT, Interval(D(4), True, D(4), True)),
    (
        "about 76%",
        Unit.PERCENT,
        Bound.APPROXIMATE,
        A.APPROXIMATE,
        Interval(D(75), True, D(77), True),
    ),
    (
        "about 600",
        Unit.COUNT,
        Bound.APPROXIMATE,
        A.APPROXIMATE,
        Interval(D(500), True, D(700), True),
    ),
    (
        "more than 10,000",
        Unit.COUNT,
        Bound.LOWER_EXCLUSIVE,
        A.EXACT,
        Interval(D(10000), False, None, True),
    ),
    (
        "just over 6,000",
        Unit.COUNT,
        Bound.LOWER_EXCLUSIVE,
        A.NEAR,
        Interval(D(6000), False, D(7000), True),
    ),
    (
        "just over 6 000",
        Unit.COUNT,
        Bound.LOWER_EXCLUSIVE,
        A.NEAR,
        Interval(D(6000), False, D(7000), True),
    ),
    (
        "at least 237",
        Unit.COUNT,
        Bound.LOWER_INCLUSIVE,
        A.EXACT,
        Interval(D(237), True, None, True),
    ),
    (
        "more than half",
        Unit.PERCENT,
        Bound.LOWER_EXCLUSIVE,
        A.VAGUE,
        Interval(D(50), False, D(100), True),
    ),
    ("almost 3%", Unit.PERCENT, Bound.UPPER_EXCLUSIVE, A.NEAR, Interval(D(2), True, D(3), False)),
    ("up to 40", Unit.COUNT, Bound.UPPER_INCLUSIVE, A.EXACT, Interval(D(0), True, D(40), True)),
    ("from 60 to 90", Unit.PER_WEEK, Bound.RANGE, A.EXACT, Interval(D(60), True, D(90), True)),
    ("2–3", Unit.PER_WEEK, Bound.RANGE, A.EXACT, Interval(D(2), True, D(3), True)),
    ("thousands", Unit.COUNT, Bound.MAGNITUDE, A.VAGUE, Interval(None, True, None, True)),
]


@pytest.mark.parametrize(("printed", "unit", "bound", "approx", "expected"), POLICY)
def test_policy(printed: str, unit: Unit, bound: Bound, approx: A, expected: Interval) -> None:
    assert implied_interval(unit, bound, approx, numerals(printed, unit)) == expected


@pytest.mark.parametrize(
    ("printed", "unit", "values"),
    [
        ("more than 10,000", Unit.COUNT, [10000]),
        ("2–3", Unit.COUNT, [2, 3]),
        ("from 18 to 65", Unit.YEARS, [18, 65]),
        ("1.4%", Unit.PERCENT, [D("1.4")]),
        ("Almost half", Unit.PERCENT, [50]),
        ("half", Unit.COUNT, []),  # "half" is a share, never a count
        ("Four", Unit.COUNT, [4]),
        ("40 countries", Unit.COUNT, [40]),
        ("hundreds", Unit.COUNT, []),
    ],
)
def test_numerals(printed: str, unit: Unit, values: list[D]) -> None:
    assert [n.value for n in numerals(printed, unit)] == values


@pytest.mark.parametrize(
    ("printed", "value", "rounding"),
    [
        ("семь тысяч", 7000, 1000),  # ru: "seven thousand", as precise as "7,000"
        ("более четырех тысяч", 4000, 1000),  # ru, genitive
        ("около 6 тыс.", 6000, 1000),  # ru, digits and an abbreviated scale word
        ("більше 6235", 6235, 1),  # uk
        ("чотирьох тисяч", 4000, 1000),  # uk, genitive
        ("tremila", 3000, 1000),  # it, one word
        ("sette mila", 7000, 1000),
        ("7 mil", 7000, 1000),  # pt
        ("mehr als vier Tausend", 4000, 1000),  # de
        ("седум илјади", 7000, 1000),  # mk
        ("seven thousand", 7000, 1000),
    ],
)
def test_numerals_in_the_archives_languages(printed: str, value: int, rounding: int) -> None:
    """Quotes stay in their language; the number check reads their words and scale words."""
    (numeral,) = numerals(printed, Unit.COUNT)
    assert (numeral.value, numeral.rounding_unit) == (value, rounding)


@pytest.mark.parametrize(
    ("printed", "language", "value", "rounding"),
    [
        ("Two hundred and seven", "en", 207, 1),  # a compound number in words
        ("Forty-nine", "en", 49, 1),
        ("Сто вісімдесят троє", "uk", 183, 1),  # uk: hundred, tens and a collective numeral
        ("двоє", "uk", 2, 1),  # uk collective numerals count people
        ("восьмеро", "uk", 8, 1),
        ("п’ятеро", "uk", 5, 1),  # either apostrophe
        ("трое", "ru", 3, 1),
        ("двісті сорок", "uk", 240, 1),  # a number word is read as exact, as "Four" is
        ("more than a thousand", "en", 1000, 1000),  # the article before a scale word
        ("около тысячи", "ru", 1000, 1000),  # "тысячи" after a genitive preposition: one
        ("півтори тисячі", "uk", 1500, 500),  # one and a half thousand
        ("1.500", "mk", 1500, 100),  # mk, it, pt, de group thousands with a full stop
        ("poco più di 3.400", "it", 3400, 100),
        ("1,4", "it", D("1.4"), D("0.1")),  # and write decimals with a comma
        ("1.4", "en", D("1.4"), D("0.1")),
    ],
)
def test_numerals_in_words_and_separators_of_a_language(
    printed: str, language: str, value: D, rounding: D
) -> None:
    (numeral,) = numerals(printed, Unit.COUNT, language)
    assert (numeral.value, numeral.rounding_unit) == (value, rounding)


@pytest.mark.parametrize(
    ("printed", "values"),
    [
        ("тысячи", []),  # alone: the magnitude "thousands", never a number
        ("from two to three", [2, 3]),  # words joined by anything but a space, hyphen or "and"
        ("one, two", [1, 2]),
        ("three two", [3, 2]),  # a smaller place only follows a larger one: not 32
        ("ten eleven", [10, 11]),
    ],
)
def test_words_that_do_not_compound(printed: str, values: list[int]) -> None:
    assert [n.value for n in numerals(printed, Unit.COUNT)] == values


_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_UNITS = "one two three four five six seven eight nine".split()


@given(st.integers(min_value=2, max_value=9), st.integers(min_value=0, max_value=9))
def test_english_tens_and_units_compound(tens: int, units: int) -> None:
    """ "Forty-nine" and "forty nine" are 49, "forty" 40: each 20..99 as words reads back."""
    words = _TENS[tens - 2] + (f"{'-' if units % 2 else ' '}{_UNITS[units - 1]}" if units else "")
    assert [n.value for n in numerals(words, Unit.COUNT)] == [tens * 10 + units]


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["mk", "it", "pt", "de"]))
def test_digits_grouped_with_full_stops_parse_back(n: int, language: str) -> None:
    for sep in (".", " ", "\u00a0", ""):
        printed = f"{n:,}".replace(",", sep)
        assert [x.value for x in numerals(printed, Unit.COUNT, language)] == [n]


@given(st.integers(min_value=0, max_value=10**9))
def test_grouped_digits_parse_back(n: int) -> None:
    for sep in (",", " ", "\u00a0", ""):
        printed = f"more than {n:,}".replace(",", sep)
        assert [x.value for x in numerals(printed, Unit.COUNT)] == [n]


@given(
    st.decimals(min_value=0, max_value=100, places=1, allow_nan=False),
    st.sampled_from([b for b in Bound if b not in (Bound.RANGE, Bound.MAGNITUDE)]),
    st.sampled_from(list(Approximation)),
)
def test_percent_intervals_are_ordered_and_capped(value: D, bound: Bound, approx: A) -> None:
    printed = f"{value}%"
    interval = implied_interval(Unit.PERCENT, bound, approx, numerals(printed, Unit.PERCENT))
    assert interval.min is not None and interval.min >= 0
    assert interval.max is None or interval.min <= interval.max <= 100
    if bound in (Bound.POINT, Bound.APPROXIMATE):
        assert interval.max is not None and interval.min <= value <= interval.max
