"""The team lead's review on a real server process (SQLite and PostgreSQL): who may see a
report, its files and its follow-up through every route; who may act on it; the follow-up
tasks the server plans; the peer-support member's narrow view; organisation-wide numbers;
attachments; alarms that need follow-up; the people to assign to."""

from __future__ import annotations

import hashlib
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import sqlalchemy as sa

from tests.server.conftest import Live, add_user, change, incident_payload, user_token
from veiligbalie.core.followup import plan_event_id, task_id_for
from veiligbalie.core.ids import uuid7
from veiligbalie.core.limits import MAX_ATTACHMENT_BYTES
from veiligbalie.core.vocabulary import Category, FollowUpKind, Role
from veiligbalie.protocol import sync as p
from veiligbalie.server import schema as t
from veiligbalie.server.store import default_files_dir

API = "/api/v1"
EVIDENCE = b"%PDF-1.4 proces-verbaal van de balie\n" * 50
EVIDENCE_SHA = hashlib.sha256(EVIDENCE).hexdigest()


@dataclass
class Review:
    live: Live
    http: httpx.Client
    tokens: dict[str, str]
    users: dict[str, uuid.UUID]

    def h(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def push(self, who: str, changes: list[dict[str, Any]], device: uuid.UUID | None = None) -> Any:
        if device is None:
            device = self.live.world.device if who == "ws" else uuid.uuid4()
        r = self.http.post(
            f"{API}/sync/push",
            json={"device_id": str(device), "changes": changes},
            headers=self.h(who),
        )
        assert r.status_code == 200, r.text
        return r.json()

    def pull(self, who: str) -> list[dict[str, Any]]:
        cursor, out = 0, []
        while True:
            r = self.http.get(f"{API}/sync/pull?cursor={cursor}", headers=self.h(who))
            assert r.status_code == 200, r.text
            body = r.json()
            out.extend(body["changes"])
            cursor = body["cursor"]
            if not body["has_more"]:
                return out


@pytest.fixture
def review(live: Live) -> Any:
    w = live.world
    tokens = {name: w.tokens[name] for name in w.tokens}
    users = dict(w.users)
    for name, role, site in [
        ("coord", Role.COORDINATOR, None),
        ("peer", Role.PEER_SUPPORT, None),
        ("peer2", Role.PEER_SUPPORT, None),
        ("lead2", Role.TEAM_LEAD, w.site_a),
    ]:
        users[name] = add_user(w.store, name, role, site)
        tokens[name] = user_token(w.store, users[name])
    with httpx.Client(base_url=live.url, timeout=30) as http:
        yield Review(live, http, tokens, users)


def attachment(data: bytes = EVIDENCE, name: str = "proces-verbaal.pdf") -> dict[str, Any]:
    return {
        "sha256": hashlib.sha256(data).hexdigest(),
        "original_name": name,
        "size": len(data),
        "mime_type": "application/pdf",
    }


def report(
    seq: int = 1, attachments: list[dict[str, Any]] | None = None, **fields: Any
) -> dict[str, Any]:
    payload = incident_payload(id=uuid7(), **fields)
    if attachments is not None:
        payload["attachments"] = attachments
    return change(seq, payload=payload)


def followup(kind: FollowUpKind, action: str, **fields: Any) -> dict[str, Any]:
    return {"event_id": str(uuid7()), "kind": kind.value, "action": action, **fields}


def upload(
    r: Review, who: str, incident_id: str, data: bytes, sha: str | None = None, **headers: str
) -> httpx.Response:
    return r.http.put(
        f"{API}/incidents/{incident_id}/attachments/{sha or hashlib.sha256(data).hexdigest()}",
        content=data,
        headers={
            **r.h(who),
            "Content-Type": "application/pdf",
            "X-VB-Filename": quote("proces-verbaal.pdf"),
            **headers,
        },
    )


# --- visibility through every route -------------------------------------------------------


def test_a_hidden_report_its_files_and_follow_up_reach_no_colleague(review: Review) -> None:
    r = review
    hidden = report(attachments=[attachment()], team_lead_only=True, reference="VB-2026-000042")
    incident_id = hidden["entity_id"]
    answer = r.push("emp", [hidden])
    assert answer["accepted"] == [1]
    final = answer["references"][0]["reference"]
    assert answer["references"][0]["entity_id"] == incident_id
    assert upload(r, "emp", incident_id, EVIDENCE).status_code == 201
    # emp2 works at the same site, which shares its log with employees.
    assert incident_id not in {c["entity_id"] for c in r.pull("emp2")}
    listed = r.http.get(f"{API}/incidents", headers=r.h("emp2")).json()
    assert incident_id not in {i["id"] for i in listed["items"]}
    for number in (final, "VB-2026-000042"):
        found = r.http.get(f"{API}/incidents", params={"reference": number}, headers=r.h("emp2"))
        assert found.status_code == 200 and found.json()["items"] == []
    for who in ("emp2", "sec", "emp_b", "lead_b", "peer"):
        for path in (
            f"{API}/incidents/{incident_id}",
            f"{API}/incidents/{incident_id}/attachments",
            f"{API}/incidents/{incident_id}/attachments/{EVIDENCE_SHA}",
        ):
            assert r.http.get(path, headers=r.h(who)).status_code == 404, (who, path)
        assert upload(r, who, incident_id, EVIDENCE).status_code == 404
    # The reporter, the site's team lead and the coordinator see it, its plan and its file.
    for who in ("emp", "lead", "coord"):
        kinds = [c["kind"] for c in r.pull(who) if c["entity_id"] == incident_id]
        assert kinds[0] == "incident.created" and "incident.followup" in kinds, who
        got = r.http.get(
            f"{API}/incidents/{incident_id}/attachments/{EVIDENCE_SHA}", headers=r.h(who)
        )
        assert got.status_code == 200 and got.content == EVIDENCE
        assert got.headers["X-VB-SHA256"] == EVIDENCE_SHA
        by_number = r.http.get(
            f"{API}/incidents", params={"reference": "VB-2026-000042"}, headers=r.h(who)
        )
        assert [i["id"] for i in by_number.json()["items"]] == [incident_id], who


def test_the_plan_of_a_new_report_is_not_sent_back_to_the_station_that_pushed_it(
    review: Review,
) -> None:
    """The reporter's station planned the same tasks when it saved the report: its own pull
    leaves them out. The team lead (and the reporter's other devices) get them; a plan made
    after an edit goes to every device, the pushing one too."""
    r = review
    created = report(categories=frozenset({Category.VERBAL_AGGRESSION}))
    incident_id = created["entity_id"]
    device = uuid.uuid4()
    r.push("emp", [created], device)

    def pulled(who: str, device: uuid.UUID | None) -> list[dict[str, Any]]:
        headers = r.h(who) | ({"X-VB-Device": str(device)} if device else {})
        got = r.http.get(f"{API}/sync/pull?cursor=0&limit=1000", headers=headers)
        assert got.status_code == 200, got.text
        return [c for c in got.json()["changes"] if c["entity_id"] == incident_id]

    own = pulled("emp", device)
    assert [c["kind"] for c in own] == ["incident.created"]
    assert any(c["kind"] == "incident.followup" for c in pulled("emp", uuid.uuid4()))
    first_plan = {
        c["payload"]["kind"] for c in pulled("lead", None) if c["kind"] == "incident.followup"
    }
    assert first_plan
    edit = change(
        2,
        "incident.field_edited",
        uuid.UUID(incident_id),
        {"event_id": str(uuid7()), "field": "categories", "value": ["threat"]},
        base_revision=1,
    )
    assert r.push("emp", [edit], device)["accepted"] == [2]
    after = {
        c["payload"]["kind"] for c in pulled("emp", device) if c["kind"] == "incident.followup"
    }
    assert FollowUpKind.POLICE_REPORT.value in after and not after & first_plan


def test_the_server_plans_follow_up_once_and_after_an_edit(review: Review) -> None:
    r = review
    created = report(categories=frozenset({Category.VERBAL_AGGRESSION}))
    incident_id = uuid.UUID(created["entity_id"])
    r.push("emp", [created])
    planned = [c for c in r.pull("lead") if c["kind"] == "incident.followup"]
    kinds = {c["payload"]["kind"] for c in planned}
    assert FollowUpKind.EVALUATION.value in kinds
    assert FollowUpKind.POLICE_REPORT.value not in kinds
    for c in planned:
        kind = FollowUpKind(c["payload"]["kind"])
        assert c["payload"]["event_id"] == str(plan_event_id(incident_id, kind))
        assert c["payload"]["task_id"] == str(task_id_for(incident_id, kind))
        assert c["payload"]["action"] == "planned" and c["payload"]["due"]
        assert c["payload"]["author"] == "VeiligBalie"
        # Exactly what every station makes of the same planned payload.
        same = p.timeline_entry(p.INCIDENT_FOLLOWUP, p.FollowUpPayload.model_validate(c["payload"]))
        assert {k: c["payload"][k] for k in same.data} == same.data
    # A repeat of the report plans nothing more.
    r.push("emp", [dict(created, device_seq=5, change_id=str(uuid.uuid4()))], r.live.world.device)
    # An edit that makes it a threat adds the police report; nothing planned moves.
    edit = change(
        2,
        "incident.field_edited",
        incident_id,
        {"event_id": str(uuid7()), "field": "categories", "value": ["threat"]},
        base_revision=1,
    )
    assert r.push("lead", [edit])["accepted"] == [2]
    after = [c for c in r.pull("lead") if c["kind"] == "incident.followup"]
    assert after[: len(planned)] == planned
    added = {c["payload"]["kind"] for c in after[len(planned) :]}
    assert FollowUpKind.POLICE_REPORT.value in added
    assert len(after) == len({c["payload"]["event_id"] for c in after})
    with r.live.world.store.read() as conn:
        stored = conn.execute(
            sa.select(t.followup_tasks.c.kind).where(t.followup_tasks.c.incident_id == incident_id)
        ).scalars()
        assert set(stored) == kinds | added


def test_review_changes_are_refused_for_employees_and_security(review: Review) -> None:
    r = review
    created = report()
    incident_id = uuid.UUID(created["entity_id"])
    r.push("emp", [created])
    attempts = [
        ("incident.status_changed", {"event_id": str(uuid7()), "status": "in_progress"}),
        (
            "incident.assigned",
            {"event_id": str(uuid7()), "assignee_user_id": str(r.users["lead"])},
        ),
        ("incident.message", {"event_id": str(uuid7()), "author": "Jan", "text": "Hallo"}),
        (
            "incident.followup",
            followup(FollowUpKind.EVALUATION, "done", done_at=datetime.now(UTC).isoformat()),
        ),
    ]
    for who in ("emp", "sec", "ws"):
        batch = [
            change(i, kind, incident_id, payload) for i, (kind, payload) in enumerate(attempts, 1)
        ]
        answer = r.push(who, batch)
        assert answer["accepted"] == []
        assert [x["permanent"] for x in answer["rejected"]] == [True] * 4
        assert all(x["reason"].startswith("forbidden") for x in answer["rejected"]), who
    lead = [change(i, kind, incident_id, payload) for i, (kind, payload) in enumerate(attempts, 1)]
    assert r.push("lead", lead)["accepted"] == [1, 2, 3, 4]
    detail = r.http.get(f"{API}/incidents/{incident_id}", headers=r.h("emp")).json()
    assert {"status", "assigned", "message", "followup"} <= {e["kind"] for e in detail["timeline"]}
    listed = r.http.get(f"{API}/incidents", headers=r.h("lead")).json()["items"]
    assert [i["assignee_user_id"] for i in listed if i["id"] == str(incident_id)] == [
        str(r.users["lead"])
    ]


def test_a_report_is_assigned_only_to_a_reviewer_of_its_site(review: Review) -> None:
    r = review
    created = report()
    incident_id = uuid.UUID(created["entity_id"])
    r.push("emp", [created])

    def assign(seq: int, who: uuid.UUID | None) -> dict[str, Any]:
        payload = {"event_id": str(uuid7()), "assignee_user_id": str(who) if who else None}
        return change(seq, "incident.assigned", incident_id, payload)

    answer = r.push(
        "lead",
        [
            assign(1, r.users["emp"]),
            assign(2, r.users["lead_b"]),
            assign(3, r.users["peer"]),
            assign(4, uuid.uuid4()),
            assign(5, r.users["lead2"]),
            assign(6, r.users["coord"]),
            assign(7, None),
        ],
    )
    assert answer["accepted"] == [5, 6, 7]
    assert {x["device_seq"] for x in answer["rejected"]} == {1, 2, 3, 4}
    assert all(x["permanent"] and x["reason"].startswith("invalid") for x in answer["rejected"])
    # The coordinator acts on another site's report too.
    other = report()
    r.push("emp_b", [other])
    taken = change(
        1,
        "incident.assigned",
        uuid.UUID(other["entity_id"]),
        {"event_id": str(uuid7()), "assignee_user_id": str(r.users["coord"])},
    )
    assert r.push("coord", [taken])["accepted"] == [1]
    assert r.push("lead", [dict(taken, change_id=str(uuid.uuid4()))])["rejected"][0][
        "reason"
    ].startswith("forbidden")


def test_a_peer_support_member_sees_and_ticks_off_only_their_task(review: Review) -> None:
    r = review
    created = report(injury=True)
    incident_id = uuid.UUID(created["entity_id"])
    answer = r.push("emp", [created])
    final = answer["references"][0]["reference"]
    assert r.pull("peer") == []
    talk = task_id_for(incident_id, FollowUpKind.AFTERCARE_TALK)
    assigned = followup(
        FollowUpKind.AFTERCARE_TALK,
        "assigned",
        task_id=str(talk),
        assignee_user_id=str(r.users["peer"]),
    )
    to_peer_evaluation = followup(
        FollowUpKind.EVALUATION, "assigned", assignee_user_id=str(r.users["peer"])
    )
    answer = r.push(
        "lead",
        [
            change(1, "incident.followup", incident_id, assigned),
            change(2, "incident.followup", incident_id, to_peer_evaluation),
        ],
    )
    assert answer["accepted"] == [1]
    assert answer["rejected"][0]["reason"].startswith("invalid")
    mine = r.pull("peer")
    assert [(c["kind"], c["payload"]["action"]) for c in mine] == [
        ("incident.followup", "assigned")
    ]
    payload = mine[0]["payload"]
    assert payload["assignee_name"] == "Peer" and payload["due"]
    assert payload["context"]["reference"] == final
    assert payload["context"]["location"] == "Balie 1"
    assert payload["context"]["reporter"] == "Jan de Vries"
    assert r.pull("peer2") == []
    # Nothing else of the report: no list entry, no detail, no files.
    assert r.http.get(f"{API}/incidents", headers=r.h("peer")).json()["items"] == []
    assert r.http.get(f"{API}/incidents/{incident_id}", headers=r.h("peer")).status_code == 404
    done_at = datetime.now(UTC).isoformat()
    refused = [
        ("incident.note_added", {"event_id": str(uuid7()), "author": "P", "text": "x"}),
        ("incident.status_changed", {"event_id": str(uuid7()), "status": "in_progress"}),
        ("incident.followup", followup(FollowUpKind.EVALUATION, "done", done_at=done_at)),
        (
            "incident.followup",
            followup(FollowUpKind.AFTERCARE_TALK, "assigned", assignee_user_id=None),
        ),
    ]
    batch = [change(i, kind, incident_id, p) for i, (kind, p) in enumerate(refused, 1)]
    answer = r.push("peer", batch)
    assert answer["accepted"] == []
    assert all(x["reason"].startswith("forbidden") for x in answer["rejected"])
    other_peer = followup(FollowUpKind.AFTERCARE_TALK, "done", done_at=done_at)
    assert r.push("peer2", [change(1, "incident.followup", incident_id, other_peer)])["rejected"][
        0
    ]["reason"].startswith("forbidden")
    done = followup(
        FollowUpKind.AFTERCARE_TALK,
        "done",
        done_at=done_at,
        note="Gesprek gehad, gaat goed",
        details={"with_whom": "melder"},
    )
    assert r.push("peer", [change(1, "incident.followup", incident_id, done)])["accepted"] == [1]
    assert [c["payload"]["action"] for c in r.pull("peer")] == ["assigned", "done"]
    lead_view = [c for c in r.pull("lead") if c["payload"].get("event_id") == done["event_id"]]
    assert lead_view and lead_view[0]["payload"]["author"] == "Peer"
    with r.live.world.store.read() as conn:
        task = conn.execute(sa.select(t.followup_tasks).where(t.followup_tasks.c.id == talk)).one()
    assert task.done_at is not None and task.assignee_user_id == r.users["peer"]
    assert task.note == "Gesprek gehad, gaat goed"
    # Given to another member: the first one learns it went to someone else, the second
    # receives it with its context; both through the same one event.
    moved = followup(
        FollowUpKind.AFTERCARE_TALK,
        "assigned",
        task_id=str(talk),
        assignee_user_id=str(r.users["peer2"]),
    )
    assert r.push("lead", [change(9, "incident.followup", incident_id, moved)])["accepted"] == [9]
    first = [c["payload"] for c in r.pull("peer")]
    assert first[-1]["event_id"] == moved["event_id"]
    assert first[-1]["assignee_user_id"] == str(r.users["peer2"])
    second = [c["payload"] for c in r.pull("peer2")]
    assert [x["event_id"] for x in second] == [moved["event_id"]]
    assert second[0]["context"]["reference"] == final


# --- organisation-wide numbers ------------------------------------------------------------


def test_two_stations_offline_get_distinct_final_numbers(review: Review) -> None:
    r = review
    w = r.live.world
    # Both stations gave their offline reports the same provisional numbers.
    batches = {
        "ws": [report(i, reference=f"VB-2026-{i:06d}") for i in range(1, 6)],
        "emp2": [report(i, reference=f"VB-2026-{i:06d}") for i in range(1, 6)],
    }
    devices = {"ws": w.device, "emp2": uuid.uuid4()}
    answers: dict[str, Any] = {}

    def send(who: str) -> None:
        answers[who] = r.push(who, batches[who], devices[who])

    threads = [threading.Thread(target=send, args=(who,)) for who in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    numbers = {
        ref["entity_id"]: ref["reference"] for who in answers for ref in answers[who]["references"]
    }
    assert len(numbers) == 10 and len(set(numbers.values())) == 10
    year = datetime.now(UTC).year
    assert all(n.startswith(f"VB-{year}-") for n in numbers.values())
    # A repeat keeps its number.
    again = r.push("ws", batches["ws"], devices["ws"])
    assert {x["entity_id"]: x["reference"] for x in again["references"]} == {
        c["entity_id"]: numbers[c["entity_id"]] for c in batches["ws"]
    }
    # The pulled report carries both numbers and the site's name.
    pulled = {
        c["entity_id"]: c["payload"] for c in r.pull("lead") if c["kind"] == "incident.created"
    }
    first = batches["ws"][0]["entity_id"]
    assert pulled[first]["reference"] == numbers[first]
    assert pulled[first]["provisional_reference"] == "VB-2026-000001"
    assert pulled[first]["site_name"] == "Centrum"

    # Old and new numbers resolve; the report that has it as its final number comes first
    # (provisional numbers look like final ones, so one number may name several reports).
    def found(number: str, who: str = "lead") -> list[str]:
        answer = r.http.get(f"{API}/incidents", params={"reference": number}, headers=r.h(who))
        assert answer.status_code == 200, answer.text
        return [i["id"] for i in answer.json()["items"]]

    for entity_id, number in numbers.items():
        assert found(number)[0] == entity_id
    third = {batches["ws"][2]["entity_id"], batches["emp2"][2]["entity_id"]}
    assert third <= set(found("VB-2026-000003"))
    assert batches["emp2"][2]["entity_id"] in found("VB-2026-000003", "emp2")


# --- attachments ------------------------------------------------------------------------


def test_attachment_upload_rules_and_download(review: Review) -> None:
    r = review
    big = {"sha256": "a" * 64, "original_name": "film.mp4", "size": MAX_ATTACHMENT_BYTES + 1}
    exe = {"sha256": "b" * 64, "original_name": "virus.exe", "size": 10}
    created = report(attachments=[attachment(), big, exe])
    incident_id = created["entity_id"]
    r.push("ws", [created])
    listed = r.http.get(f"{API}/incidents/{incident_id}/attachments", headers=r.h("lead")).json()
    assert [(a["name"], a["uploaded"]) for a in listed] == [
        ("proces-verbaal.pdf", False),
        ("film.mp4", False),
        ("virus.exe", False),
    ]
    # Not yet there: nothing to download.
    missing = r.http.get(
        f"{API}/incidents/{incident_id}/attachments/{EVIDENCE_SHA}", headers=r.h("lead")
    )
    assert missing.status_code == 404
    # Only the reporter's station uploads; a colleague who sees the report may not.
    assert upload(r, "lead", incident_id, EVIDENCE).status_code == 403
    wrong = upload(r, "ws", incident_id, EVIDENCE[:-1] + b"X", sha=EVIDENCE_SHA)
    assert wrong.status_code == 400 and "SHA-256" in wrong.json()["detail"]
    assert upload(r, "ws", incident_id, b"not listed").status_code == 400
    assert upload(r, "ws", incident_id, b"0123456789", sha="b" * 64).status_code == 415
    assert upload(r, "ws", incident_id, b"x", sha="a" * 64).status_code == 413
    too_big = upload(r, "ws", incident_id, b"\0" * (MAX_ATTACHMENT_BYTES + 1), sha="a" * 64)
    assert too_big.status_code == 413
    assert upload(r, "ws", str(uuid7()), EVIDENCE).status_code == 404
    first = upload(r, "ws", incident_id, EVIDENCE)
    assert first.status_code == 201, first.text
    assert first.json()["uploaded"] is True
    again = upload(r, "ws", incident_id, EVIDENCE)
    assert again.status_code == 200
    files = default_files_dir(r.live.server.database_url, r.live.server.data_dir)
    assert files.is_dir()
    stored = [p for p in files.rglob(EVIDENCE_SHA) if p.is_file()]
    assert len(stored) == 1 and stored[0].read_bytes() == EVIDENCE
    assert not any(p.is_file() for p in files.rglob(".incoming/*"))
    got = r.http.get(
        f"{API}/incidents/{incident_id}/attachments/{EVIDENCE_SHA.upper()}", headers=r.h("lead")
    )
    assert got.status_code == 200 and got.content == EVIDENCE
    assert got.headers["X-VB-SHA256"] == EVIDENCE_SHA
    assert got.headers["content-type"] == "application/pdf"
    listed = r.http.get(f"{API}/incidents/{incident_id}/attachments", headers=r.h("ws")).json()
    assert [a["uploaded"] for a in listed] == [True, False, False]


def test_a_restricted_reports_file_read_by_a_reviewer_is_audited(review: Review) -> None:
    r = review
    created = report(
        attachments=[attachment()],
        perpetrator_known=True,
        perpetrator_description="Man, 40, rode jas",
    )
    incident_id = created["entity_id"]
    r.push("emp", [created])
    assert upload(r, "emp", incident_id, EVIDENCE).status_code == 201
    path = f"{API}/incidents/{incident_id}/attachments/{EVIDENCE_SHA}"
    assert r.http.get(path, headers=r.h("emp")).status_code == 200
    assert r.http.get(path, headers=r.h("coord")).status_code == 200
    with r.live.world.store.read() as conn:
        audited = (
            conn.execute(
                sa.select(t.audit_log.c.user_id).where(
                    t.audit_log.c.action == "restricted_read.attachment"
                )
            )
            .scalars()
            .all()
        )
    assert audited == [r.users["coord"]]


# --- alarm follow-up and people ---------------------------------------------------------


def _alarm(r: Review, who: str, end: str | None, test: bool = False) -> str:
    alarm_id = str(uuid7())
    raised = r.http.post(
        f"{API}/alarms",
        json={"id": alarm_id, "test": test, "location": "Balie 2"},
        headers=r.h(who),
    )
    assert raised.status_code == 200, raised.text
    if end:
        body = {"alarm_id": alarm_id, "at": datetime.now(UTC).isoformat()}
        ended = r.http.post(f"{API}/alarms/{alarm_id}/{end}", json=body, headers=r.h(who))
        assert ended.status_code == 200, ended.text
    return alarm_id


def test_alarms_without_a_report_wait_for_a_reviewer(review: Review) -> None:
    r = review
    resolved = _alarm(r, "ws", "resolve")
    cancelled = _alarm(r, "ws", "cancel")
    _alarm(r, "ws", None)  # still open
    _alarm(r, "ws", "resolve", test=True)
    linked = _alarm(r, "ws", "resolve")
    other_site = _alarm(r, "emp_b", "resolve")
    r.push("ws", [report(alarm_id=uuid.UUID(linked))])
    listed = r.http.get(f"{API}/alarms/followup", headers=r.h("lead"))
    assert listed.status_code == 200
    items = {a["id"]: a for a in listed.json()}
    assert set(items) == {resolved, cancelled}
    assert items[cancelled]["state"] == "cancelled" and items[resolved]["location"] == "Balie 2"
    assert items[resolved]["late"] is False  # raised live: not reported afterwards
    everywhere = r.http.get(f"{API}/alarms/followup", headers=r.h("coord")).json()
    assert {a["id"] for a in everywhere} == {resolved, cancelled, other_site}
    for who in ("emp", "sec", "ws", "peer", "admin"):
        assert r.http.get(f"{API}/alarms/followup", headers=r.h(who)).status_code == 403
    assert (
        r.http.post(
            f"{API}/alarms/{other_site}/followup", json={"reason": "x"}, headers=r.h("lead")
        ).status_code
        == 404
    )
    assert (
        r.http.post(
            f"{API}/alarms/{resolved}/followup", json={"reason": "  "}, headers=r.h("lead")
        ).status_code
        == 422
    )
    closed = r.http.post(
        f"{API}/alarms/{resolved}/followup",
        json={"reason": "Vergissing, besproken"},
        headers=r.h("lead"),
    )
    assert closed.status_code == 200 and closed.json()["closed_by"] == "Lead"
    again = r.http.post(
        f"{API}/alarms/{resolved}/followup", json={"reason": "later"}, headers=r.h("coord")
    )
    assert again.json()["reason"] == "Vergissing, besproken"
    assert [a["id"] for a in r.http.get(f"{API}/alarms/followup", headers=r.h("lead")).json()] == [
        cancelled
    ]
    # A report linked later takes it off the list too.
    r.push("ws", [report(2, alarm_id=uuid.UUID(cancelled))])
    assert r.http.get(f"{API}/alarms/followup", headers=r.h("lead")).json() == []
    with r.live.world.store.read() as conn:
        actions = conn.execute(sa.select(t.audit_log.c.action)).scalars().all()
    assert actions.count("alarm_followup.closed") == 1
    # The coordinator reads any site's alarm with its log.
    assert r.http.get(f"{API}/alarms/{other_site}", headers=r.h("coord")).status_code == 200


def test_people_to_assign_to(review: Review) -> None:
    r = review
    people = r.http.get(f"{API}/people", headers=r.h("lead"))
    assert people.status_code == 200
    names = {(p["display_name"], p["role"]) for p in people.json()}
    assert names == {
        ("Lead", "team_lead"),
        ("Lead2", "team_lead"),
        ("Coord", "coordinator"),
        ("Peer", "peer_support"),
        ("Peer2", "peer_support"),
    }
    everyone = {p["display_name"] for p in r.http.get(f"{API}/people", headers=r.h("coord")).json()}
    assert "Lead_B" in everyone
    for who in ("emp", "sec", "ws", "peer", "admin"):
        assert r.http.get(f"{API}/people", headers=r.h(who)).status_code == 403


def test_a_station_that_planned_offline_pushes_the_same_plan_once(review: Review) -> None:
    """The reporter's station planned the tasks itself (same deterministic ids): its planned
    events are accepted and stored once; any other follow-up change of theirs is refused."""
    r = review
    created = report()
    incident_id = uuid.UUID(created["entity_id"])
    kind = FollowUpKind.EVALUATION
    own_plan = {
        "event_id": str(plan_event_id(incident_id, kind)),
        "kind": kind.value,
        "task_id": str(task_id_for(incident_id, kind)),
        "action": "planned",
        "due": datetime.now(UTC).isoformat(),
        "reason": "always",
    }
    forged = dict(own_plan, event_id=str(uuid7()))
    answer = r.push(
        "emp",
        [
            created,
            change(2, "incident.followup", incident_id, own_plan),
            change(3, "incident.followup", incident_id, forged),
        ],
    )
    assert answer["accepted"] == [1, 2]
    assert answer["rejected"][0]["reason"].startswith("forbidden")
    again = r.push("emp", [change(1, "incident.followup", incident_id, own_plan)])
    assert again["accepted"] == [1]
    ids = [c["payload"]["event_id"] for c in r.pull("lead") if c["kind"] == "incident.followup"]
    assert ids.count(own_plan["event_id"]) == 1


def test_two_server_processes_never_give_one_number_twice(
    review: Review, backend: str, tmp_path: Any
) -> None:
    """Several server processes share one database (PostgreSQL in production): pushes that
    arrive at both at once still get distinct numbers; ``--files`` puts attachments where
    it says."""
    from tests.support.server import running_server

    r = review
    w = r.live.world
    shared_files = tmp_path / "gedeelde-bestanden"
    with running_server(
        r.live.server.database_url, extra_args=["--files", str(shared_files)]
    ) as second:
        batches = {
            (r.live.url, "ws"): [report(i) for i in range(1, 11)],
            (second.base_url, "emp2"): [report(i) for i in range(1, 11)],
        }
        answers: list[Any] = []

        def send(url: str, who: str) -> None:
            device = w.device if who == "ws" else uuid.uuid4()
            answers.append(
                httpx.post(
                    f"{url}{API}/sync/push",
                    json={"device_id": str(device), "changes": batches[(url, who)]},
                    headers=r.h(who),
                    timeout=60,
                ).json()
            )

        threads = [threading.Thread(target=send, args=key) for key in batches]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(90)
        numbers = [ref["reference"] for a in answers for ref in a["references"]]
        assert len(numbers) == 20 and len(set(numbers)) == 20, backend
        # An upload through the second process lands in its --files folder.
        created = report(attachments=[attachment()])
        r.push("emp2", [created])
        sent = httpx.put(
            f"{second.base_url}{API}/incidents/{created['entity_id']}/attachments/{EVIDENCE_SHA}",
            content=EVIDENCE,
            headers={**r.h("emp2"), "Content-Type": "application/pdf"},
        )
        assert sent.status_code == 201, sent.text
        assert (shared_files / EVIDENCE_SHA[:2] / EVIDENCE_SHA).read_bytes() == EVIDENCE


def test_the_administrator_creates_coordinators_and_peer_support_without_a_site(
    review: Review,
) -> None:
    r = review
    for role in ("coordinator", "peer_support"):
        made = r.http.post(
            f"{API}/admin/users",
            json={
                "username": f"nieuw-{role}",
                "display_name": "Nieuw",
                "role": role,
                "site_id": None,
                "password": "a long password",
            },
            headers=r.h("admin"),
        )
        assert made.status_code == 201, made.text
        assert made.json()["role"] == role and made.json()["site_id"] is None
    refused = r.http.post(
        f"{API}/admin/users",
        json={
            "username": "zonder-site",
            "display_name": "Zonder",
            "role": "employee",
            "password": "a long password",
        },
        headers=r.h("admin"),
    )
    # The schema says an employee has a site (issue 14): refused with 422, saying why.
    assert refused.status_code == 422 and "needs a site" in refused.text
