"""The sync outbox: per-device sequence, pending/sent/dead states, re-upload after an epoch
change, the meta bookkeeping, and re-keying (a new device id, the outbox renumbered) when
the data folder was copied."""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from veiligbalie.store.database import Database
from veiligbalie.store.outbox import Outbox


@pytest.fixture
def outbox(db: Database) -> Outbox:
    return Outbox(db)


def enqueue(db: Database, outbox: Outbox, n: int) -> list[int]:
    seqs = []
    with db.write() as session:
        for i in range(n):
            item = outbox.enqueue(session, "incident.note_added", uuid.uuid4(), {"n": i})
            seqs.append(item.device_seq)
    return seqs


def test_enqueue_numbers_changes_one_two_three(db: Database, outbox: Outbox) -> None:
    entity = uuid.uuid4()
    with db.write() as session:
        first = outbox.enqueue(session, "incident.created", entity, {"a": "é"})
        second = outbox.enqueue(session, "incident.field_edited", entity, {"b": 2}, 7)
    third = enqueue(db, outbox, 1)[0]
    assert (first.device_seq, second.device_seq, third) == (1, 2, 3)
    pending = outbox.pending()
    assert [i.device_seq for i in pending] == [1, 2, 3]
    assert pending[0] == first
    assert pending[1].base_revision == 7
    assert pending[1].entity_id == entity
    assert pending[0].created_at.tzinfo is not None
    assert first.id.version == 7
    assert outbox.count_pending() == 3


def test_enqueue_is_part_of_the_callers_transaction(db: Database, outbox: Outbox) -> None:
    with pytest.raises(RuntimeError), db.write() as session:
        outbox.enqueue(session, "incident.created", uuid.uuid4(), {})
        raise RuntimeError("the change itself failed")
    assert outbox.pending() == []
    # A rolled-back change does not use up a number.
    assert enqueue(db, outbox, 1) == [1]


def test_unencodable_payload_is_refused(db: Database, outbox: Outbox) -> None:
    with pytest.raises(TypeError), db.write() as session:
        outbox.enqueue(session, "incident.created", uuid.uuid4(), {"x": object()})
    with pytest.raises(ValueError), db.write() as session:
        outbox.enqueue(session, "incident.created", uuid.uuid4(), {"x": float("nan")})
    assert outbox.count_pending() == 0


def test_sequence_numbers_are_never_reused(db: Database, outbox: Outbox) -> None:
    enqueue(db, outbox, 3)
    with db.write() as session:
        session.execute(text("DELETE FROM outbox WHERE device_seq = 3"))
    assert enqueue(db, outbox, 1) == [4]


def test_pending_respects_limit_and_order(db: Database, outbox: Outbox) -> None:
    enqueue(db, outbox, 5)
    assert [i.device_seq for i in outbox.pending(limit=2)] == [1, 2]


def test_mark_sent_removes_from_pending_but_keeps_the_record(db: Database, outbox: Outbox) -> None:
    enqueue(db, outbox, 4)
    outbox.mark_sent([1, 3])
    outbox.mark_sent([])
    assert [i.device_seq for i in outbox.pending()] == [2, 4]
    assert outbox.count_pending() == 2
    with db.session() as session:
        rows = session.execute(
            text("SELECT device_seq, state, sent_at FROM outbox ORDER BY device_seq")
        ).all()
    assert [(r.device_seq, r.state) for r in rows] == [
        (1, "sent"),
        (2, "pending"),
        (3, "sent"),
        (4, "pending"),
    ]
    assert rows[0].sent_at is not None
    assert rows[1].sent_at is None


def test_mark_failed_counts_attempts_and_keeps_item_pending(db: Database, outbox: Outbox) -> None:
    enqueue(db, outbox, 1)
    outbox.mark_failed(1, "connection refused")
    outbox.mark_failed(1, "timeout")
    (item,) = outbox.pending()
    assert item.attempts == 2
    assert item.last_error == "timeout"


def test_dead_letters_are_visible_and_do_not_block(db: Database, outbox: Outbox) -> None:
    enqueue(db, outbox, 3)
    outbox.mark_dead(1, "schema: unknown category")
    assert [i.device_seq for i in outbox.pending()] == [2, 3]
    (dead,) = outbox.dead_letters()
    assert dead.device_seq == 1
    assert dead.last_error == "schema: unknown category"
    assert dead.payload == {"n": 0}


