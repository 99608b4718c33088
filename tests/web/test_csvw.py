"""CSV on the Web: every canned answer's CSV names its metadata (Link: rel="describedby"), whose
columns are the CSV's header, whose url is that CSV, and whose datatypes parse every cell; each
series (variable-over-time for a variable) too. A bad parameter is a 4xx, never a 500."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import requests
from flask.testing import FlaskClient

from powgraph.config import Settings
from powgraph.queries import read_queries
from powgraph.web import csvw
from tests.web.conftest import LiveServer

NAMES = [q.name for q in read_queries(Settings().queries_dir)]
SERIES = "variable-over-time"
LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*")
XSD = "http://www.w3.org/2001/XMLSchema#"


def _date(cell: str) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d\d-\d\d(Z|[+-]\d\d:\d\d)?", cell)) and bool(
        dt.date.fromisoformat(cell[:10])
    )


def _date_time(cell: str) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?", cell))


def _double(cell: str) -> bool:
    return cell in ("INF", "-INF", "NaN") or bool(
        re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", cell)
    )


# How a CSVW processor reads each built-in datatype the metadata may name (its lexical space)
PARSES: dict[str, Callable[[str], bool]] = {
    "anyURI": lambda cell: bool(urlsplit(cell).scheme) and " " not in cell,
    "integer": lambda cell: bool(re.fullmatch(r"[+-]?\d+", cell)),
    "decimal": lambda cell: bool(re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", cell)),
    "double": _double,
    "boolean": lambda cell: cell in ("true", "false", "1", "0"),
    "date": _date,
    "dateTime": _date_time,
    "gYear": lambda cell: bool(re.fullmatch(r"-?\d{4,}", cell)),
    "string": lambda cell: True,
}


def _described_by(response: requests.Response) -> str:
    links = requests.utils.parse_header_links(response.headers["Link"])
    found = [
        link["url"]
        for link in links
        if link.get("rel") == "describedby" and link.get("type") == "application/csvm+json"
    ]
    assert len(found) == 1, response.headers["Link"]
    return found[0]


def _check(live: LiveServer, path: str, params: dict[str, str] | None = None) -> int:
    """The CSV at `path` and its metadata agree; returns the number of cells checked."""
    answer = requests.get(live.url + path, params=params, timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith("text/csv")
    found = requests.get(_described_by(answer), timeout=30)
    assert found.status_code == 200, found.text
    assert found.headers["Content-Type"].startswith(csvw.MEDIA_TYPE)
    metadata = found.json()
    assert metadata["@context"] == "http://www.w3.org/ns/csvw"
    assert metadata["dc:title"] and metadata["dc:description"]
    again = requests.get(metadata["url"], timeout=30)  # the url dereferences to that CSV
    assert again.status_code == 200 and again.content == answer.content
    table = list(csv.reader(io.StringIO(answer.text)))
    columns = metadata["tableSchema"]["columns"]
    assert [c["name"] for c in columns] == table[0]
    assert [c["titles"] for c in columns] == table[0]
    cells = 0
    for i, column in enumerate(columns):
        assert column["datatype"] in PARSES, column
        if "lang" in column:
            assert column["datatype"] == "string" and LANGUAGE.fullmatch(column["lang"])
        for row in table[1:]:
            if row[i]:  # an empty cell is null (CSVW's default "null": "")
                assert PARSES[column["datatype"]](row[i]), (column, row[i])
                cells += 1
    return cells


@pytest.mark.parametrize("name", NAMES)
def test_the_metadata_describes_each_canned_csv(live: LiveServer, name: str) -> None:
    _check(live, f"/queries/{name}.csv")


def test_the_metadata_describes_each_series(live: LiveServer) -> None:
    """variable-over-time for every variable the variables query lists: one CSV per series."""
    variables = requests.get(live.url + "/queries/variables.json", timeout=10).json()["rows"]
    assert variables
    cells = sum(
        _check(live, f"/queries/{SERIES}.csv", {"variable": row["variable"]}) for row in variables
    )
    assert cells > 0


def test_limit_and_offset_are_kept_in_the_metadata_url(live: LiveServer) -> None:
    def table(url: str, params: dict[str, str] | None = None) -> list[list[str]]:
        return list(csv.reader(io.StringIO(requests.get(url, params=params, timeout=10).text)))

    whole = table(f"{live.url}/queries/{SERIES}.csv")
    assert len(whole) > 3
    page = requests.get(
        f"{live.url}/queries/{SERIES}.csv", params={"limit": "2", "offset": "1"}, timeout=10
    )
    metadata = requests.get(_described_by(page), timeout=10).json()
    assert table(metadata["url"]) == [whole[0], *whole[2:4]]


def test_a_column_is_typed_from_its_terms() -> None:
    """Integers with decimals are decimals; IRIs with text are text; one shared language tag
    is the column's lang, several are none."""
    integer = {"type": "literal", "value": "5", "datatype": XSD + "integer"}
    decimal = {"type": "literal", "value": "82.5", "datatype": XSD + "decimal"}
    iri = {"type": "uri", "value": "https://example.org/a"}
    english = {"type": "literal", "value": "five", "xml:lang": "en"}
    ukrainian = {"type": "literal", "value": "п'ять", "xml:lang": "uk"}
    assert csvw.column("n", [integer, integer])["datatype"] == "integer"
    assert csvw.column("n", [integer, decimal])["datatype"] == "decimal"
    assert csvw.column("n", [iri])["datatype"] == "anyURI"
    assert csvw.column("n", [iri, english])["datatype"] == "string"
    assert csvw.column("n", [english, english])["lang"] == "en"
    assert "lang" not in csvw.column("n", [english, ukrainian])
    assert csvw.column("n", [])["datatype"] == "string"


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        (f"/queries/{SERIES}.csv-metadata.json", {"variable": "not an IRI"}, 400),
        (f"/queries/{SERIES}.csv-metadata.json", {"nonsense": "1"}, 400),
        (f"/queries/{SERIES}.csv-metadata.json", {"limit": "two"}, 400),
        ("/queries/no-such-query.csv-metadata.json", {}, 404),
        (f"/queries/{SERIES}.csv", {"variable": "<bad>"}, 400),
    ],
)
def test_bad_parameters_are_4xx(
    client: FlaskClient, path: str, params: dict[str, str], status: int
) -> None:
    response = client.get(path, query_string=params)
    assert response.status_code == status
    assert response.is_json and response.json["error"]["status"] == status  # type: ignore[index]
    page = client.get(path, query_string=params, headers={"Accept": "text/html"})
    assert page.status_code == status and page.mimetype == "text/html"
    assert b"Traceback" not in page.data


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("a", "link"):
            self.links.append(dict(attrs))


def test_the_query_page_links_its_csv_and_metadata(live: LiveServer) -> None:
    variables = requests.get(live.url + "/queries/variables.json", timeout=10).json()["rows"]
    params = {"variable": variables[0]["variable"]}
    page = requests.get(
        f"{live.url}/queries/{SERIES}", params=params, headers={"Accept": "text/html"}, timeout=10
    )
    assert page.status_code == 200
    parser = _Links()
    parser.feed(page.text)
    csv_answer = requests.get(f"{live.url}/queries/{SERIES}.csv", params=params, timeout=10)
    metadata = _described_by(csv_answer).removeprefix(live.url)
    hrefs = [link.get("href") for link in parser.links]
    assert metadata in hrefs  # the download link and the head's rel="describedby"
    assert any(
        link.get("rel") == "describedby" and link.get("href") == metadata for link in parser.links
    )
    assert csv_answer.url.removeprefix(live.url) in hrefs  # the CSV, with the same parameter
