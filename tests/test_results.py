"""Answers written within the caps: once evaluated, whole when they fit, cut and marked when not."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from powgraph.store.results import SOLUTION_FORMATS, TRUNCATED_LINK, serialize

# literals with what each format must escape or quote: a line break, a tab, quotes, a comma
AWKWARD = ["plain", "two\nlines", "a\ttab", 'say "so"', "1,500", "ünïcödé"]


def values(rows: int) -> str:
    cells = " ".join(json.dumps(AWKWARD[n % len(AWKWARD)] + f" {n}") for n in range(rows))
    return f"SELECT ?x ?n {{ VALUES ?x {{ {cells} }} BIND (STRLEN(?x) AS ?n) }}"


class Runs:
    """Results of one query, counting how often the engine was asked."""

    def __init__(self, query: str) -> None:
        self.store, self.query, self.count = ox.Store(), query, 0

    def __call__(self) -> ox.QuerySolutions:
        self.count += 1
        answer = self.store.query(self.query)
        assert isinstance(answer, ox.QuerySolutions)
        return answer


def rows_in(body: bytes, fmt: str) -> int:
    if fmt == "csv":
        return sum(1 for _ in csv.reader(io.StringIO(body.decode(), newline=""))) - 1
    return sum(
        1 for _ in ox.parse_query_results(body, format=ox.QueryResultsFormat.from_extension(fmt))
    )


@pytest.mark.parametrize("fmt", SOLUTION_FORMATS)
@given(rows=st.integers(0, 600), cap=st.integers(1, 600))  # over 256 rows, once run twice
@settings(max_examples=30, deadline=None)
def test_an_answer_within_the_caps_is_evaluated_once(fmt: str, rows: int, cap: int) -> None:
    run = Runs(values(rows))
    out = serialize(run(), fmt, cap, 1 << 20, run)
    assert rows_in(out.body, fmt) == min(rows, cap)
    assert out.truncated == (rows > cap)
    if fmt in ("json", "xml"):
        assert (TRUNCATED_LINK.encode() in out.body) == (rows > cap)
    assert run.count == (1 if rows <= cap else 2)  # only a cut answer is asked for again


@pytest.mark.parametrize("fmt", SOLUTION_FORMATS)
def test_an_answer_within_the_caps_is_the_engines_own(fmt: str) -> None:
    run = Runs(values(12))
    expected = run().serialize(format=ox.QueryResultsFormat.from_extension(fmt))
    assert serialize(run(), fmt, 12, 1 << 20, run).body == expected


@pytest.mark.parametrize("fmt", SOLUTION_FORMATS)
def test_the_byte_cap_cuts_a_whole_document(fmt: str) -> None:
    run = Runs(values(200))
    whole = run().serialize(format=ox.QueryResultsFormat.from_extension(fmt)) or b""
    out = serialize(run(), fmt, 10_000, len(whole) // 3, run)
    assert out.truncated and len(out.body) <= len(whole) // 3
    assert 0 < rows_in(out.body, fmt) < 200


@pytest.mark.parametrize("fmt", SOLUTION_FORMATS)
@pytest.mark.parametrize("rows", [999, 1000, 1001])
def test_the_row_cap_holds_for_the_shortest_rows(fmt: str, rows: int) -> None:
    """An answer that cannot hold more rows than the cap (counted in its bytes) is not read
    back: the emptiest solutions (no binding) show the bound each format keeps."""
    cap = 1000
    run = Runs(f"SELECT ?x {{ VALUES ?x {{ {'UNDEF ' * rows}}} }}")
    out = serialize(run(), fmt, cap, 1 << 20, run)
    assert rows_in(out.body, fmt) == min(rows, cap) and out.truncated == (rows > cap)
