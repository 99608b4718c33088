"""Conditional requests (RFC 9110 13.1.2): If-None-Match is "*" or a list of entity-tags, each
compared whole and weakly (W/"x" matches "x"); a match is 304 for GET and HEAD, on /sparql (the
first answer and the cached one alike), on the dumps, and on pages without an ETag ("*")."""

from __future__ import annotations

import pytest
import requests

from tests.web.conftest import LiveServer

ASK = {"query": "ASK { ?s ?p ?o }"}


def _etag(live: LiveServer, path: str, **kwargs: object) -> str:
    r = requests.get(live.url + path, timeout=10, **kwargs)  # type: ignore[arg-type]
    assert r.status_code == 200 and r.headers["ETag"].startswith('"')
    return str(r.headers["ETag"])


def _matching(tag: str) -> list[str]:
    return [
        "*",
        tag,
        f"W/{tag}",
        f'"other", {tag}',
        f'W/"other",W/{tag}',
        f'"a", "b",  {tag} , "c"',
    ]


def _not_matching(tag: str) -> list[str]:
    bare = tag.strip('"')
    return [
        '"other"',
        f'"{bare}x"',  # a longer tag that starts with it
        f'"x{bare}"',
        f'"a"{bare}"b"',  # the quoted tag appears as a substring, not as an entity-tag
        f'"{bare[:-1]}"',
    ]


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_sparql_answers_304_for_star_lists_and_weak_tags(live: LiveServer, method: str) -> None:
    # an Accept never sent before reaches the app; the plain one, answered before, is replayed
    # by the answer cache (of each worker: hence the repetitions); both follow the same rule
    for _ in range(4):
        tag = _etag(live, "/sparql", params=ASK)
    for i, header in enumerate(_matching(tag) + _not_matching(tag)):
        expected = 304 if header in _matching(tag) else 200
        for accept in (f"application/sparql-results+json, x/new-{method}-{i};q=0.1", None):
            r = requests.request(
                method,
                live.sparql,
                params=ASK,
                headers={"If-None-Match": header, **({"Accept": accept} if accept else {})},
                timeout=10,
            )
            assert r.status_code == expected, (header, accept, r.status_code)
            assert r.headers["ETag"] == tag
            if expected == 304:
                assert r.content == b""


def test_a_cached_answer_is_not_revalidated_by_a_substring(live: LiveServer) -> None:
    query = {"query": "ASK { ?s a ?t }"}
    for _ in range(4):  # cached by each worker
        tag = _etag(live, "/sparql", params=query)
    for _ in range(4):
        header = '"a"' + tag.strip('"') + '"b"'  # holds the quoted tag, but is no entity-tag
        r = requests.get(live.sparql, params=query, headers={"If-None-Match": header}, timeout=10)
        assert r.status_code == 200 and r.json()["boolean"] is True


def test_post_is_never_answered_304(live: LiveServer) -> None:
    r = requests.post(live.sparql, data=ASK, headers={"If-None-Match": "*"}, timeout=10)
    assert r.status_code == 200 and r.json()["boolean"] is True


def test_dumps_follow_the_same_rule(live: LiveServer) -> None:
    listing = requests.get(live.url + "/dumps?format=json", timeout=10).json()
    path = f"/dumps/{listing['releases'][0]['version']}/powgraph.ttl"
    tag = _etag(live, path)
    for header in _matching(tag):
        for method in ("GET", "HEAD"):
            r = requests.request(
                method, live.url + path, headers={"If-None-Match": header}, timeout=10
            )
            assert r.status_code == 304, (header, method)
    for header in _not_matching(tag):
        r = requests.get(live.url + path, headers={"If-None-Match": header}, timeout=10)
        assert r.status_code == 200 and r.content.startswith(b"@prefix"), header


@pytest.mark.parametrize(
    "path", ["/", "/def", "/queries/datasets.json", "/dataset", "/sparql", "/dumps"]
)
def test_star_matches_any_current_representation(live: LiveServer, path: str) -> None:
    for attempt in ("app", "cache"):
        plain = requests.get(live.url + path, timeout=10)
        assert plain.status_code == 200, (path, attempt)
        star = requests.get(live.url + path, headers={"If-None-Match": "*"}, timeout=10)
        assert star.status_code == 304 and star.content == b"", (path, attempt)
        other = requests.get(live.url + path, headers={"If-None-Match": '"nope"'}, timeout=10)
        assert other.status_code == 200 and other.content == plain.content, (path, attempt)


def test_star_does_not_turn_an_error_into_304(live: LiveServer) -> None:
    for path in ("/doc/nothing/here", "/queries/nope", "/sparql?query=nope"):
        r = requests.get(live.url + path, headers={"If-None-Match": "*"}, timeout=10)
        assert 400 <= r.status_code < 500, path
