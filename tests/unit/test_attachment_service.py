"""Opening evidence: a file kept here opens at once; a pulled report's file is fetched over
HTTP into the cache, checked against its SHA-256 and only then opened (once fetched, it opens
from the cache); a file whose checksum differs is deleted, never opened, and the person is
told. The HTTP side is a small real server on 127.0.0.1 that can be told to send the wrong
bytes; tests/unit/test_sync_uploads.py fetches through the real VeiligBalie server."""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl

from veiligbalie.core.incident import Incident
from veiligbalie.core.vocabulary import Category
from veiligbalie.net.api import ServerApi
from veiligbalie.services.attachments import AttachmentService, cache_dir
from veiligbalie.store.attachments import import_attachment
from veiligbalie.store.database import Database
from veiligbalie.store.incidents import IncidentRepository

CONTENT = b"%PDF-1.4\n" + b"verklaring van de getuige\n" * 400
SHA = hashlib.sha256(CONTENT).hexdigest()


class _Files(BaseHTTPRequestHandler):
    body = CONTENT
    requests: list[str] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        type(self).requests.append(self.path)
        if not self.path.endswith(f"/attachments/{SHA}"):
            data = b'{"detail": "not here"}'
            self.send_response(404)
        else:
            data = type(self).body
            self.send_response(200)
            self.send_header("X-VB-SHA256", SHA)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def files_server() -> Iterator[str]:
    _Files.body = CONTENT
    _Files.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class Opened:
    def __init__(self) -> None:
        self.urls: list[QUrl] = []

    def __call__(self, url: QUrl) -> bool:
        self.urls.append(url)
        return True


@pytest.fixture
def service(
    qapp: Any, db: Database, files_server: str
) -> Iterator[tuple[AttachmentService, Opened]]:
    api = ServerApi()
    api.configure(files_server)
    api.set_token("lead-token")
    opened = Opened()
    made = AttachmentService(db, api, opener=opened)
    yield made, opened
    made.deleteLater()
    api.deleteLater()


def test_a_file_kept_here_opens_at_once(
    qtbot: Any, db: Database, tmp_path: Path, service: Any
) -> None:
    attachments, opened = service
    source = tmp_path / "verklaring.pdf"
    source.write_bytes(CONTENT)
    info = import_attachment(source)
    incident = IncidentRepository(db).save_new(
        Incident(
            description="Bezoeker gooide een folderstandaard om",
            categories=frozenset({Category.PROPERTY_DAMAGE}),
            occurred_at=datetime.now(UTC) - timedelta(minutes=2),
            location="Balie 4",
            reporter="Marieke de Wit",
        ),
        [info],
    )
    with qtbot.waitSignal(attachments.ready, timeout=1000) as ready:
        attachments.open(incident.id, info.sha256)
    assert ready.args == [info.sha256, info.stored_path]
    assert [u.toLocalFile() for u in opened.urls] == [str(info.stored_path)]
    assert _Files.requests == []


def test_a_pulled_reports_file_is_fetched_checked_and_then_opened(qtbot: Any, service: Any) -> None:
    attachments, opened = service
    incident_id = uuid.uuid4()
    with qtbot.waitSignal(attachments.ready, timeout=10000) as ready:
        attachments.open(incident_id, SHA, "verklaring.pdf")
        assert attachments.busy(SHA)
    path = ready.args[1]
    assert path.parent.parent == cache_dir() and path.name == f"{SHA}.pdf"
    assert path.read_bytes() == CONTENT
    assert _Files.requests == [f"/api/v1/incidents/{incident_id}/attachments/{SHA}"]
    # Again: from the cache, no second download.
    with qtbot.waitSignal(attachments.ready, timeout=1000):
        attachments.open(incident_id, SHA, "verklaring.pdf")
    assert len(_Files.requests) == 1 and len(opened.urls) == 2


def test_a_checksum_mismatch_is_deleted_never_opened_and_said(qtbot: Any, service: Any) -> None:
    attachments, opened = service
    _Files.body = CONTENT.replace(b"getuige", b"GETUIGE")  # damaged on the way
    with qtbot.waitSignal(attachments.failed, timeout=10000) as failed:
        attachments.open(uuid.uuid4(), SHA, "verklaring.pdf")
    assert failed.args[0] == SHA
    assert "checksum differs" in failed.args[1] and "deleted" in failed.args[1]
    assert opened.urls == []
    assert [p for p in cache_dir().rglob("*") if p.is_file()] == []
    assert not attachments.busy(SHA)


def test_a_file_the_server_does_not_have_is_explained(qtbot: Any, service: Any) -> None:
    attachments, opened = service
    other = hashlib.sha256(b"iets anders").hexdigest()
    with qtbot.waitSignal(attachments.failed, timeout=10000) as failed:
        attachments.open(uuid.uuid4(), other, "foto.jpg")
    assert "does not have this file" in failed.args[1]
    assert opened.urls == [] and [p for p in cache_dir().rglob("*") if p.is_file()] == []


def test_without_a_server_it_says_so(qtbot: Any, db: Database) -> None:
    attachments = AttachmentService(db, ServerApi(), opener=Opened())
    with qtbot.waitSignal(attachments.failed, timeout=1000) as failed:
        attachments.open(uuid.uuid4(), SHA, "verklaring.pdf")
    assert "not connected" in failed.args[1]
