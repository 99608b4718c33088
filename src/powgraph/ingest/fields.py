"""Typed access to one row's fields: every bad field becomes a Problem naming file, row, field
and line, and reading goes on."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, TypeVar

from powgraph.errors import Problem
from powgraph.ingest import periods
from powgraph.records import Period

KEY_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
E = TypeVar("E", bound=Enum)


class Fields:
    """Typed access to one row's fields, recording a Problem for each bad one."""

    def __init__(self, problems: list[Problem], file: str, row: str, mapping: Any) -> None:
        self.problems, self.file, self.row = problems, file, row
        self.line = getattr(mapping, "line", None)
        self.ok = isinstance(mapping, dict)
        self.data: dict[str, Any] = mapping if isinstance(mapping, dict) else {}
        if not self.ok:
            self.fail("", f"expected a mapping of fields, got {type(mapping).__name__}")

    def fail(self, field: str, message: str) -> None:
        self.ok = False
        line = getattr(self.data, "lines", {}).get(field, self.line)
        self.problems.append(Problem(self.file, self.row, field, message, line))

    def only(self, *allowed: str) -> None:
        for name in sorted(set(self.data) - set(allowed)):
            self.fail(name, f"unknown field (allowed: {', '.join(allowed)})")

    def get(self, name: str, kind: type | tuple[type, ...], required: bool, what: str) -> Any:
        value = self.data.get(name)
        if value is None:
            if required:
                self.fail(name, "required field is missing")
            return None
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            self.fail(name, f"expected {what}, got {value!r}")
            return None
        if not isinstance(value, kind):
            self.fail(name, f"expected {what}, got {value!r}")
            return None
        return value

    def text(self, name: str, required: bool = True) -> str | None:
        value = self.get(name, (str, int, float), required, "text")
        if value is None:
            return None
        value = str(value).strip()
        if not value:
            self.fail(name, "must not be empty")
            return None
        return value

    def key(self, name: str = "key") -> str:
        value = self.text(name)
        if value is not None and not is_key(value):
            self.fail(name, f"{value!r} is not a key (lower-case words joined by '-')")
        return value or ""

    def ref(self, name: str, required: bool = True) -> str | None:
        value = self.text(name, required)
        if value is not None and not all(is_key(part) for part in value.split("/")):
            self.fail(name, f"{value!r} is not a key")
        return value

    def refs(self, name: str) -> tuple[str, ...]:
        value = self.get(name, list, False, "a list")
        if value is None:
            return ()
        out = []
        for item in value:
            if not isinstance(item, str) or not all(is_key(p) for p in item.split("/")):
                self.fail(name, f"{item!r} is not a key")
            else:
                out.append(item)
        return tuple(out)

    def texts(self, name: str) -> tuple[str, ...]:
        value = self.get(name, list, False, "a list of text")
        if value is None:
            return ()
        return tuple(str(v) for v in value)

    def flag(self, name: str) -> bool:
        return bool(self.get(name, bool, False, "true or false"))

    def date(self, name: str, required: bool = True) -> dt.date | None:
        value = self.data.get(name)
        if value is None and not required:
            return None
        return self._as_date(name, value)

    def _as_date(self, name: str, value: Any) -> dt.date | None:
        try:
            return periods.date(value)
        except ValueError as exc:
            self.fail(name, str(exc))
            return None

    def enum(self, name: str, kind: type[E]) -> E | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in kind)
            self.fail(name, f"{value!r} is not one of: {allowed}")
            return None

    def choice(self, name: str, allowed: tuple[str, ...], default: str | None = None) -> str:
        value = self.text(name, required=default is None)
        if value is None:
            return default or ""
        if value not in allowed:
            self.fail(name, f"{value!r} is not one of: {', '.join(allowed)}")
        return value

    def number(self, name: str, value: Any) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.fail(name, f"expected a number, got {value!r}")
            return None
        try:
            return Decimal(str(value))
        except InvalidOperation:
            self.fail(name, f"expected a number, got {value!r}")
            return None

    def period(self, name: str) -> tuple[Period | None, bool]:
        """A period as {begin, end} | {at} | {year} | {month: YYYY-MM} | {until} (no start
        given), plus end_inferred."""
        spec = self.get(name, dict, True, "a period mapping")
        if spec is None:
            return None, False
        inferred = spec.get("end_inferred", False)
        if not isinstance(inferred, bool):
            self.fail(name, "end_inferred must be true or false")
        forms = {"begin", "end"}, {"at"}, {"year"}, {"month"}, {"until"}, {"months", "until"}
        given = set(spec) - {"end_inferred"}
        if given not in forms:
            self.fail(
                name,
                "give one of {begin, end}, {at}, {year}, {month: YYYY-MM}, {until}, "
                "{months, until}",
            )
            return None, False
        try:
            period = periods.period(spec)
        except (TypeError, ValueError) as exc:
            self.fail(name, f"not a period: {exc}")
            return None, False
        if period.begin is not None and period.begin > period.end:
            self.fail(name, f"begins {period.begin} after it ends {period.end}")
        return period, bool(inferred)

    def periods(self, name: str) -> tuple[tuple[Period, ...], bool]:
        specs = self.get(name, list, True, "a list of periods")
        found, inferred = [], False
        for spec in specs or ():
            sub = Fields(self.problems, self.file, self.row, {name: spec})
            sub.line = self.line
            period, end_inferred = sub.period(name)
            self.ok = self.ok and sub.ok
            inferred = inferred or end_inferred
            if period is not None:
                found.append(period)
        return tuple(found), inferred


def is_key(value: str) -> bool:
    return re.fullmatch(KEY_PATTERN, value) is not None
