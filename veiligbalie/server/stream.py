"""The stream: WebSocket ``/api/v1/stream`` and the in-process hub that fans events out to the
connected clients of a site.

:class:`StreamHub` is the one seam for fan-out: an event is serialised and framed once, and the
same frame bytes are written straight to every connection that can take them now (else queued
to that subscriber's writer task, which keeps order). The alarm runtime (server.alarm_runtime)
adds the open alarms and the online stations after "hello", and relays events of other server
processes through it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import struct
import threading
import uuid
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from websockets.protocol import State

from veiligbalie.protocol import events
from veiligbalie.server.auth import AuthError, Principal, authenticate, token_is_live
from veiligbalie.server.store import ServerStore

if TYPE_CHECKING:
    from veiligbalie.server.alarm_runtime import AlarmRuntime

log = logging.getLogger(__name__)
QUEUE_MAX = 5_000
AUTH_TIMEOUT_SECONDS = 10.0
#: Close code for a client that stopped reading (it reconnects and is sent everything open).
CLOSE_TOO_SLOW = 4429
#: How many of a site's latest subscriptions the hub remembers, so "who subscribed since
#: this mark" is read from a short list (an older mark reads the site's subscribers).
RECENT_MAX = 256


class Message:
    """One event on its way to subscribers: its JSON text (serialised once per publish), its
    UTF-8 bytes, the unmasked server text frame built from them once (the same bytes for
    every connection without an extension), and what to call with the subscribers it went
    out to (the alarm log's "delivered")."""

    __slots__ = ("text", "data", "frame", "on_sent")

    def __init__(self, text: str, on_sent: OnSent | None = None) -> None:
        self.text = text
        self.data = text.encode()
        self.frame = text_frame(self.data) if text else b""
        self.on_sent = on_sent

    @classmethod
    def of(cls, event: dict[str, Any], on_sent: OnSent | None = None) -> Message:
        """The message of a JSON-able event, serialised compactly (as every event is)."""
        return cls(json.dumps(event, separators=(",", ":"), ensure_ascii=False), on_sent)


#: Called with the subscribers a message was written to (a batch after a fan-out, or one).
OnSent = Callable[[list["Subscriber"]], None]
_CLOSE = Message("")


def text_frame(data: bytes) -> bytes:
    """A final, unmasked WebSocket text frame (RFC 6455 5.2): what a server sends."""
    n = len(data)
    if n < 126:
        return bytes((0x81, n)) + data
    if n < 65536:
        return struct.pack("!BBH", 0x81, 126, n) + data
    return struct.pack("!BBQ", 0x81, 127, n) + data


_OPEN = State.OPEN

#: Where the app's outermost middleware leaves the server's own ASGI ``send`` for a
#: WebSocket (see :class:`RawSendMiddleware`).
RAW_SEND_KEY = "veiligbalie.raw_send"


class DirectWriter:
    """Writes a text frame straight to the transport of uvicorn's sans-I/O WebSocket protocol,
    without a task switch and the framework's per-message layers: the fan-out's hot path
    (measured by tests/bench/bench_alarm_fanout.py). Only used while the connection is open,
    the transport is not applying back-pressure and nothing is queued or being sent before
    it; otherwise the subscriber's writer task sends, so order and flow control are kept.
    :func:`direct_writer` returns None for any other server, and for a uvicorn outside
    UVICORN_VERIFIED; then the writer task does all the sending."""

    __slots__ = ("_protocol", "_conn", "_shared")

    def __init__(self, protocol: Any) -> None:
        self._protocol = protocol
        self._conn = protocol.conn
        # A frame is the same bytes for every connection unless an extension (compression)
        # rewrites it per connection; then the connection's own encoder builds each one.
        self._shared: bool | None = None

    def ready(self) -> bool:
        p = self._protocol
        return bool(
            p.handshake_complete
            and not p.close_sent
            and not p.disconnected
            and p.writable.is_set()
            and not p.transport.is_closing()
        )

    def send(self, message: Message) -> None:
        p, conn = self._protocol, self._conn
        shared = self._shared
        if shared is None:
            shared = self._shared = not conn.extensions
        if (
            shared
            and conn.state is _OPEN
            and not conn.expect_continuation_frame
            and not conn.writes  # uvicorn drains them after every call; checked all the same
        ):
            p.transport.write(message.frame)
            return
        conn.send_text(message.data)
        p.transport.write(b"".join(conn.data_to_send()))


#: The WebSocket implementation ``serve`` asks uvicorn for: the one DirectWriter knows.
UVICORN_WS = "websockets-sansio"
#: The uvicorn releases (first and last minor version) the direct writer was verified with:
#: it uses the internals of their sans-I/O WebSocket protocol. With any other version the
#: writer tasks send every frame (correct, only slower), and the test suite fails loudly
#: (tests/server/test_stream.py) until the writer is checked against it and this is widened.
UVICORN_VERIFIED = ((0, 54), (0, 54))
#: What DirectWriter uses of the websockets connection (``protocol.conn``) uvicorn keeps.
_CONN_NEEDS = ("state", "extensions", "writes", "expect_continuation_frame", "send_text")


def uvicorn_verified(version: str) -> bool:
    """True when ``version`` (``"0.54.0"``) is within UVICORN_VERIFIED."""
    try:
        major, minor = (int(part) for part in version.split(".")[:2])
    except ValueError:
        return False
    first, last = UVICORN_VERIFIED
    return first <= (major, minor) <= last


@functools.cache
def verified_protocol() -> type | None:
    """uvicorn's sans-I/O WebSocket protocol class when the installed uvicorn is one the
    direct writer was verified with; else None (and one warning)."""
    try:
        import uvicorn
        from uvicorn.protocols.websockets.websockets_sansio_impl import (
            WebSocketsSansIOProtocol,
        )
    except ImportError:
        return None
    if not uvicorn_verified(uvicorn.__version__):
        log.warning(
            "uvicorn %s is not a version the stream's direct frame writer was verified with "
            "(%s); frames go through the framework instead",
            uvicorn.__version__,
            " to ".join(f"{major}.{minor}" for major, minor in UVICORN_VERIFIED),
        )
        return None
    return WebSocketsSansIOProtocol


def direct_writer(send: Any) -> DirectWriter | None:
    """The direct writer for a WebSocket whose server ``send`` is a bound method of uvicorn's
    sans-I/O protocol (of a verified version); None for any other server or version."""
    protocol_class = verified_protocol()
    protocol = getattr(send, "__self__", None)
    if protocol_class is None or not isinstance(protocol, protocol_class):
        return None
    conn = getattr(protocol, "conn", None)
    if not all(hasattr(conn, name) for name in _CONN_NEEDS):
        return None
    return DirectWriter(protocol)


class RawSendMiddleware:
    """Keeps the server's ASGI ``send`` of each WebSocket in the scope (for DirectWriter)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "websocket":
            scope[RAW_SEND_KEY] = send
        await self.app(scope, receive, send)


@dataclass(eq=False)
class Subscriber:
    principal: Principal
    # Unbounded so an alarm is never dropped; a client that stops reading is disconnected
    # instead (see QUEUE_MAX) and gets every open alarm again when it reconnects.
    queue: asyncio.Queue[Message] = field(default_factory=asyncio.Queue)
    #: The id the client uses on the alarm paths (learned from its requests), its location.
    station_id: uuid.UUID | None = None
    location: str = ""
    closing: bool = False
    direct: DirectWriter | None = None
    live: bool = False  # hello and the open alarms are out: direct writes may start
    sending: bool = False  # the writer task is inside a send: a direct write would overtake
    #: The hub's subscription count when it subscribed (see StreamHub.mark).
    epoch: int = 0

    def write_now(self, message: Message) -> bool:
        """Write at once when the connection can take it and nothing waits before it; True
        when written. The caller runs ``on_sent`` (batched over a fan-out)."""
        direct = self.direct
        if (
            direct is None
            or not self.live
            or self.sending
            or not self.queue.empty()
            or not direct.ready()
        ):
            return False
        try:
            direct.send(message)
        except Exception:  # a connection dying under us: the writer finds out too
            return False
        return True

    def put(self, message: Message) -> None:
        if self.closing:
            return
        if self.queue.qsize() >= QUEUE_MAX:
            log.warning("a stream client stopped reading; disconnecting it")
            self.closing = True
            self.queue.put_nowait(_CLOSE)
            return
        self.queue.put_nowait(message)


class StreamHub:
    """In-process registry of stream subscribers, grouped by site.

    ``publish`` may be called from any thread (routes run in a thread pool); delivery
    happens on the event loop the hub was attached to.
    """

    def __init__(self) -> None:
        self._by_site: dict[uuid.UUID | None, set[Subscriber]] = {}
        self._by_workstation: dict[uuid.UUID, set[Subscriber]] = {}
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        #: Subscriptions so far; each subscriber keeps the count it was given.
        self._epoch = 0
        #: Per site, its latest subscriptions (oldest first, at most RECENT_MAX), and the
        #: epoch of the newest one let go of: every live subscriber of the site with a
        #: larger epoch is in the list.
        self._recent: dict[uuid.UUID | None, deque[tuple[int, weakref.ref[Subscriber]]]] = {}
        self._recent_floor: dict[uuid.UUID | None, int] = {}
        #: Frames of published events written straight to the transport (DirectWriter)
        #: and handed to the subscribers' writer tasks instead, since start.
        self.frames_direct = 0
        self.frames_queued = 0

    def attach_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def subscribe(self, sub: Subscriber) -> Subscriber:
        site = sub.principal.site_id
        with self._lock:
            self._epoch += 1
            sub.epoch = self._epoch
            self._by_site.setdefault(site, set()).add(sub)
            recent = self._recent.setdefault(site, deque())
            if len(recent) >= RECENT_MAX:
                self._recent_floor[site] = recent.popleft()[0]
            recent.append((sub.epoch, weakref.ref(sub)))
            ws = sub.principal.workstation_id
            if ws is not None:
                self._by_workstation.setdefault(ws, set()).add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        with self._lock:
            group = self._by_site.get(sub.principal.site_id)
            if group is not None:
                group.discard(sub)
                if not group:
                    del self._by_site[sub.principal.site_id]
                    # Nobody of the site left: nobody subscribed since any mark either.
                    self._recent.pop(sub.principal.site_id, None)
                    self._recent_floor.pop(sub.principal.site_id, None)
            ws = sub.principal.workstation_id
            mine = self._by_workstation.get(ws) if ws is not None else None
            if ws is not None and mine is not None:
                mine.discard(sub)
                if not mine:
                    del self._by_workstation[ws]

    def count(self, site_id: uuid.UUID | None = None) -> int:
        with self._lock:
            if site_id is None:
                return sum(len(g) for g in self._by_site.values())
            return len(self._by_site.get(site_id, ()))

    def sites(self) -> list[uuid.UUID | None]:
        with self._lock:
            return list(self._by_site)

    def of_workstation(self, workstation_id: uuid.UUID) -> list[Subscriber]:
        """The live subscribers of one workstation (usually one)."""
        with self._lock:
            return list(self._by_workstation.get(workstation_id, ()))

    def subscribers(self, site_id: uuid.UUID | None) -> list[Subscriber]:
        with self._lock:
            return list(self._by_site.get(site_id, ()))

    def mark(self) -> int:
        """A mark to ask :meth:`subscribed_since` with later (the subscriptions so far)."""
        with self._lock:
            return self._epoch

    def subscribed_since(self, site_id: uuid.UUID | None, mark: int) -> list[Subscriber]:
        """The site's subscribers now that subscribed after ``mark`` was taken, oldest
        first: the short list of the site's latest subscriptions, read from its end (the
        whole site only when more than RECENT_MAX subscribed since)."""
        with self._lock:
            group = self._by_site.get(site_id)
            if not group:
                return []
            if mark < self._recent_floor.get(site_id, 0):
                return sorted((s for s in group if s.epoch > mark), key=lambda s: s.epoch)
            found = []
            for epoch, ref in reversed(self._recent.get(site_id, ())):
                if epoch <= mark:
                    break
                sub = ref()
                if sub is not None and sub in group:
                    found.append(sub)
            found.reverse()
            return found

    def publish(
        self,
        site_id: uuid.UUID | None,
        event: dict[str, Any],
        visible_to: Callable[[Principal], bool] | None = None,
        on_sent: OnSent | None = None,
        *,
        wait: float = 0.0,
    ) -> None:
        """Send ``event`` to every subscriber of ``site_id`` (no site: the administrators)
        that ``visible_to`` admits; ``on_sent(subscribers)`` runs on the loop once the
        frames are written (a batch for the direct writes of the fan-out, later one by one
        for those that were queued).

        From another thread, ``wait`` > 0 blocks up to that many seconds until the fan-out
        on the loop is done, so that the caller's own Python work does not compete with it
        for the interpreter lock."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        # Serialised and framed once, whatever the number of receivers, and off the loop
        # when called from a route's thread.
        message = Message.of(event, on_sent)
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._deliver(site_id, message, visible_to, None)
            return
        done = threading.Event() if wait > 0 else None
        loop.call_soon_threadsafe(self._deliver, site_id, message, visible_to, done)
        if done is not None:
            done.wait(wait)

    def deliver(self, site_id: uuid.UUID | None, message: Message) -> None:
        """On the loop: write an already serialised ``message`` to the site's subscribers
        now (the raise route's fan-out, which serialised it in its thread-pool step)."""
        self._deliver(site_id, message, None, None)

    def _deliver(
        self,
        site_id: uuid.UUID | None,
        message: Message,
        visible_to: Callable[[Principal], bool] | None,
        done: threading.Event | None,
    ) -> None:
        try:
            with self._lock:
                targets = list(self._by_site.get(site_id, ()))
            written: list[Subscriber] = []
            queued = 0
            # The hot loop: the same frame bytes to every transport that can take them now;
            # everything per subscriber beyond that (the delivered log) waits until after.
            for sub in targets:
                if visible_to is not None and not visible_to(sub.principal):
                    continue
                if sub.write_now(message):
                    written.append(sub)
                else:
                    sub.put(message)
                    queued += 1
            self.frames_direct += len(written)
            self.frames_queued += queued
        finally:
            if done is not None:
                done.set()
        if written and message.on_sent is not None:
            message.on_sent(written)


