"""Access requests and retention reach the perpetrator dossier (``persons``,
``person_links``, ``signaleringen``): the export of a person linked to three reports holds
exactly those, the dossier record, the signalering and who read it; the purge removes an
expired signalering and keeps a person with recent reports."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.server.conftest import World, change, incident_payload, push
from veiligbalie.core.ids import uuid7
from veiligbalie.server import audit, auth, retention, subject
from veiligbalie.server import schema as t
from veiligbalie.server.store import ServerStore

persons, person_links, signaleringen = t.persons, t.person_links, t.signaleringen


def _dossier(store: ServerStore, world: World, incident_ids: list[str]) -> uuid.UUID:
    person = uuid7()
    now = datetime.now(UTC)
    old = now - timedelta(days=800)
    with store.write() as conn:
        conn.execute(
            sa.insert(persons).values(
                id=person,
                site_id=world.site_a,
                display_name="Jan Jansen",
                description="Komt vaak op dinsdag",
                identifiers={"klantnummer": "K-55"},
                created_by="lead",
                created_at=old,
                updated_at=old,
            )
        )
        conn.execute(
            sa.insert(person_links),
            [
                {"person_id": person, "incident_id": uuid.UUID(i), "linked_by": "lead",
                 "linked_at": now}
                for i in incident_ids
            ],
        )  # fmt: skip
        conn.execute(
            sa.insert(signaleringen).values(
                id=uuid7(),
                person_id=person,
                measure="appointment_only",
                measure_other="",
                counter_text="Alleen op afspraak",
                reason="Herhaald dreigen",
                period_start=date(2024, 1, 1),
                period_end=date(2024, 7, 1),
                decided_by="Tom Leider",
                state="ended",
                created_by="lead",
                created_at=old,
                updated_at=old,
            )
        )
        # The dossier writes its reads through server.audit.record, with the person.
        lead = auth.authenticate(conn, world.tokens["lead"])
        audit.record(
            conn,
            actor=lead,
            action="dossier.read",
            subject=audit.SUBJECT_PERSON,
            person_id=person,
            detail="person read",
        )
    return person


def test_export_of_a_linked_person_and_the_dossier_purge(
    client: TestClient, world: World, store: ServerStore, tmp_path: Path
) -> None:
    reports: list[dict[str, Any]] = [
        change(i, payload=incident_payload(id=uuid7(), perpetrator_known=True,
                                           perpetrator_description=f"Man met pet {i}"))
        for i in range(1, 5)
    ]  # fmt: skip
    answer = push(client, world.h("emp"), uuid.uuid4(), reports)
    assert answer.status_code == 200 and len(answer.json()["accepted"]) == 4
    linked = [c["entity_id"] for c in reports[:3]]
    person = _dossier(store, world, linked)
    json_path, pdf_path, data = subject.export(store, str(person), tmp_path)
    assert sorted(r["id"] for r in data["reports"]) == sorted(linked)
    assert all(r["matched_by"] == ["link"] for r in data["reports"])
    assert [p["display_name"] for p in data["persons"]] == ["Jan Jansen"]
    assert [s["counter_text"] for s in data["signaleringen"]] == ["Alleen op afspraak"]
    assert [(a["who"], a["action"]) for a in data["audit"]] == [("lead", "dossier.read")]
    assert json_path.is_file() and pdf_path.read_bytes().startswith(b"%PDF")
    # By name too.
    assert subject.find(store.engine.connect(), "jansen").person_ids == [person]
    # Retention: the ended signalering's time is up; the person has recent reports: kept.
    with store.write() as conn:
        retention.set_settings(conn, perpetrator_months=12)
    now = datetime.now(UTC)
    with store.read() as conn:
        plan = retention.preview(conn, now)
    assert plan["signaleringen"].count == 1 and plan["persons"].count == 0
    retention.purge(store, None, now)
    with store.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(signaleringen)).scalar() == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(persons)).scalar() == 1
    # A deletion request removes the dossier record and its links.
    removed = subject.delete(store, str(person))
    assert removed["persons"] == 1 and removed["person_links"] == 3 and removed["reports"] == 3
