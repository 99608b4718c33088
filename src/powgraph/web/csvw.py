"""CSV on the Web (W3C, "Metadata Vocabulary for Tabular Data"): the metadata of a canned
answer's CSV, so the numbers open in a spreadsheet with their types and still trace to their
quotes. Each column's datatype is read from the RDF terms of the answer (the SPARQL JSON), not
guessed from the text: an IRI is an anyURI, an xsd:integer an integer, a label with one
language tag a string in that language."""

from __future__ import annotations

from typing import Any

from powgraph.namespaces import CC_BY_4
from powgraph.queries import CannedQuery

CONTEXT = "http://www.w3.org/ns/csvw"
MEDIA_TYPE = "application/csvm+json"
XSD = "http://www.w3.org/2001/XMLSchema#"
# XSD datatypes that are CSVW built-in datatypes of the same name (and parse the way the CSV
# writes them: queries.shown)
BUILT_IN = ("integer", "decimal", "double", "boolean", "date", "dateTime", "gYear")
NUMBERS = ("integer", "decimal", "double")  # each holds the one before it


def datatype(term: dict[str, str]) -> str:
    """The CSVW datatype of one SPARQL JSON term."""
    if term["type"] == "uri":
        return "anyURI"
    name = term.get("datatype", "").removeprefix(XSD)
    return name if name in BUILT_IN else "string"


def column(name: str, terms: list[dict[str, str]]) -> dict[str, Any]:
    """A column description: the datatype every cell fits (a number column of integers and
    decimals is decimal; any other mix is string) and the language its strings share."""
    kinds = {datatype(t) for t in terms}
    if len(kinds) == 1:
        kind = kinds.pop()
    elif kinds and kinds <= set(NUMBERS):
        kind = max(kinds, key=NUMBERS.index)
    else:
        kind = "string"
    described: dict[str, Any] = {"name": name, "titles": name, "datatype": kind}
    languages = {t.get("xml:lang") for t in terms}
    if kind == "string" and len(languages) == 1 and None not in languages:
        described["lang"] = languages.pop()
    return described


def metadata(query: CannedQuery, answer: dict[str, Any], url: str) -> dict[str, Any]:
    """The table description of the CSV at ``url`` holding ``answer`` (SPARQL JSON results)."""
    names = list(answer["head"]["vars"])
    bindings = answer["results"]["bindings"]
    return {
        "@context": CONTEXT,
        "url": url,
        "dc:title": query.title,
        "dc:description": query.description,
        "dc:license": {"@id": str(CC_BY_4)},
        "tableSchema": {
            "columns": [column(n, [b[n] for b in bindings if n in b]) for n in names],
        },
    }
