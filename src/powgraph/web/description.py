"""The SPARQL 1.1 Service Description of the endpoint, with sd:endpoint equal to the URL asked."""

from __future__ import annotations

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, VOID

from powgraph.store import StoreInfo

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
RESULT_FORMATS = (
    "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
    "Turtle", "N-Triples", "JSON-LD", "RDF_XML",
)  # fmt: skip


def service_description(endpoint: str, info: StoreInfo) -> Graph:
    g = Graph(bind_namespaces="none")
    g.bind("sd", SD)
    g.bind("void", VOID)
    g.bind("dcterms", DCTERMS)
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
    void = URIRef(endpoint.rsplit("/sparql", 1)[0] + "/.well-known/void")
    g.add((dataset, RDFS.seeAlso, void))
    return g
