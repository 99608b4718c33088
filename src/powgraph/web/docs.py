"""/docs/model: the modelling documentation (data/README.md: the source format, the rounding
policy, the model of one observation) as a page in the site's layout, so the ontology's
definitions that cite it link to something a browser can read."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, abort, render_template
from markdown_it import MarkdownIt
from markupsafe import Markup

from powgraph.web.runtime import runtime

bp = Blueprint("docs", __name__)

MODEL_DOC = "README.md"  # in Settings.data_dir


@bp.get("/docs/model")
def model() -> Response:
    path = runtime().settings.data_dir / MODEL_DOC
    if not path.is_file():
        abort(404, "the modelling documentation is not in this installation")
    return Response(render_template("doc.html", body=_rendered(path, path.stat().st_mtime_ns)))


@lru_cache(maxsize=4)
def _rendered(path: Path, mtime_ns: int) -> Markup:
    """Markdown as HTML, once per version of the file. Raw HTML in the text is escaped, never
    passed through ("js-default": html off; markdown-it refuses javascript: and data: links)."""
    del mtime_ns  # part of the cache key only
    html = MarkdownIt("js-default").render(path.read_text(encoding="utf-8"))
    return Markup(html)  # safe: markdown-it escaped every raw tag and attribute
