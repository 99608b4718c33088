"""URIs and links out: slash URIs id/{kind}/{key} under the base, Wikidata only for the ids
verified by hand, the war and places linked, the raions and the project never."""

from __future__ import annotations

import re

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, SKOS

from powgraph.config import Settings
from powgraph.namespaces import POW, WD

VERIFIED = {
    "ukraine": "Q212",
    "russia": "Q159",
    "russian-invasion-of-ukraine": "Q110999040",
    "donetsk-oblast": "Q2012050",
    "zaporizhzhia-oblast": "Q171334",
    "kursk-oblast": "Q3178",
}
KEY = r"[a-z0-9]+(?:-[a-z0-9]+)*"
DATE = r"\d{4}-\d{2}-\d{2}"
URI_FORMS = {
    "observation": rf"{KEY}/{KEY}",
    "claim": rf"{KEY}/{KEY}",
    "quote": rf"{KEY}/(observation|claim)/{KEY}",
    "selector": rf"{KEY}/(observation|claim)/{KEY}",
    "attribution": rf"{KEY}/(observation|claim)/{KEY}/(originator|stated-by)",
    "translation": rf"{KEY}/(observation|claim)/{KEY}",
    "exchange": rf"{KEY}(/ordinal/{KEY})?",
    "source": rf"{KEY}(/{KEY})?",  # a source file's own document, or another it quotes
    "period": rf"({DATE}--|until-){DATE}",  # until-: the source gives no start
    "date": DATE,
    "duration": r"\d+-months",
    "concept": rf"{KEY}/{KEY}",
    "structure": rf"{KEY}(/\w+)?",
}


def test_minted_uris_follow_the_pattern(settings: Settings, real_graph: Graph) -> None:
    base = settings.base_iri + "id/"
    minted = {t for triple in real_graph for t in triple if str(t).startswith(base)}
    assert not {
        t
        for triple in real_graph
        for t in triple
        if str(t).startswith(settings.base_iri) and not str(t).startswith((base, str(POW._NS)))
    }
    assert minted
    for uri in minted:
        assert str(uri).startswith(base), uri
        kind, _, key = str(uri)[len(base) :].partition("/")
        assert re.fullmatch(URI_FORMS.get(kind, KEY), key), uri


def test_wikidata_links_are_the_verified_ones(settings: Settings, real_graph: Graph) -> None:
    links = {
        str(s).rsplit("/", 1)[-1]: str(o).removeprefix(str(WD))
        for s, o in real_graph.subject_objects(SKOS.exactMatch)
    }
    assert links == VERIFIED
    assert all(isinstance(o, URIRef) for o in real_graph.objects(None, SKOS.exactMatch))
    # owl:sameAs would make every statement Wikidata holds about the item one of ours
    assert not set(real_graph.subject_objects(OWL.sameAs))
