"""LanBeacon on a real Qt event loop: several beacons in one process talk over multicast
on the loopback interface (TTL 1, a random port and group per test); bad packets are
injected from a plain Python socket on the same loopback group."""

from __future__ import annotations

import logging
import socket
import struct
import uuid
from collections.abc import Iterator

import pytest

from tests.support.net import LOOPBACK, free_udp_port, random_group
from veiligbalie.net.lan import LanBeacon, find_interface
from veiligbalie.protocol import lan
from veiligbalie.protocol.lan import MessageType

KEY = bytes(range(32))
SITE = "gemeente-zuid"


def raw_sender() -> socket.socket:
    """A plain socket that multicasts only through the loopback interface, TTL 1."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(LOOPBACK))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
    return sock


def raw_listener(group: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("", port))
    membership = struct.pack("4s4s", socket.inet_aton(group), socket.inet_aton(LOOPBACK))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)
    sock.setblocking(False)
    return sock


def drain(sock: socket.socket) -> list[bytes]:
    packets = []
    while True:
        try:
            packets.append(sock.recv(65535))
        except BlockingIOError:
            return packets


class Lan:
    """One test's private LAN: a port and a group on the loopback interface."""

    def __init__(self) -> None:
        self.port = free_udp_port()
        self.group = random_group()
        self.beacons: list[LanBeacon] = []
        self.sockets: list[socket.socket] = []
        self.sender: socket.socket | None = None

    def station(self, name: str, key: bytes = KEY, **options: int) -> LanBeacon:
        beacon = LanBeacon(**options)
        beacon.received = []  # type: ignore[attr-defined]
        beacon.reasons = []  # type: ignore[attr-defined]
        beacon.message_received.connect(beacon.received.append)  # type: ignore[attr-defined]
        beacon.rejected.connect(beacon.reasons.append)  # type: ignore[attr-defined]
        configured = beacon.configure(
            key,
            SITE,
            uuid.uuid4(),
            LOOPBACK,
            self.port,
            self.group,
            station_name=name,
            location=f"{name}, begane grond",
        )
        assert configured, beacon.last_error
        self.beacons.append(beacon)
        return beacon

    def inject(self, data: bytes) -> None:
        if self.sender is None:
            self.sender = raw_sender()
            self.sockets.append(self.sender)
        self.sender.sendto(data, (self.group, self.port))

    def listener(self) -> socket.socket:
        sock = raw_listener(self.group, self.port)
        self.sockets.append(sock)
        return sock

    def close(self) -> None:
        for beacon in self.beacons:
            beacon.close()
        for sock in self.sockets:
            sock.close()


@pytest.fixture
def net() -> Iterator[Lan]:
    network = Lan()
    yield network
    network.close()


def meet(qtbot, *beacons: LanBeacon) -> None:  # noqa: ANN001 - pytest-qt fixture
    qtbot.waitUntil(lambda: all(b.peer_count() == len(beacons) - 1 for b in beacons), timeout=3000)


def forge(message_type: MessageType = MessageType.ALARM_RAISED, **changes: object) -> bytes:
    key = changes.pop("key", KEY)
    message = lan.new_message(
        str(changes.pop("site", SITE)),
        uuid.uuid4(),
        message_type,
        uuid.uuid4(),
        {"location": "Nergens"},
        timestamp_ms=int(changes.pop("timestamp_ms", lan.wall_clock_ms())),  # type: ignore[arg-type]
    )
    return lan.encode(message, key)  # type: ignore[arg-type]


# -- Delivery ----------------------------------------------------------------------------------


def test_loopback_interface_is_found_by_name_and_address() -> None:
    by_address = find_interface(LOOPBACK)
    assert by_address is not None
    by_name = find_interface(by_address.name())
    assert by_name is not None and by_name.name() == by_address.name()
    assert find_interface("") is None
    assert find_interface("no-such-if0") is None
    assert find_interface("203.0.113.77") is None