router = APIRouter()
_PING = Message.of(events.PingEvent().model_dump())
_PONG = Message.of(events.PongEvent().model_dump())


async def _authenticate(ws: WebSocket, store: ServerStore) -> Principal | None:
    """The stream's caller: by ``Authorization: Bearer`` on the handshake, or by a first
    ``{type: auth, token}`` message. Never by the URL: a query string ends up in access logs
    (a ``?token=`` is refused without being looked at)."""
    if "token" in ws.query_params:
        await ws.close(
            events.CLOSE_UNAUTHORIZED,
            "a token in the URL is refused; send it in the Authorization header",
        )
        return None
    scheme, _, token = ws.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        try:
            first = await asyncio.wait_for(ws.receive_text(), AUTH_TIMEOUT_SECONDS)
            token = events.AuthEvent.model_validate_json(first).token
        except (TimeoutError, ValidationError, ValueError):
            await ws.close(events.CLOSE_UNAUTHORIZED, "send {type: auth, token} first")
            return None
    token = token.strip()

    # On the alarm's own share: every station coming back at once after the server was away
    # (while their pushes fill the shared pool) is on the alarm path again soonest.
    try:
        principal = await store.read_urgently(authenticate, token)
        if principal.must_change_password:  # nothing before the one-time password is changed
            raise AuthError("change your one-time password first")
        return principal
    except AuthError as exc:
        await ws.close(events.CLOSE_UNAUTHORIZED, str(exc))
        return None


