"""Evidence reaches the server: the sync engine sends every file of an accepted report once,
one at a time, against a REAL server process. A network failure is retried on the backoff
timer, a file the server refuses is said once and not asked for again this session, and a
file gone from the data folder is said once and never retried. Waiting files count as
waiting in what Instellingen shows."""

from __future__ import annotations

import hashlib
import socket
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.drivers.sync_kit import login, setup_site
from tests.support.server import RunningServer, running_server
from veiligbalie.core.incident import Incident
from veiligbalie.core.vocabulary import Category, IncidentStatus
from veiligbalie.net.api import ServerApi
from veiligbalie.services.attachments import AttachmentService
from veiligbalie.services.sync import SyncEngine
from veiligbalie.store.attachments import AttachmentInfo, import_attachment
from veiligbalie.store.database import Database
from veiligbalie.store.incidents import IncidentRepository
from veiligbalie.store.schema import attachments
from veiligbalie.store.uploads import UploadQueue

pytestmark = pytest.mark.timeout(120)

USERS = (("mdewit", "Marieke de Wit", "employee"),)
ROUTE = "/api/v1/incidents/{incident_id}/attachments/{sha256}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, str]]:
    folder = tmp_path_factory.mktemp("server")
    with running_server(f"sqlite:///{folder / 'server.sqlite3'}") as running:
        setup_site(running, workstations=1, users=USERS)
        yield running, login(running, "mdewit")


class Counting:
    """The engine's ServerApi, counting uploads; the first ``offline`` ones go to a closed
    port (a real connection failure), the rest to the server."""

    def __init__(self, engine: SyncEngine, offline: int = 0) -> None:
        self.calls: list[tuple[uuid.UUID, str]] = []
        self.offline = offline
        self._real = engine.api.upload_attachment
        self._closed = ServerApi(engine)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self._closed.configure(f"http://127.0.0.1:{port}")
        engine.api.upload_attachment = self  # type: ignore[method-assign]

    def __call__(self, incident_id: uuid.UUID, sha256: str, *args: Any) -> Any:
        self.calls.append((incident_id, sha256))
        if len(self.calls) <= self.offline:
            return self._closed.upload_attachment(incident_id, sha256, *args)
        return self._real(incident_id, sha256, *args)


@pytest.fixture
def station(qapp: Any, server: tuple[RunningServer, str]) -> Iterator[tuple[Database, SyncEngine]]:
    running, token = server
    db = Database.open()
    engine = SyncEngine(db, interval_ms=3_600_000, backoff_min_ms=50, backoff_max_ms=200)
    engine.configure(running.base_url, token, identity="user:mdewit")
    yield db, engine
    engine.stop()
    engine.deleteLater()
    db.close()


def _evidence(tmp_path: Path, name: str, content: bytes) -> AttachmentInfo:
    source = tmp_path / name
    source.write_bytes(content)
    return import_attachment(source)


def _report(db: Database, files: list[AttachmentInfo]) -> Incident:
    return IncidentRepository(db).save_new(
        Incident(
            description="Bezoeker filmde mij en dreigde het online te zetten",
            categories=frozenset({Category.INTIMIDATION, Category.ONLINE_ABUSE}),
            occurred_at=datetime.now(UTC) - timedelta(minutes=10),
            location="Balie 1",
            reporter="Marieke de Wit",
        ),
        files,
    )


def _sent(db: Database, incident: Incident) -> bool:
    stored = IncidentRepository(db).get(incident.id)
    return stored is not None and stored.status is not IncidentStatus.SAVED_LOCALLY


