"""Alarms between server processes sharing one PostgreSQL database: NOTIFY after a commit,
LISTEN for the others' notes. A note carries ids only (``{"event", "origin", ...}``); the
receiving process reads the rows and publishes to its own stream clients. On SQLite (one
process) the bridge does nothing.

Besides the alarm notes, any row whose change the stream tells (a site's LAN set-up, a
workstation's link or location, a drop-out) travels as a *change* note: one of
:data:`CHANGE_TOPICS` and the row's id (``{"event": "changed", "topic", "id"}``). The
process that made the change tells its own clients itself; the others read the row and tell
theirs (see ``AlarmRuntime.on_change`` / ``AlarmRuntime.changed``).

A new alarm crosses twice. Before its commit, while this process writes the frame to its
own stations (from a thread handed the note once the frame is built, on a connection of its
own), a *raising* note carries the frame itself (``{"event": "raising", "alarm_id",
"site_id", "raiser", "frame"}``): the others write it to their stations at once, without
reading anything, and hold its delivered log. After the commit the usual ``raised`` note
(ids only) releases that log and starts the escalation watch. A frame too long for a note
(PostgreSQL's 8000 bytes) crosses only after the commit, read from the row as before."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from veiligbalie.server.store import ServerStore

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "veiligbalie_alarms"
#: Alarm changes a note may announce (the alarm's stream event of that kind).
ALARM_CHANGES = ("raised", "acknowledged", "resolved", "cancelled")
#: A new alarm's ``alarm.raised`` frame, sent before its commit (see the module's text).
RAISING = "raising"
#: PostgreSQL refuses a NOTIFY payload of 8000 bytes or more.
NOTIFY_PAYLOAD_MAX = 7999
#: The raising note's own connection gives up on an unanswered send after this long (libpq's
#: tcp_user_timeout), and on connecting after CONNECT_SECONDS: it is on the alarm's path.
SEND_TIMEOUT_MS = 2000
CONNECT_SECONDS = 2
RAISED_TYPE = "alarm.raised"
ESCALATED = "escalated"
PRESENCE = "presence"
CHANGED = "changed"
#: Rows whose change other processes pass on to their own stream clients.
SITE_LAN = "site.lan"  # a site's row: its LAN beacon port, group or switch
WORKSTATION = "workstation"  # a workstation's row: moved, or its link ended
DROPOUT = "station.dropout"  # a station_dropouts row: written, or closed on return
CHANGE_TOPICS = frozenset({SITE_LAN, WORKSTATION, DROPOUT})


@dataclass(frozen=True)
class Note:
    """What another process announced: an alarm change, an escalation level it fired, a
    change of which stations it holds (``site_id``), or a changed row (``topic``, ``row_id``);
    a new alarm before its commit (``alarm_id``, ``site_id``, ``raiser``, its frame's ``text``)."""

    event: str
    alarm_id: uuid.UUID | None = None
    site_id: uuid.UUID | None = None
    level: int = -1
    topic: str = ""
    row_id: uuid.UUID | None = None
    raiser: uuid.UUID | None = None
    text: str = ""

    @classmethod
    def parse(cls, payload: str, own_origin: str) -> Note | None:
        """The note of ``payload``; None for our own, and for anything malformed."""
        try:
            note = json.loads(payload)
        except ValueError:
            return None
        if not isinstance(note, dict) or note.get("origin") == own_origin:
            return None
        event = note.get("event")
        try:
            if event == PRESENCE:
                return cls(PRESENCE, site_id=uuid.UUID(str(note.get("site_id"))))
            if event == CHANGED:
                topic = note.get("topic")
                if topic not in CHANGE_TOPICS:
                    return None
                return cls(CHANGED, topic=str(topic), row_id=uuid.UUID(str(note.get("id"))))
            alarm_id = uuid.UUID(str(note.get("alarm_id")))
            if event == RAISING:
                return cls._raising(note, alarm_id)
            if event == ESCALATED:
                return cls(ESCALATED, alarm_id, level=int(note.get("level", -1)))
        except (ValueError, TypeError):
            return None
        return cls(event, alarm_id) if event in ALARM_CHANGES else None

    @classmethod
    def _raising(cls, note: dict[str, Any], alarm_id: uuid.UUID) -> Note | None:
        """A raising note only when its frame is that alarm's ``alarm.raised`` event."""
        text = note.get("frame")
        if not isinstance(text, str):
            return None
        site_id = uuid.UUID(str(note.get("site_id")))
        raiser = note.get("raiser")
        event = json.loads(text)
        if not isinstance(event, dict) or event.get("type") != RAISED_TYPE:
            return None
        alarm = event.get("alarm")
        if not isinstance(alarm, dict) or alarm.get("id") != str(alarm_id):
            return None
        return cls(
            RAISING,
            alarm_id,
            site_id=site_id,
            raiser=uuid.UUID(str(raiser)) if raiser is not None else None,
            text=text,
        )


OnNote = Callable[[Note], Awaitable[None]]
#: Called with the moment the lost connection was last known to be listening.
OnReconnect = Callable[[datetime], Awaitable[None]]


class NotifyBridge:
    def __init__(self, store: ServerStore) -> None:
        self.store = store
        self.enabled = store.backend == "postgresql"
        #: Who we are among the processes sharing the database (our own notes are ignored).
        self.origin = uuid.uuid4().hex
        self.listening = asyncio.Event()
        #: The raising notes' own connection (autocommit: one round trip a note, no pool
        #: check-out, no BEGIN/COMMIT), opened on first use; one thread at a time.
        self._direct: Any = None
        self._direct_lock = threading.Lock()

    def dsn(self) -> str:
        """The database as a libpq connection string (psycopg, without SQLAlchemy)."""
        url = make_url(self.store.url).set(drivername="postgresql")
        return url.render_as_string(hide_password=False)

    def close(self) -> None:
        """Close the raising notes' connection (at shutdown)."""
        with self._direct_lock:
            self._drop_direct()

    def _drop_direct(self) -> None:
        if self._direct is not None:
            with contextlib.suppress(Exception):
                self._direct.close()
            self._direct = None

    # -- NOTIFY (blocking: call from a thread, never on the loop) -----------------------------
    def alarm_changed(self, alarm_id: uuid.UUID, kind: str) -> None:
        self._notify(kind, alarm_id=str(alarm_id))

    def raising(
        self, alarm_id: uuid.UUID, site_id: uuid.UUID, raiser: uuid.UUID | None, text: str
    ) -> bool:
        """A new alarm's frame ``text`` (its ``alarm.raised`` event), before its commit; False
        when it was not sent (SQLite, too long for a note, or the database failed): the
        ``raised`` note after the commit is then the only one."""
        if not self.enabled:
            return False
        payload = {
            "event": RAISING,
            "origin": self.origin,
            "alarm_id": str(alarm_id),
            "site_id": str(site_id),
            "raiser": str(raiser) if raiser is not None else None,
            "frame": text,
        }
        note = json.dumps(payload, separators=(",", ":"))
        if len(note.encode()) > NOTIFY_PAYLOAD_MAX:
            return False
        import psycopg

        with self._direct_lock:
            for attempt in (1, 2):  # a connection found broken is opened once more
                try:
                    if self._direct is None or self._direct.closed:
                        self._direct = psycopg.connect(
                            self.dsn(),
                            autocommit=True,
                            connect_timeout=CONNECT_SECONDS,
                            tcp_user_timeout=SEND_TIMEOUT_MS,
                        )
                    self._direct.execute("SELECT pg_notify(%s, %s)", (NOTIFY_CHANNEL, note))
                    return True
                except psycopg.Error as exc:
                    self._drop_direct()
                    if attempt == 2:
                        log.warning("NOTIFY %s failed: %s", RAISING, type(exc).__name__)
        return False

    def escalated(self, alarm_id: uuid.UUID, level: int) -> None:
        self._notify(ESCALATED, level=level, alarm_id=str(alarm_id))

    def presence_changed(self, site_id: uuid.UUID) -> None:
        self._notify(PRESENCE, site_id=str(site_id))

    def changed(self, topic: str, row_id: uuid.UUID) -> None:
        """The row ``row_id`` of ``topic`` (one of CHANGE_TOPICS) changed: the other
        processes read it and tell their own stream clients."""
        if topic not in CHANGE_TOPICS:
            raise ValueError(f"unknown change topic {topic!r}")
        self._notify(CHANGED, topic=topic, id=str(row_id))

    def _notify(self, event: str, **fields: Any) -> bool:
        if not self.enabled:
            return False
        payload = {"event": event, "origin": self.origin, **fields}
        text = json.dumps(payload, separators=(",", ":"))
        if len(text.encode()) > NOTIFY_PAYLOAD_MAX:
            return False
        try:  # through the alarm's own pool (see ServerStore.urgent_engine)
            with self.store.urgent_engine.connect() as conn:
                conn.execute(sa.text("SELECT pg_notify(:c, :p)"), {"c": NOTIFY_CHANNEL, "p": text})
                conn.commit()
        except sa.exc.SQLAlchemyError as exc:
            # The other processes catch up on their stations' next connect (hello).
            log.warning("NOTIFY %s failed: %s", event, type(exc).__name__)
            return False
        return True

    # -- LISTEN (a task on the loop) -----------------------------------------------------------
    async def listen(self, on_note: OnNote, on_reconnect: OnReconnect) -> None:
        """Hand every note of the other processes to ``on_note``, reconnecting for ever;
        after a reconnect ``on_reconnect`` catches up with what was missed meanwhile (it is
        given the moment the lost connection last handed a note or began listening: what
        changed since may have been told to nobody here)."""
        import psycopg

        dsn = self.dsn()
        heard: datetime | None = None  # None until the first connection listens
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(dsn, autocommit=True)
                async with conn:
                    await conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self.listening.set()
                    if heard is not None:
                        await on_reconnect(heard)
                    heard = datetime.now(UTC)
                    async for message in conn.notifies():
                        heard = datetime.now(UTC)
                        note = Note.parse(message.payload, self.origin)
                        if note is None:
                            continue
                        try:
                            await on_note(note)
                        except Exception:
                            log.exception("notification %r not handled", message.payload[:200])
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("LISTEN connection lost (%s); reconnecting", type(exc).__name__)
                await asyncio.sleep(1.0)
