"""Variables named from their facets (population, constraints, measured property, statistic,
denominator): the same facets are one variable, whoever states a figure for it."""

from __future__ import annotations

import pytest

from powgraph.config import Settings
from powgraph.errors import DataError
from powgraph.ingest import load_data
from tests.test_load_errors import SOURCE, VARIABLES, _edit


def _figure_variable(settings: Settings, key: str) -> str:
    data = load_data(settings.data_dir)
    (variable,) = {f.variable for sf in data.sources for f in sf.figures if f.key == key}
    return variable


def test_facets_of_a_written_variable_are_that_variable(mini_settings: Settings) -> None:
    _edit(
        mini_settings, SOURCE, "variable: held\n",
        "variable: {population: soldiers, constraints: [status/held]}\n",
    )  # fmt: skip
    assert _figure_variable(mini_settings, "held") == "held"


def test_new_facets_name_one_variable_for_every_figure(mini_settings: Settings) -> None:
    """Two figures with the same facets, written in another order: one variable, named and
    labelled from the facets."""
    facets = "{population: soldiers, constraints: [status/second-time, capture-mode/surrender]}"
    _edit(mini_settings, SOURCE, "variable: held\n", f"variable: {facets}\n")
    reordered = "{population: soldiers, constraints: [capture-mode/surrender, status/second-time]}"
    _edit(mini_settings, SOURCE, "variable: held-second-time\n", f"variable: {reordered}\n")
    data = load_data(mini_settings.data_dir)
    keys = {
        f.variable for sf in data.sources for f in sf.figures if f.key in ("held", "second-time")
    }
    (key,) = keys
    (variable,) = [v for v in data.variables if v.key == key]
    assert variable.constraints == ("capture-mode/surrender", "status/second-time")
    assert "surrendered" in variable.label and "held for the second time" in variable.label


def test_hand_written_variables_may_not_share_facets(mini_settings: Settings) -> None:
    _edit(
        mini_settings, VARIABLES, "variables:\n",
        "variables:\n  - {key: also-held, label: Also held, definition: Held again., "
        "population: soldiers, constraints: [status/held]}\n",
    )  # fmt: skip
    with pytest.raises(DataError, match="counts the same as variable"):
        load_data(mini_settings.data_dir)


def test_facets_must_name_known_categories(mini_settings: Settings) -> None:
    _edit(
        mini_settings, SOURCE, "variable: held\n",
        "variable: {population: soldiers, constraints: [status/nowhere]}\n",
    )  # fmt: skip
    with pytest.raises(DataError, match="keys in categories.yaml"):
        load_data(mini_settings.data_dir)
