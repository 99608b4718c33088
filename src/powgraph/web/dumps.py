"""/dumps: every release, listed as HTML, JSON or DCAT; its files served as they were written
(ETag, Last-Modified, Content-Length, Range); /dumps/latest/... redirects to the version."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from rdflib import Graph
from werkzeug.wrappers import Response as WerkzeugResponse

from powgraph.published import LATEST, list_releases, media_type
from powgraph.published.metadata import Dump, describe_dataset
from powgraph.web import conneg
from powgraph.web.runtime import public_url, runtime

bp = Blueprint("dumps", __name__)
NAME_MAX = 255  # bytes in one file name (Linux, and most file systems)
PATH_MAX = 1024  # bytes in a file's path inside a release: far more than any has, far below 4096
LISTING = (conneg.HTML, conneg.Offer("json", "application/json"), conneg.TURTLE, conneg.JSONLD)


@bp.get("/dumps")
def index() -> Response:
    releases = list_releases(runtime().settings.releases_dir)
    offer = conneg.negotiate(request.headers.get("Accept"), LISTING, request.args.get("format"))
    if offer is None:
        abort(406, "the release list is available as " + ", ".join(o.media_type for o in LISTING))
    root = public_url()
    if offer is conneg.HTML:
        return Response(render_template("dumps.html", releases=releases))
    if offer.name == "json":
        return jsonify({"releases": releases, "latest": f"{root}/dumps/{LATEST}/"})
    graph = Graph()
    for info in releases:
        dumps = [
            Dump(
                f"{root}/dumps/{info['version']}/{name}",
                media_type(name),
                meta["size"],
                meta["sha256"],
            )
            for name, meta in info["files"].items()
            if name.startswith("powgraph.")
        ]
        graph += describe_dataset(
            f"{root}/dumps/{info['version']}/",
            runtime().settings.base_iri,
            info["triples"],
            info["issued"],
            dumps,
        )
    fmt = {"turtle": "turtle", "jsonld": "json-ld"}[offer.name]
    return Response(graph.serialize(format=fmt, encoding="utf-8"), content_type=offer.content_type)


@bp.get(f"/dumps/{LATEST}/<path:name>")
def latest(name: str) -> WerkzeugResponse:
    target = (runtime().settings.releases_dir / LATEST).resolve()
    if not target.is_dir():
        abort(404, "nothing has been released yet")
    return redirect(url_for("dumps.file", version=target.name, name=name, _external=True), 302)


@bp.get("/dumps/<version>/<path:name>")
def file(version: str, name: str) -> Response:
    releases = runtime().settings.releases_dir
    if version.startswith(".") or version == LATEST or not _nameable(version, name):
        abort(404, f"no file {name!r} in release {version!r}; see /dumps")
    payload = releases / version / "data"
    path = (payload / name).resolve()
    if not _inside(path, payload.resolve()) or not path.is_file():
        abort(404, f"no file {name!r} in release {version!r}; see /dumps")
    # a .gz is the file itself (application/gzip, a download), never a transparent Content-Encoding
    response = send_file(
        path, mimetype=media_type(name), conditional=True, as_attachment=name.endswith(".gz")
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def _nameable(version: str, name: str) -> bool:
    """Whether a version and a file name from the URL can name a file at all, checked before
    the file system is asked: no NUL (no file name holds one; Python refuses it with
    ValueError), no segment longer than a file name can be and no path longer than a path can
    be (the OS refuses both with ENAMETOOLONG). Anything else is looked up, then confined to
    the release."""
    segments = [version, *name.split("/")]
    return (
        len(name.encode("utf-8", "surrogateescape")) <= PATH_MAX
        and "\x00" not in version + name
        and all(len(s.encode("utf-8", "surrogateescape")) <= NAME_MAX for s in segments)
    )


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents
