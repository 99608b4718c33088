"""The answer cache in front of Flask: which pages it keeps, what it keys on, and its bounds."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from werkzeug.test import EnvironBuilder

from powgraph.web import answer_cache
from powgraph.web.answer_cache import AnswerCache


class Counting:
    """A WSGI app whose every answer is new: a repeated body means the cache answered."""

    def __init__(self, size: int = 10) -> None:
        self.calls, self.size = 0, size

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        self.calls += 1
        environ["wsgi.input"].read()
        start_response("200 OK", [("Content-Type", "text/plain"), ("ETag", f'"{self.calls}"')])
        return [str(self.calls).encode().ljust(self.size, b".")]


def _get(cache: AnswerCache, path: str, **kwargs: Any) -> tuple[str, bytes]:
    environ = EnvironBuilder(path=path, **kwargs).get_environ()
    seen: dict[str, str] = {}
    body = b"".join(cache(environ, lambda status, headers, exc=None: seen.update(status=status)))
    return seen["status"], body


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        ("/", True),
        ("/sparql", True),
        ("/doc/place/russia", True),
        ("/id/place/russia", True),
        ("/queries/exchanges.json", True),
        ("/def", True),
        ("/health", False),
        ("/dumps", False),
        ("/dumps/v/powgraph.nt.gz", False),
    ],
)
def test_which_pages_are_kept(path: str, kept: bool) -> None:
    app = Counting()
    cache = AnswerCache(app, entries=10, max_body=1000)
    first, second = _get(cache, path)[1], _get(cache, path)[1]
    assert (first == second) is kept and app.calls == (1 if kept else 2)


def test_key_includes_accept_query_and_body() -> None:
    app = Counting()
    cache = AnswerCache(app, entries=10, max_body=1000)
    bodies = {
        _get(cache, "/sparql", query_string="query=ASK{}")[1],
        _get(cache, "/sparql", query_string="query=ASK{}", headers={"Accept": "text/csv"})[1],
        _get(cache, "/sparql", method="POST", data="query=ASK{}")[1],
        _get(cache, "/sparql", method="POST", data="query=ASK{ }")[1],
    }
    assert len(bodies) == 4 and app.calls == 4
    assert (
        _get(cache, "/sparql", method="POST", data="query=ASK{ }")[1] in bodies and app.calls == 4
    )


def test_conditional_get_from_the_cache() -> None:
    cache = AnswerCache(Counting(), entries=10, max_body=1000)
    _get(cache, "/def")
    status, body = _get(cache, "/def", headers={"If-None-Match": '"1"'})
    assert status.startswith("304") and body == b""


def test_bounded_by_entries_and_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    app = Counting(size=100)
    cache = AnswerCache(app, entries=3, max_body=1000)
    for n in range(5):
        _get(cache, f"/doc/{n}")
    assert len(cache._items) == 3
    monkeypatch.setattr(answer_cache, "MAX_TOTAL_BYTES", 250)
    _get(cache, "/doc/new")
    assert len(cache._items) == 2 and cache._bytes == 200
    big = AnswerCache(Counting(size=answer_cache.MAX_CACHED_BYTES + 1), entries=3, max_body=1000)
    _get(big, "/")
    assert not big._items


def test_a_read_body_is_handed_on() -> None:
    seen: list[bytes] = []

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        seen.append(environ["wsgi.input"].read())
        start_response("200 OK", [])
        return [b""]

    cache = AnswerCache(app, entries=3, max_body=1000)
    environ = EnvironBuilder(path="/sparql", method="POST", data="query=ASK{}").get_environ()
    list(cache(environ, lambda *a: None))
    assert seen == [b"query=ASK{}"]
