"""Structured datasets (data/datasets/<name>/): a publisher's JSON or CSV file, kept byte for
byte, and a declared mapping (mapping.yaml) saying which field of a record is which figure. Each
record's field becomes the same records.Figure a hand-written observations row becomes, quoted as
the record stands in the file, inside a SourceFile whose Source is the dataset; the loader's
checks, the converter, the shapes and the pages then serve it unchanged."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from powgraph.errors import Problem
from powgraph.ingest import periods
from powgraph.ingest.fields import Fields
from powgraph.ingest.reader import Reader, Row
from powgraph.ingest.sections import FIELDS
from powgraph.ingest.sources import observation
from powgraph.model.enums import LANGUAGES, RELIABILITY
from powgraph.published import VOCABULARY_GRAPH
from powgraph.records import Figure, Source, SourceFile

MAPPING = "mapping.yaml"
SECTIONS: dict[str, tuple[str, ...]] = {
    "source": tuple(f for f in FIELDS["source"] if f != "text"),  # the text is the file
    "file": (
        "path", "format", "sha256", "repository", "commit", "upstream_path", "licence",
        "licence_file",
    ),
    "records": ("iterator", "date"),
    "figures": (
        "field", "key", "variable", "period", "unit", "bound", "approximation", "hedge",
        "ambiguity", "originator", "stated_by", "evidence",
    ),
}  # fmt: skip
# the figure's fields a declaration gives as an observations row does (data/README.md)
AS_DECLARED = (
    "unit", "bound", "approximation", "hedge", "ambiguity", "originator", "stated_by", "evidence",
)  # fmt: skip
FORMATS = ("json", "csv")
JSON_ITERATOR = "$[*]"  # the records are the items of the top-level array


@dataclass(frozen=True)
class Record:
    """One record as it stands in the file: its number, line, text and parsed fields (for a
    JSON number, the number as written; for CSV, each cell's text)."""

    number: int
    line: int
    text: str
    fields: dict[str, Any]
    typed: bool  # JSON: a number must be a JSON number, never a string of digits


class JsonNumber(str):
    """A JSON number as written in the file ("200", "1.40"), never re-printed."""


def dataset_sources(reader: Reader, data_dir: Path) -> list[SourceFile]:
    """Every data/datasets/*/mapping.yaml as a source file of figures."""
    found = (dataset_file(reader, p) for p in sorted((data_dir / "datasets").glob(f"*/{MAPPING}")))
    return [sf for sf in found if sf is not None]


def dataset_file(reader: Reader, path: Path) -> SourceFile | None:
    content = reader.read_yaml(path)
    file = reader.name(path)
    if not content:
        return None
    for name in sorted(set(content) - set(SECTIONS)):
        reader.problems.append(Problem(file, "file", name, "unknown section"))
    spec = Fields(reader.problems, file, "file", content.get("file"))
    spec.only(*SECTIONS["file"])
    text, data_path = _stored_file(reader, path, spec)
    source = _source(reader, path, content, spec, data_path, text)
    records = Fields(reader.problems, file, "records", content.get("records"))
    records.only(*SECTIONS["records"])
    iterator = records.text("iterator", required=False)
    date_field = records.text("date")
    form = spec.choice("format", FORMATS)
    if form == "json" and iterator != JSON_ITERATOR:
        records.fail("iterator", f"a JSON dataset's records are given as {JSON_ITERATOR!r}")
    if form == "csv" and iterator is not None:
        records.fail("iterator", "a CSV dataset's records are its rows: give no iterator")
    specs = [row for row in reader.rows(path, content, "figures") if _check_spec(row)]
    if not content.get("figures"):
        reader.problems.append(Problem(file, "figures", "", "declare at least one figure"))
    if source is None or not (spec.ok and records.ok) or data_path is None or date_field is None:
        return None
    data_file = reader.name(data_path)
    figures: list[Figure] = []
    for record in _records(reader.problems, data_file, text, form):
        for row in specs:
            figure = _figure(reader.problems, data_file, text, record, row, date_field)
            if figure is not None:
                figures.append(figure)
    keys = [f.key for f in figures]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        reader.problems.append(Problem(file, f"figures ({key})", "key", "key used twice"))
    return SourceFile(file, source, tuple(figures), ())


def _stored_file(reader: Reader, mapping: Path, spec: Fields) -> tuple[str, Path | None]:
    """The dataset's file beside the mapping, as text, if its bytes are the declared ones."""
    name, sha256 = spec.text("path"), spec.text("sha256")
    licence = spec.text("licence_file")
    if licence is not None and not (mapping.parent / licence).is_file():
        spec.fail("licence_file", f"no file {licence!r} beside the mapping")
    if name is None:
        return "", None
    path = mapping.parent / name
    if path.parent != mapping.parent:
        spec.fail("path", "the dataset's file lies beside its mapping (a name, not a path)")
        return "", None
    try:
        raw = path.read_bytes()
    except OSError as exc:
        spec.fail("path", f"cannot read {name}: {exc.strerror}")
        return "", None
    digest = hashlib.sha256(raw).hexdigest()
    if sha256 is not None and digest != sha256.lower():
        spec.fail("sha256", f"{name} has sha256 {digest}: not the file the mapping declares")
    try:
        return raw.decode("utf-8"), path
    except UnicodeDecodeError as exc:
        spec.fail("path", f"{name} is not UTF-8: {exc}")
        return "", None


def _source(
    reader: Reader, mapping: Path, content: dict[str, Any], spec: Fields, data: Path | None,
    text: str,
) -> Source | None:  # fmt: skip
    """The dataset as a document; its note cites the repository, the commit and the sha256."""
    head = Fields(reader.problems, reader.name(mapping), "source", content.get("source"))
    head.only(*SECTIONS["source"])
    key = head.key()
    if key and key != mapping.parent.name:
        head.fail("key", f"must equal the dataset's folder name {mapping.parent.name!r}")
    if key == VOCABULARY_GRAPH:
        head.fail("key", f"{VOCABULARY_GRAPH!r} names the shared vocabulary's graph")
    upstream = [
        f"{words} {value}"
        for words, name in (
            ("File", "upstream_path"),
            ("of", "repository"),
            ("at commit", "commit"),
        )  # fmt: skip
        if (value := spec.text(name, required=False)) is not None
    ]
    citation = "; ".join(
        [" ".join(upstream)] * bool(upstream)
        + [f"licence {spec.text('licence')}", f"sha256 {spec.data.get('sha256')}."]
    )
    note = head.text("note", required=False)
    source = Source(
        key,
        head.text("title") or "",
        head.flag("title_supplied"),
        head.date("issued") or dt.date.min,
        head.choice("language", tuple(LANGUAGES)),
        str(data.relative_to(reader.data_dir)) if data is not None else "",
        text,
        head.ref("originator") or "",
        head.ref("about", required=False),
        head.ref("publisher", required=False),
        head.text("url", required=False),
        f"{note} {citation}" if note else citation,
        head.choice("reliability", tuple(RELIABILITY)) if "reliability" in head.data else None,
    )
    return source if head.ok else None


def _check_spec(row: Fields) -> bool:
    """A figure declaration: the record's field, the key template and the row's other fields."""
    row.only(*SECTIONS["figures"])
    row.text("field")
    row.text("key")
    period = row.get("period", dict, True, "a mapping {begin: YYYY-MM-DD}")
    if period is not None and set(period) not in ({"begin"}, set()):
        row.fail("period", "give {begin: YYYY-MM-DD} (the end is the record's date) or {}")
    return row.ok


def _records(problems: list[Problem], file: str, text: str, form: str) -> Iterator[Record]:
    yield from (_json_records if form == "json" else _csv_records)(problems, file, text)


def _json_records(problems: list[Problem], file: str, text: str) -> Iterator[Record]:
    """Each object of the top-level array, with the text it stands as in the file."""
    decoder = json.JSONDecoder(parse_float=JsonNumber, parse_int=JsonNumber)
    at = _skip(text, 0)
    if not text.startswith("[", at):
        problems.append(Problem(file, "file", "", "expected a JSON array of records", 1))
        return
    at, number = _skip(text, at + 1), 0
    while at < len(text) and text[at] != "]":
        number += 1
        line = text.count("\n", 0, at) + 1
        try:
            fields, end = decoder.raw_decode(text, at)
        except json.JSONDecodeError as exc:
            problems.append(
                Problem(file, f"record {number}", "", f"not JSON: {exc.msg}", exc.lineno)
            )
            return
        if not isinstance(fields, dict):
            problems.append(Problem(file, f"record {number}", "", "expected an object", line))
        else:
            yield Record(number, line, text[at:end], fields, typed=True)
        at = _skip(text, end)
        if text.startswith(",", at):
            at = _skip(text, at + 1)
        elif not text.startswith("]", at):
            problems.append(
                Problem(file, f"record {number}", "", "expected ',' or ']' after the record", line)
            )
            return


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at


def _csv_records(problems: list[Problem], file: str, text: str) -> Iterator[Record]:
    """Each row after the header, with its line as it stands in the file (one line a row)."""
    lines = text.splitlines()
    header = next(csv.reader(lines[:1]), [])
    for index, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = next(csv.reader([line]))
        if len(cells) != len(header):
            problems.append(
                Problem(file, f"record {index - 1}", "", f"{len(cells)} cells, the header has "
                        f"{len(header)} (a row is one line)", index)
            )  # fmt: skip
            continue
        yield Record(index - 1, index, line, dict(zip(header, cells, strict=True)), typed=False)


def _figure(
    problems: list[Problem], file: str, text: str, record: Record, spec: Fields, date_field: str
) -> Figure | None:
    """One record's field as an observations row, read by the same code as a hand-written one;
    a problem names the dataset's file, the record and the field."""
    name = str(spec.data["field"])
    if name not in record.fields:
        return None  # the record does not give this figure
    raw_date = record.fields.get(date_field)
    row_name = f"record {record.number}" + (f" ({raw_date})" if isinstance(raw_date, str) else "")
    here = Fields(problems, file, row_name, {})
    here.line = record.line
    value = record.fields[name]
    if not (
        isinstance(value, str)
        and (isinstance(value, JsonNumber) or not record.typed)
        and _is_number(value)
    ):
        here.fail(name, f"expected a number, got {value!r}")
    try:
        end = periods.date(raw_date)
    except ValueError as exc:
        here.fail(date_field, str(exc))
    try:
        key = str(spec.data["key"]).format_map(record.fields)
    except (KeyError, ValueError, IndexError, AttributeError) as exc:
        here.fail(name, f"the key {spec.data['key']!r} names no field of the record: {exc}")
    if not here.ok:
        return None
    period = {k: str(v) for k, v in dict(spec.data.get("period") or {}).items()}
    row = Row(
        key=key,
        variable=spec.data.get("variable"),
        period={**period, "end": end.isoformat()} if period else {"at": end.isoformat()},
        printed=value,
        value=value,
        quote=record.text,
        **{k: spec.data[k] for k in AS_DECLARED if k in spec.data},
    )
    if spec.data.get("unit") == "count" and Decimal(value) < 10:
        row["small_count"] = True  # as the privacy shape asks of every count below 10
    row.line, row.lines = record.line, {}
    fields = Fields(problems, file, row_name, row)
    figure = observation(fields, text)
    return figure if fields.ok else None


def _is_number(text: str) -> bool:
    try:
        return Decimal(text).is_finite() and text.strip() == text
    except ArithmeticError:
        return False