def test_three_stations_see_each_other_and_an_alarm_reaches_the_others(qtbot, net: Lan) -> None:
    sender, first, second = net.station("Balie 1"), net.station("Balie 2"), net.station("Balie 3")
    meet(qtbot, sender, first, second)
    assert {p.name for p in sender.peers()} == {"Balie 2", "Balie 3"}
    peer = next(p for p in sender.peers() if p.name == "Balie 2")
    assert peer.location == "Balie 2, begane grond" and peer.address == LOOPBACK

    alarm_id = uuid.uuid4()
    with qtbot.waitSignals([first.message_received, second.message_received], timeout=2000):
        assert sender.send(
            MessageType.ALARM_RAISED,
            alarm_id,
            {"kind": "open", "type": "medical", "location": "Publiekshal", "station_name": "B1"},
        )
    for station in (first, second):
        (message,) = station.received
        assert message.alarm_id == alarm_id
        assert message.message_type is MessageType.ALARM_RAISED
        assert message.body.location == "Publiekshal"
        assert message.body.alarm_type.value == "medical"
        # It went through the loopback interface, nowhere else.
        assert message.sender_address == LOOPBACK


def test_the_second_copy_is_received_but_emitted_only_once(qtbot, net: Lan) -> None:
    sender, receiver = net.station("Balie 1"), net.station("Balie 2")
    meet(qtbot, sender, receiver)
    sender.send(MessageType.ALARM_RAISED, uuid.uuid4(), {"location": "Hal"})
    qtbot.waitUntil(lambda: receiver.stats["duplicate"] == 1, timeout=2000)
    qtbot.wait(50)
    assert len(receiver.received) == 1
    assert receiver.stats["emitted"] == 1
    # The sender hears its own copies back over loopback and ignores them.
    assert sender.received == [] and sender.stats["own"] >= 2


def test_acknowledgement_travels_back_to_the_sender(qtbot, net: Lan) -> None:
    sender, responder = net.station("Balie 1"), net.station("Beveiliging")
    meet(qtbot, sender, responder)
    alarm_id = uuid.uuid4()
    with qtbot.waitSignal(responder.message_received, timeout=2000):
        sender.send(MessageType.ALARM_RAISED, alarm_id, {"location": "Hal"})
    with qtbot.waitSignal(sender.message_received, timeout=2000) as blocker:
        responder.send(
            MessageType.ALARM_ACKNOWLEDGED,
            alarm_id,
            {"responder_name": "Jeroen", "station_name": "Beveiliging"},
        )
    ack = blocker.args[0]
    assert ack.message_type is MessageType.ALARM_ACKNOWLEDGED
    assert ack.alarm_id == alarm_id and ack.body.responder_name == "Jeroen"
    assert ack.sender_id == responder._station_id


def test_heartbeats_are_not_emitted_as_messages(qtbot, net: Lan) -> None:
    first, second = net.station("Balie 1", heartbeat_interval_ms=50), net.station("Balie 2")
    meet(qtbot, first, second)
    qtbot.waitUntil(lambda: first.stats["heartbeats"] >= 4, timeout=2000)
    assert second.received == [] and second.reasons == []


def test_a_silent_peer_expires(qtbot, net: Lan) -> None:
    watcher = net.station("Balie 1", peer_timeout_ms=300)
    leaving = net.station("Balie 2")
    meet(qtbot, watcher, leaving)
    with qtbot.waitSignal(watcher.peers_changed, timeout=2000) as blocker:
        leaving.close()
    assert blocker.args == [0]
    assert watcher.peers() == [] and not watcher.is_connected()


def test_a_station_of_another_site_key_is_not_a_peer(qtbot, net: Lan) -> None:
    ours = net.station("Balie 1")
    with qtbot.waitSignal(ours.rejected, timeout=2000) as blocker:
        net.station("Elders", key=bytes(32))
    assert blocker.args == ["bad_signature"]
    assert ours.peer_count() == 0


