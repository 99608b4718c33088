"""Reading data/ files: YAML that remembers the line of every field (so a problem names its
line), and the reader that collects every problem instead of stopping at the first."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from powgraph.errors import Problem
from powgraph.ingest.fields import Fields


class Row(dict[str, Any]):
    """A mapping that remembers the line of each of its fields."""

    line: int = 0
    lines: dict[str, int]


class LineLoader(yaml.SafeLoader):
    """Safe YAML that keeps dates as text, so a bad date is our field error, not a crash."""

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def _construct_row(loader: LineLoader, node: yaml.MappingNode) -> Row:
    row = Row(loader.construct_mapping(node, deep=True))  # type: ignore[arg-type]
    row.line = node.start_mark.line + 1
    row.lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
    return row


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_row)


class Reader:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.problems: list[Problem] = []

    def name(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.data_dir.parent))
        except ValueError:
            return str(path)

    def read_yaml(self, path: Path) -> dict[str, Any]:
        try:
            content = yaml.load(path.read_text(encoding="utf-8"), Loader=LineLoader)
        except FileNotFoundError:
            self.problems.append(Problem(self.name(path), "file", "", "file not found"))
            return {}
        except UnicodeDecodeError as exc:
            self.problems.append(Problem(self.name(path), "file", "", f"not UTF-8: {exc}"))
            return {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark else None
            self.problems.append(Problem(self.name(path), "file", "", f"not YAML: {exc}", line))
            return {}
        if not isinstance(content, dict):
            self.problems.append(Problem(self.name(path), "file", "", "expected a mapping"))
            return {}
        return content

    def rows(self, path: Path, content: dict[str, Any], section: str) -> Iterator[Fields]:
        items = content.get(section) or []
        if not isinstance(items, list):
            self.problems.append(Problem(self.name(path), section, "", "expected a list"))
            return
        for index, item in enumerate(items, start=1):
            key = item.get("key") if isinstance(item, dict) else None
            label = f"{section} row {index}" + (f" ({key})" if key else "")
            yield Fields(self.problems, self.name(path), label, item)
