"""Waiting for something that happens in another process or thread, outside Qt's event loop.

Qt code waits with ``qtbot.waitUntil`` (it keeps the event loop turning); everything else
polls with :func:`wait_until`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(
    predicate: Callable[[], T],
    timeout: float = 10,
    *,
    interval: float = 0.05,
    what: str = "the condition",
    detail: Callable[[], object] | None = None,
) -> T:
    """Call ``predicate`` every ``interval`` seconds until it returns something truthy, and
    return that. After ``timeout`` seconds: an AssertionError naming ``what``, with
    ``detail()`` appended (a log tail, the last state seen) when given.

    The predicate is always called at least once, and once more at the deadline, so a slow
    call that ends just after the deadline still counts. To give up early (a child process
    died), let the predicate raise.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        left = deadline - time.monotonic()
        if left <= 0:
            break
        time.sleep(min(interval, left))
    message = f"timed out after {timeout:g}s waiting for {what}"
    if detail is not None:
        message += f"\n{detail()}"
    raise AssertionError(message)


def wait_until_matches(
    fetch: Callable[[], T],
    check: Callable[[T], bool],
    timeout: float = 10,
    *,
    interval: float = 0.05,
    what: str = "a match",
    detail: Callable[[], object] | None = None,
) -> T:
    """Fetch a value (a driver's status, say) until ``check`` accepts it, and return it.
    On timeout the last value fetched is in the message, before ``detail()``."""
    last: list[T] = []

    def matching() -> bool:
        last[:] = [fetch()]
        return check(last[0])

    def report() -> str:
        text = f"last: {last[0] if last else 'nothing fetched'}"
        return text + (f"\n{detail()}" if detail is not None else "")

    wait_until(matching, timeout, interval=interval, what=what, detail=report)
    return last[0]
