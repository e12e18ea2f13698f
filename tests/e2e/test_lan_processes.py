"""Three real station processes alarm each other over the signed LAN beacon (multicast on
the loopback interface, TTL 1), with no server at all; packets replayed or forged by the
test are ignored by every station."""

from __future__ import annotations

import base64
import socket
import struct
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.net import LOOPBACK, free_udp_port, random_group
from tests.support.processes import JsonLinesProcess
from tests.support.waiting import wait_until
from veiligbalie.protocol import lan
from veiligbalie.protocol.lan import MessageType

pytestmark = pytest.mark.e2e

DRIVER = Path(__file__).resolve().parent / "drivers" / "lan_station.py"
KEY = lan.generate_key()
SITE = "e2e-site"


class StationProcess(JsonLinesProcess):
    """One lan_station.py process."""

    def __init__(self, name: str, port: int, group: str) -> None:
        super().__init__(
            name,
            DRIVER,
            ["--port", str(port), "--group", group, "--site", SITE, "--name", name],
            env={"VEILIGBALIE_LAN_KEY": base64.b64encode(KEY).decode()},
        )

    def received(self, alarm_id: str, message_type: str | None = None) -> list[dict[str, Any]]:
        return [
            e
            for e in self.snapshot()
            if e["event"] == "received"
            and e["alarm_id"] == alarm_id
            and (message_type is None or e["type"] == message_type)
        ]

    def rejections(self, reason: str) -> int:
        return sum(1 for e in self.snapshot() if e == {"event": "rejected", "reason": reason})


@pytest.fixture
def lan_setup() -> Iterator[tuple[int, str, list[socket.socket]]]:
    sockets: list[socket.socket] = []
    yield free_udp_port(), random_group(), sockets
    for sock in sockets:
        sock.close()


def test_three_stations_alarm_each_other_without_a_server(lan_setup) -> None:  # noqa: ANN001
    port, group, sockets = lan_setup
    # A tap on the same loopback group, to capture a real packet for the replay.
    tap = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sockets.append(tap)
    tap.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tap.bind(("", port))
    tap.setsockopt(
        socket.IPPROTO_IP,
        socket.IP_ADD_MEMBERSHIP,
        struct.pack("4s4s", socket.inet_aton(group), socket.inet_aton(LOOPBACK)),
    )
    tap.settimeout(0.05)
    # The injector multicasts only through loopback with TTL 1.
    injector = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sockets.append(injector)
    injector.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(LOOPBACK))
    injector.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)

    stations = [StationProcess(f"Balie {n}", port, group) for n in (1, 2, 3)]
    try:
        sender, first, second = stations
        for station in stations:
            wait_until(
                lambda s=station: any(e["event"] == "ready" for e in s.snapshot()),
                20,
                what=f"{station.name} to start",
            )
        for station in stations:
            wait_until(
                lambda s=station: (
                    [e for e in s.snapshot() if e["event"] == "peers"][-1:]
                    == [{"event": "peers", "count": 2}]
                ),
                10,
                what=f"{station.name} to see both peers",
            )

        alarm_id = str(uuid.uuid4())
        pressed = time.monotonic()
        sender.command(f"raise {alarm_id} open medical")
        for station in (first, second):
            wait_until(
                lambda s=station: bool(s.received(alarm_id)), 2, what=f"{station.name} alarm"
            )
            (event,) = station.received(alarm_id)
            assert event["type"] == "alarm.raised"
            assert event["body"]["type"] == "medical" and event["body"]["kind"] == "open"
            assert event["body"]["location"] == "Balie 1, publiekshal"
            assert event["address"] == LOOPBACK
            latency = station.arrival_of(lambda e: e.get("alarm_id") == alarm_id) - pressed
            assert latency < 2.0
        assert sender.received(alarm_id) == []  # its own alarm is not shown back to it

        # Capture the sender's first copy of the alarm as it crossed the wire.
        captured: bytes | None = None
        deadline = time.monotonic() + 2
        while captured is None and time.monotonic() < deadline:
            try:
                packet = tap.recv(65535)
            except TimeoutError:
                continue
            decoded = lan.decode(packet, KEY, lan.wall_clock_ms(), site_id=SITE)
            if str(decoded.alarm_id) == alarm_id and decoded.copy == 0:
                captured = packet
        assert captured is not None

        forged_id = uuid.uuid4()
        forged = lan.encode(
            lan.new_message(
                SITE, uuid.uuid4(), MessageType.ALARM_RAISED, forged_id, {"location": "Vals"}
            ),
            lan.generate_key(),
        )
        injector.sendto(captured, (group, port))
        injector.sendto(forged, (group, port))
        for station in stations:
            wait_until(
                lambda s=station: (
                    s.rejections("replayed") >= 1 and s.rejections("bad_signature") >= 1
                ),
                3,
                what=f"{station.name} to drop the injected packets",
            )

        # The alarm goes on normally: acknowledged back to the sender, then resolved.
        second.command(f"ack {alarm_id} Jeroen de Vries")
        wait_until(lambda: bool(sender.received(alarm_id, "alarm.acknowledged")), 2, what="ack")
        (ack,) = sender.received(alarm_id, "alarm.acknowledged")
        assert ack["body"]["responder_name"] == "Jeroen de Vries"
        sender.command(f"resolve {alarm_id}")
        for station in (first, second):
            wait_until(
                lambda s=station: bool(s.received(alarm_id, "alarm.resolved")), 2, what="resolved"
            )

        for station in (first, second):
            assert len(station.received(alarm_id, "alarm.raised")) == 1  # replay not shown
            assert station.received(str(forged_id)) == []  # forgery not shown
    finally:
        codes = [station.stop() for station in stations]
    assert codes == [0, 0, 0]
