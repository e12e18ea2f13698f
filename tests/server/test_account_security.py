"""Account security (issue 14) through the real server: sign-in throttling and lockout,
identical answers for unknown users and wrong passwords, tokens revoked on a role change or
deactivation, the common-password policy, security headers, closed CORS, and no token in a
URL or a log line."""

from __future__ import annotations

import json
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.server.conftest import PASSWORD, Live, World, seed_world
from tests.server.test_cli import ok
from tests.support.clock import Clock
from tests.support.server import running_server
from veiligbalie.server import schema as t
from veiligbalie.server.app import create_app
from veiligbalie.server.login_throttle import ThrottlePolicy
from veiligbalie.server.store import ServerStore

API = "/api/v1"


def audit_actions(store: ServerStore, *actions: str) -> list[dict[str, Any]]:
    with store.read() as conn:
        rows = conn.execute(
            sa.select(t.audit_log)
            .where(t.audit_log.c.action.in_(actions))
            .order_by(t.audit_log.c.at)
        ).all()
    return [{**json.loads(r.detail), "action": r.action, "by": r.user_id} for r in rows]


# --- brute force ------------------------------------------------------------------------------


def test_a_thousand_guesses_are_slowed_then_locked_until_an_administrator_unlocks(
    live: Live,
) -> None:
    login = f"{live.url}{API}/auth/login"
    counts: dict[int, int] = {}
    retry_after: set[str] = set()
    with httpx.Client(timeout=30) as http:
        for i in range(1000):
            r = http.post(login, json={"username": "emp", "password": f"guess number {i}"})
            counts[r.status_code] = counts.get(r.status_code, 0) + 1
            if r.status_code == 429:
                retry_after.add(r.headers["Retry-After"])
            assert r.status_code in (401, 423, 429), r.text
        # Only the first three were even checked; the back-off began, the lock followed.
        assert counts[401] == 3
        assert counts[429] == 6 and all(int(s) >= 1 for s in retry_after)
        assert counts[423] == 991
        # The right password during the lockout is refused too.
        r = http.post(login, json={"username": "emp", "password": PASSWORD})
        assert r.status_code == 423 and "administrator" in r.json()["detail"]
        assert "token" not in r.text

        admin = {"Authorization": f"Bearer {live.world.tokens['admin']}"}
        # Not an administrator: no unlock.
        lead = {"Authorization": f"Bearer {live.world.tokens['lead']}"}
        r = http.post(f"{live.url}{API}/admin/users/unlock", json={"username": "emp"}, headers=lead)
        assert r.status_code == 403
        r = http.post(
            f"{live.url}{API}/admin/users/unlock", json={"username": "emp"}, headers=admin
        )
        assert r.status_code == 200 and r.json() == {"was_locked": True}
        r = http.post(login, json={"username": "emp", "password": PASSWORD})
        assert r.status_code == 200, r.text

    store = live.world.store
    assert len(audit_actions(store, "login_failed")) == 3
    assert len(audit_actions(store, "login_locked")) == 1
    refused = audit_actions(store, "login_refused", "login_refused_locked")
    # 997 guesses refused unchecked, and the right password during the lockout.
    assert len(refused) == 998 and {r["username"] for r in refused} == {"emp"}
    assert refused[-1]["action"] == "login_refused_locked"
    assert all(r["address"] == "127.0.0.1" for r in refused)
    unlocked = audit_actions(store, "login_unlocked")
    assert unlocked[-1]["was_locked"] is True
    assert unlocked[-1]["by"] == live.world.users["admin"]


