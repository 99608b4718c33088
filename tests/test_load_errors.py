"""Bad input gets a clear error naming file, row and field, and every problem is reported at
once. Each case edits one line of the mini fixture."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from powgraph.config import Settings
from powgraph.errors import DataError
from powgraph.ingest import load_data

SOURCE = "sources/mini.yaml"
VARIABLES = "vocab/variables.yaml"
CASES = [
    # file, text to replace, replacement, expected row, expected field, words in the message
    (
        SOURCE,
        "quote: about 600 of them are still held",
        "quote: about 600 of them are held",
        "observations row 2 (held)",
        "quote",
        "not found verbatim",
    ),
    (SOURCE, "value: 1000", "value: 1001", "observations row 1 (captured)", "value", "1000"),
    (
        SOURCE,
        "printed: about 600",
        "printed: about 700",
        "observations row 2 (held)",
        "printed",
        "not part of the quote",
    ),
    (SOURCE, "hedge: about", "hedge: around", "observations row 2 (held)", "hedge", "not part"),
    (
        SOURCE,
        "unit: count\n    printed: about",
        "unit: heads\n    printed: about",
        "observations row 2 (held)",
        "unit",
        "not one of",
    ),
    (
        SOURCE,
        "bound: approximate",
        "bound: approx",
        "observations row 2 (held)",
        "bound",
        "not one of",
    ),
    (SOURCE, "value: [10, 20]", "value: [10]", "observations row 6 (weekly)", "value", "10, 20"),
    (
        SOURCE,
        "period: {at: 2025-12-31}\n    unit: count\n    printed: about",
        "period: {at: 2025-13-31}\n    unit: count\n    printed: about",
        "observations row 2 (held)",
        "period",
        "date",
    ),
    (
        SOURCE,
        "period: {month: 2025-12}",
        "period: {week: 2025-12}",
        "observations row 6 (weekly)",
        "period",
        "give one of",
    ),
    (
        SOURCE,
        "variable: held\n",
        "variable: kept\n",
        "observations (held)",
        "variable",
        "no variable with key 'kept'",
    ),
    (
        SOURCE,
        "    small_count: true\n",
        "    small_count: true\n    name: someone\n",
        "observations row 7 (second-time)",
        "name",
        "unknown field",
    ),
    (
        SOURCE,
        "key: sergeants,",
        "key: rank-and-file,",
        "observations (rank-and-file)",
        "key",
        "used twice",
    ),
    (
        SOURCE,
        "quote: Two are held",
        "quote: Two",
        "observations row 7 (second-time)",
        "quote",
        "not found verbatim",
    ),
    (SOURCE, "  issued: 2025-12-31", "  issued: yesterday", "source", "issued", "YYYY-MM-DD"),
    (SOURCE, "  key: mini", "  key: other", "source", "key", "file name"),
    (
        SOURCE,
        "trend: increasing",
        "trend: up",
        "claims row 1 (captures-rose)",
        "trend",
        "not one of",
    ),
    (
        VARIABLES,
        "part_of: captured",
        "part_of: nothing",
        "variables (held)",
        "part_of",
        "no variable",
    ),
    (
        VARIABLES,
        "population: soldiers\n    constraints: [status/held]\n",
        "population: soldiers\n    constraints: [status/kept]\n",
        "variables (held)",
        "constraints",
        "status/kept",
    ),
]


def _edit(settings: Settings, file: str, old: str, new: str) -> Path:
    path = settings.data_dir / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture drifted: {old!r} not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("file", "old", "new", "row", "field", "words"), CASES)
def test_bad_row_names_file_row_and_field(
    mini_settings: Settings, file: str, old: str, new: str, row: str, field: str, words: str
) -> None:
    _edit(mini_settings, file, old, new)
    with pytest.raises(DataError) as caught:
        load_data(mini_settings.data_dir)
    matching = [p for p in caught.value.problems if p.row == row and p.field == field]
    assert matching, str(caught.value)
    assert words in matching[0].message
    assert matching[0].file == f"data/{file}"
    assert f"data/{file}" in str(caught.value)


def test_every_problem_is_reported_at_once(mini_settings: Settings) -> None:
    _edit(mini_settings, SOURCE, "value: 1000", "value: 1001")
    _edit(mini_settings, SOURCE, "trend: increasing", "trend: up")
    with pytest.raises(DataError) as caught:
        load_data(mini_settings.data_dir)
    assert {p.field for p in caught.value.problems} >= {"value", "trend"}


def test_error_carries_the_line_number(mini_settings: Settings) -> None:
    _edit(mini_settings, SOURCE, "value: 1000", "value: 1001")
    with pytest.raises(DataError) as caught:
        load_data(mini_settings.data_dir)
    assert "data/sources/mini.yaml:15:" in str(caught.value)  # the value field's own line


def test_broken_yaml_is_a_data_error(mini_settings: Settings) -> None:
    _edit(mini_settings, SOURCE, "observations:", "observations: [")
    with pytest.raises(DataError, match="not YAML"):
        load_data(mini_settings.data_dir)


# Fields whose line, once typed over with anything else, no longer fits the source's text or
# the schema: the loader must refuse every such edit.
ALWAYS_REFUSED = ("quote", "printed", "bound", "period")


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    field=st.sampled_from(["quote", "printed", "value", "hedge", "bound", "period", "min"]),
    typed=st.one_of(st.text(max_size=40), st.integers(), st.floats(allow_nan=True), st.none()),
)
def test_any_typed_value_is_accepted_or_named(
    mini_settings: Settings, field: str, typed: object
) -> None:
    """Whatever an editor types into a field, the loader answers with data that holds what
    was typed, or a DataError naming file and row; never another exception, never a value
    silently dropped or changed."""
    import json

    path = mini_settings.data_dir / SOURCE
    original = path.read_text(encoding="utf-8")
    try:
        line = {"quote": "quote: more than 1,000 soldiers were captured",
                "printed": "printed: more than 1,000", "value": "value: 1000",
                "hedge": "hedge: more than", "bound": "bound: lower-exclusive",
                "period": "period: {begin: 2022-01-01, end: 2025-12-31, end_inferred: true}",
                "min": "approximation: exact\n    hedge: more than"}[field]  # fmt: skip
        key = line.split(":")[0] if field != "min" else "min"
        replacement = f"{key}: {json.dumps(typed)}"
        if field == "min":
            replacement = f"{line}\n    min: {json.dumps(typed)}"
        path.write_text(original.replace(line, replacement, 1), encoding="utf-8")
        try:
            data = load_data(mini_settings.data_dir)
        except DataError as exc:
            assert exc.problems and all(p.file and p.row for p in exc.problems)
            return
        assert field not in ALWAYS_REFUSED, f"{field}: {typed!r} was accepted"
        (figure,) = [f for sf in data.sources for f in sf.figures if f.key == "captured"]
        if field == "value":  # only the number the printed wording says
            assert figure.values == (Decimal(1000),), typed
        elif field == "hedge":  # no hedge, or the one typed
            assert figure.hedge is None or figure.hedge == typed, typed
        else:  # an explicit min is the interval's lower end, as typed
            low, want = figure.interval.min, Decimal(str(typed))
            assert low is not None and (low == want or low.is_nan() and want.is_nan()), typed
    finally:
        path.write_text(original, encoding="utf-8")


def test_a_quotes_context_can_be_cut(mini_settings: Settings) -> None:
    """Where the words around a quote name a person, the selector keeps fewer of them."""
    _edit(
        mini_settings, SOURCE, "    quote: more than 1,000 soldiers were captured\n",
        "    quote: more than 1,000 soldiers were captured\n    context: 0\n",
    )  # fmt: skip
    data = load_data(mini_settings.data_dir)
    (figure,) = [f for sf in data.sources for f in sf.figures if f.key == "captured"]
    assert (figure.quote.prefix, figure.quote.suffix) == ("", "")
