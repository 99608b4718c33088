"""data/ -> typed records. Every editor mistake becomes a Problem naming file, row and field;
all of them are collected before failing, so one run shows an editor everything to fix."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

import yaml

from powgraph.errors import DataError, Problem
from powgraph.qualifiers import (
    NUMERALS_PER_BOUND,
    Approximation,
    Bound,
    Interval,
    Unit,
    implied_interval,
    numerals,
)

KEY_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
QUOTE_CONTEXT = 40  # characters of prefix and suffix kept around a quote
E = TypeVar("E", bound=Enum)

# The fields each row may have, by section; data/README.md documents every one (a test checks).
FIELDS: dict[str, tuple[str, ...]] = {
    "organizations": ("key", "label", "alt_labels", "definition"),
    "places": ("key", "label", "alt_labels", "type", "within", "wikidata", "iso3166_2"),
    "events": ("key", "label", "alt_labels", "begin", "wikidata"),
    "populations": ("key", "label", "definition"),
    "schemes": ("key", "label", "concepts"),
    "breakdowns": ("key", "label", "exhaustive"),
    "variables": (
        "key", "label", "definition", "population", "constraints", "part_of",
        "denominator", "breakdown", "measured_property", "stat_type",
    ),
    "source": (
        "key", "title", "title_supplied", "issued", "language", "text", "originator", "about",
        "publisher", "url", "note",
    ),
    "observations": (
        "key", "variable", "period", "unit", "printed", "value", "bound", "approximation",
        "hedge", "min", "max", "min_inclusive", "max_inclusive", "small_count", "ambiguity",
        "quote",
    ),
    "claims": ("key", "type", "label", "quote", "hedge", "ambiguity"),
}  # fmt: skip
CLAIM_FIELDS = {
    "comparison": ("left", "relation", "right"),
    "trend": ("variable", "period", "trend"),
    "ranking": ("variable", "period", "areas"),
    "qualitative": ("subjects",),
}


# --------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class Organization:
    key: str
    label: str
    alt_labels: tuple[str, ...]
    definition: str


@dataclass(frozen=True)
class Place:
    key: str
    label: str
    alt_labels: tuple[str, ...]
    kind: str
    within: str | None
    wikidata: str | None
    iso3166_2: str | None


@dataclass(frozen=True)
class Event:
    key: str
    label: str
    alt_labels: tuple[str, ...]
    begin: dt.date
    wikidata: str | None


@dataclass(frozen=True)
class Population:
    key: str
    label: str
    definition: str


@dataclass(frozen=True)
class Concept:
    scheme: str
    key: str
    label: str

    @property
    def ref(self) -> str:
        return f"{self.scheme}/{self.key}"


@dataclass(frozen=True)
class Scheme:
    key: str
    label: str
    concepts: tuple[Concept, ...]


@dataclass(frozen=True)
class Breakdown:
    key: str
    label: str
    exhaustive: bool


@dataclass(frozen=True)
class Variable:
    key: str
    label: str
    definition: str
    population: str
    constraints: tuple[str, ...]
    part_of: str | None
    denominator: str | None
    breakdown: str | None
    measured_property: str
    stat_type: str


@dataclass(frozen=True)
class Period:
    """A reference period; ``begin == end`` is an instant (a stock at a date)."""

    begin: dt.date
    end: dt.date

    @property
    def is_instant(self) -> bool:
        return self.begin == self.end

    @property
    def key(self) -> str:
        if self.is_instant:
            return self.end.isoformat()
        return f"{self.begin.isoformat()}--{self.end.isoformat()}"


@dataclass(frozen=True)
class Quote:
    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Figure:
    """One printed figure: becomes one qb:Observation."""

    key: str
    variable: str
    period: Period
    end_inferred: bool
    unit: Unit
    printed: str
    values: tuple[Decimal, ...]
    bound: Bound
    approximation: Approximation
    hedge: str | None
    interval: Interval
    small_count: bool
    ambiguity: str | None
    quote: Quote


@dataclass(frozen=True)
class Claim:
    """A comparison, trend, ranking or qualitative statement; unused fields stay empty."""

    key: str
    kind: str
    label: str
    quote: Quote
    hedge: str | None
    ambiguity: str | None
    end_inferred: bool
    variable: str | None = None
    period: Period | None = None
    trend: str | None = None
    relation: str | None = None
    left_variable: str | None = None
    left_periods: tuple[Period, ...] = ()
    right_variable: str | None = None
    right_periods: tuple[Period, ...] = ()
    areas: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    title_supplied: bool
    issued: dt.date
    language: str
    text_path: str
    text: str
    originator: str
    about: str | None
    publisher: str | None
    url: str | None
    note: str | None


@dataclass(frozen=True)
class SourceFile:
    file: str
    source: Source
    figures: tuple[Figure, ...]
    claims: tuple[Claim, ...]


@dataclass(frozen=True)
class Data:
    organizations: tuple[Organization, ...]
    places: tuple[Place, ...]
    events: tuple[Event, ...]
    populations: tuple[Population, ...]
    schemes: tuple[Scheme, ...]
    breakdowns: tuple[Breakdown, ...]
    variables: tuple[Variable, ...]
    sources: tuple[SourceFile, ...]


# --------------------------------------------------------------------------------------------
# YAML with line numbers


class _Row(dict[str, Any]):
    """A mapping that remembers the line of each of its fields."""

    line: int = 0
    lines: dict[str, int]


class _LineLoader(yaml.SafeLoader):
    """Safe YAML that keeps dates as text, so a bad date is our field error, not a crash."""

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def _construct_row(loader: _LineLoader, node: yaml.MappingNode) -> _Row:
    row = _Row(loader.construct_mapping(node, deep=True))  # type: ignore[arg-type]
    row.line = node.start_mark.line + 1
    row.lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
    return row


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_row)


class _Fields:
    """Typed access to one row's fields, recording a Problem for each bad one."""

    def __init__(self, problems: list[Problem], file: str, row: str, mapping: Any) -> None:
        self.problems, self.file, self.row = problems, file, row
        self.line = getattr(mapping, "line", None)
        self.ok = isinstance(mapping, dict)
        self.data: dict[str, Any] = mapping if isinstance(mapping, dict) else {}
        if not self.ok:
            self.fail("", f"expected a mapping of fields, got {type(mapping).__name__}")

    def fail(self, field: str, message: str) -> None:
        self.ok = False
        line = getattr(self.data, "lines", {}).get(field, self.line)
        self.problems.append(Problem(self.file, self.row, field, message, line))

    def only(self, *allowed: str) -> None:
        for name in sorted(set(self.data) - set(allowed)):
            self.fail(name, f"unknown field (allowed: {', '.join(allowed)})")

    def get(self, name: str, kind: type | tuple[type, ...], required: bool, what: str) -> Any:
        value = self.data.get(name)
        if value is None:
            if required:
                self.fail(name, "required field is missing")
            return None
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            self.fail(name, f"expected {what}, got {value!r}")
            return None
        if not isinstance(value, kind):
            self.fail(name, f"expected {what}, got {value!r}")
            return None
        return value

    def text(self, name: str, required: bool = True) -> str | None:
        value = self.get(name, (str, int, float), required, "text")
        if value is None:
            return None
        value = str(value).strip()
        if not value:
            self.fail(name, "must not be empty")
            return None
        return value

    def key(self, name: str = "key") -> str:
        value = self.text(name)
        if value is not None and not _is_key(value):
            self.fail(name, f"{value!r} is not a key (lower-case words joined by '-')")
        return value or ""

    def ref(self, name: str, required: bool = True) -> str | None:
        value = self.text(name, required)
        if value is not None and not all(_is_key(part) for part in value.split("/")):
            self.fail(name, f"{value!r} is not a key")
        return value

    def refs(self, name: str) -> tuple[str, ...]:
        value = self.get(name, list, False, "a list")
        if value is None:
            return ()
        out = []
        for item in value:
            if not isinstance(item, str) or not all(_is_key(p) for p in item.split("/")):
                self.fail(name, f"{item!r} is not a key")
            else:
                out.append(item)
        return tuple(out)

    def texts(self, name: str) -> tuple[str, ...]:
        value = self.get(name, list, False, "a list of text")
        if value is None:
            return ()
        return tuple(str(v) for v in value)

    def flag(self, name: str) -> bool:
        return bool(self.get(name, bool, False, "true or false"))

    def date(self, name: str, required: bool = True) -> dt.date | None:
        value = self.data.get(name)
        if value is None and not required:
            return None
        return self._as_date(name, value)

    def _as_date(self, name: str, value: Any) -> dt.date | None:
        try:
            return _date(value)
        except ValueError as exc:
            self.fail(name, str(exc))
            return None

    def enum(self, name: str, kind: type[E]) -> E | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in kind)
            self.fail(name, f"{value!r} is not one of: {allowed}")
            return None

    def choice(self, name: str, allowed: tuple[str, ...], default: str | None = None) -> str:
        value = self.text(name, required=default is None)
        if value is None:
            return default or ""
        if value not in allowed:
            self.fail(name, f"{value!r} is not one of: {', '.join(allowed)}")
        return value

    def number(self, name: str, value: Any) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.fail(name, f"expected a number, got {value!r}")
            return None
        try:
            return Decimal(str(value))
        except InvalidOperation:
            self.fail(name, f"expected a number, got {value!r}")
            return None

    def period(self, name: str) -> tuple[Period | None, bool]:
        """A period as {begin, end} | {at} | {year} | {month: YYYY-MM}, plus end_inferred."""
        spec = self.get(name, dict, True, "a period mapping")
        if spec is None:
            return None, False
        inferred = spec.get("end_inferred", False)
        if not isinstance(inferred, bool):
            self.fail(name, "end_inferred must be true or false")
        forms = {"begin", "end"}, {"at"}, {"year"}, {"month"}
        given = set(spec) - {"end_inferred"}
        if given not in forms:
            self.fail(name, "give one of {begin, end}, {at}, {year}, {month: YYYY-MM}")
            return None, False
        try:
            period = _period(spec)
        except (TypeError, ValueError) as exc:
            self.fail(name, f"not a period: {exc}")
            return None, False
        if period.begin > period.end:
            self.fail(name, f"begins {period.begin} after it ends {period.end}")
        return period, bool(inferred)

    def periods(self, name: str) -> tuple[tuple[Period, ...], bool]:
        specs = self.get(name, list, True, "a list of periods")
        periods, inferred = [], False
        for spec in specs or ():
            sub = _Fields(self.problems, self.file, self.row, {name: spec})
            sub.line = self.line
            period, end_inferred = sub.period(name)
            self.ok = self.ok and sub.ok
            inferred = inferred or end_inferred
            if period is not None:
                periods.append(period)
        return tuple(periods), inferred


