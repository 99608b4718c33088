"""The web reads only the published side: a web worker, started as Granian starts one, has not
imported the loader, the SHACL engine or the BagIt writer."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from powgraph.config import Settings

WORKER = """
import json, sys
from powgraph.web.worker import app
app()
print(json.dumps(sorted(sys.modules)))
"""
BUILD_SIDE = ("pyshacl", "bagit", "powgraph.ingest", "powgraph.model", "powgraph.publish")


def test_a_web_worker_imports_nothing_of_the_build(built: Settings) -> None:
    env = {**os.environ, "POWGRAPH_BUILD_DIR": str(built.build_dir)}
    out = subprocess.run(
        [sys.executable, "-c", WORKER], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    modules = json.loads(out.stdout.strip().splitlines()[-1])
    assert "powgraph.web" in modules and "powgraph.published" in modules
    loaded = [m for m in modules if any(m == b or m.startswith(b + ".") for b in BUILD_SIDE)]
    assert loaded == []
