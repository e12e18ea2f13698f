"""The purge reaches the stations: after the server's retention purge (controllable clock)
and one sync, a team lead's replica holds the expired report only as an anonymous count
(its overview counts unchanged), without timeline, files or follow-up notes, and the files
a station kept or downloaded are gone from its disk. Real server process, real client store
and SyncEngine."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.e2e.drivers.sync_kit import login, setup_site
from tests.support.clock import Clock
from tests.support.server import RunningServer, running_server
from veiligbalie.core.incident import Incident
from veiligbalie.core.vocabulary import Category, FollowUpKind
from veiligbalie.server import retention
from veiligbalie.server.store import ServerStore, default_files_dir
from veiligbalie.services.attachments import cache_dir
from veiligbalie.services.sync import SyncEngine
from veiligbalie.store import schema as local
from veiligbalie.store.attachments import import_attachment
from veiligbalie.store.database import Database
from veiligbalie.store.dossier import KEEP_DAYS, DossierCache
from veiligbalie.store.incidents import IncidentRepository
from veiligbalie.store.log_query import overview_counts
from veiligbalie.store.types import utc_text

pytestmark = pytest.mark.timeout(120)

USERS = (("mdewit", "Marieke de Wit", "employee"), ("tleider", "Tom Leider", "team_lead"))
KINDS = [k.value for k in FollowUpKind]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    with running_server(f"sqlite:///{tmp_path / 'server.sqlite3'}") as running:
        setup_site(running, workstations=1, users=USERS)
        yield running


def _station(running: RunningServer, name: str, path: Path) -> tuple[Database, SyncEngine]:
    db = Database.open(path)
    engine = SyncEngine(db, interval_ms=3_600_000, backoff_min_ms=50, backoff_max_ms=200)
    engine.configure(running.base_url, login(running, name), identity=f"user:{name}")
    return db, engine


def _count(db: Database, table: sa.Table, **where: Any) -> int:
    with db.engine.connect() as conn:
        query = sa.select(sa.func.count()).select_from(table)
        for key, value in where.items():
            query = query.where(table.c[key] == value)
        return int(conn.execute(query).scalar() or 0)


def test_a_purged_report_is_forgotten_on_the_stations_and_still_counted(
    qtbot: Any, qapp: Any, tmp_path: Path, server: RunningServer
) -> None:
    now = datetime.now(UTC)
    occurred = now - timedelta(days=800)
    reporter_db, reporter = _station(server, "mdewit", tmp_path / "balie.sqlite3")
    lead_db, lead = _station(server, "tleider", tmp_path / "lead.sqlite3")
    try:
        source = tmp_path / "foto-balie.jpg"
        source.write_bytes(b"\xff\xd8\xff" + bytes(range(256)) * 300)
        photo = import_attachment(source)
        incident = IncidentRepository(reporter_db).save_new(
            Incident(
                description="Bezoeker dreigde en filmde mij",
                categories=frozenset({Category.THREAT, Category.INTIMIDATION}),
                occurred_at=occurred,
                location="Balie 1",
                reporter="Marieke de Wit",
                perpetrator_known=True,
                perpetrator_description="Man, rode jas",
                perpetrator_reference="K-123",
                aftercare_wanted=True,
            ),
            [photo],
        )
        kept_file = Path(photo.stored_path)
        assert kept_file.is_file()
        reporter.start()
        reporter.notify_local_change()
        qtbot.waitUntil(lambda: reporter.pending == 0 and not reporter.busy, timeout=30000)
        lead.start()
        lead.sync_now()
        lead_repo = IncidentRepository(lead_db)

        def lead_has_it() -> bool:
            got = lead_repo.get(incident.id)
            return got is not None and got.perpetrator_reference == "K-123"

        qtbot.waitUntil(lead_has_it, timeout=30000)
        qtbot.waitUntil(lambda: not lead.busy, timeout=30000)
        # The team lead opened the photo once: a copy in the download cache.
        cached = cache_dir() / photo.sha256[:2] / f"{photo.sha256}.jpg"
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(source.read_bytes())
        # The team lead read the report's dossier (kept for offline reading), another
        # report's, and a third one's long ago.
        other, old = uuid.uuid4(), uuid.uuid4()
        cache = DossierCache(lead_db)
        for report_id in (incident.id, other, old):
            cache.put(report_id, [{"display_name": "Man, rode jas"}])
        with lead_db.write() as session:
            session.connection().execute(
                sa.update(local.dossier_cache)
                .where(local.dossier_cache.c.incident_id == old)
                .values(fetched_at=now - timedelta(days=KEEP_DAYS + 1))
            )
        assert cache.get(old) is None  # too old to show, even before it is removed
        tasks_before = _count(lead_db, local.followup_tasks)
        assert tasks_before > 0 and _count(lead_db, local.attachments) == 1
        edges = [utc_text(occurred - timedelta(days=40)), utc_text(occurred + timedelta(days=40))]
        counts_before = overview_counts(lead_db, edges, None, utc_text(now), KINDS)
        assert counts_before.total == 1

        # The server's daily purge, with its clock where the report's time is up.
        store = ServerStore(server.database_url)
        try:
            with store.write() as conn:
                retention.set_settings(conn, reports_months=24)
            files = default_files_dir(server.database_url, server.data_dir)
            assert [f for f in files.rglob(photo.sha256) if f.is_file()]
            removed = retention.purge(store, files, Clock(now)())
            assert removed["reports"].count == 1
            assert not [f for f in files.rglob(photo.sha256) if f.is_file()]
        finally:
            store.close()

        for engine, db in ((lead, lead_db), (reporter, reporter_db)):
            engine.sync_now()
            repo = IncidentRepository(db)

            def forgotten(repo: IncidentRepository = repo) -> bool:
                got = repo.get(incident.id)
                return got is not None and got.description == ""

            qtbot.waitUntil(forgotten, timeout=30000)
        for db in (lead_db, reporter_db):
            got = IncidentRepository(db).get(incident.id)
            assert got is not None
            assert (got.perpetrator_reference, got.perpetrator_description) == ("", "")
            assert got.reporter == "" and got.location == "Balie 1"
            assert got.categories == frozenset({Category.THREAT, Category.INTIMIDATION})
            assert _count(db, local.incident_events, incident_id=incident.id) == 0
            assert _count(db, local.attachments) == 0
        # Files are gone from both stations' disks: the one kept, the one downloaded.
        assert not kept_file.exists() and not cached.exists()
        # The overview counts the same; the follow-up deadlines stay, without notes.
        assert overview_counts(lead_db, edges, None, utc_text(now), KINDS) == counts_before
        assert _count(lead_db, local.followup_tasks) == tasks_before
        with lead_db.engine.connect() as conn:
            notes = conn.execute(sa.select(local.followup_tasks.c.note)).scalars().all()
        assert set(notes) == {""}
        # The dossier's copy went with the report's data; the other stays, the old one went.
        with lead_db.engine.connect() as conn:
            kept = conn.execute(sa.select(local.dossier_cache.c.incident_id)).scalars().all()
        assert kept == [other]
        assert cache.get(incident.id) is None and cache.get(other) is not None
    finally:
        for engine, db in ((reporter, reporter_db), (lead, lead_db)):
            engine.stop()
            engine.deleteLater()
            db.close()
