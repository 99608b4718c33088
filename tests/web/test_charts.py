"""Charts: one SVG per statistical variable, drawn on the server from the variable-over-time
query. Every row is a point linking to its observation, an open end is an arrow, figures that
cannot both hold (the conflicts query) are ringed, the SVG says in words what it shows, and a
table under it holds the same points. In Chromium: the home page and a variable page show a
chart with points from at least three sources, each linking to its observation page."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask

from powgraph.config import Settings
from powgraph.queries import bind, run_on_store
from powgraph.web import create_app
from powgraph.web.charts import (
    BOTTOM,
    COLOURS,
    CONFLICTS,
    DISAGREE,
    HEIGHT,
    MARKERS,
    SERIES,
    TOP,
    Chart,
    chart,
    most_sourced,
)
from powgraph.web.links import local_href
from powgraph.web.pages import HOME_CHARTS
from powgraph.web.runtime import runtime
from tests.web.conftest import LiveServer
from tests.web.test_browser import ARTIFACTS, chromium_page

if TYPE_CHECKING:
    from playwright.sync_api import Page

NS = {"svg": "http://www.w3.org/2000/svg"}
PHONE = (375, 812)
FITS = "document.documentElement.scrollWidth <= window.innerWidth"


@dataclass
class Drawn:
    rows: list[dict[str, Any]]
    chart: Chart
    svg: ET.Element
    links: list[ET.Element]  # one <a> per point, in the rows' order
    hrefs: list[str | None]  # where each row's observation is served


@pytest.fixture(scope="module")
def full_app(built: Settings) -> Iterator[Flask]:
    """The app over the real build without the test row cap: a chart is every row."""
    application = create_app(built)
    yield application
    application.extensions["powgraph"].store.close()


@pytest.fixture(scope="module")
def pairs(full_app: Flask) -> list[dict[str, Any]]:
    with full_app.app_context():
        rt = runtime()
        return run_on_store(rt.store, rt.canned[CONFLICTS], ())[1]


@pytest.fixture(scope="module")
def drawn(full_app: Flask, pairs: list[dict[str, Any]]) -> list[Drawn]:
    """Every variable's chart, drawn from the query's rows."""
    out = []
    with full_app.app_context():
        rt = runtime()
        series = rt.canned[SERIES]
        for variable in run_on_store(rt.store, rt.canned["variables"], ())[1]:
            rows = run_on_store(rt.store, series, bind(series, {"variable": variable["variable"]}))[
                1
            ]
            made = chart(rows, pairs)
            if made is None:
                assert not rows
                continue
            svg = ET.fromstring(made.svg)
            hrefs = [local_href(row["observation"]) for row in rows]
            out.append(Drawn(rows, made, svg, svg.findall("svg:a", NS), hrefs))
    assert out
    return out


def test_each_row_is_a_point_linking_to_its_observation(drawn: list[Drawn]) -> None:
    for d in drawn:
        assert len(d.links) == len(d.rows)
        assert [a.get("href") for a in d.links] == d.hrefs
        assert all(href and href.startswith("/doc/observation/") for href in d.hrefs)
        assert [a.get("data-source") for a in d.links] == [row["source"] for row in d.rows]
        for a, row in zip(d.links, d.rows, strict=True):
            title = a.find("svg:title", NS)
            assert title is not None and row["printed"] in (title.text or "")
            assert a.findall(".//*[@class]", NS)  # something to see and click


def test_one_colour_and_marker_per_source(drawn: list[Drawn]) -> None:
    for d in drawn:
        sources = {row["source"] for row in d.rows}
        assert {s.iri for s in d.chart.sources} == sources
        assert len({(s.colour, s.marker) for s in d.chart.sources}) == min(
            len(sources), len(COLOURS) * len(MARKERS)
        )
        for a, point in zip(d.links, d.chart.points, strict=True):
            markers = [m for m in a.iter() if "chart-marker" in (m.get("class") or "")]
            assert markers and {m.get("stroke") for m in markers} == {point.source.colour}


def test_an_open_end_is_an_arrow(drawn: list[Drawn]) -> None:
    """ "More than 3,000" has no upper end: an arrow up; a closed interval has none."""
    open_ends = 0
    for d in drawn:
        for a, row in zip(d.links, d.rows, strict=True):
            arrows = a.findall("svg:polygon[@class='chart-arrow']", NS)
            expected = (row["max"] is None) + (row["min"] is None)
            assert len(arrows) == expected, row["printed"]
            open_ends += expected
    assert open_ends > 0  # the data has open ends, so this could fail


def test_a_value_is_filled_and_an_interval_without_one_hollow(drawn: list[Drawn]) -> None:
    for d in drawn:
        for a, row in zip(d.links, d.rows, strict=True):
            hollow = [m for m in a.iter() if "chart-hollow" in (m.get("class") or "")]
            ends = (row["min"] is not None) + (row["max"] is not None)
            assert len(hollow) == (0 if row["value"] is not None else ends)


def test_figures_that_cannot_both_hold_are_ringed(
    drawn: list[Drawn], pairs: list[dict[str, Any]]
) -> None:
    disagreeing = [p for p in pairs if DISAGREE & set(str(p["kinds"]).split())]
    ringed_somewhere = 0
    for d in drawn:
        here = {row["observation"] for row in d.rows}
        expected = {
            side
            for p in disagreeing
            if {p["left"], p["right"]} <= here
            for side in (p["left"], p["right"])
        }
        ringed = {
            row["observation"]
            for a, row in zip(d.links, d.rows, strict=True)
            if a.find("svg:circle[@class='chart-conflict']", NS) is not None
        }
        assert ringed == expected
        ringed_somewhere += len(ringed)
    assert ringed_somewhere > 0


def test_the_svg_says_what_it_shows(drawn: list[Drawn]) -> None:
    for d in drawn:
        svg = d.svg
        assert svg.get("role") == "img" and svg.get("width") == "100%" and svg.get("viewBox")
        title_id, desc_id = (svg.get("aria-labelledby") or "").split()
        title = svg.find(f"svg:title[@id='{title_id}']", NS)
        desc = svg.find(f"svg:desc[@id='{desc_id}']", NS)
        assert title is not None and d.rows[0]["statistic"] in (title.text or "")
        assert desc is not None
        text = desc.text or ""
        sources = {row["source"] for row in d.rows}
        assert f"{len(d.rows)} figures" in text and f"{len(sources)} sources" in text
        assert "linear from 0" in text


def test_values_are_placed_on_one_linear_scale_from_zero(drawn: list[Drawn]) -> None:
    """A printed value's marker sits where a linear axis from 0 to the last tick puts it."""
    for d in drawn:
        assert d.chart.ticks[0] == 0
        top = d.chart.ticks[-1]
        numbers = [row[c] for row in d.rows for c in ("value", "min", "max") if row[c] is not None]
        assert top >= max(numbers, default=0)
        for a, row in zip(d.links, d.rows, strict=True):
            if row["value"] is None:
                continue
            mark = next(m for m in a.iter() if "chart-marker" in (m.get("class") or ""))
            cy = float((mark.get("transform") or "").rstrip(")").split()[-1])
            expected = HEIGHT - BOTTOM - row["value"] / top * (HEIGHT - TOP - BOTTOM)
            assert abs(cy - expected) < 0.051, (row["printed"], cy, expected)  # one decimal