# -- Bad packets -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (lambda: forge(key=bytes(32)), "bad_signature"),
        (lambda: b"VBL1" + b"\x00" * 1400, "oversized"),
        (lambda: b"hello, is this the alarm?", "malformed"),
        (lambda: forge(timestamp_ms=lan.wall_clock_ms() - 120_000), "stale"),
        (lambda: forge(site="gemeente-noord"), "wrong_site"),
    ],
    ids=["forged", "oversized", "malformed", "stale", "wrong-site"],
)
def test_bad_packets_are_dropped_counted_and_logged(
    qtbot, net: Lan, caplog: pytest.LogCaptureFixture, data, reason: str
) -> None:
    station = net.station("Balie 2")
    caplog.set_level(logging.WARNING, logger="veiligbalie.net.lan")
    with qtbot.waitSignal(station.rejected, timeout=2000) as blocker:
        net.inject(data())
    assert blocker.args == [reason]
    assert station.stats[reason] == 1
    qtbot.wait(50)
    assert station.received == []
    (record,) = [r for r in caplog.records if r.name == "veiligbalie.net.lan"]
    assert record.levelno == logging.WARNING
    assert reason in record.getMessage() and LOOPBACK in record.getMessage()
    assert "Nergens" not in record.getMessage()  # the body is never logged


def test_a_captured_packet_sent_again_is_dropped_as_replayed(
    qtbot, net: Lan, caplog: pytest.LogCaptureFixture
) -> None:
    sender, receiver = net.station("Balie 1"), net.station("Balie 2")
    meet(qtbot, sender, receiver)
    tap = net.listener()
    alarm_id = uuid.uuid4()
    with qtbot.waitSignal(receiver.message_received, timeout=2000):
        sender.send(MessageType.ALARM_RAISED, alarm_id, {"location": "Hal"})
    captured: list[bytes] = []

    def alarm_captured() -> bool:
        captured.extend(drain(tap))
        return any(len(p) > 120 and alarm_id.bytes in p for p in captured)

    qtbot.waitUntil(alarm_captured, timeout=2000)
    first_copy = next(p for p in captured if alarm_id.bytes in p)
    caplog.set_level(logging.WARNING, logger="veiligbalie.net.lan")
    with qtbot.waitSignal(receiver.rejected, timeout=2000) as blocker:
        net.inject(first_copy)
    assert blocker.args == ["replayed"]
    qtbot.wait(50)
    assert len(receiver.received) == 1
    assert any("replayed" in r.getMessage() for r in caplog.records)


def test_a_flood_of_garbage_is_counted_but_logged_sparingly(
    qtbot, net: Lan, caplog: pytest.LogCaptureFixture
) -> None:
    station = net.station("Balie 2")
    caplog.set_level(logging.WARNING, logger="veiligbalie.net.lan")
    for index in range(60):
        net.inject(b"junk %d" % index)
    qtbot.waitUntil(lambda: station.stats["malformed"] == 60, timeout=3000)
    warnings = [r for r in caplog.records if r.name == "veiligbalie.net.lan"]
    assert len(warnings) == 20
    assert len(station.reasons) == 60 and station.received == []


# -- Silence until configured ------------------------------------------------------------------


def test_nothing_is_sent_until_key_and_interface_are_configured(qtbot, net: Lan) -> None:
    tap = net.listener()
    beacon = LanBeacon(heartbeat_interval_ms=20)
    net.beacons.append(beacon)
    assert not beacon.is_active()
    assert beacon.send(MessageType.ALARM_RAISED, uuid.uuid4(), {"location": "Hal"}) is False

    with pytest.raises(ValueError, match="32 bytes"):
        beacon.configure(b"", SITE, uuid.uuid4(), LOOPBACK, net.port, net.group)
    with pytest.raises(ValueError, match="multicast"):
        beacon.configure(KEY, SITE, uuid.uuid4(), LOOPBACK, net.port, "10.1.2.3")
    assert beacon.configure(KEY, SITE, uuid.uuid4(), "", net.port, net.group) is False
    assert "not found" in beacon.last_error
    assert beacon.configure(KEY, SITE, uuid.uuid4(), "no-such-if0", net.port, net.group) is False
    assert beacon.send(MessageType.ALARM_RAISED, uuid.uuid4(), {"location": "Hal"}) is False
    qtbot.wait(300)
    assert drain(tap) == []
    assert beacon.stats["sent"] == 0

    # The listener does hear the beacon once it is configured (so the silence above is real).
    assert beacon.configure(KEY, SITE, uuid.uuid4(), LOOPBACK, net.port, net.group)
    heard: list[bytes] = []
    qtbot.waitUntil(lambda: bool(heard.extend(drain(tap)) or heard), timeout=2000)
    message = lan.decode(heard[0], KEY, lan.wall_clock_ms(), site_id=SITE)
    assert message.message_type is MessageType.HEARTBEAT

    beacon.close()
    assert not beacon.is_active()
    assert beacon.send(MessageType.ALARM_RAISED, uuid.uuid4(), {"location": "Hal"}) is False