def _period(spec: dict[str, Any]) -> Period:
    if "at" in spec:
        return Period(_date(spec["at"]), _date(spec["at"]))
    if "year" in spec:
        year = int(spec["year"])
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))
    if "month" in spec:
        first = _date(f"{spec['month']}-01")
        year, month = first.year, first.month
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return Period(first, following - dt.timedelta(days=1))
    return Period(_date(spec["begin"]), _date(spec["end"]))


def _date(value: Any) -> dt.date:
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"expected a date YYYY-MM-DD, got {value!r}")


def _is_key(value: str) -> bool:
    return re.fullmatch(KEY_PATTERN, value) is not None


# --------------------------------------------------------------------------------------------
# Files


class _Reader:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.problems: list[Problem] = []

    def name(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.data_dir.parent))
        except ValueError:
            return str(path)

    def read_yaml(self, path: Path) -> dict[str, Any]:
        try:
            content = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
        except FileNotFoundError:
            self.problems.append(Problem(self.name(path), "file", "", "file not found"))
            return {}
        except UnicodeDecodeError as exc:
            self.problems.append(Problem(self.name(path), "file", "", f"not UTF-8: {exc}"))
            return {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark else None
            self.problems.append(Problem(self.name(path), "file", "", f"not YAML: {exc}", line))
            return {}
        if not isinstance(content, dict):
            self.problems.append(Problem(self.name(path), "file", "", "expected a mapping"))
            return {}
        return content

    def rows(self, path: Path, content: dict[str, Any], section: str) -> Iterator[_Fields]:
        items = content.get(section) or []
        if not isinstance(items, list):
            self.problems.append(Problem(self.name(path), section, "", "expected a list"))
            return
        for index, item in enumerate(items, start=1):
            key = item.get("key") if isinstance(item, dict) else None
            label = f"{section} row {index}" + (f" ({key})" if key else "")
            yield _Fields(self.problems, self.name(path), label, item)

    def collect(self, path: Path, section: str, make: Callable[[_Fields], Any]) -> list[Any]:
        content = self.read_yaml(path)
        out = []
        for row in self.rows(path, content, section):
            record = make(row)
            if row.ok and record is not None:
                out.append(record)
        return out


def load_data(data_dir: Path) -> Data:
    """Read every file in data/; raise DataError listing every problem found."""
    reader = _Reader(data_dir)
    vocab = data_dir / "vocab"
    organizations = reader.collect(vocab / "agents.yaml", "organizations", _organization)
    places = reader.collect(vocab / "places.yaml", "places", _place)
    events = reader.collect(vocab / "places.yaml", "events", _event)
    categories = vocab / "categories.yaml"
    populations = reader.collect(categories, "populations", _population)
    schemes = reader.collect(categories, "schemes", _scheme)
    breakdowns = reader.collect(categories, "breakdowns", _breakdown)
    variables = reader.collect(vocab / "variables.yaml", "variables", _variable)
    sources = [_source_file(reader, path) for path in sorted((data_dir / "sources").glob("*.yaml"))]
    data = Data(
        tuple(organizations),
        tuple(places),
        tuple(events),
        tuple(populations),
        tuple(schemes),
        tuple(breakdowns),
        tuple(variables),
        tuple(s for s in sources if s is not None),
    )
    _check_references(reader, data)
    if reader.problems:
        raise DataError(reader.problems)
    return data


def _organization(f: _Fields) -> Organization:
    f.only(*FIELDS["organizations"])
    return Organization(
        f.key(), f.text("label") or "", f.texts("alt_labels"), f.text("definition") or ""
    )


def _place(f: _Fields) -> Place:
    f.only(*FIELDS["places"])
    wikidata = f.text("wikidata", required=False)
    if wikidata is not None and not (wikidata.startswith("Q") and wikidata[1:].isdigit()):
        f.fail("wikidata", f"{wikidata!r} is not a Wikidata item id (Q followed by digits)")
    return Place(
        f.key(),
        f.text("label") or "",
        f.texts("alt_labels"),
        f.choice("type", ("country", "region", "district")),
        f.ref("within", required=False),
        wikidata,
        f.text("iso3166_2", required=False),
    )


def _event(f: _Fields) -> Event | None:
    f.only(*FIELDS["events"])
    begin = f.date("begin")
    if begin is None:
        return None
    return Event(
        f.key(), f.text("label") or "", f.texts("alt_labels"), begin, f.text("wikidata", False)
    )


def _population(f: _Fields) -> Population:
    f.only(*FIELDS["populations"])
    return Population(f.key(), f.text("label") or "", f.text("definition") or "")


def _scheme(f: _Fields) -> Scheme:
    f.only(*FIELDS["schemes"])
    key = f.key()
    concepts = []
    for item in f.get("concepts", list, True, "a list of concepts") or ():
        sub = _Fields(f.problems, f.file, f.row, item)
        sub.line = f.line
        sub.only("key", "label")
        concepts.append(Concept(key, sub.key(), sub.text("label") or ""))
        f.ok = f.ok and sub.ok
    return Scheme(key, f.text("label") or "", tuple(concepts))


def _breakdown(f: _Fields) -> Breakdown:
    f.only(*FIELDS["breakdowns"])
    return Breakdown(f.key(), f.text("label") or "", f.flag("exhaustive"))


MEASURED_PROPERTIES = ("count", "age", "nationality")
STAT_TYPES = ("measured-value", "mean-value", "distinct-count", "range-of-values")


def _variable(f: _Fields) -> Variable:
    f.only(*FIELDS["variables"])
    return Variable(
        f.key(),
        f.text("label") or "",
        f.text("definition") or "",
        f.ref("population") or "",
        f.refs("constraints"),
        f.ref("part_of", required=False),
        f.ref("denominator", required=False),
        f.ref("breakdown", required=False),
        f.choice("measured_property", MEASURED_PROPERTIES, default="count"),
        f.choice("stat_type", STAT_TYPES, default="measured-value"),
    )


def _source_file(reader: _Reader, path: Path) -> SourceFile | None:
    content = reader.read_yaml(path)
    file = reader.name(path)
    if not content:
        return None
    head = _Fields(reader.problems, file, "source", content.get("source"))
    head.only(*FIELDS["source"])
    text_field = head.text("text")
    text = ""
    if text_field is not None:
        text_path = reader.data_dir / text_field
        try:
            text = text_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            head.fail("text", f"cannot read {text_field}: {exc}")
    source = Source(
        head.key(),
        head.text("title") or "",
        head.flag("title_supplied"),
        head.date("issued") or dt.date.min,
        head.text("language") or "",
        text_field or "",
        text,
        head.ref("originator") or "",
        head.ref("about", required=False),
        head.text("publisher", required=False),
        head.text("url", required=False),
        head.text("note", required=False),
    )
    if source.key and source.key != path.stem:
        head.fail("key", f"must equal the file name {path.stem!r}")
    if not head.ok:
        return None
    figures = [
        fig
        for row in reader.rows(path, content, "observations")
        if (fig := _figure(row, text)) is not None and row.ok
    ]
    claims = [
        claim
        for row in reader.rows(path, content, "claims")
        if (claim := _claim(row, text)) is not None and row.ok
    ]
    for section, keys in (
        ("observations", [x.key for x in figures]),
        ("claims", [c.key for c in claims]),
    ):
        for key in sorted({k for k in keys if keys.count(k) > 1}):
            reader.problems.append(Problem(file, f"{section} ({key})", "key", "key used twice"))
    unknown = set(content) - {"source", "observations", "claims"}
    for name in sorted(unknown):
        reader.problems.append(Problem(file, "file", name, "unknown section"))
    return SourceFile(file, source, tuple(figures), tuple(claims))


def _quote(f: _Fields, text: str) -> Quote | None:
    exact = f.text("quote")
    if exact is None or not text:
        return None
    count = text.count(exact)
    if count == 0:
        f.fail("quote", "not found verbatim in the source text (copy it exactly, dashes included)")
        return None
    if count > 1:
        f.fail("quote", f"occurs {count} times in the source text; quote more words")
        return None
    start = text.index(exact)
    end = start + len(exact)
    return Quote(
        exact, text[max(0, start - QUOTE_CONTEXT) : start], text[end : end + QUOTE_CONTEXT]
    )


def _figure(f: _Fields, text: str) -> Figure | None:
    f.only(*FIELDS["observations"])
    key, variable = f.key(), f.ref("variable") or ""
    period, end_inferred = f.period("period")
    unit, bound = f.enum("unit", Unit), f.enum("bound", Bound)
    approximation = f.enum("approximation", Approximation)
    printed, hedge = f.text("printed"), f.text("hedge", required=False)
    quote = _quote(f, text)
    if quote and printed and printed not in quote.exact:
        f.fail("printed", f"{printed!r} is not part of the quote")
    if printed and hedge and hedge not in printed:
        f.fail("hedge", f"{hedge!r} is not part of the printed value {printed!r}")
    if None in (period, unit, bound, approximation, printed, quote):
        return None
    assert period and unit and bound and approximation and printed and quote
    values = _values(f, unit, bound, printed)
    if values is None:
        return None
    interval = _interval(f, unit, bound, approximation, printed)
    if interval is None:
        return None
    return Figure(
        key, variable, period, end_inferred, unit, printed, values, bound, approximation, hedge,
        interval, f.flag("small_count"), f.text("ambiguity", required=False), quote,
    )  # fmt: skip


def _values(f: _Fields, unit: Unit, bound: Bound, printed: str) -> tuple[Decimal, ...] | None:
    """The value field must repeat exactly the numbers the printed wording shows."""
    shown = [n.value for n in numerals(printed, unit)]
    wanted = NUMERALS_PER_BOUND.get(bound, 1)
    if len(shown) != wanted:
        f.fail("printed", f"a {bound.value} figure prints {wanted} number(s); found {len(shown)}")
        return None
    raw = f.data.get("value")
    given = raw if isinstance(raw, list) else ([] if raw is None else [raw])
    values = [f.number("value", v) for v in given]
    if any(v is None for v in values):
        return None
    if values != shown:
        printed_values = ", ".join(str(v) for v in shown) or "none"
        f.fail("value", f"must repeat the number(s) printed in {printed!r}: {printed_values}")
        return None
    return tuple(v for v in values if v is not None)


def _interval(
    f: _Fields, unit: Unit, bound: Bound, approximation: Approximation, printed: str
) -> Interval | None:
    """The policy's interval, with explicit min/max (vague wording) replacing a side."""
    policy = implied_interval(unit, bound, approximation, numerals(printed, unit))
    low = f.number("min", f.data["min"]) if "min" in f.data else policy.min
    high = f.number("max", f.data["max"]) if "max" in f.data else policy.max
    low_incl = f.data.get("min_inclusive", True if "min" in f.data else policy.min_inclusive)
    high_incl = f.data.get("max_inclusive", True if "max" in f.data else policy.max_inclusive)
    for name, flag in (("min_inclusive", low_incl), ("max_inclusive", high_incl)):
        if not isinstance(flag, bool):
            f.fail(name, "must be true or false")
    if bound is Bound.MAGNITUDE and low is None:
        f.fail("min", "a magnitude word (thousands, hundreds) needs an explicit min")
    if low is not None and high is not None and low > high:
        f.fail("min", f"min {low} is greater than max {high}")
    if not f.ok:
        return None
    return Interval(low, bool(low_incl), high, bool(high_incl))


CLAIM_KINDS = tuple(CLAIM_FIELDS)
RELATIONS = ("greater-than", "less-than")
TRENDS = ("increasing", "decreasing")


def _claim(f: _Fields, text: str) -> Claim | None:
    kind = f.choice("type", CLAIM_KINDS)
    f.only(*FIELDS["claims"], *CLAIM_FIELDS.get(kind, ()))
    key, label, quote = f.key(), f.text("label") or "", _quote(f, text)
    hedge = f.text("hedge", required=False)
    if quote and hedge and hedge not in quote.exact:
        f.fail("hedge", f"{hedge!r} is not part of the quote")
    base: dict[str, Any] = {}
    inferred = False
    if kind in ("trend", "ranking"):
        base["variable"] = f.ref("variable")
        base["period"], inferred = f.period("period")
    if kind == "trend":
        base["trend"] = f.choice("trend", TRENDS)
    if kind == "ranking":
        base["areas"] = f.refs("areas")
        if not base["areas"]:
            f.fail("areas", "a ranking claim names at least one area")
    if kind == "qualitative":
        base["subjects"] = f.refs("subjects")
    if kind == "comparison":
        base["relation"] = f.choice("relation", RELATIONS)
        for side in ("left", "right"):
            part = f.get(side, dict, True, "a mapping {variable, periods}") or {}
            sub = _Fields(f.problems, f.file, f"{f.row}, {side}", part)
            sub.line = f.line
            sub.only("variable", "periods")
            base[f"{side}_variable"] = sub.ref("variable")
            base[f"{side}_periods"], side_inferred = sub.periods("periods")
            inferred = inferred or side_inferred
            f.ok = f.ok and sub.ok
    if quote is None or not f.ok:
        return None
    return Claim(
        key, kind, label, quote, hedge, f.text("ambiguity", required=False), inferred, **base
    )


# --------------------------------------------------------------------------------------------
# Cross-file references


def _check_references(reader: _Reader, data: Data) -> None:
    def missing(
        file: str, row: str, field: str, ref: str | None, known: set[str], what: str
    ) -> None:
        if ref is not None and ref not in known:
            reader.problems.append(Problem(file, row, field, f"no {what} with key {ref!r}"))

    orgs = {o.key for o in data.organizations}
    places = {p.key for p in data.places}
    events = {e.key for e in data.events}
    populations = {p.key for p in data.populations}
    concepts = {c.ref for s in data.schemes for c in s.concepts}
    breakdowns = {b.key for b in data.breakdowns}
    variables = {v.key for v in data.variables}
    places_file = reader.name(reader.data_dir / "vocab" / "places.yaml")
    variables_file = reader.name(reader.data_dir / "vocab" / "variables.yaml")
    for p in data.places:
        missing(places_file, f"places ({p.key})", "within", p.within, places, "place")
    for v in data.variables:
        row = f"variables ({v.key})"
        missing(variables_file, row, "population", v.population, populations, "population")
        for c in v.constraints:
            missing(variables_file, row, "constraints", c, concepts, "concept (scheme/key)")
        missing(variables_file, row, "part_of", v.part_of, variables, "variable")
        missing(variables_file, row, "denominator", v.denominator, variables, "variable")
        missing(variables_file, row, "breakdown", v.breakdown, breakdowns, "breakdown")
    for sf in data.sources:
        file = sf.file
        missing(file, "source", "originator", sf.source.originator, orgs, "organization")
        missing(file, "source", "about", sf.source.about, events, "event")
        for fig in sf.figures:
            missing(
                file, f"observations ({fig.key})", "variable", fig.variable, variables, "variable"
            )
        for claim in sf.claims:
            row = f"claims ({claim.key})"
            for name in ("variable", "left_variable", "right_variable"):
                missing(file, row, name, getattr(claim, name), variables, "variable")
            for name in ("areas", "subjects"):
                for area in getattr(claim, name):
                    missing(file, row, name, area, places, "place")
