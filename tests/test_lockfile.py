"""requirements.lock pins, with hashes, every dependency pyproject.toml names, within its range.

`make` installs the lock with --require-hashes; a dependency added to pyproject.toml (or a range
moved) without `make lock` would otherwise be missing from, or contradicted by, what is installed.
"""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"

PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>\S+)")
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}\b")


def _entries() -> dict[str, tuple[str, str]]:
    """Each locked package (canonical name) -> (version, its requirement text with options)."""
    text = LOCK.read_text(encoding="utf-8").replace("\\\n", " ")
    entries: dict[str, tuple[str, str]] = {}
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        match = PIN.match(line)
        assert match, f"requirements.lock: not an exact pin: {line[:80]!r}"
        name = canonicalize_name(match["name"])
        assert name not in entries, f"requirements.lock pins {name} twice"
        entries[name] = (match["version"], line)
    return entries


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    texts = project["dependencies"] + project["optional-dependencies"]["test"]
    return [Requirement(text) for text in texts]


def test_every_locked_package_is_pinned_with_hashes() -> None:
    entries = _entries()
    assert entries, "requirements.lock pins nothing"
    for name, (_, line) in entries.items():
        assert HASH.search(line), f"requirements.lock: {name} has no --hash=sha256:"


@pytest.mark.parametrize("requirement", _declared(), ids=str)
def test_declared_dependency_is_locked_within_its_range(requirement: Requirement) -> None:
    entries = _entries()
    name = canonicalize_name(requirement.name)
    assert name in entries, f"{requirement.name} is in pyproject.toml but not in requirements.lock"
    version, line = entries[name]
    assert HASH.search(line), f"requirements.lock: {name}=={version} has no --hash=sha256:"
    assert requirement.specifier.contains(Version(version), prereleases=True), (
        f"requirements.lock pins {name}=={version}, outside pyproject.toml's "
        f"{requirement.specifier}: run `make lock`"
    )
