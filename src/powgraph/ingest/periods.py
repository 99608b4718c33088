"""Periods as editors write them ({begin, end}, {at}, {year}, {month}, {until}: no start given,
{months, until}: "the past N months" before an anchor) and dates (YYYY-MM-DD)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from powgraph.records import Period


def period(spec: dict[str, Any]) -> Period:
    if (
        "months" in spec
    ):  # "the past 18 months", anchored at ``until`` (what the wording counts from)
        months, end = spec["months"], date(spec["until"])
        if isinstance(months, bool) or not isinstance(months, int) or months < 1:
            raise ValueError(f"months must be a whole number of months, got {months!r}")
        year, month = divmod(end.year * 12 + end.month - 1 - months, 12)
        begin = dt.date(year, month + 1, min(end.day, 28))
        return Period(begin, end, months)
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