def test_a_period_draws_a_line_back_to_its_start(full_app: Flask, drawn: list[Drawn]) -> None:
    """Where a row gives its period's start (periodBegin), a dashed line runs back to it."""
    d = drawn[0]
    end = dt.date.fromisoformat(d.rows[0]["periodEnd"])
    rows = [{**d.rows[0], "periodBegin": (end - dt.timedelta(days=90)).isoformat()}, *d.rows[1:]]
    with full_app.app_context():
        made = chart(rows, [])
        assert made is not None
        links = ET.fromstring(made.svg).findall("svg:a", NS)
    dashed = [a.get("href") for a in links if a.find("svg:line[@stroke-dasharray]", NS) is not None]
    assert dashed == [d.hrefs[0]]
    for a, row in zip(d.links, d.rows, strict=True):
        spans = a.find("svg:line[@stroke-dasharray]", NS) is not None
        assert spans == bool(row.get("periodBegin") and row["periodBegin"] < row["periodEnd"])


class _Table(HTMLParser):
    """The chart's table on a page: its rows, the links in them, the rows marked as conflicts."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.rows = 0
        self.conflicts = 0
        self.hrefs: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "details" and "chart-table" in (found.get("class") or ""):
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows += 1
            self.conflicts += found.get("class") == "chart-conflict-row"
        elif self.inside and tag == "a":
            self.hrefs.append(found.get("href"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "details":
            self.inside = False


def test_the_table_holds_the_same_points(full_app: Flask, drawn: list[Drawn]) -> None:
    """On the variable's page: one table row per point (after the header row), each linking
    to the same observation as the chart, the ringed ones marked."""
    d = max(drawn, key=lambda x: (len(x.chart.sources), len(x.rows)))
    with full_app.app_context():
        page = full_app.test_client().get(d.chart.page, headers={"Accept": "text/html"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('<figure class="chart"') == 1
    table = _Table()
    table.feed(html)
    assert table.rows == len(d.rows) + 1
    assert table.hrefs == d.hrefs
    assert table.conflicts == sum(1 for p in d.chart.points if p.conflicts)


def test_the_home_page_charts_the_variables_most_sources_give(
    full_app: Flask, drawn: list[Drawn]
) -> None:
    counts = sorted((len({row["source"] for row in d.rows}) for d in drawn), reverse=True)
    with full_app.app_context():
        home = most_sourced(HOME_CHARTS)
        page = full_app.test_client().get("/", headers={"Accept": "text/html"})
    assert [len(c.sources) for c in home] == counts[:HOME_CHARTS]
    html = page.get_data(as_text=True)
    assert html.count('<figure class="chart"') == HOME_CHARTS
    assert all(f'id="{c.key}"' in html for c in home)


def _local_only(page: Page, live: LiveServer) -> list[str]:
    outside: list[str] = []
    page.on(
        "request",
        lambda req: (
            outside.append(req.url) if not req.url.startswith((live.url, "data:")) else None
        ),
    )
    return outside


def _chart_links(page: Page) -> list[dict[str, str]]:
    """The first chart's points: where each links and which source it is."""
    links: list[dict[str, str]] = page.eval_on_selector_all(
        "figure.chart >> nth=0 >> svg a",
        "as => as.map(a => ({href: a.getAttribute('href'), source: a.dataset.source}))",
    )
    return links


