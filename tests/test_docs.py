"""Drift between code and documentation: every data field and every setting is documented, and
the README's example error is the one the loader really prints."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest

from powgraph.config import Settings
from powgraph.errors import DataError
from powgraph.ingest import CLAIM_FIELDS, FIELDS, load_data
from tests.helpers import FOUNDING

ROOT = Path(__file__).resolve().parents[1]
DATA_README = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "field",
    sorted(
        {f for fs in FIELDS.values() for f in fs} | {f for fs in CLAIM_FIELDS.values() for f in fs}
    ),
)
def test_every_data_field_is_documented(field: str) -> None:
    assert f"`{field}`" in DATA_README


@pytest.mark.parametrize("name", [f.name for f in dataclasses.fields(Settings)])
def test_every_setting_is_documented(name: str) -> None:
    assert f"`POWGRAPH_{name.upper()}`" in README


def test_readme_error_example_is_real(tmp_path: Path, settings: Settings) -> None:
    example = re.search(r"for example\n`(data/sources/[^`]+)`", README)
    assert example, "README lost its example error"
    data = tmp_path / "data"
    shutil.copytree(settings.data_dir, data)
    source = data / "sources" / f"{FOUNDING}.yaml"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("value: 10000", "value: 10001", 1), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_data(data)
    assert str(caught.value) == example.group(1)


def test_every_canned_query_is_documented(settings: Settings) -> None:
    from powgraph.queries import read_queries

    for query in read_queries(settings.queries_dir):
        assert f"[`{query.name}`](queries/{query.name}.rq)" in README
