"""Charts drawn on the server as SVG (no script, nothing fetched): one statistical variable
over time, from the variable-over-time canned query. Each source's figure is a point at the end
of its reference period (a dashed line back to its start where the row gives one, periodBegin)
with a bar for its interval and an arrow where the wording leaves an end open ("more than
10,000"); figures that cannot both hold (the conflicts canned query) are ringed in red. The same
points are a table under the chart, for readers who cannot see it."""

from __future__ import annotations

import datetime as dt
import math
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from markupsafe import Markup

from powgraph.queries import shown_interval
from powgraph.web.links import local_href
from powgraph.web.runtime import runtime

SERIES = "variable-over-time"  # the canned query a chart draws
CONFLICTS = "conflicts"  # the canned query that says which figures cannot both hold
DISAGREE = {"computed", "conflict"}  # its kinds that are disagreements (not variants, disputes)
STATISTICAL_VARIABLE = "https://schema.org/StatisticalVariable"
SVG = "http://www.w3.org/2000/svg"
WIDTH, HEIGHT = 520, 300  # the viewBox: scaled to the page's width, 375 px on a phone
LEFT, RIGHT, TOP, BOTTOM = 62, 14, 16, 30  # margins for the axes' labels
# Okabe and Ito's palette, told apart by the colour-blind; red is kept for conflicts
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#444444")
MARKERS = ("circle", "square", "triangle", "diamond")
CONFLICT = "#D00000"
DODGE = 11  # viewBox units between points that share a day


@dataclass(frozen=True)
class Source:
    """A document the figures are quoted from, with the colour and marker it is drawn in."""

    iri: str
    title: str
    issued: str
    colour: str
    marker: str

    @property
    def icon(self) -> Markup:
        """Its marker alone, for the legend and the table."""
        svg = ET.Element(
            "svg",
            {
                "xmlns": SVG,
                "viewBox": "-7 -7 14 14",
                "width": "14",
                "height": "14",
                "aria-hidden": "true",
                "class": "chart-icon",
            },
        )
        _marker(svg, self, 0, 0, filled=True)
        return Markup(ET.tostring(svg, encoding="unicode"))


@dataclass(frozen=True)
class Point:
    """One figure (a row of the query), placed in time."""

    row: dict[str, Any]
    href: str
    source: Source
    begin: dt.date | None  # None for a day, or where the row gives no start (periodBegin)
    end: dt.date
    conflicts: tuple[dict[str, Any], ...] = ()  # the rows of the figures it cannot hold with

    @property
    def interval(self) -> str:
        row = self.row
        return shown_interval(
            row.get("min"), row.get("minInclusive"), row.get("max"), row.get("maxInclusive")
        )


@dataclass(frozen=True)
class Chart:
    variable: str
    statistic: str
    unit: str
    points: tuple[Point, ...]
    sources: tuple[Source, ...]
    ticks: tuple[float, ...]  # the y axis, linear from 0 to its last tick

    @property
    def key(self) -> str:
        """An id for the page (a home page holds several charts)."""
        return "chart-" + "".join(
            c if c.isalnum() else "-" for c in self.variable.rsplit("/", 1)[-1]
        )

    @property
    def page(self) -> str:
        """The variable's page here."""
        return local_href(self.variable) or self.variable

    @property
    def title(self) -> str:
        return f"{self.statistic}: every source's figure over time"

    @property
    def description(self) -> str:
        """What the chart shows, in words (its <desc>)."""
        days = [p.begin or p.end for p in self.points] + [p.end for p in self.points]
        ringed = sum(1 for p in self.points if p.conflicts)
        spans = any(p.begin for p in self.points)
        return (
            f"{len(self.points)} figures ({self.unit}) from {len(self.sources)} sources, "
            f"{min(days).isoformat()} to {max(days).isoformat()}. Each figure is a point at the "
            "end of its reference period"
            + (", with a dashed line back to the period's start" if spans else "")
            + "; a bar is its interval, and an arrow an end the wording leaves open "
            '("more than"). A filled '
            "marker is a printed value; hollow markers are the ends of an interval with no "
            f"single value. The vertical axis is linear from 0 to {_label(self.ticks[-1])}. "
            + (
                f"{ringed} figures are ringed in red: each cannot hold together with another "
                "figure of the chart (the same period, or a part of a period counting more than "
                "the whole)."
                if ringed
                else "No two figures disagree."
            )
        )

    @property
    def svg(self) -> Markup:
        return Markup(ET.tostring(_draw(self), encoding="unicode"))


def _has(row: dict[str, Any], name: str) -> bool:
    return row.get(name) is not None


def _label(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,g}"


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(str(text)[:10])