@pytest.mark.browser
def test_the_home_page_and_a_variable_page_show_charts(live: LiveServer) -> None:
    """At a desktop's width and a phone's: points from at least three sources, each linking
    to its observation; one followed by a click answers 200."""
    with chromium_page(1280, 900) as page:
        outside = _local_only(page, live)
        response = page.goto(live.url + "/", wait_until="networkidle")
        assert response is not None and response.status == 200
        links = _chart_links(page)
        assert len({link["source"] for link in links}) >= 3
        assert all(link["href"].startswith("/doc/observation/") for link in links)
        first = page.locator("figure.chart").first
        first.screenshot(path=str(ARTIFACTS / "home-chart.png"))
        variable = first.locator("figcaption a").first.get_attribute("href")
        assert variable and variable.startswith("/doc/variable/")
        response = page.goto(live.url + variable, wait_until="networkidle")
        assert response is not None and response.status == 200
        links = _chart_links(page)
        assert len({link["source"] for link in links}) >= 3
        assert all(link["href"].startswith("/doc/observation/") for link in links)
        assert page.locator("figure.chart svg[role='img'] > title").count() == 1
        page.locator("figure.chart").first.screenshot(path=str(ARTIFACTS / "variable-chart.png"))
        with page.expect_navigation():
            page.locator("figure.chart svg a").first.click()
        assert page.url == live.url + links[0]["href"]
        assert page.locator("#figure").count() == 1  # the observation's page, with its figure
        assert outside == []
    with chromium_page(*PHONE) as page:
        for path in ("/", variable):
            response = page.goto(live.url + path, wait_until="networkidle")
            assert response is not None and response.status == 200
            assert page.evaluate(FITS), page.evaluate("document.documentElement.scrollWidth")
            box = page.locator("figure.chart svg").first.bounding_box()
            assert box is not None and box["width"] <= PHONE[0]
