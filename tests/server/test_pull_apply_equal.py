"""The client's bulk apply of pulled pages stores exactly what the per-change apply it
replaced stored (issue #17): the same pages, fetched from a real server process, applied to
two fresh client stores — one through the engine's path (SyncLogic.apply_pull), one
through the old path kept in tests/support/pull_reference.py — leave every table equal,
row for row and column for column.

The server content is what a station meets: reports with restricted fields, witnesses and
files, the plan the server makes of each, notes, messages, status changes up to closed,
assignments, follow-up steps (done, updated, given to a peer-support member), field edits
(a restricted one among them) and the retention purge of whole reports and of perpetrator
data, pulled in small pages (a report and its events fall in different pages), again from
the start (everything already here), by a team lead and by an employee (whose pages leave
restricted values out). Time is frozen for both applies: the rows they stamp with "now"
must be equal too.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server.conftest import Live, change, incident_payload
from tests.support import pull_reference
from tests.support.clock import Clock
from veiligbalie.core.ids import uuid7
from veiligbalie.core.vocabulary import FollowUpKind
from veiligbalie.protocol import sync as p
from veiligbalie.server import retention
from veiligbalie.server.store import default_files_dir
from veiligbalie.services import sync_logic
from veiligbalie.services.sync_logic import SyncLogic
from veiligbalie.store import pulled, tasks
from veiligbalie.store.database import Database

API = "/api/v1"
FROZEN = datetime(2026, 12, 3, 9, 30, 15, 123456, tzinfo=UTC)
_REAL = datetime


class _Meta(type):
    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, _REAL)


class _Frozen(_REAL, metaclass=_Meta):
    """``datetime`` whose ``now()`` is FROZEN (every other use as the real one)."""

    @classmethod
    def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
        return FROZEN.astimezone(tz) if tz is not None else FROZEN.replace(tzinfo=None)


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for module in (pulled, tasks, sync_logic, pull_reference):
        monkeypatch.setattr(module, "datetime", _Frozen)
    yield


def _evidence(n: int) -> dict[str, Any]:
    return {
        "sha256": f"{n:064x}",
        "original_name": f"foto-{n}.jpg",
        "size": 1000 + n,
        "mime_type": "image/jpeg",
    }


def _followup(kind: FollowUpKind, action: str, **fields: Any) -> dict[str, Any]:
    return {"event_id": str(uuid7()), "kind": kind.value, "action": action, **fields}


class _Server:
    def __init__(self, live: Live, http: httpx.Client) -> None:
        self.live, self.http, self.seq = live, http, 0
        self.device = uuid.uuid4()  # the employee's station

    def push(self, who: str, changes: list[dict[str, Any]], device: uuid.UUID) -> None:
        r = self.http.post(
            f"{API}/sync/push",
            json={"device_id": str(device), "changes": changes},
            headers={"Authorization": f"Bearer {self.live.world.tokens[who]}"},
        )
        assert r.status_code == 200, r.text
        assert not r.json()["rejected"], r.json()["rejected"]

    def event(self, kind: str, incident_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        self.seq += 1
        base = 1000 if kind == p.INCIDENT_FIELD_EDITED else None  # newer than any revision
        return change(self.seq, kind, uuid.UUID(incident_id), payload, base_revision=base)

    def pages(self, who: str, cursor: int, device: uuid.UUID, limit: int) -> list[bytes]:
        """The raw answers of /sync/pull from ``cursor`` on, as the engine receives them."""
        out = []
        while True:
            r = self.http.get(
                f"{API}/sync/pull?cursor={cursor}&limit={limit}",
                headers={
                    "Authorization": f"Bearer {self.live.world.tokens[who]}",
                    "X-VB-Device": str(device),
                },
            )
            assert r.status_code == 200, r.text
            out.append(r.content)
            body = r.json()
            cursor = body["cursor"]
            if not body["has_more"]:
                return out


def _seed(server: _Server, now: datetime) -> list[str]:
    """Reports of the employee's station, then the team lead's review of them."""
    users = server.live.world.users
    reports = []
    for n in range(24):
        payload = incident_payload(
            id=uuid7(),
            description=f"Bezoeker werd agressief aan balie {n % 5} (melding {n})",
            occurred_at=now - timedelta(days=900 if n % 6 == 0 else n + 1, minutes=n),
            location=f"Balie {n % 5}",
            injury=n % 3 == 0,
            damage=n % 4 == 0,
            police_called=n % 5 == 0,
            aftercare_wanted=n % 2 == 0,
            perpetrator_known=n % 3 != 1,
            perpetrator_description="Man met rode jas" if n % 3 != 1 else "",
            perpetrator_reference=f"K-{n}" if n % 3 == 0 else "",
            witnesses=("Collega Piet",) if n % 4 == 1 else (),
            team_lead_only=n % 7 == 3,
        )
        if n % 5 == 2:
            payload["attachments"] = [_evidence(n), _evidence(n + 100)]
        reports.append(change(n + 1, payload=payload))
    server.push("emp", reports, server.device)
    ids = [c["entity_id"] for c in reports]
    review: list[dict[str, Any]] = []
    for n, incident_id in enumerate(ids):
        note = {"event_id": str(uuid7()), "author": "Team Lead", "text": f"Gebeld met melder {n}"}
        review.append(server.event(p.INCIDENT_NOTE_ADDED, incident_id, note))
        if n % 2 == 0:
            status = {"event_id": str(uuid7()), "status": "in_progress"}
            review.append(server.event(p.INCIDENT_STATUS_CHANGED, incident_id, status))
        if n % 4 == 0:
            closed = {"event_id": str(uuid7()), "status": "closed", "conclusion": "Afgehandeld"}
            review.append(server.event(p.INCIDENT_STATUS_CHANGED, incident_id, closed))
        if n % 3 == 0:
            assigned = {
                "event_id": str(uuid7()),
                "assignee_user_id": str(users["lead"]),
                "assignee_name": "Lead",
            }
            review.append(server.event(p.INCIDENT_ASSIGNED, incident_id, assigned))
            message = {"event_id": str(uuid7()), "author": "Team Lead", "text": "Hoe gaat het?"}
            review.append(server.event(p.INCIDENT_MESSAGE, incident_id, message))
        if n % 2 == 0:
            done = _followup(
                FollowUpKind.EVALUATION,
                "done",
                done_at=(now - timedelta(hours=n)).isoformat(),
                note=f"Geëvalueerd ({n})",
                details={"risk": "Laag", "cause": f"Wachttijd {n}"},
            )
            review.append(server.event(p.INCIDENT_FOLLOWUP, incident_id, done))
        if n % 3 == 0:
            updated = _followup(FollowUpKind.EVALUATION, "updated", note="Nog een gesprek")
            review.append(server.event(p.INCIDENT_FOLLOWUP, incident_id, updated))
        if n % 4 == 1:
            edit = {"event_id": str(uuid7()), "field": "location", "value": f"Hal {n}"}
            review.append(server.event(p.INCIDENT_FIELD_EDITED, incident_id, edit))
        if n % 3 == 0:
            edit = {
                "event_id": str(uuid7()),
                "field": "perpetrator_description",
                "value": f"Vrouw met hond ({n})",
            }
            review.append(server.event(p.INCIDENT_FIELD_EDITED, incident_id, edit))
        if n % 5 == 3:
            edit = {"event_id": str(uuid7()), "field": "categories", "value": ["threat"]}
            review.append(server.event(p.INCIDENT_FIELD_EDITED, incident_id, edit))
    server.push("lead", review, uuid.uuid4())
    return ids


def _later(server: _Server, ids: list[str], now: datetime) -> None:
    """What happens after the stations' first sync: more review, then the retention purge
    (whole reports past 24 months, perpetrator data past 12 a year on)."""
    more = []
    for n, incident_id in enumerate(ids[::2]):
        note = {"event_id": str(uuid7()), "author": "Team Lead", "text": f"Nagebeld {n}"}
        more.append(server.event(p.INCIDENT_NOTE_ADDED, incident_id, note))
        reopened = _followup(FollowUpKind.EVALUATION, "reopened", note="Toch niet klaar")
        more.append(server.event(p.INCIDENT_FOLLOWUP, incident_id, reopened))
    server.push("lead", more, uuid.uuid4())
    store = server.live.world.store
    files = default_files_dir(server.live.server.database_url, server.live.server.data_dir)
    with store.write() as conn:
        retention.set_settings(conn, reports_months=24, perpetrator_months=12)
    assert retention.purge(store, files, Clock(now)())["reports"].count > 0
    assert retention.purge(store, files, Clock(now + timedelta(days=400))())["perpetrator"].count


def _tables(path: Path, identity: set[str]) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of the store, ordered, all columns; the search index by its content."""
    with sqlite3.connect(path) as conn:
        names = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
            if not name.startswith("incident_search")
        ]
        out = {}
        for name in names:
            try:  # the rowid too: the search index keys each report by it
                rows = conn.execute(f"SELECT rowid, * FROM {name} ORDER BY rowid").fetchall()
            except sqlite3.OperationalError:  # a table WITHOUT ROWID
                rows = sorted(conn.execute(f"SELECT * FROM {name}").fetchall(), key=repr)
            if name == "meta":
                rows = [r for r in rows if r[1] not in identity]
            out[name] = rows
        out["incident_search"] = conn.execute(
            "SELECT rowid, body FROM incident_search ORDER BY rowid"
        ).fetchall()
    return out


