"""Where a URI is served: our own by their document on this site, others as they are."""

from __future__ import annotations

from powgraph.web.runtime import runtime


def local_href(iri: str) -> str | None:
    """Where a URI is described here: our own URIs by their document on this host (/doc/...,
    what /id/... answers 303 to: a link saves the hop), others as they are."""
    base = runtime().settings.base_iri
    if iri.startswith(base + "id/"):
        return "/doc/" + iri[len(base) + 3 :]
    if iri.startswith("https://w3id.org/powgraph/def"):
        return "/def" + iri[len("https://w3id.org/powgraph/def") :]
    if iri.startswith(("http://", "https://")):
        return iri
    return None
