"""The SPARQL 1.1 Service Description of the endpoint, with sd:endpoint equal to the URL asked,
and the description of each of its named graphs (SD and VoID terms) that the graph's own
document (/doc/graph/...) serves.

The description is written compactly (a prefix for the named graphs, ``xsd``): it grows with
every source, and the W3C suite's client (rdf-test-suite 2.8.0 ``Util.fetchCached``) stalls on
any body over 16 KiB, since it tees the response into a cache stream nobody reads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, VOID, XSD

from powgraph.namespaces import QUERY_PREFIXES
from powgraph.store import StoreInfo

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
RESULT_FORMATS = (
    "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
    "Turtle", "N-Triples", "JSON-LD", "RDF_XML",
)  # fmt: skip


def service_description(endpoint: str, info: StoreInfo, graphs: str) -> Graph:
    """The service, its default dataset: the default graph (the union of the named graphs)
    and one sd:NamedGraph per named graph in the store, each with its triples. ``graphs`` is
    the namespace of the named graphs (``{base}id/graph/``), written as the prefix ``graph``."""
    g = Graph(bind_namespaces="none")
    g.bind("sd", SD)
    g.bind("void", VOID)
    g.bind("dcterms", DCTERMS)
    g.bind("rdfs", RDFS)
    g.bind("xsd", XSD)
    g.bind("graph", Namespace(graphs))
    service, dataset, graph = (
        URIRef(endpoint),
        URIRef(endpoint + "#dataset"),
        URIRef(endpoint + "#default-graph"),
    )
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for name in RESULT_FORMATS:
        g.add((service, SD.resultFormat, FORMATS[name]))
    g.add((service, DCTERMS.title, Literal("powgraph SPARQL endpoint (read-only)", lang="en")))
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, graph))
    g.add((graph, RDF.type, SD.Graph))
    g.add((graph, VOID.triples, Literal(info.triples)))
    for number, (name, triples) in enumerate(sorted(info.graphs.items()), start=1):
        # blank nodes with fixed labels: every worker writes the same bytes (ETags, caches)
        named, its_graph = BNode(f"named{number}"), BNode(f"graph{number}")
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
        g.add((named, SD.graph, its_graph))
        g.add((its_graph, RDF.type, SD.Graph))
        g.add((its_graph, VOID.triples, Literal(triples)))
    void = URIRef(endpoint.rsplit("/sparql", 1)[0] + "/.well-known/void")
    g.add((dataset, RDFS.seeAlso, void))
    g.bind("sh", SH)
    for prefix, namespace in QUERY_PREFIXES.items():  # predeclared for every query (SHACL's terms)
        declaration = BNode(f"prefix_{prefix.replace('-', '_')}")
        g.add((service, SH.declare, declaration))
        g.add((declaration, SH.prefix, Literal(prefix)))
        g.add((declaration, SH.namespace, Literal(namespace, datatype=XSD.anyURI)))
    return g


@dataclass(frozen=True)
class ClassCount:
    """A class with instances in a named graph, and how many (distinct subjects)."""

    iri: str
    label: str
    count: int


def graph_description(
    name: str,
    label: str,
    comment: str,
    triples: int,
    classes: Iterable[ClassCount],
    endpoint: str,
    dataset: str,
    dumps: Iterable[str],
) -> Graph:
    """A named graph of the store as SD and VoID say it: ``a sd:Graph, void:Dataset``, its
    triples, a class partition per class it holds, where to query it and its dumps."""
    g = Graph(bind_namespaces="none")
    g.bind("sd", SD)
    g.bind("void", VOID)
    g.bind("dcterms", DCTERMS)
    g.bind("rdfs", RDFS)
    graph = URIRef(name)
    g.add((graph, RDF.type, SD.Graph))
    g.add((graph, RDF.type, VOID.Dataset))
    g.add((graph, RDFS.label, Literal(label, lang="en")))
    g.add((graph, DCTERMS.description, Literal(comment, lang="en")))
    g.add((graph, VOID.triples, Literal(triples)))
    classes = list(classes)
    g.add((graph, VOID.classes, Literal(len(classes))))
    for number, held in enumerate(classes, start=1):
        partition = BNode(f"classes{number}")
        g.add((graph, VOID.classPartition, partition))
        g.add((partition, VOID["class"], URIRef(held.iri)))
        g.add((partition, VOID.entities, Literal(held.count)))
    g.add((graph, VOID.sparqlEndpoint, URIRef(endpoint)))
    g.add((graph, DCTERMS.isPartOf, URIRef(dataset)))
    for dump in dumps:
        g.add((graph, VOID.dataDump, URIRef(dump)))
    return g
