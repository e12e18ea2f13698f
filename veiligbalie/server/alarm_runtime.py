"""The live side of the server's alarms, on the event loop: fan-out to the stream, the
"delivered" log, presence and the online-stations list, escalation with its signed webhook,
and (on PostgreSQL) LISTEN/NOTIFY between server processes sharing one database.

Between processes a notification carries ids only (``{"alarm_id", "event", "origin"}``);
the receiving process reads the row and publishes to its own stream clients. Escalation
runs in every process, but a level fires only in the process whose conditional
``UPDATE alarms SET escalation_level = N ... WHERE escalation_level < N`` hit the row.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import heapq
import hmac
import itertools
import json
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from starlette.concurrency import run_in_threadpool

from veiligbalie.core.limits import LOCATION_MAX, NAME_MAX
from veiligbalie.core.vocabulary import Role
from veiligbalie.protocol import alarm_server as ps
from veiligbalie.protocol import alarms as wire
from veiligbalie.server import alarms
from veiligbalie.server import schema as t
from veiligbalie.server.auth import Principal
from veiligbalie.server.store import ServerStore
from veiligbalie.server.stream import Message, OnSent, StreamHub, Subscriber

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "veiligbalie_alarms"
#: The stations.online list names at most this many stations (a site of a front office has
#: far fewer; the cap keeps one message small when a test or benchmark runs thousands).
ONLINE_LIST_MAX = 250
_DELIVERED_MEMORY = 200_000
#: The quiet collector (see AlarmRuntime._gc_loop): how often, and after how much calm.
GC_INTERVAL_SECONDS = 30.0
QUIET_SECONDS = 2.0
#: How long a route's thread waits for its fan-out on the loop (see StreamHub.publish).
FAN_OUT_WAIT_SECONDS = 2.0


def _now() -> datetime:
    return datetime.now(UTC)


def _compact(event: dict[str, Any]) -> str:
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The webhook signature header value: ``sha256=`` HMAC of ``"<timestamp>." + body``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


@dataclass(frozen=True)
class WebhookPolicy:
    timeout: float = 5.0
    retries: int = 3  # after the first attempt
    backoff: float = 0.5  # seconds before the first retry, doubling


class AlarmRuntime:
    """One per server process; started and stopped by the app's lifespan."""

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
        self.webhook = webhook or WebhookPolicy()
        self.flush_interval = flush_interval
        self.presence_interval = presence_interval
        self.online_debounce = online_debounce
        self.quiet_gc = quiet_gc
        self._last_fan_out = 0.0
        #: Who we are among the processes sharing the database (ignore our own NOTIFYs).
        self.origin = uuid.uuid4().hex
        self.listening = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._deliveries: list[alarms.Delivery] = []
        self._flush_now: asyncio.Event | None = None
        self._delivered: OrderedDict[tuple[uuid.UUID, uuid.UUID], None] = OrderedDict()
        self._presence: dict[uuid.UUID, tuple[uuid.UUID, bool]] = {}
        self._online_due: dict[uuid.UUID, asyncio.TimerHandle] = {}
        self._online_last: dict[uuid.UUID, float] = {}
        self._escalator = Escalator(self)
        self._http: httpx.AsyncClient | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.hub.attach_loop(self._loop)
        self._flush_now = asyncio.Event()
        self._http = httpx.AsyncClient(timeout=self.webhook.timeout, follow_redirects=False)
        self._tasks = [
            asyncio.create_task(self._flush_loop(), name="alarm-deliveries"),
            asyncio.create_task(self._presence_loop(), name="alarm-presence"),
            *([asyncio.create_task(self._gc_loop(), name="alarm-gc")] if self.quiet_gc else []),
            asyncio.create_task(self._escalator.run(), name="alarm-escalation"),
        ]
        if self.store.backend == "postgresql":
            self._tasks.append(asyncio.create_task(self._listen(), name="alarm-listen"))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.listening.wait(), 10)
        pending = await run_in_threadpool(self._read, alarms.pending_alarms)
        for item in pending:
            await self._escalator.watch(item)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []
        with contextlib.suppress(Exception):
            await run_in_threadpool(self._write_deliveries, self._take_deliveries())
        if self._http is not None:
            await self._http.aclose()

    def _read(self, fn: Callable[..., Any], *args: Any) -> Any:
        with self.store.read() as conn:
            return fn(conn, *args)

    # -- publishing (called from route threads after the commit) ----------------------------
    def published(self, outcome: alarms.Outcome) -> None:
        """Fan the outcome's event out here, tell the other processes, watch escalation."""
        if outcome.event is None:
            return
        self._fan_out(
            outcome.site_id,
            outcome.kind,
            outcome.event,
            outcome.workstation_id,
            wait=FAN_OUT_WAIT_SECONDS,
        )
        self.notify(outcome.alarm.id, outcome.kind)
        if outcome.kind == "raised" and outcome.created_at is not None and self._loop:
            level = int(outcome.extra.get("escalation_level", -1))
            pending = alarms.Pending(outcome.alarm.id, outcome.site_id, outcome.created_at, level)
            asyncio.run_coroutine_threadsafe(self._escalator.watch(pending), self._loop)

    def _fan_out(
        self,
        site_id: uuid.UUID,
        kind: str,
        event: dict[str, Any],
        raiser: uuid.UUID | None,
        wait: float = 0.0,
    ) -> None:
        self._last_fan_out = time.monotonic()
        on_sent = None
        if kind == "raised":
            on_sent = self._delivery_hook(uuid.UUID(str(event["alarm"]["id"])), site_id, raiser)
        self.hub.publish(site_id, event, on_sent=on_sent, wait=wait)

    def _delivery_hook(
        self, alarm_id: uuid.UUID, site_id: uuid.UUID, raiser: uuid.UUID | None
    ) -> OnSent:
        """What runs, on the loop, with the subscribers an alarm was written to: after every
        frame of a fan-out is out, so none of this is on the path to the stations."""

        def delivered(subs: list[Subscriber]) -> None:
            at = time.time()
            seen = self._delivered
            batch: list[alarms.Delivery] = []
            for sub in subs:
                ws = sub.principal.workstation_id
                if ws is None or ws == raiser:
                    continue
                key = (alarm_id, ws)
                if key in seen:
                    continue
                seen[key] = None
                batch.append((alarm_id, ws, sub.station_id or ws, sub.principal.display_name, at))
            if not batch:
                return
            while len(seen) > _DELIVERED_MEMORY:
                seen.popitem(last=False)
            self._deliveries.extend(batch)
            if self._flush_now is not None:
                self._flush_now.set()
            senders = self.hub.of_workstation(raiser) if raiser is not None else []
            if not senders:
                return
            when = datetime.fromtimestamp(at, UTC)
            for _, _, station_id, name, _ in batch:
                event = wire.AlarmDeliveredEvent(
                    alarm_id=alarm_id, station_id=station_id, station_name=name[:NAME_MAX], at=when
                ).model_dump(mode="json")
                message = Message(_compact(event))
                for sender in senders:
                    sender.put(message)

        return delivered

    def notify(self, alarm_id: uuid.UUID | None, event: str, **extra: Any) -> None:
        """NOTIFY the other server processes (PostgreSQL only); blocking, call off the loop."""
        if self.store.backend != "postgresql":
            return
        payload = {"event": event, "origin": self.origin, **extra}
        if alarm_id is not None:
            payload["alarm_id"] = str(alarm_id)
        try:
            with self.store.engine.connect() as conn:
                conn.execute(
                    sa.text("SELECT pg_notify(:c, :p)"),
                    {"c": NOTIFY_CHANNEL, "p": _compact(payload)},
                )
                conn.commit()
        except sa.exc.SQLAlchemyError as exc:
            # The other processes catch up on their stations' next connect (hello).
            log.warning("NOTIFY %s failed: %s", event, type(exc).__name__)

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
                self._schedule_online(site)

        loop.call_soon_threadsafe(apply)

    # -- the stream's hooks --------------------------------------------------------------------
    async def describe(self, sub: Subscriber) -> None:
        """Fill in the station id and location of a workstation's subscriber."""
        ws = sub.principal.workstation_id
        if ws is None:
            return

        def read() -> tuple[uuid.UUID | None, str]:
            with self.store.read() as conn:
                ids = alarms.station_ids(conn, [ws])
                where = conn.execute(
                    sa.select(t.workstations.c.location).where(t.workstations.c.id == ws)
                ).scalar()
            return ids.get(ws), where or ""

        sub.station_id, sub.location = await run_in_threadpool(read)

    async def hello_items(self, sub: Subscriber) -> list[Message]:
        """What follows "hello": every open alarm of the site, then the online stations."""
        site_id = sub.principal.site_id
        if site_id is None:
            return []
        open_now = await run_in_threadpool(self._read, alarms.open_alarms, site_id)
        items: list[Message] = []
        for alarm in open_now:
            event = wire.AlarmRaisedEvent(alarm=alarm).model_dump(mode="json")
            raiser = await run_in_threadpool(self._read, _raiser_of, alarm.id)
            items.append(Message(_compact(event), self._delivery_hook(alarm.id, site_id, raiser)))
        online = await self._online_event(site_id)
        items.append(Message(_compact(online)))
        return items

    def joined(self, sub: Subscriber) -> None:
        ws, site = sub.principal.workstation_id, sub.principal.site_id
        if ws is None or site is None:
            return
        self._presence[ws] = (site, True)
        self._schedule_online(site)

    def left(self, sub: Subscriber) -> None:
        ws, site = sub.principal.workstation_id, sub.principal.site_id
        if ws is None or site is None:
            return
        if not self.hub.of_workstation(ws):
            self._presence[ws] = (site, False)
            self._schedule_online(site)

    # -- online stations -------------------------------------------------------------------
    def _schedule_online(self, site_id: uuid.UUID) -> None:
        loop = self._loop
        if loop is None or site_id in self._online_due:
            return
        # One list per interval at most, longer for big sites: every message goes to all.
        interval = max(self.online_debounce, self.hub.count(site_id) / 200)
        wait = max(0.2, self._online_last.get(site_id, 0.0) + interval - time.monotonic())
        self._online_due[site_id] = loop.call_later(
            wait, lambda: asyncio.ensure_future(self._send_online(site_id))
        )

    async def _send_online(self, site_id: uuid.UUID) -> None:
        self._online_due.pop(site_id, None)
        self._online_last[site_id] = time.monotonic()
        with contextlib.suppress(Exception):
            await self._flush_presence()
        self.hub.publish(site_id, await self._online_event(site_id))

    async def _online_event(self, site_id: uuid.UUID) -> dict[str, Any]:
        """The StationsOnlineEvent of a site as a plain dict (built for every hello, so it
        stops at ONLINE_LIST_MAX stations instead of walking a big site)."""
        local: dict[uuid.UUID, dict[str, str]] = {}
        for sub in self.hub.subscribers(site_id):
            ws = sub.principal.workstation_id
            if ws is not None and not sub.closing and ws not in local:
                local[ws] = {
                    "station_id": str(sub.station_id or ws),
                    "station_name": sub.principal.display_name[:NAME_MAX],
                    "location": sub.location[:LOCATION_MAX],
                }
                if len(local) >= ONLINE_LIST_MAX:
                    break
        if self.store.backend == "postgresql" and len(local) < ONLINE_LIST_MAX:
            # Stations connected to the other server processes.
            elsewhere = await run_in_threadpool(self._read, _online_elsewhere, site_id)
            for ws, body in elsewhere.items():
                local.setdefault(ws, body)
        stations = list(local.values())[:ONLINE_LIST_MAX]
        return {"type": "stations.online", "site_id": str(site_id), "stations": stations}

    # -- background loops ----------------------------------------------------------------------
    # The buffers are only touched on the event loop; the thread pool gets a taken batch.
    def _take_deliveries(self) -> list[alarms.Delivery]:
        batch, self._deliveries = self._deliveries, []
        return batch

    def _write_deliveries(self, batch: list[alarms.Delivery]) -> None:
        if batch:
            alarms.record_deliveries(self.store, batch)

    async def _flush_loop(self) -> None:
        """Write the delivered log right after a fan-out (kicked by the delivery hook), and
        every ``flush_interval`` for what the writer tasks sent one by one."""
        kick = self._flush_now
        assert kick is not None
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(kick.wait(), self.flush_interval)
            kick.clear()
            if not self._deliveries:
                continue
            try:
                await run_in_threadpool(self._write_deliveries, self._take_deliveries())
            except Exception as exc:
                log.warning("delivery log not written: %s", type(exc).__name__)

    async def _flush_presence(self) -> None:
        changes, self._presence = self._presence, {}
        if changes:
            await run_in_threadpool(self._write_presence, changes)

    def _write_presence(self, changes: dict[uuid.UUID, tuple[uuid.UUID, bool]]) -> None:
        seen = [(ws, site) for ws, (site, on) in changes.items() if on]
        gone = [(ws, site) for ws, (site, on) in changes.items() if not on]
        alarms.set_presence(self.store, seen, gone)
        for site in {site for site, _ in changes.values()}:
            self.notify(None, "presence", site_id=str(site))

    async def _gc_loop(self) -> None:
        """Full garbage collections only while no alarm is being fanned out.

        With thousands of stream connections a full collection walks millions of objects
        and stalls the event loop for a few hundred milliseconds; left to CPython it lands
        in the middle of a fan-out now and then (seen in bench_alarm_fanout). So the
        automatic collector keeps the young generations only, and this loop collects
        everything when the last fan-out is at least QUIET_SECONDS ago.
        """
        gc.freeze()  # what exists after start-up (modules, the app) is never garbage
        young, middle, _ = gc.get_threshold()
        gc.set_threshold(young, middle, 1_000_000)
        while True:
            await asyncio.sleep(GC_INTERVAL_SECONDS)
            while time.monotonic() - self._last_fan_out < QUIET_SECONDS:
                await asyncio.sleep(QUIET_SECONDS)
            gc.collect()

    async def _presence_loop(self) -> None:
        last_full = time.monotonic()
        while True:
            await asyncio.sleep(min(0.5, self.presence_interval))
            now = time.monotonic()
            # The refresh is a bulk write in the thread pool that would compete with a
            # fan-out for the interpreter lock: while alarms are going out it waits, but
            # never past twice its interval (well within PRESENCE_TIMEOUT).
            alarms_going = now - self._last_fan_out < QUIET_SECONDS
            since = now - last_full
            if since >= self.presence_interval and (
                not alarms_going or since >= 2 * self.presence_interval
            ):
                last_full = now
                for site in list(self.hub.sites()):
                    for sub in self.hub.subscribers(site):
                        ws = sub.principal.workstation_id
                        if ws is not None and site is not None:
                            self._presence.setdefault(ws, (site, True))
            try:
                await self._flush_presence()
            except Exception as exc:
                log.warning("presence not written: %s", type(exc).__name__)

    # -- other processes (PostgreSQL) ---------------------------------------------------------
    async def _listen(self) -> None:
        import psycopg

        conninfo = make_url(self.store.url).set(drivername="postgresql")
        dsn = conninfo.render_as_string(hide_password=False)
        first = True
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(dsn, autocommit=True)
                async with conn:
                    await conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self.listening.set()
                    if not first:
                        # Missed notifications while away: escalation re-reads the database.
                        for item in await run_in_threadpool(self._read, alarms.pending_alarms):
                            await self._escalator.watch(item)
                    first = False
                    async for note in conn.notifies():
                        try:
                            await self._on_notify(note.payload)
                        except Exception:
                            log.exception("notification %r not handled", note.payload[:200])
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("LISTEN connection lost (%s); reconnecting", type(exc).__name__)
                await asyncio.sleep(1.0)

    async def _on_notify(self, payload: str) -> None:
        try:
            note = json.loads(payload)
        except ValueError:
            return
        if not isinstance(note, dict) or note.get("origin") == self.origin:
            return
        event = note.get("event")
        if event == "presence":
            with contextlib.suppress(ValueError, TypeError):
                self._schedule_online(uuid.UUID(str(note.get("site_id"))))
            return
        try:
            alarm_id = uuid.UUID(str(note.get("alarm_id")))
        except ValueError:
            return
        if event == "escalated":
            await self._escalator.relay(alarm_id, int(note.get("level", -1)))
            return
        if event not in ("raised", "acknowledged", "resolved", "cancelled"):
            return
        found = await run_in_threadpool(self._read, _event_for, alarm_id, event)
        if found is None:
            return
        site_id, body, raiser, created_at = found
        self._fan_out(site_id, event, body, raiser)
        if event == "raised":
            await self._escalator.watch(alarms.Pending(alarm_id, site_id, created_at, -1))