def chart(rows: list[dict[str, Any]], pairs: list[dict[str, Any]]) -> Chart | None:
    """The chart of one variable's rows (variable-over-time), disagreements taken from the
    conflicts query's rows; None when there is nothing to draw."""
    if not rows:
        return None
    sources: dict[str, Source] = {}
    for row in sorted(rows, key=lambda r: (str(r["issued"]), r["source"])):
        if row["source"] not in sources:
            n = len(sources)
            sources[row["source"]] = Source(
                row["source"],
                row["sourceTitle"],
                str(row["issued"]),
                COLOURS[n % len(COLOURS)],
                MARKERS[n // len(COLOURS) % len(MARKERS)],
            )
    by_iri = {row["observation"]: row for row in rows}
    against: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for pair in pairs:
        if DISAGREE & set(str(pair["kinds"]).split()) and {pair["left"], pair["right"]} <= set(
            by_iri
        ):
            against[pair["left"]].append(by_iri[pair["right"]])
            against[pair["right"]].append(by_iri[pair["left"]])
    points = tuple(
        Point(
            row,
            local_href(row["observation"]) or row["observation"],
            sources[row["source"]],
            _day(row["periodBegin"]) if _has(row, "periodBegin") else None,
            _day(row["periodEnd"]),
            tuple(against[row["observation"]]),
        )
        for row in rows
    )
    numbers = [float(row[c]) for row in rows for c in ("value", "min", "max") if _has(row, c)]
    return Chart(
        rows[0]["variable"],
        rows[0]["statistic"],
        rows[0]["unit"],
        points,
        tuple(sources.values()),
        _ticks(max(numbers, default=0.0)),
    )


def _ticks(peak: float) -> tuple[float, ...]:
    """0 to a round number above the highest end, with room for an arrow: four to six steps."""
    if peak <= 0:
        return (0.0, 1.0)
    raw = peak * 1.08 / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    count = math.ceil(peak * 1.08 / step)
    return tuple(i * step for i in range(count + 1))


def _draw(chart: Chart) -> ET.Element:
    first = min(p.begin or p.end for p in chart.points)
    last = max(p.end for p in chart.points)
    pad = max((last - first).days * 0.04, 15)
    left, right = first.toordinal() - pad, last.toordinal() + pad
    top = chart.ticks[-1]

    def x(day: dt.date) -> float:
        return LEFT + (day.toordinal() - left) / (right - left) * (WIDTH - LEFT - RIGHT)

    def y(value: float) -> float:
        return HEIGHT - BOTTOM - value / top * (HEIGHT - TOP - BOTTOM)

    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG,
            "viewBox": f"0 0 {WIDTH} {HEIGHT}",
            "width": "100%",
            "role": "img",
            "aria-labelledby": f"{chart.key}-title {chart.key}-desc",
            "class": "chart-svg",
            "font-size": "12",
        },
    )
    ET.SubElement(svg, "title", id=f"{chart.key}-title").text = chart.title
    ET.SubElement(svg, "desc", id=f"{chart.key}-desc").text = chart.description
    axes = ET.SubElement(svg, "g", {"class": "chart-axes", "fill": "#555"})
    for tick in chart.ticks:
        _line(axes, LEFT, y(tick), WIDTH - RIGHT, y(tick), "#e3e3e3")
        label = ET.SubElement(axes, "text", x=str(LEFT - 6), y=f"{y(tick) + 4:.1f}")
        label.set("text-anchor", "end")
        label.text = _label(tick)
    for day, text in _time_ticks(first, last):
        _line(axes, x(day), HEIGHT - BOTTOM, x(day), HEIGHT - BOTTOM + 4, "#888")
        label = ET.SubElement(axes, "text", x=f"{x(day):.1f}", y=str(HEIGHT - BOTTOM + 17))
        label.set("text-anchor", "middle")
        label.text = text
    _line(axes, LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM, "#888")
    same_day: dict[dt.date, int] = defaultdict(int)
    for point in chart.points:
        same_day[point.end] += 1
    placed: dict[dt.date, int] = defaultdict(int)
    for point in chart.points:
        shift = (placed[point.end] - (same_day[point.end] - 1) / 2) * DODGE
        placed[point.end] += 1
        _figure(svg, point, x(point.end) + shift, x(point.begin) if point.begin else None, y)
    return svg


def _time_ticks(first: dt.date, last: dt.date) -> list[tuple[dt.date, str]]:
    """New years (every other one past six), the months of a span under fourteen months, or,
    with neither in the span, its first and last days."""
    if (last - first).days >= 420:
        years = range(first.year + 1, last.year + 1)
        step = 1 if len(years) <= 6 else 2
        return [(dt.date(year, 1, 1), str(year)) for year in years[::step]]
    months = (last.year - first.year) * 12 + last.month - first.month
    step = 1 if months <= 6 else 2
    days = [_month(first, i) for i in range(1, months + 1, step)]
    return [(d, d.strftime("%Y-%m")) for d in days] or [
        (d, d.isoformat()) for d in sorted({first, last})
    ]


