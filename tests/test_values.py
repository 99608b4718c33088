"""One rendering rule: a value the store answers is written into a page, a CSV cell or the CLI
with the characters the store gave it (its canonical form), whatever number it is."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pyoxigraph as ox
from hypothesis import given
from hypothesis import strategies as st

from powgraph.queries import _value, shown, write_table

DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def _answered(lexical: str, datatype: str) -> dict[str, str]:
    """The term as the store answers it in SPARQL JSON (its canonical form)."""
    store = ox.Store()
    literal = ox.Literal(lexical, datatype=ox.NamedNode(datatype))
    (row,) = store.query("SELECT ?v WHERE {}", substitutions={ox.Variable("v"): literal})
    return {"type": "literal", "value": str(row["v"].value), "datatype": datatype}


# the figures a source prints: shares and counts, up to 15 significant digits
figures = st.decimals(
    min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=6, allow_nan=False
)


@given(figures)
def test_a_decimal_is_written_as_the_store_writes_it(value: Decimal) -> None:
    term = _answered(str(value), DECIMAL)
    assert str(shown(_value(term))) == term["value"]


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_an_integer_is_written_as_the_store_writes_it(value: int) -> None:
    term = _answered(f"{value:+d}", INTEGER)  # "+5" is answered "5"
    assert str(shown(_value(term))) == term["value"]


@given(st.sampled_from(["true", "false", "1", "0"]))
def test_a_boolean_is_written_as_xsd_writes_it(lexical: str) -> None:
    term = _answered(lexical, BOOLEAN)
    assert shown(_value(term)) == term["value"] in ("true", "false")


def test_a_table_writes_by_the_same_rule() -> None:
    values = [_value(_answered(lex, dt)) for lex, dt in (("24.0", DECIMAL), ("1", BOOLEAN))]
    table = write_table(["a", "b", "c"], [{"a": values[0], "b": values[1], "c": None}])
    assert list(csv.reader(io.StringIO(table.decode()))) == [["a", "b", "c"], ["24", "true", ""]]
