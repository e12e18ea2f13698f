"""Audit, retention and access requests on a real server process (SQLite and PostgreSQL):
only administrators and privacy officers read the audit log and nobody changes it (not
through any route, not by SQL); each restricted read is written exactly once with the
station; the purge anonymises what expired, removes its files and tells the stations; the
subject export holds exactly the person's reports and who read them."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.exc

from tests.server.conftest import add_user, user_token
from tests.server.test_review import (
    API,
    EVIDENCE,
    EVIDENCE_SHA,
    Review,
    attachment,
    report,
    review,  # noqa: F401 (fixture)
    upload,
)
from tests.support.clock import Clock
from veiligbalie.core.vocabulary import Role
from veiligbalie.protocol import sync as p
from veiligbalie.server import cli, retention, subject
from veiligbalie.server import schema as t
from veiligbalie.server.store import default_files_dir

NOT_AUDIT_READERS = ("emp", "sec", "ws", "lead", "coord", "peer")


@pytest.fixture
def officer(review: Review) -> Review:  # noqa: F811
    w = review.live.world
    review.users["fg"] = add_user(w.store, "fg", Role.PRIVACY_OFFICER, None)
    review.tokens["fg"] = user_token(w.store, review.users["fg"])
    return review


def _audit_rows(r: Review, **where: Any) -> list[Any]:
    a = t.audit_log.c
    with r.live.world.store.read() as conn:
        return list(
            conn.execute(
                sa.select(t.audit_log)
                .where(*[a[k] == v for k, v in where.items()])
                .order_by(a.at, a.id)
            ).all()
        )


def test_only_administrators_and_privacy_officers_read_the_audit_log(officer: Review) -> None:
    r = officer
    for who in NOT_AUDIT_READERS:
        answer = r.http.get(f"{API}/audit", headers=r.h(who))
        assert answer.status_code == 403, (who, answer.text)
        assert "entries" not in answer.text
    for who in ("admin", "fg"):
        answer = r.http.get(f"{API}/audit?limit=5", headers=r.h(who))
        assert answer.status_code == 200, answer.text
        assert answer.json()["limit"] == 5
    # Reading the log is itself written to it, once per read, with the filter.
    reads = _audit_rows(r, action="audit.read")
    assert [row.actor for row in reads] == ["admin", "fg"]
    assert reads[0].subject == "audit" and "limit=5" in reads[0].detail


def test_no_route_changes_or_deletes_the_audit_log(officer: Review) -> None:
    r = officer
    schema = r.http.get("/openapi.json").json()
    audit_paths = {path: ops for path, ops in schema["paths"].items() if "audit" in path}
    assert audit_paths and all(set(ops) == {"get"} for ops in audit_paths.values())
    for method in ("DELETE", "PUT", "PATCH", "POST"):
        answer = r.http.request(method, f"{API}/audit", headers=r.h("admin"))
        assert answer.status_code == 405, (method, answer.text)
    bad = r.http.get(
        f"{API}/audit?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z", headers=r.h("admin")
    )
    assert bad.status_code == 400


def test_the_database_refuses_to_change_or_delete_audit_rows(officer: Review) -> None:
    r = officer
    assert r.http.get(f"{API}/audit", headers=r.h("admin")).status_code == 200
    store = r.live.world.store
    for statement in (
        sa.update(t.audit_log).values(detail="nothing happened"),
        sa.delete(t.audit_log),
    ):
        with pytest.raises(sqlalchemy.exc.DatabaseError, match="append-only"):
            with store.write() as conn:
                conn.execute(statement)
    if store.backend == "postgresql":
        with pytest.raises(sqlalchemy.exc.DatabaseError, match="append-only"):
            with store.write() as conn:
                conn.execute(sa.text("TRUNCATE audit_log"))
    assert len(_audit_rows(r, action="audit.read")) == 1


def test_each_restricted_read_is_audited_once_with_its_station(officer: Review) -> None:
    r = officer
    created = report(
        attachments=[attachment()],
        perpetrator_known=True,
        perpetrator_reference="K-777",
        perpetrator_description="Man, 40, rode jas",
    )
    incident_id = created["entity_id"]
    r.push("emp", [created])
    assert upload(r, "emp", incident_id, EVIDENCE).status_code == 201
    # The reporter reads their own report: not audited.
    assert r.http.get(f"{API}/incidents/{incident_id}", headers=r.h("emp")).status_code == 200
    # The team lead works at the enrolled workstation (its device id).
    at_desk = {**r.h("lead"), "X-VB-Device": str(r.live.world.device)}
    detail = r.http.get(f"{API}/incidents/{incident_id}", headers=at_desk)
    assert detail.json()["incident"]["perpetrator_reference"] == "K-777"
    pulled = r.http.get(f"{API}/sync/pull?cursor=0", headers=r.h("lead")).json()["changes"]
    assert any(c["payload"].get("perpetrator_reference") == "K-777" for c in pulled)
    path = f"{API}/incidents/{incident_id}/attachments/{EVIDENCE_SHA}"
    assert r.http.get(path, headers=r.h("lead")).status_code == 200
    # Nobody else receives the restricted fields, nor an audit row.
    for who in ("emp2", "sec", "ws"):
        for c in r.http.get(f"{API}/sync/pull?cursor=0", headers=r.h(who)).json()["changes"]:
            assert c["payload"].get("perpetrator_reference", "") == ""
    rows = _audit_rows(r, incident_id=uuid.UUID(incident_id))
    assert [(row.action, row.actor) for row in rows] == [
        ("restricted_read.detail", "lead"),
        ("restricted_read.pull", "lead"),
        ("restricted_read.attachment", "lead"),
    ]
    assert rows[0].station == "balie1" and rows[1].station == ""
    assert rows[2].subject == "attachment"
    page = r.http.get(f"{API}/audit?user=lead", headers=r.h("fg")).json()
    assert page["total"] == 3
    assert {e["incident_id"] for e in page["entries"]} == {incident_id}
    assert r.http.get(f"{API}/audit?user=nobody", headers=r.h("fg")).json()["total"] == 0


def test_expired_personal_data_and_files_are_purged_and_told_to_stations(
    officer: Review,
) -> None:
    r = officer
    store = r.live.world.store
    now = datetime.now(UTC)
    old, recent = now - timedelta(days=800), now - timedelta(days=10)
    expired = report(
        1,
        attachments=[attachment()],
        occurred_at=old,
        perpetrator_known=True,
        perpetrator_reference="K-900",
        perpetrator_description="Vrouw met hond",
        witnesses=("Piet Post",),
    )
    kept = report(2, occurred_at=recent, perpetrator_known=True, perpetrator_reference="K-901")
    r.push("emp", [expired, kept])
    assert upload(r, "emp", expired["entity_id"], EVIDENCE).status_code == 201
    files = default_files_dir(r.live.server.database_url, r.live.server.data_dir)
    assert [f for f in files.rglob(EVIDENCE_SHA) if f.is_file()]
    assert "K-900" in json.dumps(r.pull("lead"))  # the team lead's station holds it now
    with store.write() as conn:
        retention.set_settings(conn, reports_months=24, perpetrator_months=12)
    clock = Clock(now)
    with store.read() as conn:
        plan = retention.preview(conn, clock())
    assert plan["reports"].count == 1 and plan["reports"].oldest.date() == old.date()
    assert plan["perpetrator"].count == 0  # the old one goes whole, the new one is young
    counts = retention.purge(store, files, clock())
    assert counts["reports"].count == 1
    assert not [f for f in files.rglob(EVIDENCE_SHA) if f.is_file()]
    with store.read() as conn:
        row = conn.execute(
            sa.select(t.incidents).where(t.incidents.c.id == uuid.UUID(expired["entity_id"]))
        ).one()
        assert row.purged_at is not None and row.reporter == ""
        for name in ("description", "perpetrator_reference", "perpetrator_description"):
            assert row.data[name] == ""
        assert row.data["witnesses"] == [] and row.data["reporter"] == ""
        # What the overview counts stays.
        assert sorted(row.data["categories"]) == sorted(expired["payload"]["categories"])
        assert row.data["severity"] == expired["payload"]["severity"]
        assert row.occurred_at.date() == old.date() and row.site_id == r.live.world.site_a
        assert conn.execute(sa.select(sa.func.count()).select_from(t.incidents)).scalar() == 2
        uploads = conn.execute(sa.select(sa.func.count()).select_from(t.attachment_uploads))
        assert uploads.scalar() == 0
    # The stations hear it; a station pulling from the start never sees the old content.
    after = r.pull("lead")
    purged = [c for c in after if c["kind"] == p.INCIDENT_PURGED]
    assert [(c["entity_id"], c["payload"]["scope"]) for c in purged] == [
        (expired["entity_id"], "report")
    ]
    text = json.dumps([c for c in after if c["entity_id"] == expired["entity_id"]])
    assert "K-900" not in text and "Vrouw met hond" not in text and "Piet Post" not in text
    assert expired["entity_id"] in {c["entity_id"] for c in r.pull("emp")}
    assert (
        r.http.get(
            f"{API}/incidents/{expired['entity_id']}/attachments/{EVIDENCE_SHA}",
            headers=r.h("lead"),
        ).status_code
        == 404
    )
    # Counts, never content, in the audit log; nothing happens twice.
    rows = _audit_rows(r, action="retention.purge")
    assert [row.detail for row in rows] == [f"reports: 1 (oldest {old.date().isoformat()})"]
    assert rows[0].actor == "server" and rows[0].station == "" and "K-900" not in rows[0].detail
    # A year on, the perpetrator data of the kept report expires too.
    clock.now = now + timedelta(days=365)
    again = retention.purge(store, files, clock())
    assert again["perpetrator"].count == 1 and again["reports"].count == 0
    lead_view = r.http.get(f"{API}/incidents/{kept['entity_id']}", headers=r.h("lead")).json()
    assert lead_view["incident"]["perpetrator_reference"] == ""


def test_the_subject_export_holds_exactly_the_persons_reports_and_readers(
    officer: Review, tmp_path: Path
) -> None:
    r = officer
    mine = [
        report(i, perpetrator_known=True, perpetrator_reference=ref, perpetrator_description=d)
        for i, (ref, d) in enumerate(
            [("K-123", "Man met pet"), ("k-123", ""), ("", "Weer de man, klantnummer K-123")],
            start=1,
        )
    ]
    other = report(4, perpetrator_known=True, perpetrator_reference="K-999")
    r.push("emp", [*mine, other])
    read = mine[0]["entity_id"]
    assert r.http.get(f"{API}/incidents/{read}", headers=r.h("lead")).status_code == 200
    json_path, pdf_path, data = subject.export(r.live.world.store, "K-123", tmp_path)
    assert sorted(rep["id"] for rep in data["reports"]) == sorted(c["entity_id"] for c in mine)
    assert [(a["who"], a["incident_id"]) for a in data["audit"]] == [("lead", read)]
    assert json.loads(json_path.read_text(encoding="utf-8")) == data
    assert pdf_path.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "lead" in text and "K-999" not in text and "Man met pet" in text
    export_rows = _audit_rows(r, action="subject.export")
    assert len(export_rows) == 1 and "3 reports" in export_rows[0].detail
    # Correction and deletion travel to the stations and are audited.
    assert (
        subject.correct(r.live.world.store, "K-123", "perpetrator_description", "Man, klant K-123")
        == 3
    )
    removed = subject.delete(r.live.world.store, "K-123")
    assert removed["reports"] == 3
    changes = r.pull("lead")
    scopes = {c["entity_id"] for c in changes if c["kind"] == p.INCIDENT_PURGED}
    assert scopes == {c["entity_id"] for c in mine}
    view = r.http.get(f"{API}/incidents/{other['entity_id']}", headers=r.h("lead")).json()
    assert view["incident"]["perpetrator_reference"] == "K-999"
    with pytest.raises(subject.SubjectError):
        subject.export(r.live.world.store, "K-123", tmp_path)
    actions = [row.action for row in _audit_rows(r, subject="person")]
    assert actions == ["subject.export", "subject.correct", "subject.delete"]


def test_admin_commands_show_audit_and_retention(
    officer: Review, capsys: pytest.CaptureFixture[str]
) -> None:
    r = officer
    url = r.live.server.database_url
    assert r.http.get(f"{API}/audit", headers=r.h("fg")).status_code == 200

    def run(*args: str) -> tuple[int, str, str]:
        code = cli.main(["admin", "--database", url, *args])
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _ = run("audit", "--user", "fg")
    assert code == 0 and out.splitlines()[0].split()[:3] == ["WHEN", "(UTC)", "WHO"]
    assert "audit.read" in out and "fg" in out
    code, out, _ = run("retention", "show")
    assert code == 0 and "kept (no period set)" in out
    code, out, _ = run("retention", "set", "--reports-months", "60", "--attachments-months", "6")
    assert code == 0 and "60 months" in out and "6 months" in out
    code, out, err = run("retention", "set", "--reports-months", "0")
    assert code == 2 and "1 to 1200 months" in err
    code, out, _ = run("retention", "preview")
    assert code == 0 and "reports" in out and "attachments" in out
    code, out, err = run("retention", "purge")
    assert code == 2 and "--now" in err
    code, out, _ = run("retention", "purge", "--now")
    assert code == 0 and "REMOVED" in out
    code, out, err = run("audit", "--since", "gisteren")
    assert code == 2 and "--since" in err
    code, _, err = run(
        "subject", "export", "--person", "Niemand", "--out", str(r.live.server.data_dir)
    )
    assert code == 2 and "nothing is held" in err


def test_reads_of_a_team_lead_only_report_are_audited_once(officer: Review) -> None:
    r = officer
    hidden = report(team_lead_only=True)
    incident_id = hidden["entity_id"]
    r.push("emp", [hidden])
    assert r.http.get(f"{API}/incidents/{incident_id}", headers=r.h("lead")).status_code == 200
    assert incident_id in {c["entity_id"] for c in r.pull("lead")}
    assert incident_id not in {c["entity_id"] for c in r.pull("emp2")}
    rows = _audit_rows(r, incident_id=uuid.UUID(incident_id))
    assert [(row.action, row.actor) for row in rows] == [
        ("restricted_read.detail", "lead"),
        ("restricted_read.pull", "lead"),
    ]
