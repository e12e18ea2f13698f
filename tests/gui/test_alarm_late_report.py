"""Alarms the server hears of afterwards, on real parts: two stations (AlarmService, each its
own SQLite file) on loopback multicast, and a REAL server reached by a real ServerAlarmPath
(Stream + ServerApi) with enrolled workstation tokens. The server is "away" by the path's
stream not running; a long outage is made by moving the station's own log back in time.

Before, an alarm that ended while the server was away never reached the server's log (and
the team lead's follow-up), and one raised more than five minutes before the server came
back was refused as a wrong clock."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from tests.e2e.drivers.alarm_station import Station, build_station
from tests.e2e.drivers.sync_kit import login
from tests.gui.conftest import site_server
from tests.support.net import free_udp_port, random_group
from tests.support.server import RunningServer
from veiligbalie.core.vocabulary import Role
from veiligbalie.net.alarm_paths import ServerAlarmPath
from veiligbalie.net.api import ServerApi
from veiligbalie.net.stream import Stream
from veiligbalie.protocol import supervision as sv
from veiligbalie.services.alarms import AlarmService
from veiligbalie.services.supervision import SupervisionService
from veiligbalie.store.schema import alarm_events, alarms
from veiligbalie.ui.supervision import AlarmLog

KEY = bytes(range(5, 37))
LEAD = ("tlead", "Tom Leider", "team_lead")
OUTAGE = timedelta(minutes=40)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, list[str]]]:
    with site_server(tmp_path_factory, workstations=8, users=(LEAD,)) as running:
        yield running


class Office:
    def __init__(self, server: RunningServer, codes: list[str], root: Path) -> None:
        self.server, self.codes, self.root = server, codes, root
        self.port, self.group = free_udp_port(), random_group()
        self.stations: list[Station] = []
        self.paths: list[ServerAlarmPath] = []

    def station(self, name: str) -> Station:
        enrolled = httpx.post(
            f"{self.server.base_url}/api/v1/enroll",
            json={"code": self.codes.pop(0), "device_name": name},
            timeout=10,
        ).json()
        made = build_station(
            self.root / name.replace(" ", "_"),
            name,
            KEY,
            self.port,
            self.group,
            site=str(enrolled["site_id"]),
        )
        made.token = enrolled["token"]  # type: ignore[attr-defined]
        self.stations.append(made)
        return made

    def attach(self, station: Station, service: AlarmService | None = None) -> ServerAlarmPath:
        """A server path for the station, its stream not started: the server is away."""
        stream = Stream(backoff_min_ms=100, backoff_max_ms=500)
        api = ServerApi()
        api.configure(self.server.base_url)
        token = station.token  # type: ignore[attr-defined]
        api.set_token(token)
        stream.configure(self.server.base_url, token)
        path = ServerAlarmPath(stream, api, identity=station.identity)
        (service or station.service).add_path(path)
        self.paths.append(path)
        return path

    def detail(self, alarm_id: uuid.UUID) -> dict[str, Any] | None:
        answer = httpx.get(
            f"{self.server.base_url}/api/v1/alarms/{alarm_id}",
            headers={"Authorization": f"Bearer {login(self.server, LEAD[0])}"},
            timeout=10,
        )
        return dict(answer.json()) if answer.status_code == 200 else None

    def close(self) -> None:
        for path in self.paths:
            path.stream.stop()
        for station in self.stations:
            station.close()


@pytest.fixture
def office(server: tuple[RunningServer, list[str]], tmp_path: Path) -> Iterator[Office]:
    running, codes = server
    made = Office(running, codes, tmp_path)
    yield made
    made.close()


def meet(qtbot, *stations: Station) -> None:  # noqa: ANN001
    qtbot.waitUntil(
        lambda: all(s.service.reachable_responders() == len(stations) - 1 for s in stations),
        timeout=5000,
    )


def move_back(station: Station, alarm_id: uuid.UUID, by: timedelta) -> None:
    """The station's own log of the alarm, as if it all happened ``by`` earlier."""
    with station.db.write() as session:
        conn = session.connection()
        raised = conn.execute(select(alarms.c.raised_at).where(alarms.c.id == alarm_id)).scalar()
        conn.execute(update(alarms).where(alarms.c.id == alarm_id).values(raised_at=raised - by))
        events = alarm_events.c
        for event_id, at in conn.execute(
            select(events.id, events.at).where(events.alarm_id == alarm_id)
        ).all():
            conn.execute(update(alarm_events).where(events.id == event_id).values(at=at - by))


def kinds(station: Station, alarm_id: uuid.UUID) -> list[str]:
    return [e.kind for e in station.service.log_of(alarm_id)]


def near(text: str, moment: datetime) -> bool:
    return abs(datetime.fromisoformat(text) - moment) < timedelta(seconds=2)