def _raiser_of(conn: sa.Connection, alarm_id: uuid.UUID) -> uuid.UUID | None:
    return conn.execute(
        sa.select(t.alarms.c.workstation_id).where(t.alarms.c.id == alarm_id)
    ).scalar()


def _online_elsewhere(conn: sa.Connection, site_id: uuid.UUID) -> dict[uuid.UUID, Any]:
    limit = _now() - alarms.PRESENCE_TIMEOUT
    rows = conn.execute(
        sa.select(
            t.station_presence.c.workstation_id,
            t.station_presence.c.station_id,
            t.workstations.c.name,
            t.workstations.c.location,
        )
        .join(t.workstations, t.workstations.c.id == t.station_presence.c.workstation_id)
        .where(
            t.station_presence.c.site_id == site_id,
            t.station_presence.c.online.is_(True),
            t.station_presence.c.via == "stream",
            t.station_presence.c.last_seen_at >= limit,
        )
        .limit(ONLINE_LIST_MAX)
    ).all()
    return {
        r.workstation_id: {
            "station_id": str(r.station_id or r.workstation_id),
            "station_name": r.name[:NAME_MAX],
            "location": r.location[:LOCATION_MAX],
        }
        for r in rows
    }


def _event_for(
    conn: sa.Connection, alarm_id: uuid.UUID, event: str
) -> tuple[uuid.UUID, dict[str, Any], uuid.UUID | None, datetime] | None:
    """The stream event of another process's change, rebuilt from the database."""
    row = conn.execute(sa.select(t.alarms).where(t.alarms.c.id == alarm_id)).first()
    alarm = alarms.alarm_body(conn, alarm_id)
    if row is None or alarm is None:
        return None
    if event == "raised":
        body: dict[str, Any] = wire.AlarmRaisedEvent(alarm=alarm).model_dump(mode="json")
    elif event == "acknowledged":
        if not alarm.responders:
            return None
        body = wire.AlarmAcknowledgedEvent(alarm=alarm, ack=alarm.responders[-1]).model_dump(
            mode="json"
        )
    else:
        last = conn.execute(
            sa.select(t.alarm_events)
            .where(t.alarm_events.c.alarm_id == alarm_id, t.alarm_events.c.kind == event)
            .order_by(t.alarm_events.c.recorded_at.desc())
        ).first()
        if last is None:
            return None
        by = wire.CloseBody(
            alarm_id=alarm_id,
            by=last.actor,
            station_id=last.station_id,
            station_name=str(last.data.get("station_name") or "")[:NAME_MAX],
            at=last.at,
        )
        model = wire.AlarmResolvedEvent if event == "resolved" else wire.AlarmCancelledEvent
        body = model(alarm=alarm, by=by).model_dump(mode="json")
    return row.site_id, body, row.workstation_id, row.created_at


