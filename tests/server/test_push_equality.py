"""The push writes rows per batch in driver form (sync.py) instead of through SQLAlchemy's
type processing per row: the same realistic pushes (new reports in bulk, repeats, rejected and
duplicate reports, a collision, the station's own planned tasks, a team lead's review with
edits that plan again or are stale) must leave every table byte for byte as the push before
that rewrite did (tests/server/push_reference.py) and give the same answers.

Both runs start from one seeded database, copied, and read one clock held still."""

from __future__ import annotations

import random
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tests.bench.bench_sync import incident_change
from tests.server import push_reference
from tests.server.conftest import World, seed_world
from veiligbalie.core.followup import plan_event_id, task_id_for
from veiligbalie.core.ids import uuid7
from veiligbalie.core.vocabulary import Category, FollowUpKind
from veiligbalie.protocol.sync import PushRequest
from veiligbalie.server import auth, sync
from veiligbalie.server import schema as t
from veiligbalie.server.store import ServerStore

Push = Callable[[ServerStore, Any, PushRequest], sync.PushOutcome]


def _copy_database(backend: str, url: str) -> str:
    """A copy of the (closed) database at ``url``; its URL."""
    if backend == "sqlite":
        source = make_url(url).database
        assert source
        target = source.replace(".sqlite3", "-copy.sqlite3")
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        return f"sqlite:///{target}"
    import psycopg

    parsed = make_url(url)
    name = f"vb_copy_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(
        host=parsed.host, port=parsed.port, user=parsed.username, dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{parsed.database}"')
    return parsed.set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def twins(backend: str, db_url: str) -> Iterator[tuple[World, ServerStore, ServerStore]]:
    first = ServerStore(db_url)
    world = seed_world(first)
    first.close()
    copy = _copy_database(backend, db_url)
    a, b = ServerStore(db_url), ServerStore(copy)
    world.store = a
    yield world, a, b
    a.close()
    b.close()


def _change(seq: int, kind: str, entity: Any, payload: dict[str, Any], base: int | None = None):
    return {
        "change_id": str(uuid.UUID(int=random.Random(seq * 7919 + len(kind)).getrandbits(128))),
        "device_seq": seq,
        "kind": kind,
        "entity_id": str(entity),
        "payload": payload,
        "base_revision": base,
        "created_at": datetime.now(UTC).isoformat(),
    }


def _scenario(world: World) -> list[tuple[str, uuid.UUID, list[dict[str, Any]]]]:
    """(who, device, changes) of each push, in order."""
    rng = random.Random(20261203)
    emp_device, lead_device = uuid.uuid4(), uuid.uuid4()
    pushes: list[tuple[str, uuid.UUID, list[dict[str, Any]]]] = []
    # 1. An employee's station sends 300 new reports; three are bad, one is sent twice.
    first = [incident_change(i + 1, rng) for i in range(300)]
    first[10]["payload"]["description"] = ""
    first[20]["payload"]["id"] = str(uuid.uuid4())
    first[30]["payload"]["attachments"] = [{}] * 21
    pushes.append(("emp", emp_device, [*first, first[5]]))
    # 2. The same again in part (its answer was lost) with 100 new ones.
    pushes.append(
        ("emp", emp_device, first[:100] + [incident_change(301 + i, rng) for i in range(100)])
    )
    # 3. The enrolled workstation: 150 new reports, one of them a report another device sent.
    station = [incident_change(i + 1, rng) for i in range(150)]
    taken = dict(first[40], device_seq=151, change_id=str(uuid.uuid4()))
    pushes.append(("ws", world.device, [*station, taken]))
    # 4. The workstation again: new reports with the tasks it planned itself, notes, a note
    #    for a report the server does not have, and seq 1 under another change id.
    mixed: list[dict[str, Any]] = []
    seq = 200
    for i in range(40):
        created = incident_change(seq, rng)
        created["payload"]["categories"] = [Category.PHYSICAL_VIOLENCE.value]
        mixed.append(created)
        seq += 1
        entity = created["entity_id"]
        if i % 2 == 0:
            planned = {
                "event_id": str(plan_event_id(uuid.UUID(entity), FollowUpKind.EVALUATION)),
                "kind": FollowUpKind.EVALUATION.value,
                "task_id": str(task_id_for(uuid.UUID(entity), FollowUpKind.EVALUATION)),
                "action": "planned",
                "due": (datetime.now(UTC) + timedelta(days=28)).isoformat(),
                "reason": "always",
            }
            mixed.append(_change(seq, "incident.followup", entity, planned))
            seq += 1
        if i % 3 == 0:
            note = {"event_id": str(uuid7()), "author": "Jan", "text": f"Notitie {i}"}
            mixed.append(_change(seq, "incident.note_added", entity, note))
            seq += 1
    orphan = {"event_id": str(uuid7()), "author": "Jan", "text": "Te vroeg"}
    mixed.append(_change(seq, "incident.note_added", uuid.uuid4(), orphan))
    mixed.append(dict(station[0], change_id=str(uuid.uuid4())))
    pushes.append(("ws", world.device, mixed))
    # 5. The team lead reviews: status, assignment, messages, tasks done, edits (one adds
    #    physical violence, so the plan grows; one marks it for team leads only).
    review: list[dict[str, Any]] = []
    seq = 1
    for i, c in enumerate(first[50:110]):
        entity = c["entity_id"]
        kinds: list[tuple[str, dict[str, Any], int | None]] = [
            ("incident.status_changed", {"event_id": str(uuid7()), "status": "in_progress"}, None),
            (
                "incident.assigned",
                {"event_id": str(uuid7()), "assignee_user_id": str(world.users["lead"])},
                None,
            ),
            (
                "incident.message",
                {"event_id": str(uuid7()), "author": "Lead", "text": "Gezien"},
                None,
            ),
            (
                "incident.followup",
                {
                    "event_id": str(uuid7()),
                    "kind": FollowUpKind.EVALUATION.value,
                    "action": "done",
                    "done_at": datetime.now(UTC).isoformat(),
                },
                None,
            ),
        ]
        if i % 4 == 0:
            edit = {"event_id": str(uuid7()), "field": "location", "value": f"Spreekkamer {i}"}
            kinds.append(("incident.field_edited", edit, 1))
        if i % 5 == 0:
            cats = [Category.PHYSICAL_VIOLENCE.value, Category.PROPERTY_DAMAGE.value]
            edit = {"event_id": str(uuid7()), "field": "categories", "value": cats}
            kinds.append(("incident.field_edited", edit, 1))
        if i % 7 == 0:
            edit = {"event_id": str(uuid7()), "field": "team_lead_only", "value": True}
            kinds.append(("incident.field_edited", edit, 1))
        for kind, payload, base in kinds:
            review.append(_change(seq, kind, entity, payload, base))
            seq += 1
    pushes.append(("lead", lead_device, review))
    # 6. The employee edits reports the lead edited meanwhile (stale: conflicts) and others.
    edits = []
    for i, c in enumerate(first[50:70]):
        edit = {"event_id": str(uuid7()), "field": "location", "value": f"Hal {i}"}
        edits.append(_change(1000 + i, "incident.field_edited", c["entity_id"], edit, 1))
    pushes.append(("emp", emp_device, edits))
    return pushes


