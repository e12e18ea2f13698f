"""Supervision on both backends: who may read the board, alarm log and test results (and of
which site), the administrator's opening hours and test schedule (audited, same messages as
the CLI), drop-outs during opening hours written once and closed on return, each alarm's
story, and the test result per station with the reminder when one is overdue."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.server.conftest import World, add_user, change, incident_payload, push, user_token
from veiligbalie.core.vocabulary import Role
from veiligbalie.server import admin, alarms, auth, cli, presence, supervision
from veiligbalie.server import schema as t
from veiligbalie.server.store import ServerStore

API = "/api/v1"
ALL_WEEK = [{"weekday": d, "opens": "00:00", "closes": "24:00"} for d in range(7)]


def now() -> str:
    return datetime.now(UTC).isoformat()


def set_hours(client: TestClient, world: World, site: uuid.UUID, **body: Any) -> Any:
    return client.put(f"{API}/admin/sites/{site}/supervision", json=body, headers=world.h("admin"))


def test_who_may_read_supervision(client: TestClient, world: World, store: ServerStore) -> None:
    for who in ("emp", "admin", "ws"):
        for route in ("board", "alarms", "tests", "sites"):
            r = client.get(f"{API}/supervision/{route}", headers=world.h(who))
            assert r.status_code == 403, (who, route, r.text)
    board = client.get(f"{API}/supervision/board", headers=world.h("lead"))
    assert board.status_code == 200, board.text
    assert board.json()["site_name"] == "Centrum"
    assert [s["name"] for s in board.json()["stations"]] == ["balie1"]
    assert client.get(f"{API}/supervision/board", headers=world.h("sec")).status_code == 200
    # Security and team leads: their own site only.
    other = client.get(f"{API}/supervision/board?site_id={world.site_b}", headers=world.h("lead"))
    assert other.status_code == 403 and "own site" in other.json()["detail"]
    sites = client.get(f"{API}/supervision/sites", headers=world.h("sec")).json()
    assert [s["name"] for s in sites["sites"]] == ["Centrum"]
    # The coördinator: every site, with a choice.
    coordinator = add_user(store, "coord", Role.COORDINATOR, None)
    h = {"Authorization": f"Bearer {user_token(store, coordinator)}"}
    sites = client.get(f"{API}/supervision/sites", headers=h).json()
    assert [s["name"] for s in sites["sites"]] == ["Centrum", "Noord"]
    north = client.get(f"{API}/supervision/board?site_id={world.site_b}", headers=h)
    assert north.status_code == 200 and north.json()["site_name"] == "Noord"
    missing = client.get(f"{API}/supervision/board?site_id={uuid.uuid4()}", headers=h)
    assert missing.status_code == 404


def test_opening_hours_and_schedule_are_the_administrators(
    client: TestClient, world: World, store: ServerStore
) -> None:
    route = f"{API}/admin/sites/{world.site_a}/supervision"
    first = client.get(route, headers=world.h("admin")).json()
    assert first["default"] and len(first["opening_hours"]) == 5
    for who in ("lead", "sec", "emp", "ws"):
        assert client.get(route, headers=world.h(who)).status_code == 403
        assert client.put(route, json={}, headers=world.h(who)).status_code == 403
    hours = [{"weekday": d, "opens": "08:30", "closes": "17:00"} for d in range(5)]
    r = set_hours(client, world, world.site_a, opening_hours=hours, test_weekday=0)
    assert r.status_code == 200, r.text
    assert r.json()["test_weekday"] == 0 and not r.json()["default"]
    assert r.json()["updated_by"] == "admin"
    with store.read() as conn:
        row = conn.execute(
            sa.select(t.audit_log).where(t.audit_log.c.action == "site_supervision_set")
        ).one()
    assert (
        row.actor == "admin" and "Mon 08:30-17:00" in row.detail and "weekly on Mon" in row.detail
    )
    # Bad input: a 4xx with the message the CLI gives.
    for body, message in [
        ({"opening_hours": [{"weekday": 1, "opens": "17:00", "closes": "09:00"}]}, "not after"),
        ({"opening_hours": [{"weekday": 1, "opens": "25:00", "closes": "26:00"}]}, "time of day"),
        (
            {
                "opening_hours": [
                    {"weekday": 2, "opens": "08:00", "closes": "12:00"},
                    {"weekday": 2, "opens": "11:00", "closes": "15:00"},
                ]
            },
            "overlap",
        ),
        ({"test_every_days": 7, "test_weekday": 1}, "not both"),
        ({"test_every_days": 0}, "every 1 to"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
    ]:
        r = set_hours(client, world, world.site_a, **body)
        assert r.status_code == 400, (body, r.text)
        assert message in r.json()["detail"]
    assert set_hours(client, world, world.site_a, opening_hours=[{"weekday": 9}]).status_code == 422
    r = client.put(
        f"{API}/admin/sites/{uuid.uuid4()}/supervision", json={}, headers=world.h("admin")
    )
    assert r.status_code == 404


def test_cli_site_hours_and_test_schedule(store: ServerStore, world: World, capsys) -> None:  # noqa: ANN001
    db = ["--database", store.url]
    code = cli.main(
        [
            "admin",
            *db,
            "site",
            "hours",
            "--site",
            "Centrum",
            "mon-thu=08:30-17:00",
            "fri=08:30-12:00",
        ]
    )
    assert code == 0, capsys.readouterr().err
    assert "Thu 08:30-17:00, Fri 08:30-12:00" in capsys.readouterr().out
    assert (
        cli.main(["admin", *db, "site", "test-schedule", "--site", "Centrum", "--every-days", "7"])
        == 0
    )
    out = capsys.readouterr().out
    assert "test every 7 day(s)" in out and "Fri 08:30-12:00" in out
    code = cli.main(["admin", *db, "site", "hours", "--site", "Centrum", "mon=17:00-09:00"])
    assert code == 2 and "is not after opening time" in capsys.readouterr().err
    with store.read() as conn:
        actors = (
            conn.execute(
                sa.select(t.audit_log.c.actor).where(t.audit_log.c.action == "site_supervision_set")
            )
            .scalars()
            .all()
        )
    assert len(actors) == 2 and set(actors) == {"administrator (command line)"}


def _seen(store: ServerStore, world: World, at: datetime, online: bool = True) -> None:
    assert world.workstation is not None
    with store.write() as conn:
        presence.upsert_presence(conn, {world.workstation: world.site_a}, online=online, at=at)


def test_a_drop_out_during_opening_hours_is_written_once_and_closed_on_return(
    client: TestClient, world: World, store: ServerStore
) -> None:
    assert set_hours(client, world, world.site_a, opening_hours=ALL_WEEK).status_code == 200
    start = datetime.now(UTC)
    _seen(store, world, start)
    assert supervision.sweep(store, start, grace=10) == []
    board = client.get(f"{API}/supervision/board", headers=world.h("sec")).json()
    station = board["stations"][0]
    assert station["online"] and station["dropout"] is None and board["open_now"]
    # Gone from the stream: not yet a drop-out within the grace, then one, written once.
    _seen(store, world, start + timedelta(seconds=1), online=False)
    assert supervision.sweep(store, start + timedelta(seconds=5), grace=10) == []
    told = supervision.sweep(store, start + timedelta(seconds=12), grace=10)
    assert len(told) == 1 and told[0].event["type"] == "station.dropout"
    assert (
        told[0].event["dropout"]["name"] == "balie1" and told[0].event["dropout"]["back_at"] is None
    )
    assert supervision.sweep(store, start + timedelta(seconds=20), grace=10) == []
    station = client.get(f"{API}/supervision/board", headers=world.h("lead")).json()["stations"][0]
    assert not station["online"] and station["dropout"]["id"] == told[0].event["dropout"]["id"]
    # Back: the drop-out is closed and told.
    _seen(store, world, start + timedelta(seconds=30))
    back = supervision.sweep(store, start + timedelta(seconds=31), grace=10)
    assert len(back) == 1 and back[0].event["dropout"]["back_at"] is not None
    station = client.get(f"{API}/supervision/board", headers=world.h("lead")).json()["stations"][0]
    assert station["online"] and station["dropout"] is None
    with store.read() as conn:
        rows = conn.execute(sa.select(t.station_dropouts)).all()
    assert len(rows) == 1 and rows[0].back_at is not None


def test_a_never_linked_workstation_waits_on_the_board_and_never_drops_out(
    client: TestClient, world: World, store: ServerStore
) -> None:
    """Added by the administrator, its code never used: the board says it is not linked
    (as Beheer does), and no sweep in opening hours makes it a drop-out."""
    assert set_hours(client, world, world.site_a, opening_hours=ALL_WEEK).status_code == 200
    waiting = admin.create_workstation(store, world.site_a, "balie2", "Balie 2").workstation.id
    start = datetime.now(UTC)
    for later in (0, 12, 120, 3600):  # balie1 stays online; balie2 never comes
        at = start + timedelta(seconds=later)
        _seen(store, world, at)
        assert supervision.sweep(store, at, grace=10) == []
    stations = client.get(f"{API}/supervision/board", headers=world.h("sec")).json()["stations"]
    by_name = {s["name"]: s for s in stations}
    assert by_name["balie2"]["workstation_id"] == str(waiting)
    assert by_name["balie2"]["enrolled"] is False and by_name["balie2"]["online"] is False
    assert by_name["balie2"]["dropout"] is None and by_name["balie2"]["since"] is None
    assert by_name["balie1"]["enrolled"] is True
    # The administrator's list says the same of it.
    listed = client.get(f"{API}/admin/stations", headers=world.h("admin")).json()
    assert {s["name"]: s["enrolled"] for s in listed} == {"balie1": True, "balie2": False}
    with store.read() as conn:
        assert conn.execute(sa.select(t.station_dropouts)).all() == []


def test_a_revoked_workstation_is_revoked_on_the_board_and_never_drops_out(
    client: TestClient, world: World, store: ServerStore
) -> None:
    """The administrator ends a workstation's link during opening hours: it goes offline on
    purpose, so no sweep makes it a drop-out, and the board says it was revoked."""
    assert set_hours(client, world, world.site_a, opening_hours=ALL_WEEK).status_code == 200
    assert world.workstation is not None
    start = datetime.now(UTC)
    _seen(store, world, start)
    assert supervision.sweep(store, start, grace=10) == []
    admin.revoke_workstation(store, world.workstation)
    for later in (12, 120, 3600):
        assert supervision.sweep(store, start + timedelta(seconds=later), grace=10) == []
    with store.read() as conn:
        assert conn.execute(sa.select(t.station_dropouts)).all() == []
    stations = client.get(f"{API}/supervision/board", headers=world.h("sec")).json()["stations"]
    (station,) = [s for s in stations if s["workstation_id"] == str(world.workstation)]
    assert station["revoked"] is True and station["online"] is False
    assert station["dropout"] is None


def test_a_workstation_that_cannot_be_tested_is_never_due_for_a_test(
    client: TestClient, world: World, store: ServerStore
) -> None:
    """Tests every 7 days: a linked workstation never tested is due, but one never linked
    (Wacht op koppelen) or whose link was ended (Ingetrokken) cannot send a test alarm, so
    neither the board nor the test overview has it due."""
    assert set_hours(client, world, world.site_a, test_every_days=7).status_code == 200
    admin.create_workstation(store, world.site_a, "balie2", "Balie 2")  # never linked
    ended = admin.create_workstation(store, world.site_a, "balie3", "Balie 3")
    auth.enroll(store, ended.enrolment.code, "pc-3", uuid.uuid4())
    admin.revoke_workstation(store, ended.workstation.id)
    board = client.get(f"{API}/supervision/board", headers=world.h("sec")).json()
    by_name = {s["name"]: s for s in board["stations"]}
    assert (by_name["balie2"]["enrolled"], by_name["balie3"]["revoked"]) == (False, True)
    assert {name: bool(s["test_due_since"]) for name, s in by_name.items()} == {
        "balie1": True,
        "balie2": False,
        "balie3": False,
    }
    overview = client.get(f"{API}/supervision/tests", headers=world.h("lead")).json()
    assert {s["name"]: bool(s["test_due_since"]) for s in overview["stations"]} == {
        "balie1": True,
        "balie2": False,
        "balie3": False,
    }


class _Racing:
    """The store as a second server process sees it: between this sweep's look (read) and
    its write, ``meanwhile`` runs (the other process's whole sweep)."""

    def __init__(self, store: ServerStore, meanwhile: Any) -> None:
        self._store = store
        self._meanwhile = meanwhile
        self.read = store.read

    @contextlib.contextmanager
    def write(self) -> Iterator[Any]:
        self._meanwhile()
        with self._store.write() as conn:
            yield conn


def test_two_processes_sweeping_at_once_write_and_tell_a_drop_out_once(
    client: TestClient, world: World, store: ServerStore
) -> None:
    assert set_hours(client, world, world.site_a, opening_hours=ALL_WEEK).status_code == 200
    start = datetime.now(UTC)
    _seen(store, world, start)
    assert supervision.sweep(store, start, grace=10) == []
    _seen(store, world, start + timedelta(seconds=1), online=False)
    other: list[supervision.Told] = []
    late = start + timedelta(seconds=12)

    def other_process() -> None:
        other.extend(supervision.sweep(store, late, grace=10))

    # Both decided "a new drop-out" on the same look; the other wrote first.
    mine = supervision.sweep(_Racing(store, other_process), late, grace=10)  # type: ignore[arg-type]
    assert len(other) == 1 and mine == []
    with store.read() as conn:
        assert len(conn.execute(sa.select(t.station_dropouts)).all()) == 1
    # Told again from its row alone (what a third process reads on the NOTIFY): the same.
    again = supervision.told_again(store, other[0].dropout_id)
    assert again is not None and again.event == other[0].event
    # The return, closed by both at once: told once.
    _seen(store, world, start + timedelta(seconds=30))
    back = start + timedelta(seconds=31)
    other.clear()
    mine = supervision.sweep(_Racing(store, other_process), back, grace=10)  # type: ignore[arg-type]
    assert len(other) == 1 and mine == []
    assert other[0].event["dropout"]["back_at"] is not None


def test_outside_opening_hours_going_offline_is_normal(
    client: TestClient, world: World, store: ServerStore
) -> None:
    assert set_hours(client, world, world.site_a, opening_hours=[]).status_code == 200
    start = datetime.now(UTC)
    _seen(store, world, start)
    supervision.sweep(store, start)
    _seen(store, world, start + timedelta(seconds=1), online=False)
    assert supervision.sweep(store, start + timedelta(minutes=5), grace=10) == []
    board = client.get(f"{API}/supervision/board", headers=world.h("sec")).json()
    assert not board["open_now"] and board["stations"][0]["dropout"] is None


def test_the_alarm_log_tells_each_alarms_story(
    client: TestClient, world: World, store: ServerStore
) -> None:
    other = admin.create_workstation(store, world.site_a, "balie2", "Balie 2")
    second = auth.enroll(store, other.enrolment.code, "pc-2", uuid.uuid4())
    h2 = {"Authorization": f"Bearer {second.token}"}
    raised = client.post(
        f"{API}/alarms",
        json={"station_name": "balie1", "location": "Balie 1"},
        headers=world.h("ws"),
    ).json()
    alarm_id = uuid.UUID(raised["id"])
    sent = datetime.now(UTC).timestamp()
    alarms.record_deliveries(store, [(alarm_id, second.workstation_id, None, "balie2", sent)])
    assert alarms.claim_level(store, alarm_id, 1, {"targets": ["security"], "alerts": True})
    ack = client.post(
        f"{API}/alarms/{alarm_id}/acknowledge",
        json={
            "alarm_id": str(alarm_id),
            "at": now(),
            "responder": "Bea Veilig",
            "station_name": "balie2",
        },
        headers=h2,
    )
    assert ack.status_code == 200, ack.text
    quiet = client.post(
        f"{API}/alarms", json={"station_name": "balie1"}, headers=world.h("ws")
    ).json()
    report = push(
        client,
        world.h("ws"),
        world.device,
        [change(1, payload=incident_payload(alarm_id=alarm_id))],
    )
    assert report.status_code == 200, report.text
    log = client.get(f"{API}/supervision/alarms", headers=world.h("sec"))
    assert log.status_code == 200, log.text
    stories = {s["alarm"]["id"]: s for s in log.json()["alarms"]}
    story = stories[str(alarm_id)]
    assert [d["station_name"] for d in story["deliveries"]] == ["balie2"]
    assert story["deliveries"][0]["path"] == "server"
    assert [(a["responder"], a["station_name"]) for a in story["answers"]] == [
        ("Bea Veilig", "balie2")
    ]
    assert story["answers"][0]["seconds"] >= 0
    assert [(e["level"], e["targets"]) for e in story["escalations"]] == [(1, ["security"])]
    assert story["report"] is not None
    nothing = stories[quiet["id"]]
    assert nothing["answers"] == [] and nothing["report"] is None and nothing["log"] == []
    one = client.get(f"{API}/supervision/alarms/{alarm_id}", headers=world.h("lead")).json()
    assert "raised" in [entry["kind"] for entry in one["log"]]
    assert (
        client.get(f"{API}/supervision/alarms/{alarm_id}", headers=world.h("lead_b")).status_code
        == 404
    )


def test_test_results_per_station_and_the_reminder(
    client: TestClient, world: World, store: ServerStore
) -> None:
    other = admin.create_workstation(store, world.site_a, "balie2", "Balie 2")
    second = auth.enroll(store, other.enrolment.code, "pc-2", uuid.uuid4())
    assert (
        set_hours(
            client, world, world.site_a, opening_hours=ALL_WEEK, test_every_days=7
        ).status_code
        == 200
    )
    test = client.post(
        f"{API}/alarms", json={"station_name": "balie1", "test": True}, headers=world.h("ws")
    ).json()
    alarms.record_deliveries(
        store,
        [
            (
                uuid.UUID(test["id"]),
                second.workstation_id,
                None,
                "balie2",
                datetime.now(UTC).timestamp(),
            )
        ],
    )
    overview = client.get(f"{API}/supervision/tests", headers=world.h("lead"))
    assert overview.status_code == 200, overview.text
    by_name = {s["name"]: s for s in overview.json()["stations"]}
    assert by_name["balie1"]["last_test"]["result"] == "heard"
    assert by_name["balie1"]["last_test"]["heard_by"] == ["balie2"]
    assert by_name["balie1"]["test_due_since"] is None
    # Never tested: due, on the board too.
    assert by_name["balie2"]["last_test"] is None and by_name["balie2"]["test_due_since"]
    board = client.get(f"{API}/supervision/board", headers=world.h("sec")).json()
    assert {s["name"]: bool(s["test_due_since"]) for s in board["stations"]} == {
        "balie1": False,
        "balie2": True,
    }
    # Answered beats heard.
    client.post(
        f"{API}/alarms/{test['id']}/acknowledge",
        json={"alarm_id": test["id"], "at": now(), "responder": "Bea"},
        headers={"Authorization": f"Bearer {second.token}"},
    )
    overview = client.get(f"{API}/supervision/tests", headers=world.h("lead")).json()
    assert overview["stations"][0]["last_test"]["result"] == "answered"


@pytest.mark.parametrize(
    ("every", "weekday", "last_days_ago", "due"),
    [(7, None, 3, False), (7, None, 8, True), (None, None, 100, False)],
)
def test_schedule_rules(
    every: int | None, weekday: int | None, last_days_ago: int, due: bool
) -> None:
    from veiligbalie.core import supervision as rules

    moment = datetime(2026, 12, 2, 12, tzinfo=UTC)  # a Wednesday
    schedule = rules.TestSchedule(every, weekday)
    last = moment - timedelta(days=last_days_ago)
    assert (schedule.due_since(last, moment, rules.zone("Europe/Amsterdam")) is not None) is due


def test_weekly_schedule() -> None:
    from veiligbalie.core import supervision as rules

    tz = rules.zone("Europe/Amsterdam")
    wednesday = datetime(2026, 12, 2, 12, tzinfo=UTC)
    monday = rules.TestSchedule(weekday=0)
    assert monday.due_since(datetime(2026, 11, 30, 9, tzinfo=UTC), wednesday, tz) is None
    assert (
        str(monday.due_since(datetime(2026, 11, 27, 9, tzinfo=UTC), wednesday, tz)) == "2026-12-01"
    )
    hours = [rules.period(2, "08:00", "17:00")]
    assert rules.is_open(hours, wednesday, tz)  # 13:00 in Amsterdam
    assert not rules.is_open(hours, wednesday + timedelta(hours=5), tz)
