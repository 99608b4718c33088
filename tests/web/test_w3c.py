"""The W3C SPARQL 1.1 Protocol (read-only part) and Service Description suites, run by
../shared/conformance/run-w3c against the live server. Under CI=true, missing node/npm fail."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.web.conftest import LiveServer

pytestmark = pytest.mark.slow  # the W3C suites, run by node
RUNNER = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "run-w3c"


def test_w3c_protocol_and_service_description(live: LiveServer) -> None:
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing or not RUNNER.is_file():
        reason = f"cannot run the W3C suites: missing {missing or [str(RUNNER)]}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    result = subprocess.run(
        ["bash", str(RUNNER), live.sparql], capture_output=True, text=True, timeout=600
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert re.search(r"21 / 21 tests succeeded", output), output
    assert re.search(r"3 / 3 tests succeeded", output), output
