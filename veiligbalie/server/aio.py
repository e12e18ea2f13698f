"""Small asyncio pieces the server's long-running tasks share."""

from __future__ import annotations

import asyncio


async def wait_at_most(event: asyncio.Event, seconds: float) -> bool:
    """Wait until ``event`` is set or ``seconds`` have passed; True when it was set.

    Not ``asyncio.wait_for``: on Python 3.11 it swallows a cancellation that arrives as the
    awaited event is set (gh-86296), so a task stopped right after being woken ran on until
    its next timeout (a server stop waited out an escalation delay). ``asyncio.timeout``
    lets the cancellation through."""
    try:
        async with asyncio.timeout(seconds):
            await event.wait()
    except TimeoutError:
        return False
    return True