def test_an_alarm_over_before_the_server_came_back_reaches_its_log_whole(
    qtbot,  # noqa: ANN001
    office: Office,
) -> None:
    desk, colleague = office.station("Balie 1"), office.station("Balie 2")
    path = office.attach(desk)
    meet(qtbot, desk, colleague)

    # The server is away: the LAN carries the alarm, the answer and the end.
    alarm = desk.service.raise_alarm()
    qtbot.waitUntil(lambda: colleague.service.get(alarm.id) is not None, timeout=3000)
    colleague.service.acknowledge(alarm.id)
    qtbot.waitUntil(lambda: bool(desk.service.get(alarm.id).responders), timeout=3000)  # type: ignore[union-attr]
    desk.service.resolve(alarm.id)
    move_back(desk, alarm.id, OUTAGE)  # ... forty minutes ago

    path.stream.start()  # the server is back
    qtbot.waitUntil(lambda: "close_stored" in kinds(desk, alarm.id), timeout=10000)
    detail = office.detail(alarm.id)
    assert detail is not None
    told = detail["alarm"]
    assert told["state"] == "resolved" and told["late"] is True
    assert near(told["raised_at"], alarm.raised_at - OUTAGE)
    assert told["station_name"] == "Balie 1"
    assert [r["responder"] for r in told["responders"]] == ["Collega Balie 2"]
    log = [e for e in detail["log"] if e["kind"] != "escalated"]
    assert [e["kind"] for e in log] == ["raised", "acknowledged", "resolved"]
    assert all(e["data"].get("late") for e in log)
    assert not any(e["kind"] == "escalated" for e in detail["log"])  # it was over
    # The station notes once that the server has it (afterwards), so it is not sent again.
    stored = [e for e in desk.service.log_of(alarm.id) if e.kind == "stored"]
    assert len(stored) == 1 and stored[0].data == {"late": True}

    # Toezicht tells the team lead it was reported afterwards.
    answer = httpx.get(
        f"{office.server.base_url}/api/v1/supervision/alarms/{alarm.id}",
        headers={"Authorization": f"Bearer {login(office.server, LEAD[0])}"},
        timeout=10,
    )
    story = sv.AlarmStory.model_validate(answer.json())
    view = AlarmLog(SupervisionService(api=lambda: None, role=lambda: Role.TEAM_LEAD))
    qtbot.addWidget(view)
    view.show_alarms([story])
    assert view.table.item(0, 0).text().endswith("(reported afterwards)")
    text = view.story_html(story)
    assert "reported it afterwards" in text and "raised (reported afterwards)" in text

    path.stream.stop()
    qtbot.waitUntil(lambda: not path.is_connected(), timeout=3000)
    path.stream.start()
    qtbot.waitUntil(path.is_connected, timeout=5000)
    qtbot.wait(500)
    assert kinds(desk, alarm.id).count("stored") == 1
    again = office.detail(alarm.id)
    assert again is not None and len(again["log"]) == len(detail["log"])


def test_an_open_alarm_from_a_long_outage_is_taken_and_its_close_follows(
    qtbot,  # noqa: ANN001
    office: Office,
) -> None:
    """Raised forty minutes before the server came back (the station restarted meanwhile):
    the server takes it open at its own moment instead of refusing the old time."""
    desk = office.station("Balie 3")
    alarm = desk.service.raise_alarm()
    assert "undelivered" in kinds(desk, alarm.id)  # nobody on the LAN, no server
    move_back(desk, alarm.id, OUTAGE)
    restarted = AlarmService(desk.db, identity=desk.identity)
    path = office.attach(desk, restarted)
    path.stream.start()
    qtbot.waitUntil(lambda: "stored" in kinds(desk, alarm.id), timeout=10000)
    detail = office.detail(alarm.id)
    assert detail is not None
    assert detail["alarm"]["state"] == "raised" and detail["alarm"]["late"] is True
    assert near(detail["alarm"]["raised_at"], alarm.raised_at - OUTAGE)

    restarted.resolve(alarm.id)
    qtbot.waitUntil(lambda: "close_stored" in kinds(desk, alarm.id), timeout=10000)
    closed = office.detail(alarm.id)
    assert closed is not None and closed["alarm"]["state"] == "resolved"


def test_a_refusal_is_noted_once_with_its_reason_and_ends_the_reporting(
    qtbot,  # noqa: ANN001
    office: Office,
) -> None:
    """What the server refuses for what it is (400, 404, 409: not a clock it may see set
    right) is kept in the station's log with the reason and not sent at every connect."""
    desk = office.station("Balie 4")
    path = office.attach(desk)
    alarm = desk.service.raise_alarm(test=True)
    desk.service.resolve(alarm.id)
    for _ in range(2):  # as if refused on two connects
        path.refused.emit(alarm.id, "reported", "the alarm id belongs to another site")
    refused = [e for e in desk.service.log_of(alarm.id) if e.kind == "refused"]
    assert len(refused) == 1 and refused[0].data == {
        "what": "reported",
        "reason": "the alarm id belongs to another site",
    }
    path.stream.start()
    qtbot.waitUntil(path.is_connected, timeout=5000)
    qtbot.wait(500)
    assert office.detail(alarm.id) is None  # not reported
    assert "stored" not in kinds(desk, alarm.id)
