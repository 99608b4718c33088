"""The dataset described in VoID and DCAT 3: what it is, where its SPARQL endpoint and dumps
are, under what licence. Used by the web layer (/dataset) and by releases (void.ttl)."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, VOID, XSD

from powgraph.namespaces import CC_BY_4, ONTOLOGY_IRI, POW

SPDX = Namespace("http://spdx.org/rdf/terms#")
TITLE = "powgraph: published statistics on prisoners of war in the Russia–Ukraine war"


@dataclass(frozen=True)
class Dump:
    url: str
    media_type: str
    size: int
    sha256: str | None = None


def describe_dataset(
    dataset: str, base_iri: str, triples: int, issued: list[str], dumps: list[Dump],
    endpoint: str | None = None, publisher: str | None = None,
) -> Graph:  # fmt: skip
    g = Graph(bind_namespaces="none")
    for prefix, ns in (
        ("void", VOID),
        ("dcat", DCAT),
        ("dcterms", DCTERMS),
        ("foaf", FOAF),
        ("spdx", SPDX),
    ):
        g.bind(prefix, ns)
    ds = URIRef(dataset)
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal(TITLE, lang="en")))
    description = "Aggregate figures with their verbatim quotes, sources and implied intervals."
    g.add((ds, DCTERMS.description, Literal(description, lang="en")))
    g.add((ds, DCTERMS.license, CC_BY_4))
    if publisher:
        g.add((ds, DCTERMS.publisher, URIRef(publisher)))
        g.add((URIRef(publisher), RDF.type, FOAF.Organization))
        g.add((URIRef(publisher), FOAF.name, Literal("powgraph contributors")))
    if issued:
        g.add((ds, DCTERMS.issued, Literal(min(issued), datatype=XSD.date)))
        g.add((ds, DCTERMS.modified, Literal(max(issued), datatype=XSD.date)))
    g.add((ds, VOID.uriSpace, Literal(base_iri + "id/")))
    g.add((ds, VOID.triples, Literal(triples)))
    g.add((ds, VOID.vocabulary, URIRef(str(POW._NS))))
    g.add((ds, DCTERMS.conformsTo, ONTOLOGY_IRI))
    for dump in dumps:
        url, distribution = URIRef(dump.url), URIRef(dump.url + "#distribution")
        g.add((ds, VOID.dataDump, url))
        g.add((ds, DCAT.distribution, distribution))
        g.add((distribution, RDF.type, DCAT.Distribution))
        g.add((distribution, DCAT.downloadURL, url))
        media = URIRef("https://www.iana.org/assignments/media-types/" + dump.media_type)
        g.add((distribution, DCAT.mediaType, media))
        g.add((distribution, DCTERMS.license, CC_BY_4))
        g.add((distribution, DCAT.byteSize, Literal(dump.size, datatype=XSD.nonNegativeInteger)))
        if dump.sha256:
            checksum = URIRef(dump.url + "#sha256")
            g.add((distribution, SPDX.checksum, checksum))
            g.add((checksum, RDF.type, SPDX.Checksum))
            g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
            g.add((checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))
    if endpoint:
        service = URIRef(endpoint)
        g.add((ds, VOID.sparqlEndpoint, service))
        g.add((service, RDF.type, DCAT.DataService))
        g.add((service, DCAT.endpointURL, service))
        g.add((service, DCAT.servesDataset, ds))
        g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    return g
