"""AlarmService on real parts: each station its own SQLite file and a real LanBeacon on
loopback multicast (TTL 1, random port and group), several stations in one process."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.e2e.drivers.alarm_station import Station, build_station
from tests.support.net import free_udp_port, random_group
from veiligbalie.core.alarm import InvalidTransition
from veiligbalie.core.vocabulary import AlarmKind, AlarmState, AlarmType
from veiligbalie.services.alarms import Alarm

KEY = bytes(range(32))


class Site:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_udp_port()
        self.group = random_group()
        self.stations: list[Station] = []

    def station(self, name: str, key: bytes | None = KEY, **options: int) -> Station:
        station = build_station(
            self.root / name.replace(" ", "_"), name, key, self.port, self.group, **options
        )
        station.seen: list[Alarm] = []  # type: ignore[misc]
        station.service.raised.connect(station.seen.append)  # type: ignore[attr-defined]
        self.stations.append(station)
        return station

    def close(self) -> None:
        for station in self.stations:
            station.close()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    lan = Site(tmp_path)
    yield lan
    lan.close()


def meet(qtbot, *stations: Station) -> None:  # noqa: ANN001
    qtbot.waitUntil(
        lambda: all(s.service.reachable_responders() == len(stations) - 1 for s in stations),
        timeout=3000,
    )


def test_raise_stores_first_and_reaches_a_colleague(qtbot, site: Site) -> None:
    desk, colleague = site.station("Balie 1"), site.station("Balie 2")
    meet(qtbot, desk, colleague)
    assert desk.service.connected

    alarm = desk.service.raise_alarm()
    assert alarm.kind == AlarmKind.SILENT and alarm.type == AlarmType.AGGRESSION and alarm.mine
    kinds = [e.kind for e in desk.service.log_of(alarm.id)]
    assert kinds[:2] == ["raised", "sent"]
    sent = desk.service.log_of(alarm.id)[1]
    assert sent.path == "lan" and sent.data["reachable"] == 1

    qtbot.waitUntil(lambda: colleague.service.get(alarm.id) is not None, timeout=2000)
    received = colleague.service.get(alarm.id)
    assert received is not None and not received.mine
    assert received.station == "Balie 1" and received.location == "Balie 1, publiekshal"
    assert received.raised_at == alarm.raised_at.replace(
        microsecond=alarm.raised_at.microsecond // 1000 * 1000
    )
    log = colleague.service.log_of(alarm.id)
    assert log[0].kind == "received" and log[0].path == "lan"
    assert log[0].data["by_station"] == "Balie 2"


def test_acknowledge_travels_back_and_resolve_clears_both(qtbot, site: Site) -> None:
    desk, colleague = site.station("Balie 1"), site.station("Balie 2")
    meet(qtbot, desk, colleague)
    offered: list[Alarm] = []
    desk.service.offer_registration.connect(offered.append)
    alarm = desk.service.raise_alarm()
    qtbot.waitUntil(lambda: colleague.service.get(alarm.id) is not None, timeout=2000)

    colleague.service.acknowledge(alarm.id)
    qtbot.waitUntil(lambda: desk.service.get(alarm.id).responding == 1, timeout=2000)
    mine = desk.service.get(alarm.id)
    assert mine.state == AlarmState.ACKNOWLEDGED
    assert mine.responders[0].name == "Collega Balie 2"
    assert mine.responders[0].station_id == colleague.identity.station_id
    ack = [e for e in desk.service.log_of(alarm.id) if e.kind == "acknowledged"]
    assert ack and ack[0].actor == "Collega Balie 2" and ack[0].path == "lan"

    colleague.service.resolve(alarm.id)
    qtbot.waitUntil(lambda: not desk.service.open_alarms(), timeout=2000)
    assert colleague.service.open_alarms() == []
    assert desk.service.get(alarm.id).state == AlarmState.RESOLVED
    assert desk.service.get(alarm.id).closed_by == "Collega Balie 2"
    assert [a.id for a in offered] == [alarm.id]
    prefill = desk.service.registration_prefill(offered[0])
    assert prefill["alarm_id"] == str(alarm.id) and prefill["categories"] == ["verbal_aggression"]
    assert prefill["occurred_at"] == alarm.raised_at and prefill["location"] == alarm.location


def test_cancel_within_the_window_reaches_the_colleague(qtbot, site: Site) -> None:
    desk, colleague = site.station("Balie 1"), site.station("Balie 2")
    meet(qtbot, desk, colleague)
    alarm = desk.service.raise_alarm()
    qtbot.waitUntil(lambda: colleague.service.get(alarm.id) is not None, timeout=2000)
    assert desk.service.can_cancel(alarm.id)
    desk.service.cancel(alarm.id)
    qtbot.waitUntil(
        lambda: colleague.service.get(alarm.id).state == AlarmState.CANCELLED, timeout=2000
    )
    assert [e.kind for e in desk.service.log_of(alarm.id)][-2:] == ["cancelled", "sent"]


def test_cancel_is_refused_after_ten_seconds(site: Site) -> None:
    desk = site.station("Balie 1", key=None)
    alarm = desk.service.raise_alarm()
    late = alarm.raised_at + timedelta(seconds=11)
    assert desk.service.can_cancel(alarm.id, alarm.raised_at + timedelta(seconds=9))
    assert not desk.service.can_cancel(alarm.id, late)
    # Pretend the alarm was raised 11 s ago: the service checks the real clock.
    old = desk.service.get(alarm.id)
    desk.service._alarms[alarm.id] = old.__class__(
        **{**old.__dict__, "raised_at": datetime.now(UTC) - timedelta(seconds=11)}
    )
    with pytest.raises(InvalidTransition, match="cancel window"):
        desk.service.cancel(alarm.id)
    assert desk.service.get(alarm.id).is_open


def test_nothing_configured_means_not_connected_and_stored_anyway(site: Site) -> None:
    desk = site.station("Balie 1", key=None)
    failed: list[Alarm] = []
    desk.service.delivery_failed.connect(failed.append)
    assert not desk.service.connected and not desk.lan.is_active()
    alarm = desk.service.raise_alarm()
    assert [a.id for a in failed] == [alarm.id]
    assert [e.kind for e in desk.service.log_of(alarm.id)] == ["raised", "undelivered"]
    assert desk.beacon.stats["sent"] == 0  # not configured: nothing at all on the wire


def test_late_station_receives_the_open_alarm_and_its_responders(qtbot, site: Site) -> None:
    desk = site.station("Balie 1", heartbeat_ms=300, announce_ms=500)
    colleague = site.station("Balie 2", heartbeat_ms=300, announce_ms=500)
    meet(qtbot, desk, colleague)
    alarm = desk.service.raise_alarm(AlarmKind.OPEN, AlarmType.MEDICAL)
    qtbot.waitUntil(lambda: colleague.service.get(alarm.id) is not None, timeout=2000)
    colleague.service.acknowledge(alarm.id)

    late = site.station("Balie 3", heartbeat_ms=300, announce_ms=500)
    qtbot.waitUntil(lambda: late.service.get(alarm.id) is not None, timeout=3000)
    got = late.service.get(alarm.id)
    assert got.type == AlarmType.MEDICAL and got.kind == AlarmKind.OPEN
    qtbot.waitUntil(lambda: late.service.get(alarm.id).responding == 1, timeout=3000)
    assert [a.id for a in late.seen] == [alarm.id]  # re-announced, still shown once

    desk.service.resolve(alarm.id)
    qtbot.waitUntil(lambda: not late.service.open_alarms(), timeout=2000)
    qtbot.waitUntil(lambda: not colleague.service.open_alarms(), timeout=2000)


def test_same_alarm_by_two_paths_is_shown_once(qtbot, site: Site, tmp_path: Path) -> None:
    from veiligbalie.net.alarm_paths import LanAlarmPath
    from veiligbalie.net.lan import LanBeacon

    desk, colleague = site.station("Balie 1"), site.station("Balie 2")
    # A second, independent path between the same two stations (another port and group).
    port, group = free_udp_port(), f"239.254.{random.randint(0, 255)}.{random.randint(1, 254)}"
    for station in (desk, colleague):
        second = LanAlarmPath(LanBeacon(), name="lan2")
        assert second.configure(KEY, station.identity, "127.0.0.1", port, group)
        station.service.add_path(second)
        station.second = second  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: colleague.second.is_connected(), timeout=3000)  # type: ignore[attr-defined]
    meet(qtbot, desk, colleague)

    alarm = desk.service.raise_alarm()
    sent = [e for e in desk.service.log_of(alarm.id) if e.kind == "sent"]
    assert sent[0].data["paths"] == ["lan", "lan2"]
    qtbot.waitUntil(
        lambda: (
            {e.path for e in colleague.service.log_of(alarm.id) if e.kind == "received"}
            == {"lan", "lan2"}
        ),
        timeout=2000,
    )
    assert [a.id for a in colleague.seen] == [alarm.id]
    assert desk.service.reachable_responders() == 1  # one station, even if reached twice
    for station in (desk, colleague):
        station.second.close()  # type: ignore[attr-defined]


def test_type_changed_afterwards_reaches_the_colleague(qtbot, site: Site) -> None:
    desk, colleague = site.station("Balie 1"), site.station("Balie 2")
    meet(qtbot, desk, colleague)
    alarm = desk.service.raise_alarm()
    qtbot.waitUntil(lambda: colleague.service.get(alarm.id) is not None, timeout=2000)
    desk.service.set_type(alarm.id, AlarmType.MEDICAL)
    qtbot.waitUntil(lambda: colleague.service.get(alarm.id).type == AlarmType.MEDICAL, timeout=2000)
    assert [a.id for a in colleague.seen] == [alarm.id]


def test_own_open_alarm_is_announced_again_after_a_restart(qtbot, site: Site) -> None:
    desk = site.station("Balie 1", key=None)
    alarm = desk.service.raise_alarm()
    identity = desk.identity
    desk.close()
    site.stations.remove(desk)
    again = site.station("Balie 1", station_id=identity.station_id, announce_ms=300)
    assert [a.id for a in again.service.own_open_alarms()] == [alarm.id]
    colleague = site.station("Balie 2", announce_ms=300)
    qtbot.waitUntil(lambda: colleague.service.get(alarm.id) is not None, timeout=3000)


def test_unknown_alarm_id_is_a_clear_error(site: Site) -> None:
    desk = site.station("Balie 1", key=None)
    with pytest.raises(LookupError):
        desk.service.acknowledge(uuid.uuid4())
    with pytest.raises(LookupError):
        desk.service.cancel(uuid.uuid4())


def test_the_lan_path_hands_the_service_typed_events(qtbot, site: Site) -> None:
    from veiligbalie.net.alarm_paths import InboundEvent, InboundKind

    desk, colleague = site.station("Balie 1"), site.station("Balie 2")
    meet(qtbot, desk, colleague)
    heard_by_desk: list[InboundEvent] = []
    heard_by_colleague: list[InboundEvent] = []
    desk.lan.received.connect(heard_by_desk.append)
    colleague.lan.received.connect(heard_by_colleague.append)

    def kinds(heard: list[InboundEvent], alarm_id: uuid.UUID) -> list[InboundKind]:
        return list(dict.fromkeys(e.kind for e in heard if e.alarm_id == alarm_id))

    answered = desk.service.raise_alarm()
    qtbot.waitUntil(lambda: colleague.service.get(answered.id) is not None, timeout=2000)
    colleague.service.acknowledge(answered.id)
    qtbot.waitUntil(lambda: desk.service.get(answered.id).responding == 1, timeout=2000)
    colleague.service.resolve(answered.id)
    qtbot.waitUntil(lambda: not desk.service.get(answered.id).is_open, timeout=2000)
    mistake = desk.service.raise_alarm()
    qtbot.waitUntil(lambda: colleague.service.get(mistake.id) is not None, timeout=2000)
    desk.service.cancel(mistake.id)
    qtbot.waitUntil(lambda: not colleague.service.get(mistake.id).is_open, timeout=2000)

    heard = heard_by_desk + heard_by_colleague
    assert all(type(e) is InboundEvent and type(e.kind) is InboundKind for e in heard)
    assert kinds(heard_by_colleague, answered.id)[0] == InboundKind.RAISED
    assert kinds(heard_by_desk, answered.id) == [InboundKind.ACKNOWLEDGED, InboundKind.RESOLVED]
    assert kinds(heard_by_colleague, mistake.id) == [InboundKind.RAISED, InboundKind.CANCELLED]
    raised = next(e for e in heard_by_colleague if e.kind == InboundKind.RAISED)
    assert raised.alarm is not None and raised.alarm.station == "Balie 1"
    assert raised.path == "lan" and raised.alarm.station_id == desk.identity.station_id
    ack = next(e for e in heard_by_desk if e.kind == InboundKind.ACKNOWLEDGED)
    assert ack.actor == "Collega Balie 2" and ack.station_id == colleague.identity.station_id
    assert ack.alarm is None and ack.escalation is None
