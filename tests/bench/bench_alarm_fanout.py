"""Alarm fan-out on the server path: a real server process (SQLite), N stations simulated as
stream clients in a SEPARATE process (asyncio + websockets), 100 alarms raised one after the
other through ``POST /api/v1/alarms``.

Latency of one delivery = arrival at a station minus the moment just before the POST, both
read from ``time.monotonic()`` (CLOCK_MONOTONIC, one clock for every process on Linux).
Prints, for N = 500 and N = 2000::

    {"bench": "alarm_fanout", "stations": 500, "alarms": 100, "p50_ms": ..., "p99_ms": ...,
     "p99_last_ms": ..., "path": "server"}

``p50_ms``/``p99_ms`` are over every (alarm, station) delivery; ``p99_last_ms`` is the p99
over alarms of the time until the LAST station had it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from tests.support.server import ROOT, running_server
from veiligbalie.core.ids import uuid7
from veiligbalie.server import admin, auth
from veiligbalie.server import schema as t
from veiligbalie.server.store import ServerStore

ALARMS = 100
SIZES = (500, 2000)
CHILDREN = 2


def seed(store: ServerStore, stations: int) -> tuple[str, list[str]]:
    """A site with ``stations`` enrolled workstations (tokens) and one sender; bulk inserts."""
    admin.create_organisation(store, "Gemeente Bench", "Postbus 1, 1000 AA Bench")
    site = admin.create_site(store, "Centrum")
    now = datetime.now(UTC)
    tokens: list[str] = []
    with store.write() as conn:
        rows = [
            {
                "id": uuid7(),
                "site_id": site.id,
                "name": f"balie{i:04d}",
                "location": f"Balie {i}",
                "enrolled_at": now,
                "created_at": now,
            }
            for i in range(stations + 1)
        ]
        conn.execute(sa.insert(t.workstations), rows)
        for row in rows:
            token, _ = auth.issue_token(
                conn, "workstation", timedelta(days=1), workstation_id=row["id"]
            )
            tokens.append(token)
    return tokens[0], tokens[1:]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def run(stations: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="vb-bench-fanout-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'server.sqlite3'}"
        store = ServerStore(url)
        sender, tokens = seed(store, stations)
        store.close()
        env = {"VEILIGBALIE_SERVER_PING_SECONDS": "300"}
        with running_server(url, env=env) as server:
            # The stations are split over CHILDREN processes so that the receiving side
            # (websockets parses each frame in Python) is not what the figure measures.
            share = [tokens[i::CHILDREN] for i in range(CHILDREN)]
            children = []
            for i, part in enumerate(share):
                token_file = Path(tmp) / f"tokens{i}.json"
                token_file.write_text(json.dumps(part))
                children.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "tests.bench.bench_alarm_fanout",
                            "--child",
                            server.ws_url,
                            str(token_file),
                        ],
                        cwd=ROOT,
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        text=True,
                    )  # fmt: skip
                )
            try:
                for child in children:
                    assert child.stdout is not None
                    line = child.stdout.readline()
                    if line.strip() != "READY":
                        raise RuntimeError(f"stations did not connect: {line!r}")
                # Let the debounced online-stations lists settle before timing.
                time.sleep(max(2.0, stations / 200 + 1.5))
                sent: dict[str, float] = {}
                with httpx.Client(base_url=server.base_url, timeout=30) as http:
                    headers = {"Authorization": f"Bearer {sender}"}
                    for _ in range(ALARMS):
                        alarm_id = str(uuid.uuid4())
                        body = {"id": alarm_id, "test": True}
                        start = time.monotonic()
                        r = http.post("/api/v1/alarms", json=body, headers=headers)
                        sent[alarm_id] = start
                        r.raise_for_status()
                        for child in children:
                            assert child.stdout is not None
                            done = child.stdout.readline().split()
                            if done != ["DONE", alarm_id]:
                                raise RuntimeError(f"unexpected from stations: {done}")
                        time.sleep(0.05)
                arrivals: dict[str, list[float]] = {}
                for child in children:
                    assert child.stdin is not None and child.stdout is not None
                    child.stdin.write("report\n")
                    child.stdin.flush()
                    for alarm_id, times in json.loads(child.stdout.readline()).items():
                        arrivals.setdefault(alarm_id, []).extend(times)
            finally:
                for child in children:
                    child.kill()
                    child.wait()
    every = [(at - sent[a]) * 1000 for a, times in arrivals.items() for at in times]
    last = [(max(times) - sent[a]) * 1000 for a, times in arrivals.items()]
    return {
        "bench": "alarm_fanout",
        "stations": stations,
        "alarms": ALARMS,
        "p50_ms": round(statistics.median(every), 2),
        "p99_ms": round(percentile(every, 99), 2),
        "p99_last_ms": round(percentile(last, 99), 2),
        "path": "server",
    }


# --- the stations' process ----------------------------------------------------------------


async def stations_main(ws_url: str, token_file: str) -> None:
    import gc

    gc.disable()  # measuring tool: its own collector pauses are not the server's latency
    from websockets.asyncio.client import connect

    tokens: list[str] = json.loads(Path(token_file).read_text())
    arrivals: dict[str, list[float]] = {}
    expected = len(tokens)
    ready = asyncio.Event()
    connected = 0
    out = sys.stdout

    async def station(token: str) -> None:
        nonlocal connected
        async with connect(
            f"{ws_url}/api/v1/stream?token={token}",
            open_timeout=120,
            ping_interval=None,
            max_size=None,
            compression=None,
        ) as ws:
            first = json.loads(await ws.recv())
            assert first["type"] == "hello"
            connected += 1
            if connected == expected:
                ready.set()
            async for message in ws:
                now = time.monotonic()
                if '"alarm.raised"' not in message:
                    continue
                alarm_id = json.loads(message)["alarm"]["id"]
                times = arrivals.setdefault(alarm_id, [])
                times.append(now)
                if len(times) == expected:
                    out.write(f"DONE {alarm_id}\n")
                    out.flush()

    tasks = []
    for i, token in enumerate(tokens):
        tasks.append(asyncio.create_task(station(token)))
        if i % 50 == 49:
            await asyncio.sleep(0.05)  # do not storm the accept queue
    await ready.wait()
    out.write("READY\n")
    out.flush()
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.readline)
    out.write(json.dumps(arrivals) + "\n")
    out.flush()
    for task in tasks:
        task.cancel()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=2, metavar=("WS_URL", "TOKENS"))
    parser.add_argument("--stations", type=int, nargs="*", default=list(SIZES))
    args = parser.parse_args(argv)
    if args.child:
        asyncio.run(stations_main(*args.child))
        return 0
    for n in args.stations:
        print(json.dumps(run(n)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
