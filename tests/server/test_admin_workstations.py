"""Beheer > Werkplekken on the server: move a workstation (within its site and to another),
revoke it, its client version in the station list; every change audited, the same messages
through REST and the CLI, 403 for everyone but the administrator."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.server.conftest import World
from veiligbalie.server import admin, auth
from veiligbalie.server import schema as t
from veiligbalie.server.admin import AdminError
from veiligbalie.server.cli import main as cli_main
from veiligbalie.server.store import ServerStore


def audit_rows(store: ServerStore, action: str) -> list[dict[str, Any]]:
    with store.read() as conn:
        rows = conn.execute(
            sa.select(t.audit_log).where(t.audit_log.c.action == action).order_by(t.audit_log.c.at)
        ).all()
    return [dict(r._mapping) for r in rows]


def test_heartbeat_version_reaches_the_station_list(client: TestClient, world: World) -> None:
    beat = client.post(
        "/api/v1/stations/heartbeat",
        headers=world.h("ws"),
        json={"station_id": str(world.workstation), "client_version": "1.4.2"},
    )
    assert beat.status_code == 200, beat.text
    assert beat.json()["client_version"] == "1.4.2" and beat.json()["location"] == "Balie 1"
    # A later heartbeat without a version (an older client) keeps what was known.
    client.post("/api/v1/stations/heartbeat", headers=world.h("ws"), json={})
    (row,) = [
        s
        for s in client.get("/api/v1/admin/stations", headers=world.h("admin")).json()
        if s["workstation_id"] == str(world.workstation)
    ]
    assert row["client_version"] == "1.4.2"
    assert row["online"] is True and row["enrolled"] is True and row["revoked"] is False
    bad = client.post(
        "/api/v1/stations/heartbeat", headers=world.h("ws"), json={"client_version": "x" * 65}
    )
    assert bad.status_code == 422


def test_move_within_the_site_keeps_the_link(client: TestClient, world: World) -> None:
    h = world.h("admin")
    moved = client.patch(
        f"/api/v1/admin/workstations/{world.workstation}", headers=h, json={"location": "Balie 7"}
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["workstation"]["location"] == "Balie 7"
    assert moved.json()["enrolment"] is None
    # The station keeps its token and hears where it now stands.
    me = client.get("/api/v1/me", headers=world.h("ws"))
    assert me.status_code == 200 and me.json()["workstation"]["location"] == "Balie 7"
    beat = client.post("/api/v1/stations/heartbeat", headers=world.h("ws"), json={})
    assert beat.json()["location"] == "Balie 7"
    (row,) = audit_rows(world.store, "workstation_moved")
    detail = json.loads(row["detail"])
    assert detail["old_location"] == "Balie 1" and detail["new_location"] == "Balie 7"
    assert row["actor"] == "admin" and row["user_id"] == world.users["admin"]
    assert row["subject"] == "workstation"


def test_move_to_another_site_ends_the_link_with_a_new_code(
    client: TestClient, world: World
) -> None:
    h = world.h("admin")
    moved = client.patch(
        f"/api/v1/admin/workstations/{world.workstation}",
        headers=h,
        json={"location": "Loket 2", "site_id": str(world.site_b)},
    )
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert body["workstation"]["site_id"] == str(world.site_b)
    assert body["enrolment"]["code"]
    assert client.get("/api/v1/me", headers=world.h("ws")).status_code == 401
    enrolled = client.post("/api/v1/enroll", json={"code": body["enrolment"]["code"]})
    assert enrolled.status_code == 200
    assert enrolled.json()["site_name"] == "Noord" and enrolled.json()["location"] == "Loket 2"


def test_revoke_ends_tokens_and_old_codes(client: TestClient, world: World) -> None:
    h = world.h("admin")
    ws_id = world.workstation
    spare = client.post(f"/api/v1/admin/workstations/{ws_id}/enrolment-code", headers=h).json()
    revoked = client.post(f"/api/v1/admin/workstations/{ws_id}/revoke", headers=h)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["workstation"]["revoked"] is True
    assert revoked.json()["tokens_revoked"] == 1
    assert client.get("/api/v1/me", headers=world.h("ws")).status_code == 401
    again = client.post("/api/v1/enroll", json={"code": spare["code"]})
    assert again.status_code == 400
    rows = client.get("/api/v1/admin/stations", headers=h).json()
    assert next(r for r in rows if r["workstation_id"] == str(ws_id))["revoked"] is True
    listed = client.get("/api/v1/admin/workstations", headers=h).json()
    assert next(r for r in listed if r["id"] == str(ws_id))["revoked"] is True
    # Revoking again changes nothing and is no error.
    twice = client.post(f"/api/v1/admin/workstations/{ws_id}/revoke", headers=h)
    assert twice.status_code == 200 and twice.json()["tokens_revoked"] == 0
    assert len(audit_rows(world.store, "workstation_revoked")) == 1
    # A move of a revoked workstation is refused plainly.
    refused = client.patch(
        f"/api/v1/admin/workstations/{ws_id}", headers=h, json={"location": "Elders"}
    )
    assert refused.status_code == 409 and "revoked" in refused.json()["detail"]
    # A new code is the deliberate way back.
    fresh = client.post(f"/api/v1/admin/workstations/{ws_id}/enrolment-code", headers=h).json()
    assert client.post("/api/v1/enroll", json={"code": fresh["code"]}).status_code == 200
    listed = client.get("/api/v1/admin/workstations", headers=h).json()
    assert next(r for r in listed if r["id"] == str(ws_id))["revoked"] is False


def test_old_code_made_before_the_revocation_is_refused(world: World) -> None:
    """Revocation deletes unused codes; enrolment checks the code's age all the same."""
    store = world.store
    created = admin.create_workstation(store, world.site_a, "balie9", "Balie 9")
    admin.revoke_workstation(store, created.workstation.id)
    code = created.enrolment.code
    from veiligbalie.server import security

    with store.write() as conn:  # as if the code had survived (restored backup)
        row = conn.execute(
            sa.select(t.workstations.c.revoked_at).where(
                t.workstations.c.id == created.workstation.id
            )
        ).one()
        conn.execute(
            sa.insert(t.enrolment_codes).values(
                id=uuid.uuid4(),
                workstation_id=created.workstation.id,
                code_hash=security.hash_code(code),
                expires_at=created.enrolment.expires_at,
                created_at=row.revoked_at,
            )
        )
    with pytest.raises(auth.AuthError, match="revoked"):
        auth.enroll(store, code)


