"""Three real station processes, each running the real AlarmService with its own data folder
and database, alarm each other over the signed LAN beacon with no server: raise -> the others
receive within seconds -> acknowledge -> the sender sees it -> resolve clears everywhere; a
station started late still receives the open alarm. Multicast on the loopback interface only
(TTL 1), random port and group."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.net import free_udp_port, random_group
from tests.support.processes import JsonLinesProcess
from tests.support.waiting import wait_until
from veiligbalie.protocol import lan

pytestmark = pytest.mark.e2e

DRIVER = Path(__file__).resolve().parent / "drivers" / "alarm_station.py"
KEY = lan.generate_key()


class StationProcess(JsonLinesProcess):
    """One alarm_station.py process."""

    def __init__(self, name: str, folder: Path, port: int, group: str) -> None:
        super().__init__(
            name,
            DRIVER,
            ["--data-dir", str(folder), "--name", name, "--port", str(port), "--group", group]
            + ["--heartbeat-ms", "500", "--announce-ms", "1000"],
            env={"VEILIGBALIE_LAN_KEY": base64.b64encode(KEY).decode()},
        )


@pytest.fixture
def lan_site(tmp_path: Path) -> Iterator[Callable[[str], StationProcess]]:
    port = free_udp_port()
    group = random_group()
    started: list[StationProcess] = []

    def start(name: str) -> StationProcess:
        station = StationProcess(name, tmp_path / name.replace(" ", "_"), port, group)
        started.append(station)
        wait_until(lambda: bool(station.find("ready")), 20, what=f"{name} to start")
        return station

    yield start
    for station in started:
        station.stop()


def test_three_stations_raise_ack_resolve_and_a_late_station(lan_site) -> None:  # noqa: ANN001
    sender, first, second = (lan_site(f"Balie {n}") for n in (1, 2, 3))
    for station in (sender, first, second):
        wait_until(
            lambda s=station: s.find("reachable", count=2) != [], 10, what=f"{station.name} peers"
        )

    pressed = time.monotonic()
    sender.command("raise silent aggression")
    wait_until(lambda: bool(sender.find("sent", command="raise")), 5, what="the raise")
    alarm_id = sender.find("sent", command="raise")[0]["alarm_id"]
    for station in (first, second):
        wait_until(
            lambda s=station: bool(s.find("raised", alarm_id=alarm_id)), 3, what=f"{station.name}"
        )
        (raised,) = station.find("raised", alarm_id=alarm_id)  # de-duplicated: once
        assert raised["mine"] is False and raised["station"] == "Balie 1"
        assert raised["location"] == "Balie 1, publiekshal"
        assert station.first_time("raised", alarm_id=alarm_id) - pressed < 2.0

    first.command(f"ack {alarm_id}")
    wait_until(
        lambda: bool(sender.find("updated", alarm_id=alarm_id, responding=1)),
        3,
        what="ack at sender",
    )
    (update,) = sender.find("updated", alarm_id=alarm_id, responding=1)
    assert update["responders"] == ["Collega Balie 2"] and update["state"] == "acknowledged"

    late = lan_site("Balie 4")
    wait_until(lambda: bool(late.find("raised", alarm_id=alarm_id)), 5, what="the late station")
    wait_until(
        lambda: bool(late.find("updated", alarm_id=alarm_id, responding=1)), 5, what="late sees ack"
    )

    assert len(late.find("raised", alarm_id=alarm_id)) == 1  # re-announced, shown once

    second.command(f"resolve {alarm_id}")
    for station in (sender, first, late):
        wait_until(
            lambda s=station: bool(s.find("closed", alarm_id=alarm_id, state="resolved")),
            3,
            what=f"{station.name} to clear",
        )
    for station in (sender, first, second, late):
        station.command("status")
    for station in (sender, first, second, late):
        wait_until(lambda s=station: bool(s.find("status")), 3, what="status")
        assert station.find("status")[-1]["open"] == []
