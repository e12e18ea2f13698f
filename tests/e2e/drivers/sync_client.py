"""A headless VeiligBalie client for end-to-end sync tests: the real Session, SyncEngine,
IncidentService and store on the data folder in VEILIGBALIE_DATA_DIR, driven by one JSON
command per line on stdin (read with a QSocketNotifier, no threads); it reports JSON lines
on stdout."""

from __future__ import annotations

import json
import os
import sys
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import keyring
from PySide6.QtCore import QCoreApplication, QSocketNotifier, QUrl

from veiligbalie.core.incident import Incident
from veiligbalie.core.vocabulary import Category, IncidentStatus
from veiligbalie.protocol import sync as p
from veiligbalie.secrets import MemoryKeyring
from veiligbalie.services.attachments import AttachmentService, sha256_of
from veiligbalie.services.incidents import IncidentService
from veiligbalie.services.review import ReviewService
from veiligbalie.services.session import Session
from veiligbalie.services.sync import SyncEngine
from veiligbalie.store.database import Database


def report(**fields: Any) -> None:
    sys.stdout.write(json.dumps(fields, default=str) + "\n")
    sys.stdout.flush()


class Driver:
    def __init__(self) -> None:
        self.db = Database.open()
        self.incidents = IncidentService(self.db)
        self.session = Session(device_id=lambda: self.db.device_id)
        self.engine = SyncEngine(
            self.db, backoff_min_ms=200, backoff_max_ms=1_000, interval_ms=2_000
        )
        self.engine.stream.backoff_min_ms = 200
        self.engine.stream.backoff_max_ms = 1_000
        self.incidents.saved.connect(self.engine.notify_local_change)
        self.incidents.changed.connect(self.engine.notify_local_change)
        # As the app wires it (services/context.py): a device id the server assigned at
        # enrolment is taken before the session change starts the first push.
        self.session.device_assigned.connect(
            lambda device_id: self.engine.adopt_device_id(device_id, "assigned at enrolment")
        )
        self.session.changed.connect(self.apply_session)
        self.session.enrol_finished.connect(
            lambda e: report(event="enrolled", ok=e is None, error=str(e or ""))
        )
        self.session.login_finished.connect(
            lambda e: report(event="logged_in", ok=e is None, error=str(e or ""))
        )
        self.engine.pending_changed.connect(lambda n: report(event="pending", pending=n))
        self.engine.state_changed.connect(lambda s: report(event="engine_state", state=s))
        self.engine.synced.connect(
            lambda: report(
                event="synced", pending=self.engine.pending, cursor=self.engine.logic.cursor
            )
        )
        self.engine.incidents_changed.connect(lambda ids: report(event="pulled", ids=ids))
        self.engine.notice.connect(lambda text: report(event="notice", text=text))
        # As the app wires it: news for the reporter is told once, after the pull.
        self.engine.incidents_changed.connect(lambda _ids: self.incidents.announce_news())
        self.incidents.news.connect(lambda ids: report(event="news", ids=[str(i) for i in ids]))
        # Evidence opens through the real download path; "opening" records the file here
        # instead of starting a desktop program.
        self.opened: list[str] = []
        self.attachments = AttachmentService(self.db, self.engine.api, opener=self.record_open)
        self.attachments.ready.connect(
            lambda sha, path: report(
                event="attachment", ok=True, sha256=sha, path=str(path), actual=sha256_of(path)
            )
        )
        self.attachments.failed.connect(
            lambda sha, message: report(event="attachment", ok=False, sha256=sha, error=message)
        )
        self.review = ReviewService(
            self.incidents,
            self.db,
            session=self.session,
            api=lambda: self.engine.api if self.engine.configured else None,
            attachments=self.attachments,
        )
        self.engine.start()
        self.apply_session()
        self._pending = b""
        self.notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
        self.notifier.activated.connect(self.read)

    def record_open(self, url: QUrl) -> bool:
        self.opened.append(url.toLocalFile())
        return True

    def apply_session(self) -> None:
        self.incidents.set_user(self.session.user_display_name or None)
        self.engine.configure(
            self.session.server_url,
            self.session.token(),
            self.session.ca_file or None,
            self.session.identity(),
        )

    def read(self) -> None:
        # Read what the pipe holds, not one buffered line: two commands sent together would
        # otherwise leave the second in Python's buffer with no new notifier wake-up.
        chunk = os.read(sys.stdin.fileno(), 65536)
        if not chunk:
            QCoreApplication.quit()
            return
        self._pending += chunk
        *lines, self._pending = self._pending.split(b"\n")
        for line in lines:
            if not line.strip():
                continue
            try:
                self.handle(json.loads(line))
            except Exception as exc:  # report, keep running: the test decides
                report(event="error", error=f"{type(exc).__name__}: {exc}")

    def handle(self, command: dict[str, Any]) -> None:
        cmd = command["cmd"]
        if cmd == "enrol":
            self.session.enrol(command["url"], command["code"], command.get("ca_file", ""))
        elif cmd == "login":
            self.session.login(command["username"], command["password"])
        elif cmd == "save":
            ids = []
            files = [self.incidents.import_attachment(f) for f in command.get("attachments", [])]
            for number in range(int(command.get("count", 1))):
                incident = Incident(
                    description=f"{command.get('text', 'Klant werd agressief')} ({number})",
                    categories=frozenset({Category.VERBAL_AGGRESSION}),
                    occurred_at=datetime.now(UTC) - timedelta(minutes=10),
                    location="Balie 1",
                    reporter=self.incidents.reporter_name(),
                )
                ids.append(str(self.incidents.save(incident, files).id))
            report(event="saved", ids=ids if len(ids) <= 10 else [], count=len(ids))
        elif cmd == "status":
            event_id = self.incidents.record_followup(
                uuid.UUID(command["incident"]),
                p.INCIDENT_STATUS_CHANGED,
                {"status": IncidentStatus(command["status"])},
                self.session.user_display_name,
            )
            self.engine.notify_local_change()
            report(event="queued", event_id=str(event_id))
        elif cmd == "message":
            event_id = self.incidents.record_followup(
                uuid.UUID(command["incident"]),
                p.INCIDENT_MESSAGE,
                {"author": self.session.user_display_name, "text": command["text"]},
                self.session.user_display_name,
            )
            self.engine.notify_local_change()
            report(event="queued", event_id=str(event_id))
        elif cmd == "review":
            # What a team lead does from the detail view, through the review service.
            incident_id = uuid.UUID(command["incident"])
            action = command["action"]
            if action == "open":
                detail = self.review.open(incident_id)
                assert detail is not None, "the report is not on this workstation"
                report(event="reviewed", status=detail.incident.status.value)
                return
            if action == "assign":
                me = self.review.me()
                self.review.assign(incident_id, me.user_id, me.name)
            elif action == "in_progress":
                self.review.set_status(incident_id, IncidentStatus.IN_PROGRESS)
            elif action == "message":
                self.review.message(incident_id, command["text"])
            elif action == "close":
                self.review.close(incident_id, command["text"])
            self.engine.notify_local_change()
            report(event="reviewed", status=self.incidents.get(incident_id).status.value)
        elif cmd == "mine":
            # Mijn meldingen: the reporter's own reports with their numbers and steps.
            found = []
            for summary in self.incidents.my_reports():
                found.append(
                    {
                        "id": str(summary.id),
                        "reference": summary.reference,
                        "provisional": summary.provisional,
                        "status": summary.status.value,
                        "unread": summary.has_unread,
                        "steps": [
                            {"kind": e.kind, "text": e.text, "data": e.data, "author": e.author}
                            for e in self.incidents.timeline(summary.id)
                        ],
                    }
                )
            report(event="mine", reports=found)
        elif cmd == "open_attachment":
            incident_id = uuid.UUID(command["incident"])
            infos = self.incidents.attachments(incident_id)
            assert infos, "the report lists no files here"
            self.attachments.open(incident_id, infos[0].sha256, infos[0].original_name)
        elif cmd == "timeline":
            incident_id = uuid.UUID(command["incident"])
            stored = self.incidents.get(incident_id)
            report(
                event="timeline",
                status=stored.status.value if stored else None,
                events=[
                    {"id": str(e.id), "kind": e.kind, "text": e.text, "data": e.data}
                    for e in self.incidents.timeline(incident_id)
                ],
            )
        elif cmd == "state":
            report(
                event="state",
                state=self.engine.state,
                pending=self.engine.logic.pending_count(),
                dead=len(self.engine.dead_letters()),
                incidents=self.incidents_count(),
                cursor=self.engine.logic.cursor,
                busy=self.engine.busy,
                stream=self.engine.stream.is_connected,
                device=str(self.db.device_id),
                notices=len(self.engine.notices),
            )
        elif cmd == "ids":
            with self.db.engine.connect() as conn:
                rows = conn.exec_driver_sql("SELECT id FROM incidents ORDER BY id").scalars()
                report(event="ids", ids=list(rows))
        elif cmd == "sync":
            self.engine.sync_now()
        elif cmd == "quit":
            self.engine.stop()
            self.db.close()
            QCoreApplication.quit()
        else:
            report(event="error", error=f"unknown command {cmd}")

    def incidents_count(self) -> int:
        with self.db.engine.connect() as conn:
            return int(conn.exec_driver_sql("SELECT count(*) FROM incidents").scalar_one())


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    keyring.set_keyring(MemoryKeyring())  # this process only: a test station
    app = QCoreApplication(sys.argv)
    driver = Driver()
    report(event="ready", device=str(driver.db.device_id))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