@router.websocket(events.STREAM_PATH)
async def stream(ws: WebSocket) -> None:
    store: ServerStore = ws.app.state.store
    hub: StreamHub = ws.app.state.hub
    interval: float = ws.app.state.ping_interval
    alarms: AlarmRuntime | None = getattr(ws.app.state, "alarms", None)
    await ws.accept()
    principal = await _authenticate(ws, store)
    if principal is None:
        return
    hub.attach_loop(asyncio.get_running_loop())
    sub = Subscriber(principal, direct=direct_writer(ws.scope.get(RAW_SEND_KEY)))
    if alarms is not None:
        await alarms.describe(sub)
    # Subscribed before the open alarms are read: an alarm raised in between comes twice
    # at worst (receivers de-duplicate by id), never not at all.
    hub.subscribe(sub)

    try:
        hello = events.HelloEvent(
            epoch=store.epoch, cursor=await store.read_urgently(store.max_seq)
        )
        await ws.send_json(hello.model_dump())
        if alarms is not None:
            for message in await alarms.hello_items(sub):
                await ws.send_text(message.text)
                if message.on_sent is not None:
                    message.on_sent([sub])
            alarms.joined(sub)
        sub.live = True
    except (WebSocketDisconnect, RuntimeError, OSError):
        hub.unsubscribe(sub)
        return

    async def reader() -> None:
        while True:
            text = await ws.receive_text()
            try:
                message = json.loads(text)
            except ValueError:
                continue
            if isinstance(message, dict) and message.get("type") == "ping":
                sub.put(_PONG)

    async def pinger() -> None:
        token_id = principal.token_id
        while True:
            await asyncio.sleep(interval)

            def still_valid() -> bool:
                with store.read() as conn:
                    return token_is_live(conn, token_id)

            if not await run_in_threadpool(still_valid):
                sub.queue.put_nowait(_CLOSE)
                return
            sub.put(_PING)

    async def writer() -> None:
        while True:
            message = await sub.queue.get()
            if not message.text:
                if sub.closing:
                    await ws.close(CLOSE_TOO_SLOW, "the client did not read its events")
                else:
                    await ws.close(events.CLOSE_UNAUTHORIZED, "the token was revoked or expired")
                return
            sub.sending = True
            try:
                await ws.send_text(message.text)
            finally:
                sub.sending = False
            if message.on_sent is not None:
                message.on_sent([sub])

    tasks = [asyncio.create_task(f()) for f in (reader, pinger, writer)]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        hub.unsubscribe(sub)
        if alarms is not None:
            alarms.left(sub)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, Exception):
                await task
