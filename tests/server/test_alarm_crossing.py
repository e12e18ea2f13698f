"""A new alarm goes out before its commit, here and to the other server processes. The
raising note carries its own alarm.raised frame (and nothing else passes for one); the
receiving process writes it to its stations once, holds its delivered log until the raised
note after the commit, then also writes it to stations that subscribed meanwhile, as this
process does with its own raise; one that was never stored is forgotten, so that the
sender's retry of the same id goes out again. Another process's presence refresh that
changes nothing sends no stations.online list.

The receiving side is driven in-process on SQLite (the notes are handed to it directly);
tests/e2e/test_alarm_multiprocess.py runs two real processes on PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.server.conftest import seed_world
from tests.support.postgres import create_database
from veiligbalie.core.vocabulary import AlarmState
from veiligbalie.protocol import alarm_server as ps
from veiligbalie.protocol import alarms as wire
from veiligbalie.server import alarms, auth, pg_bridge, schema
from veiligbalie.server.alarm_runtime import AlarmRuntime
from veiligbalie.server.auth import Principal
from veiligbalie.server.pg_bridge import RAISING, Note
from veiligbalie.server.store import ServerStore
from veiligbalie.server.stream import Message, StreamHub, Subscriber


def _raising(alarm_id: uuid.UUID, frame: object, origin: str = "other") -> str:
    site = str(uuid.uuid4())
    note = {"event": RAISING, "origin": origin, "alarm_id": str(alarm_id), "site_id": site}
    return json.dumps({**note, "raiser": None, "frame": frame})


def test_a_raising_note_passes_only_with_its_own_alarm_raised_frame() -> None:
    alarm_id = uuid.uuid4()
    frame = json.dumps({"type": "alarm.raised", "alarm": {"id": str(alarm_id)}})
    note = Note.parse(_raising(alarm_id, frame), "me")
    assert note is not None and note.event == RAISING
    assert note.alarm_id == alarm_id and note.text == frame and note.raiser is None
    other = json.dumps({"type": "alarm.raised", "alarm": {"id": str(uuid.uuid4())}})
    acked = json.dumps({"type": "alarm.acknowledged", "alarm": {"id": str(alarm_id)}})
    for bad in (other, acked, "not json", {"type": "alarm.raised"}, None):
        assert Note.parse(_raising(alarm_id, bad), "me") is None
    assert Note.parse(_raising(alarm_id, frame, origin="me"), "me") is None


def test_a_frame_too_long_for_a_note_is_not_sent() -> None:
    bridge = pg_bridge.NotifyBridge.__new__(pg_bridge.NotifyBridge)
    bridge.enabled, bridge.origin = True, "me"
    bridge.store = None  # type: ignore[assignment]  # touching it would fail the test
    long = "x" * pg_bridge.NOTIFY_PAYLOAD_MAX
    assert bridge.raising(uuid.uuid4(), uuid.uuid4(), None, long) is False


def _alarm_ids(sub: Subscriber) -> list[str]:
    """The ids of the alarm frames waiting in ``sub``'s queue (taken off it)."""
    found = []
    while not sub.queue.empty():
        found.append(json.loads(sub.queue.get_nowait().text)["alarm"]["id"])
    return found


@contextlib.asynccontextmanager
async def live_runtime(store: ServerStore) -> AsyncIterator[tuple[StreamHub, AlarmRuntime]]:
    """This process's alarm runtime on ``store`` with a hub of its own, started and stopped."""
    hub = StreamHub()
    runtime = AlarmRuntime(store, hub)
    await runtime.start()
    try:
        yield hub, runtime
    finally:
        await runtime.stop()


def _principal(store: ServerStore, token: str) -> Principal:
    with store.read() as conn:
        return auth.authenticate(conn, token)


