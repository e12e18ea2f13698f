"""The administrator's REST routes mirror the CLI: organisation, sites, workstations with
enrolment codes, users and password reset; mistakes are 4xx with a message."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.server.conftest import World


def test_admin_routes_happy_path(client: TestClient, world: World) -> None:
    h = world.h("admin")
    assert client.get("/api/v1/admin/organisation", headers=h).json()["name"] == "Gemeente Testdorp"
    site = client.post("/api/v1/admin/sites", headers=h, json={"name": "Zuid"})
    assert site.status_code == 201 and site.json()["share_log_with_employees"] is False
    site_id = site.json()["id"]
    patched = client.patch(
        f"/api/v1/admin/sites/{site_id}", headers=h, json={"share_log_with_employees": True}
    )
    assert patched.json()["share_log_with_employees"] is True
    assert {s["name"] for s in client.get("/api/v1/admin/sites", headers=h).json()} == {
        "Centrum",
        "Noord",
        "Zuid",
    }
    ws = client.post(
        "/api/v1/admin/workstations",
        headers=h,
        json={"site_id": site_id, "name": "b1", "location": "Balie 1"},
    )
    assert ws.status_code == 201
    code = ws.json()["enrolment"]["code"]
    ws_id = ws.json()["workstation"]["id"]
    fresh = client.post(
        f"/api/v1/admin/workstations/{ws_id}/enrolment-code?expires_hours=2", headers=h
    )
    assert fresh.status_code == 201 and fresh.json()["code"] != code
    # The new code replaced the old one.
    assert client.post("/api/v1/enroll", json={"code": code}).status_code == 400
    assert client.post("/api/v1/enroll", json={"code": fresh.json()["code"]}).status_code == 200
    stations = client.get("/api/v1/admin/workstations", headers=h).json()
    assert any(s["id"] == ws_id and s["enrolled"] for s in stations)
    user = client.post(
        "/api/v1/admin/users",
        headers=h,
        json={
            "username": "piet",
            "display_name": "Piet",
            "role": "employee",
            "site_id": site_id,
            "password": "een lang wachtwoord",
        },
    )
    assert user.status_code == 201, user.text
    reset = client.post(
        f"/api/v1/admin/users/{user.json()['id']}/password",
        headers=h,
        json={"password": "nog een lang wachtwoord"},
    )
    assert reset.status_code == 200
    login = client.post(
        "/api/v1/auth/login", json={"username": "piet", "password": "nog een lang wachtwoord"}
    )
    assert login.status_code == 200
    assert "piet" in {u["username"] for u in client.get("/api/v1/admin/users", headers=h).json()}


def test_admin_mistakes_are_4xx_with_a_message(client: TestClient, world: World) -> None:
    h = world.h("admin")
    again = client.post("/api/v1/admin/organisation", headers=h, json={"name": "X", "address": "Y"})
    assert again.status_code == 409 and "already exists" in again.json()["detail"]
    dup = client.post("/api/v1/admin/sites", headers=h, json={"name": "Centrum"})
    assert dup.status_code == 409
    missing = client.patch(
        "/api/v1/admin/sites/00000000-0000-0000-0000-000000000000",
        headers=h,
        json={"share_log_with_employees": True},
    )
    assert missing.status_code == 404 and "no site" in missing.json()["detail"]
    taken = client.post(
        "/api/v1/admin/users",
        headers=h,
        json={
            "username": "EMP",
            "display_name": "E",
            "role": "employee",
            "site_id": str(world.site_a),
            "password": "long enough pw",
        },
    )
    assert taken.status_code == 409 and "taken" in taken.json()["detail"]
    weak = client.post(
        "/api/v1/admin/users",
        headers=h,
        json={
            "username": "new",
            "display_name": "N",
            "role": "employee",
            "site_id": str(world.site_a),
            "password": "short",
        },
    )
    assert weak.status_code == 422
    no_site = client.post(
        "/api/v1/admin/users",
        headers=h,
        json={
            "username": "new",
            "display_name": "N",
            "role": "team_lead",
            "password": "long enough pw",
        },
    )
    # The schema says so (issue 14): a request it forbids is refused with 422.
    assert no_site.status_code == 422 and "needs a site" in no_site.text
    bad_role = client.post(
        "/api/v1/admin/users",
        headers=h,
        json={"username": "new", "display_name": "N", "role": "king", "password": "long enough pw"},
    )
    assert bad_role.status_code == 422
    two = client.post(
        "/api/v1/admin/tokens/revoke",
        headers=h,
        json={"all": True, "user_id": str(world.users["emp"])},
    )
    assert two.status_code == 422
    dup_ws = client.post(
        "/api/v1/admin/workstations",
        headers=h,
        json={"site_id": str(world.site_a), "name": "balie1", "location": "x"},
    )
    assert dup_ws.status_code == 409


def test_other_roles_get_403_on_admin_routes(client: TestClient, world: World) -> None:
    for who in ("emp", "lead", "sec", "ws"):
        assert client.get("/api/v1/admin/users", headers=world.h(who)).status_code == 403
