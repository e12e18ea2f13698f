"""Walk EVERY route of the running server's /openapi.json without a token and with a token of
each role and of a workstation, and check each answer against the role table below."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from tests.server.conftest import PASSWORD, Live, add_user, change, incident_payload, user_token
from veiligbalie.core.ids import uuid7
from veiligbalie.core.vocabulary import Role
from veiligbalie.server import admin

CALLERS = ("none", "employee", "team_lead", "security", "administrator", "workstation")
PUBLIC = frozenset(CALLERS)
USERS = frozenset({"employee", "team_lead", "security", "administrator"})
TOKENS = USERS | {"workstation"}
INCIDENT_ROLES = frozenset({"employee", "team_lead", "security", "workstation"})
ADMIN = frozenset({"administrator"})
ALARM_ROLES = frozenset({"employee", "team_lead", "security", "workstation"})
WORKSTATION = frozenset({"workstation"})
#: Team leads and coordinators (the coordinator is not among the callers walked here).
REVIEW = frozenset({"team_lead"})
#: Supervision: security and team leads (and coordinators, not walked here).
SUPERVISION = frozenset({"team_lead", "security"})

#: (method, path) -> who may call it. Everyone else: 401 without a token, 403 with one.
ROLE_TABLE: dict[tuple[str, str], frozenset[str]] = {
    ("GET", "/healthz"): PUBLIC,
    ("POST", "/api/v1/enroll"): PUBLIC,
    ("POST", "/api/v1/auth/login"): PUBLIC,
    ("POST", "/api/v1/auth/logout"): USERS,
    ("POST", "/api/v1/auth/password"): USERS,
    ("GET", "/api/v1/me"): TOKENS,
    ("POST", "/api/v1/sync/push"): INCIDENT_ROLES,
    ("GET", "/api/v1/sync/pull"): INCIDENT_ROLES,
    ("GET", "/api/v1/incidents"): INCIDENT_ROLES,
    ("GET", "/api/v1/incidents/{incident_id}"): INCIDENT_ROLES,
    ("GET", "/api/v1/admin/organisation"): ADMIN,
    ("POST", "/api/v1/admin/organisation"): ADMIN,
    ("GET", "/api/v1/admin/sites"): ADMIN,
    ("POST", "/api/v1/admin/sites"): ADMIN,
    ("PATCH", "/api/v1/admin/sites/{site_id}"): ADMIN,
    ("GET", "/api/v1/admin/workstations"): ADMIN,
    ("POST", "/api/v1/admin/workstations"): ADMIN,
    ("POST", "/api/v1/admin/workstations/{workstation_id}/enrolment-code"): ADMIN,
    ("PATCH", "/api/v1/admin/workstations/{workstation_id}"): ADMIN,
    ("POST", "/api/v1/admin/workstations/{workstation_id}/revoke"): ADMIN,
    ("GET", "/api/v1/admin/users"): ADMIN,
    ("POST", "/api/v1/admin/users"): ADMIN,
    ("POST", "/api/v1/admin/users/{user_id}/password"): ADMIN,
    ("POST", "/api/v1/admin/tokens/revoke"): ADMIN,
    ("PUT", "/api/v1/admin/users/{user_id}/role"): ADMIN,
    ("PUT", "/api/v1/admin/users/{user_id}/active"): ADMIN,
    ("POST", "/api/v1/admin/users/unlock"): ADMIN,
    ("PUT", "/api/v1/admin/users/{user_id}/team"): ADMIN,
    ("GET", "/api/v1/admin/teams"): ADMIN,
    ("POST", "/api/v1/admin/teams"): ADMIN,
    ("PATCH", "/api/v1/admin/teams/{team_id}"): ADMIN,
    ("DELETE", "/api/v1/admin/teams/{team_id}"): ADMIN,
    ("PUT", "/api/v1/admin/teams/{team_id}/leads/{user_id}"): ADMIN,
    ("DELETE", "/api/v1/admin/teams/{team_id}/leads/{user_id}"): ADMIN,
    ("POST", "/api/v1/alarms"): ALARM_ROLES,
    ("GET", "/api/v1/alarms"): ALARM_ROLES,
    ("GET", "/api/v1/alarms/{alarm_id}"): ALARM_ROLES,
    ("POST", "/api/v1/alarms/{alarm_id}/acknowledge"): ALARM_ROLES,
    ("POST", "/api/v1/alarms/{alarm_id}/resolve"): ALARM_ROLES,
    ("POST", "/api/v1/alarms/{alarm_id}/cancel"): ALARM_ROLES,
    ("POST", "/api/v1/alarms/{alarm_id}/late"): ALARM_ROLES,
    ("POST", "/api/v1/stations/heartbeat"): WORKSTATION,
    ("GET", "/api/v1/admin/stations"): ADMIN,
    ("GET", "/api/v1/admin/sites/{site_id}/escalation"): ADMIN,
    ("PUT", "/api/v1/admin/sites/{site_id}/escalation"): ADMIN,
    ("DELETE", "/api/v1/admin/sites/{site_id}/escalation"): ADMIN,
    ("POST", "/api/v1/admin/sites/{site_id}/escalation/webhook-test"): ADMIN,
    ("GET", "/api/v1/admin/sites/{site_id}/lan"): ADMIN,
    ("PUT", "/api/v1/admin/sites/{site_id}/lan"): ADMIN,
    ("GET", "/api/v1/admin/sites/{site_id}/supervision"): ADMIN,
    ("PUT", "/api/v1/admin/sites/{site_id}/supervision"): ADMIN,
    ("GET", "/api/v1/supervision/sites"): SUPERVISION,
    ("GET", "/api/v1/supervision/board"): SUPERVISION,
    ("GET", "/api/v1/supervision/alarms"): SUPERVISION,
    ("GET", "/api/v1/supervision/alarms/{alarm_id}"): SUPERVISION,
    ("GET", "/api/v1/supervision/tests"): SUPERVISION,
    ("GET", "/api/v1/guidance/cards"): TOKENS,
    ("PUT", "/api/v1/guidance/cards/{language}/{card_id}"): ADMIN,
    ("GET", "/api/v1/guidance/cards/{language}/{card_id}/history"): ADMIN,
    ("GET", "/api/v1/guidance/prevention"): frozenset({"team_lead", "administrator"}),
    ("PUT", "/api/v1/guidance/prevention/{check_id}"): frozenset({"team_lead", "administrator"}),
    ("GET", "/api/v1/guidance/refresher"): USERS,
    ("GET", "/api/v1/organisation/profile"): TOKENS,
    ("PUT", "/api/v1/admin/organisation/profile"): ADMIN,
    ("GET", "/api/v1/letters/templates"): TOKENS,
    ("PUT", "/api/v1/admin/letters/{language}/{kind}"): ADMIN,
    ("GET", "/api/v1/organisation/closing-days"): TOKENS,
    ("POST", "/api/v1/admin/organisation/closing-days"): ADMIN,
    ("DELETE", "/api/v1/admin/organisation/closing-days/{day}"): ADMIN,
    ("GET", "/api/v1/admin/retention"): ADMIN,
    ("PUT", "/api/v1/admin/retention"): ADMIN,
    ("GET", "/api/v1/admin/retention/preview"): ADMIN,
    ("PUT", "/api/v1/guidance/refresher"): USERS,
    ("GET", "/api/v1/people"): REVIEW,
    ("GET", "/api/v1/incidents/{incident_id}/attachments"): INCIDENT_ROLES,
    ("GET", "/api/v1/incidents/{incident_id}/attachments/{sha256}"): INCIDENT_ROLES,
    # Only the reporter or its station uploads (the others may see the report: 403).
    ("PUT", "/api/v1/incidents/{incident_id}/attachments/{sha256}"): WORKSTATION,
    ("GET", "/api/v1/alarms/followup"): REVIEW,
    # The audit log: administrators (and privacy officers, not a caller here) only.
    ("GET", "/api/v1/audit"): ADMIN,
    ("POST", "/api/v1/alarms/{alarm_id}/followup"): REVIEW,
    ("GET", "/api/v1/persons"): REVIEW,
    ("POST", "/api/v1/persons"): REVIEW,
    ("GET", "/api/v1/persons/{person_id}"): REVIEW,
    ("PATCH", "/api/v1/persons/{person_id}"): REVIEW,
    ("PUT", "/api/v1/persons/{person_id}/links/{incident_id}"): REVIEW,
    ("DELETE", "/api/v1/persons/{person_id}/links/{incident_id}"): REVIEW,
    ("POST", "/api/v1/persons/{person_id}/signaleringen"): REVIEW,
    ("PUT", "/api/v1/persons/{person_id}/signaleringen/{signalering_id}"): REVIEW,
    ("POST", "/api/v1/persons/{person_id}/signaleringen/{signalering_id}/state"): REVIEW,
    ("GET", "/api/v1/measures"): TOKENS,
}
CLOSING_DAY = "2027-03-02"  # a Tuesday, no holiday
GUIDANCE_CHECK = uuid.UUID("01930000-0000-7000-8000-000000000001")

#: What an allowed caller gets with the bodies below (a business answer, not an auth one).
ALLOWED_STATUS: dict[tuple[str, str], int] = {
    ("POST", "/api/v1/enroll"): 400,  # an unknown code: the route is reachable without token
    ("POST", "/api/v1/auth/password"): 400,  # wrong current password on purpose
    ("POST", "/api/v1/admin/organisation"): 409,  # exists already
    ("POST", "/api/v1/admin/sites"): 201,
    ("POST", "/api/v1/admin/workstations"): 201,
    ("POST", "/api/v1/admin/workstations/{workstation_id}/enrolment-code"): 201,
    ("POST", "/api/v1/admin/users"): 201,
    # No webhook set for the site (DELETE, sorted first, reset it): nothing to test.
    ("POST", "/api/v1/admin/sites/{site_id}/escalation/webhook-test"): 409,
    # A team nobody made (the role check comes first): 404 for the administrator.
    ("POST", "/api/v1/admin/teams"): 201,
    ("PATCH", "/api/v1/admin/teams/{team_id}"): 404,
    ("DELETE", "/api/v1/admin/teams/{team_id}"): 404,
    ("PUT", "/api/v1/admin/teams/{team_id}/leads/{user_id}"): 404,
    ("DELETE", "/api/v1/admin/teams/{team_id}/leads/{user_id}"): 404,
    # The cancel target is a closed alarm of the workstation: refused by the alarm's rules
    # (after the role check let the caller through).
    ("POST", "/api/v1/alarms/{alarm_id}/cancel"): 409,
    # Asked before any organisation card exists (GET sorts before PUT).
    ("GET", "/api/v1/guidance/cards/{language}/{card_id}/history"): 404,
    # The report lists no files: none to download, none to upload.
    ("GET", "/api/v1/incidents/{incident_id}/attachments/{sha256}"): 404,
    ("PUT", "/api/v1/incidents/{incident_id}/attachments/{sha256}"): 400,
    # The dossier: a person nobody keeps (404), a new one (201), the counter without an
    # identifier (422, after the role check).
    ("POST", "/api/v1/persons"): 201,
    ("GET", "/api/v1/persons/{person_id}"): 404,
    ("PATCH", "/api/v1/persons/{person_id}"): 404,
    ("PUT", "/api/v1/persons/{person_id}/links/{incident_id}"): 404,
    ("DELETE", "/api/v1/persons/{person_id}/links/{incident_id}"): 404,
    ("POST", "/api/v1/persons/{person_id}/signaleringen"): 404,
    ("PUT", "/api/v1/persons/{person_id}/signaleringen/{signalering_id}"): 404,
    ("POST", "/api/v1/persons/{person_id}/signaleringen/{signalering_id}/state"): 404,
    ("GET", "/api/v1/measures"): 422,
    # No closing day yet when it is removed (DELETE sorts before POST); then one is added.
    ("DELETE", "/api/v1/admin/organisation/closing-days/{day}"): 404,
    ("POST", "/api/v1/admin/organisation/closing-days"): 201,
}


def bodies(
    live: Live, victim: uuid.UUID, alarm_id: uuid.UUID, closed_id: uuid.UUID
) -> dict[tuple[str, str], Callable[[], Any]]:
    w = live.world
    now = lambda: datetime.now(UTC).isoformat()  # noqa: E731
    return {
        ("POST", "/api/v1/alarms"): lambda: {},  # a panic-button gateway's minimal raise
        ("POST", "/api/v1/alarms/{alarm_id}/acknowledge"): lambda: {
            "alarm_id": str(alarm_id),
            "at": now(),
        },
        ("POST", "/api/v1/alarms/{alarm_id}/resolve"): lambda: {
            "alarm_id": str(alarm_id),
            "at": now(),
        },
        ("POST", "/api/v1/alarms/{alarm_id}/cancel"): lambda: {
            "alarm_id": str(closed_id),
            "at": now(),
        },
        # The closed alarm reported again: answered as the server has it.
        ("POST", "/api/v1/alarms/{alarm_id}/late"): lambda: {
            "alarm": {"id": str(closed_id)},
            "state": "resolved",
            "closed": {"alarm_id": str(closed_id), "at": now()},
            "sent_at": now(),
        },
        ("PUT", "/api/v1/admin/sites/{site_id}/escalation"): lambda: {
            "levels": [{"delay_seconds": 0, "targets": ["colleagues"]}]
        },
        ("PUT", "/api/v1/admin/sites/{site_id}/lan"): lambda: {"port": 47470},
        ("PUT", "/api/v1/admin/sites/{site_id}/supervision"): lambda: {
            "opening_hours": [{"weekday": 0, "opens": "08:00", "closes": "17:00"}]
        },
        ("POST", "/api/v1/enroll"): lambda: {"code": "NOPE-NOPE-NOPE"},
        ("POST", "/api/v1/auth/login"): lambda: {"username": "emp", "password": PASSWORD},
        ("POST", "/api/v1/auth/password"): lambda: {
            "old_password": "not the password",
            "new_password": "something long enough",
        },
        ("POST", "/api/v1/sync/push"): lambda: {
            "device_id": str(uuid.uuid4()),
            "changes": [change(1, payload=incident_payload(id=uuid7()))],
        },
        ("POST", "/api/v1/admin/organisation"): lambda: {"name": "X", "address": "Y"},
        ("POST", "/api/v1/admin/sites"): lambda: {"name": f"site-{uuid.uuid4().hex[:8]}"},
        ("PATCH", "/api/v1/admin/sites/{site_id}"): lambda: {"share_log_with_employees": True},
        ("PATCH", "/api/v1/admin/workstations/{workstation_id}"): lambda: {"location": "Balie 1"},
        ("POST", "/api/v1/admin/workstations"): lambda: {
            "site_id": str(w.site_a),
            "name": f"ws-{uuid.uuid4().hex[:8]}",
            "location": "Balie 9",
        },
        ("POST", "/api/v1/admin/users"): lambda: {
            "username": f"u{uuid.uuid4().hex[:8]}",
            "display_name": "Nieuw",
            "role": "employee",
            "site_id": str(w.site_a),
            "password": "a long password",
        },
        ("POST", "/api/v1/admin/users/{user_id}/password"): lambda: {
            "password": "another long password"
        },
        ("POST", "/api/v1/admin/tokens/revoke"): lambda: {"user_id": str(victim)},
        ("PUT", "/api/v1/admin/users/{user_id}/role"): lambda: {
            "role": "employee",
            "site_id": str(w.site_a),
        },
        ("PUT", "/api/v1/admin/users/{user_id}/active"): lambda: {"active": True},
        ("PUT", "/api/v1/admin/users/{user_id}/team"): lambda: {"team_id": None},
        ("POST", "/api/v1/admin/teams"): lambda: {
            "site_id": str(w.site_a),
            "name": f"team-{uuid.uuid4().hex[:8]}",
        },
        ("PATCH", "/api/v1/admin/teams/{team_id}"): lambda: {"name": "Anders"},
        ("POST", "/api/v1/admin/users/unlock"): lambda: {"username": "nobody"},
        ("PUT", "/api/v1/guidance/cards/{language}/{card_id}"): lambda: {
            "markdown": "---\nid: huisregels\ntitle: Huisregels\nsituation: tijdens\n---\nTekst\n"
        },
        ("PUT", "/api/v1/guidance/prevention/{check_id}"): lambda: {
            "id": str(GUIDANCE_CHECK),
            "place": "Balie 1",
            "checked_on": "2026-12-01",
            "items": {"escape_route": True},
        },
        ("PUT", "/api/v1/guidance/refresher"): lambda: {"done_at": now()},
        ("PUT", "/api/v1/admin/organisation/profile"): lambda: {"contact_name": "M. de Vries"},
        ("PUT", "/api/v1/admin/letters/{language}/{kind}"): lambda: {
            "text": "Onderwerp\n\n{org_name}: {behaviour} op {incident_date}."
        },
        ("POST", "/api/v1/alarms/{alarm_id}/followup"): lambda: {"reason": "Vals alarm"},
        ("POST", "/api/v1/admin/organisation/closing-days"): lambda: {"day": CLOSING_DAY},
        ("PUT", "/api/v1/admin/retention"): lambda: {"reports_months": 60},
        ("POST", "/api/v1/persons"): lambda: {"display_name": "Bekende"},
        ("PATCH", "/api/v1/persons/{person_id}"): lambda: {"description": "x"},
        ("POST", "/api/v1/persons/{person_id}/signaleringen"): lambda: {"measure": "access_ban"},
        ("PUT", "/api/v1/persons/{person_id}/signaleringen/{signalering_id}"): lambda: {
            "measure": "access_ban"
        },
        ("POST", "/api/v1/persons/{person_id}/signaleringen/{signalering_id}/state"): lambda: {
            "state": "active"
        },
    }


def test_every_route_against_the_role_table(live: Live) -> None:
    w = live.world
    base = live.url
    spec = httpx.get(f"{base}/openapi.json").json()
    routes = {
        (method.upper(), path)
        for path, ops in spec["paths"].items()
        for method in ops
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert routes == set(ROLE_TABLE), f"routes not in the role table: {routes ^ set(ROLE_TABLE)}"
    for path, ops in spec["paths"].items():
        for op in ops.values():
            assert "200" in op["responses"] or "201" in op["responses"], path
    # An incident every incident role may read: pushed by the workstation, shared log on.
    incident_id = uuid7()
    pushed = httpx.post(
        f"{base}/api/v1/sync/push",
        headers=w.h("ws"),
        json={
            "device_id": str(w.device),
            "changes": [change(1, payload=incident_payload(id=incident_id))],
        },
    )
    assert pushed.json()["accepted"] == [1]
    victim = add_user(w.store, "victim", Role.EMPLOYEE, w.site_a)
    # An open alarm of a user (every caller may answer it) and a closed one of the station.
    alarm_id, closed_id = uuid7(), uuid7()
    raised = httpx.post(f"{base}/api/v1/alarms", headers=w.h("lead"), json={"id": str(alarm_id)})
    assert raised.status_code == 200, raised.text
    ws_raise = {"id": str(closed_id)}
    assert httpx.post(f"{base}/api/v1/alarms", headers=w.h("ws"), json=ws_raise).is_success
    close = {"alarm_id": str(closed_id), "at": datetime.now(UTC).isoformat()}
    closed = httpx.post(f"{base}/api/v1/alarms/{closed_id}/resolve", headers=w.h("ws"), json=close)
    assert closed.json()["state"] == "resolved"
    params = {
        "incident_id": str(incident_id),
        "site_id": str(w.site_a),
        "workstation_id": str(w.workstation),
        "user_id": str(victim),
        "language": "nl",
        "card_id": "huisregels",
        "kind": "warning",
        "check_id": str(GUIDANCE_CHECK),
        "sha256": "0" * 64,
        "person_id": str(uuid7()),
        "signalering_id": str(uuid7()),
        "day": CLOSING_DAY,
        "team_id": str(uuid7()),
    }
    # Revoking the workstation the other calls speak as would spoil them: another one.
    spare = admin.create_workstation(w.store, w.site_a, "spare", "Achter").workstation.id
    body_of = bodies(live, victim, alarm_id, closed_id)
    users = {"employee": "emp", "team_lead": "lead", "security": "sec", "administrator": "admin"}

    def token_of(caller: str) -> str | None:
        if caller == "none":
            return None
        if caller == "workstation":
            return w.tokens["ws"]
        # A fresh token per call: logout and revocation must not spoil the next call.
        return user_token(w.store, w.users[users[caller]])

    checked = 0
    with httpx.Client(base_url=base, timeout=20) as http:
        for method, path in sorted(ROLE_TABLE):
            url = path.format(
                **params, alarm_id=closed_id if path.endswith(("/cancel", "/late")) else alarm_id
            )
            if path.endswith("/revoke") and "/workstations/" in path:
                url = url.replace(str(w.workstation), str(spare))
            for caller in CALLERS:
                token = token_of(caller)
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                make = body_of.get((method, path))
                r = http.request(method, url, headers=headers, json=make() if make else None)
                allowed = caller in ROLE_TABLE[(method, path)]
                if allowed:
                    expected = ALLOWED_STATUS.get((method, path), 200)
                elif caller == "none":
                    expected = 401
                else:
                    expected = 403
                assert r.status_code == expected, (method, path, caller, r.status_code, r.text)
                checked += 1
    assert checked == len(ROLE_TABLE) * len(CALLERS)


def test_docs_are_public(live: Live) -> None:
    for path in ("/openapi.json", "/docs", "/redoc"):
        assert httpx.get(f"{live.url}{path}").status_code == 200
    spec = httpx.get(f"{live.url}/openapi.json").json()
    pull = spec["paths"]["/api/v1/sync/pull"]["get"]["responses"]["200"]
    assert pull["content"]["application/json"]["schema"]["$ref"].endswith("/PullResponse")
    assert "409" in spec["paths"]["/api/v1/sync/push"]["post"]["responses"]
