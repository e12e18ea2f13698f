"""Soak: one real server process (uvicorn, SQLite) sends 1,000,000 alarm frames to 500
stations on the stream (2,000 alarms raised over the REST API, each to every station, one
after the other; the stations are the lean ones of bench_alarm_fanout in a process of their
own). After a warm-up (the first tenth of the alarms) it takes the server's RSS
(/proc/<pid>/statm) and its live Python objects (after a full collection, through
tests/bench/soak_server_host.py); at the end again. Target: RSS growth at most 10 % and no
steady growth in live objects. The RSS at every tenth of the alarms (``rss_mib_by_tenth``)
and its growth over the second half tell a leak (climbing to the end) from a cache filling
up (levelling off), as in bench_soak_client.

``VB_SOAK_SCALE`` scales the number of alarms (0.01 for a quick run); ``VB_SOAK_STATIONS``
the stations (500).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from tests.bench.bench_alarm_fanout import CONNECT_SECONDS, BenchFailure, Child, seed
from tests.bench.soak import SCALE, RssByTenth, print_growth, rss_kib
from tests.support.net import free_tcp_port
from tests.support.server import ROOT
from tests.support.waiting import wait_until
from veiligbalie.server.store import ServerStore

STATIONS = int(os.environ.get("VB_SOAK_STATIONS", "500"))
ALARMS = max(20, int(1_000_000 * SCALE) // STATIONS)
WARM_UP = 0.1
ALARM_SECONDS = 30.0


def objects(proc: subprocess.Popen[bytes], probe: Path) -> int:
    probe.unlink(missing_ok=True)
    proc.send_signal(signal.SIGUSR1)
    wait_until(probe.exists, 30, what="the server's object count")
    found = json.loads(probe.read_text())
    _types.append(found.get("types", {}))
    return int(found["objects"])


#: VB_SOAK_TYPES=1: the server's object types at each probe (the growth goes to stderr).
_types: list[dict[str, int]] = []


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="vb-soak-server-") as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'server.sqlite3'}"
        store = ServerStore(url)
        sender, tokens = seed(store, STATIONS)
        store.close()
        port = free_tcp_port()
        probe = folder / "objects.json"
        env = dict(
            os.environ,
            PYTHONPATH=str(ROOT),
            VEILIGBALIE_SERVER_DATA_DIR=str(folder / "data"),
            VEILIGBALIE_SERVER_PING_SECONDS="300",
            VB_SOAK_PROBE_FILE=str(probe),
        )
        cmd = [
            sys.executable, "-m", "tests.bench.soak_server_host", "serve",
            "--host", "127.0.0.1", "--port", str(port), "--database", url,
        ]  # fmt: skip
        with open(folder / "server.log", "ab") as log:
            server = subprocess.Popen(cmd, stdout=log, stderr=log, env=env, cwd=ROOT)
        token_file = folder / "tokens.json"
        token_file.write_text(json.dumps(tokens))
        child: Child | None = None
        try:

            def healthy() -> bool:
                if server.poll() is not None:
                    raise BenchFailure((folder / "server.log").read_text()[-2000:])
                try:
                    return httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200
                except httpx.HTTPError:
                    return False

            wait_until(healthy, 30, what="/healthz")
            child = Child("127.0.0.1", port, token_file)
            if child.line(CONNECT_SECONDS) != f"READY {STATIONS}":
                raise BenchFailure("stations did not all connect")
            baseline: tuple[int, int] | None = None
            warm = int(ALARMS * WARM_UP)
            tenths = RssByTenth(ALARMS, server.pid)
            started = time.perf_counter()
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
                headers = {"Authorization": f"Bearer {sender}"}
                for i in range(ALARMS):
                    tenths.at(i)
                    if i == warm:
                        baseline = (rss_kib(server.pid), objects(server, probe))
                    alarm_id = str(uuid.uuid4())
                    r = http.post(
                        "/api/v1/alarms", json={"id": alarm_id, "test": True}, headers=headers
                    )
                    r.raise_for_status()
                    done = child.line(ALARM_SECONDS)
                    if done != f"DONE {alarm_id}":
                        raise BenchFailure(f"unexpected from stations: {done!r}")
            seconds = time.perf_counter() - started
            time.sleep(1.0)  # what the server still does after the last frame
            rss_end, objects_end = rss_kib(server.pid), objects(server, probe)
        finally:
            if child is not None:
                child.stop()
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    assert baseline is not None
    if len(_types) == 2 and _types[0]:
        grown = {k: v - _types[0].get(k, 0) for k, v in _types[1].items()}
        top = sorted(grown.items(), key=lambda kv: -kv[1])[:15]
        print(json.dumps(dict(top)), file=sys.stderr)
    rss_start, objects_start = baseline
    figures = {
        "stations": STATIONS,
        "alarms": ALARMS,
        "frames": ALARMS * STATIONS,
        **tenths.figures(rss_end),
    }
    print_growth(
        "soak_server", figures, seconds, (rss_start, rss_end), (objects_start, objects_end)
    )


if __name__ == "__main__":
    main()
