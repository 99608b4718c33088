"""The app as each Granian worker runs it (``powgraph serve`` names ``powgraph.web.worker:app``),
with what only a server process needs:

- Granian has no write timeout, and an answer a client stops reading keeps its bytes in the
  worker until the connection ends. The worker's listening socket gets TCP_USER_TIMEOUT (the
  connections it accepts inherit it): the kernel drops a connection whose data has sat
  unacknowledged, or behind a shut window, for ``send_timeout`` seconds, and the bytes are freed.
- glibc raises its mmap threshold to the size of every large block freed, so after one big
  answer the next ones come from the heap and stay in the worker once freed: a fixed threshold
  keeps every large answer in its own mapping, returned to the system when freed."""

from __future__ import annotations

import ctypes
import os
import socket
import threading
import time

from flask import Flask

from powgraph.config import Settings
from powgraph.web import create_app

M_MMAP_THRESHOLD, LARGE = -3, 1 << 20  # glibc's mallopt: blocks from 1 MiB up are mmapped


def app() -> Flask:
    """The app as each Granian worker runs it. The worker's listening socket is made by Granian
    after this returns: a thread waits for it, then sets the send timeout on it."""
    ctypes.CDLL(None).mallopt(M_MMAP_THRESHOLD, LARGE)
    settings = Settings.from_env()
    flask_app = create_app(settings)
    timeout = int(settings.send_timeout * 1000)
    threading.Thread(target=_time_out_sends, args=(timeout,), daemon=True).start()
    return flask_app


def _time_out_sends(milliseconds: int, wait: float = 30.0) -> None:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and not _set_on_listeners(milliseconds):
        time.sleep(0.01)


def _set_on_listeners(milliseconds: int) -> bool:
    """TCP_USER_TIMEOUT on every TCP socket this process listens on; whether there was one."""
    found = False
    for name in os.listdir("/proc/self/fd"):
        try:
            fd = os.dup(int(name))
        except OSError:  # gone
            continue
        try:
            sock = socket.socket(fileno=fd)
        except OSError:  # not a socket
            os.close(fd)
            continue
        with sock:
            if (
                sock.family in (socket.AF_INET, socket.AF_INET6)
                and sock.type == socket.SOCK_STREAM
                and sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
            ):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, milliseconds)
                found = True
    return found
