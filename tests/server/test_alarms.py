"""The server's alarm routes on both backends: raise (idempotent, minimal gateway body),
acknowledge, resolve and cancel under the alarm's rules with clear 4xx answers, the log,
heartbeats and the online list, escalation settings with a write-only secret, and the CLI."""

from __future__ import annotations

import io
import threading
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.server.conftest import World
from tests.support.clock import Clock
from veiligbalie.core.ids import uuid7
from veiligbalie.server import admin, auth, cli
from veiligbalie.server import schema as t
from veiligbalie.server.app import create_app
from veiligbalie.server.store import ServerStore

API = "/api/v1"


def now() -> str:
    return datetime.now(UTC).isoformat()


def raise_(client: TestClient, world: World, who: str = "ws", **body: Any) -> dict[str, Any]:
    r = client.post(f"{API}/alarms", json=body, headers=world.h(who))
    assert r.status_code == 200, r.text
    return r.json()


def act(client: TestClient, world: World, who: str, alarm_id: str, action: str, **body: Any) -> Any:
    payload = {"alarm_id": alarm_id, "at": now(), **body}
    return client.post(f"{API}/alarms/{alarm_id}/{action}", json=payload, headers=world.h(who))


def log_kinds(client: TestClient, world: World, alarm_id: str) -> list[str]:
    """The alarm log without escalation steps (level 0 is logged whenever its timer ran)."""
    r = client.get(f"{API}/alarms/{alarm_id}", headers=world.h("lead"))
    assert r.status_code == 200, r.text
    return [entry["kind"] for entry in r.json()["log"] if entry["kind"] != "escalated"]


def test_gateway_raise_with_an_empty_body(client: TestClient, world: World) -> None:
    alarm = raise_(client, world)
    assert uuid.UUID(alarm["id"]).version == 7
    assert alarm["station_name"] == "balie1" and alarm["location"] == "Balie 1"
    assert (
        alarm["state"] == "raised" and alarm["kind"] == "silent" and alarm["type"] == "aggression"
    )
    assert alarm["site_id"] == str(world.site_a)
    listed = client.get(f"{API}/alarms?open=true", headers=world.h("emp")).json()["alarms"]
    assert [a["id"] for a in listed] == [alarm["id"]]


def test_raise_is_idempotent_by_id(client: TestClient, world: World) -> None:
    alarm_id = str(uuid7())
    body = {
        "id": alarm_id,
        "kind": "open",
        "type": "medical",
        "station_id": str(uuid.uuid4()),
        "station_name": "Balie 1",
        "location": "Balie 1, publiekshal",
        "raised_by": "Jan",
        "raised_at": now(),
    }
    first = raise_(client, world, **body)
    again = raise_(client, world, **body)  # a repeat, e.g. after a reconnect or via a relay
    assert first == again and first["kind"] == "open" and first["location"].endswith("hal")
    assert log_kinds(client, world, alarm_id).count("raised") == 1
    # Another site cannot take over the id.
    r = client.post(f"{API}/alarms", json={"id": alarm_id}, headers=world.h("emp_b"))
    assert r.status_code == 409 and "another site" in r.json()["detail"]


def test_acknowledge_resolve_and_their_rules(client: TestClient, world: World) -> None:
    alarm_id = raise_(client, world)["id"]
    own = act(client, world, "ws", alarm_id, "acknowledge")
    assert own.status_code == 409 and "raised the alarm cannot acknowledge" in own.json()["detail"]
    station = str(uuid.uuid4())
    ack = dict(responder="Piet", station_id=station, station_name="Balie 2")
    r = act(client, world, "emp", alarm_id, "acknowledge", **ack)
    assert r.status_code == 200 and r.json()["state"] == "acknowledged"
    again = act(client, world, "emp", alarm_id, "acknowledge", **ack)
    assert len(again.json()["responders"]) == 1 and again.json()["responders"][0]["responder"] == (
        "Piet"
    )
    r = act(client, world, "sec", alarm_id, "acknowledge", responder="Beveiliging")
    assert [x["responder"] for x in r.json()["responders"]] == ["Piet", "Beveiliging"]

    r = act(client, world, "emp", alarm_id, "resolve", by="Piet")
    assert r.status_code == 200 and r.json()["state"] == "resolved"
    assert act(client, world, "emp", alarm_id, "resolve").status_code == 200  # a repeat
    late = act(client, world, "emp2", alarm_id, "acknowledge")
    assert late.status_code == 409 and "already resolved" in late.json()["detail"]
    cancel = act(client, world, "ws", alarm_id, "cancel")
    assert cancel.status_code == 409 and "closed" in cancel.json()["detail"]
    assert log_kinds(client, world, alarm_id) == [
        "raised",
        "acknowledged",
        "acknowledged",
        "resolved",
    ]
    assert client.get(f"{API}/alarms?open=true", headers=world.h("ws")).json()["alarms"] == []


