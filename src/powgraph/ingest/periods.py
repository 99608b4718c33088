"""Periods as editors write them ({begin, end}, {at}, {year}, {month}, {until}: no start given)
and dates (YYYY-MM-DD)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from powgraph.records import Period


def period(spec: dict[str, Any]) -> Period:
    if "until" in spec:  # the source gives no start
        return Period(None, date(spec["until"]))
    if "at" in spec:
        return Period(date(spec["at"]), date(spec["at"]))
    if "year" in spec:
        year = int(spec["year"])
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))
    if "month" in spec:
        first = date(f"{spec['month']}-01")
        year, month = first.year, first.month
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return Period(first, following - dt.timedelta(days=1))
    return Period(date(spec["begin"]), date(spec["end"]))


def date(value: Any) -> dt.date:
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"expected a date YYYY-MM-DD, got {value!r}")
