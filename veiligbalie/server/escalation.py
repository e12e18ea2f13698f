"""Escalation of unanswered alarms: one timer loop for every alarm this process knows that
nobody acknowledged yet, ``alarm.escalated`` to each level's targets, and the level's signed
webhook with retries.

Escalation runs in every server process, but a level fires only in the process whose
conditional ``UPDATE alarms SET escalation_level = N ... WHERE escalation_level < N`` hit the
row (:func:`veiligbalie.server.alarms.claim_level`); it tells the others, which relay the
event to their own stream clients.
"""

from __future__ import annotations

import asyncio
import hashlib
import heapq
import hmac
import itertools
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from veiligbalie.core.vocabulary import Role
from veiligbalie.protocol import alarm_server as ps
from veiligbalie.server import alarms
from veiligbalie.server.aio import wait_at_most
from veiligbalie.server.auth import Principal
from veiligbalie.server.escalation_config import SiteEscalation, site_escalation
from veiligbalie.server.store import ServerStore, in_urgent_thread
from veiligbalie.server.stream import StreamHub

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The webhook signature header value: ``sha256=`` HMAC of ``"<timestamp>." + body``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


@dataclass(frozen=True)
class WebhookPolicy:
    timeout: float = 5.0
    retries: int = 3  # after the first attempt
    backoff: float = 0.5  # seconds before the first retry, doubling


#: Tells the other server processes that this one fired a level (blocking; from a thread).
TellOthers = Callable[[uuid.UUID, int], None]


class Escalator:
    """Uses the store, publishes to the hub, and tells the other processes through
    ``tell_others``; owns its HTTP client for the webhooks between ``start`` and ``stop``."""

    def __init__(
        self,
        store: ServerStore,
        hub: StreamHub,
        tell_others: TellOthers,
        webhook: WebhookPolicy | None = None,
    ) -> None:
        self.store = store
        self.hub = hub
        self.tell_others = tell_others
        self.webhook = webhook or WebhookPolicy()
        self._heap: list[tuple[datetime, int, uuid.UUID, int]] = []
        self._counter = itertools.count()
        self._wake = asyncio.Event()
        self._webhooks: set[asyncio.Task[None]] = set()
        self._http: httpx.AsyncClient | None = None

    async def start(self) -> None:
        self._http = httpx.AsyncClient(timeout=self.webhook.timeout, follow_redirects=False)

    async def stop(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def watch_all(self) -> None:
        """Watch every unanswered alarm in the database (at start, and after missing the
        other processes' notes for a while)."""
        for item in await self.store.read_urgently(alarms.pending_alarms):
            await self.watch(item)

    async def watch(self, pending: alarms.Pending) -> None:
        """Schedule the next level of ``pending`` after its ``escalation_level``."""
        config = await self.store.read_urgently(site_escalation, pending.site_id)
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
                await wait_at_most(self._wake, wait)
                continue
            _, _, alarm_id, number = heapq.heappop(self._heap)
            try:
                await self._fire(alarm_id, number)
            except Exception:
                log.exception("escalation level %d of alarm %s failed", number, alarm_id)

    async def _fire(self, alarm_id: uuid.UUID, number: int) -> None:
        pending = await self.store.read_urgently(alarms.pending_alarm, alarm_id)
        if pending is None:
            return  # acknowledged or closed: escalation stops
        if pending.escalation_level >= number:  # another process fired it
            await self.watch(pending)
            return
        config = await self.store.read_urgently(site_escalation, pending.site_id)
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
        claimed = await in_urgent_thread(alarms.claim_level, self.store, alarm_id, number, detail)
        if claimed:
            log.info("alarm %s escalated to level %d", alarm_id, number)
            if alerts:
                await self.relay(alarm_id, number, config=config)
            await in_urgent_thread(self.tell_others, alarm_id, number)
            if level.webhook:
                task = asyncio.create_task(self._send_webhook(alarm_id, number, config))
                self._webhooks.add(task)
                task.add_done_callback(self._webhooks.discard)
        await self.watch(alarms.Pending(alarm_id, pending.site_id, pending.created_at, number))

    async def relay(
        self,
        alarm_id: uuid.UUID,
        number: int,
        config: SiteEscalation | None = None,
    ) -> None:
        """Publish ``alarm.escalated`` of level ``number`` to its targets on this process."""
        alarm = await self.store.read_urgently(alarms.alarm_body, alarm_id)
        if alarm is None:
            return
        site_id = uuid.UUID(alarm.site_id)
        if config is None:
            config = await self.store.read_urgently(site_escalation, site_id)
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

        self.hub.publish(site_id, event, visible_to)

    async def _send_webhook(self, alarm_id: uuid.UUID, number: int, config: SiteEscalation) -> None:
        policy = self.webhook
        url, secret, http = config.webhook_url, config.webhook_secret, self._http
        if not url or not secret or http is None:
            data: dict[str, Any] = {"level": number, "error": "no webhook set"}
            await in_urgent_thread(self._log, alarm_id, "webhook_failed", data)
            return
        alarm = await self.store.read_urgently(alarms.alarm_body, alarm_id)
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
            data = {"level": number, "attempt": attempt, "host": host}
            try:
                answer = await http.post(url, content=body, headers=headers)
                data["status"] = answer.status_code
                if 200 <= answer.status_code < 300:
                    await in_urgent_thread(self._log, alarm_id, "webhook_sent", data)
                    return
                data["error"] = f"HTTP {answer.status_code}"
            except httpx.HTTPError as exc:
                data["error"] = type(exc).__name__
            await in_urgent_thread(self._log, alarm_id, "webhook_failed", data)
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
        with self.store.write(urgent=True) as conn:
            alarms.log_event(conn, alarm_id, kind, actor="server", path="webhook", data=data)
