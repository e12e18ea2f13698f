"""Pushes of new reports that meet: they are read and checked outside the change-log lock
(their push record is written there too) and written under it, so two of them can have read
the same state before either wrote. The second then finds the first's rows (same device
pushing twice at once, one report from two stations) and is applied again under the lock;
numbers stay unique and consecutive and the change log stays complete for a puller."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import anyio.to_thread
import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.server.conftest import World, change, pull_all, push
from tests.support.waiting import wait_until
from veiligbalie.protocol.sync import PushRequest, PushResponse
from veiligbalie.server import auth, sync
from veiligbalie.server import schema as t


def _principal(world: World, who: str) -> auth.Principal:
    with world.store.read() as conn:
        return auth.authenticate(conn, world.tokens[who])


def _waiting_for_the_lock(world: World) -> int:
    """How many transactions wait: for the change-log lock, or (a push of the same device,
    whose push record was written before the lock) for a row the other one wrote."""
    with world.store.read() as conn:
        return int(
            conn.execute(
                sa.text(
                    "SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted "
                    "AND locktype IN ('advisory', 'transactionid')"
                )
            ).scalar_one()
        )


def _at_once(world: World, pushes: list[Callable[[], PushResponse]]) -> list[PushResponse]:
    """Run ``pushes`` in threads while the change-log lock is held, so that on PostgreSQL
    each has read and checked its batch before any writes; then let them go."""
    answers: list[Any] = [None] * len(pushes)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            answers[i] = pushes[i]()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(pushes))]
    with world.store.write(log=True):
        for thread in threads:
            thread.start()
        if world.store.backend == "postgresql":
            wait_until(lambda: _waiting_for_the_lock(world) == len(pushes), 30, what="lock waits")
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return answers


def _references(world: World) -> list[str]:
    with world.store.read() as conn:
        return sorted(conn.execute(sa.select(t.incidents.c.reference)).scalars())


@pytest.mark.parametrize("size", [5, 40])  # 40: written with COPY on PostgreSQL
def test_one_device_pushing_the_same_batch_twice_at_once_is_applied_once(
    world: World, size: int
) -> None:
    pr = _principal(world, "emp")
    device = uuid.uuid4()
    sync.push(world.store, pr, PushRequest.model_validate({"device_id": device, "changes": []}))
    batch = [change(i + 1) for i in range(size)]
    req = PushRequest.model_validate({"device_id": device, "changes": batch})
    first, second = _at_once(world, [lambda: sync.push(world.store, pr, req).response] * 2)
    assert first.accepted == second.accepted == list(range(1, size + 1))
    assert sorted(r.reference for r in first.references) == _references(world)
    assert _references(world) == [f"VB-{y}-{n:06d}" for y, n in _years_and_numbers(world, size)]
    with world.store.read() as conn:
        created = conn.execute(
            sa.select(sa.func.count()).where(t.changes.c.kind == "incident.created")
        ).scalar_one()
        recorded = conn.execute(sa.select(sa.func.count()).select_from(t.applied_pushes))
        assert created == size and recorded.scalar_one() == size


def test_one_report_from_two_stations_at_once_is_stored_once(world: World) -> None:
    one = change(1)
    again = dict(one, change_id=str(uuid.uuid4()))
    pushes = [
        lambda who=who, c=c: (
            sync.push(
                world.store,
                _principal(world, who),
                PushRequest.model_validate({"device_id": uuid.uuid4(), "changes": [c]}),
            ).response
        )
        for who, c in (("emp", one), ("emp2", again))
    ]
    answers = _at_once(world, pushes)
    assert sorted(len(a.accepted) for a in answers) == [0, 1]
    refused = next(a for a in answers if not a.accepted).rejected[0]
    assert refused.permanent and refused.reason.startswith("duplicate_entity")
    assert len(_references(world)) == 1


def test_pushes_of_many_stations_at_once_number_and_log_every_report(world: World) -> None:
    stations = ["emp", "emp2", "lead", "sec", "ws"]
    pushes = [
        lambda who=who: (
            sync.push(
                world.store,
                _principal(world, who),
                PushRequest.model_validate(
                    {"device_id": uuid.uuid4(), "changes": [change(i + 1) for i in range(4)]}
                ),
            ).response
        )
        for who in stations
    ]
    answers = _at_once(world, pushes)
    assert all(a.accepted == [1, 2, 3, 4] for a in answers)
    given = sorted(r.reference for a in answers for r in a.references)
    assert given == _references(world)
    assert given == [f"VB-{y}-{n:06d}" for y, n in _years_and_numbers(world, 20)]


def test_a_puller_never_misses_a_change_of_concurrent_pushes(client: Any, world: World) -> None:
    pushes = [
        lambda who=who: (
            sync.push(
                world.store,
                _principal(world, who),
                PushRequest.model_validate(
                    {"device_id": uuid.uuid4(), "changes": [change(i + 1) for i in range(3)]}
                ),
            ).response
        )
        for who in ("emp", "emp2", "lead")
    ]
    _at_once(world, pushes)
    seen = pull_all(client, world.h("lead"), limit=2)
    with world.store.read() as conn:
        seqs = list(conn.execute(sa.select(t.changes.c.seq).order_by(t.changes.c.seq)).scalars())
    assert [c["seq"] for c in seen] == seqs
    assert sum(1 for c in seen if c["kind"] == "incident.created") == 9


def _years_and_numbers(world: World, count: int) -> list[tuple[int, int]]:
    """The consecutive numbers 1..count of the year the reports were numbered in."""
    with world.store.read() as conn:
        year = conn.execute(sa.select(t.reference_counters.c.year)).scalar_one()
    return [(year, n) for n in range(1, count + 1)]


def _shared_threads(client: TestClient, count: int) -> None:
    """Give the server's shared worker-thread pool ``count`` threads (FastAPI's 40 by default)."""

    def size() -> None:
        anyio.to_thread.current_default_thread_limiter().total_tokens = count

    assert client.portal is not None
    client.portal.call(size)


def test_pushes_take_two_turns_at_once_and_the_waiting_hold_no_shared_thread(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every station pushing at once (the server was away): two are applied at a time, the
    others wait their turn without a worker thread of the shared pool, so other routes
    still answer meanwhile, and all are stored. (With the waiting pushes on shared threads,
    six of them filled a pool of four and the health check waited for a push to end.)"""
    running, most = 0, 0
    count = threading.Lock()
    apply = sync.push

    def counted(*args: Any) -> Any:
        nonlocal running, most
        with count:
            running += 1
            most = max(most, running)
        try:
            time.sleep(0.3)  # long enough for every push to be at the door
            return apply(*args)
        finally:
            with count:
                running -= 1

    monkeypatch.setattr(sync, "push", counted)
    _shared_threads(client, 4)
    answers: list[httpx.Response] = []

    def one(i: int) -> None:
        changes = [change(j + 1) for j in range(3)]
        answers.append(push(client, world.h("emp"), uuid.uuid4(), changes))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    assert wait_until(lambda: running == sync.PUSHES_AT_ONCE, timeout=10)
    time.sleep(0.1)  # the other four are waiting for their turn
    assert client.get("/healthz").status_code == 200
    assert answers == []  # answered while every push still waited or was being applied
    for thread in threads:
        thread.join(60)
    assert most == sync.PUSHES_AT_ONCE == 2
    assert [a.status_code for a in answers] == [200] * 6
    assert all(a.json()["accepted"] == [1, 2, 3] for a in answers)
    assert len(_references(world)) == 3 * 6


def test_a_push_is_read_in_its_turn_on_a_worker_thread_while_the_loop_answers_others(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A push's body is checked in the push's turn, not on the event loop before it: while
    every turn is taken (other stations' pushes), a push waits unanswered, even a malformed
    one, and the server answers other requests meanwhile; in its turn it gets its 422."""
    turns = anyio.CapacityLimiter(1)
    monkeypatch.setattr(sync, "push_turns", turns)
    assert client.portal is not None
    client.portal.call(turns.acquire_on_behalf_of, "another station")
    headers = {**world.h("emp"), "Content-Type": "application/json"}
    answers: list[httpx.Response] = []
    try:
        waiting = threading.Thread(
            target=lambda: answers.append(
                client.post("/api/v1/sync/push", content=b"{not json", headers=headers)
            )
        )
        waiting.start()
        time.sleep(0.3)
        assert answers == []
        assert client.get("/healthz").status_code == 200
        assert answers == []
    finally:
        client.portal.call(turns.release_on_behalf_of, "another station")
    waiting.join(10)
    assert answers[0].status_code == 422
    assert answers[0].json()["detail"][0]["loc"][0] == "body"