def test_unknown_user_and_wrong_password_answer_alike_in_body_and_time(
    store: ServerStore, db_url: str
) -> None:
    seed_world(store)
    # Throttling out of the way: this measures the password check itself.
    env = {
        "VEILIGBALIE_SERVER_LOGIN_FREE_FAILURES": "10000",
        "VEILIGBALIE_SERVER_LOGIN_ADDRESS_FREE_FAILURES": "10000",
        "VEILIGBALIE_SERVER_LOGIN_LOCKOUT_FAILURES": "10000",
    }
    times: dict[str, list[float]] = {"wrong": [], "unknown": []}
    answers: dict[str, set[tuple[int, str, str]]] = {"wrong": set(), "unknown": set()}
    with running_server(db_url, env=env) as server, httpx.Client(timeout=30) as http:
        url = f"{server.base_url}{API}/auth/login"
        http.post(url, json={"username": "warm", "password": "up up up up"})
        for i in range(25):
            for kind, username in (("wrong", "emp"), ("unknown", f"ghost{i}")):
                started = time.perf_counter()
                r = http.post(url, json={"username": username, "password": "not it at all"})
                times[kind].append(time.perf_counter() - started)
                headers = {k: v for k, v in r.headers.items() if k not in ("date",)}
                answers[kind].add((r.status_code, r.text, json.dumps(sorted(headers.items()))))
    assert answers["wrong"] == answers["unknown"]
    ((status, body, _),) = answers["wrong"]
    assert status == 401 and json.loads(body) == {"detail": "wrong username or password"}
    wrong, unknown = statistics.median(times["wrong"]), statistics.median(times["unknown"])
    assert abs(wrong - unknown) <= 0.25 * max(wrong, unknown), (wrong, unknown)


def test_back_off_lockout_and_window_on_an_injected_clock(store: ServerStore) -> None:
    world = seed_world(store)
    clock = Clock(datetime.now(UTC))
    policy = ThrottlePolicy(
        free_failures=3, address_free_failures=20, base_seconds=1, max_seconds=60
    )
    app = create_app(store=store, clock=clock, login_policy=policy)
    with TestClient(app) as client:

        def login(username: str, password: str = "wrong wrong wrong") -> httpx.Response:
            return client.post(
                f"{API}/auth/login", json={"username": username, "password": password}
            )

        assert [login("emp").status_code for _ in range(3)] == [401, 401, 401]
        r = login("emp", PASSWORD)  # the right one, but inside the back-off
        assert r.status_code == 429 and r.headers["Retry-After"] == "2"
        clock.now += timedelta(seconds=3)
        assert login("emp", PASSWORD).status_code == 200  # after the wait: fine, and reset
        assert [login("emp").status_code for _ in range(3)] == [401, 401, 401]
        # Failures older than the window are forgotten: no lock from a slow trickle.
        clock.now += policy.window + timedelta(seconds=1)
        assert login("emp").status_code == 401
        # Unknown names back off and lock exactly like real ones (no enumeration).
        statuses = []
        for _ in range(12):
            statuses.append(login("nobody-here").status_code)
            clock.now += timedelta(minutes=2)  # patient: every wait is over
        assert statuses[:3] == [401] * 3 and 423 in statuses
        assert statuses[statuses.index(423) :] == [423] * (12 - statuses.index(423))
        # A source address that guesses many names backs off too (never locked).
        clock.now += timedelta(hours=1)
        names = [login(f"user{i}").status_code for i in range(25)]
        assert names[:20] == [401] * 20 and set(names[20:]) == {429}
        # A lock lasts: hours later still 423, until the administrator's route lifts it.
        clock.now += timedelta(hours=5)
        assert login("nobody-here").status_code == 423
        r = client.post(
            f"{API}/admin/users/unlock", json={"username": "Nobody-Here"}, headers=world.h("admin")
        )
        assert r.json() == {"was_locked": True}
        assert login("nobody-here").status_code == 401


