"""Teams, team leads and one-time passwords: the administrator's REST routes and the CLI share
one set of rules and messages, every change is audited, a non-administrator gets 403, and a
report marked "only my team lead" reaches the reporter's team leads only (real server)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.server.conftest import (
    Live,
    World,
    add_user,
    change,
    incident_payload,
    pull_all,
    user_token,
)
from veiligbalie.core.ids import uuid7
from veiligbalie.core.vocabulary import Role
from veiligbalie.server import schema as t
from veiligbalie.server.cli import main
from veiligbalie.server.store import ServerStore

API = "/api/v1"
ADMIN = f"{API}/admin"


def _audit(store: ServerStore, action: str) -> list[Any]:
    with store.read() as conn:
        return list(
            conn.execute(sa.select(t.audit_log).where(t.audit_log.c.action == action)).all()
        )


def test_teams_and_leads_through_the_api_audited(client: TestClient, world: World) -> None:
    h = world.h("admin")
    made = client.post(
        f"{ADMIN}/teams", headers=h, json={"site_id": str(world.site_a), "name": "Burgerzaken"}
    )
    assert made.status_code == 201, made.text
    team = made.json()
    assert team["site_name"] == "Centrum" and team["leads"] == [] and team["members"] == 0
    lead = client.put(f"{ADMIN}/teams/{team['id']}/leads/{world.users['lead']}", headers=h)
    assert lead.status_code == 200, lead.text
    assert [x["username"] for x in lead.json()["leads"]] == ["lead"]
    member = client.put(
        f"{ADMIN}/users/{world.users['emp']}/team", headers=h, json={"team_id": team["id"]}
    )
    assert member.status_code == 200 and member.json()["team_id"] == team["id"]
    renamed = client.patch(f"{ADMIN}/teams/{team['id']}", headers=h, json={"name": "Publiekszaken"})
    assert renamed.json()["name"] == "Publiekszaken" and renamed.json()["members"] == 1
    listed = client.get(f"{ADMIN}/teams", headers=h).json()
    assert [(x["name"], x["members"]) for x in listed] == [("Publiekszaken", 1)]
    users = {u["username"]: u for u in client.get(f"{ADMIN}/users", headers=h).json()}
    assert users["emp"]["team_id"] == team["id"] and users["emp2"]["team_id"] is None
    unlead = client.delete(f"{ADMIN}/teams/{team['id']}/leads/{world.users['lead']}", headers=h)
    assert unlead.status_code == 200 and unlead.json()["leads"] == []
    gone = client.delete(f"{ADMIN}/teams/{team['id']}", headers=h)
    assert gone.status_code == 200 and "1 member" in gone.json()["detail"]
    users = {u["username"]: u for u in client.get(f"{ADMIN}/users", headers=h).json()}
    assert users["emp"]["team_id"] is None
    # Who and when, for every change.
    for action in (
        "team_created",
        "team_lead_added",
        "user_team_changed",
        "team_renamed",
        "team_lead_removed",
        "team_deleted",
    ):
        rows = _audit(world.store, action)
        assert len(rows) >= 1, action
        assert rows[0].actor == "admin" and rows[0].user_id == world.users["admin"]
        assert rows[0].at is not None


def test_team_mistakes_are_4xx_with_the_cli_message(
    client: TestClient, world: World, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    h = world.h("admin")
    site = str(world.site_a)
    blank = client.post(f"{ADMIN}/teams", headers=h, json={"site_id": site, "name": "   "})
    assert blank.status_code == 400 and blank.json()["detail"] == "the team name must not be empty"
    team = client.post(f"{ADMIN}/teams", headers=h, json={"site_id": site, "name": "Balie"}).json()
    dup = client.post(f"{ADMIN}/teams", headers=h, json={"site_id": site, "name": "Balie"})
    assert dup.status_code == 409 and "already has a team named 'Balie'" in dup.json()["detail"]
    unknown = uuid7()
    missing = client.put(f"{ADMIN}/teams/{unknown}/leads/{world.users['lead']}", headers=h)
    assert missing.status_code == 404 and missing.json()["detail"].startswith("no team")
    not_lead = client.put(f"{ADMIN}/teams/{team['id']}/leads/{world.users['emp']}", headers=h)
    assert not_lead.status_code == 400
    assert "emp is not a team lead" in not_lead.json()["detail"]
    elsewhere = client.put(f"{ADMIN}/teams/{team['id']}/leads/{world.users['lead_b']}", headers=h)
    assert (
        elsewhere.status_code == 400 and "does not work at the site" in elsewhere.json()["detail"]
    )
    wrong_site = client.put(
        f"{ADMIN}/users/{world.users['emp_b']}/team", headers=h, json={"team_id": team["id"]}
    )
    assert wrong_site.status_code == 400
    no_team = client.put(
        f"{ADMIN}/users/{world.users['emp']}/team", headers=h, json={"team_id": str(unknown)}
    )
    assert no_team.status_code == 404

    # The command line says the very same things.
    def fails(*args: str) -> str:
        assert main(["admin", "--database", db_url, *args]) == 2
        return capsys.readouterr().err

    assert "the team name must not be empty" in fails(
        "team", "create", "--site", "Centrum", "--name", " "
    )
    assert "already has a team named 'Balie'" in fails(
        "team", "create", "--site", "Centrum", "--name", "Balie"
    )
    assert "emp is not a team lead" in fails("team", "lead", "--team", "Balie", "--user", "emp")
    assert "does not work at the site" in fails(
        "team", "lead", "--team", "Balie", "--user", "lead_b"
    )
    assert "no team 'Nergens'" in fails("user", "set-team", "--user", "emp", "--team", "Nergens")


def test_team_cli_commands(world: World, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    def ok(*args: str) -> str:
        assert main(["admin", "--database", db_url, *args]) == 0
        return capsys.readouterr().out

    assert "team Loket created at Centrum" in ok(
        "team", "create", "--site", "Centrum", "--name", "Loket"
    )
    assert "leads: lead" in ok("team", "lead", "--team", "Loket", "--user", "lead")
    assert "emp is now in team Loket" in ok("user", "set-team", "--user", "emp", "--team", "Loket")
    assert "renamed to Loket Noord" in ok(
        "team", "rename", "--team", "Loket", "--new-name", "Loket Noord"
    )
    listed = ok("team", "list")
    assert "Loket Noord  members=1  leads: lead" in listed
    assert "team Loket Noord" in ok("user", "list")
    assert "every team lead of the site" in ok(
        "team", "unlead", "--team", "Loket Noord", "--user", "lead"
    )
    assert "emp is in no team" in ok("user", "set-team", "--user", "emp", "--none")
    assert "0 member(s)" in ok("team", "delete", "--team", "Loket Noord")
    assert ok("team", "list").strip() == "no teams"
    rows = _audit(world.store, "team_created")
    assert rows and rows[0].actor == "administrator (command line)"


@pytest.mark.parametrize("who", ["emp", "lead", "sec", "ws"])
def test_team_routes_refuse_non_administrators(client: TestClient, world: World, who: str) -> None:
    h = world.h(who)
    team_id, user_id = uuid7(), world.users["lead"]
    for method, path, body in (
        ("GET", f"{ADMIN}/teams", None),
        ("POST", f"{ADMIN}/teams", {"site_id": str(world.site_a), "name": "X"}),
        ("PATCH", f"{ADMIN}/teams/{team_id}", {"name": "Y"}),
        ("DELETE", f"{ADMIN}/teams/{team_id}", None),
        ("PUT", f"{ADMIN}/teams/{team_id}/leads/{user_id}", None),
        ("DELETE", f"{ADMIN}/teams/{team_id}/leads/{user_id}", None),
        ("PUT", f"{ADMIN}/users/{user_id}/team", {"team_id": None}),
        ("POST", f"{ADMIN}/users/{user_id}/password", {}),
        (
            "POST",
            f"{ADMIN}/users",
            {
                "username": "x",
                "display_name": "X",
                "role": "administrator",
                "password": "a long password",
            },
        ),
    ):
        r = client.request(method, path, headers=h, json=body)
        assert r.status_code == 403, (method, path, r.text)
    with world.store.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.teams)).scalar() == 0


def test_a_reset_password_must_be_changed_before_anything_else(
    client: TestClient, world: World
) -> None:
    h = world.h("admin")
    emp = world.users["emp"]
    reset = client.post(f"{ADMIN}/users/{emp}/password", headers=h, json={})
    assert reset.status_code == 200, reset.text
    one_time = reset.json()["one_time_password"]
    assert one_time and len(one_time) >= 16 and reset.json()["must_change_password"] is True
    # The reset signed the user out everywhere.
    assert client.get(f"{API}/me", headers=world.h("emp")).status_code == 401
    login = client.post(f"{API}/auth/login", json={"username": "emp", "password": one_time})
    assert login.status_code == 200
    assert login.json()["user"]["must_change_password"] is True
    bearer = {"Authorization": f"Bearer {login.json()['token']}"}
    me = client.get(f"{API}/me", headers=bearer)
    assert me.status_code == 200 and me.json()["user"]["must_change_password"] is True
    refused = client.get(f"{API}/sync/pull", headers=bearer)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "change your one-time password first"
    changed = client.post(
        f"{API}/auth/password",
        headers=bearer,
        json={"old_password": one_time, "new_password": "mijn eigen lange zin"},
    )
    assert changed.status_code == 200, changed.text
    assert client.get(f"{API}/sync/pull", headers=bearer).status_code == 200
    assert client.get(f"{API}/me", headers=bearer).json()["user"]["must_change_password"] is False
    rows = _audit(world.store, "user_password_reset")
    assert rows and rows[0].actor == "admin" and json.loads(rows[0].detail)["generated"] is True
    # An administrator may give the one-time password too; it is not answered back.
    given = client.post(
        f"{ADMIN}/users/{emp}/password", headers=h, json={"password": "tijdelijk wachtwoord 1"}
    )
    assert given.status_code == 200 and given.json()["one_time_password"] is None


def test_user_created_with_a_team_and_audited(client: TestClient, world: World) -> None:
    h = world.h("admin")
    team = client.post(
        f"{ADMIN}/teams", headers=h, json={"site_id": str(world.site_a), "name": "Vergunningen"}
    ).json()
    body = {
        "username": "nieuw",
        "display_name": "Nieuwe Collega",
        "role": "employee",
        "site_id": str(world.site_a),
        "team_id": team["id"],
        "password": "een lang wachtwoord",
    }
    made = client.post(f"{ADMIN}/users", headers=h, json=body)
    assert made.status_code == 201 and made.json()["team_id"] == team["id"]
    rows = _audit(world.store, "user_created")
    assert rows and rows[0].actor == "admin"
    assert json.loads(rows[0].detail)["username"] == "nieuw"


# --- who sees a report marked "only my team lead" (a real server) -------------------------------


def _push(
    http: httpx.Client, token: str, device: uuid.UUID, payloads: list[dict[str, Any]]
) -> None:
    r = http.post(
        f"{API}/sync/push",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "device_id": str(device),
            "changes": [change(i + 1, payload=p) for i, p in enumerate(payloads)],
        },
    )
    assert r.status_code == 200 and len(r.json()["accepted"]) >= len(payloads), r.text


def test_team_lead_only_reaches_the_reporters_team_leads(live: Live) -> None:
    w = live.world
    store = w.store
    lead_a, lead_b = w.users["lead"], add_user(store, "lead2", Role.TEAM_LEAD, w.site_a)
    emp3 = add_user(store, "emp3", Role.EMPLOYEE, w.site_a)
    coord = add_user(store, "coord", Role.COORDINATOR, None)
    admin_h = w.h("admin")
    with httpx.Client(base_url=live.url, timeout=20) as http:

        def team(name: str, lead: uuid.UUID, members: list[uuid.UUID]) -> str:
            made = http.post(
                f"{ADMIN}/teams", headers=admin_h, json={"site_id": str(w.site_a), "name": name}
            )
            assert made.status_code == 201, made.text
            team_id = made.json()["id"]
            assert http.put(f"{ADMIN}/teams/{team_id}/leads/{lead}", headers=admin_h).is_success
            for m in members:
                r = http.put(f"{ADMIN}/users/{m}/team", headers=admin_h, json={"team_id": team_id})
                assert r.is_success
            return str(team_id)

        team("Team A", lead_a, [w.users["emp"]])
        team("Team B", lead_b, [emp3])
        private_a = incident_payload(
            id=uuid7(), team_lead_only=True, description="Alleen voor de teamleider van team A"
        )
        normal_a = incident_payload(
            id=uuid7(), description="Een gewone melding van team A voor iedereen"
        )
        private_none = incident_payload(
            id=uuid7(), team_lead_only=True, description="Alleen teamleider, melder zonder team"
        )
        _push(http, user_token(store, w.users["emp"]), uuid.uuid4(), [private_a, normal_a])
        _push(http, user_token(store, w.users["emp2"]), uuid.uuid4(), [private_none])

        class Caller:
            def __init__(self, user: uuid.UUID) -> None:
                self.h = {"Authorization": f"Bearer {user_token(store, user)}"}

            def pulled(self) -> set[str]:
                return {
                    c["entity_id"]
                    for c in pull_all(http, self.h)
                    if c["kind"] == "incident.created"
                }

            def detail(self, payload: dict[str, Any]) -> int:
                return http.get(f"{API}/incidents/{payload['id']}", headers=self.h).status_code

            def listed(self) -> set[str]:
                body = http.get(f"{API}/incidents", headers=self.h).json()
                return {i["id"] for i in body["items"]}

        a, b, c = Caller(lead_a), Caller(lead_b), Caller(coord)
        everything = {str(p["id"]) for p in (private_a, normal_a, private_none)}
        assert a.pulled() == everything and a.listed() == everything
        assert b.pulled() == everything - {str(private_a["id"])}
        assert b.listed() == everything - {str(private_a["id"])}
        assert c.pulled() == everything
        assert a.detail(private_a) == 200 and b.detail(private_a) == 404
        assert a.detail(normal_a) == 200 and b.detail(normal_a) == 200
        # A reporter without a team: every team lead of the site, as before teams existed.
        assert a.detail(private_none) == 200 and b.detail(private_none) == 200
        # The team loses its lead: the report goes to every team lead of the site again.
        assert http.delete(
            f"{ADMIN}/teams/{_team_id(store, 'Team A')}/leads/{lead_a}", headers=admin_h
        ).is_success
        b = Caller(lead_b)
        assert b.detail(private_a) == 200 and str(private_a["id"]) in b.pulled()


def _team_id(store: ServerStore, name: str) -> uuid.UUID:
    with store.read() as conn:
        return uuid.UUID(
            str(conn.execute(sa.select(t.teams.c.id).where(t.teams.c.name == name)).scalar())
        )


def test_people_lists_the_reporters_team_leads_first_or_only(
    client: TestClient, world: World
) -> None:
    """``GET /people?incident=``: for a report only team leads see, of a team with a lead,
    only that lead among the team leads; a normal report lists the team's lead first. An
    assignment to another team lead is refused."""
    store = world.store
    lead2 = add_user(store, "lead2", Role.TEAM_LEAD, world.site_a)
    coord = add_user(store, "coord", Role.COORDINATOR, None)
    h = world.h("admin")
    team = client.post(
        f"{ADMIN}/teams", headers=h, json={"site_id": str(world.site_a), "name": "Loket"}
    ).json()
    assert client.put(f"{ADMIN}/teams/{team['id']}/leads/{lead2}", headers=h).is_success
    member = {"team_id": team["id"]}
    assert client.put(f"{ADMIN}/users/{world.users['emp']}/team", headers=h, json=member).is_success
    private = incident_payload(id=uuid7(), team_lead_only=True)
    normal = incident_payload(id=uuid7())
    _push(client, user_token(store, world.users["emp"]), uuid.uuid4(), [private, normal])
    coord_h = {"Authorization": f"Bearer {user_token(store, coord)}"}

    def people(incident: dict[str, Any]) -> list[tuple[str, bool]]:
        r = client.get(f"{API}/people?incident={incident['id']}", headers=coord_h)
        assert r.status_code == 200, r.text
        return [(p["display_name"], p["leads_reporters_team"]) for p in r.json()
                if p["role"] == "team_lead"]  # fmt: skip

    assert people(private) == [("Lead2", True)]
    assert people(normal)[0] == ("Lead2", True) and ("Lead", False) in people(normal)
    # The lead of the site who is not the team's lead cannot see it, nor be given it.
    lead_h = world.h("lead")
    assert client.get(f"{API}/people?incident={private['id']}", headers=lead_h).status_code == 404
    assign = change(
        1,
        kind="incident.assigned",
        entity_id=uuid.UUID(str(private["id"])),
        payload={
            "event_id": str(uuid.uuid4()),
            "assignee_user_id": str(world.users["lead"]),
            "assignee_name": "Lead",
        },
    )
    r = client.post(
        f"{API}/sync/push",
        headers=coord_h,
        json={"device_id": str(uuid.uuid4()), "changes": [assign]},
    )
    assert r.status_code == 200
    assert "team leads of the reporter's team" in r.json()["rejected"][0]["reason"]


def test_the_stream_refuses_a_one_time_password_token(live: Live) -> None:
    """Nothing before the one-time password is changed: not the event stream either."""
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    from veiligbalie.server import admin

    store = live.world.store
    one_time = admin.reset_password(store, "emp").one_time_password
    assert one_time
    with httpx.Client(base_url=live.url, timeout=20) as http:
        login = http.post(f"{API}/auth/login", json={"username": "emp", "password": one_time})
    bearer = {"Authorization": f"Bearer {login.json()['token']}"}
    with connect(
        f"{live.server.ws_url}/api/v1/stream", open_timeout=10, additional_headers=bearer
    ) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    assert "one-time password" in closed.value.rcvd.reason