def test_cancel_only_by_the_sender_within_the_window(client: TestClient, world: World) -> None:
    alarm_id = raise_(client, world)["id"]
    r = act(client, world, "lead", alarm_id, "cancel")
    assert r.status_code == 409 and "only the station that raised" in r.json()["detail"]
    r = act(client, world, "ws", alarm_id, "cancel", by="Jan")
    assert r.status_code == 200 and r.json()["state"] == "cancelled"
    assert act(client, world, "ws", alarm_id, "cancel").status_code == 200  # a repeat
    resolve = act(client, world, "emp", alarm_id, "resolve")
    assert resolve.status_code == 409 and "cancelled to resolved" in resolve.json()["detail"]


def test_the_cancel_window_counts_on_the_servers_receipt_times(
    store: ServerStore, world: World
) -> None:
    """Issue 14: a cancel received 13 s after the raise is refused even when it claims to
    have been pressed 5 s after it; a claimed 2000-01-01 is refused, never stored."""
    clock = Clock(datetime.now(UTC))
    with TestClient(create_app(store=store, clock=clock)) as client:
        raised_at = clock()
        alarm = raise_(client, world, raised_at=raised_at.isoformat())
        clock.now = raised_at + timedelta(seconds=13)
        claim = (raised_at + timedelta(seconds=5)).isoformat()
        r = act(client, world, "ws", alarm["id"], "cancel", at=claim)
        assert r.status_code == 409 and "cancel window has passed" in r.json()["detail"]

        # Within 10 s of the server's receipt it is a Vergissing, whatever the station says.
        inside = raise_(client, world, raised_at=clock().isoformat())
        clock.now += timedelta(seconds=9)
        r = act(client, world, "ws", inside["id"], "cancel", at=clock().isoformat())
        assert r.status_code == 200 and r.json()["state"] == "cancelled"

        r = client.post(
            f"{API}/alarms", json={"raised_at": "2000-01-01T00:00:00+00:00"}, headers=world.h("ws")
        )
        assert r.status_code == 422 and "from the server's clock" in r.json()["detail"]
        r = act(client, world, "emp", alarm["id"], "acknowledge", at="2000-01-01T00:00:00Z")
        assert r.status_code == 422 and "from the server's clock" in r.json()["detail"]

        # The log keeps the server's receipt times, the station's clock only as its claim.
        skewed = clock() - timedelta(minutes=4)
        kept = raise_(client, world, raised_at=skewed.isoformat())
        assert datetime.fromisoformat(kept["raised_at"]) == clock()
        log = client.get(f"{API}/alarms/{kept['id']}", headers=world.h("lead")).json()["log"]
        first = next(e for e in log if e["kind"] == "raised")
        assert datetime.fromisoformat(first["at"]) == clock()
        assert datetime.fromisoformat(first["claimed_at"]) == skewed
        with store.read() as conn:
            row = conn.execute(
                sa.select(t.alarms).where(t.alarms.c.id == uuid.UUID(kept["id"]))
            ).one()
        assert row.raised_at == clock() and row.raised_at_claimed == skewed


def test_other_sites_and_bad_requests(client: TestClient, world: World) -> None:
    alarm_id = raise_(client, world)["id"]
    assert client.get(f"{API}/alarms/{alarm_id}", headers=world.h("emp_b")).status_code == 404
    assert act(client, world, "emp_b", alarm_id, "acknowledge").status_code == 404
    assert client.get(f"{API}/alarms?open=true", headers=world.h("emp_b")).json()["alarms"] == []
    unknown = str(uuid7())
    r = act(client, world, "emp", unknown, "resolve")
    assert r.status_code == 404 and r.json()["detail"] == "no such alarm"
    r = client.post(
        f"{API}/alarms/{alarm_id}/acknowledge",
        json={"alarm_id": unknown, "at": now()},
        headers=world.h("emp"),
    )
    assert r.status_code == 400 and "differs from the path" in r.json()["detail"]
    for bad in ({"type": "fire"}, {"location": "x" * 121}, {"raised_at": "2026-01-01T10:00"}):
        r = client.post(f"{API}/alarms", json=bad, headers=world.h("ws"))
        assert r.status_code == 422, bad
    r = client.post(f"{API}/alarms", json={"station_name": "a\x00b"}, headers=world.h("ws"))
    assert r.status_code == 422
    assert client.post(f"{API}/alarms", json={}, headers=world.h("admin")).status_code == 403