def test_unlock_from_the_command_line(
    capsys: pytest.CaptureFixture[str], store: ServerStore, db_url: str
) -> None:
    seed_world(store)
    with TestClient(create_app(store=store)) as client:
        for _ in range(10):
            client.post(f"{API}/auth/login", json={"username": "lead", "password": "x" * 12})
        r = client.post(f"{API}/auth/login", json={"username": "lead", "password": PASSWORD})
        assert r.status_code == 423
        assert "lead unlocked" in ok(capsys, db_url, "user", "unlock", "--user", "lead")
        assert "was not locked" in ok(capsys, db_url, "user", "unlock", "--user", "lead")
        r = client.post(f"{API}/auth/login", json={"username": "lead", "password": PASSWORD})
        assert r.status_code == 200


# --- tokens -----------------------------------------------------------------------------------


def test_role_change_and_deactivation_revoke_tokens_and_keep_history(
    client: TestClient, world: World
) -> None:
    emp = world.users["emp"]
    assert client.get(f"{API}/me", headers=world.h("emp")).status_code == 200
    r = client.put(
        f"{API}/admin/users/{emp}/role", json={"role": "team_lead"}, headers=world.h("admin")
    )
    assert r.status_code == 200 and r.json()["role"] == "team_lead"
    r = client.get(f"{API}/me", headers=world.h("emp"))
    assert r.status_code == 401 and "revoked" in r.json()["detail"]
    # A role that needs a site, for a user without one: a clear 400.
    r = client.put(
        f"{API}/admin/users/{world.users['admin']}/role",
        json={"role": "employee"},
        headers=world.h("admin"),
    )
    assert r.status_code == 400 and "needs a site" in r.json()["detail"]

    token = client.post(f"{API}/auth/login", json={"username": "emp", "password": PASSWORD})
    fresh = {"Authorization": f"Bearer {token.json()['token']}"}
    assert client.get(f"{API}/me", headers=fresh).json()["user"]["role"] == "team_lead"
    r = client.put(
        f"{API}/admin/users/{emp}/active", json={"active": False}, headers=world.h("admin")
    )
    assert r.status_code == 200 and r.json()["active"] is False
    assert client.get(f"{API}/me", headers=fresh).status_code == 401
    # A deactivated user gets the same answer as a wrong password.
    r = client.post(f"{API}/auth/login", json={"username": "emp", "password": PASSWORD})
    assert r.status_code == 401 and r.json() == {"detail": "wrong username or password"}
    r = client.put(
        f"{API}/admin/users/{world.users['admin']}/active",
        json={"active": False},
        headers=world.h("admin"),
    )
    assert r.status_code == 409 and "yourself" in r.json()["detail"]
    r = client.put(
        f"{API}/admin/users/{emp}/active", json={"active": True}, headers=world.h("admin")
    )
    assert r.json()["active"] is True
    r = client.post(f"{API}/auth/login", json={"username": "emp", "password": PASSWORD})
    assert r.status_code == 200
    history = audit_actions(world.store, "user_role_changed", "user_deactivated", "user_activated")
    assert [h["action"] for h in history] == [
        "user_role_changed",
        "user_deactivated",
        "user_activated",
    ]
    assert history[0]["old_role"] == "employee" and history[0]["new_role"] == "team_lead"
    assert history[0]["tokens_revoked"] == 1 and history[1]["tokens_revoked"] == 1
    assert all(h["by"] == world.users["admin"] for h in history)


def test_set_role_and_deactivate_from_the_command_line(
    capsys: pytest.CaptureFixture[str], db_url: str, world: World
) -> None:
    out = ok(capsys, db_url, "user", "set-role", "--user", "sec", "--role", "coordinator")
    assert "sec is now coordinator" in out
    out = ok(capsys, db_url, "user", "deactivate", "--user", "emp2")
    assert "emp2 deactivated" in out
    assert "emp2" in ok(capsys, db_url, "user", "list").split("(deactivated)")[0].splitlines()[-1]
    with TestClient(create_app(store=world.store)) as client:
        for who in ("sec", "emp2"):
            assert client.get(f"{API}/me", headers=world.h(who)).status_code == 401
    assert "emp2 can sign in again" in ok(capsys, db_url, "user", "activate", "--user", "emp2")