def test_an_early_alarm_goes_out_once_then_to_late_subscribers_and_is_forgotten_unstored(
    tmp_path: Path,
) -> None:
    store = ServerStore(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    world = seed_world(store)
    sender = _principal(store, world.tokens["ws"])
    viewer = _principal(store, world.tokens["lead"])

    def prepare() -> alarms.PreparedRaise:
        prepared = alarms.prepare_raise(store, sender, ps.ServerRaiseRequest(id=uuid.uuid4()))
        assert isinstance(prepared, alarms.PreparedRaise)
        return prepared

    def note(prepared: alarms.PreparedRaise) -> Note:
        text = Message.of(prepared.event).text
        raiser = sender.workstation_id
        return Note(RAISING, prepared.alarm_id, site_id=world.site_a, raiser=raiser, text=text)

    async def run() -> None:
        async with live_runtime(store) as (hub, runtime):
            early_sub = hub.subscribe(Subscriber(viewer))
            stored = prepare()
            await runtime._on_note(note(stored))
            await runtime._on_note(note(stored))  # a second raising note of the same id
            assert _alarm_ids(early_sub) == [str(stored.alarm_id)]
            assert stored.alarm_id in runtime.deliveries._held
            late_sub = hub.subscribe(Subscriber(viewer))
            alarms.store_raise(store, stored)
            await runtime._on_note(Note("raised", stored.alarm_id))
            assert _alarm_ids(early_sub) == []
            assert _alarm_ids(late_sub) == [str(stored.alarm_id)]
            assert stored.alarm_id not in runtime.deliveries._held

            lost = prepare()  # its origin's commit failed: no raised note comes
            await runtime._on_note(note(lost))
            assert _alarm_ids(early_sub) == _alarm_ids(late_sub) == [str(lost.alarm_id)]
            await runtime._settle(lost.alarm_id)  # what the timer runs
            assert lost.alarm_id not in runtime.deliveries._held
            assert _alarm_ids(early_sub) == _alarm_ids(late_sub) == []
            await runtime._on_note(note(lost))  # the sender's retry goes out again
            assert _alarm_ids(early_sub) == [str(lost.alarm_id)]

    asyncio.run(asyncio.wait_for(run(), 20))
    store.close()


@pytest.mark.postgres
def test_raising_notes_reach_a_listener_and_survive_a_dropped_connection(pg_url: str) -> None:
    """On PostgreSQL the raising note goes out on a connection of its own; when the database
    drops that connection the next note opens a new one instead of failing the crossing."""
    import psycopg

    url = create_database(pg_url)
    store = ServerStore(url)
    bridge = pg_bridge.NotifyBridge(store)
    try:
        with psycopg.connect(bridge.dsn(), autocommit=True) as listener:
            listener.execute(f"LISTEN {pg_bridge.NOTIFY_CHANNEL}")
            frames, sent = [], []
            for n in range(2):
                alarm_id = uuid.uuid4()
                frame = json.dumps({"type": "alarm.raised", "alarm": {"id": str(alarm_id)}})
                sent.append(frame)
                assert bridge.raising(alarm_id, uuid.uuid4(), None, frame) is True
                got = [m.payload for m in listener.notifies(timeout=5.0, stop_after=1)]
                assert len(got) == 1
                note = Note.parse(got[0], "another process")
                assert note is not None and note.alarm_id == alarm_id
                frames.append(note.text)
                if n == 0:  # the database ends the note's connection under it
                    pid = bridge._direct.info.backend_pid
                    listener.execute("SELECT pg_terminate_backend(%s)", (pid,))
            assert frames == sent
    finally:
        bridge.close()
        store.close()


def test_a_presence_refresh_that_changes_nothing_sends_no_list(tmp_path: Path) -> None:
    """Another process's presence note comes every refresh although nobody came or went:
    the site's stations.online list goes out only when it differs from the last one sent;
    a subscriber that started from a newer list (its hello) gets the next one whatever."""
    store = ServerStore(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    world = seed_world(store)
    station = _principal(store, world.tokens["ws"])
    viewer = _principal(store, world.tokens["lead"])
    site = station.site_id
    assert site is not None

    def lists(sub: Subscriber) -> int:
        found = 0
        while not sub.queue.empty():
            found += json.loads(sub.queue.get_nowait().text)["type"] == "stations.online"
        return found

    async def run() -> None:
        async with live_runtime(store) as (hub, runtime):
            online = runtime.online
            watcher = hub.subscribe(Subscriber(viewer))
            counter = hub.subscribe(Subscriber(station))
            await online._send(site)
            assert lists(watcher) == 1
            for _ in range(3):  # refresh notes from the other process: nothing changed
                await online._send(site)
            assert lists(watcher) == 0
            hub.unsubscribe(counter)  # the station went away: a new list
            await online._send(site)
            assert lists(watcher) == 1
            # A station comes and goes between two sends; one that subscribed meanwhile
            # got the list with it in its hello, so the next send goes out although it
            # says what the last one said.
            again = hub.subscribe(Subscriber(station))
            hello = json.loads((await online.message(site)).text)
            assert len(hello["stations"]) == 1
            hub.unsubscribe(again)
            await online._send(site)
            assert lists(watcher) == 1
            await online._send(site)
            assert lists(watcher) == 0

    asyncio.run(asyncio.wait_for(run(), 20))
    store.close()


def test_a_station_subscribing_between_fan_out_and_commit_gets_the_alarm(
    tmp_path: Path,
) -> None:
    """This process's own raise goes out before its commit; a station whose stream opens in
    between may read its hello's open alarms before the commit, so after the commit the
    frame goes to every subscriber that did not have it (the others get nothing twice)."""
    store = ServerStore(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    world = seed_world(store)
    sender = _principal(store, world.tokens["ws"])
    viewer = _principal(store, world.tokens["lead"])

    async def run() -> None:
        async with live_runtime(store) as (hub, runtime):
            early_sub = hub.subscribe(Subscriber(viewer))
            for commit_fails in (False, True):
                prepared = alarms.prepare_raise(
                    store, sender, ps.ServerRaiseRequest(id=uuid.uuid4())
                )
                assert isinstance(prepared, alarms.PreparedRaise)
                runtime.fan_out_raise(prepared, Message.of(prepared.event))
                late_sub = hub.subscribe(Subscriber(viewer))
                assert _alarm_ids(early_sub) == [str(prepared.alarm_id)]
                if commit_fails:
                    runtime.raise_failed(prepared)
                    assert _alarm_ids(late_sub) == []
                else:
                    outcome = alarms.store_raise(store, prepared)
                    await runtime.raise_stored(prepared, outcome)
                    assert _alarm_ids(late_sub) == [str(prepared.alarm_id)]
                    assert _alarm_ids(early_sub) == []
                hub.unsubscribe(late_sub)
            assert runtime._local == {}

    asyncio.run(asyncio.wait_for(run(), 20))
    store.close()


def _station(site: uuid.UUID) -> Principal:
    expires = datetime.now(UTC) + timedelta(hours=1)
    return Principal("workstation", uuid.uuid4(), expires, site, False, workstation_id=uuid.uuid4())


def test_who_subscribed_since_a_mark_is_what_a_copy_of_the_subscribers_told() -> None:
    """The hub's short list of its latest subscriptions answers what the runtime worked out
    before from a copy of all the site's subscribers taken at the fan-out: the site's
    subscribers now that were not in the copy. Random comings and goings on two sites, with
    marks held across more than RECENT_MAX subscriptions and across a site emptying."""
    rng = random.Random(17)
    hub = StreamHub()
    sites = [uuid.uuid4(), uuid.uuid4()]
    live: dict[uuid.UUID, list[Subscriber]] = {site: [] for site in sites}
    held: list[tuple[uuid.UUID, int, set[Subscriber]]] = []
    checked = past_the_list = emptied = 0
    for _ in range(6000):
        roll, site = rng.random(), rng.choice(sites)
        if roll < 0.45:
            live[site].append(hub.subscribe(Subscriber(_station(site))))
        elif roll < 0.85 and live[site]:
            hub.unsubscribe(live[site].pop(rng.randrange(len(live[site]))))
            emptied += not live[site] and any(s == site for s, _, _ in held)
        elif roll < 0.93:
            held.append((site, hub.mark(), set(hub.subscribers(site))))
        elif held:
            site, mark, copy = held.pop(rng.randrange(len(held)))
            past_the_list += mark < hub._recent_floor.get(site, 0)
            expected = [s for s in hub.subscribers(site) if s not in copy]
            got = hub.subscribed_since(site, mark)
            assert len(got) == len(expected) and set(got) == set(expected)
            assert [s.epoch for s in got] == sorted(s.epoch for s in got)
            checked += 1
    assert checked > 300 and past_the_list > 0 and emptied > 0, (checked, past_the_list, emptied)


def test_a_raise_copies_none_of_the_sites_subscribers(tmp_path: Path) -> None:
    """Between a raise's fan-out and its commit the runtime keeps the hub's mark, not a set
    of the site's subscribers (which cost O(stations) per raise, after the frames were
    queued); the station subscribing meanwhile still gets the alarm after the commit."""
    store = ServerStore(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    world = seed_world(store)
    sender = _principal(store, world.tokens["ws"])
    site = sender.site_id
    assert site is not None

    async def run() -> None:
        hub = StreamHub()
        runtime = AlarmRuntime(store, hub)
        await runtime.start()
        copied: list[int] = []
        whole = hub.subscribers

        def counted(site_id: uuid.UUID | None) -> list[Subscriber]:
            found = whole(site_id)
            copied.append(len(found))
            return found

        try:
            stations = [hub.subscribe(Subscriber(_station(site))) for _ in range(200)]
            hub.subscribers = counted  # type: ignore[method-assign]
            prepared = alarms.prepare_raise(store, sender, ps.ServerRaiseRequest(id=uuid.uuid4()))
            assert isinstance(prepared, alarms.PreparedRaise)
            runtime.fan_out_raise(prepared, Message.of(prepared.event))
            late = hub.subscribe(Subscriber(_station(site)))
            await runtime.raise_stored(prepared, alarms.store_raise(store, prepared))
            assert _alarm_ids(late) == [str(prepared.alarm_id)]
            assert all(_alarm_ids(s) == [str(prepared.alarm_id)] for s in stations)
            assert copied == []
        finally:
            hub.subscribers = whole  # type: ignore[method-assign]
            await runtime.stop()

    asyncio.run(asyncio.wait_for(run(), 20))
    store.close()


def test_after_a_lost_listen_connection_what_changed_meanwhile_goes_out_again(
    tmp_path: Path,
) -> None:
    """Notes sent while this process's LISTEN connection was down are gone: on reconnect
    every alarm of a site with stations here that changed since it last heard goes out as
    it is stored now (raised and answered; resolved), nothing older, nothing of other
    sites."""
    store = ServerStore(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    world = seed_world(store)
    sender = _principal(store, world.tokens["ws"])
    viewer = _principal(store, world.tokens["lead"])
    helper = _principal(store, world.tokens["sec"])
    other_site = _principal(store, world.tokens["emp_b"])

    def raised_elsewhere(who: Principal) -> uuid.UUID:
        prepared = alarms.prepare_raise(store, who, ps.ServerRaiseRequest(id=uuid.uuid4()))
        assert isinstance(prepared, alarms.PreparedRaise)
        alarms.store_raise(store, prepared)  # by another process: no note reaches us
        return prepared.alarm_id

    def frames(sub: Subscriber) -> list[tuple[str, str]]:
        found = []
        while not sub.queue.empty():
            event = json.loads(sub.queue.get_nowait().text)
            if event["type"].startswith("alarm."):
                found.append((event["type"], event["alarm"]["id"]))
        return found

    async def run() -> None:
        async with live_runtime(store) as (hub, runtime):
            station = hub.subscribe(Subscriber(viewer))
            before = raised_elsewhere(sender)  # changed long before the connection went
            with store.write() as conn:
                conn.execute(
                    sa.update(schema.alarms)
                    .where(schema.alarms.c.id == before)
                    .values(updated_at=datetime.now(UTC) - timedelta(hours=2))
                )
            heard = datetime.now(UTC) - timedelta(minutes=10)
            answered = raised_elsewhere(sender)
            alarms.acknowledge(
                store,
                helper,
                answered,
                wire.AckBody(alarm_id=answered, at=datetime.now(UTC), responder="Sam"),
            )
            ended = raised_elsewhere(sender)
            alarms.close(
                store,
                viewer,
                ended,
                wire.CloseBody(alarm_id=ended, by="Tom", at=datetime.now(UTC)),
                AlarmState.RESOLVED,
            )
            raised_elsewhere(other_site)  # no station of that site here
            assert frames(station) == []
            await runtime._caught_up(heard)
            assert frames(station) == [
                ("alarm.raised", str(answered)),
                ("alarm.acknowledged", str(answered)),
                ("alarm.resolved", str(ended)),
            ]

    asyncio.run(asyncio.wait_for(run(), 20))
    store.close()
