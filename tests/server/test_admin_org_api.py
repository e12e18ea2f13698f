"""Beheer → Organisatie and Privacy through the REST API: the organisation's name and
letterhead, closing days (REST and ``admin org closing-day``) that the server's follow-up
planning skips, and retention periods with the purge preview. Only an administrator changes
them (403 for everyone else), mistakes are 4xx with the CLI's message, and every change is
written to the audit log with who made it."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.server.conftest import World, change, incident_payload, push
from veiligbalie.core.vocabulary import Category
from veiligbalie.core.workdays import local_date
from veiligbalie.server import schema as t
from veiligbalie.server.cli import main

#: Wednesday 13 May 2026, the day before Ascension Day (Thursday 14 May).
INCIDENT_AT = datetime(2026, 5, 13, 8, 0, tzinfo=UTC)
#: The Friday after Ascension Day: a bridge day many organisations close.
BRIDGE_DAY = date(2026, 5, 15)

CHANGES = [
    ("PUT", "/api/v1/admin/organisation/profile", {"name": "X"}),
    ("PUT", "/api/v1/admin/letters/nl/warning", {"text": "{org_name}"}),
    ("PUT", "/api/v1/guidance/cards/nl/huisregels", {"markdown": "---\n---\n"}),
    ("POST", "/api/v1/admin/organisation/closing-days", {"day": "2026-05-15"}),
    ("DELETE", "/api/v1/admin/organisation/closing-days/2026-05-15", None),
    ("GET", "/api/v1/admin/retention", None),
    ("PUT", "/api/v1/admin/retention", {"reports_months": 60}),
    ("GET", "/api/v1/admin/retention/preview", None),
]


def _audit(world: World, action: str) -> list[sa.Row[tuple[object, ...]]]:
    with world.store.read() as conn:
        return list(
            conn.execute(sa.select(t.audit_log).where(t.audit_log.c.action == action)).all()
        )


@pytest.mark.parametrize("who", ["emp", "lead", "sec", "ws"])
def test_only_an_administrator_changes_the_organisation(
    client: TestClient, world: World, who: str
) -> None:
    for method, path, body in CHANGES:
        answer = client.request(method, path, json=body, headers=world.h(who))
        assert answer.status_code == 403, (method, path, answer.text)
    assert client.get("/api/v1/organisation/closing-days", headers=world.h(who)).status_code == 200


def test_profile_name_and_letterhead_audited(client: TestClient, world: World) -> None:
    h = world.h("admin")
    answer = client.put(
        "/api/v1/admin/organisation/profile",
        headers={**h, "X-VB-Device": str(world.device)},
        json={"name": "Gemeente Nieuwdorp", "contact_name": "Marieke de Vries"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["name"] == "Gemeente Nieuwdorp"
    rows = _audit(world, "organisation.profile")
    assert len(rows) == 1 and rows[0].actor == "admin" and rows[0].user_id == world.users["admin"]
    assert "name" in rows[0].detail and rows[0].station == "balie1"
    for body, field in (
        ({"name": "  "}, "organisation name"),
        ({"address": ""}, "postal address"),
        ({"contact_email": "geen-adres"}, "has no @"),
        ({"logo_base64": "aGFsbG8="}, "PNG or JPEG"),
    ):
        bad = client.put("/api/v1/admin/organisation/profile", headers=h, json=body)
        assert bad.status_code == 400 and field in bad.json()["detail"], bad.text
    # A template naming an unknown field: refused, naming it; the good one is audited.
    bad = client.put(
        "/api/v1/admin/letters/nl/warning",
        headers=h,
        json={"text": "Beste {recipient}, {org_name} {behaviour} {incident_date} {schoenmaat}"},
    )
    assert bad.status_code == 400 and "{schoenmaat}" in bad.json()["detail"]
    good = client.put(
        "/api/v1/admin/letters/nl/warning",
        headers=h,
        json={"text": "Waarschuwing\n\n{org_name}: {behaviour} op {incident_date}."},
    )
    assert good.status_code == 200 and good.json()["version"] == 1
    assert [r.detail for r in _audit(world, "letter.template")] == ["nl/warning: version 1"]


def _police_due(world: World, incident_id: uuid.UUID) -> date:
    f = t.followup_tasks.c
    with world.store.read() as conn:
        due = conn.execute(
            sa.select(f.due).where(f.incident_id == incident_id, f.kind == "police_report")
        ).scalar_one()
    return local_date(due)


def test_a_closing_day_moves_the_police_report_deadline(client: TestClient, world: World) -> None:
    h = world.h("admin")
    first = incident_payload(occurred_at=INCIDENT_AT, categories=frozenset({Category.THREAT}))
    assert push(client, world.h("ws"), world.device, [change(1, payload=first)]).status_code == 200
    # Thursday is Ascension Day: Friday and Monday are the 2 working days.
    assert _police_due(world, uuid.UUID(first["id"])) == date(2026, 5, 18)

    added = client.post(
        "/api/v1/admin/organisation/closing-days",
        headers=h,
        json={"day": BRIDGE_DAY.isoformat(), "reason": "brugdag"},
    )
    assert added.status_code == 201 and added.json()["reason"] == "brugdag"
    again = client.post(
        "/api/v1/admin/organisation/closing-days", headers=h, json={"day": "2026-05-15"}
    )
    assert again.status_code == 409 and "already a closing day" in again.json()["detail"]
    weekend = client.post(
        "/api/v1/admin/organisation/closing-days", headers=h, json={"day": "2026-05-16"}
    )
    assert weekend.status_code == 400 and "Saturday" in weekend.json()["detail"]
    holiday = client.post(
        "/api/v1/admin/organisation/closing-days", headers=h, json={"day": "2026-05-14"}
    )
    assert holiday.status_code == 400 and "public holiday" in holiday.json()["detail"]
    garbage = client.post(
        "/api/v1/admin/organisation/closing-days", headers=h, json={"day": "morgen"}
    )
    assert garbage.status_code == 422
    profile = client.get("/api/v1/organisation/profile", headers=world.h("ws")).json()
    assert profile["closing_days"] == ["2026-05-15"]

    second = incident_payload(occurred_at=INCIDENT_AT, categories=frozenset({Category.THREAT}))
    assert push(client, world.h("ws"), world.device, [change(2, payload=second)]).status_code == 200
    assert _police_due(world, uuid.UUID(second["id"])) == date(2026, 5, 19)  # one day later
    assert _police_due(world, uuid.UUID(first["id"])) == date(2026, 5, 18)  # planned stays

    gone = client.delete("/api/v1/admin/organisation/closing-days/2026-05-15", headers=h)
    assert gone.status_code == 200 and gone.json()["days"] == []
    missing = client.delete("/api/v1/admin/organisation/closing-days/2026-05-15", headers=h)
    assert missing.status_code == 404 and "not a closing day" in missing.json()["detail"]
    assert [r.actor for r in _audit(world, "organisation.closing_day.add")] == ["admin"]
    assert [r.actor for r in _audit(world, "organisation.closing_day.remove")] == ["admin"]


def test_closing_day_command_line(
    capsys: pytest.CaptureFixture[str], db_url: str, world: World
) -> None:
    def cli(*args: str) -> tuple[int, str, str]:
        code = main(["admin", "--database", db_url, "org", "closing-day", *args])
        out, err = capsys.readouterr()
        return code, out, err

    assert cli("list")[1].startswith("no closing days")
    code, out, _ = cli("add", "2026-05-15", "--reason", "brugdag")
    assert code == 0 and "2026-05-15 added (brugdag)" in out
    code, _, err = cli("add", "2026-05-15")
    assert code == 2 and "already a closing day" in err
    code, _, err = cli("add", "15-05-2026")
    assert code == 2 and "YYYY-MM-DD" in err
    assert "2026-05-15  Fri  brugdag" in cli("list")[1]
    assert cli("remove", "2026-05-15")[0] == 0
    rows = _audit(world, "organisation.closing_day.add")
    assert rows and rows[0].station == "server console"


def test_retention_through_the_api_as_the_cli(client: TestClient, world: World) -> None:
    h = world.h("admin")
    assert client.get("/api/v1/admin/retention", headers=h).json() == {
        "reports_months": None,
        "perpetrator_months": None,
        "attachments_months": None,
    }
    empty = client.get("/api/v1/admin/retention/preview", headers=h).json()
    assert empty["counts"] == []
    old = incident_payload(description="Oude melding")
    assert push(client, world.h("ws"), world.device, [change(1, payload=old)]).status_code == 200
    with world.store.write() as conn:  # years ago (a report that old is not pushed new)
        conn.execute(
            sa.update(t.incidents)
            .where(t.incidents.c.id == uuid.UUID(old["id"]))
            .values(occurred_at=datetime(2020, 3, 1, 9, 0, tzinfo=UTC))
        )
    bad = client.put("/api/v1/admin/retention", headers=h, json={"reports_months": 5000})
    assert bad.status_code == 400 and "1 to 1200 months" in bad.json()["detail"]
    nothing = client.put("/api/v1/admin/retention", headers=h, json={})
    assert nothing.status_code == 400 and "give reports_months" in nothing.json()["detail"]
    set_ = client.put(
        "/api/v1/admin/retention", headers=h, json={"reports_months": 60, "attachments_months": 12}
    )
    assert set_.status_code == 200 and set_.json()["reports_months"] == 60
    preview = client.get("/api/v1/admin/retention/preview", headers=h).json()
    counts = {c["kind"]: c["count"] for c in preview["counts"]}
    assert counts["reports"] == 1
    assert preview["next_run"] is not None  # the daily purge of the running app
    rows = _audit(world, "retention.set")
    assert len(rows) == 1 and rows[0].actor == "admin" and "reports 60 months" in rows[0].detail
