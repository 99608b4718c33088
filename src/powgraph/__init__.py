"""powgraph: published statistics on prisoners of war in the Russia-Ukraine war, as linked data.

The data flow, one module per step: ``load`` (data/ -> records) -> ``convert`` (records -> RDF)
-> ``validate`` (SHACL) -> ``build`` (atomic output in build/).
"""

from powgraph.build import build
from powgraph.config import Settings
from powgraph.convert import convert
from powgraph.load import load_data
from powgraph.validate import validate

__version__ = "0.1.0"
__all__ = ["Settings", "build", "convert", "load_data", "validate", "__version__"]
