"""Who sees what (the role table of the sync contract), on pull, the incident list and the
incident detail: own reports, the shared log, team_lead_only, restricted perpetrator fields
and the audit log of restricted reads."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.server.conftest import World, change, incident_payload, pull_all, push
from veiligbalie.core.ids import uuid7
from veiligbalie.server import admin
from veiligbalie.server import schema as t


def seed(client: TestClient, world: World) -> dict[str, uuid.UUID]:
    """emp reports a plain, a restricted and a team-lead-only incident; emp2 one plain;
    the workstation one; emp_b one at the other site; lead adds a message and a follow-up."""
    ids: dict[str, uuid.UUID] = {}
    specs = {
        "plain": {},
        "restricted": {"perpetrator_known": True, "perpetrator_description": "Man, 40, rode jas"},
        "tlo": {"team_lead_only": True},
    }
    batch = []
    for seq, (name, extra) in enumerate(specs.items(), start=1):
        ids[name] = uuid7()
        batch.append(change(seq, payload=incident_payload(id=ids[name], **extra)))
    assert push(client, world.h("emp"), uuid.uuid4(), batch).json()["accepted"] == [1, 2, 3]
    ids["emp2"] = uuid7()
    push(
        client, world.h("emp2"), uuid.uuid4(), [change(1, payload=incident_payload(id=ids["emp2"]))]
    )
    ids["ws"] = uuid7()
    push(client, world.h("ws"), world.device, [change(1, payload=incident_payload(id=ids["ws"]))])
    ids["other_site"] = uuid7()
    push(
        client,
        world.h("emp_b"),
        uuid.uuid4(),
        [change(1, payload=incident_payload(id=ids["other_site"]))],
    )
    lead = uuid.uuid4()
    message = {"event_id": str(uuid7()), "author": "Teamleider", "text": "Ik bel je vanmiddag"}
    followup = {
        "event_id": str(uuid7()),
        "kind": "aftercare_talk",
        "done": False,
        "note": "",
        "due": "2026-12-31T12:00:00+00:00",
    }
    note = {"event_id": str(uuid7()), "author": "Jan", "text": "Ook een collega zag het"}
    r = push(
        client,
        world.h("lead"),
        lead,
        [
            change(1, "incident.message", ids["plain"], message),
            change(2, "incident.followup", ids["plain"], followup),
        ],
    )
    assert r.json()["accepted"] == [1, 2]
    assert push(
        client, world.h("emp"), uuid.uuid4(), [change(1, "incident.note_added", ids["plain"], note)]
    ).json()["accepted"] == [1]
    return ids


def seen(client: TestClient, world: World, who: str) -> set[tuple[str, str]]:
    """What ``who`` pulls, without the follow-up tasks the server planned itself (they follow
    the same rules: tests/server/test_review.py)."""
    return {
        (c["entity_id"], c["kind"])
        for c in pull_all(client, world.h(who))
        if c["payload"].get("author") != "VeiligBalie"
    }


def test_pull_per_role(client: TestClient, world: World) -> None:
    ids = seed(client, world)
    s = {k: str(v) for k, v in ids.items()}
    created, note, msg, fu = (
        "incident.created",
        "incident.note_added",
        "incident.message",
        "incident.followup",
    )
    own = {
        (s["plain"], created),
        (s["restricted"], created),
        (s["tlo"], created),
        (s["plain"], msg),
        (s["plain"], fu),
        (s["plain"], note),
    }
    # The reporter sees all of their own, including the team lead's message and follow-up.
    assert own <= seen(client, world, "emp")
    # A colleague on a sharing site sees the shared log: not team_lead_only, not messages.
    assert seen(client, world, "emp2") == {
        (s["emp2"], created),
        (s["plain"], created),
        (s["restricted"], created),
        (s["ws"], created),
        (s["plain"], note),
    }
    # The team lead sees everything of the site, nothing of the other site.
    lead = seen(client, world, "lead")
    assert own | {(s["emp2"], created), (s["ws"], created)} == lead
    # Security: summaries of the site without team_lead_only, no notes or messages.
    assert seen(client, world, "sec") == {
        (s["plain"], created),
        (s["restricted"], created),
        (s["emp2"], created),
        (s["ws"], created),
    }
    # The workstation: what was pushed from it.
    assert seen(client, world, "ws") == {(s["ws"], created)}
    assert seen(client, world, "emp_b") == {(s["other_site"], created)}
    assert (s["other_site"], created) not in lead


def test_without_sharing_employees_see_only_their_own(client: TestClient, world: World) -> None:
    ids = seed(client, world)
    admin.set_site_sharing(world.store, world.site_a, False)
    assert {e for e, _ in seen(client, world, "emp2")} == {str(ids["emp2"])}
    listed = client.get("/api/v1/incidents", headers=world.h("emp2")).json()
    assert [i["id"] for i in listed["items"]] == [str(ids["emp2"])] and listed["total"] == 1


def restricted_payload(client: TestClient, world: World, who: str, incident_id: uuid.UUID) -> dict:
    for c in pull_all(client, world.h(who)):
        if c["entity_id"] == str(incident_id) and c["kind"] == "incident.created":
            return c["payload"]
    raise AssertionError("not pulled")


def test_restricted_fields_are_stripped_for_others(client: TestClient, world: World) -> None:
    ids = seed(client, world)
    for who in ("emp2", "sec"):
        payload = restricted_payload(client, world, who, ids["restricted"])
        assert payload["perpetrator_description"] == ""
        assert payload["restricted_stripped"] is True
        detail = client.get(f"/api/v1/incidents/{ids['restricted']}", headers=world.h(who)).json()
        assert detail["incident"]["perpetrator_description"] == ""
        assert detail["restricted_stripped"] is True
    for who in ("emp", "lead"):
        payload = restricted_payload(client, world, who, ids["restricted"])
        assert payload["perpetrator_description"] == "Man, 40, rode jas"
        assert "restricted_stripped" not in payload


def audit_rows(world: World) -> list[tuple]:
    """The audit rows about reports (setting up the world audits its workstations too)."""
    a = t.audit_log.c
    with world.store.read() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                sa.select(a.user_id, a.action, a.incident_id).where(a.subject == "incident")
            )
        ]


def test_each_restricted_read_by_a_team_lead_is_audited(client: TestClient, world: World) -> None:
    ids = seed(client, world)
    pull_all(client, world.h("emp"))  # the reporter reading their own report is no audit event
    pull_all(client, world.h("emp2"))  # stripped: nothing restricted was read
    assert audit_rows(world) == []
    pull_all(client, world.h("lead"))
    # Perpetrator fields and a report only team leads see (restricted as a whole).
    lead = world.users["lead"]
    assert sorted(audit_rows(world), key=lambda r: r[2]) == sorted(
        [
            (lead, "restricted_read.pull", ids["restricted"]),
            (lead, "restricted_read.pull", ids["tlo"]),
        ],
        key=lambda r: r[2],
    )
    client.get(f"/api/v1/incidents/{ids['restricted']}", headers=world.h("lead"))
    client.get(f"/api/v1/incidents/{ids['plain']}", headers=world.h("lead"))
    rows = audit_rows(world)
    assert len(rows) == 3 and rows[2][1] == "restricted_read.detail"


def test_restricted_field_edit_is_stripped_for_colleagues(client: TestClient, world: World) -> None:
    ids = seed(client, world)
    edit = {"event_id": str(uuid7()), "field": "perpetrator_reference", "value": "klantnummer 123"}
    r = push(
        client,
        world.h("emp"),
        uuid.uuid4(),
        [change(1, "incident.field_edited", ids["plain"], edit, 1)],
    )
    assert r.json()["accepted"] == [1]
    colleague = [
        c for c in pull_all(client, world.h("emp2")) if c["kind"] == "incident.field_edited"
    ]
    assert colleague[0]["payload"]["value"] is None
    lead = [c for c in pull_all(client, world.h("lead")) if c["kind"] == "incident.field_edited"]
    assert lead[0]["payload"]["value"] == "klantnummer 123"


def test_marking_team_lead_only_later_hides_earlier_changes(
    client: TestClient, world: World
) -> None:
    ids = seed(client, world)
    assert (str(ids["plain"]), "incident.created") in seen(client, world, "emp2")
    edit = {"event_id": str(uuid7()), "field": "team_lead_only", "value": True}
    push(
        client,
        world.h("emp"),
        uuid.uuid4(),
        [change(1, "incident.field_edited", ids["plain"], edit, 1)],
    )
    assert str(ids["plain"]) not in {e for e, _ in seen(client, world, "emp2")}
    assert str(ids["plain"]) in {e for e, _ in seen(client, world, "lead")}


def test_incident_detail_is_404_when_not_visible(client: TestClient, world: World) -> None:
    ids = seed(client, world)
    assert client.get(f"/api/v1/incidents/{ids['tlo']}", headers=world.h("emp2")).status_code == 404
    assert (
        client.get(f"/api/v1/incidents/{ids['other_site']}", headers=world.h("lead")).status_code
        == 404
    )
    assert client.get(f"/api/v1/incidents/{uuid7()}", headers=world.h("lead")).status_code == 404
    detail = client.get(f"/api/v1/incidents/{ids['plain']}", headers=world.h("emp")).json()
    assert {e["kind"] for e in detail["timeline"]} == {"message", "followup", "note"}
    colleague = client.get(f"/api/v1/incidents/{ids['plain']}", headers=world.h("emp2")).json()
    assert [e["kind"] for e in colleague["timeline"]] == ["note"]


def test_administrator_reads_no_incidents(client: TestClient, world: World) -> None:
    seed(client, world)
    assert client.get("/api/v1/sync/pull", headers=world.h("admin")).status_code == 403
    assert client.get("/api/v1/incidents", headers=world.h("admin")).status_code == 403
    assert push(client, world.h("admin"), uuid.uuid4(), [change(1)]).status_code == 403


def test_employee_cannot_note_on_an_invisible_incident(client: TestClient, world: World) -> None:
    ids = seed(client, world)
    note = {"event_id": str(uuid7()), "author": "X", "text": "Ik weet er meer van"}
    body = push(
        client, world.h("emp2"), uuid.uuid4(), [change(1, "incident.note_added", ids["tlo"], note)]
    ).json()
    assert body["rejected"][0]["reason"].startswith("forbidden")


def test_without_a_shared_log_security_and_colleagues_see_only_their_own(
    client: TestClient, world: World
) -> None:
    ids = seed(client, world)
    admin.set_site_sharing(world.store, world.site_a, False)
    # The site keeps its log to its team leads: a colleague reads only their own report,
    # security (who made none) nothing; the team lead still sees the whole site.
    assert seen(client, world, "emp2") == {(str(ids["emp2"]), "incident.created")}
    assert seen(client, world, "sec") == set()
    assert (str(ids["emp2"]), "incident.created") in seen(client, world, "lead")
    listed = client.get("/api/v1/incidents", headers=world.h("sec")).json()
    assert listed["total"] == 0