def test_a_long_flood_of_bad_packets_does_not_bring_the_station_down(qtbot, net: Lan) -> None:
    # Each bad packet emits ``rejected``; on PySide6 6.12 with Python 3.11 every emit used to
    # drop a reference to True, so a few thousand packets aborted the whole process.
    station, sender = net.station("Balie 2"), net.station("Balie 1")
    meet(qtbot, station, sender)
    total = 0
    for _ in range(25):
        for index in range(200):
            net.inject(b"junk %d" % index)
        total += 200
        qtbot.waitUntil(lambda total=total: station.stats["malformed"] == total, timeout=3000)
    with qtbot.waitSignal(station.message_received, timeout=2000):
        sender.send(MessageType.ALARM_RAISED, uuid.uuid4(), {"location": "Hal"})
    assert station.stats["malformed"] == 5000 and len(station.reasons) == 5000


def test_an_alarm_with_overlong_text_still_goes_out_shortened(qtbot, net: Lan) -> None:
    sender, receiver = net.station("Balie 1"), net.station("Balie 2")
    meet(qtbot, sender, receiver)
    location = "Publiekshal, balie naast de ingang aan de Markt \U0001f6a8 " * 10
    with qtbot.waitSignal(receiver.message_received, timeout=2000) as blocker:
        assert sender.send(MessageType.ALARM_RAISED, uuid.uuid4(), {"location": location})
    assert blocker.args[0].body.location == location[:120]


def test_datagrams_queued_together_are_all_handled_in_one_wake_up(
    qtbot, net: Lan, caplog: pytest.LogCaptureFixture
) -> None:
    # Qt signals readyRead once for whatever is waiting: the beacon must drain the socket,
    # not read one datagram per turn of the event loop (each later one would wait a turn).
    station = net.station("Balie 2")
    tap = net.listener()
    qtbot.wait(100)  # the station's own start-up heartbeat is read and done with
    drain(tap)
    wake_ups: list[None] = []
    station._socket.readyRead.connect(lambda: wake_ups.append(None))  # type: ignore[union-attr]
    caplog.set_level(logging.WARNING, logger="veiligbalie.net.lan")
    before = station.stats["received"]
    alarms = [forge(MessageType.ALARM_RAISED) for _ in range(5)]
    forged = forge(MessageType.ALARM_RAISED, key=bytes(32))
    for data in [*alarms[:2], forged, *alarms[2:]]:
        net.inject(data)  # no event loop runs in between: all six wait in the socket
    seen: list[bytes] = []
    qtbot.waitUntil(lambda: bool(seen.extend(drain(tap))) or len(seen) == 6, timeout=3000)

    qtbot.waitUntil(lambda: len(station.received) == 5, timeout=3000)
    qtbot.wait(50)
    assert len(wake_ups) == 1
    assert len(station.received) == 5 and station.stats["received"] - before == 6
    assert [m.alarm_id.bytes in b"".join(alarms) for m in station.received] == [True] * 5
    assert all(m.sender_address == LOOPBACK for m in station.received)
    # The forged one among them is still dropped, counted and logged.
    assert station.reasons == ["bad_signature"] and station.stats["bad_signature"] == 1
    assert any("bad_signature" in r.getMessage() for r in caplog.records)


def test_an_empty_datagram_is_read_and_dropped_as_malformed(qtbot, net: Lan) -> None:
    # A zero-length datagram has a pending size of 0: it must be taken off the queue (not
    # read forever) and the alarm behind it still delivered.
    station = net.station("Balie 2")
    net.inject(b"")
    alarm = forge(MessageType.ALARM_RAISED)
    net.inject(alarm)
    qtbot.waitUntil(lambda: len(station.received) == 1, timeout=3000)
    assert station.stats["malformed"] == 1 and station.reasons == ["malformed"]
    assert station.received[0].alarm_id.bytes in alarm