def _identity(a: Path, b: Path) -> set[str]:
    """The meta keys of each store's own identity (they differ before anything is pulled)."""
    with sqlite3.connect(a) as one, sqlite3.connect(b) as two:
        first = dict(one.execute("SELECT key, value FROM meta").fetchall())
        second = dict(two.execute("SELECT key, value FROM meta").fetchall())
    return {k for k in first.keys() | second.keys() if first.get(k) != second.get(k)}


@pytest.mark.parametrize("who", ["lead", "emp"])
def test_bulk_apply_stores_what_the_per_change_apply_stored(
    live: Live, tmp_path: Path, frozen: None, who: str
) -> None:
    now = _REAL.now(UTC)
    with httpx.Client(base_url=live.url, timeout=60) as http:
        server = _Server(live, http)
        ids = _seed(server, now)
        new_db = Database.open(tmp_path / "new.sqlite3")
        old_db = Database.open(tmp_path / "old.sqlite3")
        identity = _identity(tmp_path / "new.sqlite3", tmp_path / "old.sqlite3")
        new, old = SyncLogic(new_db), SyncLogic(old_db)
        device = server.device if who == "emp" else uuid.uuid4()
        first = server.pages(who, 0, device, limit=13)
        cursor = p.PullResponse.model_validate_json(first[-1]).cursor
        _later(server, ids, now)
        rounds = [
            first,
            server.pages(who, cursor, device, limit=7),
            server.pages(who, 0, device, 11),
        ]
    results = []
    for pages in rounds:
        for body in pages:
            mine = new.apply_pull(p.PullResponse.model_validate_json(body))
            theirs = pull_reference.reference_apply_pull(
                old, p.PullResponse.model_validate_json(body)
            )
            results.append((mine, theirs))
            assert mine == theirs
    new_db.close()
    old_db.close()
    after_new = _tables(tmp_path / "new.sqlite3", identity)
    after_old = _tables(tmp_path / "old.sqlite3", identity)
    assert after_new.keys() == after_old.keys()
    for name in after_new:
        assert after_new[name] == after_old[name], name
    # What was compared is what a station meets, not empty tables.
    kinds = {row[3] for row in after_new["incident_events"]}
    assert {"note", "status", "followup", "field_edited"} <= kinds
    assert len(after_new["incidents"]) >= 20 and len(after_new["followup_tasks"]) >= 40
    assert any(r.purged for r, _ in results) and after_new["attachments"]
    assert sum(r.new_incidents for r, _ in results) == len(after_new["incidents"])