def test_heartbeat_makes_a_station_online(client: TestClient, world: World) -> None:
    stations = client.get(f"{API}/admin/stations", headers=world.h("admin")).json()
    assert [(s["name"], s["online"]) for s in stations] == [("balie1", False)]
    station_id = str(uuid.uuid4())
    r = client.post(
        f"{API}/stations/heartbeat", json={"station_id": station_id}, headers=world.h("ws")
    )
    assert r.status_code == 200 and r.json()["online"] is True
    stations = client.get(f"{API}/admin/stations", headers=world.h("admin")).json()
    assert stations[0]["online"] is True and stations[0]["station_id"] == station_id
    assert stations[0]["via"] == "heartbeat"
    assert client.post(f"{API}/stations/heartbeat", headers=world.h("emp")).status_code == 403
    assert client.get(f"{API}/admin/stations", headers=world.h("lead")).status_code == 403


def test_escalation_settings_keep_the_secret_to_themselves(
    client: TestClient, world: World
) -> None:
    url = f"{API}/admin/sites/{world.site_a}/escalation"
    default = client.get(url, headers=world.h("admin")).json()
    assert default["default"] is True and len(default["levels"]) == 3
    body = {
        "levels": [
            {"delay_seconds": 0, "targets": ["colleagues"]},
            {"delay_seconds": 20, "targets": ["security", "team_lead"]},
            {"delay_seconds": 60, "webhook": True},
        ],
        "webhook_url": "https://meldkamer.example.nl/hook",
        "webhook_secret": "s3cret-signing-key",
    }
    r = client.put(url, json=body, headers=world.h("admin"))
    assert r.status_code == 200, r.text
    assert "s3cret" not in r.text and r.json()["webhook_secret_set"] is True
    assert "s3cret" not in client.get(url, headers=world.h("admin")).text
    # Leaving the secret out keeps it.
    kept = client.put(url, json={**body, "webhook_secret": None}, headers=world.h("admin"))
    assert kept.json()["webhook_secret_set"] is True
    for bad, message in [
        ({"levels": [{"delay_seconds": 5, "targets": ["janitor"]}]}, "unknown target"),
        ({**body, "webhook_url": None}, "needs --webhook-url"),
        ({**body, "webhook_url": "ftp://x"}, "http(s)"),
        (
            {
                "levels": [
                    {"delay_seconds": 20, "targets": ["security"]},
                    {"delay_seconds": 5, "targets": ["team_lead"]},
                ]
            },
            "in order",
        ),
    ]:
        r = client.put(url, json=bad, headers=world.h("admin"))
        assert r.status_code == 400 and message in r.json()["detail"], (bad, r.text)
    # A level that alerts nobody breaks the schema's own rule (issue 14): 422, with why.
    r = client.put(url, json={"levels": [{"delay_seconds": 5}]}, headers=world.h("admin"))
    assert r.status_code == 422 and "alerts nobody" in r.text
    r = client.put(
        url,
        json={"levels": [{"delay_seconds": -1, "targets": ["security"]}]},
        headers=world.h("admin"),
    )
    assert r.status_code == 422


