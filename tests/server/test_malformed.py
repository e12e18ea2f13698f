"""Invalid input gets a 4xx with a message, never a 500: malformed JSON, wrong types, huge
bodies, NUL characters, out-of-range numbers, bad ids."""

from __future__ import annotations

import json
import uuid

import pytest
from fastapi.testclient import TestClient

from tests.server.conftest import World, change, incident_payload, push

HUGE_SEQ = json.dumps(
    {
        "device_id": "00000000-0000-0000-0000-000000000001",
        "changes": [
            {
                "change_id": "00000000-0000-0000-0000-000000000002",
                "device_seq": 99999999999999999999999,
                "kind": "x",
                "entity_id": "00000000-0000-0000-0000-000000000003",
                "payload": {},
                "created_at": "2026-01-01T00:00:00Z",
            }
        ],
    }
).encode()


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"",
        b"[]",
        b'{"device_id": 5, "changes": []}',
        b'{"device_id": "not-a-uuid", "changes": []}',
        b'{"device_id": "00000000-0000-0000-0000-000000000001", "changes": "lots"}',
        b'{"device_id": "00000000-0000-0000-0000-000000000001", "changes": [{"device_seq": 0}]}',
        b'{"device_id": "00000000-0000-0000-0000-000000000001", "changes": [1, 2]}',
        HUGE_SEQ,
        b"\xff\xfe\x00garbage",
    ],
)
def test_malformed_push_bodies_are_422(client: TestClient, world: World, body: bytes) -> None:
    r = client.post(
        "/api/v1/sync/push",
        content=body,
        headers={**world.h("emp"), "Content-Type": "application/json"},
    )
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["msg"]
    assert "input" not in r.json()["detail"][0]


def test_nul_characters_are_refused_not_crashing(client: TestClient, world: World) -> None:
    payload = incident_payload(id=uuid.uuid4())
    payload["description"] = "Schreeuwde\x00 aan de balie"
    r = push(client, world.h("emp"), world.device, [change(1, payload=payload)])
    assert r.status_code == 422 and "NUL" in r.text
    r = client.post("/api/v1/auth/login", json={"username": "a\x00b", "password": "x"})
    assert r.status_code == 422
    r = client.post("/api/v1/enroll", json={"code": "AB\x00CD"})
    assert r.status_code == 422


def test_wrong_types_inside_a_payload_are_rejections(client: TestClient, world: World) -> None:
    payload = incident_payload(id=uuid.uuid4())
    payload["categories"] = "not a list"
    payload2 = incident_payload(id=uuid.uuid4())
    payload2["occurred_at"] = "yesterday"
    payload3 = incident_payload(id=uuid.uuid4())
    payload3["damage_amount_cents"] = {"a": 1}
    payload4 = incident_payload(id=uuid.uuid4())
    payload4["attachments"] = "photo.jpg"
    note = change(5, "incident.note_added", uuid.uuid4(), {"event_id": "zzz", "text": 3})
    batch = [
        change(1, payload=payload),
        change(2, payload=payload2),
        change(3, payload=payload3),
        change(4, payload=payload4),
        note,
    ]
    r = push(client, world.h("emp"), world.device, batch)
    assert r.status_code == 200
    rejected = {x["device_seq"]: x for x in r.json()["rejected"]}
    assert set(rejected) == {1, 2, 3, 4, 5}
    assert all(x["permanent"] and x["reason"].startswith("invalid") for x in rejected.values())


def test_huge_body_is_413(client: TestClient, world: World) -> None:
    big = b'{"device_id": "' + b"x" * (6 * 1024 * 1024) + b'"}'
    r = client.post(
        "/api/v1/sync/push",
        content=big,
        headers={**world.h("emp"), "Content-Type": "application/json"},
    )
    assert r.status_code == 413 and "larger than" in r.json()["detail"]

    def chunks():  # no Content-Length: chunked transfer
        for _ in range(7):
            yield b"x" * (1024 * 1024)

    r = client.post(
        "/api/v1/sync/push",
        content=chunks(),
        headers={**world.h("emp"), "Content-Type": "application/json"},
    )
    assert r.status_code == 413


def test_too_many_changes_in_one_batch_is_422(client: TestClient, world: World) -> None:
    r = push(client, world.h("emp"), world.device, [change(i) for i in range(1, 1002)])
    assert r.status_code == 422


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/sync/pull?cursor=-1",
        "/api/v1/sync/pull?cursor=abc",
        "/api/v1/sync/pull?limit=5001",
        "/api/v1/sync/pull?limit=0",
        "/api/v1/sync/pull?cursor=99999999999999999999999",
        "/api/v1/incidents?limit=100000",
        "/api/v1/incidents/not-a-uuid",
    ],
)
def test_bad_query_and_path_parameters_are_422(client: TestClient, world: World, path: str) -> None:
    r = client.get(path, headers=world.h("lead"))
    assert r.status_code == 422, r.text


def test_unknown_route_and_method(client: TestClient, world: World) -> None:
    assert client.get("/api/v1/nothing", headers=world.h("lead")).status_code == 404
    assert client.delete("/api/v1/sync/push", headers=world.h("lead")).status_code == 405


def test_device_header_must_match_the_body(client: TestClient, world: World) -> None:
    r = push(
        client, {**world.h("emp"), "X-VB-Device": str(uuid.uuid4())}, world.device, [change(1)]
    )
    assert r.status_code == 400 and "X-VB-Device" in r.json()["detail"]
    r = push(client, {**world.h("emp"), "X-VB-Device": "garbage"}, world.device, [change(1)])
    assert r.status_code == 422


def test_enroll_and_login_reject_wrong_shapes(client: TestClient, world: World) -> None:
    assert client.post("/api/v1/enroll", json={"code": 12345}).status_code == 422
    assert client.post("/api/v1/enroll", json={}).status_code == 422
    assert (
        client.post("/api/v1/auth/login", json={"username": ["a"], "password": "x"}).status_code
        == 422
    )
    assert client.post("/api/v1/auth/login", content=b"username=a&password=b").status_code == 422


def test_a_nul_anywhere_in_a_pushed_payload_is_refused_and_its_look_alike_is_not(
    client: TestClient, world: World
) -> None:
    """The push skips the NUL walk only for bytes without the ``\\u0000`` escape (the one
    way JSON carries a NUL): a NUL in a nested key is found; the six characters
    ``\\u0000`` written as text are no NUL and are kept."""
    payload = incident_payload(id=uuid.uuid4())
    payload["extra"] = {"notes": [{"ke\x00y": "waarde"}]}
    r = push(client, world.h("emp"), world.device, [change(1, payload=payload)])
    assert r.status_code == 422 and "NUL" in r.text
    look_alike = incident_payload(id=uuid.uuid4())
    look_alike["description"] = "Typte \\u0000 in het formulier"
    r = push(client, world.h("emp"), world.device, [change(1, payload=look_alike)])
    assert r.status_code == 200 and r.json()["accepted"] == [1], r.text