def test_workstation_changes_are_audited_with_who(client: TestClient, world: World) -> None:
    h = world.h("admin")
    created = client.post(
        "/api/v1/admin/workstations",
        headers=h,
        json={"site_id": str(world.site_a), "name": "b5", "location": "Balie 5"},
    ).json()
    ws_id = created["workstation"]["id"]
    client.post(f"/api/v1/admin/workstations/{ws_id}/enrolment-code", headers=h)
    for action in ("workstation_created", "workstation_code_issued"):
        (row,) = [r for r in audit_rows(world.store, action) if r["actor"] == "admin"]
        assert row["user_id"] == world.users["admin"] and json.loads(row["detail"])["name"] == "b5"
        assert "code" not in json.loads(row["detail"])  # the code itself is never logged


@pytest.mark.parametrize("who", ["emp", "lead", "sec", "ws"])
def test_non_administrators_get_403(client: TestClient, world: World, who: str) -> None:
    h = world.h(who)
    ws_id = world.workstation
    assert client.get("/api/v1/admin/stations", headers=h).status_code == 403
    moved = client.patch(f"/api/v1/admin/workstations/{ws_id}", headers=h, json={"location": "X"})
    assert moved.status_code == 403
    assert client.post(f"/api/v1/admin/workstations/{ws_id}/revoke", headers=h).status_code == 403
    created = client.post(
        "/api/v1/admin/workstations",
        headers=h,
        json={"site_id": str(world.site_a), "name": "x", "location": "y"},
    )
    assert created.status_code == 403
    assert audit_rows(world.store, "workstation_moved") == []


