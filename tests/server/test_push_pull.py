"""Push and pull through the real app and database: idempotency, rejection policy, epoch,
cursor paging and stale-edit conflicts."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.server.conftest import World, change, incident_payload, pull_all, push
from veiligbalie.core.ids import uuid7
from veiligbalie.server import schema as t


def count(world: World, table: sa.Table) -> int:
    with world.store.read() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() or 0)


def test_same_batch_twice_is_applied_once(client: TestClient, world: World) -> None:
    batch = [change(1), change(2), change(3)]
    first = push(client, world.h("emp"), world.device, batch)
    assert first.status_code == 200, first.text
    assert first.json()["accepted"] == [1, 2, 3]
    again = push(client, world.h("emp"), world.device, batch, epoch=first.json()["epoch"])
    assert again.json()["accepted"] == [1, 2, 3]
    assert count(world, t.incidents) == 3
    assert count(world, t.changes) == 3


def test_duplicates_within_a_batch_are_applied_once(client: TestClient, world: World) -> None:
    one = change(1)
    r = push(client, world.h("emp"), world.device, [one, one, change(2), one])
    assert r.json()["accepted"] == [1, 2]
    assert count(world, t.incidents) == 2


def test_bad_change_is_rejected_permanently_and_the_rest_applied(
    client: TestClient, world: World
) -> None:
    bad = change(2, payload=incident_payload(id=uuid7(), description="kort"))
    r = push(client, world.h("emp"), world.device, [change(1), bad, change(3)])
    body = r.json()
    assert body["accepted"] == [1, 3]
    assert body["rejected"] == [
        {"device_seq": 2, "reason": "invalid: description too_short", "permanent": True}
    ]
    # A retry gets the same answer and the change is never applied later.
    again = push(client, world.h("emp"), world.device, [bad])
    assert again.json()["rejected"][0]["permanent"] is True
    assert count(world, t.incidents) == 2


def test_unknown_kind_and_payload_id_mismatch_are_rejected(
    client: TestClient, world: World
) -> None:
    odd = change(1)
    odd["kind"] = "incident.teleported"
    mismatch = change(2, entity_id=uuid7(), payload=incident_payload(id=uuid7()))
    body = push(client, world.h("emp"), world.device, [odd, mismatch]).json()
    reasons = {r["device_seq"]: r["reason"] for r in body["rejected"]}
    assert reasons[1].startswith("unknown_kind")
    assert reasons[2] == "invalid: payload id differs from entity_id"


def test_note_for_an_incident_not_yet_on_the_server_is_not_permanent(
    client: TestClient, world: World
) -> None:
    note = {"event_id": str(uuid7()), "author": "Jan", "text": "Hij kwam terug"}
    incident_id = uuid7()
    r = push(
        client, world.h("emp"), world.device, [change(5, "incident.note_added", incident_id, note)]
    )
    assert r.json()["rejected"] == [
        {"device_seq": 5, "reason": f"unknown_incident: {incident_id}", "permanent": False}
    ]
    created = change(1, payload=incident_payload(id=incident_id))
    r = push(
        client,
        world.h("emp"),
        world.device,
        [created, change(5, "incident.note_added", incident_id, note)],
    )
    assert r.json()["accepted"] == [1, 5]


def test_epoch_mismatch_is_409_and_applies_nothing(client: TestClient, world: World) -> None:
    r = push(client, world.h("emp"), world.device, [change(1)], epoch="an-older-epoch")
    assert r.status_code == 409
    assert r.json()["epoch"] == world.store.epoch
    assert "re-upload" in r.json()["detail"]
    assert count(world, t.incidents) == 0


def test_reupload_after_epoch_reset_does_not_duplicate(client: TestClient, world: World) -> None:
    one = change(1)
    push(client, world.h("emp"), world.device, [one])
    # The client re-uploads the same incident under new device_seqs (requeue_all_sent).
    one_again = dict(one, device_seq=7, change_id=str(uuid.uuid4()))
    r = push(client, world.h("emp"), world.device, [one_again])
    assert r.json()["accepted"] == [7]
    assert count(world, t.incidents) == 1 and count(world, t.changes) == 1


def test_same_incident_id_from_another_device_is_rejected(client: TestClient, world: World) -> None:
    one = change(1)
    push(client, world.h("emp"), world.device, [one])
    r = push(client, world.h("emp"), uuid.uuid4(), [one])
    assert r.json()["rejected"][0]["reason"].startswith("duplicate_entity")


def test_pull_pages_by_cursor_in_seq_order(client: TestClient, world: World) -> None:
    push(client, world.h("emp"), world.device, [change(i) for i in range(1, 26)])
    first = client.get("/api/v1/sync/pull?cursor=0&limit=10", headers=world.h("lead")).json()
    assert first["has_more"] is True and len(first["changes"]) == 10
    assert first["cursor"] == first["changes"][-1]["seq"]
    everything = pull_all(client, world.h("lead"), limit=10)
    seqs = [c["seq"] for c in everything]
    assert seqs == sorted(seqs) and len(set(seqs)) == 25
    last = client.get(f"/api/v1/sync/pull?cursor={seqs[-1]}", headers=world.h("lead")).json()
    assert last == {
        "epoch": world.store.epoch,
        "cursor": seqs[-1],
        "has_more": False,
        "changes": [],
    }
    created = everything[0]
    assert created["kind"] == "incident.created"
    assert created["payload"]["status"] == "sent" and created["payload"]["revision"] == 1
    # Another device's id is not given away; the device that pushed recognises its own.
    assert created["origin_device"] is None
    own = client.get(
        "/api/v1/sync/pull?cursor=0&limit=1",
        headers={**world.h("emp"), "X-VB-Device": str(world.device)},
    ).json()
    assert own["changes"][0]["origin_device"] == str(world.device)


def test_cursor_skips_changes_the_caller_cannot_see(client: TestClient, world: World) -> None:
    push(client, world.h("emp_b"), uuid.uuid4(), [change(1), change(2)])
    body = client.get("/api/v1/sync/pull?cursor=0", headers=world.h("lead")).json()
    assert body["changes"] == [] and body["cursor"] == 2 and body["has_more"] is False


def test_stale_field_edit_is_a_conflict(client: TestClient, world: World) -> None:
    created = change(1)
    incident_id = uuid.UUID(created["entity_id"])
    push(client, world.h("emp"), world.device, [created])
    lead_device = uuid.uuid4()
    edit_lead = {"event_id": str(uuid7()), "field": "location", "value": "Spreekkamer 2"}
    r = push(
        client,
        world.h("lead"),
        lead_device,
        [change(1, "incident.field_edited", incident_id, edit_lead, 1)],
    )
    assert r.json()["accepted"] == [1]
    edit_emp = {"event_id": str(uuid7()), "field": "location", "value": "Hal"}
    r = push(
        client,
        world.h("emp"),
        world.device,
        [change(2, "incident.field_edited", incident_id, edit_emp, 1)],
    )
    assert r.json()["conflicts"] == [
        {
            "device_seq": 2,
            "entity_id": str(incident_id),
            "field": "location",
            "server_value": "Spreekkamer 2",
            "your_value": "Hal",
            "server_revision": 2,
        }
    ]
    # Another field edited on the same old revision is no conflict: conflicts are per field.
    edit_other = {"event_id": str(uuid7()), "field": "severity", "value": "high"}
    r = push(
        client,
        world.h("emp"),
        world.device,
        [change(3, "incident.field_edited", incident_id, edit_other, 1)],
    )
    assert r.json()["accepted"] == [3]
    detail = client.get(f"/api/v1/incidents/{incident_id}", headers=world.h("emp")).json()
    assert detail["incident"]["location"] == "Spreekkamer 2"
    assert detail["incident"]["severity"] == "high" and detail["revision"] == 3


def test_field_edit_without_base_revision_or_invalid_value_is_rejected(
    client: TestClient, world: World
) -> None:
    created = change(1)
    incident_id = uuid.UUID(created["entity_id"])
    no_base = change(
        2,
        "incident.field_edited",
        incident_id,
        {"event_id": str(uuid7()), "field": "location", "value": "X"},
    )
    not_editable = change(
        3,
        "incident.field_edited",
        incident_id,
        {"event_id": str(uuid7()), "field": "reporter", "value": "Y"},
        1,
    )
    empty = change(
        4,
        "incident.field_edited",
        incident_id,
        {"event_id": str(uuid7()), "field": "location", "value": ""},
        1,
    )
    body = push(
        client, world.h("emp"), world.device, [created, no_base, not_editable, empty]
    ).json()
    reasons = {r["device_seq"]: r["reason"] for r in body["rejected"]}
    assert reasons[2] == "invalid: a field edit needs base_revision"
    assert "cannot be edited" in reasons[3]
    assert reasons[4] == "invalid: location required"


def test_team_lead_kinds_are_forbidden_for_employees(client: TestClient, world: World) -> None:
    created = change(1)
    incident_id = uuid.UUID(created["entity_id"])
    status = change(
        2, "incident.status_changed", incident_id, {"event_id": str(uuid7()), "status": "closed"}
    )
    body = push(client, world.h("emp"), world.device, [created, status]).json()
    assert body["rejected"][0]["reason"].startswith("forbidden")
    ok = push(client, world.h("lead"), uuid.uuid4(), [dict(status, device_seq=1)]).json()
    assert ok["accepted"] == [1]
    summary = client.get(f"/api/v1/incidents/{incident_id}", headers=world.h("emp")).json()
    assert summary["status"] == "closed"
    assert [e["kind"] for e in summary["timeline"]] == ["status"]


def test_status_only_moves_forward(client: TestClient, world: World) -> None:
    created = change(1)
    incident_id = uuid.UUID(created["entity_id"])
    push(client, world.h("emp"), world.device, [created])
    lead = uuid.uuid4()
    for seq, status in [(1, "in_progress"), (2, "received")]:
        payload = {"event_id": str(uuid7()), "status": status}
        push(
            client,
            world.h("lead"),
            lead,
            [change(seq, "incident.status_changed", incident_id, payload)],
        )
    detail = client.get(f"/api/v1/incidents/{incident_id}", headers=world.h("lead")).json()
    assert detail["status"] == "in_progress"
    assert len(detail["timeline"]) == 2


def test_mixed_kinds_in_one_batch_keep_their_order(client: TestClient, world: World) -> None:
    created = change(1)
    incident_id = uuid.UUID(created["entity_id"])
    note = change(
        2,
        "incident.note_added",
        incident_id,
        {"event_id": str(uuid7()), "author": "Jan", "text": "Camera-beelden opgevraagd"},
    )
    body = push(client, world.h("emp"), world.device, [created, note]).json()
    assert body["accepted"] == [1, 2]
    kinds = [c["kind"] for c in pull_all(client, world.h("emp"))]
    assert kinds == ["incident.created", "incident.note_added"]
