"""The CLI's contract: exit 0 conforms, 1 violations, 2 error; errors name file, row, field."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from powgraph.cli import main
from powgraph.config import Settings


def _env(settings: Settings) -> dict[str, str]:
    return {
        "POWGRAPH_BASE_IRI": settings.base_iri,
        "POWGRAPH_DATA_DIR": str(settings.data_dir),
        "POWGRAPH_BUILD_DIR": str(settings.build_dir),
    }


def _edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def test_validate_real_data_exits_0() -> None:
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert "Conforms: True" in result.output


def test_build_reports_counts(mini_settings: Settings) -> None:
    result = CliRunner().invoke(main, ["build"], env=_env(mini_settings))
    assert result.exit_code == 0, result.output
    assert "7 observations, 1 claims" in result.output
    assert (mini_settings.build_dir / "current" / "powgraph.nt").is_file()


def test_violation_exits_1_and_writes_nothing(mini_settings: Settings) -> None:
    _edit(mini_settings.data_dir / "sources" / "mini.yaml", "    small_count: true\n", "")
    result = CliRunner().invoke(main, ["build"], env=_env(mini_settings))
    assert result.exit_code == 1
    assert "below 10 must be flagged" in result.output
    assert not mini_settings.build_dir.exists() or not any(mini_settings.build_dir.iterdir())


@pytest.mark.parametrize("command", ["build", "validate"])
def test_bad_row_exits_2_naming_file_row_field(mini_settings: Settings, command: str) -> None:
    _edit(mini_settings.data_dir / "sources" / "mini.yaml", "value: 600", "value: six hundred")
    result = CliRunner().invoke(main, [command], env=_env(mini_settings))
    assert result.exit_code == 2
    assert "data/sources/mini.yaml:" in result.output
    assert "observations row 2 (held), field 'value'" in result.output
    assert "Traceback" not in result.output


def test_serve_a_file_it_cannot_read_exits_2_naming_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nt"
    bad.write_text("<urn:a> <urn:b> <urn:c> .\n<a> <b> .\n")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    # a process of its own: serve sets the environment its web workers read
    result = subprocess.run(
        [sys.executable, "-m", "powgraph.cli", "serve", "--port", "0", "--data", str(bad)],
        env={**os.environ, "TMPDIR": str(temporary)},  # where serve --data makes its store
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert f"cannot read {bad}" in result.stderr and "line 2" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(temporary.iterdir()) == []  # the store it began is gone
