"""Variables named from their facets: an observation may give what it counts (population,
constraints, measured property, statistic) instead of a variable's key. The same facets are
one variable wherever they are stated: a hand-written variable with them, or else one named
here, the same from every source. Two hand-written variables never share their facets."""

from __future__ import annotations

from dataclasses import replace

from powgraph.errors import Problem
from powgraph.ingest.reader import Reader
from powgraph.records import Concept, Data, Facets, Population, Variable


def name_variables(reader: Reader, data: Data) -> Data:
    """Every figure's variable resolved from its facets; the variables named on the way added."""
    variables_file = reader.name(reader.data_dir / "vocab" / "variables.yaml")
    by_facets: dict[Facets, str] = {}
    for v in data.variables:
        other = by_facets.setdefault(v.facets, v.key)
        if other != v.key and not v.replaced_by:
            reader.problems.append(
                Problem(variables_file, f"variables ({v.key})", "constraints",
                        f"counts the same as variable {other!r} (same facets)")
            )  # fmt: skip
    labels = {p.key: p for p in data.populations}
    concepts = {c.ref: c for s in data.schemes for c in s.concepts}
    named: dict[str, Variable] = {}
    known = {v.key for v in data.variables}
    sources = []
    for sf in data.sources:
        figures = []
        for fig in sf.figures:
            if fig.facets is not None:
                if (
                    fig.facets.population not in labels
                    or any(c not in concepts for c in fig.facets.constraints)
                    or fig.facets.denominator not in (None, *known, *named)
                ):
                    reader.problems.append(
                        Problem(sf.file, f"observations ({fig.key})", "variable",
                                "its population and constraints must be keys in categories.yaml, "
                                "its denominator a variable")
                    )  # fmt: skip
                    continue
                key = by_facets.get(fig.facets) or _named(fig.facets, labels, concepts, named)
                by_facets[fig.facets] = key
                fig = replace(fig, variable=key)
            figures.append(fig)
        sources.append(replace(sf, figures=tuple(figures)))
    taken = {v.key for v in data.variables}
    for key in sorted(set(named) & taken):
        reader.problems.append(
            Problem(variables_file, f"variables ({key})", "key",
                    "a variable named from facets has this key: rename the hand-written one")
        )  # fmt: skip
    return replace(
        data,
        variables=(*data.variables, *(named[k] for k in sorted(named))),
        sources=tuple(sources),
    )


def _named(
    facets: Facets,
    populations: dict[str, Population],
    concepts: dict[str, Concept],
    named: dict[str, Variable],
) -> str:
    """A new variable for these facets: its key and labels built from theirs."""
    words = [c.replace("/", "-") for c in facets.constraints]
    prefix = [] if facets.stat_type == "measured-value" else [facets.stat_type]
    if facets.measured_property != "count":
        prefix.append(facets.measured_property)
    if facets.denominator:
        prefix.append("share")
    key = "-".join([*prefix, facets.population, *words])
    population = populations[facets.population]
    which = ", ".join(concepts[c].label for c in facets.constraints)
    label = f"{population.label}: {which}" if which else population.label
    what = "Percentage" if facets.denominator else "Number"
    definition = f"{what} of {population.label[0].lower()}{population.label[1:]}" + (
        f" who are: {which}." if which else "."
    )
    named[key] = Variable(
        key, label, definition, facets.population, facets.constraints, None,
        facets.denominator, None, facets.measured_property, facets.stat_type,
    )  # fmt: skip
    return key
