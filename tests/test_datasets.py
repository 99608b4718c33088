"""Datasets converted by a declared mapping (data/datasets/<name>/mapping.yaml): every figure's
number, date and quote come from the stored file (read here independently, never typed in), and a
record or a field that does not read is a problem naming the file, the record and the field."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from powgraph.config import Settings
from powgraph.errors import DataError, Problem
from powgraph.ingest import load_data
from powgraph.ingest.datasets import dataset_sources
from powgraph.ingest.reader import Reader
from powgraph.publish.build import check
from powgraph.records import SourceFile

NAME = "petroivaniuk-2022-ukraine-russia-war-dataset"
ARCHIVE = Path("/work/shared/sources/datasets") / NAME  # where the file was taken from


def _load(data_dir: Path) -> tuple[list[SourceFile], list[Problem]]:
    reader = Reader(data_dir)
    return dataset_sources(reader, data_dir), reader.problems


def _mapping(folder: Path) -> dict:
    return yaml.safe_load((folder / "mapping.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def folder(settings: Settings) -> Path:
    return settings.data_dir / "datasets" / NAME


@pytest.fixture(scope="module")
def dataset(settings: Settings) -> SourceFile:
    sources, problems = _load(settings.data_dir)
    assert problems == []
    (found,) = [sf for sf in sources if sf.source.key == NAME]
    return found


def test_the_stored_file_is_the_declared_one(folder: Path) -> None:
    mapping = _mapping(folder)["file"]
    raw = (folder / mapping["path"]).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == mapping["sha256"]
    assert (folder / mapping["licence_file"]).read_text().startswith("MIT License")
    if ARCHIVE.is_dir():  # copied byte for byte from the archive
        assert raw == (ARCHIVE / mapping["path"]).read_bytes()


def test_every_record_with_the_field_is_a_figure_with_the_files_values(
    folder: Path, dataset: SourceFile
) -> None:
    mapping = _mapping(folder)
    (declared,) = mapping["figures"]
    field, begin = declared["field"], str(declared["period"]["begin"])
    text = (folder / mapping["file"]["path"]).read_text(encoding="utf-8")
    records = [r for r in json.loads(text) if field in r]
    assert len(dataset.figures) == len(records) > 0
    for figure, record in zip(dataset.figures, records, strict=True):
        assert figure.values == (Decimal(record[field]),)
        assert figure.printed == str(record[field])
        assert figure.period.begin.isoformat() == begin  # type: ignore[union-attr]
        assert figure.period.end.isoformat() == record[mapping["records"]["date"]]
        assert figure.interval.min == figure.interval.max == Decimal(record[field])
        assert figure.provenance.evidence == declared["evidence"]
        assert figure.ambiguity == declared["ambiguity"]


def test_each_quote_is_its_record_verbatim_in_the_stored_file(
    folder: Path, dataset: SourceFile
) -> None:
    mapping = _mapping(folder)
    text = (folder / mapping["file"]["path"]).read_text(encoding="utf-8")
    assert dataset.source.text == text
    field = mapping["figures"][0]["field"]
    records = [r for r in json.loads(text) if field in r]
    for figure, record in zip(dataset.figures, records, strict=True):
        assert text.count(figure.quote.exact) == 1
        assert json.loads(figure.quote.exact) == record  # the whole record, as it stands
        at = text.index(figure.quote.exact)
        assert text[:at].endswith(figure.quote.prefix)
        assert text[at + len(figure.quote.exact) :].startswith(figure.quote.suffix)


def test_the_source_cites_the_dataset_commit_and_sha256(folder: Path, dataset: SourceFile) -> None:
    declared = _mapping(folder)["file"]
    note = dataset.source.note or ""
    assert declared["commit"] in note and declared["sha256"] in note
    assert declared["commit"] in (dataset.source.url or "")
    assert dataset.source.text_path == f"datasets/{NAME}/{declared['path']}"


def test_the_series_never_falls(dataset: SourceFile) -> None:
    """Repeats are kept (each day's record stands); a fall would need a note per figure."""
    values = [f.values[0] for f in dataset.figures]
    assert all(a <= b for a, b in zip(values, values[1:], strict=False))
    assert len(set(values)) < len(values)  # it repeats: every day's record is a figure


def _copy(tmp_path: Path, folder: Path, edit: tuple[str, str] | None = None) -> Path:
    """data/ holding the dataset and the vocabulary, the file edited once and re-hashed."""
    data = tmp_path / "data"
    shutil.copytree(folder.parents[1] / "vocab", data / "vocab", ignore=_other_vocab)
    shutil.copytree(folder, data / "datasets" / NAME)
    if edit is not None:
        mapping_path = data / "datasets" / NAME / "mapping.yaml"
        mapping = mapping_path.read_text(encoding="utf-8")
        name = _mapping(folder)["file"]["path"]
        stored = data / "datasets" / NAME / name
        before = stored.read_text(encoding="utf-8")
        assert before.count(edit[0]) == 1
        after = before.replace(*edit)
        stored.write_text(after, encoding="utf-8")
        old, new = (hashlib.sha256(t.encode()).hexdigest() for t in (before, after))
        mapping_path.write_text(mapping.replace(old, new), encoding="utf-8")
    return data


def _other_vocab(directory: str, names: list[str]) -> list[str]:
    """Only the shared vocabulary and this task's (other batches' files are theirs)."""
    return [n for n in names if Path(directory).name == "more" and n != "datasets.yaml"]


AFTER_200 = '\n    },\n    {\n        "date": "2022-03-02"'
CASES = [
    # text replaced once in the stored file, by what, the record, the field, words of the message
    ('"POW": 200' + AFTER_200, '"POW": "n/a"' + AFTER_200, "record 5 (2022-03-01)", "POW",
     "expected a number"),
    ('"date": "2022-03-01"', '"date": "2022-03-32"', "record 5 (2022-03-32)", "date",
     "expected a date"),
    ('"POW": 360', '"POW": "360"', "record 13 (2022-03-09)", "POW", "expected a number"),
    ('"day": 8,', '"day": 8,,', "record 7", "", "not JSON"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "row", "field", "words"), CASES,
    ids=["number-as-text", "bad-date", "number-as-string", "not-json"],
)  # fmt: skip
def test_a_broken_record_names_file_record_and_field(
    tmp_path: Path, folder: Path, old: str, new: str, row: str, field: str, words: str
) -> None:
    data = _copy(tmp_path, folder, (old, new))
    with pytest.raises(DataError) as caught:
        load_data(data)
    (problem,) = caught.value.problems
    assert problem.file == f"data/datasets/{NAME}/russia_losses_personnel.json"
    assert (problem.row, problem.field) == (row, field)
    assert words in problem.message and problem.line is not None
    assert "Traceback" not in str(caught.value)


def test_a_changed_file_is_refused_by_its_sha256(tmp_path: Path, folder: Path) -> None:
    data = _copy(tmp_path, folder)
    stored = data / "datasets" / NAME / "russia_losses_personnel.json"
    stored.write_bytes(stored.read_bytes().replace(b'"POW": 496', b'"POW": 497'))
    with pytest.raises(DataError) as caught:
        load_data(data)
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.field) == (
        f"data/datasets/{NAME}/mapping.yaml",
        "file",
        "sha256",
    )


