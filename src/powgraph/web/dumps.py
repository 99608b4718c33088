"""/dumps: every release, listed as HTML, JSON or DCAT; its files served as they were written
(ETag, Last-Modified, Content-Length, Range), the bag's tag files beside them; a gzipped RDF
dump is also RDF itself, Content-Encoding: gzip, for a client that asks for RDF;
/dumps/latest/... redirects to the version."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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

from powgraph.published import LATEST, TAG_FILES, list_releases, media_type
from powgraph.published.metadata import Dump, describe_dataset
from powgraph.web import conneg
from powgraph.web.runtime import public_url, runtime

bp = Blueprint("dumps", __name__)
NAME_MAX = 255  # bytes in one file name (Linux, and most file systems)
PATH_MAX = 1024  # bytes in a file's path inside a release: far more than any has, far below 4096
LISTING = (conneg.HTML, conneg.Offer("json", "application/json"), conneg.TURTLE, conneg.JSONLD)
GZIP = ("application/gzip", "application/x-gzip")
DOWNLOAD_NAMES = ("gzip", "gz", *GZIP)


@dataclass(frozen=True)
class GzippedRdf:
    """A gzipped dump that is also served as the RDF it holds, Content-Encoding: gzip."""

    media_type: str
    accepted: tuple[str, ...]  # media types in Accept that ask for it (N-Triples are N-Quads)
    names: tuple[str, ...]  # `format=` values that ask for it


NQ_NAMES = ("nq", "nquads", "n-quads", "application/n-quads")
GZIPPED_RDF = {
    ".nt.gz": GzippedRdf(
        "application/n-triples",
        ("application/n-triples", "application/n-quads"),
        ("nt", "ntriples", "n-triples", "application/n-triples", *NQ_NAMES),
    ),
    ".nq.gz": GzippedRdf("application/n-quads", ("application/n-quads",), NQ_NAMES),
    ".jsonld.gz": GzippedRdf(
        "application/ld+json", ("application/ld+json",), ("jsonld", "json-ld", "json")
    ),
}


@bp.get("/dumps")
def index() -> Response:
    releases = list_releases(runtime().settings.releases_dir)
    offer = conneg.negotiate(request.headers.get("Accept"), LISTING, request.args.get("format"))
    if offer is None:
        abort(406, "the release list is available as " + ", ".join(o.media_type for o in LISTING))
    root = public_url()
    for info in releases:
        info["bag"] = _tag_files(info["version"])
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
            version=info["version"],
        )
    fmt = {"turtle": "turtle", "jsonld": "json-ld"}[offer.name]
    return Response(graph.serialize(format=fmt, encoding="utf-8"), content_type=offer.content_type)


@bp.get(f"/dumps/{LATEST}/<path:name>")
def latest(name: str) -> WerkzeugResponse:
    target = (runtime().settings.releases_dir / LATEST).resolve()
    if not target.is_dir():
        abort(404, "nothing has been released yet")
    return redirect(url_for("dumps.file", version=target.name, name=name, _external=True), 302)


def _tag_files(version: str) -> dict[str, dict[str, Any]]:
    """Size and sha256 of each of a release's BagIt tag files (a few hundred bytes each)."""
    out = {}
    for name in TAG_FILES:
        path = runtime().settings.releases_dir / version / name
        if path.is_file():
            content = path.read_bytes()
            out[name] = {"size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
    return out


@bp.get("/dumps/<version>/<path:name>")
def file(version: str, name: str) -> Response:
    releases = runtime().settings.releases_dir
    if version.startswith(".") or version == LATEST or not _nameable(version, name):
        abort(404, f"no file {name!r} in release {version!r}; see /dumps")
    if name in TAG_FILES:  # the bag's own files, in its root
        path = releases / version / name
        if path.is_symlink() or not path.is_file():
            abort(404, f"no file {name!r} in release {version!r}; see /dumps")
        return _immutable(send_file(path, mimetype="text/plain", conditional=True))
    payload = releases / version / "data"
    path = (payload / name).resolve()
    if not _inside(path, payload.resolve()) or not path.is_file():
        abort(404, f"no file {name!r} in release {version!r}; see /dumps")
    rdf = next((r for suffix, r in GZIPPED_RDF.items() if name.endswith(suffix)), None)
    if rdf is None:
        # any other .gz is the file itself (application/gzip, a download)
        return _immutable(
            send_file(
                path,
                mimetype=media_type(name),
                conditional=True,
                as_attachment=name.endswith(".gz"),
            )
        )
    if not _wants_rdf(rdf):
        # the file itself, a download: what a browser or a plain `curl -O` saves, SHA256SUMS's bytes
        response = send_file(path, mimetype=media_type(name), conditional=True, as_attachment=True)
    elif _accepts_gzip():
        # the same bytes on the wire, as the RDF they encode: Comunica, browsers' fetch, requests
        response = send_file(
            path, mimetype=rdf.media_type, conditional=True, etag=_etag(path, "gzip")
        )
        response.headers["Content-Encoding"] = "gzip"
        del response.headers["Content-Disposition"]  # RDF to read, not a .gz file to save
    else:
        # a client that takes no gzip (urllib, so rdflib's Graph().parse(url)): decompressed
        response = Response(_gunzip(path), mimetype=rdf.media_type)
        response.set_etag(_etag(path, "identity"))
        response.last_modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
        response.make_conditional(request)
    response.headers["Vary"] = "Accept, Accept-Encoding"
    return _immutable(response)


def _wants_rdf(rdf: GzippedRdf) -> bool:
    """`format=` naming the RDF (or gzip: the file), else an Accept that names the RDF's media
    type at least as high as gzip's. A browser's or a bare client's Accept names neither."""
    formats = [f.strip().lower() for f in request.args.getlist("format") if f.strip()]
    if formats:
        if formats[0] in rdf.names:
            return True
        if formats[0] in DOWNLOAD_NAMES:
            return False
        abort(406, f"format={formats[0]}: this file is {rdf.media_type} (gzip) or application/gzip")
    accept = request.headers.get("Accept")
    wanted = conneg.named_quality(accept, rdf.accepted)
    download = conneg.named_quality(accept, GZIP)
    return wanted is not None and wanted > 0 and (download is None or wanted >= download)


def _accepts_gzip() -> bool:
    """Whether Accept-Encoding takes gzip. Without the header a client gets no coding it did not
    ask for (RFC 9110 would allow any; urllib, under rdflib, sends none and decodes none)."""
    accept_encoding = request.headers.get("Accept-Encoding")
    gzip_q = conneg.named_quality(accept_encoding, ("gzip", "x-gzip"))
    if gzip_q is not None:
        return gzip_q > 0
    any_q = conneg.named_quality(accept_encoding, ("*",))
    return any_q is not None and any_q > 0


def _etag(path: Path, coding: str) -> str:
    """One entity-tag per representation of an immutable file (a download keeps Flask's)."""
    stat = path.stat()
    return f"{stat.st_mtime_ns:x}-{stat.st_size:x}-rdf-{coding}"


def _gunzip(path: Path) -> Iterator[bytes]:
    decompressor = zlib.decompressobj(wbits=31)  # a gzip header and trailer, checked
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 16):
            yield decompressor.decompress(chunk)
    yield decompressor.flush()


def _immutable(response: Response) -> Response:
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
