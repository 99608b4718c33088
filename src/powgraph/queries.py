"""SPARQL lives in .rq files. A file's header is its leading `#+ key: value` comment lines."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class QueryFile:
    name: str
    title: str
    text: str

    @property
    def body(self) -> str:
        """The SPARQL without its header lines."""
        lines = self.text.splitlines(keepends=True)
        return "".join(lines[sum(1 for _ in _header_lines(lines)) :])


def _header_lines(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        if not line.startswith("#+"):
            break
        out.append(line)
    return out


def read_query_file(path: Path) -> QueryFile:
    text = path.read_text(encoding="utf-8")
    header = {}
    for line in _header_lines(text.splitlines()):
        key, _, value = line[2:].partition(":")
        header[key.strip()] = value.strip()
    return QueryFile(path.stem, header.get("title", path.stem), text)


def read_query_files(directory: Path) -> list[QueryFile]:
    return [read_query_file(p) for p in sorted(directory.glob("*.rq"))]
