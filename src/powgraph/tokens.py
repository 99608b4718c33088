"""SPARQL text split as an engine reads it: following the SPARQL 1.1 grammar's terminals
(strings, IRIs, comments), so that nothing inside a string, an IRI or a comment is taken for a
keyword or a variable. The query guard reads a client's query with it (web/guard.py); the remote
store finds where a bound variable stands in one of our queries (store/remote.py). Codepoint
escapes are not decoded here."""

from __future__ import annotations

import re

TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<bnode>_:[\w\-.\u00b7\u00c0-\uffff]*)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
  | (?P<pname>(?:[A-Za-z\u00c0-\uffff][\w.\-\u00b7\u00c0-\uffff]*)?:
              (?:(?:[\w\-.:\u00c0-\uffff]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?\#@%])*
                 (?:[\w\-:\u00c0-\uffff]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?\#@%]))?)
  | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
Token = tuple[str, str]  # its kind (the group that matched) and its text


def tokens(text: str) -> tuple[list[Token], list[int]]:
    """The tokens, whitespace and comments left out, and where each starts in the text."""
    found, starts = [], []
    for m in TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind not in ("ws", "comment"):
            found.append((kind, m.group()))
            starts.append(m.start())
    return found, starts
