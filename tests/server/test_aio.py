"""server.aio.wait_at_most: a task stopped just as it is woken stops (asyncio.wait_for on
Python 3.11 let it run on to its next timeout: a server stop waited out an escalation
delay)."""

from __future__ import annotations

import asyncio

import pytest

from veiligbalie.server.aio import wait_at_most


def test_a_cancel_that_comes_with_the_wake_up_stops_the_task() -> None:
    async def run() -> list[str]:
        event = asyncio.Event()
        went_on: list[str] = []

        async def loop() -> None:
            await wait_at_most(event, 60)
            went_on.append("woken")
            await wait_at_most(asyncio.Event(), 60)  # the next wait, as a task's loop has
            went_on.append("timed out")

        task = asyncio.create_task(loop())
        await asyncio.sleep(0)  # waiting now
        event.set()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return went_on

    assert asyncio.run(asyncio.wait_for(run(), 10)) == []


def test_it_says_whether_the_event_came() -> None:
    async def run() -> tuple[bool, bool]:
        event = asyncio.Event()
        asyncio.get_running_loop().call_later(0.01, event.set)
        came = await wait_at_most(event, 10)
        return came, await wait_at_most(asyncio.Event(), 0.01)

    assert asyncio.run(run()) == (True, False)
