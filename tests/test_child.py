"""A function run in a forked child: its result, or its failure as a message, comes back."""

from __future__ import annotations

import os

import pytest

from powgraph.child import in_child
from powgraph.errors import PowgraphError


def _pid_and(value: int) -> tuple[int, int]:
    return os.getpid(), value * 2


def _fails(error: BaseException) -> None:
    raise error


def test_the_result_comes_from_another_process() -> None:
    pid, doubled = in_child(_pid_and, 21)
    assert doubled == 42 and pid != os.getpid()


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (PowgraphError("cannot read x.nt: line 2"), "cannot read x.nt: line 2"),
        (ValueError("bad"), "ValueError: bad"),
        (SystemExit(3), "SystemExit: 3"),
    ],
)
def test_a_failure_is_raised_here_as_its_message(error: BaseException, message: str) -> None:
    with pytest.raises(PowgraphError) as raised:
        in_child(_fails, error)
    assert str(raised.value) == message


def test_a_child_that_dies_without_answering_is_an_error() -> None:
    with pytest.raises(PowgraphError, match="without an answer"):
        in_child(os._exit, 0)
