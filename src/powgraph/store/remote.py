"""A SPARQL endpoint somewhere else as a store (SPARQLWrapper, POST): the same jobs as the
embedded store, the bindings written as a VALUES block by rdflib (an endpoint takes no
substitutions), the row cap applied to what it answers."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from SPARQLWrapper import CSV, JSON, POST, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from powgraph.store import Answer, Binding, QueryFailed, QueryJob, StoreInfo, Unavailable
from powgraph.store.results import TRUNCATED_LINK

FORMATS = {"json": JSON, "xml": XML, "csv": CSV, "tsv": TSV, "turtle": TURTLE}
COUNTS = "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
TOTAL = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"


def values_clause(bindings: tuple[Binding, ...]) -> str:
    """The bindings as a SPARQL VALUES block, each term written by rdflib."""
    if not bindings:
        return ""
    names = " ".join(f"?{name}" for name, _ in bindings)
    terms = " ".join(value.n3() for _, value in bindings)
    return f"\nVALUES ({names}) {{ ({terms}) }}\n"


class RemoteStore:
    """Jobs answered by the SPARQL endpoint at ``endpoint``; what it holds is asked of it."""

    processes = 1

    def __init__(self, endpoint: str, row_cap: int, timeout: float) -> None:
        self.endpoint, self._cap, self._timeout = endpoint, row_cap, timeout
        graphs = {
            row["g"]["value"]: int(row["n"]["value"])
            for row in self._select(COUNTS)["results"]["bindings"]
        }
        total = int(self._select(TOTAL)["results"]["bindings"][0]["n"]["value"])
        sizes = json.dumps([endpoint, total, sorted(graphs.items())]).encode()
        self.info = StoreInfo(hashlib.sha256(sizes).hexdigest(), total, graphs)

    def _client(self, text: str, fmt: str) -> SPARQLWrapper:
        client = SPARQLWrapper(self.endpoint)
        client.setMethod(POST)
        client.setTimeout(int(self._timeout))
        client.setQuery(text)
        client.setReturnFormat(FORMATS[fmt])
        return client

    def _select(self, text: str) -> dict[str, Any]:
        document = self._client(text, "json").queryAndConvert()
        assert isinstance(document, dict)
        return document

    def run(self, job: QueryJob, untrusted: bool = False) -> Answer:
        if job.fmt not in FORMATS:
            raise QueryFailed(f"this store answers in {', '.join(FORMATS)}", "format")
        try:
            response = self._client(job.text + values_clause(job.bindings), job.fmt).query()
            body: bytes = response.response.read()
        except SPARQLWrapperException as exc:  # the endpoint refused the query
            raise QueryFailed(str(exc), "remote") from exc
        except OSError as exc:
            raise Unavailable(f"the SPARQL endpoint did not answer: {exc}") from exc
        if job.fmt != "json":
            return Answer(body, False)
        document = json.loads(body)
        found = document.get("results", {}).get("bindings")
        if found is None or len(found) <= self._cap:
            return Answer(body, False)
        document["results"]["bindings"] = found[: self._cap]
        document["head"]["link"] = [*document["head"].get("link", []), TRUNCATED_LINK]
        return Answer(json.dumps(document).encode(), True)

    def close(self) -> None:
        pass