def _run(
    store: ServerStore, world: World, pushes: list[Any], push: Push, now: datetime
) -> list[Any]:
    answers = []
    principals = {}
    with store.read() as conn:
        for who in ("emp", "lead", "ws"):
            principals[who] = auth.authenticate(conn, world.tokens[who])
    for n, (who, device, changes) in enumerate(pushes):
        req = PushRequest.model_validate({"device_id": device, "changes": changes})
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(sync, "_now", lambda n=n: now + timedelta(seconds=n))
            outcome = push(store, principals[who], req)
        answers.append(
            (outcome.response.model_dump(mode="json"), outcome.cursor, outcome.visibilities)
        )
    return answers


def _dump(store: ServerStore) -> dict[str, list[tuple[Any, ...]]]:
    """Every table as the driver reads it (JSON as its stored text), in key order."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with store.read() as conn:
        for table in t.metadata.sorted_tables:
            columns = []
            for col in table.c:
                name = f'"{col.name}"'
                is_json = isinstance(getattr(col.type, "impl", col.type), sa.JSON)
                columns.append(f"{name}::text" if is_json and store.backend != "sqlite" else name)
            keys = [f'"{c.name}"' for c in (table.primary_key.columns or table.c)]
            sql = f"SELECT {', '.join(columns)} FROM {table.name} ORDER BY {', '.join(keys)}"
            out[table.name] = [tuple(r) for r in conn.exec_driver_sql(sql)]
    return out


def test_push_stores_and_answers_as_before(twins: tuple[World, ServerStore, ServerStore]) -> None:
    world, old_store, new_store = twins
    pushes = _scenario(world)
    now = datetime.now(UTC)
    old = _run(old_store, world, pushes, push_reference.push, now)
    new = _run(new_store, world, pushes, sync.push, now)
    for n, (before, after) in enumerate(zip(old, new, strict=True)):
        assert after == before, f"push {n}"
    before_rows, after_rows = _dump(old_store), _dump(new_store)
    assert list(after_rows) == list(before_rows)
    for name, rows in before_rows.items():
        assert after_rows[name] == rows, name
    # Not vacuous: the pushes stored, rejected, collided, conflicted and planned.
    assert len(before_rows["changes"]) > 2000
    assert len(before_rows["followup_tasks"]) > 1500
    responses = [a[0] for a in old]
    assert sum(len(r["rejected"]) for r in responses) >= 5
    assert sum(len(r["collisions"]) for r in responses) == 1
    assert sum(len(r["conflicts"]) for r in responses) >= 5
    assert sum(len(r["references"]) for r in responses) > 500
