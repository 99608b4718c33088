"""powgraph: published statistics on prisoners of war in the Russia-Ukraine war, as linked data.

The data flow, one package per step: ``ingest`` (data/ -> ``records``) -> ``model`` (records ->
RDF) -> ``checks`` (SHACL) -> ``publish`` (build/ and releases/) -> ``published`` (what they
hold, by name) -> ``store`` (where queries run) -> ``web`` (the site) and the command line.
Nothing is imported here, so a web worker loads only what it serves.
"""

__version__ = "0.1.0"