def test_cli_escalation(store: ServerStore, world: World, monkeypatch, capsys) -> None:  # noqa: ANN001
    db = ["--database", store.url]
    monkeypatch.setattr("sys.stdin", io.StringIO("geheim-dat-niemand-ziet\n"))
    code = cli.main(
        [
            "admin", *db, "escalation", "set", "--site", "Centrum",
            "--level", "0s:colleagues", "--level", "300ms:security,team_lead",
            "--level", "1m:webhook", "--webhook-url", "http://127.0.0.1:9/hook",
            "--webhook-secret-stdin",
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert "level 1: after 0.3 s -> security, team_lead" in out
    assert "level 2: after 60 s -> webhook" in out
    assert "geheim" not in out and "signing secret set" in out
    assert cli.main(["admin", *db, "escalation", "show", "--site", "Centrum"]) == 0
    assert "geheim" not in capsys.readouterr().out
    for level, message in [("20x:security", "not a delay"), ("20s", "DELAY:TARGET")]:
        code = cli.main(["admin", *db, "escalation", "set", "--site", "Centrum", "--level", level])
        assert code == 2 and message in capsys.readouterr().err
    code = cli.main(
        ["admin", *db, "escalation", "set", "--site", "Nergens", "--level", "1s:security"]
    )
    assert code == 2 and "no site 'Nergens'" in capsys.readouterr().err
    assert cli.main(["admin", *db, "escalation", "reset", "--site", "Centrum"]) == 0
    assert "built-in default" in capsys.readouterr().out
    assert cli.main(["admin", *db, "station", "list"]) == 0
    assert "offline  balie1" in capsys.readouterr().out


@pytest.mark.parametrize("who", ["lead", "ws"])
def test_a_user_or_station_of_another_site_cannot_see_the_log(
    client: TestClient, world: World, store: ServerStore, who: str
) -> None:
    created = admin.create_workstation(store, world.site_b, "noord1", "Noord balie")
    token = auth.enroll(store, created.enrolment.code).token
    alarm_id = raise_(client, world, who)["id"]
    r = client.get(f"{API}/alarms/{alarm_id}", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 404


def _stream_until_raised(ws: Any, alarm_id: str) -> dict[str, Any]:
    while True:
        event = ws.receive_json()
        if event.get("type") == "alarm.raised" and event["alarm"]["id"] == alarm_id:
            return event


def _stored(store: ServerStore, alarm_id: str) -> int:
    with store.read() as conn:
        query = sa.select(sa.func.count()).where(t.alarms.c.id == uuid.UUID(alarm_id))
        return int(conn.execute(query).scalar_one())


def test_a_raise_reaches_the_stations_before_its_commit_and_the_sender_after_it(
    client: TestClient, world: World, store: ServerStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fan-out does not wait for the database; the sender's answer ("sent") does."""
    from veiligbalie.server import alarms

    real_store_raise = alarms.store_raise
    release = threading.Event()

    def slow_store_raise(*args: Any) -> Any:
        assert release.wait(10)
        return real_store_raise(*args)

    monkeypatch.setattr(alarms, "store_raise", slow_store_raise)
    alarm_id = str(uuid7())
    answers: list[Any] = []
    with client.websocket_connect(f"{API}/stream", headers=world.h("emp")) as ws:
        assert ws.receive_json()["type"] == "hello"
        sender = threading.Thread(
            target=lambda: answers.append(
                client.post(f"{API}/alarms", json={"id": alarm_id}, headers=world.h("ws"))
            )
        )
        sender.start()
        try:
            event = _stream_until_raised(ws, alarm_id)
            assert event["alarm"]["state"] == "raised"
            assert answers == [] and _stored(store, alarm_id) == 0  # not committed, not answered
        finally:
            release.set()
            sender.join(10)
    assert answers[0].status_code == 200, answers[0].text
    assert _stored(store, alarm_id) == 1
    assert log_kinds(client, world, alarm_id)[0] == "raised"


def test_a_raise_whose_commit_fails_is_not_answered_as_sent_and_its_retry_is_stored(
    client: TestClient, world: World, store: ServerStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server losing a raise after its fan-out: the sender hears no "sent" and sends it
    again from its own store (idempotent by id); the stations de-duplicate by id."""
    from veiligbalie.server import alarms

    real_store_raise = alarms.store_raise

    def failing_store_raise(*args: Any) -> Any:
        raise sa.exc.OperationalError("INSERT", {}, Exception("disk I/O error"))

    alarm_id = str(uuid7())
    with client.websocket_connect(f"{API}/stream", headers=world.h("emp")) as ws:
        assert ws.receive_json()["type"] == "hello"
        monkeypatch.setattr(alarms, "store_raise", failing_store_raise)
        r = client.post(f"{API}/alarms", json={"id": alarm_id}, headers=world.h("ws"))
        assert r.status_code == 503
        _stream_until_raised(ws, alarm_id)  # the stations had it all the same
        assert _stored(store, alarm_id) == 0
        monkeypatch.setattr(alarms, "store_raise", real_store_raise)
        again = raise_(client, world, "ws", id=alarm_id)
        assert again["id"] == alarm_id and _stored(store, alarm_id) == 1
        assert raise_(client, world, "ws", id=alarm_id)["id"] == alarm_id  # a repeat: stored once
    assert _stored(store, alarm_id) == 1
