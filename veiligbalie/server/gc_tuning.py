"""Full garbage collections only while no alarm is being fanned out (``serve --gc-tuning``).

With thousands of stream connections a full collection walks millions of objects and stalls
the event loop for a few hundred milliseconds; left to CPython it lands in the middle of a
fan-out now and then. With the tuning the automatic collector keeps to the young
generations, and :func:`collect_when_quiet` collects everything when the last fan-out is a
while ago. It changes process-wide collector settings, so only the ``serve`` command (which
owns its process) turns it on, by default; embedders choose for themselves.

Why on by default (tests/bench/bench_alarm_fanout.py, 2 shared cores at load 10-14, with a
probe on the server's collector): with 2,000 stations and no tuning CPython ran 13 full
collections, two of them inside the 100 alarms, each stalling the loop for seconds at that
load (p99 1,092 ms); with the tuning 4, none inside the alarms (p99 680 ms). At 500 stations
the two were alike within the noise (p99 81-146 ms either way).
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable

#: How often a full collection is due, and how often to look again while alarms go out.
GC_INTERVAL_SECONDS = 30.0
RECHECK_SECONDS = 2.0
#: The oldest generation's threshold while tuned: in practice only collect_when_quiet runs it.
OLDEST_THRESHOLD = 1_000_000


def tune() -> None:
    """Freeze what exists now (modules, the app: never garbage) out of every collection, and
    leave full collections to :func:`collect_when_quiet`."""
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, OLDEST_THRESHOLD)


async def collect_when_quiet(busy: Callable[[], bool]) -> None:
    """Every GC_INTERVAL_SECONDS, a full collection as soon as ``busy()`` says no alarm is
    going out."""
    tune()
    while True:
        await asyncio.sleep(GC_INTERVAL_SECONDS)
        while busy():
            await asyncio.sleep(RECHECK_SECONDS)
        gc.collect()
