"""The sync outbox: every local change is queued here in the same transaction that makes it,
numbered by a per-device sequence, until the server has accepted it; plus sync bookkeeping
in the meta table."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, func, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from veiligbalie.core.ids import uuid7
from veiligbalie.store.database import Database, PreparedInsert, Session
from veiligbalie.store.schema import meta, outbox
from veiligbalie.store.types import dumps

PENDING = "pending"
SENT = "sent"
DEAD = "dead"

META_SYNC_CURSOR = "sync.cursor"
META_SYNC_EPOCH = "sync.epoch"


@dataclass(frozen=True)
class OutboxItem:
    id: uuid.UUID
    device_seq: int
    kind: str
    entity_id: uuid.UUID
    payload: dict[str, Any]
    base_revision: int | None
    created_at: datetime
    attempts: int
    last_error: str | None


_COLUMNS = (
    outbox.c.id,
    outbox.c.device_seq,
    outbox.c.kind,
    outbox.c.entity_id,
    outbox.c.payload,
    outbox.c.base_revision,
    outbox.c.created_at,
    outbox.c.attempts,
    outbox.c.last_error,
)
#: Compiled once: queuing a change is on the path of every save.
_INSERT = PreparedInsert(
    outbox,
    ("id", "kind", "entity_id", "payload", "base_revision", "state", "attempts", "created_at"),
)


def _item(row: Row[*tuple[Any, ...]]) -> OutboxItem:
    return OutboxItem(
        id=row.id,
        device_seq=row.device_seq,
        kind=row.kind,
        entity_id=row.entity_id,
        payload=json.loads(row.payload),
        base_revision=row.base_revision,
        created_at=row.created_at,
        attempts=row.attempts,
        last_error=row.last_error,
    )


class Outbox:
    def __init__(self, db: Database) -> None:
        self._db = db

    def enqueue(
        self,
        session: Session | Connection,
        kind: str,
        entity_id: uuid.UUID,
        payload: dict[str, Any],
        base_revision: int | None = None,
    ) -> OutboxItem:
        """Queue a change inside the caller's transaction (a session of
        :meth:`Database.write` or a connection of :meth:`Database.write_connection`).

        Raises TypeError/ValueError when ``payload`` cannot be JSON-encoded; the caller's
        transaction then rolls back and nothing of the change is kept.
        """
        if not kind:
            raise ValueError("an outbox item needs a kind")
        encoded = dumps(payload)
        item_id = uuid7()
        now = datetime.now(UTC)
        conn = session if isinstance(session, Connection) else session.connection()
        device_seq = _INSERT.execute(
            conn,
            {
                "id": item_id,
                "kind": kind,
                "entity_id": entity_id,
                "payload": encoded,
                "base_revision": base_revision,
                "state": PENDING,
                "attempts": 0,
                "created_at": now,
            },
        )
        if not device_seq:
            raise RuntimeError("SQLite did not report the outbox sequence number")
        return OutboxItem(
            id=item_id,
            device_seq=int(device_seq),
            kind=kind,
            entity_id=entity_id,
            payload=payload,
            base_revision=base_revision,
            created_at=now,
            attempts=0,
            last_error=None,
        )

    def pending(self, limit: int = 500) -> list[OutboxItem]:
        """Items still to send, oldest first; dead letters are left out."""
        query = (
            select(*_COLUMNS)
            .where(outbox.c.state == PENDING)
            .order_by(outbox.c.device_seq)
            .limit(limit)
        )
        return self._db.fetch_all(query, _item)

    def count_pending(self) -> int:
        query = select(func.count()).select_from(outbox).where(outbox.c.state == PENDING)
        with self._db.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def mark_sent(self, device_seqs: Sequence[int]) -> None:
        """The server accepted these; they leave the queue but the record stays."""
        if not device_seqs:
            return
        now = datetime.now(UTC)
        with self._db.write() as session:
            conn = session.connection()
            # Chunked: SQLite limits the number of bound parameters in one statement.
            seqs = list(device_seqs)
            for start in range(0, len(seqs), 500):
                conn.execute(
                    update(outbox)
                    .where(outbox.c.device_seq.in_(seqs[start : start + 500]))
                    .where(outbox.c.state == PENDING)
                    .values(state=SENT, sent_at=now, last_error=None)
                )

    def mark_failed(self, device_seq: int, error: str) -> None:
        """A temporary failure: counted, kept in the queue for the next retry."""
        with self._db.write() as session:
            session.connection().execute(
                update(outbox)
                .where(outbox.c.device_seq == device_seq)
                .values(attempts=outbox.c.attempts + 1, last_error=error)
            )

    def mark_dead(self, device_seq: int, reason: str) -> None:
        """A permanent rejection: visible in :meth:`dead_letters`, never blocks the queue."""
        with self._db.write() as session:
            session.connection().execute(
                update(outbox)
                .where(outbox.c.device_seq == device_seq)
                .values(state=DEAD, attempts=outbox.c.attempts + 1, last_error=reason)
            )

    def dead_letters(self) -> list[OutboxItem]:
        query = select(*_COLUMNS).where(outbox.c.state == DEAD).order_by(outbox.c.device_seq)
        return self._db.fetch_all(query, _item)

    def requeue_all_sent(self) -> int:
        """The server's epoch changed (restored database): send everything again."""
        with self._db.write() as session:
            result = session.connection().execute(
                update(outbox)
                .where(outbox.c.state == SENT)
                .values(state=PENDING, sent_at=None, attempts=0, last_error=None)
            )
            return int(result.rowcount)

    def get_meta(self, key: str) -> str | None:
        return get_meta(self._db, key)

    def set_meta(self, key: str, value: str) -> None:
        set_meta(self._db, key, value)


def get_meta(db: Database, key: str) -> str | None:
    with db.engine.connect() as conn:
        return conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()


#: Keys the store manages itself; overwriting them would break ids or reference numbers.
RESERVED_META_PREFIXES = ("device_id", "reference.")


def set_meta(db: Database, key: str, value: str) -> None:
    if not isinstance(value, str):
        raise TypeError("meta values are strings")
    if not key or key.startswith(RESERVED_META_PREFIXES):
        raise ValueError(f"the meta key {key!r} is managed by the store itself")
    stmt = sqlite_insert(meta).values(key=key, value=value)
    stmt = stmt.on_conflict_do_update(index_elements=[meta.c.key], set_={"value": value})
    with db.write() as session:
        session.connection().execute(stmt)
