"""Alarms the server hears of late, on both backends: a station that raised, answered or
closed an alarm while the server was away says when it sent the request (``sent_at``), and
the server logs each change at the moment it happened, marked as reported late; an alarm
that was over before the server could be told comes as one report, stored with its
answers and its close, told to nobody and never escalated."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.server.conftest import World
from tests.support.clock import Clock
from veiligbalie.core.ids import uuid7
from veiligbalie.server import schema as t
from veiligbalie.server.app import create_app
from veiligbalie.server.store import ServerStore

API = "/api/v1"


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def late_client(store: ServerStore, clock: Clock) -> Iterator[TestClient]:
    with TestClient(create_app(store=store, clock=clock)) as c:
        yield c


def iso(moment: datetime) -> str:
    return moment.isoformat()


def detail(client: TestClient, world: World, alarm_id: str) -> dict[str, Any]:
    r = client.get(f"{API}/alarms/{alarm_id}", headers=world.h("lead"))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def line(log: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    return next(e for e in log if e["kind"] == kind)


def report(
    alarm_id: str,
    raised: datetime,
    closed: datetime,
    sent: datetime,
    state: str = "resolved",
    responders: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "alarm": {
            "id": alarm_id,
            "kind": "silent",
            "station_name": "Balie 1",
            "location": "Publiekshal",
            "raised_by": "Anna",
            "raised_at": iso(raised),
        },
        "state": state,
        "closed": {
            "alarm_id": alarm_id,
            "by": "Anna",
            "station_name": "Balie 1",
            "at": iso(closed),
        },
        "responders": responders or [],
        "sent_at": iso(sent),
    }


def test_an_open_alarm_raised_while_the_server_was_away_is_logged_when_it_happened(
    late_client: TestClient, world: World, clock: Clock, store: ServerStore
) -> None:
    client, now = late_client, clock()
    # The station's clock runs 3 minutes ahead of the server's: within the tolerance.
    station_now = now + timedelta(minutes=3)
    pressed = station_now - timedelta(minutes=40)
    alarm_id = str(uuid7())
    body = {"id": alarm_id, "raised_at": iso(pressed), "sent_at": iso(station_now)}
    r = client.post(f"{API}/alarms", json=body, headers=world.h("ws"))
    assert r.status_code == 200, r.text
    alarm = r.json()
    # 40 minutes before the server received it, by the server's clock; still open.
    assert datetime.fromisoformat(alarm["raised_at"]) == now - timedelta(minutes=40)
    assert alarm["late"] is True and alarm["state"] == "raised"
    listed = client.get(f"{API}/alarms?open=true", headers=world.h("emp")).json()["alarms"]
    assert [(a["id"], a["late"]) for a in listed] == [(alarm_id, True)]
    raised = line(detail(client, world, alarm_id)["log"], "raised")
    assert raised["data"]["late"] is True
    assert datetime.fromisoformat(raised["at"]) == now - timedelta(minutes=40)
    assert datetime.fromisoformat(raised["claimed_at"]) == pressed
    with store.read() as conn:
        row = conn.execute(sa.select(t.alarms).where(t.alarms.c.id == uuid.UUID(alarm_id))).one()
    assert row.created_at == now  # when the server heard of it

    # A colleague's answer given 30 minutes ago over the LAN, sent now: logged then.
    answered = now - timedelta(minutes=30)
    ack = {"alarm_id": alarm_id, "at": iso(answered), "sent_at": iso(now)}
    r = client.post(f"{API}/alarms/{alarm_id}/acknowledge", json=ack, headers=world.h("emp"))
    assert r.status_code == 200, r.text
    assert datetime.fromisoformat(r.json()["responders"][0]["at"]) == answered
    # Resolved 20 minutes ago.
    close = {"alarm_id": alarm_id, "at": iso(now - timedelta(minutes=20)), "sent_at": iso(now)}
    r = client.post(f"{API}/alarms/{alarm_id}/resolve", json=close, headers=world.h("ws"))
    assert r.status_code == 200 and r.json()["state"] == "resolved"
    story = detail(client, world, alarm_id)
    resolved = line(story["log"], "resolved")
    assert resolved["data"]["late"] is True
    assert datetime.fromisoformat(resolved["at"]) == now - timedelta(minutes=20)
    assert datetime.fromisoformat(resolved["recorded_at"]) >= now - timedelta(seconds=1)


def test_a_live_raise_is_as_it_was(late_client: TestClient, world: World, clock: Clock) -> None:
    """With ``sent_at`` and a claim within the tolerance the server's receipt is the time."""
    now = clock()
    body = {"raised_at": iso(now - timedelta(seconds=2)), "sent_at": iso(now)}
    r = late_client.post(f"{API}/alarms", json=body, headers=world.h("ws"))
    assert r.status_code == 200
    assert datetime.fromisoformat(r.json()["raised_at"]) == now and r.json()["late"] is False
    raised = line(detail(late_client, world, r.json()["id"])["log"], "raised")
    assert "late" not in raised["data"]