class Escalator:
    """One timer loop for every unanswered alarm of every site this process knows."""

    def __init__(self, runtime: AlarmRuntime) -> None:
        self.runtime = runtime
        self._heap: list[tuple[datetime, int, uuid.UUID, int]] = []
        self._counter = itertools.count()
        self._wake = asyncio.Event()
        self._webhooks: set[asyncio.Task[None]] = set()

    async def watch(self, pending: alarms.Pending) -> None:
        """Schedule the next level of ``pending`` after its ``escalation_level``."""
        config = await run_in_threadpool(
            self.runtime._read, alarms.site_escalation, pending.site_id
        )
        number = pending.escalation_level + 1
        if number >= len(config.levels):
            return
        delay = timedelta(seconds=config.levels[number].delay_seconds)
        entry = (pending.created_at + delay, next(self._counter), pending.alarm_id, number)
        heapq.heappush(self._heap, entry)
        self._wake.set()

    async def run(self) -> None:
        while True:
            if not self._heap:
                self._wake.clear()
                await self._wake.wait()
                continue
            due = self._heap[0][0]
            wait = (due - _now()).total_seconds()
            if wait > 0:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), wait)
                continue
            _, _, alarm_id, number = heapq.heappop(self._heap)
            try:
                await self._fire(alarm_id, number)
            except Exception:
                log.exception("escalation level %d of alarm %s failed", number, alarm_id)

    async def _fire(self, alarm_id: uuid.UUID, number: int) -> None:
        runtime = self.runtime
        pending = await run_in_threadpool(runtime._read, alarms.pending_alarm, alarm_id)
        if pending is None:
            return  # acknowledged or closed: escalation stops
        if pending.escalation_level >= number:  # another process fired it
            await self.watch(pending)
            return
        config = await run_in_threadpool(runtime._read, alarms.site_escalation, pending.site_id)
        if number >= len(config.levels):
            return
        level = config.levels[number]
        alerts = bool(level.targets) and not (
            level.delay_seconds == 0 and level.targets == [ps.COLLEAGUES]
        )
        detail = {
            "delay_seconds": level.delay_seconds,
            "targets": list(level.targets),
            "webhook": level.webhook,
            "alerts": alerts,
        }
        claimed = await run_in_threadpool(
            alarms.claim_level, runtime.store, alarm_id, number, detail
        )
        if claimed:
            log.info("alarm %s escalated to level %d", alarm_id, number)
            if alerts:
                await self.relay(alarm_id, number, config=config)
            await run_in_threadpool(runtime.notify, alarm_id, "escalated", level=number)
            if level.webhook:
                task = asyncio.create_task(self._webhook(alarm_id, number, config))
                self._webhooks.add(task)
                task.add_done_callback(self._webhooks.discard)
        await self.watch(alarms.Pending(alarm_id, pending.site_id, pending.created_at, number))

    async def relay(
        self,
        alarm_id: uuid.UUID,
        number: int,
        config: alarms.SiteEscalation | None = None,
    ) -> None:
        """Publish ``alarm.escalated`` of level ``number`` to its targets on this process."""
        runtime = self.runtime
        alarm = await run_in_threadpool(runtime._read, alarms.alarm_body, alarm_id)
        if alarm is None:
            return
        site_id = uuid.UUID(alarm.site_id)
        if config is None:
            config = await run_in_threadpool(runtime._read, alarms.site_escalation, site_id)
        if not 0 <= number < len(config.levels):
            return
        level = config.levels[number]
        if not level.targets:
            return
        event = ps.AlarmEscalatedEvent(
            alarm=alarm, level=number, targets=level.targets, webhook=level.webhook, at=_now()
        ).model_dump(mode="json")
        visible_to: Callable[[Principal], bool] | None = None
        if ps.COLLEAGUES not in level.targets:
            roles = {Role(r) for r in level.targets}
            raiser = alarm.station_id

            def targets_and_sender(p: Principal) -> bool:
                # The targets, and the sender's own station: its indicator says who was told.
                return p.role in roles or (raiser is not None and p.workstation_id == raiser)

            visible_to = targets_and_sender

        runtime.hub.publish(site_id, event, visible_to)

    async def _webhook(
        self, alarm_id: uuid.UUID, number: int, config: alarms.SiteEscalation
    ) -> None:
        runtime = self.runtime
        policy = runtime.webhook
        url, secret = config.webhook_url, config.webhook_secret
        if not url or not secret or runtime._http is None:
            await run_in_threadpool(
                self._log, alarm_id, "webhook_failed", {"level": number, "error": "no webhook set"}
            )
            return
        alarm = await run_in_threadpool(runtime._read, alarms.alarm_body, alarm_id)
        if alarm is None:
            return
        body = (
            ps.WebhookBody(alarm=alarm, level=number, site_name=config.site_name, sent_at=_now())
            .model_dump_json()
            .encode()
        )
        host = urlsplit(url).hostname or ""
        for attempt in range(1, policy.retries + 2):
            stamp = str(int(time.time()))
            headers = {
                "Content-Type": "application/json",
                ps.WEBHOOK_TIMESTAMP_HEADER: stamp,
                ps.WEBHOOK_SIGNATURE_HEADER: sign(secret, stamp, body),
                ps.WEBHOOK_EVENT_HEADER: "alarm.escalated",
            }
            data: dict[str, Any] = {"level": number, "attempt": attempt, "host": host}
            try:
                answer = await runtime._http.post(url, content=body, headers=headers)
                data["status"] = answer.status_code
                if 200 <= answer.status_code < 300:
                    await run_in_threadpool(self._log, alarm_id, "webhook_sent", data)
                    return
                data["error"] = f"HTTP {answer.status_code}"
            except httpx.HTTPError as exc:
                data["error"] = type(exc).__name__
            await run_in_threadpool(self._log, alarm_id, "webhook_failed", data)
            log.warning(
                "webhook of alarm %s to %s failed (attempt %d): %s",
                alarm_id,
                host,
                attempt,
                data["error"],
            )
            if attempt <= policy.retries:
                await asyncio.sleep(policy.backoff * 2 ** (attempt - 1))

    def _log(self, alarm_id: uuid.UUID, kind: str, data: dict[str, Any]) -> None:
        with self.runtime.store.write() as conn:
            alarms.log_event(conn, alarm_id, kind, actor="server", path="webhook", data=data)