@pytest.mark.parametrize("password", ["wachtwoord", "Welkom2026", "qwertyuiop", " Password123 "])
def test_common_passwords_are_refused_at_create_reset_and_change(
    client: TestClient, world: World, password: str
) -> None:
    user = {"username": "nieuw", "display_name": "Nieuw", "role": "employee"}
    r = client.post(
        f"{API}/admin/users",
        json={**user, "site_id": str(world.site_a), "password": password},
        headers=world.h("admin"),
    )
    assert r.status_code == 400 and "common passwords" in r.json()["detail"]
    r = client.post(
        f"{API}/admin/users/{world.users['emp']}/password",
        json={"password": password},
        headers=world.h("admin"),
    )
    assert r.status_code == 400 and "common passwords" in r.json()["detail"]
    r = client.post(
        f"{API}/auth/password",
        json={"old_password": PASSWORD, "new_password": password},
        headers=world.h("emp"),
    )
    assert r.status_code == 400 and "common passwords" in r.json()["detail"]
    # Nothing changed: the old password still signs in.
    r = client.post(f"{API}/auth/login", json={"username": "emp", "password": PASSWORD})
    assert r.status_code == 200


def test_the_common_password_list_is_data_of_a_few_thousand() -> None:
    from veiligbalie.server.security import common_passwords

    words = common_passwords()
    assert len(words) > 3000
    assert {"wachtwoord", "welkom01", "password", "123456"} <= words
    assert PASSWORD not in words


# --- headers, CORS, tokens in URLs --------------------------------------------------------------


def test_security_headers_and_closed_cors(live: Live) -> None:
    with httpx.Client(timeout=10) as http:
        me = http.get(
            f"{live.url}{API}/me", headers={"Authorization": f"Bearer {live.world.tokens['emp']}"}
        )
        for r in (me, http.get(f"{live.url}/healthz"), http.get(f"{live.url}{API}/nothing")):
            assert r.headers["X-Content-Type-Options"] == "nosniff"
            assert r.headers["Cache-Control"] == "no-store"
            assert r.headers["Referrer-Policy"] == "no-referrer"
            assert r.headers["X-Frame-Options"] == "DENY"
            assert "default-src 'none'" in r.headers["Content-Security-Policy"]
            assert "Strict-Transport-Security" not in r.headers  # plain HTTP here
        evil = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
        pre = http.options(f"{live.url}{API}/auth/login", headers=evil)
        assert pre.status_code == 204 and pre.headers["Allow"] == "OPTIONS, POST"
        assert not any(k.lower().startswith("access-control-") for k in pre.headers)
        r = http.get(f"{live.url}/healthz", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in r.headers
        r = http.delete(f"{live.url}{API}/admin/users")
        assert r.status_code == 405 and r.headers["Allow"] == "GET, OPTIONS, POST"


def test_hsts_over_tls(client: TestClient) -> None:
    r = TestClient(client.app, base_url="https://testserver").get("/healthz")
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")


def test_a_token_in_the_url_is_refused_and_never_logged(live: Live) -> None:
    token = live.world.tokens["lead"]
    with connect(f"{live.server.ws_url}{API}/stream?token={token}", open_timeout=10) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    assert "Authorization header" in closed.value.rcvd.reason
    r = httpx.get(f"{live.url}{API}/me?token={token}", timeout=10)
    assert r.status_code == 401
    # The header works (and the stream says hello).
    bearer = {"Authorization": f"Bearer {token}"}
    with connect(
        f"{live.server.ws_url}{API}/stream", open_timeout=10, additional_headers=bearer
    ) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "hello"
    live.server.stop()
    log = live.server.log_path.read_text(errors="replace")
    assert "/api/v1/me?token=***" in log and "stream?token=***" in log
    assert token not in log
    assert uuid.UUID(str(live.world.users["lead"]))  # the world is still the one we used