@pytest.mark.parametrize(
    ("raised", "sent", "says"),
    [
        # The station's clock is wrong: sent_at is held to the tolerance.
        (timedelta(minutes=-30), timedelta(minutes=-12), "sent_at"),
        # Pressed after it was sent.
        (timedelta(minutes=8), timedelta(0), "is after sent_at"),
        # Older than the server keeps alarms reported late.
        (timedelta(days=-31), timedelta(0), "too old to report"),
        # Without sent_at a claim that old is the clock's fault, as before.
        (timedelta(minutes=-40), None, "set the station's clock right"),
    ],
)
def test_claims_the_server_cannot_place_are_refused_with_the_reason(
    late_client: TestClient,
    world: World,
    clock: Clock,
    raised: timedelta,
    sent: timedelta | None,
    says: str,
) -> None:
    now = clock()
    body: dict[str, Any] = {"id": str(uuid7()), "raised_at": iso(now + raised)}
    if sent is not None:
        body["sent_at"] = iso(now + sent)
    r = late_client.post(f"{API}/alarms", json=body, headers=world.h("ws"))
    assert r.status_code == 422 and says in r.json()["detail"], r.text
    assert late_client.get(f"{API}/alarms/{body['id']}", headers=world.h("lead")).status_code == 404


def test_an_alarm_over_before_the_server_heard_of_it_is_stored_whole_and_told_to_nobody(
    late_client: TestClient, world: World, clock: Clock
) -> None:
    client, now = late_client, clock()
    alarm_id = str(uuid7())
    colleague = str(uuid.uuid4())
    pressed = now - timedelta(hours=2)
    responders = [
        {
            "alarm_id": alarm_id,
            "responder": "Bram",
            "station_id": colleague,
            "station_name": "Balie 2",
            "at": iso(pressed + timedelta(seconds=40)),
        }
    ]
    body = report(alarm_id, pressed, pressed + timedelta(minutes=9), now, responders=responders)
    r = client.post(f"{API}/alarms/{alarm_id}/late", json=body, headers=world.h("ws"))
    assert r.status_code == 200, r.text
    alarm = r.json()
    assert alarm["state"] == "resolved" and alarm["late"] is True
    assert datetime.fromisoformat(alarm["raised_at"]) == pressed
    assert [(a["responder"], a["station_name"]) for a in alarm["responders"]] == [
        ("Bram", "Balie 2")
    ]
    # Not open anywhere, and never escalated: it was over.
    assert client.get(f"{API}/alarms?open=true", headers=world.h("emp")).json()["alarms"] == []
    story = detail(client, world, alarm_id)
    assert [e["kind"] for e in story["log"]] == ["raised", "acknowledged", "resolved"]
    assert all(e["data"]["late"] is True for e in story["log"])
    ack = line(story["log"], "acknowledged")
    assert ack["path"] == "lan" and ack["actor"] == "Bram"
    assert datetime.fromisoformat(ack["at"]) == pressed + timedelta(seconds=40)
    assert datetime.fromisoformat(line(story["log"], "resolved")["at"]) == pressed + timedelta(
        minutes=9
    )

    # The team lead's follow-up lists it (no report yet), closed when it was.
    followup = client.get(f"{API}/alarms/followup", headers=world.h("lead")).json()
    listed = next(f for f in followup if f["id"] == alarm_id)
    assert datetime.fromisoformat(listed["closed_at"]) == pressed + timedelta(minutes=9)
    assert listed["late"] is True

    # Sent again (the answer was lost): the stored alarm, nothing logged twice.
    again = client.post(f"{API}/alarms/{alarm_id}/late", json=body, headers=world.h("ws"))
    assert again.status_code == 200 and again.json() == alarm
    assert len(detail(client, world, alarm_id)["log"]) == 3