def test_requeue_all_sent_after_epoch_change(db: Database, outbox: Outbox) -> None:
    enqueue(db, outbox, 4)
    outbox.mark_sent([1, 2, 3])
    outbox.mark_dead(4, "rejected")
    assert outbox.requeue_all_sent() == 3
    assert [i.device_seq for i in outbox.pending()] == [1, 2, 3]
    assert [i.device_seq for i in outbox.dead_letters()] == [4]
    assert outbox.requeue_all_sent() == 0


def test_meta_get_and_set(db: Database, outbox: Outbox) -> None:
    assert outbox.get_meta("sync.cursor") is None
    outbox.set_meta("sync.cursor", "41")
    outbox.set_meta("sync.cursor", "42")
    outbox.set_meta("sync.epoch", "epoch-a")
    assert outbox.get_meta("sync.cursor") == "42"
    assert outbox.get_meta("sync.epoch") == "epoch-a"
    db.close()
    with Database.open(db.path) as again:
        assert Outbox(again).get_meta("sync.cursor") == "42"


def test_meta_keys_of_the_store_itself_are_protected(db: Database, outbox: Outbox) -> None:
    with pytest.raises(ValueError):
        outbox.set_meta("device_id", str(uuid.uuid4()))
    with pytest.raises(ValueError):
        outbox.set_meta("reference.2026", "1")
    with pytest.raises(TypeError):
        outbox.set_meta("sync.cursor", 5)  # type: ignore[arg-type]
    assert outbox.get_meta("device_id") == str(db.device_id)


def _rows(db: Database) -> list[tuple[int, str, str]]:
    with db.session() as session:
        return [
            (r.device_seq, r.id, r.state)
            for r in session.execute(text("SELECT device_seq, id, state FROM outbox ORDER BY id"))
        ]


def test_rekey_renumbers_from_one_in_order_and_keeps_every_change(
    db: Database, outbox: Outbox
) -> None:
    enqueue(db, outbox, 5)
    with db.write() as session:
        session.execute(text("DELETE FROM outbox WHERE device_seq IN (1, 3)"))
    outbox.mark_sent([2])
    outbox.mark_dead(4, "rejected")
    before = _rows(db)  # ids are UUIDv7: their order is the order of the changes
    old = db.device_id
    assert db.rekey("test") == old
    assert db.device_id not in (old, None) and db.device_id.version == 7
    assert outbox.get_meta("device_id") == str(db.device_id)
    after = _rows(db)
    assert [(i, s) for _seq, i, s in after] == [(i, s) for _seq, i, s in before]
    assert [seq for seq, _i, _s in after] == [1, 2, 3]
    assert [i.device_seq for i in outbox.pending()] == [3]
    assert [i.device_seq for i in outbox.dead_letters()] == [2]
    # The next change continues after the renumbered ones; the new id survives a restart.
    assert enqueue(db, outbox, 1) == [4]
    db.close()
    with Database.open(db.path) as again:
        assert again.device_id == db.device_id


def test_rekey_to_an_assigned_id(db: Database, outbox: Outbox) -> None:
    enqueue(db, outbox, 2)
    assigned = uuid.uuid4()
    db.rekey("assigned at enrolment", assigned)
    assert db.device_id == assigned
    assert [i.device_seq for i in outbox.pending()] == [1, 2]


def test_a_copied_data_folder_takes_a_new_device_id_before_any_push(tmp_path: Path) -> None:
    original = tmp_path / "a" / "vb.sqlite3"
    with Database.open(original) as db:
        enqueue(db, Outbox(db), 3)
        Outbox(db).mark_sent([1])
        device_id = db.device_id
    copy = tmp_path / "b" / "vb.sqlite3"
    copy.parent.mkdir()
    shutil.copy(original, copy)
    with Database.open(copy) as cloned:
        assert cloned.device_id != device_id
        assert [i.device_seq for i in Outbox(cloned).pending()] == [2, 3]
    with Database.open(copy) as again:  # the copy's new home is remembered
        assert again.device_id == cloned.device_id
    with Database.open(original) as db:  # the original is where it was: keeps its id
        assert db.device_id == device_id


def test_a_database_from_before_homes_were_recorded_keeps_its_id(tmp_path: Path) -> None:
    path = tmp_path / "vb.sqlite3"
    with Database.open(path) as db:
        device_id = db.device_id
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM meta WHERE key = 'device_id.home'")
    with Database.open(path) as again:
        assert again.device_id == device_id
        assert Outbox(again).get_meta("device_id.home")
