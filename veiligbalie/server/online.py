"""Live presence on the event loop: which workstations hold a stream connection here, kept
fresh in their presence rows, and the ``stations.online`` list each site's stations get
after "hello" and (debounced) whenever it changes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from starlette.concurrency import run_in_threadpool

from veiligbalie.protocol import alarms as wire
from veiligbalie.server import presence
from veiligbalie.server import schema as t
from veiligbalie.server.auth import Principal
from veiligbalie.server.pg_bridge import NotifyBridge
from veiligbalie.server.store import ServerStore
from veiligbalie.server.stream import Message, StreamHub, Subscriber

log = logging.getLogger(__name__)

#: The stations.online list names at most this many stations (a site of a front office has
#: far fewer; the cap keeps one message small when a test or benchmark runs thousands).
ONLINE_LIST_MAX = 250


class OnlineStations:
    def __init__(
        self,
        store: ServerStore,
        hub: StreamHub,
        bridge: NotifyBridge,
        busy: Callable[[], bool],
        *,
        presence_interval: float = 10.0,
        online_debounce: float = 1.0,
    ) -> None:
        self.store = store
        self.hub = hub
        self.bridge = bridge
        self.busy = busy
        self.presence_interval = presence_interval
        self.online_debounce = online_debounce
        self._loop: asyncio.AbstractEventLoop | None = None
        #: Presence changes not written yet: workstation -> (site, online). Loop only.
        self._changes: dict[uuid.UUID, tuple[uuid.UUID, bool]] = {}
        self._due: dict[uuid.UUID, asyncio.TimerHandle] = {}
        self._last_sent: dict[uuid.UUID, float] = {}
        #: The list last published to every subscriber of a site (loop only): a send that
        #: would repeat it is left out (another process's presence refresh every
        #: ``presence_interval`` asks for a send although nobody came or went).
        self._published: dict[uuid.UUID, dict[str, Any]] = {}

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()

    # -- a subscriber's life -----------------------------------------------------------------
    async def describe(self, sub: Subscriber) -> None:
        """Fill in the station id and location of a workstation's subscriber."""
        ws = sub.principal.workstation_id
        if ws is None:
            return

        # On the alarm's share: a station coming on the alarm path.
        sub.station_id, sub.location = await self.store.read_urgently(_station_and_place, ws)

    def joined(self, sub: Subscriber) -> None:
        ws, site = sub.principal.workstation_id, sub.principal.site_id
        if ws is None or site is None:
            return
        self._changes[ws] = (site, True)
        self.schedule(site)

    def left(self, sub: Subscriber) -> None:
        ws, site = sub.principal.workstation_id, sub.principal.site_id
        if ws is None or site is None:
            return
        if not self.hub.of_workstation(ws):
            self._changes[ws] = (site, False)
            self.schedule(site)

    def learn(self, principal: Principal, station_id: uuid.UUID | None) -> None:
        """A workstation told its alarm-path station id: use it for its live subscribers.
        Thread-safe (routes call it after their commit)."""
        ws, site, loop = principal.workstation_id, principal.site_id, self._loop
        if ws is None or site is None or station_id is None or loop is None:
            return

        def apply() -> None:
            changed = False
            for sub in self.hub.of_workstation(ws):
                if sub.station_id != station_id:
                    sub.station_id = station_id
                    changed = True
            if changed:
                self.schedule(site)

        loop.call_soon_threadsafe(apply)

    def relocated(self, workstation_id: uuid.UUID, location: str) -> None:
        """An administrator moved a workstation within its site: its live subscribers carry
        the new location, and the site's list (the station's own entry too) goes out again.
        Thread-safe (the admin route calls it after its commit)."""
        loop = self._loop
        if loop is not None:
            loop.call_soon_threadsafe(self._relocate, workstation_id, location)

    def ended(self, workstation_id: uuid.UUID) -> None:
        """An administrator ended a workstation's link (revoked, or moved to another site):
        close its streams here now rather than at their next token check. Thread-safe."""
        loop = self._loop
        if loop is not None:
            loop.call_soon_threadsafe(self._end, workstation_id)

    async def reread(self, workstation_id: uuid.UUID) -> None:
        """Another server process changed the workstation's row (moved it, or ended its
        link): read it and do here what that process did for its own streams."""
        if not self.hub.of_workstation(workstation_id):
            return

        def read() -> Any:
            with self.store.read() as conn:
                return conn.execute(
                    sa.select(
                        t.workstations.c.site_id,
                        t.workstations.c.location,
                        t.workstations.c.revoked_at,
                    ).where(t.workstations.c.id == workstation_id)
                ).first()

        row = await run_in_threadpool(read)
        subs = self.hub.of_workstation(workstation_id)
        if row is None or row.revoked_at is not None:
            self._end(workstation_id)
        elif any(sub.principal.site_id != row.site_id for sub in subs):
            self._end(workstation_id)  # moved to another site: linked again there
        elif any(sub.location != (row.location or "") for sub in subs):
            self._relocate(workstation_id, row.location or "")

    def _relocate(self, workstation_id: uuid.UUID, location: str) -> None:
        for sub in self.hub.of_workstation(workstation_id):
            sub.location = location
            if sub.principal.site_id is not None:
                self.schedule(sub.principal.site_id)

    def _end(self, workstation_id: uuid.UUID) -> None:
        for sub in self.hub.of_workstation(workstation_id):
            sub.put(Message(""))  # the writer closes: "the token was revoked or expired"

    # -- the list ----------------------------------------------------------------------------
    def schedule(self, site_id: uuid.UUID) -> None:
        """Send the site's list soon: one list per interval at most, longer for big sites
        (every message goes to all of them)."""
        loop = self._loop
        if loop is None or site_id in self._due:
            return
        interval = max(self.online_debounce, self.hub.count(site_id) / 200)
        wait = max(0.2, self._last_sent.get(site_id, 0.0) + interval - time.monotonic())
        self._due[site_id] = loop.call_later(
            wait, lambda: asyncio.ensure_future(self._send(site_id))
        )

    async def _send(self, site_id: uuid.UUID) -> None:
        self._due.pop(site_id, None)
        self._last_sent[site_id] = time.monotonic()
        with contextlib.suppress(Exception):
            await self._flush()
        event = await self.event(site_id)
        if self._published.get(site_id) == event:
            return  # every subscriber holds this very list already
        self._published[site_id] = event
        self.hub.publish(site_id, event)

    async def message(self, site_id: uuid.UUID) -> Message:
        """The site's list as one message (what follows the open alarms after "hello")."""
        event = await self.event(site_id)
        if self._published.get(site_id) != event:
            # This subscriber starts from a newer list than the others hold: the next send
            # goes out whatever it says (even the old list again, after a change undone).
            self._published.pop(site_id, None)
        return Message.of(event)

    async def event(self, site_id: uuid.UUID) -> dict[str, Any]:
        """The site's StationsOnlineEvent, JSON-ready. Built for every hello, so it stops at
        ONLINE_LIST_MAX stations instead of walking a big site."""
        found: dict[uuid.UUID, wire.StationBody] = {}
        for sub in self.hub.subscribers(site_id):
            ws = sub.principal.workstation_id
            if ws is not None and not sub.closing and ws not in found:
                found[ws] = presence.station_body(
                    sub.station_id or ws, sub.principal.display_name, sub.location
                )
                if len(found) >= ONLINE_LIST_MAX:
                    break
        if self.bridge.enabled and len(found) < ONLINE_LIST_MAX:
            # Stations connected to the other server processes.
            # On the alarm's share: a new stream's hello waits for this list.
            elsewhere = await self.store.read_urgently(
                presence.online_elsewhere, site_id, ONLINE_LIST_MAX
            )
            for ws, body in elsewhere.items():
                found.setdefault(ws, body)
        stations = list(found.values())[:ONLINE_LIST_MAX]
        event = wire.StationsOnlineEvent(site_id=str(site_id), stations=stations)
        return event.model_dump(mode="json")

    # -- presence rows -----------------------------------------------------------------------
    async def run(self) -> None:
        """Write presence changes as they come, and refresh every connected workstation's row
        each ``presence_interval``."""
        last_full = time.monotonic()
        while True:
            await asyncio.sleep(min(0.5, self.presence_interval))
            now = time.monotonic()
            # The refresh is a bulk write in the thread pool that would compete with a
            # fan-out for the interpreter lock: while alarms are going out it waits, but
            # never past twice its interval (well within PRESENCE_TIMEOUT).
            since = now - last_full
            if since >= self.presence_interval and (
                not self.busy() or since >= 2 * self.presence_interval
            ):
                last_full = now
                for site in self.hub.sites():
                    for sub in self.hub.subscribers(site):
                        ws = sub.principal.workstation_id
                        if ws is not None and site is not None:
                            self._changes.setdefault(ws, (site, True))
            try:
                await self._flush()
            except Exception as exc:
                log.warning("presence not written: %s", type(exc).__name__)

    async def _flush(self) -> None:
        changes, self._changes = self._changes, {}
        if changes:
            await run_in_threadpool(self._write, changes)

    def _write(self, changes: dict[uuid.UUID, tuple[uuid.UUID, bool]]) -> None:
        seen = {ws: site for ws, (site, on) in changes.items() if on}
        gone = {ws: site for ws, (site, on) in changes.items() if not on}
        presence.set_presence(self.store, seen, gone)
        for site in {site for site, _ in changes.values()}:
            self.bridge.presence_changed(site)


def _station_and_place(conn: Connection, ws: uuid.UUID) -> tuple[uuid.UUID | None, str]:
    """A workstation's station id (None before its first stream) and its location."""
    ids = presence.station_ids(conn, [ws])
    where = conn.execute(
        sa.select(t.workstations.c.location).where(t.workstations.c.id == ws)
    ).scalar()
    return ids.get(ws), where or ""
