"""Drafts of the incident form: JSON upsert that survives closing the database."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from veiligbalie.store.database import Database
from veiligbalie.store.drafts import DraftRepository


def test_save_is_an_upsert(tmp_path: Path) -> None:
    with Database.open(tmp_path / "vb.sqlite3") as db:
        drafts = DraftRepository(db)
        draft_id = uuid.uuid4()
        drafts.save(draft_id, {"description": "Bezoeker", "categories": []})
        first = drafts.get(draft_id)
        drafts.save(draft_id, {"description": "Bezoeker werd boos", "categories": ["threat"]})
        second = drafts.get(draft_id)
        assert first is not None and second is not None
        assert second.state == {"description": "Bezoeker werd boos", "categories": ["threat"]}
        assert second.updated_at >= first.updated_at
        assert second.updated_at.tzinfo is not None
        assert len(drafts.list()) == 1


def test_drafts_survive_reopening_newest_first(tmp_path: Path) -> None:
    path = tmp_path / "vb.sqlite3"
    ids = [uuid.uuid4() for _ in range(3)]
    with Database.open(path) as db:
        drafts = DraftRepository(db)
        for i, draft_id in enumerate(ids):
            drafts.save(draft_id, {"step": i, "text": "één € ✓"})
        drafts.save(ids[0], {"step": 9, "text": "bijgewerkt"})
    with Database.open(path) as db:
        drafts = DraftRepository(db)
        listed = drafts.list()
        assert [d.id for d in listed] == [ids[0], ids[2], ids[1]]
        assert listed[0].state == {"step": 9, "text": "bijgewerkt"}
        assert listed[1].state == {"step": 2, "text": "één € ✓"}


def test_discard_removes_for_good(tmp_path: Path) -> None:
    path = tmp_path / "vb.sqlite3"
    keep, drop = uuid.uuid4(), uuid.uuid4()
    with Database.open(path) as db:
        drafts = DraftRepository(db)
        drafts.save(keep, {"a": 1})
        drafts.save(drop, {"a": 2})
        drafts.discard(drop)
        drafts.discard(uuid.uuid4())  # unknown: nothing to do
        assert drafts.get(drop) is None
    with Database.open(path) as db:
        assert [d.id for d in DraftRepository(db).list()] == [keep]


def test_state_that_is_not_json_keeps_the_previous_version(tmp_path: Path) -> None:
    with Database.open(tmp_path / "vb.sqlite3") as db:
        drafts = DraftRepository(db)
        draft_id = uuid.uuid4()
        drafts.save(draft_id, {"ok": True})
        with pytest.raises(TypeError):
            drafts.save(draft_id, {"when": object()})
        with pytest.raises(TypeError):
            drafts.save(draft_id, ["not", "a", "dict"])  # type: ignore[arg-type]
        draft = drafts.get(draft_id)
        assert draft is not None
        assert draft.state == {"ok": True}
