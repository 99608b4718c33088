"""Our own terms: each defined once in ontology/pow.ttl with a label, a definition and
rdfs:isDefinedBy; the Python namespace lists exactly those; the graph uses no undefined term."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from powgraph.config import Settings
from powgraph.namespaces import ONTOLOGY_IRI, POW

NS = str(POW._NS)


def _ontology(settings: Settings) -> Graph:
    return Graph().parse(Path(settings.ontology_dir) / "pow.ttl")


def _terms(g: Graph) -> set[URIRef]:
    return {s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(NS)}


def test_every_term_is_documented(settings: Settings) -> None:
    g = _ontology(settings)
    for term in _terms(g):
        labels = set(g.objects(term, RDFS.label)) | set(g.objects(term, SKOS.prefLabel))
        assert labels, f"{term} has no label"
        assert g.value(term, SKOS.definition), f"{term} has no definition"
        assert g.value(term, RDFS.isDefinedBy) == ONTOLOGY_IRI, f"{term} lacks rdfs:isDefinedBy"


def test_python_namespace_matches_ontology(settings: Settings) -> None:
    declared = {POW[name] for name in POW.__annotations__}
    assert declared == _terms(_ontology(settings))


def test_ontology_header(settings: Settings) -> None:
    g = _ontology(settings)
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in g
    for prop in (OWL.versionIRI, DCTERMS.license, DCTERMS.created, DCTERMS.modified):
        assert g.value(ONTOLOGY_IRI, prop) is not None, prop
    # its creator is an agent the data describes (a literal name says nothing linkable)
    assert isinstance(g.value(ONTOLOGY_IRI, DCTERMS.creator), URIRef)


def test_reference_period_is_sdmx_ref_period(settings: Settings) -> None:
    """SDMX-aware consumers find the period where they look for it (sdmx-dimension:refPeriod)."""
    refperiod = URIRef("http://purl.org/linked-data/sdmx/2009/dimension#refPeriod")
    assert (POW.referencePeriod, RDFS.subPropertyOf, refperiod) in _ontology(settings)


def test_graph_uses_only_defined_terms(settings: Settings, real_graph: Graph) -> None:
    defined = _terms(_ontology(settings))
    used = {t for triple in real_graph for t in triple if str(t).startswith(NS)}
    assert used <= defined, used - defined
