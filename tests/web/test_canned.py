"""Canned queries: every published figure is reproduced by a named query, exactly; parameters
are typed and cannot change a query's shape; the CLI gives the same rows embedded and remote."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate as validate_openapi
from rdflib import Graph, URIRef
from rdflib.namespace import QB, RDF, SKOS

from powgraph.cli import main
from powgraph.config import Settings
from powgraph.namespaces import POW, SDMX_MEASURE
from powgraph.queries import read_queries
from powgraph.records import Data, SourceFile
from tests.helpers import dataset_iri, exact, number, observations_of
from tests.web.conftest import LiveServer, Recorder

ROW_COLUMNS = {
    "observation",
    "printed",
    "value",
    "boundKind",
    "min",
    "minInclusive",
    "max",
    "maxInclusive",
    "quote",
    "source",
}


def _as_decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def test_every_figure_is_reproduced_by_a_canned_query(
    live: LiveServer, real_graph: Graph, settings: Settings
) -> None:
    """Each figure of the founding source is named in a query's header and is in its answer;
    a figure of any other source is at least in some canned query's answer (with the
    defaults), with the same wording, values and quote as in the graph."""
    queries = read_queries(settings.queries_dir)
    base = settings.base_iri + "id/observation/"
    listed = {f"{base}{key}": q.name for q in queries for key in q.statistics}
    figures = set(real_graph.subjects(RDF.type, QB.Observation))
    founding = {str(f) for f in observations_of(real_graph, dataset_iri(settings.base_iri))}
    assert founding <= set(listed), "a figure of the founding source without a canned query"
    answers: dict[str, dict[str, dict[str, Any]]] = {}
    for query in queries:
        r = requests.get(f"{live.url}/queries/{query.name}.json", timeout=10)
        assert r.status_code == 200, r.text
        answers[query.name] = {
            row["observation"]: row for row in r.json()["rows"] if "observation" in row
        }
    ontology = Graph().parse(settings.ontology_dir / "pow.ttl")
    for figure in figures:
        if str(figure) in listed:
            row = answers[listed[str(figure)]][str(figure)]
        else:
            found = [rows[str(figure)] for rows in answers.values() if str(figure) in rows]
            if not found:  # every figure is in the answer for its statistic, whatever it is
                variable = str(real_graph.value(figure, POW.statisticalVariable))
                r = requests.get(
                    f"{live.url}/queries/every-source.json",
                    params={"variable": variable},
                    timeout=10,
                )
                found = [row for row in r.json()["rows"] if row["observation"] == str(figure)]
            assert found, f"{figure} is in no canned query's answer"
            row = found[0]
        assert ROW_COLUMNS <= set(row)
        assert row["printed"] == str(real_graph.value(figure, POW.printedValue))
        assert _as_decimal(row["value"]) == number(real_graph, figure, SDMX_MEASURE.obsValue)
        assert _as_decimal(row["min"]) == number(real_graph, figure, POW.minValue)
        assert _as_decimal(row["max"]) == number(real_graph, figure, POW.maxValue)
        bound = real_graph.value(figure, POW.boundKind)
        assert row["boundKind"] == str(ontology.value(bound, SKOS.prefLabel))
        assert row["quote"] == exact(real_graph, figure)


def test_statistics_in_headers_name_real_figures(real_graph: Graph, settings: Settings) -> None:
    base = settings.base_iri + "id/observation/"
    for query in read_queries(settings.queries_dir):
        for key in query.statistics:
            assert (URIRef(base + key), RDF.type, QB.Observation) in real_graph, (query.name, key)


def test_formats_and_citation(client: FlaskClient) -> None:
    """The app fixture caps answers at 5 rows: JSON, CSV and the page give the same cut rows,
    and the citation names the sources and quotes of those rows, the data's version and the
    licence."""
    answer = client.get("/queries/exchanges", headers={"Accept": "application/json"}).json
    rows = answer["rows"]  # type: ignore[index]
    citation = answer["citation"]  # type: ignore[index]
    assert 0 < len(rows) <= 5
    assert citation["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert {s["source"] for s in citation["sources"]} == {r["source"] for r in rows}
    assert set(citation["quotes"]) == {r["quote"] for r in rows}
    assert citation["version"] == client.application.extensions["powgraph"].store.info.version
    as_csv = client.get("/queries/exchanges.csv")
    assert as_csv.content_type.startswith("text/csv")
    assert 'rel="license"' in as_csv.headers["Link"] and 'rel="cite-as"' in as_csv.headers["Link"]
    table = list(csv.DictReader(io.StringIO(as_csv.data.decode())))
    assert [r["printed"] for r in table] == [r["printed"] for r in rows]
    tsv = client.get("/queries/exchanges", headers={"Accept": "text/tab-separated-values"})
    assert tsv.data.decode().splitlines()[0].split("\t")[:3] == [
        "observation",
        "statistic",
        "printed",
    ]
    page = client.get("/queries/exchanges", headers={"Accept": "text/html"}).data.decode()
    assert rows[0]["printed"] in page and "Cite" in page and "SELECT ?observation" in page
    assert 'href="/sparql#query=' in page
    listing = client.get("/queries", headers={"Accept": "application/json"}).json
    assert {q["name"] for q in listing["queries"]} >= {"exchanges", "claims", "source-figures"}  # type: ignore[index]


def test_parameters(client: FlaskClient, real_data: Data, founding: SourceFile) -> None:
    key = "count-returned-to-russia"
    variable = f"https://w3id.org/powgraph/id/variable/{key}"
    r = client.get("/queries/variable-over-time.json", query_string={"variable": variable})
    printed = [row["printed"] for row in r.json["rows"]]  # type: ignore[index]
    assert [f.printed for f in founding.figures if f.variable == key] == ["just over 6,000"]
    expected = [f.printed for sf in real_data.sources for f in sf.figures if f.variable == key]
    # every source's figure for the variable bound, up to the app fixture's cap of 5 rows
    assert len(printed) == min(len(expected), 5) and set(printed) <= set(expected)
    bad = client.get("/queries/variable-over-time.json", query_string={"variable": "nope"})
    assert bad.status_code == 400 and "variable" in bad.json["error"]["message"]  # type: ignore[index]
    unknown = client.get("/queries/exchanges.json", query_string={"colour": "red"})
    assert unknown.status_code == 400 and "colour" in unknown.json["error"]["message"]  # type: ignore[index]
    assert client.get("/queries/nothing-like-this").status_code == 404


def test_limit_and_offset_are_clamped(app: Flask, client: FlaskClient) -> None:
    """The app fixture caps answers at 5 rows."""
    huge = client.get("/queries/source-figures.json", query_string={"limit": "99999999"})
    assert len(huge.json["rows"]) == 5  # type: ignore[index]
    page = client.get("/queries/source-figures.json", query_string={"limit": "2", "offset": "1"})
    whole = client.get("/queries/source-figures.json").json["rows"]  # type: ignore[index]
    assert page.json["rows"] == whole[1:3]  # type: ignore[index]
    assert (
        client.get("/queries/source-figures.json", query_string={"offset": "-1"}).status_code == 400
    )


INJECTIONS = [
    '"',
    "'",
    ">",
    "}",
    "#",
    "\\",
    "<http://127.0.0.1:1/>",
    "x> } SERVICE <http://127.0.0.1:1/> { ?s ?p ?o",
    'https://w3id.org/x"> } . SERVICE <http://127.0.0.1:1/> {',
    "urn:x\x00y",
    "urn:\u202e\u0000",
    "https://w3id.org/powgraph/id/dataset/2025-12-31-iwtl-report> . ?s ?p ?o #",
    "https://w3id.org/ünïcödé/ЖЖ",
    "urn:a}#",
    "SERVICE",
    "https://w3id.org/powgraph/id/dataset/x",
]


PARAMETERS = [("source-figures", "dataset"), ("variable-over-time", "variable")]


@pytest.mark.parametrize(("name", "parameter"), PARAMETERS)
def test_injection_is_400_or_a_correct_empty_answer(
    live: LiveServer, logger: str, name: str, parameter: str
) -> None:
    url = f"{live.url}/queries/{name}.json"
    shape = requests.get(url, timeout=10).json()["columns"]
    for payload in INJECTIONS:
        r = requests.get(url, params={parameter: payload}, timeout=10)
        if r.status_code == 200:
            assert r.json()["columns"] == shape and r.json()["rows"] == [], payload
        else:
            assert r.status_code == 400 and parameter in r.json()["error"]["message"], payload
    assert Recorder.hits == []


def test_openapi_document_validates(client: FlaskClient, settings: Settings) -> None:
    document = client.get("/openapi.json").json
    validate_openapi(document)  # type: ignore[arg-type]
    names = {q.name for q in read_queries(settings.queries_dir)}
    assert {p.removeprefix("/queries/") for p in document["paths"]} == names  # type: ignore[index]


def test_cli_gives_the_same_rows_embedded_and_remote(live: LiveServer, built: Settings) -> None:
    env = {"POWGRAPH_BUILD_DIR": str(built.build_dir)}
    runner = CliRunner()
    listed = runner.invoke(main, ["queries"], env=env)
    assert listed.exit_code == 0 and "rank-breakdown" in listed.output
    for name, params in (
        ("rank-breakdown", []),
        (
            "variable-over-time",
            ["--param", "variable=https://w3id.org/powgraph/id/variable/share-foreign"],
        ),
    ):
        embedded = runner.invoke(main, ["query", name, "--format", "json", *params], env=env)
        remote = runner.invoke(
            main, ["query", name, "--format", "json", "--endpoint", live.sparql, *params], env=env
        )
        assert embedded.exit_code == 0 and remote.exit_code == 0, embedded.output + remote.output
        assert json.loads(embedded.output) == json.loads(remote.output)
        assert json.loads(embedded.output)["rows"]
    bad = runner.invoke(main, ["query", "variable-over-time", "--param", "variable=nope"], env=env)
    assert bad.exit_code == 2 and "variable" in bad.output


def test_cli_runs_a_query_file(tmp_path: Path, built: Settings, real_data: Data) -> None:
    path = tmp_path / "mine.rq"
    path.write_text(
        "#+ title: mine\nPREFIX qb: <http://purl.org/linked-data/cube#>\n"
        "SELECT (COUNT(*) AS ?n) WHERE { ?s a qb:Observation }\n"
    )
    result = CliRunner().invoke(
        main,
        ["query", str(path), "--format", "csv"],
        env={"POWGRAPH_BUILD_DIR": str(built.build_dir)},
    )
    observations = sum(len(sf.figures) for sf in real_data.sources)
    assert result.exit_code == 0 and result.output.splitlines() == ["n", str(observations)]
