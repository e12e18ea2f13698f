"""Benchmark the LAN alarm path: one sender and N receiving LanBeacons in separate
processes, multicast on the loopback interface (TTL 1). Time from ``send()`` at the
sender to ``message_received`` at each receiver, on the shared monotonic clock.

Prints ``{"bench": "alarm_lan", "stations": N, "alarms": 100, "p50_ms": ..., "p99_ms": ...,
"path": "lan"}`` where p50/p99 are over alarms of the time until *every* station had it;
``receipt_p50_ms``/``receipt_p99_ms`` are over single (alarm, station) receipts.

Every process freezes what its set-up made out of the garbage collector, as the app does
once its services are up; the floor is measured in those same processes: bare multicast
datagrams of the same size from a plain socket to plain sockets (no Qt network, no crypto),
sent in turn with the alarms (alarm, floor datagram, alarm, ...), each 20 ms apart.
"""

from __future__ import annotations

import argparse
import base64
import gc
import json
import os
import random
import socket
import struct
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
ALARMS = 300  # p99 is then the 3rd-worst alarm, not the one-but-worst of 100
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

    gc.freeze()  # as the app does once its services are up (veiligbalie/app.py)
    floor: list[tuple[str, int, int]] = []
    sockets: list[socket.socket] = []
    notifiers: list[QSocketNotifier] = []
    pending = b""

    def open_floor(port: int, group: str) -> None:
        """K bare multicast sockets (no Qt network, no decoding): the floor's receivers."""
        for index in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((group, port))
            membership = struct.pack("4s4s", socket.inet_aton(group), socket.inet_aton(LOOPBACK))
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)
            sock.setblocking(False)

            def readable(sock: socket.socket = sock, index: int = index) -> None:
                while True:
                    try:
                        data = sock.recv(65536)
                    except BlockingIOError:
                        return
                    floor.append((str(uuid.UUID(bytes=data[:16])), index, time.monotonic_ns()))

            notifier = QSocketNotifier(sock.fileno(), QSocketNotifier.Type.Read)
            notifier.activated.connect(lambda *_, readable=readable: readable())
            sockets.append(sock)
            notifiers.append(notifier)

    def on_stdin() -> None:
        nonlocal pending
        data = os.read(sys.stdin.fileno(), 4096)
        if not data:
            app.quit()
            return
        pending += data
        while b"\n" in pending:
            line, _, pending = pending.partition(b"\n")
            words = line.decode().split()
            if words and words[0] == "floor":
                open_floor(int(words[1]), words[2])
                print(json.dumps({"floor": len(sockets)}), flush=True)
            elif words and words[0] == "dump":
                print(json.dumps({"arrivals": arrivals, "floor": floor}), flush=True)
                app.quit()
                return

    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(on_stdin)
    app.exec()
    for sock in sockets:
        sock.close()
    for beacon in beacons:
        beacon.close()
    return 0


def packet_size(key: bytes) -> int:
    """The bytes of the benchmark's alarm as the beacon sends it."""
    body = {"kind": "silent", "location": "Publiekshal", "station_name": "Balie 1"}
    message = lan.new_message(SITE, uuid.uuid4(), MessageType.ALARM_RAISED, uuid.uuid4(), body)
    return len(lan.encode_fitting(message, key))


def open_floor(children: list[subprocess.Popen[str]]) -> tuple[str, int]:
    """Have every receiver process open its bare floor sockets; the floor's (group, port)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind((LOOPBACK, 0))
        port = probe.getsockname()[1]
    group = f"239.255.{random.randint(0, 255)}.{random.randint(1, 254)}"
    for child in children:
        assert child.stdin is not None
        child.stdin.write(f"floor {port} {group}\n")
        child.stdin.flush()
    for child in children:
        assert child.stdout is not None
        json.loads(child.stdout.readline())
    return group, port


def floor_socket() -> socket.socket:
    """A plain multicast sender on the loopback interface, TTL 1: the floor's sender."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(LOOPBACK))
    return sock


def figures(
    sent_at: dict[str, int], arrivals: list[tuple[str, int, int]], stations: int
) -> tuple[list[float], list[float]]:
    """(time until every station had each alarm, every single receipt), in ms."""
    receipts = [(at - sent_at[alarm]) / 1e6 for alarm, _, at in arrivals if alarm in sent_at]
    latest: dict[str, float] = {}
    reached: dict[str, int] = {}
    for alarm, _, at in arrivals:
        if alarm in sent_at:
            latest[alarm] = max(latest.get(alarm, 0.0), (at - sent_at[alarm]) / 1e6)
            reached[alarm] = reached.get(alarm, 0) + 1
    return [latest[a] for a in sent_at if reached.get(a) == stations], receipts


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
        gc.freeze()  # as the app does once its services are up (veiligbalie/app.py)
        spin_for(0.3)  # let the start-up heartbeats settle

        # The alarms and the floor's datagrams take turns, so both meet the same moments of
        # the machine (a burst of other work, a slower stretch) rather than one phase each.
        floor_group, floor_port = open_floor(children)
        floor_padding = bytes(max(0, packet_size(key) - 16))
        sent_at: dict[str, int] = {}
        floor_sent: dict[str, int] = {}
        with floor_socket() as floor:
            for _ in range(ALARMS):
                alarm_id = uuid.uuid4()
                body = {"kind": "silent", "location": "Publiekshal", "station_name": "Balie 1"}
                sent_at[str(alarm_id)] = time.monotonic_ns()
                beacon.send(MessageType.ALARM_RAISED, alarm_id, body)
                spin_for(SPACING_MS / 1000)
                floor_id = uuid.uuid4()
                data = floor_id.bytes + floor_padding
                floor_sent[str(floor_id)] = time.monotonic_ns()
                floor.sendto(data, (floor_group, floor_port))
                spin_for(SPACING_MS / 1000)
        spin_for(0.5)
    finally:
        beacon.close()
        outputs = [child.communicate("dump\n", timeout=30)[0] for child in children]

    arrivals: list[tuple[str, int, int]] = []
    floor_arrivals: list[tuple[str, int, int]] = []
    for child_index, output in enumerate(outputs):
        dumped = json.loads(output.strip().splitlines()[-1])
        for alarm, station, at in dumped["arrivals"]:
            arrivals.append((alarm, child_index * 1000 + station, at))
        for alarm, station, at in dumped["floor"]:
            floor_arrivals.append((alarm, child_index * 1000 + station, at))
    everyone, receipts = figures(sent_at, arrivals, stations)
    floor_everyone, floor_receipts = figures(floor_sent, floor_arrivals, stations)
    ratio = None
    if everyone and floor_everyone:
        ratio = round(percentile(everyone, 0.99) / percentile(floor_everyone, 0.99), 2)
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
                "floor_p50_ms": round(percentile(floor_everyone, 0.50), 3),
                "floor_p99_ms": round(percentile(floor_everyone, 0.99), 3),
                "floor_receipt_p99_ms": round(percentile(floor_receipts, 0.99), 3),
                "ratio_p99": ratio,
                "packet_bytes": packet_size(key),
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
