"""The stream: WebSocket ``/api/v1/stream`` and the in-process hub that fans events out to the
connected clients of a site.

:class:`StreamHub` is the one seam for fan-out: the Alarm issue adds a PostgreSQL
LISTEN/NOTIFY relay that calls :meth:`StreamHub.publish` for events of other processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from veiligbalie.protocol import events
from veiligbalie.server.auth import AuthError, Principal, authenticate, token_is_live
from veiligbalie.server.store import ServerStore

log = logging.getLogger(__name__)
QUEUE_MAX = 256
AUTH_TIMEOUT_SECONDS = 10.0


@dataclass(eq=False)
class Subscriber:
    principal: Principal
    queue: asyncio.Queue[dict[str, Any]] = field(
        default_factory=lambda: asyncio.Queue(maxsize=QUEUE_MAX)
    )


class StreamHub:
    """In-process registry of stream subscribers, grouped by site.

    ``publish`` may be called from any thread (routes run in a thread pool); delivery
    happens on the event loop the hub was attached to.
    """

    def __init__(self) -> None:
        self._by_site: dict[uuid.UUID | None, set[Subscriber]] = {}
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None

    def attach_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def subscribe(self, principal: Principal) -> Subscriber:
        sub = Subscriber(principal)
        with self._lock:
            self._by_site.setdefault(principal.site_id, set()).add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        with self._lock:
            group = self._by_site.get(sub.principal.site_id)
            if group is not None:
                group.discard(sub)
                if not group:
                    del self._by_site[sub.principal.site_id]

    def count(self, site_id: uuid.UUID | None = None) -> int:
        with self._lock:
            if site_id is None:
                return sum(len(g) for g in self._by_site.values())
            return len(self._by_site.get(site_id, ()))

    def publish(
        self,
        site_id: uuid.UUID,
        event: dict[str, Any],
        visible_to: Callable[[Principal], bool] | None = None,
    ) -> None:
        """Send ``event`` to every subscriber of ``site_id`` (that ``visible_to`` admits)."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._deliver(site_id, event, visible_to)
        else:
            loop.call_soon_threadsafe(self._deliver, site_id, event, visible_to)

    def _deliver(
        self,
        site_id: uuid.UUID,
        event: dict[str, Any],
        visible_to: Callable[[Principal], bool] | None,
    ) -> None:
        with self._lock:
            targets = list(self._by_site.get(site_id, ()))
        for sub in targets:
            if visible_to is not None and not visible_to(sub.principal):
                continue
            with contextlib.suppress(asyncio.QueueFull):
                # A client that stopped reading misses nudges, not data: it pulls anyway.
                sub.queue.put_nowait(event)


router = APIRouter()


async def _authenticate(ws: WebSocket, store: ServerStore) -> Principal | None:
    token = ws.query_params.get("token")
    if not token:
        try:
            first = await asyncio.wait_for(ws.receive_text(), AUTH_TIMEOUT_SECONDS)
            token = events.AuthEvent.model_validate_json(first).token
        except (TimeoutError, ValidationError, ValueError):
            await ws.close(events.CLOSE_UNAUTHORIZED, "send {type: auth, token} first")
            return None

    def check() -> Principal:
        with store.read() as conn:
            return authenticate(conn, token)

    try:
        return await run_in_threadpool(check)
    except AuthError as exc:
        await ws.close(events.CLOSE_UNAUTHORIZED, str(exc))
        return None


@router.websocket(events.STREAM_PATH)
async def stream(ws: WebSocket) -> None:
    store: ServerStore = ws.app.state.store
    hub: StreamHub = ws.app.state.hub
    interval: float = ws.app.state.ping_interval
    await ws.accept()
    principal = await _authenticate(ws, store)
    if principal is None:
        return
    hub.attach_loop(asyncio.get_running_loop())
    sub = hub.subscribe(principal)

    def newest() -> int:
        with store.read() as conn:
            return store.max_seq(conn)

    await ws.send_json(
        events.HelloEvent(epoch=store.epoch, cursor=await run_in_threadpool(newest)).model_dump()
    )

    async def reader() -> None:
        while True:
            text = await ws.receive_text()
            try:
                message = json.loads(text)
            except ValueError:
                continue
            if isinstance(message, dict) and message.get("type") == "ping":
                sub.queue.put_nowait(events.PongEvent().model_dump())

    async def pinger() -> None:
        token_id = principal.token_id
        while True:
            await asyncio.sleep(interval)

            def still_valid() -> bool:
                with store.read() as conn:
                    return token_is_live(conn, token_id)

            if not await run_in_threadpool(still_valid):
                await sub.queue.put({"type": "_close"})
                return
            await sub.queue.put(events.PingEvent().model_dump())

    async def writer() -> None:
        while True:
            event = await sub.queue.get()
            if event.get("type") == "_close":
                await ws.close(events.CLOSE_UNAUTHORIZED, "the token was revoked or expired")
                return
            await ws.send_json(event)

    tasks = [asyncio.create_task(f()) for f in (reader, pinger, writer)]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        hub.unsubscribe(sub)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, Exception):
                await task
