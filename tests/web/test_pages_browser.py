"""Pages for people in headless Chromium (Debian's): at a phone's width (375 px) the dataset
page, a canned query's page and a syntax error in the query editor fit without horizontal
overflow; the editor completes terms from this server and links result IRIs to pages here.
Screenshots go to test-artifacts/; no request leaves 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from tests.web.conftest import LiveServer
from tests.web.test_browser import ARTIFACTS, chromium_page

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

PHONE = (375, 812)
FITS = "document.documentElement.scrollWidth <= window.innerWidth"
SYNTAX_ERROR = "SELECT * WHERE { ?s ?p }"


def _local_only(page: Page, live: LiveServer) -> Callable[[], list[str]]:
    """Records every request the page makes that does not go to the live server."""
    outside: list[str] = []
    page.on(
        "request",
        lambda req: (
            outside.append(req.url)
            if not req.url.startswith((live.url, "data:", "blob:"))
            else None
        ),
    )
    return lambda: outside


def _editor(page: Page, live: LiveServer, query: str) -> None:
    """The editor with `query` in it, run; returns once YASR has drawn an answer or an error."""
    page.goto(live.sparql, wait_until="networkidle")
    page.wait_for_selector(".yasqe .CodeMirror", timeout=15_000)
    page.evaluate("q => document.querySelector('.yasqe .CodeMirror').CodeMirror.setValue(q)", query)
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr tbody tr, .yasr .errorResult", timeout=15_000)


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/dataset", "dataset-375"),
        ("/queries", "queries-375"),
        ("/queries/rank-breakdown", "query-375"),
        ("/docs/model", "model-375"),
        ("/sources", "sources-375"),
        ("/sources/2024-06-05-tass-putin-1348-6465", "source-375"),
        ("/exchanges", "exchanges-375"),
        ("/exchanges/2025-05-23", "exchange-375"),
        ("/disagreements", "disagreements-375"),
    ],
)
def test_page_fits_a_phone(live: LiveServer, path: str, name: str) -> None:
    with chromium_page(*PHONE) as page:
        outside = _local_only(page, live)
        response = page.goto(live.url + path, wait_until="networkidle")
        assert response is not None and response.status == 200
        assert response.headers["content-type"].startswith("text/html")
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        assert page.evaluate(FITS), page.evaluate("document.documentElement.scrollWidth")
        assert page.locator("header a[href='/sparql']").count() == 1  # the site's navigation
        assert outside() == []


def test_a_syntax_error_is_readable_on_a_phone(live: LiveServer) -> None:
    with chromium_page(*PHONE) as page:
        outside = _local_only(page, live)
        _editor(page, live, SYNTAX_ERROR)
        error = page.locator(".yasr .query-error")
        error.wait_for(timeout=15_000)
        page.screenshot(path=str(ARTIFACTS / "sparql-error-375.png"), full_page=True)
        text = error.inner_text()
        assert "line 1, column" in text
        assert '{"error"' not in text and "\\n" not in text  # not escaped JSON
        assert page.evaluate(FITS), page.evaluate("document.documentElement.scrollWidth")
        assert outside() == []


def test_result_iris_link_to_pages_here(live: LiveServer) -> None:
    with chromium_page(1280, 900) as page:
        outside = _local_only(page, live)
        _editor(page, live, "SELECT ?o { ?o a <http://purl.org/linked-data/cube#Observation> }")
        hrefs = page.eval_on_selector_all(".yasr tbody a[href]", "as => as.map(a => a.href)")
        assert hrefs and all(h.startswith(live.url + "/doc/observation/") for h in hrefs)
        page.click(".yasr tbody a[href]")
        page.wait_for_load_state()
        assert page.url.startswith(live.url + "/doc/observation/")
        assert outside() == []


def test_autocompletion_offers_our_terms(live: LiveServer) -> None:
    """Typing `pow:` after `a` pops up our classes; `pow:min` in a predicate's place our
    properties (both asked of this server's /sparql)."""
    with chromium_page(1280, 900) as page:
        outside = _local_only(page, live)
        page.goto(live.sparql, wait_until="networkidle")
        page.wait_for_selector(".yasqe .CodeMirror", timeout=15_000)
        page.evaluate(
            """() => { const cm = document.querySelector('.yasqe .CodeMirror').CodeMirror;
            cm.setValue('SELECT * WHERE {\\n  ?claim a '); cm.focus();
            cm.setCursor(cm.lineCount(), 0); }"""
        )
        page.keyboard.type("pow:", delay=50)
        page.wait_for_selector(".CodeMirror-hints li", timeout=10_000)
        classes = page.eval_on_selector_all(
            ".CodeMirror-hints li", "ls => ls.map(l => l.textContent)"
        )
        page.screenshot(path=str(ARTIFACTS / "sparql-autocomplete.png"))
        page.keyboard.press("Escape")
        page.keyboard.type(" ; pow:min", delay=50)
        page.wait_for_selector(".CodeMirror-hints li", timeout=10_000)
        properties = page.eval_on_selector_all(
            ".CodeMirror-hints li", "ls => ls.map(l => l.textContent)"
        )
        assert "pow:Claim" in classes
        assert set(properties) == {"pow:minValue", "pow:minInclusive"}
        assert outside() == []
