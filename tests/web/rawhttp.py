"""HTTP/1.1 written byte by byte on a plain socket, so malformed requests really go on the wire
(http.client and requests refuse or repair them), and the answer read with http.client."""

from __future__ import annotations

import http.client
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


def chunked(body: bytes, size: int = 7) -> bytes:
    """A body in Transfer-Encoding: chunked framing, in chunks of ``size`` bytes."""
    out = b"".join(
        f"{len(body[i : i + size]):x}\r\n".encode() + body[i : i + size] + b"\r\n"
        for i in range(0, len(body), size)
    )
    return out + b"0\r\n\r\n"


def request(
    url: str,
    method: str,
    target: bytes,
    headers: list[tuple[bytes, bytes]] = (),  # type: ignore[assignment]
    body: bytes = b"",
    timeout: float = 20.0,
    half_close: bool = False,
) -> Reply | None:
    """Send one request exactly as given (no Host, Content-Length or framing is added: the
    caller writes them) on a fresh connection; None when the server closes it without an
    answer. ``half_close`` ends the client's side after the body (a body shorter than its
    Content-Length then ends instead of keeping the server waiting)."""
    parts = urlsplit(url)
    head = method.encode("latin-1") + b" " + target + b" HTTP/1.1\r\n"
    head += b"".join(name + b": " + value + b"\r\n" for name, value in headers)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        try:
            sock.sendall(head + b"\r\n" + body)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except OSError:  # the server answered early and closed (a refused head or body)
            pass
        response = http.client.HTTPResponse(sock, method=method)
        try:
            response.begin()
            data = response.read()
        except (http.client.RemoteDisconnected, ConnectionResetError):
            return None
        except http.client.IncompleteRead as exc:
            data = exc.partial
        return Reply(response.status, response.getheaders(), data)


def simple(
    url: str,
    method: str,
    target: str,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
) -> Reply:
    """A well-formed request (Host, Content-Length and Connection: close filled in)."""
    parts = urlsplit(url)
    given = {k.lower() for k in headers or {}}
    fields = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    if "host" not in given:
        fields.insert(0, (b"Host", parts.netloc.encode()))
    if body and "content-length" not in given and "transfer-encoding" not in given:
        fields.append((b"Content-Length", str(len(body)).encode()))
    fields.append((b"Connection", b"close"))
    reply = request(url, method, target.encode("latin-1"), fields, body)
    assert reply is not None, f"no answer to {method} {target}"
    return reply
