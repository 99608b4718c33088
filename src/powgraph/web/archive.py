"""The archive's comparison pages: every source (/sources, /sources/<key>), every prisoner
exchange (/exchanges, /exchanges/<key>) and every disagreement between figures
(/disagreements). They read the published store through canned queries only, so a page says
what /queries/<name> answers, and a key is looked up in an answer, never pasted into a query."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, render_template

from powgraph.queries import shown_interval
from powgraph.web.canned import side_value
from powgraph.web.links import local_href
from powgraph.web.runtime import runtime

bp = Blueprint("archive", __name__)

# Figures of an exchange without a side (agreed, exchanged in all) are listed after the sides.
NO_SIDE = "Other figures: agreed, or exchanged in all"


def source_page(iri: str | None) -> str | None:
    """The /sources page of the source a document belongs to (its own, or one it quotes)."""
    prefix = runtime().settings.base_iri + "id/source/"
    if not iri or not iri.startswith(prefix):
        return None
    return "/sources/" + iri[len(prefix) :].split("/", 1)[0]


def _figure(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """One side of a row (``prefix`` "left"/"right" in the conflicts answer) with its links."""

    def get(name: str) -> Any:
        return side_value(row, name, prefix)

    iri = row.get(prefix) if prefix else row.get("observation")
    return {
        "iri": iri,
        "href": local_href(iri) if iri else None,
        "printed": get("printed"),
        "interval": shown_interval(get("min"), get("minInclusive"), get("max"), get("maxInclusive"))
        if get("min") is not None or get("max") is not None
        else None,
        "period": get("period"),
        "quote": get("quote"),
        "language": get("language"),
        "sourceTitle": get("sourceTitle"),
        "sourceHref": source_page(get("source")),
        "statedBy": get("statedBy"),
    }


def _by_key(name: str, key: str, what: str) -> dict[str, Any]:
    """The row of an index query (sources, exchange-events) with this key, or a 404."""
    found = next((row for row in runtime().rows(name) if row["key"] == key), None)
    if found is None:
        abort(404, f"no {what} with key {key[:80]!r}; see /{what}s")
    return found


@bp.get("/sources")
def sources() -> Response:
    return Response(render_template("sources.html", sources=runtime().rows("sources")))


@bp.get("/sources/<key>")
def source(key: str) -> Response:
    found = _by_key("sources", key, "source")
    documents = runtime().rows("source-documents", dataset=found["dataset"])
    for document in documents:
        document["code"] = (document["language"] or "").rsplit("/", 1)[-1]
    statements = []
    for row in runtime().rows("source-statements", dataset=found["dataset"]):
        statement = _figure(row)
        for name in ("kind", "statistic", "hedge", "evidence", "originator", "reliability"):
            statement[name] = row[name]
        statement["note"] = row["ambiguity"]
        statement["exchange"] = _exchange_page(row["exchange"])
        statements.append(statement)
    page = render_template(
        "source.html",
        source=found,
        documents=documents,
        figures=[s for s in statements if s["kind"] == "figure"],
        claims=[s for s in statements if s["kind"] != "figure"],
        dataset_href=local_href(found["dataset"]),
    )
    return Response(page)


def _exchange_page(iri: str | None) -> str | None:
    prefix = runtime().settings.base_iri + "id/exchange/"
    return "/exchanges/" + iri[len(prefix) :] if iri and iri.startswith(prefix) else None


def _dates(event: dict[str, Any]) -> list[str]:
    return sorted(str(event["stages"] or event["startDate"]).split())


@bp.get("/exchanges")
def exchanges() -> Response:
    events = runtime().rows("exchange-events")
    for event in events:
        event["dates"] = _dates(event)
    return Response(render_template("exchanges.html", exchanges=events))


@bp.get("/exchanges/<key>")
def exchange(key: str) -> Response:
    event = _by_key("exchange-events", key, "exchange")
    event["dates"] = _dates(event)
    sides: dict[str, list[dict[str, Any]]] = {}
    for row in runtime().rows("exchange-figures", exchange=event["exchange"]):
        figure = _figure(row)
        figure.update({"statistic": row["statistic"], "evidence": row["evidence"]})
        sides.setdefault(row["side"] or NO_SIDE, []).append(figure)
    ordered = sorted(sides.items(), key=lambda item: (item[0] == NO_SIDE, item[0]))
    page = render_template(
        "exchange.html", exchange=event, sides=ordered, doc_href=local_href(event["exchange"])
    )
    return Response(page)


@bp.get("/disagreements")
def disagreements() -> Response:
    pairs = [
        {
            "kinds": str(row["kinds"]).split(),
            "statistic": row["statistic"],
            "left": _figure(row, "left"),
            "right": _figure(row, "right"),
        }
        for row in runtime().rows("conflicts")
    ]
    return Response(render_template("disagreements.html", pairs=pairs))
