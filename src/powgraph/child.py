"""A function run in a bare forked child, its result reported back through a pipe: whatever
it allocates (loading 1M triples: 500 MB) goes back to the system when the child ends, and
whatever state it sets up (a seccomp filter, threads, multiprocessing's resource tracker)
never reaches this process, nor the web workers Granian later forks from it. A bare fork:
a multiprocessing pool left its resource tracker to the web workers, which then hung when the
server stopped, one time in three."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import Any, TypeVar

from powgraph.errors import PowgraphError

T = TypeVar("T")


def in_child(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)``, run in a forked child. Its error is raised here as a PowgraphError
    with the child's message (a PowgraphError's own, else the exception's type and text)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run, report, leave without running any cleanup of the parent
        code = 0
        try:
            os.close(read)
            try:
                reply: tuple[str, Any] = ("ok", function(*args))
            except BaseException as exc:  # noqa: BLE001 - any failure is reported, not raised
                text = f"{type(exc).__name__}: {exc}"
                reply, code = ("error", str(exc) if isinstance(exc, PowgraphError) else text), 1
            with os.fdopen(write, "wb") as out:
                out.write(pickle.dumps(reply))
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as answer:
        data = answer.read()
    _, status = os.waitpid(pid, 0)
    if not data:
        raise PowgraphError(f"a child process ended without an answer (status {status})")
    kind, value = pickle.loads(data)  # noqa: S301 - written by our own child
    if kind == "error":
        raise PowgraphError(value)
    result: T = value
    return result
