"""Shared fixtures: the real data and graph (built once), the founding source's part of them,
and the small 'mini' fixture that the golden and negative-shape tests use."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import Graph

from powgraph.config import Settings
from powgraph.ingest import load_data
from powgraph.model.convert import convert
from powgraph.publish.build import Checked, check, shapes_and_ontology
from powgraph.records import Data, SourceFile
from tests.helpers import MINI_BASE, MINI_DATA, source_file


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def real_data(settings: Settings) -> Data:
    return load_data(settings.data_dir)


@pytest.fixture(scope="session")
def real_checked(settings: Settings) -> Checked:
    return check(settings)


@pytest.fixture(scope="session")
def real_graph(real_checked: Checked) -> Graph:
    return real_checked.graph


@pytest.fixture(scope="session")
def founding(real_data: Data) -> SourceFile:
    """The founding source, as loaded from data/ (tests.helpers.FOUNDING)."""
    return source_file(real_data)


@pytest.fixture(scope="session")
def founding_graph(settings: Settings, real_data: Data, founding: SourceFile) -> Graph:
    """The graph of data/ as if the founding source were its only source."""
    return convert(replace(real_data, sources=(founding,)), settings.base_iri)


@pytest.fixture(scope="session")
def shapes(settings: Settings) -> tuple[Graph, Graph]:
    return shapes_and_ontology(settings)


@pytest.fixture(scope="session")
def mini_data() -> Data:
    return load_data(MINI_DATA)


@pytest.fixture()
def mini_graph(mini_data: Data) -> Graph:
    return convert(mini_data, MINI_BASE)


@pytest.fixture()
def mini_settings(tmp_path: Path, settings: Settings) -> Iterator[Settings]:
    """A writable copy of the mini data, with its own build folder."""
    data = tmp_path / "data"
    shutil.copytree(MINI_DATA, data)
    yield replace(settings, base_iri=MINI_BASE, data_dir=data, build_dir=tmp_path / "build")