def test_mistakes_are_4xx_with_the_cli_message(
    client: TestClient, world: World, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    h = world.h("admin")
    admin.create_workstation(world.store, world.site_b, "balie1", "Noord 1")
    nobody = "00000000-0000-0000-0000-000000000000"
    missing = client.patch(
        f"/api/v1/admin/workstations/{nobody}", headers=h, json={"location": "X"}
    )
    assert missing.status_code == 404 and "no workstation" in missing.json()["detail"]
    blank = client.patch(
        f"/api/v1/admin/workstations/{world.workstation}", headers=h, json={"location": "   "}
    )
    assert blank.status_code == 400
    assert blank.json()["detail"] == "the location must not be empty"
    taken = client.patch(
        f"/api/v1/admin/workstations/{world.workstation}",
        headers=h,
        json={"location": "X", "site_id": str(world.site_b)},
    )
    assert taken.status_code == 409
    with pytest.raises(AdminError) as direct:
        admin.move_workstation(world.store, world.workstation, "X", world.site_b)
    assert taken.json()["detail"] == str(direct.value)
    no_site = client.patch(
        f"/api/v1/admin/workstations/{world.workstation}",
        headers=h,
        json={"location": "X", "site_id": nobody},
    )
    assert no_site.status_code == 404 and "no site" in no_site.json()["detail"]
    assert client.post(f"/api/v1/admin/workstations/{nobody}/revoke", headers=h).status_code == 404
    # The CLI says the same in one line.
    code = cli_main(
        [
            "admin",
            "--database",
            db_url,
            "workstation",
            "move",
            "--workstation",
            str(world.workstation),
            "--location",
            "X",
            "--to-site",
            "Noord",
        ]
    )
    assert code == 2
    assert str(direct.value) in capsys.readouterr().err


def test_cli_move_and_revoke(world: World, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    ws = str(world.workstation)
    args = ["admin", "--database", db_url, "workstation"]
    assert cli_main([*args, "move", "--workstation", ws, "--location", "Balie 8"]) == 0
    assert "now at Balie 8" in capsys.readouterr().out
    assert cli_main([*args, "revoke", "--workstation", "balie1"]) == 0
    assert "revoked (1 token(s) ended)" in capsys.readouterr().out
    assert cli_main([*args, "list"]) == 0
    assert "revoked" in capsys.readouterr().out
    moved, revoked = (
        audit_rows(world.store, "workstation_moved"),
        audit_rows(world.store, "workstation_revoked"),
    )
    assert moved[0]["actor"] == "administrator (command line)"
    assert revoked[0]["station"] == "server console"


@pytest.mark.parametrize("how", ["revoke", "move to another site"])
def test_ending_the_link_closes_the_stream_at_once(
    client: TestClient, world: World, how: str
) -> None:
    """Not at the stream's next token check (15 s): the revoked station is off the
    stations.online list of its site at once."""
    from starlette.websockets import WebSocketDisconnect

    from veiligbalie.protocol import events

    url = f"/api/v1/admin/workstations/{world.workstation}"
    with client.websocket_connect(events.STREAM_PATH, headers=world.h("ws")) as ws:
        assert ws.receive_json()["type"] == "hello"
        started = time.monotonic()
        if how == "revoke":
            answer = client.post(f"{url}/revoke", headers=world.h("admin"))
        else:
            body = {"location": "Loket 1", "site_id": str(world.site_b)}
            answer = client.patch(url, headers=world.h("admin"), json=body)
        assert answer.status_code == 200, answer.text
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                ws.receive_json()
    assert closed.value.code == events.CLOSE_UNAUTHORIZED
    assert time.monotonic() - started < 5
