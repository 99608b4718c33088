"""What a running app holds: its settings, its store and its answer cache (app.extensions)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from flask import current_app

from powgraph.config import Settings
from powgraph.queries import QueryFile
from powgraph.store import Answer, QueryJob, Store

MAX_CACHED_BYTES = 1 << 20  # answers above 1 MiB are not kept


@dataclass
class AnswerCache:
    """LRU of answers by (data version, job); a new data version never sees an old answer."""

    entries: int
    _items: OrderedDict[tuple[str, QueryJob], Answer] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, key: tuple[str, QueryJob]) -> Answer | None:
        with self._lock:
            answer = self._items.get(key)
            if answer is not None:
                self._items.move_to_end(key)
            return answer

    def put(self, key: tuple[str, QueryJob], answer: Answer) -> None:
        if self.entries <= 0 or len(answer.body) > MAX_CACHED_BYTES:
            return
        with self._lock:
            self._items[key] = answer
            self._items.move_to_end(key)
            while len(self._items) > self.entries:
                self._items.popitem(last=False)


@dataclass
class Runtime:
    settings: Settings
    store: Store
    cache: AnswerCache
    examples: list[QueryFile]


def runtime() -> Runtime:
    result: Runtime = current_app.extensions["powgraph"]
    return result