def _month(day: dt.date, ahead: int) -> dt.date:
    index = day.month - 1 + ahead
    return dt.date(day.year + index // 12, index % 12 + 1, 1)


def _figure(
    svg: ET.Element, point: Point, cx: float, start: float | None, y: Callable[[float], float]
) -> None:
    """One figure: a link to its observation around its span, bar, arrows and markers."""
    row, source = point.row, point.source
    link = ET.SubElement(
        svg, "a", {"href": point.href, "class": "chart-point", "data-source": source.iri}
    )
    against = (
        f"; cannot hold with {len(point.conflicts)} other figure(s)" if point.conflicts else ""
    )
    ET.SubElement(link, "title").text = (
        f"{row['printed']} — {row['period']}, interval {point.interval}; {source.title}"
        f" ({source.issued}){against}"
    )
    low = float(row["min"]) if _has(row, "min") else None
    high = float(row["max"]) if _has(row, "max") else None
    y_low = y(low) if low is not None else y(0)
    y_high = y(high) if high is not None else TOP
    if _has(row, "value"):
        marks = [y(float(row["value"]))]
    else:
        marks = [y(end) for end in (low, high) if end is not None]
    if start is not None and start < cx:
        span = _line(link, start, marks[0], cx, marks[0], source.colour)
        span.set("stroke-dasharray", "4 3")
        span.set("stroke-opacity", "0.6")
    if low != high:
        _line(link, cx, y_low, cx, y_high, source.colour).set("stroke-width", "2")
        for end, bound in ((y_low, low), (y_high, high)):
            if bound is not None:
                _line(link, cx - 4, end, cx + 4, end, source.colour).set("stroke-width", "2")
    if high is None:
        _arrow(link, cx, TOP, -1, source.colour)
    if low is None:
        _arrow(link, cx, y(0), 1, source.colour)
    for mark in marks:
        _marker(link, source, cx, mark, filled=_has(row, "value"))
    if point.conflicts:
        ET.SubElement(
            link,
            "circle",
            {
                "cx": f"{cx:.1f}",
                "cy": f"{marks[0]:.1f}",
                "r": "9",
                "fill": "none",
                "stroke": CONFLICT,
                "stroke-width": "2.5",
                "class": "chart-conflict",
            },
        )


def _arrow(parent: ET.Element, cx: float, tip: float, down: int, colour: str) -> None:
    """An arrowhead at an open end, pointing away from the interval (down: 1, up: -1)."""
    base = tip - 9 * down
    ET.SubElement(
        parent,
        "polygon",
        {
            "points": f"{cx - 5:.1f},{base:.1f} {cx + 5:.1f},{base:.1f} {cx:.1f},{tip:.1f}",
            "fill": colour,
            "class": "chart-arrow",
        },
    )


def _line(
    parent: ET.Element, x1: float, y1: float, x2: float, y2: float, colour: str
) -> ET.Element:
    return ET.SubElement(
        parent,
        "line",
        x1=f"{x1:.1f}",
        y1=f"{y1:.1f}",
        x2=f"{x2:.1f}",
        y2=f"{y2:.1f}",
        stroke=colour,
    )


def _marker(parent: ET.Element, source: Source, cx: float, cy: float, filled: bool) -> None:
    """The source's shape centred on (cx, cy): filled for a printed value, hollow for an
    interval's end."""
    paint = {
        "transform": f"translate({cx:.1f} {cy:.1f})",
        "fill": source.colour if filled else "#fff",
        "stroke": source.colour,
        "stroke-width": "1.6",
        "class": "chart-marker" + ("" if filled else " chart-hollow"),
    }
    if source.marker == "circle":
        ET.SubElement(parent, "circle", {"r": "5", **paint})
        return
    corners = {
        "square": "-4.5,-4.5 4.5,-4.5 4.5,4.5 -4.5,4.5",
        "triangle": "0,-6 5.5,4.5 -5.5,4.5",
        "diamond": "0,-6 5.5,0 0,6 -5.5,0",
    }
    ET.SubElement(parent, "polygon", {"points": corners[source.marker], **paint})


@lru_cache(maxsize=4)
def _pairs(version: str) -> list[dict[str, Any]]:
    """The conflicts query's rows for a data version: it compares every figure with every other
    (about half a second), so a worker asks once per version, not once per page."""
    return runtime().rows(CONFLICTS)


def load_chart(variable: str) -> Chart | None:
    """The chart of one variable, read from the store through the canned queries."""
    rt = runtime()
    return chart(rt.rows(SERIES, variable=variable), _pairs(rt.store.info.version))


def most_sourced(count: int) -> list[Chart]:
    """The charts of the variables with figures from the most sources (ties: by name)."""
    rows = runtime().rows("variables")
    ranked = sorted(rows, key=lambda row: (-int(row["sources"]), row["label"], row["variable"]))
    charts = (load_chart(row["variable"]) for row in ranked[:count])
    return [chart for chart in charts if chart is not None]
