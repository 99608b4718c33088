"""The pages for people (issue #13): the query editor's examples each answer, its autocompletion
is answered by this server, canned-query pages link IRIs to their pages here, and the modelling
documentation is a page the ontology links to, with no way for its Markdown to inject script."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
import requests
from flask.testing import FlaskClient
from rdflib import Graph

from powgraph.config import Settings
from powgraph.namespaces import POW, QUERY_PREFIXES
from powgraph.queries import CannedQuery, read_queries
from powgraph.web.docs import _rendered
from tests.web.conftest import LiveServer

EXAMPLES = read_queries(Settings().queries_dir / "examples")
FORM = re.compile(r"^(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.M)  # a query's form, at a line start
HTML = {"Accept": "text/html"}
NAV = '<header><a href="/">powgraph</a><a href="/sources">'  # base.html's navigation


def _editor_config(client: FlaskClient) -> dict[str, object]:
    page = client.get("/sparql", headers=HTML).get_data(as_text=True)
    found = re.search(r'<script id="editor-config" type="application/json">(.*?)</script>', page)
    assert found
    config: dict[str, object] = json.loads(found.group(1))
    return config


def _results(live: LiveServer, query: str) -> int:
    """How many rows, triples or true answers a query gives, asked as the editor asks."""
    response = requests.post(live.sparql, data={"query": query}, timeout=30)
    assert response.status_code == 200, response.text
    if response.headers["Content-Type"].startswith("application/sparql-results+json"):
        answer = response.json()
        return int(answer["boolean"]) if "boolean" in answer else len(answer["results"]["bindings"])
    return len(Graph().parse(data=response.text, format="turtle"))


def test_one_example_per_kind_of_question() -> None:
    forms = {form for q in EXAMPLES for form in FORM.findall(q.body)}
    assert len(EXAMPLES) >= 10
    assert len({q.title for q in EXAMPLES}) == len(EXAMPLES), "two examples with one title"
    assert forms == {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
    assert any("GRAPH ?g" in q.body for q in EXAMPLES)


@pytest.mark.parametrize("example", EXAMPLES, ids=[q.name for q in EXAMPLES])
def test_every_example_answers(live: LiveServer, example: CannedQuery) -> None:
    assert _results(live, example.body) >= 1


@pytest.mark.parametrize(("name", "term"), [("classes", POW.Claim), ("properties", POW.minValue)])
def test_autocompletion_is_answered_here(
    live: LiveServer, client: FlaskClient, name: str, term: str
) -> None:
    """The editor completes classes and properties from our own /sparql (as the page asks it,
    by GET), prefixes from the server's predeclared ones: nothing from prefix.cc or LOV."""
    config = _editor_config(client)
    assert config["prefixes"] == QUERY_PREFIXES
    query = config["completions"][name]  # type: ignore[index]
    answer = requests.get(live.sparql, params={"query": query}, timeout=30).json()
    assert str(term) in {row["term"]["value"] for row in answer["results"]["bindings"]}
    script = (Path(__file__).parents[2] / "src/powgraph/web/static/editor.js").read_text()
    assert not re.search(r"https?://", script), "the editor's script names an outside address"


def test_result_iris_under_the_base_link_here(client: FlaskClient, settings: Settings) -> None:
    """The editor rewrites result links by the site's own mapping (entities.local_href)."""
    local = _editor_config(client)["local"]
    assert local == {settings.base_iri + "id/": "/doc/", "https://w3id.org/powgraph/def": "/def"}


def test_canned_pages_use_the_layout_and_link_iris(live: LiveServer) -> None:
    index = requests.get(live.url + "/queries", headers=HTML, timeout=30)
    page = requests.get(live.url + "/queries/rank-breakdown", headers=HTML, timeout=30)
    assert NAV in index.text and NAV in page.text
    hrefs = re.findall(r'<a href="(/doc/[^"]+)">', page.text)
    assert hrefs, "no IRI of ours linked to its page"
    followed = requests.get(live.url + html.unescape(hrefs[0]), headers=HTML, timeout=30)
    assert followed.status_code == 200 and not followed.history  # the document: no 303 hop


def test_the_modelling_documentation_is_a_page_the_ontology_links(live: LiveServer) -> None:
    ontology = requests.get(live.url + "/def", headers=HTML, timeout=30)
    assert '<a href="/docs/model">' in ontology.text
    page = requests.get(live.url + "/docs/model", headers=HTML, timeout=30)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert NAV in page.text
    assert "<h2>The qualifier: bound kinds, approximation and the interval</h2>" in page.text


def test_markdown_cannot_inject_script(tmp_path: Path) -> None:
    source = tmp_path / "README.md"
    source.write_text(
        '# Title\n\n<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n'
        "[click](javascript:alert(3)) and [data](data:text/html;base64,PHNjcmlwdD4=)\n"
    )
    rendered = str(_rendered(source, 0))
    assert "<h1>Title</h1>" in rendered
    assert "<script" not in rendered and "<img" not in rendered
    assert 'href="javascript:' not in rendered and 'href="data:' not in rendered
