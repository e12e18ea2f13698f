"""Push and pull through the real app and database: idempotency, rejection policy, epoch,
cursor paging, stale-edit conflicts, and one device id in two places (device bindings and
collisions, against a real server process)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.server.conftest import Live, World, change, incident_payload, pull_all, push
from veiligbalie.core.ids import uuid7
from veiligbalie.server import admin, auth
from veiligbalie.server import schema as t


def count(world: World, table: sa.Table) -> int:
    """Rows of ``table``; of ``changes`` only the reports' creations (the server adds the
    follow-up tasks it plans for each report)."""
    query = sa.select(sa.func.count()).select_from(table)
    if table is t.changes:
        query = query.where(t.changes.c.kind == "incident.created")
    with world.store.read() as conn:
        return int(conn.execute(query).scalar() or 0)


def reported(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The pulled changes without the follow-up tasks the server planned."""
    return [c for c in changes if c["kind"] != "incident.followup"]


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
    r = push(client, world.h("emp"), uuid.uuid4(), [dict(one, change_id=str(uuid.uuid4()))])
    assert r.json()["rejected"][0]["reason"].startswith("duplicate_entity")


def test_the_same_creating_change_from_a_copy_on_another_station_is_stored_once(
    client: TestClient, world: World
) -> None:
    # A data folder copied while a report waited: both stations send that very change.
    waiting = change(1)
    assert push(client, world.h("ws"), world.device, [waiting]).json()["accepted"] == [1]
    other, _ = enrol_station(world, "balie2")
    copy = dict(waiting, device_seq=3)
    assert push(client, bearer(other), uuid.uuid4(), [copy]).json()["accepted"] == [3]
    assert count(world, t.incidents) == 1 and count(world, t.changes) == 1
    # A different change for that incident id is still refused.
    forged = dict(waiting, device_seq=4, change_id=str(uuid.uuid4()))
    body = push(client, bearer(other), uuid.uuid4(), [forged]).json()
    assert body["rejected"][0]["reason"].startswith("duplicate_entity")


def test_pull_pages_by_cursor_in_seq_order(client: TestClient, world: World) -> None:
    push(client, world.h("emp"), world.device, [change(i) for i in range(1, 26)])
    first = client.get("/api/v1/sync/pull?cursor=0&limit=10", headers=world.h("lead")).json()
    assert first["has_more"] is True and len(first["changes"]) == 10
    assert first["cursor"] == first["changes"][-1]["seq"]
    everything = pull_all(client, world.h("lead"), limit=10)
    seqs = [c["seq"] for c in everything]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert len(reported(everything)) == 25
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
    with world.store.read() as conn:
        newest = world.store.max_seq(conn)
    assert body["changes"] == [] and body["cursor"] == newest and body["has_more"] is False


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
        2,
        "incident.status_changed",
        incident_id,
        {"event_id": str(uuid7()), "status": "closed", "conclusion": "Besproken met de melder"},
    )
    body = push(client, world.h("emp"), world.device, [created, status]).json()
    assert body["rejected"][0]["reason"].startswith("forbidden")
    ok = push(client, world.h("lead"), uuid.uuid4(), [dict(status, device_seq=1)]).json()
    assert ok["accepted"] == [1]
    summary = client.get(f"/api/v1/incidents/{incident_id}", headers=world.h("emp")).json()
    assert summary["status"] == "closed"
    assert [e["kind"] for e in summary["timeline"] if e["kind"] != "followup"] == ["status"]


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
    assert len([e for e in detail["timeline"] if e["kind"] == "status"]) == 2


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
    kinds = [c["kind"] for c in reported(pull_all(client, world.h("emp")))]
    assert kinds == ["incident.created", "incident.note_added"]


# --- one device id in two places (a copied data folder, a cloned disk image) ------------


def enrol_station(world: World, name: str, device: uuid.UUID | None = None) -> tuple[str, Any]:
    """A further workstation of site A; returns its token and the enrolment answer."""
    created = admin.create_workstation(world.store, world.site_a, name, name.title())
    answer = auth.enroll(world.store, created.enrolment.code, f"pc-{name}", device)
    return answer.token, answer


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def stored_ids(world: World) -> list[uuid.UUID]:
    with world.store.read() as conn:
        return list(conn.execute(sa.select(t.incidents.c.id)).scalars())


