"""Request parameters decoded strictly as UTF-8, as the SPARQL Protocol requires: a bad byte is
a 400 naming where it was, never a silently replaced character."""

from __future__ import annotations

from urllib.parse import parse_qsl

from powgraph.web.guard import QueryRejected


def decode_utf8(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QueryRejected(f"{what} is not valid UTF-8 (byte {exc.start})", "encoding") from exc


def parse_pairs(raw: bytes, what: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(decode_utf8(raw, what), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as exc:
        raise QueryRejected(f"{what} is not valid UTF-8 once percent-decoded", "encoding") from exc
