"""What both soak benchmarks share: the scale, the resident set of a process, its series at
every tenth of the work, and the one JSON line they print (growth after warm-up, against the
10 % target)."""

from __future__ import annotations

import json
import os
import resource
from typing import Any

SCALE = float(os.environ.get("VB_SOAK_SCALE", "1"))
TARGET_RSS_GROWTH_PCT = 10.0


def rss_kib(pid: int | None = None) -> int:
    """The resident set of ``pid`` (this process when None) now, from Linux /proc; for this
    process elsewhere the peak, which only grows."""
    try:
        with open(f"/proc/{pid or 'self'}/statm") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") // 1024
    except OSError:
        if pid is not None:
            raise
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class RssByTenth:
    """The RSS (MiB) of ``pid`` (this process when None) at every tenth of ``steps`` steps of
    work and at the end: a leak climbs to the end, a cache filling up levels off."""

    def __init__(self, steps: int, pid: int | None = None) -> None:
        self.every = max(1, steps // 10)
        self.pid = pid
        self.mib: list[float] = []

    def at(self, step: int) -> None:
        """Before step ``step`` (0-based) of the work: taken at every tenth."""
        if step % self.every == 0:
            self.mib.append(round(rss_kib(self.pid) / 1024, 1))

    def figures(self, rss_end_kib: int) -> dict[str, Any]:
        """The series with the RSS at the end, and its growth over the second half (%)."""
        tenths = [*self.mib, round(rss_end_kib / 1024, 1)]
        half = tenths[len(tenths) // 2]
        return {
            "rss_mib_by_tenth": tenths,
            "rss_growth_second_half_pct": round(100 * (tenths[-1] - half) / half, 2),
        }


def print_growth(
    bench: str,
    figures: dict[str, Any],
    seconds: float,
    rss: tuple[int, int],
    objects: tuple[int, int],
) -> None:
    """One line: ``figures`` (what was driven), then RSS (KiB) and live objects from the end
    of warm-up (``start``) to the end (``end``)."""
    (rss_start, rss_end), (objects_start, objects_end) = rss, objects
    line = {
        "bench": bench,
        "scale": SCALE,
        **figures,
        "seconds": round(seconds, 1),
        "rss_start_mib": round(rss_start / 1024, 1),
        "rss_end_mib": round(rss_end / 1024, 1),
        "rss_growth_pct": round(100 * (rss_end - rss_start) / rss_start, 2),
        "objects_start": objects_start,
        "objects_end": objects_end,
        "objects_growth": objects_end - objects_start,
        "target_rss_growth_pct": TARGET_RSS_GROWTH_PCT,
    }
    print(json.dumps(line))