def test_one_device_id_on_two_workstations_never_accepts_and_drops(live: Live) -> None:
    world = live.world
    first, _ = enrol_station(world, "balie2")
    second, _ = enrol_station(world, "balie3")
    shared = uuid.uuid4()  # both carry it: the second's data folder is a copy of the first's
    mine, theirs = change(1), change(1)
    with httpx.Client(base_url=live.url, timeout=30) as http:
        r = push(http, bearer(first), shared, [mine])
        assert r.json()["status"] == "ok" and r.json()["accepted"] == [1]
        r = push(http, bearer(second), shared, [theirs])
        body = r.json()
        assert r.status_code == 200
        assert body["status"] == "device_bound_elsewhere"
        assert "another workstation" in body["detail"]
        assert body["accepted"] == [] and body["collisions"] == []
        assert stored_ids(world) == [uuid.UUID(mine["entity_id"])]
        # The refused station takes a new id and pushes again from 1: both reports stored.
        r = push(http, bearer(second), uuid.uuid4(), [theirs])
        assert r.json()["accepted"] == [1]
    assert sorted(stored_ids(world)) == sorted(uuid.UUID(c["entity_id"]) for c in (mine, theirs))
    assert "push refused: device" in live.server.log()


def test_a_cloned_station_with_the_same_token_gets_a_collision(live: Live) -> None:
    world = live.world
    token, _ = enrol_station(world, "balie2")
    device = uuid.uuid4()
    original, clone = change(1), change(1)
    with httpx.Client(base_url=live.url, timeout=30) as http:
        assert push(http, bearer(token), device, [original]).json()["accepted"] == [1]
        body = push(http, bearer(token), device, [clone, change(2)]).json()
        assert body["status"] == "ok"
        assert body["collisions"] == [
            {"device_seq": 1, "change_id": clone["change_id"], "reason": "device_seq_collision"}
        ]
        assert body["accepted"] == [2]
        assert uuid.UUID(clone["entity_id"]) not in stored_ids(world)
        # After the re-key the clone's report arrives; the original's is untouched.
        assert push(http, bearer(token), uuid.uuid4(), [clone]).json()["accepted"] == [1]
    ids = stored_ids(world)
    assert uuid.UUID(original["entity_id"]) in ids and uuid.UUID(clone["entity_id"]) in ids
    assert "numbers changes [1] like another copy of it" in live.server.log()


def test_a_third_station_under_anothers_device_id_is_refused(live: Live) -> None:
    world = live.world
    owner, _ = enrol_station(world, "balie2")
    intruder, _ = enrol_station(world, "balie3")
    device = uuid.uuid4()
    with httpx.Client(base_url=live.url, timeout=30) as http:
        assert push(http, bearer(owner), device, [change(1)]).json()["accepted"] == [1]
        # Its next seq, and a user of another site: both refused, nothing stored or recorded.
        grab = change(2)
        assert push(http, bearer(intruder), device, [grab]).json()["status"] == (
            "device_bound_elsewhere"
        )
        other_site = push(http, world.h("emp_b"), device, [change(3)]).json()
        assert other_site["status"] == "device_bound_elsewhere"
        # The owner's own change 2 is stored as usual.
        mine = change(2)
        assert push(http, bearer(owner), device, [mine]).json()["accepted"] == [2]
    ids = stored_ids(world)
    assert uuid.UUID(mine["entity_id"]) in ids and uuid.UUID(grab["entity_id"]) not in ids
    assert len(ids) == 2


def test_a_genuine_repeat_still_gets_the_stored_answer(live: Live) -> None:
    world = live.world
    token, _ = enrol_station(world, "balie2")
    device = uuid.uuid4()
    good = change(1)
    bad = change(2, payload=incident_payload(id=uuid7(), description="kort"))
    with httpx.Client(base_url=live.url, timeout=30) as http:
        first = push(http, bearer(token), device, [good, bad]).json()
        again = push(http, bearer(token), device, [good, bad]).json()
    assert first["accepted"] == again["accepted"] == [1]
    assert first["rejected"] == again["rejected"]
    assert again["rejected"][0]["reason"] == "invalid: description too_short"
    assert again["collisions"] == [] and again["status"] == "ok"
    assert len(stored_ids(world)) == 1


