"""An alarm raised while every station pushes at once (the server was away and fifty stations
come back with their reports), against the same alarms on the same server with nothing else
going on: the alarm must not wait behind the crowd.

A real server process (SQLite, and PostgreSQL where installed), 20 listening stations on the
stream (tests/bench/ws_stations.py), 50 stations each pushing 200 new reports at once; from
0.3 s after the pushes start an alarm is raised every 100 ms until the last push is
answered. Per alarm: the time until every listening station has it, and until its sender
has the server's answer (after the alarm is stored). The floor is the same alarms with no
pushes, measured first in the same run.

Prints ``{"bench": "alarm_storm", "backend": ..., "idle_p99_ms": ..., "storm_p99_ms": ...,
"ratio_p99": ..., "answer_idle_p99_ms": ..., "answer_storm_p99_ms": ..., ...}`` per backend.
``VB_BENCH_SCALE`` scales the reports per push (a quick run: 0.1).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

from tests.bench.bench_alarm_fanout import Child, percentile, seed
from tests.bench.bench_sync import push_once, station_pushes, station_tokens
from tests.support.postgres import create_database, pg_bin_dir, postgres_cluster
from tests.support.server import running_server
from veiligbalie.server.store import ServerStore

SCALE = float(os.environ.get("VB_BENCH_SCALE", "1"))
LISTENERS = 20
PUSHERS = 50
REPORTS_EACH = max(10, int(200 * SCALE))
IDLE_ALARMS = 20
SPACING_SECONDS = 0.1


def raise_one(http: httpx.Client, child: Child, sender: str) -> tuple[float, float]:
    """Raise an alarm; (ms until every listening station has it, ms until it is answered)."""
    alarm_id = str(uuid.uuid4())
    answered: list[float] = []
    failed: list[BaseException] = []

    def post() -> None:
        started = time.monotonic()
        try:
            r = http.post(
                "/api/v1/alarms",
                json={"id": alarm_id, "test": True},
                headers={"Authorization": f"Bearer {sender}"},
            )
            r.raise_for_status()
        except BaseException as exc:  # reported below
            failed.append(exc)
        answered.append(time.monotonic() - started)

    started = time.monotonic()
    poster = threading.Thread(target=post)
    poster.start()
    line = child.line(120)
    everyone = time.monotonic() - started
    poster.join(120)
    if failed:
        raise failed[0]
    if line != f"DONE {alarm_id}":
        raise RuntimeError(f"unexpected from stations: {line!r}")
    return everyone * 1000, answered[0] * 1000


def run(backend: str, url: str, tmp: Path) -> dict[str, Any]:
    store = ServerStore(url)
    sender, listeners = seed(store, LISTENERS)
    pushers = station_tokens(store, PUSHERS)
    store.close()
    pushes = station_pushes(pushers, REPORTS_EACH, seed=5)
    with running_server(url) as server, httpx.Client(base_url=server.base_url, timeout=120) as http:
        port = int(server.base_url.rsplit(":", 1)[1])
        tokens = tmp / f"listeners-{backend}.json"
        tokens.write_text(json.dumps(listeners))
        child = Child("127.0.0.1", port, tokens)
        try:
            if child.line(60) != f"READY {LISTENERS}":
                raise RuntimeError("the listening stations did not all connect")
            time.sleep(2.5)  # the debounced online lists settle
            child.tell("mark")
            idle = []
            for _ in range(IDLE_ALARMS):
                idle.append(raise_one(http, child, sender))
                time.sleep(SPACING_SECONDS)

            storm: list[tuple[float, float]] = []
            with ThreadPoolExecutor(PUSHERS) as pool:
                started = time.monotonic()
                futures = [
                    pool.submit(push_once, server.base_url, "/api/v1/sync/push", item)
                    for item in pushes
                ]
                time.sleep(0.3)
                while not all(f.done() for f in futures):
                    storm.append(raise_one(http, child, sender))
                    time.sleep(SPACING_SECONDS)
                for future in futures:
                    future.result()
                storm_seconds = time.monotonic() - started
        finally:
            child.stop()
    idle_every, idle_answer = [e for e, _ in idle], [a for _, a in idle]
    storm_every, storm_answer = [e for e, _ in storm], [a for _, a in storm]
    return {
        "bench": "alarm_storm",
        "backend": backend,
        "listeners": LISTENERS,
        "pushers": PUSHERS,
        "reports_each": REPORTS_EACH,
        "storm_seconds": round(storm_seconds, 2),
        "alarms_idle": len(idle),
        "alarms_storm": len(storm),
        "idle_p50_ms": round(percentile(idle_every, 50), 1),
        "idle_p99_ms": round(percentile(idle_every, 99), 1),
        "storm_p50_ms": round(percentile(storm_every, 50), 1),
        "storm_p99_ms": round(percentile(storm_every, 99), 1),
        "ratio_p99": round(percentile(storm_every, 99) / percentile(idle_every, 99), 2),
        "answer_idle_p99_ms": round(percentile(idle_answer, 99), 1),
        "answer_storm_p50_ms": round(percentile(storm_answer, 50), 1),
        "answer_storm_p99_ms": round(percentile(storm_answer, 99), 1),
    }


def main() -> int:
    backends = ["sqlite"] + (["postgresql"] if pg_bin_dir() is not None else [])
    only = os.environ.get("VB_BENCH_BACKENDS")
    if only:
        backends = [b for b in backends if b in only.split(",")]
    with tempfile.TemporaryDirectory(prefix="vb-bench-storm-") as folder:
        tmp = Path(folder)
        for backend in backends:
            with ExitStack() as stack:
                if backend == "sqlite":
                    url = f"sqlite:///{tmp / 'storm.sqlite3'}"
                else:
                    url = create_database(stack.enter_context(postgres_cluster(durable=True)))
                print(json.dumps(run(backend, url, tmp)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
