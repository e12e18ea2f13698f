"""Enrolment codes (one use, expiry), login, logout, password change, token expiry and
revocation, through the real app and database."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.server.conftest import PASSWORD, World
from veiligbalie.server import admin
from veiligbalie.server import schema as t


def test_enrolment_code_works_once(client: TestClient, world: World) -> None:
    created = admin.create_workstation(world.store, "Centrum", "balie2", "Balie 2")
    code = created.enrolment.code
    r = client.post(
        "/api/v1/enroll", json={"code": code.lower().replace("-", " "), "device_name": "pc-2"}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["site_name"] == "Centrum" and body["location"] == "Balie 2"
    assert body["org_name"] == "Gemeente Testdorp" and body["server_epoch"] == world.store.epoch
    assert len(base64.b64decode(body["lan_key"])) == 32
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"}).json()
    assert me["kind"] == "workstation" and me["workstation"]["name"] == "balie2"
    again = client.post("/api/v1/enroll", json={"code": code})
    assert again.status_code == 400 and "already used" in again.json()["detail"]


def test_expired_and_unknown_codes_are_refused(client: TestClient, world: World) -> None:
    created = admin.create_workstation(world.store, "Centrum", "balie3", "Balie 3", expires_hours=1)
    with world.store.write() as conn:
        conn.execute(
            sa.update(t.enrolment_codes).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    r = client.post("/api/v1/enroll", json={"code": created.enrolment.code})
    assert r.status_code == 400 and "expired" in r.json()["detail"]
    r = client.post("/api/v1/enroll", json={"code": "AAAA-BBBB-CCCC"})
    assert r.status_code == 400 and r.json()["detail"] == "unknown enrolment code"


def test_re_enrolment_revokes_the_earlier_station_token(client: TestClient, world: World) -> None:
    code = admin.new_enrolment_code(world.store, world.workstation).code
    new = client.post("/api/v1/enroll", json={"code": code}).json()["token"]
    assert client.get("/api/v1/me", headers=world.h("ws")).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {new}"}).status_code == 200


def test_login_me_logout(client: TestClient, world: World) -> None:
    r = client.post("/api/v1/auth/login", json={"username": "LEAD", "password": PASSWORD})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["user"]["role"] == "team_lead" and body["user"]["site_id"] == str(world.site_a)
    headers = {"Authorization": f"Bearer {body['token']}"}
    me = client.get("/api/v1/me", headers=headers).json()
    assert (
        me["kind"] == "user"
        and me["site_name"] == "Centrum"
        and me["share_log_with_employees"] is True
    )
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 200
    gone = client.get("/api/v1/me", headers=headers)
    assert gone.status_code == 401 and "revoked" in gone.json()["detail"]


def test_wrong_password_and_unknown_user_look_the_same(client: TestClient, world: World) -> None:
    wrong = client.post(
        "/api/v1/auth/login", json={"username": "lead", "password": "nope nope nope"}
    )
    unknown = client.post("/api/v1/auth/login", json={"username": "ghost", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "wrong username or password"}


def test_password_change_signs_out_other_sessions(client: TestClient, world: World) -> None:
    login = lambda pw: client.post("/api/v1/auth/login", json={"username": "emp", "password": pw})  # noqa: E731
    here = {"Authorization": f"Bearer {login(PASSWORD).json()['token']}"}
    there = {"Authorization": f"Bearer {login(PASSWORD).json()['token']}"}
    short = client.post(
        "/api/v1/auth/password",
        headers=here,
        json={"old_password": PASSWORD, "new_password": "short"},
    )
    assert short.status_code == 422
    wrong = client.post(
        "/api/v1/auth/password",
        headers=here,
        json={"old_password": "not it at all", "new_password": "a new long password"},
    )
    assert wrong.status_code == 400 and "current password" in wrong.json()["detail"]
    ok = client.post(
        "/api/v1/auth/password",
        headers=here,
        json={"old_password": PASSWORD, "new_password": "a new long password"},
    )
    assert ok.status_code == 200
    assert client.get("/api/v1/me", headers=here).status_code == 200
    assert client.get("/api/v1/me", headers=there).status_code == 401
    assert login(PASSWORD).status_code == 401
    assert login("a new long password").status_code == 200


def test_workstation_has_no_password_or_logout(client: TestClient, world: World) -> None:
    r = client.post(
        "/api/v1/auth/password",
        headers=world.h("ws"),
        json={"old_password": "x", "new_password": "0123456789"},
    )
    assert r.status_code == 403
    assert client.post("/api/v1/auth/logout", headers=world.h("ws")).status_code == 403


def test_expired_token_is_refused(client: TestClient, world: World) -> None:
    with world.store.write() as conn:
        conn.execute(
            sa.update(t.tokens)
            .where(t.tokens.c.user_id == world.users["emp"])
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    r = client.get("/api/v1/me", headers=world.h("emp"))
    assert r.status_code == 401 and "expired" in r.json()["detail"]
    assert r.headers["www-authenticate"] == "Bearer"


def test_revocation_by_user_workstation_and_all(client: TestClient, world: World) -> None:
    r = client.post(
        "/api/v1/admin/tokens/revoke",
        headers=world.h("admin"),
        json={"user_id": str(world.users["emp"])},
    )
    assert r.json() == {"revoked": 1}
    assert client.get("/api/v1/me", headers=world.h("emp")).status_code == 401
    assert client.get("/api/v1/me", headers=world.h("emp2")).status_code == 200
    assert admin.revoke_tokens(world.store, workstation="balie1") == 1
    assert client.get("/api/v1/me", headers=world.h("ws")).status_code == 401
    r = client.post("/api/v1/admin/tokens/revoke", headers=world.h("admin"), json={"all": True})
    assert r.json()["revoked"] == 6  # the five other users and the administrator itself
    assert client.get("/api/v1/me", headers=world.h("admin")).status_code == 401


def test_missing_or_garbage_tokens_are_401(client: TestClient, world: World) -> None:
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    assert (
        client.get("/api/v1/me", headers={"Authorization": "Basic dXNlcjpwdw=="}).status_code == 401
    )
    assert (
        client.get("/api/v1/me", headers={"Authorization": "Bearer " + "x" * 5000}).status_code
        == 401
    )
