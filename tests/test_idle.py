"""The order in which a pool's idle query processes are taken (store/embedded.py's Idle)."""

from __future__ import annotations

import threading

from powgraph.store.embedded import Idle


def test_the_most_recently_used_is_taken_first() -> None:
    idle: Idle[str] = Idle()
    for name in ("a", "b", "c"):
        idle.put(name, fresh=True)
    first = idle.take()
    idle.put(first)
    # one client after another: the same process answers every time, its caches warm
    assert [idle.take() for _ in range(3)] == [first, "b", "c"]


def test_a_fresh_process_is_taken_after_every_warm_one() -> None:
    idle: Idle[str] = Idle()
    idle.put("warm")
    idle.put("replacement", fresh=True)  # started in place of a killed one: still opening
    idle.put("used")
    assert [idle.take() for _ in range(3)] == ["used", "warm", "replacement"]


def test_taking_waits_for_a_process_to_come_back() -> None:
    idle: Idle[str] = Idle()
    taken: list[str] = []
    waiting = threading.Thread(target=lambda: taken.append(idle.take()))
    waiting.start()
    waiting.join(0.2)
    assert waiting.is_alive() and not taken
    idle.put("back")
    waiting.join(5)
    assert taken == ["back"]
