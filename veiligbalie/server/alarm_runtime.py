"""The live side of the server's alarms, one per server process, started and stopped by the
app's lifespan. It wires the parts that each do one job on the event loop:

- :mod:`~veiligbalie.server.fanout`: alarm events to this process's stream clients;
- :mod:`~veiligbalie.server.delivery_log`: "delivered via server", and ``alarm.delivered``;
- :mod:`~veiligbalie.server.online`: presence rows and the ``stations.online`` list;
- :mod:`~veiligbalie.server.escalation`: levels on timers, with the signed webhook;
- :mod:`~veiligbalie.server.pg_bridge`: LISTEN/NOTIFY between processes (PostgreSQL);
- :mod:`~veiligbalie.server.gc_tuning`: full collections kept out of fan-outs (optional).

Routes call :meth:`AlarmRuntime.published` and :meth:`AlarmRuntime.learn` after their
commit; the stream calls its hooks for each subscriber.

Other changes the stream tells (a site's LAN set-up, a workstation moved or its link ended,
a drop-out) reach the other processes in one way: whoever made the change tells its own
clients and calls :meth:`AlarmRuntime.changed` with the row's id; each other process runs
the handler registered for that topic with :meth:`AlarmRuntime.on_change`, which reads the
row and tells its clients. On SQLite (one process) ``changed`` does nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from veiligbalie.protocol import site_alarm as psa
from veiligbalie.server import alarms, site_alarm
from veiligbalie.server.auth import Principal
from veiligbalie.server.delivery_log import DeliveryLog
from veiligbalie.server.escalation import Escalator, WebhookPolicy
from veiligbalie.server.fanout import FAN_OUT_WAIT_SECONDS, FanOut
from veiligbalie.server.gc_tuning import collect_when_quiet
from veiligbalie.server.online import OnlineStations
from veiligbalie.server.pg_bridge import (
    CHANGED,
    ESCALATED,
    PRESENCE,
    RAISING,
    SITE_LAN,
    WORKSTATION,
    Note,
    NotifyBridge,
)
from veiligbalie.server.store import ServerStore, in_urgent_thread
from veiligbalie.server.stream import Message, StreamHub, Subscriber

log = logging.getLogger(__name__)


#: How long start-up waits for LISTEN before serving anyway (notes then come a bit later).
LISTEN_WAIT_SECONDS = 10.0
#: After a lost LISTEN connection, alarms changed this long before it last heard a note go
#: out again too: the processes' clocks (which write ``updated_at``) may differ a little.
CATCH_UP_MARGIN = timedelta(minutes=1)

#: Tells this process's stream clients of a row another process changed (reads it first).
OnChange = Callable[[uuid.UUID], Awaitable[None]]

#: How long another process's alarm, written here before its commit, waits for the note that
#: it was stored; then this process reads the row itself (the note may have been lost).
EARLY_STORE_SECONDS = 30.0
#: New alarms written to this process's stations lately, remembered to write each once.
FANNED_MAX = 4096


@dataclass
class _Early:
    """Another process's new alarm written to this process's stations before its commit."""

    site_id: uuid.UUID
    message: Message
    #: The hub's mark when it was written (a later subscriber may have missed it).
    mark: int
    timer: asyncio.TimerHandle


class AlarmRuntime:
    def __init__(
        self,
        store: ServerStore,
        hub: StreamHub,
        *,
        webhook: WebhookPolicy | None = None,
        flush_interval: float = 0.25,
        presence_interval: float = 10.0,
        online_debounce: float = 1.0,
        quiet_gc: bool = False,
    ) -> None:
        self.store = store
        self.hub = hub
        self.quiet_gc = quiet_gc
        self.bridge = NotifyBridge(store)
        self.deliveries = DeliveryLog(store, hub, flush_interval)
        self.fanout = FanOut(store, hub, self.deliveries)
        self.online = OnlineStations(
            store,
            hub,
            self.bridge,
            self.fanout.busy,
            presence_interval=presence_interval,
            online_debounce=online_debounce,
        )
        self.escalator = Escalator(store, hub, self.bridge.escalated, webhook)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._watching: set[asyncio.Future[object]] = set()
        self._on_change: dict[str, OnChange] = {}
        #: Alarm ids whose alarm.raised this process wrote to its stations (oldest first).
        self._fanned: OrderedDict[uuid.UUID, None] = OrderedDict()
        #: Our raising notes under way (the raised note after the commit waits for its own),
        #: sent one after the other by a thread of their own.
        self._notes_out: dict[uuid.UUID, Future[bool]] = {}
        self._notes = ThreadPoolExecutor(1, thread_name_prefix="alarm-notes")
        #: The other processes' alarms written here before their commit, until stored.
        self._early: dict[uuid.UUID, _Early] = {}
        #: This process's new alarms between their fan-out and their commit: the site, the
        #: frame and the hub's mark after it went out (a station subscribing meanwhile may
        #: read "hello" too early).
        self._local: dict[uuid.UUID, tuple[uuid.UUID, Message, int]] = {}
        self.on_change(SITE_LAN, self._site_lan_elsewhere)
        self.on_change(WORKSTATION, self.online.reread)

    # -- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.hub.attach_loop(self._loop)
        self.deliveries.start()
        self.online.start()
        await self.escalator.start()
        self._tasks = [
            asyncio.create_task(self.deliveries.run(), name="alarm-deliveries"),
            asyncio.create_task(self.online.run(), name="alarm-presence"),
            asyncio.create_task(self.escalator.run(), name="alarm-escalation"),
        ]
        if self.quiet_gc:
            log.info("full garbage collections kept out of alarm fan-outs (--gc-tuning)")
            busy = self.fanout.busy
            self._tasks.append(asyncio.create_task(collect_when_quiet(busy), name="alarm-gc"))
        if self.bridge.enabled:
            listen = self.bridge.listen(self._on_note, self._caught_up)
            self._tasks.append(asyncio.create_task(listen, name="alarm-listen"))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.bridge.listening.wait(), LISTEN_WAIT_SECONDS)
        await self.escalator.watch_all()

    async def stop(self) -> None:
        for early in self._early.values():
            early.timer.cancel()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []
        with contextlib.suppress(Exception):
            await self.deliveries.flush()
        await self.escalator.stop()
        self._notes.shutdown(wait=False, cancel_futures=True)
        self.bridge.close()

    # -- from the routes (their threads, after the commit) ------------------------------------
    def published(self, outcome: alarms.Outcome) -> None:
        """Fan the outcome's event out here, tell the other processes, watch escalation."""
        if outcome.event is None:
            return
        self.fanout.publish(
            outcome.site_id,
            outcome.kind,
            outcome.event,
            outcome.workstation_id,
            wait=FAN_OUT_WAIT_SECONDS,
        )
        self.bridge.alarm_changed(outcome.alarm.id, outcome.kind)
        if outcome.kind == "raised" and outcome.created_at is not None and self._loop:
            level = int(outcome.extra.get("escalation_level", -1))
            pending = alarms.Pending(outcome.alarm.id, outcome.site_id, outcome.created_at, level)
            asyncio.run_coroutine_threadsafe(self.escalator.watch(pending), self._loop)

    # -- the raise route (on the loop; see alarm_routes.raise_alarm) -----------------------------
    def note_raising(self, prepared: alarms.PreparedRaise, message: Message) -> None:
        """From the raise route's read step (its thread on PostgreSQL), once the frame is
        built: hand the frame to the notes' thread, which sends it to the other processes
        while the route goes on to the fan-out here. They write it to their stations now,
        not after the commit; the sender's answer still waits for the commit, as it does for
        the stations here. Nothing waits for the note on the way to the fan-out."""
        if self.bridge.enabled:
            self._notes_out[prepared.alarm_id] = self._notes.submit(
                self.bridge.raising,
                prepared.alarm_id,
                prepared.site_id,
                prepared.principal.workstation_id,
                message.text,
            )

    def fan_out_raise(self, prepared: alarms.PreparedRaise, message: Message) -> None:
        """A new alarm's frame to this process's stations before its commit."""
        alarm_id, raiser = prepared.alarm_id, prepared.principal.workstation_id
        self._mark_fanned(alarm_id)
        self.fanout.raise_now(prepared.site_id, alarm_id, message, raiser)
        # Taken after the frames are queued (nothing awaited between: the same subscribers).
        self._local[alarm_id] = (prepared.site_id, message, self.hub.mark())

    async def raise_stored(self, prepared: alarms.PreparedRaise, outcome: alarms.Outcome) -> None:
        """After the raise's commit: its delivered log may be written, stations that
        subscribed since its fan-out get its frame, the other processes are told (they read
        the stored row) and escalation is watched. An ``outcome`` without an event (the id
        was stored meanwhile) only releases the log and reaches the late subscribers."""
        local = self._local.pop(prepared.alarm_id, None)
        self.deliveries.release(prepared.alarm_id, stored=True)
        if local is not None:
            self._to_late_subscribers(*local)
        early = self._notes_out.pop(prepared.alarm_id, None)
        if early is not None:
            # The raised note must not overtake the raising one (the others hold its log).
            with contextlib.suppress(Exception):
                await asyncio.wrap_future(early)
        if outcome.event is None:
            return
        if self.bridge.enabled:
            await in_urgent_thread(self.bridge.alarm_changed, outcome.alarm.id, outcome.kind)
        if outcome.created_at is not None:
            level = int(outcome.extra.get("escalation_level", -1))
            pending = alarms.Pending(outcome.alarm.id, outcome.site_id, outcome.created_at, level)
            self._keep(asyncio.create_task(self.escalator.watch(pending)))

    def raise_failed(self, prepared: alarms.PreparedRaise) -> None:
        """The raise's transaction failed after its fan-out: forget its deliveries (and let
        a retry of the same id write it again). The other processes that had its raising
        note find the row missing after EARLY_STORE_SECONDS and do the same."""
        self.deliveries.release(prepared.alarm_id, stored=False)
        self._local.pop(prepared.alarm_id, None)
        self._notes_out.pop(prepared.alarm_id, None)
        self._fanned.pop(prepared.alarm_id, None)

    def _keep(self, task: asyncio.Future[Any]) -> None:
        """Hold a reference to a background task until it ends."""
        self._watching.add(task)
        task.add_done_callback(self._watching.discard)

    def _mark_fanned(self, alarm_id: uuid.UUID) -> bool:
        """Remember that the alarm's alarm.raised went to this process's stations; False when
        it already had."""
        if alarm_id in self._fanned:
            return False
        self._fanned[alarm_id] = None
        while len(self._fanned) > FANNED_MAX:
            self._fanned.popitem(last=False)
        return True

    def learn(self, principal: Principal, station_id: uuid.UUID | None) -> None:
        """A workstation told its alarm-path station id (thread-safe)."""
        self.online.learn(principal, station_id)

    def relocated(self, workstation_id: uuid.UUID, location: str) -> None:
        """An administrator moved a workstation within its site (from a thread, after the
        commit): its streams here and on the other processes learn the new location."""
        self.online.relocated(workstation_id, location)
        self.changed(WORKSTATION, workstation_id)

    def ended(self, workstation_id: uuid.UUID) -> None:
        """An administrator ended a workstation's link (from a thread, after the commit):
        its streams close, here and on the other processes."""
        self.online.ended(workstation_id)
        self.changed(WORKSTATION, workstation_id)

    def site_lan(self, lan: psa.SiteLanOut) -> None:
        """An administrator changed a site's LAN set-up (from a thread, after the commit):
        the site's connected workstations are told (``site.lan``), on every process."""
        self._tell_lan(lan)
        self.changed(SITE_LAN, lan.site_id)

    def _tell_lan(self, lan: psa.SiteLanOut) -> None:
        event = psa.SiteLanEvent(lan=lan).model_dump(mode="json")
        self.hub.publish(lan.site_id, event, lambda p: p.is_workstation)

    async def _site_lan_elsewhere(self, site_id: uuid.UUID) -> None:
        lan = await self.store.read_urgently(site_alarm.site_lan, site_id)
        if lan is not None:
            self._tell_lan(lan)

    # -- changes other processes tell (see the module's doc) ------------------------------------
    def on_change(self, topic: str, handler: OnChange) -> None:
        """``handler(row_id)`` tells this process's clients of a row of ``topic`` (one of
        pg_bridge.CHANGE_TOPICS) another process changed."""
        self._on_change[topic] = handler

    def changed(self, topic: str, row_id: uuid.UUID) -> None:
        """After the commit that changed row ``row_id`` of ``topic`` (its clients here are
        told by the caller): the other processes read it and tell theirs. Blocking: call
        from a thread. Nothing on SQLite."""
        if self.bridge.enabled:
            self.bridge.changed(topic, row_id)

    # -- the stream's hooks --------------------------------------------------------------------
    async def describe(self, sub: Subscriber) -> None:
        await self.online.describe(sub)

    async def hello_items(self, sub: Subscriber) -> list[Message]:
        """What follows "hello": every open alarm of the site, then the online stations."""
        site_id = sub.principal.site_id
        if site_id is None:
            return []
        return [*await self.fanout.open_alarms(site_id), await self.online.message(site_id)]

    def joined(self, sub: Subscriber) -> None:
        self.online.joined(sub)

    def left(self, sub: Subscriber) -> None:
        self.online.left(sub)

    # -- the other processes (PostgreSQL) ------------------------------------------------------
    async def _caught_up(self, heard: datetime) -> None:
        """The LISTEN connection was lost and listens again: the other processes' notes in
        between are gone, and with them alarms raised, answered or ended elsewhere that this
        process's stations never got. Every alarm of a site with stations here that changed
        since the lost connection last heard (less a margin for the processes' clocks) goes
        out again as it is stored now, as its notes would have brought it (a station takes
        what it already has once, as after its own hello); the board's online lists are
        sent again; escalation watches every open alarm."""
        sites = [site for site in self.hub.sites() if site is not None]
        since = heard - CATCH_UP_MARGIN
        changed = await self.store.read_urgently(alarms.changed_since, sites, since)
        for kind, found in changed:
            self.fanout.publish(found.site_id, kind, found.event, found.raiser)
        for site in sites:
            self.online.schedule(site)
        if changed:
            log.warning(
                "LISTEN connection back: %d alarm event(s) since %s sent again to this "
                "process's stations",
                len(changed),
                since.isoformat(timespec="seconds"),
            )
        await self.escalator.watch_all()

    async def _on_note(self, note: Note) -> None:
        if note.event == CHANGED:
            handler = self._on_change.get(note.topic)
            if handler is not None and note.row_id is not None:
                await handler(note.row_id)
            return
        if note.event == PRESENCE:
            if note.site_id is not None:
                self.online.schedule(note.site_id)
            return
        alarm_id = note.alarm_id
        if alarm_id is None:
            return
        if note.event == ESCALATED:
            await self.escalator.relay(alarm_id, note.level)
            return
        if note.event == RAISING:
            self._raising_elsewhere(note, alarm_id)
            return
        early = self._early.pop(alarm_id, None) if note.event == "raised" else None
        if early is not None:
            early.timer.cancel()
            self._stored_elsewhere(alarm_id, early)

        found = await self.store.read_urgently(alarms.stored_event, alarm_id, note.event)
        if found is None:
            return
        if note.event != "raised" or self._mark_fanned(alarm_id):
            # Not written here yet: no raising note came (too long, or lost).
            self.fanout.publish(found.site_id, note.event, found.event, found.raiser)
        if note.event == "raised":
            pending = alarms.Pending(alarm_id, found.site_id, found.created_at, -1)
            await self.escalator.watch(pending)

    def _raising_elsewhere(self, note: Note, alarm_id: uuid.UUID) -> None:
        """Another process's new alarm, before its commit: its frame to the stations here
        now, its delivered log held until the raised note says it was stored."""
        site_id, loop = note.site_id, self._loop
        if site_id is None or loop is None or not self._mark_fanned(alarm_id):
            return
        message = Message(note.text)
        mark = self.hub.mark()
        self.fanout.raise_now(site_id, alarm_id, message, note.raiser)
        timer = loop.call_later(
            EARLY_STORE_SECONDS, lambda: self._keep(asyncio.ensure_future(self._settle(alarm_id)))
        )
        self._early[alarm_id] = _Early(site_id, message, mark, timer)

    def _stored_elsewhere(self, alarm_id: uuid.UUID, early: _Early) -> None:
        """The early alarm was stored: write its delivered log, and the frame to the site's
        stations that subscribed after it went out (their "hello" may have read the open
        alarms before the commit; a station that had it both ways drops one by its id)."""
        self.deliveries.release(alarm_id, stored=True)
        self._to_late_subscribers(early.site_id, early.message, early.mark)

    def _to_late_subscribers(self, site_id: uuid.UUID, message: Message, mark: int) -> None:
        """After a new alarm's commit: its frame to the site's stations that subscribed after
        it went out, ``mark`` (their "hello" may have read the open alarms before the commit;
        a station that had it both ways drops one by its id). The hub keeps who subscribed
        lately: nothing here is per station of the site."""
        for sub in self.hub.subscribed_since(site_id, mark):
            sub.put(message)

    async def _settle(self, alarm_id: uuid.UUID) -> None:
        """No raised note came for an early alarm: look at the row."""
        early = self._early.pop(alarm_id, None)
        if early is None:
            return

        found = await self.store.read_urgently(alarms.stored_event, alarm_id, "raised")
        if found is None:
            # Never stored (its sender retries the same id): forget it, as its origin did.
            self.deliveries.release(alarm_id, stored=False)
            self._fanned.pop(alarm_id, None)
            return
        self._stored_elsewhere(alarm_id, early)
        pending = alarms.Pending(alarm_id, found.site_id, found.created_at, -1)
        await self.escalator.watch(pending)
