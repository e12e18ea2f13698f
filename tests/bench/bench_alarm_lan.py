"""Benchmark the LAN alarm path: one sender and N receiving LanBeacons in separate
processes, multicast on the loopback interface (TTL 1). Time from ``send()`` at the
sender to ``message_received`` at each receiver, on the shared monotonic clock.

Prints ``{"bench": "alarm_lan", "stations": N, "alarms": 100, "p50_ms": ..., "p99_ms": ...,
"path": "lan"}`` where p50/p99 are over alarms of the time until *every* station had it;
``receipt_p50_ms``/``receipt_p99_ms`` are over single (alarm, station) receipts.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QSocketNotifier, QTimer

from veiligbalie.net.lan import LanBeacon
from veiligbalie.protocol import lan
from veiligbalie.protocol.lan import LanMessage, MessageType

ROOT = Path(__file__).resolve().parents[2]
LOOPBACK = "127.0.0.1"  # benchmarks never send anywhere but the loopback interface
SITE = "bench-site"
ALARMS = 100
SPACING_MS = 20  # each alarm measured on its own, not queued behind the previous one
STATIONS = 20
PROCESSES = 2


def spin_until(condition: Callable[[], bool], timeout_s: float) -> bool:
    """Run the event loop until ``condition`` holds or the time is up.

    A nested QEventLoop, not a processEvents() loop: PySide6 6.12 on Python 3.11 drops a
    reference to None on every processEvents() call and aborts after a few thousand.
    """
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(2)
    poll.timeout.connect(lambda: condition() and loop.quit())
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    deadline.start(int(timeout_s * 1000))
    poll.start()
    loop.exec()
    poll.stop()
    deadline.stop()
    return condition()


def spin_for(seconds: float) -> None:
    spin_until(lambda: False, seconds)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def receiver(port: int, group: str, count: int) -> int:
    """K beacons in this process; on "dump" (stdin) print what arrived when, then exit."""
    app = QCoreApplication([])
    key = base64.b64decode(os.environ["VEILIGBALIE_LAN_KEY"])
    arrivals: list[tuple[str, int, int]] = []
    beacons = []
    for index in range(count):
        beacon = LanBeacon()

        def record(message: LanMessage, index: int = index) -> None:
            if message.message_type is MessageType.ALARM_RAISED:
                arrivals.append((str(message.alarm_id), index, time.monotonic_ns()))

        beacon.message_received.connect(record)
        if not beacon.configure(
            key, SITE, uuid.uuid4(), LOOPBACK, port, group, station_name=f"r{index}"
        ):
            print(json.dumps({"error": beacon.last_error}), flush=True)
            return 2
        beacons.append(beacon)

    def on_stdin() -> None:
        if os.read(sys.stdin.fileno(), 4096):
            print(json.dumps({"arrivals": arrivals}), flush=True)
        app.quit()

    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(on_stdin)
    app.exec()
    for beacon in beacons:
        beacon.close()
    return 0


def sender(stations: int, processes: int) -> int:
    app = QCoreApplication([])  # noqa: F841 - the event loop the beacon runs on
    key = lan.generate_key()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind((LOOPBACK, 0))
        port = probe.getsockname()[1]
    group = f"239.255.{random.randint(0, 255)}.{random.randint(1, 254)}"
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        QT_QPA_PLATFORM="offscreen",
        VEILIGBALIE_LAN_KEY=base64.b64encode(key).decode(),
    )
    per_process = [stations // processes + (i < stations % processes) for i in range(processes)]
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.bench.bench_alarm_lan", "--receiver"]
            + ["--port", str(port), "--group", group, "--count", str(count)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        for count in per_process
    ]
    beacon = LanBeacon()
    try:
        if not beacon.configure(key, SITE, uuid.uuid4(), LOOPBACK, port, group):
            print(f"sender beacon: {beacon.last_error}", file=sys.stderr)
            return 2
        if not spin_until(lambda: beacon.peer_count() == stations, 60):
            print(f"only {beacon.peer_count()} of {stations} stations came up", file=sys.stderr)
            return 2
        spin_for(0.3)  # let the start-up heartbeats settle

        sent_at: dict[str, int] = {}
        for _ in range(ALARMS):
            alarm_id = uuid.uuid4()
            body = {"kind": "silent", "location": "Publiekshal", "station_name": "Balie 1"}
            sent_at[str(alarm_id)] = time.monotonic_ns()
            beacon.send(MessageType.ALARM_RAISED, alarm_id, body)
            spin_for(SPACING_MS / 1000)
        spin_for(0.5)
    finally:
        beacon.close()
        outputs = [child.communicate("dump\n", timeout=30)[0] for child in children]

    arrivals: list[tuple[str, int, int]] = []
    for child_index, output in enumerate(outputs):
        for alarm, station, at in json.loads(output.strip().splitlines()[-1])["arrivals"]:
            arrivals.append((alarm, child_index * 1000 + station, at))
    receipts = [(at - sent_at[alarm]) / 1e6 for alarm, _, at in arrivals if alarm in sent_at]
    latest: dict[str, float] = {}
    reached: dict[str, int] = {}
    for alarm, _, at in arrivals:
        if alarm in sent_at:
            latest[alarm] = max(latest.get(alarm, 0.0), (at - sent_at[alarm]) / 1e6)
            reached[alarm] = reached.get(alarm, 0) + 1
    everyone = [latest[a] for a in sent_at if reached.get(a) == stations]
    print(
        json.dumps(
            {
                "bench": "alarm_lan",
                "stations": stations,
                "alarms": ALARMS,
                "p50_ms": round(percentile(everyone, 0.50), 3) if everyone else None,
                "p99_ms": round(percentile(everyone, 0.99), 3) if everyone else None,
                "path": "lan",
                "receipt_p50_ms": round(percentile(receipts, 0.50), 3),
                "receipt_p99_ms": round(percentile(receipts, 0.99), 3),
                "receiver_processes": processes,
                "missed_receipts": ALARMS * stations - len(receipts),
            }
        ),
        flush=True,
    )
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--receiver", action="store_true")
    parser.add_argument("--port", type=int)
    parser.add_argument("--group")
    parser.add_argument("--count", type=int, default=STATIONS)
    parser.add_argument("--stations", type=int, default=STATIONS)
    parser.add_argument("--processes", type=int, default=PROCESSES)
    options = parser.parse_args(argv)
    if options.receiver:
        return receiver(options.port, options.group, options.count)
    return sender(options.stations, options.processes)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