def test_an_undeclared_field_in_the_mapping_is_named(tmp_path: Path, folder: Path) -> None:
    data = _copy(tmp_path, folder)
    mapping = data / "datasets" / NAME / "mapping.yaml"
    mapping.write_text(
        mapping.read_text().replace("    unit: count\n", "    unit: count\n    units: count\n")
    )
    with pytest.raises(DataError) as caught:
        load_data(data)
    assert [(p.row, p.field) for p in caught.value.problems] == [
        ("figures row 1 (pow-{date})", "units")
    ]


def test_a_csv_dataset_is_mapped_the_same_way(tmp_path: Path, folder: Path) -> None:
    """The next dataset may be CSV: a row is a record, quoted as its line."""
    data = _copy(tmp_path, folder)
    csv_folder = data / "datasets" / "example-csv"
    csv_folder.mkdir()
    rows = "date,captured\n2022-03-01,200\n2022-03-02,216\n"
    (csv_folder / "series.csv").write_text(rows, encoding="utf-8")
    (csv_folder / "LICENSE").write_text("CC0\n", encoding="utf-8")
    mapping = _mapping(folder)
    mapping["source"]["key"] = "example-csv"
    mapping["file"] = {
        "path": "series.csv",
        "format": "csv",
        "sha256": hashlib.sha256(rows.encode()).hexdigest(),
        "licence": "CC0",
        "licence_file": "LICENSE",
    }
    mapping["records"] = {"date": "date"}
    mapping["figures"][0]["field"] = "captured"
    (csv_folder / "mapping.yaml").write_text(yaml.safe_dump(mapping), encoding="utf-8")
    sources, problems = _load(data)
    assert problems == []
    (example,) = [sf for sf in sources if sf.source.key == "example-csv"]
    assert [(f.key, f.values, f.quote.exact) for f in example.figures] == [
        ("pow-2022-03-01", (Decimal(200),), "2022-03-01,200"),
        ("pow-2022-03-02", (Decimal(216),), "2022-03-02,216"),
    ]


@pytest.mark.slow
def test_the_dataset_alone_conforms_to_the_shapes(
    tmp_path: Path, folder: Path, settings: Settings
) -> None:
    """The shapes (cumulative series, privacy for the days at 0, quotes) accept its figures."""
    checked = check(replace(settings, data_dir=_copy(tmp_path, folder)))
    assert checked.report.conforms, checked.report.text
    assert len(checked.data.sources[0].figures) == len(
        [r for r in json.loads(checked.data.sources[0].source.text) if "POW" in r]
    )