def test_files_go_once_and_arrive_byte_identical(
    qtbot: Any, tmp_path: Path, server: tuple[RunningServer, str], station: Any
) -> None:
    running, token = server
    db, engine = station
    photo = _evidence(tmp_path, "foto-balie.jpg", b"\xff\xd8\xff" + bytes(range(256)) * 900)
    note = _evidence(tmp_path, "verklaring.txt", b"Hij zei: ik weet waar je woont.")
    incident = _report(db, [photo, note])
    counting = Counting(engine)
    engine.start()
    engine.notify_local_change()  # what IncidentService.saved does in the app
    assert engine.pending == 3  # the report and its two files
    qtbot.waitUntil(lambda: engine.pending == 0 and not engine.busy, timeout=30000)
    assert sorted(sha for _i, sha in counting.calls) == sorted([photo.sha256, note.sha256])
    # The push answer gave the organisation-wide number; ours is kept as the earlier one.
    numbers = IncidentRepository(db).reference_info(incident.id)
    assert numbers is not None and not numbers.provisional
    assert numbers.provisional_reference == incident.reference
    for info in (photo, note):
        answer = httpx.get(
            running.base_url + ROUTE.format(incident_id=incident.id, sha256=info.sha256),
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert answer.status_code == 200
        assert hashlib.sha256(answer.content).hexdigest() == info.sha256
        assert answer.content == info.stored_path.read_bytes()
    # Another cycle sends nothing again: the flag makes "already there" cheap.
    with qtbot.waitSignal(engine.synced, timeout=15000):
        engine.sync_now()
    assert len(counting.calls) == 2

    # Another workstation (no copy of the file) fetches it through AttachmentService.
    other_db = Database.open(tmp_path / "other.sqlite3")
    api = ServerApi()
    api.configure(running.base_url)
    api.set_token(token)
    opened: list[str] = []
    service = AttachmentService(other_db, api, opener=lambda url: opened.append(url) or True)
    try:
        with qtbot.waitSignal(service.ready, timeout=15000) as ready:
            service.open(incident.id, photo.sha256, photo.original_name)
        assert ready.args[1].read_bytes() == photo.stored_path.read_bytes()
    finally:
        service.deleteLater()
        api.deleteLater()
        other_db.close()


def test_a_network_failure_is_retried_on_the_backoff_timer(
    qtbot: Any, tmp_path: Path, server: tuple[RunningServer, str], station: Any
) -> None:
    running, _token = server
    db, engine = station
    info = _evidence(tmp_path, "schade.png", b"\x89PNG\r\n\x1a\n" + b"balie" * 2000)
    incident = _report(db, [info])
    counting = Counting(engine, offline=2)
    engine.start()
    # Two attempts fail to connect; the timer (not a new save) brings the third.
    qtbot.waitUntil(lambda: len(counting.calls) >= 3, timeout=30000)
    assert _sent(db, incident)
    assert set(counting.calls) == {(incident.id, info.sha256)}
    qtbot.waitUntil(lambda: not engine.busy, timeout=15000)
    assert engine.pending == 0 and len(counting.calls) == 3


def test_a_refused_file_is_said_once_and_not_asked_again(
    qtbot: Any, tmp_path: Path, station: Any
) -> None:
    db, engine = station
    incident = _report(db, [])
    # A file the server never heard of for this report (not in its attachment list).
    stray = _evidence(tmp_path, "los.pdf", b"%PDF-1.4 los bestand")
    with db.write() as session:
        session.connection().execute(
            attachments.insert().values(
                id=uuid.uuid4(),
                incident_id=incident.id,
                sha256=stray.sha256,
                original_name="los.pdf",
                size=stray.size,
                mime_type="application/pdf",
                stored_path=str(stray.stored_path),
                created_at=datetime.now(UTC),
            )
        )
    counting = Counting(engine)
    engine.start()
    qtbot.waitUntil(lambda: len(counting.calls) == 1 and not engine.busy, timeout=30000)
    notices = [text for _at, text in engine.notices if "los.pdf" in text]
    assert len(notices) == 1 and "did not accept" in notices[0]
    assert engine.pending_uploads == 1  # still waiting; a later session asks again
    for _ in range(2):
        with qtbot.waitSignal(engine.synced, timeout=15000):
            engine.sync_now()
    assert len(counting.calls) == 1
    assert len([t for _a, t in engine.notices if "los.pdf" in t]) == 1


def test_a_missing_file_is_said_once_and_never_retried(
    qtbot: Any, tmp_path: Path, station: Any
) -> None:
    db, engine = station
    info = _evidence(tmp_path, "weg.jpg", b"\xff\xd8\xff" + b"weg" * 500)
    incident = _report(db, [info])
    info.stored_path.unlink()  # removed from the data folder by hand
    counting = Counting(engine)
    assert engine.logic.waiting_count() == 2
    engine.start()
    qtbot.waitUntil(lambda: _sent(db, incident) and not engine.busy, timeout=30000)
    with qtbot.waitSignal(engine.synced, timeout=15000):
        engine.sync_now()
    assert counting.calls == []
    assert len([t for _a, t in engine.notices if "weg.jpg" in t]) == 1
    assert engine.pending == 0
    assert UploadQueue(db).missing() == {f"{incident.id}/{info.sha256}"}


def test_a_new_server_database_needs_every_file_again(db: Database, tmp_path: Path) -> None:
    from veiligbalie.services.sync_logic import SyncLogic

    info = _evidence(tmp_path, "bewijs.txt", b"bewijs")
    incident = _report(db, [info])
    logic = SyncLogic(db)
    logic.adopt_epoch("e1")
    IncidentRepository(db).advance_status([incident.id], IncidentStatus.SENT)
    queue = UploadQueue(db)
    item = queue.next()
    assert item is not None and item.sha256 == info.sha256
    queue.mark_uploaded(incident.id, info.sha256)
    assert queue.next() is None and logic.waiting_count() == 1  # the created change
    assert logic.adopt_epoch("e2")  # the server's database was replaced
    assert queue.next() is not None


def test_two_stations_registering_offline_end_with_distinct_final_numbers(
    qtbot: Any, tmp_path: Path, server: tuple[RunningServer, str]
) -> None:
    running, token = server
    stations = []
    for name in ("balie-1", "balie-2"):
        db = Database.open(tmp_path / f"{name}.sqlite3")
        stations.append((db, _report(db, [])))
    # Both gave their first report the same provisional number while offline.
    assert stations[0][1].reference == stations[1][1].reference
    engines = []
    try:
        for db, _incident in stations:
            engine = SyncEngine(db, interval_ms=3_600_000, backoff_min_ms=50, backoff_max_ms=200)
            engine.configure(running.base_url, token, identity="user:mdewit")
            engines.append(engine)
            with qtbot.waitSignal(engine.synced, timeout=30000):
                engine.start()
        finals = []
        for db, incident in stations:
            numbers = IncidentRepository(db).reference_info(incident.id)
            assert numbers is not None and not numbers.provisional
            assert numbers.provisional_reference == incident.reference
            finals.append(numbers.reference)
        assert finals[0] != finals[1]
        # Each station's pull brings the other's report under its final number too.
        with qtbot.waitSignal(engines[0].synced, timeout=30000):
            engines[0].sync_now()
        other = IncidentRepository(stations[0][0]).find_by_reference(finals[1])
        assert other is not None and other.id == stations[1][1].id
    finally:
        for engine in engines:
            engine.stop()
            engine.deleteLater()  # Qt deletes it, not Python's collector mid-event
        for db, _incident in stations:
            db.close()
