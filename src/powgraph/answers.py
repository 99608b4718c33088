"""Canned queries from the command line: the same rows as the web API, on the embedded store
or on any SPARQL endpoint (store/remote.py), written as a table, JSON or CSV."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from powgraph.config import Settings
from powgraph.errors import PowgraphError
from powgraph.queries import Rows, bind, read_query, run_on_store, shown, write_table
from powgraph.serve import prepare
from powgraph.store import REMOTE, open_store


def run_named(settings: Settings, name: str, given: dict[str, str], endpoint: str | None) -> Rows:
    path = Path(name) if name.endswith(".rq") else settings.queries_dir / f"{name}.rq"
    if not path.is_file():
        raise PowgraphError(f"no canned query {name!r} (see `powgraph queries`)")
    query = read_query(path)
    bindings = bind(query, given)
    if endpoint:
        store = open_store(replace(settings, store=REMOTE + endpoint))
    else:
        store = open_store(settings, prepare(settings, []), processes=1)
    try:
        return run_on_store(store, query, bindings)
    finally:
        store.close()


def print_rows(columns: list[str], rows: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "json":
        json.dump({"columns": columns, "rows": rows}, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif fmt == "csv":
        sys.stdout.write(write_table(columns, rows).decode())
    else:
        brief = [c for c in columns if c not in ("observation", "source", "sourceTitle")]
        for row in rows:
            sys.stdout.write(" | ".join(str(shown(row[c])) for c in brief) + "\n")
