"""Soak: one real client process (AppContext over a real store file, as app.py builds it)
driven with 100,000 stream events, 10,000 alarms (raise, "Ik kom eraan", resolve) and 1,000
saved reports, interleaved, with the event loop turning between them. After a warm-up (the
first tenth of the work) it measures the process's RSS and the number of live Python objects
(after a full collection); at the end again. Target: RSS growth at most 10 % and no steady
growth in live objects (a leak per signal emit or per alarm shows as thousands). The RSS at
every tenth of the work (``rss_mib_by_tenth``) and its growth over the second half tell a
leak (climbing to the end) from a cache filling up (levelling off).

``VB_SOAK_SCALE`` scales every count (0.01 for a quick run).
"""

from __future__ import annotations

import gc
import json
import logging
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.bench.soak import SCALE, RssByTenth, print_growth, rss_kib

EVENTS = max(100, int(100_000 * SCALE))
ALARMS = max(10, int(10_000 * SCALE))
SAVES = max(10, int(1_000 * SCALE))
#: Stations named in each stations.online event (a mid-size site).
STATIONS = 20
#: The share of the work before the first measurement (the closed-alarm memory of
#: AlarmService fills up to its cap of 1,000 within it at full scale).
WARM_UP = float(os.environ.get("VB_SOAK_WARMUP", "0.1"))
#: VB_SOAK_TYPES=1: also print (stderr) the object types that grew most.
SHOW_TYPES = bool(os.environ.get("VB_SOAK_TYPES"))


def live_objects() -> int:
    gc.collect()
    return len(gc.get_objects())


def type_counts() -> Counter[str]:
    gc.collect()
    return Counter(type(o).__qualname__ for o in gc.get_objects())


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="vb-soak-") as folder:
        os.environ["VEILIGBALIE_DATA_DIR"] = folder
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        import keyring
        from PySide6.QtWidgets import QApplication

        from veiligbalie import paths
        from veiligbalie.core.incident import Incident
        from veiligbalie.core.vocabulary import Category, Channel, Severity
        from veiligbalie.secrets import MemoryKeyring
        from veiligbalie.services.context import AppContext
        from veiligbalie.store.database import Database

        paths.set_data_dir(folder)
        logging.disable(logging.WARNING)  # a log line per alarm would measure the logger
        keyring.set_keyring(MemoryKeyring())  # no OS keyring on a bench machine
        app = QApplication.instance() or QApplication(sys.argv[:1])
        context = AppContext.open(Database.open(Path(folder) / "soak.sqlite3"))
        assert context.server_alarms is not None and context.sync is not None
        alarm_stream = context.server_alarms.stream
        sync_stream = context.sync.stream
        me = context.alarms.identity.station_id
        stations = [
            {"station_id": str(uuid.uuid4()), "station_name": f"Balie {i}", "location": "Hal"}
            for i in range(STATIONS)
        ] + [{"station_id": str(me), "station_name": "Ik", "location": "Balie 3"}]
        occurred = datetime.now(UTC) - timedelta(minutes=10)

        def stream_event(i: int) -> None:
            if i % 2:
                online = stations[: 1 + i % STATIONS] + stations[-1:]
                alarm_stream.received.emit({"type": "stations.online", "stations": online})
            else:
                sync_stream.received.emit({"type": "changes", "cursor": 0})

        def alarm_round(i: int) -> None:
            alarm = context.alarms.raise_alarm(test=i % 10 == 1)
            context.alarms.acknowledge(alarm.id)
            context.alarms.resolve(alarm.id)

        def save(i: int) -> None:
            context.incidents.save(
                Incident(
                    description=f"Soak {i}: bezoeker schreeuwde en sloeg op de balie.",
                    categories=frozenset({Category.VERBAL_AGGRESSION}),
                    occurred_at=occurred,
                    location="Publiekshal, balie 2",
                    reporter="Soak",
                    channel=Channel.COUNTER,
                    severity=Severity.MEDIUM,
                )
            )

        # One schedule: per step some events, then now and then an alarm or a save.
        steps = EVENTS
        alarm_every = max(1, steps // ALARMS)
        save_every = max(1, steps // SAVES)
        counts = {"events": 0, "alarms": 0, "saves": 0}
        baseline: tuple[int, int] | None = None
        warm_step = int(steps * WARM_UP)
        tenths = RssByTenth(steps)
        started = time.perf_counter()
        for step in range(steps):
            tenths.at(step)
            if step == warm_step:
                app.processEvents()
                baseline = (rss_kib(), live_objects())
                types_start = type_counts() if SHOW_TYPES else Counter()
            stream_event(step)
            counts["events"] += 1
            if step % alarm_every == 0 and counts["alarms"] < ALARMS:
                alarm_round(counts["alarms"])
                counts["alarms"] += 1
            if step % save_every == 0 and counts["saves"] < SAVES:
                save(step)
                counts["saves"] += 1
            if step % 50 == 0:
                app.processEvents()
        app.processEvents()
        seconds = time.perf_counter() - started
        rss_end, objects_end = rss_kib(), live_objects()
        if SHOW_TYPES:  # what grew, to find a leak
            grown = type_counts()
            grown.subtract(types_start)
            print(json.dumps(dict(grown.most_common(15))), file=sys.stderr)
        context.close()
    assert baseline is not None
    rss_start, objects_start = baseline
    figures = {**counts, **tenths.figures(rss_end)}
    rss, objects = (rss_start, rss_end), (objects_start, objects_end)
    print_growth("soak_client", figures, seconds, rss, objects)


if __name__ == "__main__":
    main()