def test_enrolment_with_a_taken_device_id_assigns_a_fresh_one(
    client: TestClient, world: World
) -> None:
    # world.device was enrolled as balie1; a cloned image enrols as balie2 with it.
    token, answer = enrol_station(world, "balie2", world.device)
    assert answer.device_id is not None and answer.device_id != world.device
    assert push(client, bearer(token), answer.device_id, [change(1)]).json()["accepted"] == [1]
    refused = push(client, bearer(token), world.device, [change(2)]).json()
    assert refused["status"] == "device_bound_elsewhere"
    # Its own id again at a re-enrolment, and a free id is kept as it is.
    _, again = enrol_station(world, "balie3", answer.device_id)
    assert again.device_id not in (answer.device_id, world.device)
    free = uuid.uuid4()
    assert enrol_station(world, "balie4", free)[1].device_id == free
    with world.store.read() as conn:
        bound = conn.execute(
            sa.select(t.device_bindings.c.workstation_id).where(
                t.device_bindings.c.device_id == world.device
            )
        ).scalar()
    assert bound == world.workstation


def test_a_reupload_under_the_owners_new_device_id_is_stored_once(
    client: TestClient, world: World
) -> None:
    token, _ = enrol_station(world, "balie2")
    old, new = uuid.uuid4(), uuid.uuid4()
    report = change(1)
    assert push(client, bearer(token), old, [report]).json()["accepted"] == [1]
    # After a re-key the same change may be sent again (under its new number).
    again = dict(report, device_seq=4)
    assert push(client, bearer(token), new, [again]).json()["accepted"] == [4]
    assert stored_ids(world) == [uuid.UUID(report["entity_id"])]


def test_openapi_documents_the_device_answers(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    schemas = doc["components"]["schemas"]
    assert schemas["PushStatus"]["enum"] == ["ok", "device_bound_elsewhere"]
    assert {"status", "detail", "collisions"} <= set(schemas["PushResponse"]["properties"])
    assert schemas["Collision"]["properties"]["reason"]["default"] == "device_seq_collision"
    push_doc = doc["paths"]["/api/v1/sync/push"]["post"]["description"]
    assert "device_bound_elsewhere" in push_doc and "device_seq_collision" in push_doc
    assert "fresh one" in doc["paths"]["/api/v1/enroll"]["post"]["description"]
    assert "device_id" in schemas["EnrollResponse"]["properties"]


def _push_after_rekey(
    client: TestClient, headers: dict[str, str], device: uuid.UUID, previous: uuid.UUID, c: Any
) -> Any:
    body = {"device_id": str(device), "previous_device_id": str(previous), "changes": [c]}
    return client.post("/api/v1/sync/push", json=body, headers=headers).json()


def _binding(world: World, device: uuid.UUID) -> tuple[Any, Any]:
    with world.store.read() as conn:
        row = conn.execute(
            sa.select(t.device_bindings.c.workstation_id, t.device_bindings.c.user_id).where(
                t.device_bindings.c.device_id == device
            )
        ).one()
    return row.workstation_id, row.user_id


def test_a_new_id_after_a_re_key_stays_with_the_workstation(
    client: TestClient, world: World
) -> None:
    # A user signed in at balie1 (world.device) re-keys: the new id is still balie1's, so
    # the station's own token sees the report and may push under the new id.
    new = uuid.uuid4()
    report = change(1)
    assert _push_after_rekey(client, world.h("emp"), new, world.device, report)["accepted"] == [1]
    assert _binding(world, new) == (world.workstation, None)
    seen = reported(pull_all(client, world.h("ws")))
    assert [c["entity_id"] for c in seen] == [report["entity_id"]]
    assert push(client, world.h("ws"), new, [change(2)]).json()["accepted"] == [2]
    # A previous id the caller has no right to is ignored: the new id is simply the caller's.
    other, _ = enrol_station(world, "balie2")
    mine = uuid.uuid4()
    assert _push_after_rekey(client, bearer(other), mine, new, change(1))["accepted"] == [1]
    with world.store.read() as conn:
        balie2 = conn.execute(
            sa.select(t.workstations.c.id).where(t.workstations.c.name == "balie2")
        ).scalar()
    assert _binding(world, mine) == (balie2, None)