def test_a_late_report_closes_an_alarm_the_server_has_open(
    late_client: TestClient, world: World, clock: Clock
) -> None:
    """The raise reached the server, the close did not (the server went away): the report
    closes it at the moment it was closed."""
    client, now = late_client, clock()
    r = client.post(f"{API}/alarms", json={"raised_at": iso(now)}, headers=world.h("ws"))
    alarm_id = r.json()["id"]
    clock.now = now + timedelta(hours=1)
    body = report(alarm_id, now, now + timedelta(minutes=5), clock())
    r = client.post(f"{API}/alarms/{alarm_id}/late", json=body, headers=world.h("ws"))
    assert r.status_code == 200 and r.json()["state"] == "resolved", r.text
    resolved = line(detail(client, world, alarm_id)["log"], "resolved")
    assert datetime.fromisoformat(resolved["at"]) == now + timedelta(minutes=5)
    assert resolved["data"]["late"] is True


def test_a_late_vergissing_counts_its_window_on_the_stations_own_times(
    late_client: TestClient, world: World, clock: Clock
) -> None:
    client, now = late_client, clock()
    pressed = now - timedelta(minutes=20)
    inside = str(uuid7())
    body = report(inside, pressed, pressed + timedelta(seconds=6), now, state="cancelled")
    r = client.post(f"{API}/alarms/{inside}/late", json=body, headers=world.h("ws"))
    assert r.status_code == 200 and r.json()["state"] == "cancelled", r.text
    outside = str(uuid7())
    body = report(outside, pressed, pressed + timedelta(minutes=2), now, state="cancelled")
    r = client.post(f"{API}/alarms/{outside}/late", json=body, headers=world.h("ws"))
    assert r.status_code == 409 and "cancel window has passed" in r.json()["detail"]
    assert client.get(f"{API}/alarms/{outside}", headers=world.h("lead")).status_code == 404


def test_bad_late_reports_get_a_clear_answer_and_store_nothing(
    late_client: TestClient, world: World, clock: Clock
) -> None:
    client, now = late_client, clock()
    alarm_id = str(uuid7())
    pressed = now - timedelta(hours=1)
    good = report(alarm_id, pressed, pressed + timedelta(minutes=1), now)

    other = str(uuid7())
    r = client.post(f"{API}/alarms/{other}/late", json=good, headers=world.h("ws"))
    assert r.status_code == 400 and "differs from the path" in r.json()["detail"]
    no_sent = {k: v for k, v in good.items() if k != "sent_at"}
    r = client.post(f"{API}/alarms/{alarm_id}/late", json=no_sent, headers=world.h("ws"))
    assert r.status_code == 422
    still_open = {**good, "state": "raised"}
    r = client.post(f"{API}/alarms/{alarm_id}/late", json=still_open, headers=world.h("ws"))
    assert r.status_code == 422  # an open alarm is raised, not reported
    nul = {**good, "alarm": {**good["alarm"], "station_name": "Balie\u00001"}}
    r = client.post(f"{API}/alarms/{alarm_id}/late", json=nul, headers=world.h("ws"))
    assert r.status_code == 422
    skewed = {**good, "sent_at": iso(now - timedelta(hours=2))}
    r = client.post(f"{API}/alarms/{alarm_id}/late", json=skewed, headers=world.h("ws"))
    assert r.status_code == 422 and "sent_at" in r.json()["detail"]
    assert client.get(f"{API}/alarms/{alarm_id}", headers=world.h("lead")).status_code == 404

    r = client.post(f"{API}/alarms/{alarm_id}/late", json=good, headers=world.h("ws"))
    assert r.status_code == 200
    # Another site cannot report under the same id.
    r = client.post(f"{API}/alarms/{alarm_id}/late", json=good, headers=world.h("emp_b"))
    assert r.status_code == 409 and "another site" in r.json()["detail"]
