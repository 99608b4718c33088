"""The archive's comparison surfaces: the source index and a page per source, a page per
exchange, the disagreements page and the canned queries behind them. Every count, key, figure
and quote expected here is read from data/ by the loader, never typed in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from itertools import permutations
from typing import Any

import pytest
import requests
from markupsafe import escape

from powgraph.config import Settings
from powgraph.model.qualifiers import Interval, Unit
from powgraph.records import Data, Figure, Period
from tests.test_archive import DISAGREEMENTS, _readme_table
from tests.web.conftest import LiveServer

HTML = {"Accept": "text/html"}
JSON = {"Accept": "application/json"}
# the variables of the Russian-POWs series, by their keys in data/vocab
RUSSIAN_POWS = ("count-captured", "count-held-in-ukraine")
PAIR = re.compile(
    r'<article class="pair" data-left="([^"]*)" data-right="([^"]*)">(.*?)</article>', re.S
)


def _page(live: LiveServer, path: str) -> str:
    r = requests.get(live.url + path, headers=HTML, timeout=30)
    assert r.status_code == 200, (path, r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("text/html")
    return r.text


def _answer(live: LiveServer, name: str, **params: str) -> list[dict[str, Any]]:
    r = requests.get(f"{live.url}/queries/{name}.json", params=params, timeout=30)
    assert r.status_code == 200, r.text[:300]
    rows: list[dict[str, Any]] = r.json()["rows"]
    return rows


def _figures(data: Data) -> Iterator[tuple[str, Figure]]:
    for sf in data.sources:
        for figure in sf.figures:
            yield f"{sf.source.key}/{figure.key}", figure


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _observation(settings: Settings, ref: str) -> str:
    return f"{settings.base_iri}id/observation/{ref}"


def test_the_source_index_lists_every_source_with_its_counts(
    live: LiveServer, real_data: Data, settings: Settings
) -> None:
    page = _page(live, "/sources")
    keys = {sf.source.key for sf in real_data.sources}
    files = {path.stem for path in (settings.data_dir / "sources").glob("*.yaml")}
    assert files <= keys  # every source file, and each dataset converted by its mapping
    assert set(re.findall(r'<tr id="([^"]+)">', page)) == keys
    rows = {row["key"]: row for row in _answer(live, "sources")}
    assert set(rows) == keys
    for sf in real_data.sources:
        key = sf.source.key
        assert f'href="/sources/{key}"' in page
        assert escape(sf.source.title) in page
        row = rows[key]
        assert (row["figures"], row["claims"], row["documents"]) == (
            len(sf.figures),
            len(sf.claims),
            1 + len(sf.documents),
        )
        assert row["issued"] == sf.source.issued.isoformat()
        cell = re.search(rf'<tr id="{re.escape(key)}">.*?data-figures="(\d+)"', page, re.S)
        assert cell and int(cell.group(1)) == len(sf.figures)
        statements = (*sf.figures, *sf.claims)
        languages = {sf.language(s.provenance.document) for s in statements}
        assert set(str(row["languages"] or "").split()) == languages
        grades = {s.provenance.reliability or sf.grade(s.provenance.document) for s in statements}
        assert set(filter(None, str(row["reliability"] or "").split(" | "))) == grades - {None}


def test_each_source_page_shows_its_documents_figures_and_quotes(
    live: LiveServer, real_data: Data
) -> None:
    for sf in real_data.sources:
        key = sf.source.key
        page = _page(live, f"/sources/{key}")
        for document in (sf.source, *sf.documents):
            assert escape(document.title) in page
        for figure in sf.figures:
            assert f'href="/doc/observation/{key}/{figure.key}"' in page
            assert escape(figure.printed) in page
            quote = f'lang="{sf.language(figure.provenance.document)}">“'
            assert f"{quote}{escape(figure.quote.exact)}”" in page, (key, figure.key)
            if figure.exchange:
                assert f'href="/exchanges/{figure.exchange}"' in page
        for claim in sf.claims:
            assert f'href="/doc/claim/{key}/{claim.key}"' in page
            assert escape(claim.quote.exact) in page


def test_the_exchange_pages_give_every_figure_counted_in_each(
    live: LiveServer, real_data: Data, settings: Settings
) -> None:
    listing = _page(live, "/exchanges")
    keys = {e.key for e in real_data.exchanges}
    assert set(re.findall(r'<tr id="([^"]+)">', listing)) == keys
    places = {p.key: p.label for p in real_data.places}
    counted: dict[str, set[str]] = {key: set() for key in keys}
    for ref, figure in _figures(real_data):
        if figure.exchange:
            counted[figure.exchange].add(ref)
    assert any(counted.values())
    for exchange in real_data.exchanges:
        page = _page(live, f"/exchanges/{exchange.key}")
        assert escape(exchange.label) in page
        for day in exchange.dates:
            assert day.isoformat() in page
        for party in exchange.parties:
            assert escape(places[party]) in page
        if exchange.mediator:
            assert escape(places[exchange.mediator]) in page
        for _, number in exchange.ordinals:
            assert re.search(rf"\b{number} \(", page)
        for ref in counted[exchange.key]:
            assert f'href="/doc/observation/{ref}"' in page
        iri = f"{settings.base_iri}id/exchange/{exchange.key}"
        rows = _answer(live, "exchange-figures", exchange=iri)
        expected = {_observation(settings, ref) for ref in counted[exchange.key]}
        assert {row["observation"] for row in rows} == expected


def _recorded(data: Data, settings: Settings) -> dict[frozenset[str], str]:
    """Every disagreement data/ records: variants, conflicts (symmetric) and disputes."""
    pairs: dict[frozenset[str], str] = {}
    for ref, figure in _figures(data):
        for kind, targets in (
            ("variant", figure.provenance.variant_of),
            ("conflict", figure.provenance.conflicts_with),
        ):
            for target in targets:
                pair = frozenset((_observation(settings, ref), _observation(settings, target)))
                pairs[pair] = kind
    for sf in data.sources:
        for claim in sf.claims:
            for target in claim.disputes:
                claim_iri = f"{settings.base_iri}id/claim/{sf.source.key}/{claim.key}"
                pairs[frozenset((claim_iri, _observation(settings, target)))] = "dispute"
    return pairs


def _quotes(data: Data, settings: Settings) -> dict[str, str]:
    quotes = {_observation(settings, ref): f.quote.exact for ref, f in _figures(data)}
    for sf in data.sources:
        for claim in sf.claims:
            quotes[f"{settings.base_iri}id/claim/{sf.source.key}/{claim.key}"] = claim.quote.exact
    return quotes


def test_every_recorded_disagreement_is_in_the_query_and_on_the_page(
    live: LiveServer, real_data: Data, settings: Settings
) -> None:
    recorded = _recorded(real_data, settings)
    assert {"variant", "conflict", "dispute"} <= set(recorded.values())
    rows = _answer(live, "conflicts")
    answered = {frozenset((row["left"], row["right"])): row for row in rows}
    assert len(answered) == len(rows)  # one row per pair
    for pair, kind in recorded.items():
        assert pair in answered, sorted(pair)
        assert kind in answered[pair]["kinds"].split()
    quotes = _quotes(real_data, settings)
    page = _page(live, "/disagreements")
    articles = {frozenset((left, right)): body for left, right, body in PAIR.findall(page)}
    assert set(articles) == set(answered)
    for pair in recorded:
        for side in pair:
            assert escape(quotes[side]) in articles[pair], side
    for row in rows:  # a dispute's claim is its left side
        if "dispute" in row["kinds"].split():
            assert "/id/claim/" in row["left"] and "/id/observation/" in row["right"]
    # the answer's citation names the quotes of both sides
    cited = requests.get(f"{live.url}/queries/conflicts.json", timeout=30).json()["citation"]
    assert {quotes[side] for pair in recorded for side in pair} <= set(cited["quotes"])


def _above(high: Interval, low: Interval) -> bool:
    """Every value of ``high`` lies above every value of ``low`` (open ends stay open)."""
    if low.max is None or high.min is None:
        return False
    return low.max < high.min or (
        low.max == high.min and not (low.max_inclusive and high.min_inclusive)
    )


def _within(inner: Period, outer: Period) -> bool:
    if inner.begin is None or outer.begin is None:
        return False
    return outer.begin <= inner.begin and inner.end <= outer.end


def test_computed_conflicts_are_the_figures_that_cannot_both_hold(
    live: LiveServer, real_data: Data, settings: Settings
) -> None:
    """Same variable; over the same period intervals that do not overlap, or a count for part
    of a period lying above the count for the whole: computed here from data/ on its own."""
    variables = {v.key: v for v in real_data.variables}
    expected = set()
    for (ref_a, a), (ref_b, b) in permutations(_figures(real_data), 2):
        if a.variable != b.variable:
            continue
        variable = variables[a.variable]
        counts = (
            variable.measured_property == "count"
            and variable.stat_type == "measured-value"
            and a.unit is Unit.COUNT
        )
        same = (a.period.begin, a.period.end) == (b.period.begin, b.period.end)
        if (same and _above(a.interval, b.interval)) or (
            not same and counts and _within(a.period, b.period) and _above(a.interval, b.interval)
        ):
            expected.add(frozenset((_observation(settings, ref_a), _observation(settings, ref_b))))
    assert expected
    rows = _answer(live, "conflicts")
    computed = {frozenset((r["left"], r["right"])) for r in rows if "computed" in r["kinds"]}
    assert computed == expected


def test_russian_pows_over_time_gives_every_sources_figure(
    live: LiveServer, real_data: Data, settings: Settings
) -> None:
    rows = {row["observation"]: row for row in _answer(live, "russian-pows-over-time")}
    expected = {
        _observation(settings, ref): f
        for ref, f in _figures(real_data)
        if f.variable in RUSSIAN_POWS
    }
    assert set(rows) == expected.keys()
    assert len({row["source"].split("/id/source/")[1].split("/")[0] for row in rows.values()}) >= 3
    for iri, figure in expected.items():
        row = rows[iri]
        assert row["printed"] == figure.printed and row["quote"] == figure.quote.exact
        interval = figure.interval
        assert (_decimal(row["min"]), _decimal(row["max"])) == (interval.min, interval.max)
        if interval.min is not None:
            assert row["minInclusive"] == interval.min_inclusive
        if interval.max is not None:
            assert row["maxInclusive"] == interval.max_inclusive
        assert row["periodEnd"] == figure.period.end.isoformat()
    ends = [row["periodEnd"] for row in _answer(live, "russian-pows-over-time")]
    assert ends == sorted(ends)  # in order of reference period


@pytest.mark.parametrize("path", ["/sources/no-such-source", "/exchanges/1999-01-01"])
def test_an_unknown_key_is_a_readable_404(live: LiveServer, path: str) -> None:
    as_json = requests.get(live.url + path, headers=JSON, timeout=10)
    assert as_json.status_code == 404
    error = as_json.json()["error"]
    assert error["kind"] == "not-found" and path.rsplit("/", 1)[1] in error["message"]
    as_html = requests.get(live.url + path, headers=HTML, timeout=10)
    assert as_html.status_code == 404 and as_html.headers["content-type"].startswith("text/html")
    assert path.rsplit("/", 1)[1] in as_html.text and "Traceback" not in as_html.text


def test_markup_in_a_key_stays_inert(live: LiveServer) -> None:
    r = requests.get(live.url + "/sources/<script>alert(1)", headers=HTML, timeout=10)
    assert r.status_code == 404
    assert "<script>" not in r.text and "&lt;script&gt;" in r.text


def test_the_pages_are_in_the_navigation(live: LiveServer) -> None:
    page = _page(live, "/")
    for path in ("/sources", "/exchanges", "/disagreements"):
        assert f'<a href="{path}">' in page


def test_each_disagreement_the_archive_names_is_shown(
    live: LiveServer, real_data: Data, settings: Settings
) -> None:
    """INDEX.md's discrepancies (data/README.md maps each to its figures): a conflict or variant
    is a pair in the conflicts answer and on /disagreements; a definitional trap is the note each
    of its figures carries on its source's page."""
    notes = {
        f"{sf.source.key}/{item.key}": item.ambiguity
        for sf in real_data.sources
        for item in (*sf.figures, *sf.claims)
    }
    answered = {frozenset((r["left"], r["right"])) for r in _answer(live, "conflicts")}
    shown = {frozenset(m[:2]) for m in PAIR.findall(_page(live, "/disagreements"))}
    rows = _readme_table(settings, DISAGREEMENTS)
    assert rows
    for opening, refs, kind in rows:
        figures = [r.strip(" `") for r in refs.split(",")]
        if kind == "ambiguity":
            for ref in figures:
                note = notes[ref]
                assert note and escape(note) in _page(live, "/sources/" + ref.split("/")[0]), ref
            continue
        iris = [_observation(settings, ref) for ref in figures]  # conflicts and variants
        pairs = {frozenset((a, b)) for i, a in enumerate(iris) for b in iris[i + 1 :]}
        assert pairs & answered and pairs & shown, opening
