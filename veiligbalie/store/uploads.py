"""Evidence files still to go to the server: the attachments of reports made here that the
server accepted, until it confirms it holds each file (``attachments.uploaded_at``).

A file that disappeared from the data folder is remembered as missing (in ``meta``), so it is
reported once and never asked for again; a new server database (epoch) needs every file
again, so :meth:`UploadQueue.forget_uploads` clears the flags.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, update

from veiligbalie import paths
from veiligbalie.core.vocabulary import IncidentStatus
from veiligbalie.store.database import Database
from veiligbalie.store.outbox import get_meta, set_meta
from veiligbalie.store.schema import attachments, incidents
from veiligbalie.store.types import dumps

#: ``meta`` key: the files (``"<incident id>/<sha256>"``) that were gone when their turn came.
META_UPLOADS_MISSING = "sync.uploads_missing"
_LOCAL = "local"


@dataclass(frozen=True)
class PendingUpload:
    incident_id: uuid.UUID
    sha256: str
    name: str
    mime_type: str
    path: Path
    #: The report reached the server: the file may go now (else it waits for the report).
    ready: bool = True

    @property
    def key(self) -> str:
        return f"{self.incident_id}/{self.sha256}"


def _path(stored: str) -> Path:
    path = Path(stored)
    return path if path.is_absolute() else paths.attachments_dir() / path


class UploadQueue:
    def __init__(self, db: Database) -> None:
        self._db = db

    def waiting(self) -> list[PendingUpload]:
        """Every file of a report made here that the server does not hold yet, oldest first
        (missing files left out); ``ready`` tells which may go now."""
        query = (
            select(
                attachments.c.incident_id,
                attachments.c.sha256,
                attachments.c.original_name,
                attachments.c.mime_type,
                attachments.c.stored_path,
                incidents.c.status,
            )
            .join(incidents, incidents.c.id == attachments.c.incident_id)
            .where(incidents.c.origin == _LOCAL)
            .where(attachments.c.uploaded_at.is_(None))
            .order_by(attachments.c.created_at, attachments.c.sha256)
        )
        missing = self.missing()
        with self._db.engine.connect() as conn:
            rows = conn.execute(query).all()
        found = [
            PendingUpload(
                incident_id=row.incident_id,
                sha256=row.sha256,
                name=row.original_name,
                mime_type=row.mime_type,
                path=_path(row.stored_path),
                ready=row.status != IncidentStatus.SAVED_LOCALLY.value,
            )
            for row in rows
        ]
        return [item for item in found if item.key not in missing]

    def next(self, skip: Collection[str] = ()) -> PendingUpload | None:
        """The oldest file that may go now, not one of ``skip`` (keys refused this session)."""
        return next((i for i in self.waiting() if i.ready and i.key not in skip), None)

    def count(self) -> int:
        return len(self.waiting())

    def mark_uploaded(self, incident_id: uuid.UUID, sha256: str) -> None:
        with self._db.write() as session:
            session.connection().execute(
                update(attachments)
                .where(attachments.c.incident_id == incident_id)
                .where(attachments.c.sha256 == sha256)
                .values(uploaded_at=datetime.now(UTC))
            )

    def missing(self) -> set[str]:
        raw = get_meta(self._db, META_UPLOADS_MISSING)
        try:
            value = json.loads(raw) if raw else []
        except ValueError:
            return set()
        return {str(v) for v in value} if isinstance(value, list) else set()

    def mark_missing(self, item: PendingUpload) -> None:
        """The file is gone from the data folder: reported once, not asked for again."""
        set_meta(self._db, META_UPLOADS_MISSING, dumps(sorted(self.missing() | {item.key})))

    def forget_uploads(self) -> None:
        """A new server database: it holds none of our files."""
        with self._db.write() as session:
            session.connection().execute(
                update(attachments)
                .where(attachments.c.uploaded_at.is_not(None))
                .values(uploaded_at=None)
            )
