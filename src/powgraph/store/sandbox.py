"""What a query process may do, decided before it reads a query: no network, bounded memory.

The engine (pyoxigraph) can fetch over HTTP (SERVICE, LOAD). The query guard refuses such
queries, but a check on text is one layer only; here the capability itself is removed, twice:
- a network namespace of its own (root, or an unprivileged user namespace where the kernel
  allows one): the process sees no interface but a loopback that is down;
- a seccomp filter, which needs no privilege: ``socket()`` fails with EACCES for every address
  family but AF_UNIX (the pipe to the web worker is already open), and so does io_uring, which
  could open sockets past the filter.
``RLIMIT_AS`` bounds the address space, so a query that grows without bound fails to allocate
and its process dies (the web worker answers 503 and starts another)."""

from __future__ import annotations

import ctypes
import errno
import platform
import resource
import struct
from dataclasses import dataclass

from powgraph.child import in_child
from powgraph.errors import PowgraphError

CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
AF_UNIX = 1
M_ARENA_MAX = -8  # glibc's mallopt parameter

# (audit architecture, socket(), io_uring_setup()) by machine: the filter refuses any other
# architecture's system calls outright (a 32-bit call on a 64-bit kernel has other numbers)
_ARCHES = {
    "x86_64": (0xC000003E, 41, 425),
    "aarch64": (0xC00000B7, 198, 425),
}
_X32_BIT = 0x40000000  # x32 system calls on x86_64 carry this bit: refused as well

_LD_W_ABS, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06
_ALLOW, _ERRNO = 0x7FFF0000, 0x00050000


@dataclass(frozen=True)
class Confinement:
    """What a query process got: it never runs queries unless ``network_denied``."""

    namespace: bool  # in a network namespace with no usable interface
    seccomp: bool  # socket() refused by a seccomp filter
    memory: int  # RLIMIT_AS in bytes, 0 when unbounded

    @property
    def network_denied(self) -> bool:
        return self.namespace or self.seccomp


def confine(memory: int) -> Confinement:
    """Confine the calling process for good (called first thing in each query process)."""
    namespace = _own_network_namespace()
    seccomp = _deny_sockets()
    if memory > 0:
        # glibc reserves 64 MiB of address space per thread's arena: with one arena, the bound
        # is spent on what a query really holds (measured: 589 -> 130 MiB for an open store)
        _libc().mallopt(M_ARENA_MAX, 1)
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    return Confinement(namespace, seccomp, memory)


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _own_network_namespace() -> bool:
    libc = _libc()
    if libc.unshare(CLONE_NEWNET) == 0:
        return True
    # unprivileged: a user namespace first (the process stays single-threaded until here)
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0:
        return True
    return False


def _filter(arch: int, socket_nr: int, io_uring_nr: int) -> bytes:
    deny = _ERRNO | errno.EACCES
    program = [
        (_LD_W_ABS, 0, 0, 4),  # A = seccomp_data.arch
        (_JEQ_K, 1, 0, arch),
        (_RET_K, 0, 0, deny),
        (_LD_W_ABS, 0, 0, 0),  # A = seccomp_data.nr
        (_JGE_K, 5, 0, _X32_BIT),
        (_JEQ_K, 4, 0, io_uring_nr),
        (_JEQ_K, 0, 2, socket_nr),
        (_LD_W_ABS, 0, 0, 16),  # A = low word of args[0], the address family
        (_JEQ_K, 0, 1, AF_UNIX),
        (_RET_K, 0, 0, _ALLOW),
        (_RET_K, 0, 0, deny),
    ]
    # the x32 and io_uring jumps above land on the last instruction: deny
    return b"".join(struct.pack("=HBBI", *instruction) for instruction in program)


def _deny_sockets() -> bool:
    numbers = _ARCHES.get(platform.machine())
    if numbers is None or struct.pack("=I", 1)[0] != 1:  # args[0] offset assumes little-endian
        return False
    code = _filter(*numbers)
    count = len(code) // 8
    buffer = ctypes.create_string_buffer(code, len(code))

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    prog = SockFprog(count, ctypes.addressof(buffer))
    libc = _libc()
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return bool(libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) == 0)


def trial(memory: int) -> Confinement:
    """How a query process would be confined here, found out in a throw-away child (before a
    server starts its workers: no state of it is left in this process); not at all if the
    child failed."""
    try:
        return in_child(confine, memory)
    except PowgraphError:
        return Confinement(False, False, memory)
