"""The dataset described in VoID and DCAT 3, as DCAT-AP 3.0.1 wants it: what it is, where its
SPARQL endpoint and dumps are, under what licence, what it covers. Used by the web layer
(/dataset, /dumps) and by releases (void.ttl).

Every IRI used as a value is typed here as DCAT-AP's range shapes expect (a licence is a
dct:LicenseDocument, a media type a dct:MediaType, ...): those shapes check rdf:type in the
described graph itself, and nothing is ever fetched to find it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, VOID, XSD

from powgraph.namespaces import CC_BY_4, ONTOLOGY_IRI, POW, WD

SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3; not in rdflib's DCAT
IANA = "http://www.iana.org/assignments/media-types/"  # the form DCAT-AP's own examples use
EU = "http://publications.europa.eu/resource/authority/"
TITLE = "powgraph: published statistics on prisoners of war in the Russia–Ukraine war"
DESCRIPTION = (
    "Published aggregate figures on prisoners of war in the Russia–Ukraine war, each with its "
    "verbatim quote, its source and its qualifier as a machine-readable interval. Aggregate "
    "statistics only: nothing about any individual prisoner."
)
PUBLISHER = "powgraph contributors"
KEYWORDS = ("prisoners of war", "Russia", "Ukraine", "statistics", "linked data")
# EU data themes (labels as in the authority table): an international armed conflict whose
# prisoners are held under the Geneva Conventions; counts and breakdowns of a population.
THEMES = {
    EU + "data-theme/INTR": "International issues",
    EU + "data-theme/SOCI": "Population and society",
}
# The countries of the data's places with Wikidata ids verified by hand (data/vocab/places.yaml).
PLACES = {WD.Q212: "Ukraine", WD.Q159: "Russia"}
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
LICENCE_TYPE = URIRef("http://purl.org/adms/licencetype/Attribution")
STABLE = URIRef(EU + "planned-availability/STABLE")  # releases are immutable


@dataclass(frozen=True)
class Dump:
    url: str
    media_type: str
    size: int
    sha256: str | None = None


@dataclass(frozen=True)
class Format:
    """What a dump holds: its content's IANA media type and EU file type, and whether it is
    gzipped (then its own media type is application/gzip, and dcat:compressFormat says so)."""

    media_type: str
    file_type: str
    label: str
    description: str
    gzip: bool = False


FORMATS = {
    ".nt.gz": Format(
        "application/n-triples", "RDF_N_TRIPLES", "N-Triples",
        "The whole graph as sorted N-Triples, gzipped: the byte-exact form of a release.", True,
    ),
    ".nq.gz": Format(
        "application/n-quads", "RDF_N_QUADS", "N-Quads",
        "The graph as N-Quads, gzipped: a named graph per source data set and one for the "
        "shared vocabulary.", True,
    ),
    ".jsonld.gz": Format(
        "application/ld+json", "JSON_LD", "JSON-LD", "The graph as JSON-LD, gzipped.", True,
    ),
    ".ttl": Format("text/turtle", "RDF_TURTLE", "Turtle", "The graph as Turtle, with prefixes."),
}  # fmt: skip


def dataset_iri(base_iri: str) -> str:
    """The dataset's one IRI, under the base like every other IRI the data mints: the same
    wherever the server runs (never built from a Host or the public URL)."""
    return f"{base_iri}id/dataset/powgraph"


def dump_format(url: str) -> Format | None:
    name = url.rsplit("/", 1)[-1]
    return next((f for suffix, f in FORMATS.items() if name.endswith(suffix)), None)


def describe_dataset(
    dataset: str, base_iri: str, triples: int, issued: list[str], dumps: list[Dump],
    endpoint: str | None = None, publisher: str | None = None, *,
    graphs: Mapping[str, int] | None = None, temporal: tuple[str, str] | None = None,
    home: str | None = None, version: str | None = None,
) -> Graph:  # fmt: skip
    """VoID and DCAT-AP 3.0.1 for the dataset ``dataset``. ``triples`` is the whole dataset
    (what the endpoint's default graph holds), ``graphs`` each named graph's triples (a
    void:subset each); ``temporal`` the first and last day the figures cover; ``home`` the
    site's home page: the landing page and the contact point's URL; ``version`` the data's
    version (the name of its release)."""
    g = Graph(bind_namespaces="none")
    for prefix, ns in (
        ("void", VOID),
        ("dcat", DCAT),
        ("dcatap", DCATAP),
        ("dcterms", DCTERMS),
        ("foaf", FOAF),
        ("spdx", SPDX),
        ("skos", SKOS),
        ("vcard", VCARD),
        ("sd", SD),
        ("xsd", XSD),
    ):
        g.bind(prefix, ns)
    ds = URIRef(dataset)
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal(TITLE, lang="en")))
    g.add((ds, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    if dataset:
        g.add((ds, DCTERMS.identifier, Literal(dataset)))
    if version:
        g.add((ds, DCAT_VERSION, Literal(version)))
    _licence(g, ds)
    for word in KEYWORDS:
        g.add((ds, DCAT.keyword, Literal(word, lang="en")))
    for theme, label in THEMES.items():
        g.add((ds, DCAT.theme, URIRef(theme)))
        _concept(g, URIRef(theme), label, URIRef(EU + "data-theme"))
    for place, label in PLACES.items():
        g.add((ds, DCTERMS.spatial, place))
        g.add((place, RDF.type, DCTERMS.Location))
        g.add((place, RDFS.label, Literal(label, lang="en")))
    if temporal:
        period = URIRef(dataset + "#period")
        g.add((ds, DCTERMS.temporal, period))
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, Literal(temporal[0], datatype=XSD.date)))
        g.add((period, DCAT.endDate, Literal(temporal[1], datatype=XSD.date)))
    if publisher:
        agent = URIRef(publisher)
        g.add((ds, DCTERMS.publisher, agent))
        g.add((agent, RDF.type, FOAF.Agent))
        g.add((agent, RDF.type, FOAF.Organization))
        g.add((agent, FOAF.name, Literal(PUBLISHER)))
        if home:
            g.add((agent, FOAF.homepage, URIRef(home)))
            g.add((URIRef(home), RDF.type, FOAF.Document))
    if home:
        g.add((ds, DCAT.landingPage, URIRef(home)))
        g.add((URIRef(home), RDF.type, FOAF.Document))
        contact = URIRef(dataset + "#contact")
        g.add((ds, DCAT.contactPoint, contact))
        g.add((contact, RDF.type, VCARD.Kind))
        g.add((contact, RDF.type, VCARD.Organization))
        g.add((contact, VCARD.fn, Literal(PUBLISHER)))
        g.add((contact, VCARD.hasURL, URIRef(home)))
    if issued:
        g.add((ds, DCTERMS.issued, Literal(min(issued), datatype=XSD.date)))
        g.add((ds, DCTERMS.modified, Literal(max(issued), datatype=XSD.date)))
    g.add((ds, VOID.uriSpace, Literal(base_iri + "id/")))
    g.add((ds, VOID.triples, Literal(triples, datatype=XSD.integer)))
    for graph_iri, count in sorted((graphs or {}).items()):
        subset = URIRef(f"{dataset}#graph-{graph_iri.rstrip('/#').rsplit('/', 1)[-1]}")
        g.add((ds, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, SD.name, URIRef(graph_iri)))
        g.add((subset, VOID.triples, Literal(count, datatype=XSD.integer)))
    g.add((ds, VOID.vocabulary, URIRef(str(POW._NS))))
    g.add((ds, DCTERMS.conformsTo, ONTOLOGY_IRI))
    _standard(g, ONTOLOGY_IRI, "The powgraph ontology")
    for dump in dumps:
        _distribution(g, ds, dump)
    if endpoint:
        _service(g, ds, URIRef(endpoint), publisher, home)
    return g


def _distribution(g: Graph, ds: URIRef, dump: Dump) -> None:
    url, distribution = URIRef(dump.url), URIRef(dump.url + "#distribution")
    fmt = dump_format(dump.url)
    g.add((ds, VOID.dataDump, url))
    g.add((ds, DCAT.distribution, distribution))
    g.add((distribution, RDF.type, DCAT.Distribution))
    g.add((distribution, DCAT.downloadURL, url))
    # DCAT-AP: where only a direct download is offered, its URL is also the access URL
    g.add((distribution, DCAT.accessURL, url))
    g.add((distribution, DCATAP.availability, STABLE))
    _concept(g, STABLE, "Stable", URIRef(EU + "planned-availability"))
    name = dump.url.rsplit("/", 1)[-1]
    if fmt is None:
        g.add((distribution, DCTERMS.title, Literal(name)))
        _media_type(g, distribution, DCAT.mediaType, dump.media_type)
    else:
        g.add((distribution, DCTERMS.title, Literal(f"{name} ({fmt.label})", lang="en")))
        g.add((distribution, DCTERMS.description, Literal(fmt.description, lang="en")))
        _media_type(g, distribution, DCAT.mediaType, fmt.media_type)
        if fmt.gzip:
            _media_type(g, distribution, DCAT.compressFormat, "application/gzip")
        file_type = URIRef(EU + "file-type/" + fmt.file_type)
        g.add((distribution, DCTERMS.format, file_type))
        g.add((file_type, RDF.type, DCTERMS.MediaTypeOrExtent))
    _licence(g, distribution)
    g.add((distribution, DCAT.byteSize, Literal(dump.size, datatype=XSD.nonNegativeInteger)))
    if dump.sha256:
        checksum = URIRef(dump.url + "#sha256")
        g.add((distribution, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))


def _service(
    g: Graph, ds: URIRef, service: URIRef, publisher: str | None, home: str | None
) -> None:
    """The SPARQL endpoint: the same resource as the sd:Service its Service Description (served
    at the endpoint's own URL) names."""
    g.add((ds, VOID.sparqlEndpoint, service))
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, Literal("powgraph SPARQL endpoint (read-only)", lang="en")))
    description = "SPARQL 1.1 queries over the whole dataset: the figures and the ontology."
    g.add((service, DCTERMS.description, Literal(description, lang="en")))
    g.add((service, DCAT.endpointURL, service))
    g.add((service, DCAT.endpointDescription, service))
    g.add((service, DCAT.servesDataset, ds))
    g.add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    _standard(g, SPARQL_PROTOCOL, "SPARQL 1.1 Protocol")
    _licence(g, service)
    for word in ("SPARQL", *KEYWORDS):
        g.add((service, DCAT.keyword, Literal(word, lang="en")))
    for theme in THEMES:
        g.add((service, DCAT.theme, URIRef(theme)))
    if publisher:
        g.add((service, DCTERMS.publisher, URIRef(publisher)))
    if home:
        g.add((service, DCAT.landingPage, URIRef(home)))
    for contact in g.objects(ds, DCAT.contactPoint):
        g.add((service, DCAT.contactPoint, contact))


def _licence(g: Graph, resource: URIRef) -> None:
    g.add((resource, DCTERMS.license, CC_BY_4))
    g.add((CC_BY_4, RDF.type, DCTERMS.LicenseDocument))
    g.add((CC_BY_4, RDFS.label, Literal("Creative Commons Attribution 4.0 International")))
    g.add((CC_BY_4, DCTERMS.type, LICENCE_TYPE))
    _concept(g, LICENCE_TYPE, "Attribution", URIRef("http://purl.org/adms/licencetype/"))


def _concept(g: Graph, concept: URIRef, label: str, scheme: URIRef) -> None:
    g.add((concept, RDF.type, SKOS.Concept))
    g.add((concept, SKOS.prefLabel, Literal(label, lang="en")))
    g.add((concept, SKOS.inScheme, scheme))


def _standard(g: Graph, standard: URIRef, title: str) -> None:
    g.add((standard, RDF.type, DCTERMS.Standard))
    g.add((standard, DCTERMS.title, Literal(title, lang="en")))


def _media_type(g: Graph, subject: URIRef, predicate: URIRef, media_type: str) -> None:
    iri = URIRef(IANA + media_type)
    g.add((subject, predicate, iri))
    g.add((iri, RDF.type, DCTERMS.MediaType))
