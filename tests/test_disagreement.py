"""Model v2 on the archived excerpts: sources that disagree are kept side by side and linked,
never ranked; a dispute points at what it disputes; quotes keep their language; who stated a
figure is not who published it. Counts and keys come from the data, not from this file."""

from __future__ import annotations

import json

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, QB, RDF

from powgraph.checks import validate
from powgraph.config import Settings
from powgraph.model.convert import text_graph
from powgraph.namespaces import CITO, OA, POW, SDMX_MEASURE
from powgraph.publish.build import Checked
from powgraph.queries import bind, read_queries, rows
from powgraph.records import Data
from powgraph.store import QueryJob
from powgraph.store.embedded import run_job
from powgraph.store.query_process import Limits
from tests.helpers import violated_shapes

HELD_BY_RUSSIA = "count-ukrainian-pows-held-by-russia"


def _variants(graph: Graph) -> set[frozenset[URIRef]]:
    return {
        frozenset((a, b))  # type: ignore[arg-type]
        for a, b in graph.subject_objects(POW.variantOf)
    }


def test_variants_of_one_statement_are_both_kept_and_linked(real_graph: Graph) -> None:
    """6,465 (TASS) and 6,365 (dpa) for the same words: both figures, one link, no winner."""
    pairs = _variants(real_graph)
    assert pairs
    for pair in pairs:
        a, b = sorted(pair)
        assert real_graph.value(a, POW.statisticalVariable) == real_graph.value(
            b, POW.statisticalVariable
        )
        assert (a, RDF.type, QB.Observation) in real_graph
        assert (b, RDF.type, QB.Observation) in real_graph


def test_every_source_query_shows_the_variants(real_checked: Checked, settings: Settings) -> None:
    """The canned query for one statistic lists every source's figure and, for each, the
    figures that render the same statement differently."""
    store = ox.Store()
    store.bulk_load(real_checked.union, format=ox.RdfFormat.N_TRIPLES)
    query = {q.name: q for q in read_queries(settings.queries_dir)}["every-source"]
    job = QueryJob(query.text, "json", bindings=bind(query, {}))
    answer = run_job(store, job, Limits(settings.row_cap, settings.byte_cap, memory=0))
    _, found = rows(json.loads(answer.body))
    variable = URIRef(f"{settings.base_iri}id/variable/{HELD_BY_RUSSIA}")
    expected = set(real_checked.graph.subjects(POW.statisticalVariable, variable))
    assert {URIRef(r["observation"]) for r in found} == expected
    by_iri = {r["observation"]: r for r in found}
    linked = [pair for pair in _variants(real_checked.graph) if pair <= expected]
    assert linked
    for pair in linked:
        a, b = sorted(str(x) for x in pair)
        assert b in by_iri[a]["variantOf"].split() and a in by_iri[b]["variantOf"].split()
        assert by_iri[a]["printed"] != by_iri[b]["printed"]


def test_a_dispute_points_at_the_figures_it_disputes(real_graph: Graph) -> None:
    disputes = list(real_graph.subject_objects(CITO.disputes))
    assert disputes
    for claim, figure in disputes:
        assert (claim, RDF.type, POW.DisputeClaim) in real_graph
        assert (figure, RDF.type, QB.Observation) in real_graph
        # the dispute and the disputed figure come from different sources
        assert real_graph.value(figure, QB.dataSet) != real_graph.value(claim, DCTERMS.isPartOf)


def test_quotes_keep_their_language(real_graph: Graph, real_data: Data) -> None:
    """Every quote is tagged with a language of its documents, and the archive's languages are
    there (Ukrainian, Russian, German quotes validate with the rest)."""
    languages = {
        sf.language(doc)
        for sf in real_data.sources
        for doc in (None, *(d.key for d in sf.documents))
    }
    tagged = {
        exact.language for exact in real_graph.objects(None, OA.exact) if isinstance(exact, Literal)
    }
    assert tagged <= languages and {"uk", "ru", "de"} <= tagged


def test_who_stated_a_figure_is_not_who_published_it(real_graph: Graph) -> None:
    """A head of state's figure published by a news agency: the statement is the office's
    (prov:hadRole pow:statedBy), the document the agency's (dcterms:publisher)."""
    stated = list(real_graph.subjects(PROV.hadRole, POW.statedBy))
    assert stated
    for attribution in stated:
        agent = real_graph.value(attribution, PROV.agent)
        figure = real_graph.value(predicate=PROV.qualifiedAttribution, object=attribution)
        quote = real_graph.value(figure, PROV.wasDerivedFrom)
        document = real_graph.value(quote, OA.hasSource)
        publisher = real_graph.value(document, DCTERMS.publisher)
        assert agent is not None and (publisher is None or publisher != agent)


