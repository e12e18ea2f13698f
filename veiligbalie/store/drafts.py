"""Unfinished incident forms, kept as JSON so a crash or a closed laptop loses nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from veiligbalie.store.database import Database
from veiligbalie.store.schema import drafts
from veiligbalie.store.types import dumps

#: The key of a draft's state naming the signed-in user who wrote it (absent: the station).
OWNER_KEY = "_owner"
#: Draft fields that hold perpetrator details (team leads and the reporter only).
PRIVATE_KEYS = ("perpetrator_description", "perpetrator_reference")


def holds_private(state: dict[str, Any]) -> bool:
    return any(isinstance(state.get(k), str) and state[k].strip() for k in PRIVATE_KEYS)


@dataclass(frozen=True)
class Draft:
    id: uuid.UUID
    state: dict[str, Any]
    updated_at: datetime


class DraftRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def save(self, draft_id: uuid.UUID, state: dict[str, Any]) -> None:
        """Insert or replace the draft; on return it is on disk (synchronous=FULL).

        Raises TypeError/ValueError when ``state`` cannot be stored as JSON; the previous
        version of the draft is then kept.
        """
        if not isinstance(state, dict):
            raise TypeError("a draft's state is a dict")
        dumps(state)  # refuse before touching the database, with the JSON error itself
        now = datetime.now(UTC)
        stmt = sqlite_insert(drafts).values(id=draft_id, state=state, updated_at=now)
        stmt = stmt.on_conflict_do_update(
            index_elements=[drafts.c.id],
            set_={"state": stmt.excluded.state, "updated_at": stmt.excluded.updated_at},
        )
        with self._db.write() as session:
            session.connection().execute(stmt)

    def get(self, draft_id: uuid.UUID) -> Draft | None:
        with self._db.engine.connect() as conn:
            row = conn.execute(select(drafts).where(drafts.c.id == draft_id)).first()
        return Draft(row.id, row.state, row.updated_at) if row is not None else None

    def list(self) -> list[Draft]:
        """Every draft, most recently saved first."""
        query = select(drafts).order_by(drafts.c.updated_at.desc(), drafts.c.id.desc())
        with self._db.engine.connect() as conn:
            return [Draft(row.id, row.state, row.updated_at) for row in conn.execute(query)]

    def forget_private(self, owner: str) -> int:
        """Delete the drafts a signed-in user other than ``owner`` wrote that hold
        perpetrator details (``state[OWNER_KEY]`` names who wrote it; the workstation's own
        drafts have none and stay). Answers how many went."""
        gone = [
            d.id
            for d in self.list()
            if d.state.get(OWNER_KEY) and d.state.get(OWNER_KEY) != owner and holds_private(d.state)
        ]
        if gone:
            with self._db.write() as session:
                session.connection().execute(delete(drafts).where(drafts.c.id.in_(gone)))
        return len(gone)

    def discard(self, draft_id: uuid.UUID) -> None:
        with self._db.write() as session:
            session.connection().execute(delete(drafts).where(drafts.c.id == draft_id))
