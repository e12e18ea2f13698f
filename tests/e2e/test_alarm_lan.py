"""Three real station processes, each running the real AlarmService with its own data folder
and database, alarm each other over the signed LAN beacon with no server: raise -> the others
receive within seconds -> acknowledge -> the sender sees it -> resolve clears everywhere; a
station started late still receives the open alarm. Multicast on the loopback interface only
(TTL 1), random port and group."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.net import free_udp_port, random_group
from veiligbalie.protocol import lan

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).resolve().parent / "drivers" / "alarm_station.py"
KEY = lan.generate_key()


class StationProcess:
    """One alarm_station.py process; its stdout lines are collected by a reader thread."""

    def __init__(self, name: str, folder: Path, port: int, group: str) -> None:
        self.name = name
        env = dict(
            os.environ,
            PYTHONPATH=str(ROOT),
            QT_QPA_PLATFORM="offscreen",
            VEILIGBALIE_LAN_KEY=base64.b64encode(KEY).decode(),
        )
        self.proc = subprocess.Popen(
            [sys.executable, str(DRIVER), "--data-dir", str(folder), "--name", name]
            + ["--port", str(port), "--group", group, "--heartbeat-ms", "500"]
            + ["--announce-ms", "1000"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        self.events: list[dict[str, Any]] = []
        self.times: list[float] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._lock:
                self.events.append(json.loads(line))
                self.times.append(time.monotonic())

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.events)

    def find(self, event: str, **fields: object) -> list[dict[str, Any]]:
        return [
            e
            for e in self.snapshot()
            if e["event"] == event and all(e.get(k) == v for k, v in fields.items())
        ]

    def first_time(self, event: str, **fields: object) -> float:
        with self._lock:
            pairs = list(zip(self.events, self.times, strict=True))
        return next(
            t
            for e, t in pairs
            if e["event"] == event and all(e.get(k) == v for k, v in fields.items())
        )

    def command(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                self.command("quit")
                self.proc.wait(timeout=5)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait(timeout=5)


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def lan_site(tmp_path: Path) -> Iterator[Callable[[str], StationProcess]]:
    port = free_udp_port()
    group = random_group()
    started: list[StationProcess] = []

    def start(name: str) -> StationProcess:
        station = StationProcess(name, tmp_path / name.replace(" ", "_"), port, group)
        started.append(station)
        wait_for(lambda: bool(station.find("ready")), 20, f"{name} to start")
        return station

    yield start
    for station in started:
        station.stop()


def test_three_stations_raise_ack_resolve_and_a_late_station(lan_site) -> None:  # noqa: ANN001
    sender, first, second = (lan_site(f"Balie {n}") for n in (1, 2, 3))
    for station in (sender, first, second):
        wait_for(lambda s=station: s.find("reachable", count=2) != [], 10, f"{station.name} peers")

    pressed = time.monotonic()
    sender.command("raise silent aggression")
    wait_for(lambda: bool(sender.find("sent", command="raise")), 5, "the raise")
    alarm_id = sender.find("sent", command="raise")[0]["alarm_id"]
    for station in (first, second):
        wait_for(lambda s=station: bool(s.find("raised", alarm_id=alarm_id)), 3, f"{station.name}")
        (raised,) = station.find("raised", alarm_id=alarm_id)  # de-duplicated: once
        assert raised["mine"] is False and raised["station"] == "Balie 1"
        assert raised["location"] == "Balie 1, publiekshal"
        assert station.first_time("raised", alarm_id=alarm_id) - pressed < 2.0

    first.command(f"ack {alarm_id}")
    wait_for(
        lambda: bool(sender.find("updated", alarm_id=alarm_id, responding=1)), 3, "ack at sender"
    )
    (update,) = sender.find("updated", alarm_id=alarm_id, responding=1)
    assert update["responders"] == ["Collega Balie 2"] and update["state"] == "acknowledged"

    late = lan_site("Balie 4")
    wait_for(lambda: bool(late.find("raised", alarm_id=alarm_id)), 5, "the late station")
    wait_for(
        lambda: bool(late.find("updated", alarm_id=alarm_id, responding=1)), 5, "late sees ack"
    )

    assert len(late.find("raised", alarm_id=alarm_id)) == 1  # re-announced, shown once

    second.command(f"resolve {alarm_id}")
    for station in (sender, first, late):
        wait_for(
            lambda s=station: bool(s.find("closed", alarm_id=alarm_id, state="resolved")),
            3,
            f"{station.name} to clear",
        )
    for station in (sender, first, second, late):
        station.command("status")
    for station in (sender, first, second, late):
        wait_for(lambda s=station: bool(s.find("status")), 3, "status")
        assert station.find("status")[-1]["open"] == []