def test_a_conflicting_pair_without_a_link_fails_the_shapes(
    real_checked: Checked, real_data: Data, shapes: tuple[Graph, Graph], settings: Settings
) -> None:
    """Take the links between variants away: the same variable and period with intervals that
    cannot both hold (the headline's "more than 6235" and the body's 6235) now fail SHACL."""
    graph = Graph()
    for triple in real_checked.graph:
        graph.add(triple)
    links = list(graph.triples((None, POW.variantOf, None)))
    assert links
    for triple in links:
        graph.remove(triple)
    shapes_graph, ontology = shapes
    report = validate(graph, shapes_graph, ontology, extra=text_graph(real_data, settings.base_iri))
    assert "UnlinkedConflictShape" in violated_shapes(report, shapes_graph)
    assert real_checked.report.conforms  # with the links, the same data conforms


SHARE_PARTS = """
PREFIX pow: <https://w3id.org/powgraph/def#>
PREFIX schema: <https://schema.org/>
PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
SELECT ?share ?numerator WHERE {
  ?share pow:statisticalVariable ?v ; pow:referencePeriod ?p .
  ?v schema:measurementDenominator ?whole ; schema:populationType ?population .
  ?part schema:populationType ?population .
  FILTER (?part != ?v)
  FILTER NOT EXISTS { ?part schema:measurementDenominator ?other }
  FILTER NOT EXISTS { ?v pow:constraint ?c FILTER NOT EXISTS { ?part pow:constraint ?c } }
  FILTER NOT EXISTS { ?part pow:constraint ?d FILTER NOT EXISTS { ?v pow:constraint ?d } }
  ?numerator pow:statisticalVariable ?part ; pow:referencePeriod ?p ; sdmx-measure:obsValue ?n .
  ?denominator pow:statisticalVariable ?whole ; pow:referencePeriod ?p ; sdmx-measure:obsValue ?dv .
}"""


def test_a_share_agrees_with_its_numerator_and_denominator(
    real_checked: Checked, real_data: Data, shapes: tuple[Graph, Graph], settings: Settings
) -> None:
    """A UN share of those interviewed (68% of 174) and the count behind it (119): the data
    agrees; a numerator changed to disagree fails SHACL."""
    graph = Graph()
    for triple in real_checked.graph:
        graph.add(triple)
    pairs = list(graph.query(SHARE_PARTS))
    assert pairs  # a share whose numerator and denominator are stated too
    _, numerator = pairs[0]
    for triple in list(graph.triples((numerator, SDMX_MEASURE.obsValue, None))):
        graph.remove(triple)
    graph.add((numerator, SDMX_MEASURE.obsValue, Literal(0)))
    shapes_graph, ontology = shapes
    report = validate(graph, shapes_graph, ontology, extra=text_graph(real_data, settings.base_iri))
    assert "ShareConsistencyShape" in violated_shapes(report, shapes_graph)


def test_our_translations_are_labelled_as_ours(real_graph: Graph, settings: Settings) -> None:
    """A quote in Russian, Ukrainian or Portuguese may carry an English translation: ours,
    created by powgraph and said so, never in the quote's place."""
    translations = list(real_graph.subject_objects(POW.translation))
    assert translations
    powgraph = URIRef(f"{settings.base_iri}id/organization/powgraph")
    for quote, body in translations:
        exact = real_graph.value(real_graph.value(quote, OA.hasSelector), OA.exact)
        assert isinstance(exact, Literal) and exact.language != "en"
        text = real_graph.value(body, RDF.value)
        assert isinstance(text, Literal) and text.language == "en" and text != exact
        assert real_graph.value(body, DCTERMS.creator) == powgraph


def test_figures_say_how_they_are_evidenced(real_graph: Graph) -> None:
    """Every figure and claim has an evidence status, and the archive's sources use several:
    a party's statement, a report at second hand, a monitoring body's documentation."""
    figures = set(real_graph.subjects(RDF.type, QB.Observation))
    assert all(real_graph.value(f, POW.evidenceStatus) is not None for f in figures)
    used = {real_graph.value(f, POW.evidenceStatus) for f in figures}
    assert {POW.evidenceStated, POW.evidenceReported, POW.evidenceDocumented} <= used
