"""The ``powgraph`` command. Exit codes (as pySHACL's): 0 conforms, 1 violations, 2 error.

Each command imports what it needs when it runs: under ``powgraph serve`` this is the main
module, which multiprocessing imports again in every query process; importing the converter
and pySHACL there cost each of them 0.1 s of CPU and 30 MB."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import click

from powgraph.config import Settings
from powgraph.errors import DataError, PowgraphError, ValidationFailed

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """powgraph: published statistics on prisoners of war as linked open data."""
    ctx.obj = Settings.from_env()


@contextmanager
def _exit_codes(what_is_kept: str = "") -> Iterator[None]:
    """Domain errors as messages and exit codes: bad input files 2 (every problem named),
    SHACL violations 1 (the report), any other powgraph error 2. Never a traceback."""
    try:
        yield
    except DataError as exc:
        click.echo(f"powgraph: {len(exc.problems)} problem(s) in data/:", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(EXIT_ERROR)
    except ValidationFailed as exc:
        click.echo(str(exc), err=True)
        click.echo(f"powgraph: the graph violates the shapes{what_is_kept}", err=True)
        sys.exit(EXIT_VIOLATIONS)
    except PowgraphError as exc:
        click.echo(f"powgraph: {exc}", err=True)
        sys.exit(EXIT_ERROR)


@main.command("build")
@click.pass_obj
def build_command(settings: Settings) -> None:
    """Convert data/, validate it, and write build/current (only if it conforms)."""
    from powgraph.publish.build import build

    with _exit_codes("; build/ left unchanged"):
        result = build(settings)
    click.echo(
        f"built {result.directory}: {result.triples} triples, {result.observations} "
        f"observations, {result.claims} claims, version {result.version}, "
        f"{result.seconds:.2f} s"
    )


@main.command("validate")
@click.pass_obj
def validate_command(settings: Settings) -> None:
    """Convert and validate data/ against shapes/ without writing anything."""
    from powgraph.publish.build import check

    with _exit_codes():
        checked = check(settings)
    click.echo(checked.report.text)
    sys.exit(EXIT_OK if checked.report.conforms else EXIT_VIOLATIONS)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="web worker processes")
@click.option(
    "--data",
    "data",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="serve these RDF files instead of the built graph (repeatable)",
)
@click.option(
    "--store",
    help="where queries run: 'embedded' (the built graph) or 'sparql+URL', a SPARQL endpoint "
    "(POWGRAPH_STORE)",
)
@click.pass_obj
def serve_command(
    settings: Settings,
    host: str,
    port: int,
    workers: int,
    data: tuple[Path, ...],
    store: str | None,
) -> None:
    """Serve the SPARQL endpoint (builds the graph first if there is none)."""
    from powgraph.serve import serve

    if store:
        settings = replace(settings, store=store)
    if data and settings.store != "embedded":
        raise click.UsageError("--data serves files in the embedded store, not in an engine")

    if not settings.public_url:
        # every URL the app writes starts with this, never with the client's Host header; the
        # web workers read it from the environment (POWGRAPH_PUBLIC_URL)
        settings = replace(settings, public_url=listen_url(host, port))
        os.environ["POWGRAPH_PUBLIC_URL"] = settings.public_url
    with _exit_codes():
        serve(settings, host, port, workers, list(data))


def listen_url(host: str, port: int) -> str:
    """http://HOST:PORT, an IPv6 address in brackets (RFC 3986: http://[::1]:8000)."""
    host = host.strip("[]")
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


@main.command("release")
@click.pass_obj
def release_command(settings: Settings) -> None:
    """Publish an immutable, checksummed release (a BagIt bag) in releases/, named by the
    data's version (its latest publication date and content hash)."""
    from powgraph.publish.release import release

    with _exit_codes("; every release left as it was"):
        done = release(settings)
    state = "released" if done.created else "already released"
    click.echo(f"{state} {done.version}: {done.directory} ({done.triples} triples), now latest")


@main.command("publish")
@click.option("--to", "to", required=True, help="the engine's SPARQL Update endpoint")
@click.option("--graph-store", help="its SPARQL 1.1 Graph Store Protocol endpoint (default: --to)")
@click.pass_obj
def publish_command(settings: Settings, to: str, graph_store: str | None) -> None:
    """Load the latest release into a SPARQL engine, verify every graph's triples, then serve
    it there in one switch (the previous version stays served if anything fails)."""
    from powgraph.publish.engine import publish

    with _exit_codes("; the engine serves what it served before"):
        done = publish(settings, to, graph_store)
    click.echo(
        f"published {done.version} into {to}: {len(done.graphs)} graphs, "
        f"{sum(done.graphs.values())} triples verified, {done.seconds:.2f} s"
    )


@main.command("queries")
@click.pass_obj
def queries_command(settings: Settings) -> None:
    """List the canned queries."""
    from powgraph.queries import read_queries

    for query in read_queries(settings.queries_dir):
        click.echo(f"{query.name:22s} {query.title}")


@main.command("query")
@click.argument("name")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="a query parameter")
@click.option("--endpoint", help="run on this SPARQL endpoint instead of the embedded store")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
@click.pass_obj
def query_command(
    settings: Settings, name: str, params: tuple[str, ...], endpoint: str | None, fmt: str
) -> None:
    """Run a canned query (a name from `powgraph queries`, or an .rq file)."""
    from powgraph.answers import print_rows, run_named

    given = {}
    for param in params:
        key, sep, value = param.partition("=")
        if not sep:
            raise click.BadParameter(f"{param!r} is not NAME=VALUE", param_hint="--param")
        given[key] = value
    with _exit_codes():
        columns, rows = run_named(settings, name, given, endpoint)
    print_rows(columns, rows, fmt)


if __name__ == "__main__":
    main()
