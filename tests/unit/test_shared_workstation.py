"""A shared counter workstation keeps only what it may see itself when the person changes:
drafts with perpetrator details a signed-in user wrote are removed (the workstation's own
drafts stay), and files downloaded from the server go with the pulled reports and their
follow-up tasks."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from veiligbalie.core.incident import Incident, incident_to_dict
from veiligbalie.core.vocabulary import Category
from veiligbalie.services.attachments import cache_dir
from veiligbalie.services.incidents import IncidentService
from veiligbalie.services.sync import SyncEngine
from veiligbalie.store import schema as local
from veiligbalie.store.database import Database
from veiligbalie.store.drafts import OWNER_KEY, DraftRepository
from veiligbalie.store.pulled import PulledData, attachment_rows, incident_row
from veiligbalie.store.types import utc_text


def _draft(**fields: Any) -> dict[str, Any]:
    return {"version": 1, "description": "Schreeuwde", **fields}


def test_private_drafts_of_the_previous_user_are_removed(qapp: Any, qtbot: Any) -> None:
    db = Database.open()
    try:
        service = IncidentService(db)
        drafts = DraftRepository(db)
        station_private = service.new_draft_id()
        service.save_draft(station_private, _draft(perpetrator_reference="K-1"))  # nobody in
        service.set_user("Tom Leider")
        lead_private = service.new_draft_id()
        lead_plain = service.new_draft_id()
        service.save_draft(lead_private, _draft(perpetrator_description="Man, rode jas"))
        service.save_draft(lead_plain, _draft(perpetrator_description="  "))
        got = drafts.get(lead_private)
        assert got is not None and got.state[OWNER_KEY] == "Tom Leider"
        # Same person again (a session refresh): nothing goes.
        service.set_user("Tom Leider")
        assert drafts.get(lead_private) is not None
        with qtbot.waitSignal(service.private_drafts_removed) as removed:
            service.set_user(None)  # signed out
        assert removed.args == [1]
        assert drafts.get(lead_private) is None
        assert drafts.get(lead_plain) is not None
        assert drafts.get(station_private) is not None  # the workstation's own
    finally:
        db.close()


def test_a_new_identity_forgets_downloaded_files_and_tasks_of_pulled_reports(qapp: Any) -> None:
    db = Database.open()
    engine = SyncEngine(db, interval_ms=3_600_000)
    try:
        now = datetime.now(UTC)
        report = incident_to_dict(
            Incident(
                description="Dreigde",
                categories=frozenset({Category.THREAT}),
                occurred_at=now - timedelta(hours=1),
                location="Balie 2",
                reporter="Anna",
                perpetrator_known=True,
                perpetrator_reference="K-9",
                aftercare_wanted=True,
            )
        )
        report.update(status="sent", revision=1)
        sha = "ab" * 32
        report["attachments"] = [
            {"sha256": sha, "original_name": "foto.jpg", "size": 3, "mime_type": "image/jpeg"}
        ]
        entity = uuid.UUID(report["id"])
        PulledData(db).apply(
            [incident_row(report, now, utc_text(now), entity)],
            attachments=attachment_rows(report, entity, now),
        )
        with db.engine.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(local.attachments)).scalar()
            assert conn.execute(
                sa.select(sa.func.count()).select_from(local.followup_tasks)
            ).scalar()
        cached = cache_dir() / sha[:2] / f"{sha}.jpg"
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(b"jpg")
        engine.configure("http://127.0.0.1:9", "token-a", identity="user:tleider")
        assert cached.exists()  # the first identity here: nothing to forget
        engine.configure("http://127.0.0.1:9", "token-b", identity="user:mdewit")
        assert not cached.exists()
        with db.engine.connect() as conn:
            for table in (local.incidents, local.attachments, local.followup_tasks):
                assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() == 0
    finally:
        engine.stop()
        engine.deleteLater()
        db.close()
