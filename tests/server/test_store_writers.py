"""Writers of one server process on SQLite take turns on the store's own lock before
``BEGIN IMMEDIATE``: a waiting writer starts when the one before it ends instead of sleeping
in SQLite's busy handler, and a writer that waits too long fails as SQLite would."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from veiligbalie.server import schema as t
from veiligbalie.server import store as server_store
from veiligbalie.server.store import ServerStore


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[ServerStore]:
    store = ServerStore(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    yield store
    store.close()


def _no_busy_wait(store: ServerStore) -> None:
    """New connections of ``store`` fail at once on SQLite's write lock (no busy handler):
    a second writer that reached ``BEGIN IMMEDIATE`` while another held it would fail."""
    store.engine.dispose()

    @event.listens_for(store.engine, "connect")
    def _no_wait(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA busy_timeout=0")


def _epoch(conn: sa.Connection) -> str:
    return str(
        conn.execute(
            sa.select(t.server_meta.c.value).where(t.server_meta.c.key == "epoch")
        ).scalar_one()
    )


def test_a_second_writer_waits_its_turn_and_never_meets_the_busy_lock(
    sqlite_store: ServerStore,
) -> None:
    _no_busy_wait(sqlite_store)
    order: list[str] = []
    errors: list[BaseException] = []
    holding = threading.Event()

    def second() -> None:
        try:
            holding.wait(10)
            with sqlite_store.write() as conn:
                order.append("second began")
                conn.execute(sa.insert(t.server_meta).values(key="second", value="2"))
        except BaseException as exc:  # reported below
            errors.append(exc)

    thread = threading.Thread(target=second)
    thread.start()
    with sqlite_store.write() as conn:
        conn.execute(sa.insert(t.server_meta).values(key="first", value="1"))
        holding.set()
        thread.join(0.3)  # the second writer is waiting now, not failing
        assert thread.is_alive()
        order.append("first ends")
    thread.join(10)
    assert errors == []
    assert order == ["first ends", "second began"]
    with sqlite_store.read() as conn:
        keys = set(conn.execute(sa.select(t.server_meta.c.key)).scalars())
        assert {"first", "second"} <= keys
        assert _epoch(conn) == sqlite_store.epoch


def test_a_writer_that_waits_too_long_fails_like_sqlite_and_the_turn_goes_on(
    sqlite_store: ServerStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server_store, "SQLITE_WRITE_WAIT", 0.2)
    failed: list[BaseException] = []

    def second() -> None:
        try:
            with sqlite_store.write():
                pass
        except sa.exc.OperationalError as exc:
            failed.append(exc)

    with sqlite_store.write() as conn:
        conn.execute(sa.insert(t.server_meta).values(key="held", value="1"))
        thread = threading.Thread(target=second)
        thread.start()
        thread.join(10)
    assert len(failed) == 1
    assert "database is locked" in str(failed[0])
    # The lock is free again: the next writer goes ahead, and a failing writer's turn ends.
    with pytest.raises(RuntimeError), sqlite_store.write() as conn:
        conn.execute(sa.insert(t.server_meta).values(key="rolled back", value="x"))
        raise RuntimeError("the route failed")
    with sqlite_store.write() as conn:
        conn.execute(sa.insert(t.server_meta).values(key="after", value="2"))
    with sqlite_store.read() as conn:
        keys = set(conn.execute(sa.select(t.server_meta.c.key)).scalars())
    assert {"held", "after"} <= keys
    assert "rolled back" not in keys


def test_an_urgent_writer_goes_before_the_ordinary_ones_already_waiting(
    sqlite_store: ServerStore,
) -> None:
    """An alarm's write waits for the writer holding the turn, not for every push queued."""
    order: list[str] = []
    errors: list[BaseException] = []

    def writer(name: str, urgent: bool) -> None:
        try:
            with sqlite_store.write(urgent=urgent) as conn:
                order.append(name)
                conn.execute(sa.insert(t.server_meta).values(key=name, value="1"))
        except BaseException as exc:  # reported below
            errors.append(exc)

    ordinary = [threading.Thread(target=writer, args=(f"push{i}", False)) for i in range(3)]
    alarm = threading.Thread(target=writer, args=("alarm", True))
    with sqlite_store.write() as conn:
        conn.execute(sa.insert(t.server_meta).values(key="holder", value="1"))
        for thread in ordinary:
            thread.start()
        for thread in ordinary:
            thread.join(0.2)  # all three are waiting for the turn
        alarm.start()
        alarm.join(0.2)
        assert order == []
    for thread in [*ordinary, alarm]:
        thread.join(10)
    assert errors == []
    assert order[0] == "alarm"
    assert sorted(order[1:]) == ["push0", "push1", "push2"]


def test_the_alarms_reads_and_writes_have_a_pool_of_their_own(sqlite_store: ServerStore) -> None:
    """Every connection of the shared pool taken: the alarm still reads and writes."""
    held = [sqlite_store.engine.connect() for _ in range(18)]  # pool 8 + overflow 10
    try:
        assert sqlite_store.reads_inline()
        with sqlite_store.read(urgent=True) as conn:
            assert _epoch(conn) == sqlite_store.epoch
        with sqlite_store.write(urgent=True) as conn:
            conn.execute(sa.insert(t.server_meta).values(key="alarm", value="1"))
    finally:
        for conn in held:
            conn.close()
    with sqlite_store.read() as conn:
        assert "alarm" in set(conn.execute(sa.select(t.server_meta.c.key)).scalars())
