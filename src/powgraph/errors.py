"""Domain errors. Each kind knows its HTTP status so the web layer maps them in one place."""

from __future__ import annotations

from dataclasses import dataclass


class PowgraphError(Exception):
    """Base class; ``http_status`` is what a web client gets for it."""

    http_status = 500


@dataclass(frozen=True)
class Problem:
    """One bad field in one row of one data file, located as an editor needs it."""

    file: str
    row: str
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.row}, field '{self.field}': {self.message}"


class DataError(PowgraphError):
    """The files in data/ cannot be converted; carries every problem found, not just the first."""

    http_status = 422

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class ValidationFailed(PowgraphError):
    """The converted graph violates the SHACL shapes; nothing is written."""

    http_status = 422
