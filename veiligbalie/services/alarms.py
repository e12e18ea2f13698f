"""Raising and following alarms: ours and our colleagues'.

Local first: an alarm (and every acknowledgement, resolution or cancellation) is written
to the local store before anything is sent, so the alarm log is complete even when nothing
could be delivered. Delivery paths (the server stream and the signed LAN beacon) are
:class:`AlarmPath` objects; every message goes out on all of them at once and receivers
de-duplicate by alarm id. With no path reaching anyone ``connected`` is False and the UI
says "Alarm niet verbonden" in plain sight instead of pretending.

A path without memory (the LAN) gets our open alarms again every few seconds and at once
when a station appears, so a station that starts late still receives them; closing messages
are repeated for a short while so a station that missed one does not keep a stale pop-up.
"""

from __future__ import annotations

import dataclasses
import logging
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from veiligbalie import settings
from veiligbalie.core import alarm as rules
from veiligbalie.core.alarm_types import Alarm, Responder, StationIdentity
from veiligbalie.core.ids import uuid7
from veiligbalie.core.vocabulary import AlarmKind, AlarmState, AlarmType, Category, Channel
from veiligbalie.net.alarm_paths import AlarmPath, InboundEvent, InboundKind
from veiligbalie.protocol.alarms import LATE_MAX
from veiligbalie.store.alarms import (
    CLOSE_STORED,
    REFUSED,
    STORED,
    AlarmEventRecord,
    AlarmRecord,
    AlarmRepository,
)
from veiligbalie.store.database import Database

log = logging.getLogger(__name__)

# The alarm's types the UI works with, re-exported so widgets depend on the service only.
__all__ = [
    "Alarm",
    "AlarmService",
    "Responder",
    "StationIdentity",
    "identity_from_settings",
    "station_id",
]

#: How often open alarms are announced again on paths without memory (the LAN).
ANNOUNCE_INTERVAL_MS = 3_000
#: How long a closing message keeps being repeated on such paths.
CLOSE_LINGER = timedelta(seconds=30)
#: Acknowledgements heard before their alarm (a late station) are kept this many per alarm.
_EARLY_LIMIT = 50
_CLOSED_MEMORY = 1_000
#: At most this many of our alarms that ended while the server was away are reported to it
#: per connect (oldest first; the rest on the next): a station's catch-up, not a flood.
REPORT_LIMIT = 100

#: The alarm state a closing message from elsewhere puts an alarm in.
_CLOSING = {
    InboundKind.RESOLVED: AlarmState.RESOLVED,
    InboundKind.CANCELLED: AlarmState.CANCELLED,
}

#: The incident categories a registration after an alarm starts with (the user adjusts).
CATEGORIES_BY_TYPE: dict[AlarmType, tuple[Category, ...]] = {
    AlarmType.AGGRESSION: (Category.VERBAL_AGGRESSION,),
    AlarmType.MEDICAL: (Category.OTHER,),
    AlarmType.OTHER: (Category.OTHER,),
}


def station_id() -> uuid.UUID:
    """This workstation's id: made once, then kept in the settings of the data folder."""
    raw = settings.STATION_ID.get()
    try:
        return uuid.UUID(raw)
    except ValueError:
        value = uuid.uuid4()
        settings.STATION_ID.set(str(value))
        settings.sync()
        return value


def identity_from_settings() -> StationIdentity:
    """This workstation as the settings of its data folder describe it."""
    name = settings.STATION_NAME.get()
    return StationIdentity(
        station_id=station_id(),
        name=name,
        location=settings.STATION_LOCATION.get() or name,
        site_id=settings.SITE_ID.get() or "default",
    )


class AlarmService(QObject):
    # Qt carries Alarm as a PyObject: the declared class documents what every emit sends.
    raised = Signal(Alarm)  # ours or a colleague's, once per alarm id
    updated = Signal(Alarm)  # an open alarm changed (responders, type, state)
    closed = Signal(Alarm)  # resolved or cancelled
    delivery_failed = Signal(Alarm)  # ours reached no path at all
    connectivity_changed = Signal(bool)
    responders_changed = Signal(int)  # how many stations an alarm would reach now
    offer_registration = Signal(Alarm)  # ours was resolved: offer the incident form
    escalated = Signal(Alarm)  # an open alarm was escalated by the server (a new level)

    def __init__(
        self,
        db: Database,
        parent: QObject | None = None,
        *,
        identity: StationIdentity | Callable[[], StationIdentity] | None = None,
        responder_name: Callable[[], str] | None = None,
        announce_interval_ms: int = ANNOUNCE_INTERVAL_MS,
    ) -> None:
        super().__init__(parent)
        self._repo = AlarmRepository(db)
        self._identity_source = identity
        self._responder_name = responder_name
        self._paths: list[AlarmPath] = []
        self._path_connected: dict[int, bool] = {}
        self._alarms: dict[uuid.UUID, Alarm] = {}
        self._heard: dict[uuid.UUID, set[str]] = {}  # paths an alarm reached us by
        self._early: dict[uuid.UUID, list[InboundEvent]] = {}
        self._closed_ids: dict[uuid.UUID, float] = {}  # closed here or heard closed (monotonic)
        self._lingering: dict[uuid.UUID, float] = {}  # closes we repeat on the LAN
        # Our open alarms sent while no colleague was reachable, that nobody has received
        # yet (no delivery by the server, no LAN peer it went to, no answer).
        self._unreached: set[uuid.UUID] = set()
        self._last_connected = False
        self._load_own_open_alarms()

        self._announce = QTimer(self)
        self._announce.setInterval(announce_interval_ms)
        self._announce.timeout.connect(self.announce)
        self._announce.start()

    # -- Identity ----------------------------------------------------------------------------
    @property
    def identity(self) -> StationIdentity:
        source = self._identity_source
        if source is None:
            return identity_from_settings()
        return source() if callable(source) else source

    def responder_name(self) -> str:
        """The logged-in user, else the reporter name, else the workstation name."""
        if self._responder_name is not None:
            name = self._responder_name()
            if name:
                return name
        return settings.REPORTER_NAME.get() or self.identity.name

    # -- Paths -------------------------------------------------------------------------------
    def add_path(self, path: AlarmPath) -> None:
        self._paths.append(path)
        self._path_connected[id(path)] = path.is_connected()
        path.received.connect(self._on_inbound)
        path.changed.connect(lambda p=path: self._on_path_changed(p))
        path.newcomer.connect(lambda p=path: self._announce_on(p))
        path.stored.connect(self._on_stored)
        path.refused.connect(self._on_refused)
        self._on_path_changed(path)

    def paths(self) -> list[AlarmPath]:
        return list(self._paths)

    @property
    def connected(self) -> bool:
        return any(path.is_connected() for path in self._paths)

    def nobody_reachable(self) -> bool:
        """Connected (the server is up, or a LAN peer heard) but no colleague's station is
        reachable: an alarm would be recorded and sent, yet nobody would receive it now."""
        return self.connected and self.reachable_responders() == 0

    def nobody_received(self, alarm_id: uuid.UUID) -> bool:
        """Our alarm went out while nobody was reachable and nobody has received it since."""
        return alarm_id in self._unreached

    def _received(self, alarm_id: uuid.UUID) -> None:
        """Someone has our alarm now (a delivery, a LAN peer it went to, an answer)."""
        if alarm_id in self._unreached:
            self._unreached.discard(alarm_id)
            alarm = self._alarms.get(alarm_id)
            if alarm is not None:
                log.warning("Alarm %s received after all", alarm_id)
                self.updated.emit(alarm)

    def reachable_responders(self) -> int:
        """Distinct stations reachable now on any path (a station heard both ways counts once)."""
        stations: set[uuid.UUID] = set()
        for path in self._paths:
            if path.is_connected():
                stations |= path.reachable_stations()
        stations.discard(self.identity.station_id)
        return len(stations)

    def _on_path_changed(self, path: AlarmPath) -> None:
        now_connected = path.is_connected()
        was_connected = self._path_connected.get(id(path), False)
        self._path_connected[id(path)] = now_connected
        if now_connected and not was_connected and not path.repeats:
            # A path with memory (the server) that comes back learns what it missed: our
            # open alarms and answers, and our alarms that ended while it was away.
            self._announce_on(path)
            self._report_ended(path)
        connected = self.connected
        if connected != self._last_connected:
            self._last_connected = connected
            log.info("Alarm paths %s", "connected" if connected else "NOT connected")
        self.connectivity_changed.emit(connected)
        self.responders_changed.emit(self.reachable_responders())

    # -- Reading -----------------------------------------------------------------------------
    def get(self, alarm_id: uuid.UUID) -> Alarm | None:
        return self._alarms.get(alarm_id)

    def open_alarms(self) -> list[Alarm]:
        """Open alarms, newest first."""
        alarms = [a for a in self._alarms.values() if a.is_open]
        return sorted(alarms, key=lambda a: a.raised_at, reverse=True)

    def own_open_alarms(self) -> list[Alarm]:
        return [a for a in self.open_alarms() if a.mine]

    def colleague_open_alarms(self) -> list[Alarm]:
        return [a for a in self.open_alarms() if not a.mine]

    def can_cancel(self, alarm_id: uuid.UUID, now: datetime | None = None) -> bool:
        alarm = self._alarms.get(alarm_id)
        if alarm is None or not alarm.mine:
            return False
        now = now or datetime.now(UTC)
        return rules.can_transition(alarm.state, AlarmState.CANCELLED) and rules.can_cancel(
            alarm.raised_at, now
        )

    def log_of(self, alarm_id: uuid.UUID) -> list[Any]:
        """The stored alarm log (AlarmEventRecord list), oldest first."""
        return self._repo.events(alarm_id)

    @staticmethod
    def registration_prefill(alarm: Alarm) -> dict[str, Any]:
        """What the incident form starts with after an alarm."""
        return {
            "occurred_at": alarm.raised_at,
            # Without a location set, an alarm names its workstation (for the colleagues'
            # pop-up); that is no place for the report: the form then asks "Waar?".
            "location": alarm.location if alarm.location != alarm.station else "",
            "categories": [c.value for c in CATEGORIES_BY_TYPE[AlarmType(alarm.type)]],
            "channel": Channel.COUNTER.value,
            "alarm_id": str(alarm.id),
        }

    # -- Raising -----------------------------------------------------------------------------
    def raise_alarm(
        self,
        kind: AlarmKind = AlarmKind.SILENT,
        alarm_type: AlarmType = AlarmType.AGGRESSION,
        test: bool = False,
    ) -> Alarm:
        """Store the alarm, then hand it to every path at once."""
        me = self.identity
        alarm = Alarm(
            id=uuid7(),
            kind=AlarmKind(kind),
            type=AlarmType(alarm_type),
            station=me.name,
            location=me.location,
            raised_at=datetime.now(UTC),
            test=test,
            station_id=me.station_id,
            raised_by=self.responder_name(),
            mine=True,
        )
        self._record(alarm)
        self._repo.add_event(
            alarm.id,
            "raised",
            alarm.raised_by or alarm.station,
            "local",
            alarm.raised_at,
            {"station_id": str(me.station_id), "site_id": me.site_id, "kind": alarm.kind.value},
        )
        self._alarms[alarm.id] = alarm
        sent = self._send_everywhere(alarm, lambda path: path.send_raise(alarm))
        delivered = any(path.is_connected() for path in sent)
        if delivered and self.reachable_responders() == 0:
            # The server took it, but no colleague's station is there to receive it.
            self._unreached.add(alarm.id)
            self._repo.add_event(alarm.id, "unreached", me.name, "local", datetime.now(UTC), {})
        log.warning(
            "Alarm %s raised (%s, %s%s), delivered: %s",
            alarm.id,
            alarm.kind.value,
            alarm.type.value,
            ", test" if test else "",
            delivered,
        )
        self.raised.emit(alarm)
        if not delivered:
            self._repo.add_event(alarm.id, "undelivered", me.name, "local", datetime.now(UTC), {})
            self.delivery_failed.emit(alarm)
        return alarm

    def set_type(self, alarm_id: uuid.UUID, alarm_type: AlarmType) -> Alarm:
        """Change the type of our open alarm afterwards; it is announced again."""
        alarm = self._own_open(alarm_id)
        if alarm.type == AlarmType(alarm_type):
            return alarm
        alarm = dataclasses.replace(alarm, type=AlarmType(alarm_type))
        self._repo.set_type(alarm.id, alarm.type)
        self._log(alarm, "type_changed", alarm.raised_by or alarm.station, "local", {})
        self._alarms[alarm.id] = alarm
        self._send_everywhere(alarm, lambda path: path.send_raise(alarm), log_kind="resent")
        self.updated.emit(alarm)
        return alarm

    def cancel(self, alarm_id: uuid.UUID) -> Alarm:
        """The sender's "Vergissing" within the cancel window; InvalidTransition after it."""
        alarm = self._own_open(alarm_id)
        now = datetime.now(UTC)
        state = rules.cancel(alarm.state, alarm.raised_at, now)
        return self._close(alarm, state, self.responder_name(), now)

    def resolve(self, alarm_id: uuid.UUID) -> Alarm:
        """ "Afgehandeld": closes the alarm for everyone."""
        alarm = self._alarms.get(alarm_id)
        if alarm is None:
            raise LookupError(f"No alarm {alarm_id} known here.")
        state = rules.transition(alarm.state, AlarmState.RESOLVED)
        return self._close(alarm, state, self.responder_name(), datetime.now(UTC))

    def acknowledge(self, alarm_id: uuid.UUID) -> Alarm:
        """ "Ik kom eraan" for a colleague's open alarm (again: nothing changes)."""
        alarm = self._alarms.get(alarm_id)
        if alarm is None:
            raise LookupError(f"No alarm {alarm_id} known here.")
        if not alarm.is_open:
            raise rules.InvalidTransition(alarm.state, AlarmState.ACKNOWLEDGED, "it is closed")
        me = self.identity
        mine = self._own_response(alarm)
        if mine is not None:
            return alarm
        responder = Responder(self.responder_name(), me.station_id, me.name, datetime.now(UTC))
        alarm = self._add_responder(alarm, responder)
        self._send_everywhere(alarm, lambda path: path.send_acknowledge(alarm, responder))
        return alarm

    # -- Internals: changing state -------------------------------------------------------------
    def _record(self, alarm: Alarm) -> bool:
        """Store the alarm in the local log; True when it was not there yet."""
        return self._repo.record_alarm(
            alarm.id,
            alarm.kind,
            alarm.type,
            alarm.station,
            alarm.location,
            alarm.raised_at,
            alarm.state,
            alarm.test,
        )

    def _own_open(self, alarm_id: uuid.UUID) -> Alarm:
        alarm = self._alarms.get(alarm_id)
        if alarm is None or not alarm.mine:
            raise LookupError(f"No alarm {alarm_id} of this workstation.")
        if not alarm.is_open:
            raise rules.InvalidTransition(alarm.state, AlarmState.CANCELLED, "it is closed")
        return alarm

    def _own_response(self, alarm: Alarm) -> Responder | None:
        me = self.identity.station_id
        return next((r for r in alarm.responders if r.station_id == me), None)

    def _add_responder(self, alarm: Alarm, responder: Responder) -> Alarm:
        state = alarm.state
        if rules.can_transition(state, AlarmState.ACKNOWLEDGED):
            state = AlarmState.ACKNOWLEDGED
        alarm = dataclasses.replace(alarm, state=state, responders=alarm.responders + (responder,))
        if state != self._alarms[alarm.id].state:
            self._repo.set_state(alarm.id, state)
        latency = (responder.at - alarm.raised_at).total_seconds() * 1000
        self._log(
            alarm,
            "acknowledged",
            responder.name,
            responder.path,
            {
                "station_id": str(responder.station_id) if responder.station_id else None,
                "station_name": responder.station_name,
                "after_ms": round(latency),
            },
            at=responder.at,
        )
        self._alarms[alarm.id] = alarm
        if alarm.id in self._unreached:
            self._unreached.discard(alarm.id)  # an answer: it was received
        self.updated.emit(alarm)
        return alarm

    def _close(self, alarm: Alarm, state: AlarmState, by: str, at: datetime) -> Alarm:
        alarm = dataclasses.replace(alarm, state=state, closed_by=by, closed_at=at)
        self._repo.set_state(alarm.id, state)
        self._log(alarm, state.value, by, "local", {"station_name": self.identity.name}, at=at)
        self._alarms[alarm.id] = alarm
        self._unreached.discard(alarm.id)
        self._remember_closed(alarm.id)
        self._lingering[alarm.id] = time.monotonic()
        self._send_everywhere(alarm, lambda path: path.send_close(alarm))
        self._closed(alarm)
        return alarm

    def _closed(self, alarm: Alarm) -> None:
        self.closed.emit(alarm)
        if alarm.mine and alarm.state == AlarmState.RESOLVED and not alarm.test:
            self.offer_registration.emit(alarm)

    def _remember_closed(self, alarm_id: uuid.UUID) -> None:
        self._closed_ids[alarm_id] = time.monotonic()
        if len(self._closed_ids) > _CLOSED_MEMORY:
            oldest = min(self._closed_ids, key=self._closed_ids.__getitem__)
            del self._closed_ids[oldest]
            self._alarms.pop(oldest, None)
            self._heard.pop(oldest, None)

    def _send_everywhere(
        self, alarm: Alarm, send: Callable[[AlarmPath], bool], log_kind: str = "sent"
    ) -> list[AlarmPath]:
        """Send on every path; log each path it went out on. Returns those paths."""
        sent: list[AlarmPath] = []
        for path in self._paths:
            try:
                ok = send(path)
            except Exception:  # one broken path must never keep the others from sending
                log.exception("Alarm path %s failed to send", path.name)
                ok = False
            if ok:
                sent.append(path)
        if sent:
            self._log(
                alarm,
                log_kind,
                self.identity.name,
                ",".join(p.name for p in sent),
                {"paths": [p.name for p in sent], "reachable": self.reachable_responders()},
            )
        return sent

    def _log(
        self,
        alarm: Alarm | uuid.UUID,
        kind: str,
        actor: str,
        path: str,
        data: dict[str, Any],
        at: datetime | None = None,
    ) -> None:
        alarm_id = alarm.id if isinstance(alarm, Alarm) else alarm
        try:
            self._repo.add_event(alarm_id, kind, actor, path[:16], at or datetime.now(UTC), data)
        except Exception:  # the log must never stop an alarm from being shown or sent
            log.exception("Alarm log entry %s for %s not stored", kind, alarm_id)

    # -- Internals: announcing ----------------------------------------------------------------
    def announce(self) -> None:
        """Tell paths without memory about our open alarms, our answers and recent closes."""
        for path in self._paths:
            if path.repeats:
                self._announce_on(path)

    def _announce_on(self, path: AlarmPath) -> None:
        now = time.monotonic()
        for alarm_id, since in list(self._lingering.items()):
            if now - since > CLOSE_LINGER.total_seconds():
                del self._lingering[alarm_id]
        for alarm in self._alarms.values():
            try:
                if alarm.is_open:
                    if alarm.mine:
                        if path.send_raise(alarm) and path.reachable_stations():
                            self._received(alarm.id)  # a LAN peer has it now
                    own = self._own_response(alarm)
                    if own is not None:
                        path.send_acknowledge(alarm, own)
                elif alarm.id in self._lingering:
                    path.send_close(alarm)
            except Exception:
                log.exception("Announcing alarm %s on %s failed", alarm.id, path.name)

    def _load_own_open_alarms(self) -> None:
        """After a restart our own open alarms are announced again (a colleague's come back
        by their sender's announcements)."""
        for record in self._repo.open_alarms():
            alarm = self._own_alarm(record, self._repo.events(record.id))
            if alarm is not None:
                self._alarms[alarm.id] = alarm

    @staticmethod
    def _own_alarm(record: AlarmRecord, events: list[AlarmEventRecord]) -> Alarm | None:
        """Our alarm as its local log tells it (None: it was not pressed here)."""
        raised = _pressed_here(events)
        if raised is None:
            return None
        responders = tuple(
            Responder(
                e.actor,
                _uuid_or_none(e.data.get("station_id")),
                str(e.data.get("station_name") or ""),
                e.at,
                e.path,
            )
            for e in events
            if e.kind == "acknowledged"
        )
        closing = next((e for e in reversed(events) if e.kind == record.state.value), None)
        return Alarm(
            id=record.id,
            kind=record.kind,
            type=record.type,
            station=record.station,
            location=record.location,
            raised_at=record.raised_at,
            state=record.state,
            test=record.test,
            station_id=_uuid_or_none(raised.data.get("station_id")),
            raised_by=raised.actor,
            mine=True,
            responders=responders,
            closed_by=closing.actor if closing is not None else "",
            closed_at=closing.at if closing is not None else None,
        )

    # -- Internals: what the server stored ---------------------------------------------------
    def _report_ended(self, path: AlarmPath) -> None:
        """Our alarms that ended while ``path`` (the server) did not hear of it: the close of
        one it stored, or the whole alarm (raised, answered, closed) reported afterwards."""
        since = datetime.now(UTC) - LATE_MAX
        for record, events in self._repo.own_closed_unsettled(since, REPORT_LIMIT):
            alarm = self._own_alarm(record, events)
            if alarm is None:
                continue
            try:
                if any(e.kind == STORED for e in events):
                    path.send_close(alarm)
                else:
                    path.send_late(alarm)
            except Exception:  # one alarm's report must not keep the others from going
                log.exception("Reporting alarm %s to %s failed", alarm.id, path.name)

    def _own_events(self, alarm_id: object) -> list[AlarmEventRecord] | None:
        """The local log of our own alarm (None: not ours, or not known here)."""
        if not isinstance(alarm_id, uuid.UUID):
            return None
        known = self._alarms.get(alarm_id)
        if known is not None and not known.mine:
            return None
        try:
            events = self._repo.events(alarm_id)
        except Exception:
            log.exception("Alarm log of %s not read", alarm_id)
            return None
        return events if _pressed_here(events) is not None else None

    def _on_stored(self, alarm_id: object, what: str, late: bool) -> None:
        """The server stored our raise, our close, or the whole alarm reported afterwards:
        noted once in the local log (``late``: the server heard of it only afterwards), so
        it is not reported again."""
        events = self._own_events(alarm_id)
        if events is None:
            return
        have = {e.kind for e in events}
        data = {"late": True} if late else {}
        for kind in (STORED,) if what == "raised" else (STORED, CLOSE_STORED):
            if kind not in have:
                self._log(events[0].alarm_id, kind, "server", "server", data)

    def _on_refused(self, alarm_id: object, what: str, reason: str) -> None:
        """The server refused our raise or close for good (its reason is kept): not sent
        again. Our open alarm stays open here and on the LAN all the same."""
        events = self._own_events(alarm_id)
        if events is None or any(e.kind == REFUSED and e.data.get("what") == what for e in events):
            return
        log.warning("Server refused %s of our alarm %s: %s", what, alarm_id, reason)
        refusal = {"what": what, "reason": reason[:500]}
        self._log(events[0].alarm_id, REFUSED, "server", "server", refusal)

    # -- Internals: receiving -----------------------------------------------------------------
    def _on_inbound(self, inbound: InboundEvent) -> None:
        try:
            if inbound.kind == InboundKind.RAISED and inbound.alarm is not None:
                self._on_raised(inbound, inbound.alarm)
            elif inbound.kind == InboundKind.ACKNOWLEDGED:
                self._on_acknowledged(inbound)
            elif inbound.kind in _CLOSING:
                self._on_closed(inbound)
            elif inbound.kind == InboundKind.DELIVERED:
                alarm = self._alarms.get(inbound.alarm_id)
                if alarm is not None:
                    self._received(alarm.id)
                    # Who it reached and how fast: what a weekly test alarm is read for.
                    after_ms = round((inbound.at - alarm.raised_at).total_seconds() * 1000)
                    self._log(
                        alarm,
                        "delivered",
                        inbound.station_name,
                        inbound.path,
                        {
                            "station_id": str(inbound.station_id) if inbound.station_id else None,
                            "station_name": inbound.station_name,
                            "after_ms": after_ms,
                            "test": alarm.test,
                        },
                        at=inbound.at,
                    )
            elif inbound.kind == InboundKind.ESCALATED:
                self._on_escalated(inbound)
        except Exception:  # a bad message must not take the alarm service down
            log.exception("Could not handle %s for alarm %s", inbound.kind, inbound.alarm_id)

    def _on_raised(self, inbound: InboundEvent, incoming: Alarm) -> None:
        me = self.identity.station_id
        if incoming.station_id == me:
            return  # our own alarm, echoed by the server
        known = self._alarms.get(incoming.id)
        if known is None and incoming.id in self._closed_ids:
            return  # a late copy of an alarm that is already over
        heard = self._heard.setdefault(incoming.id, set())
        if known is not None:
            if inbound.path not in heard:
                heard.add(inbound.path)
                self._log(known, "received", known.station, inbound.path, {})
            if known.is_open and (known.type, known.kind) != (incoming.type, incoming.kind):
                changed = dataclasses.replace(known, type=incoming.type, kind=incoming.kind)
                self._repo.set_type(changed.id, changed.type)
                self._log(changed, "type_changed", known.station, inbound.path, {})
                self._alarms[changed.id] = changed
                self.updated.emit(changed)
            for responder in incoming.responders:
                self._merge_responder(incoming.id, responder)
            self._answer_again(inbound, incoming)
            return
        stored = self._repo.get(incoming.id)
        if stored is not None and not stored.state.is_open:
            self._remember_closed(incoming.id)
            return
        heard.add(inbound.path)
        now = datetime.now(UTC)
        alarm = dataclasses.replace(
            incoming,
            mine=False,
            responders=(),
            state=AlarmState.RAISED,
            received_at=now,
            path=inbound.path,
        )
        self._record(alarm)
        self._alarms[alarm.id] = alarm
        latency_ms = round((now - alarm.raised_at).total_seconds() * 1000)
        self._log(
            alarm,
            "received",
            alarm.station,
            inbound.path,
            {
                "station_id": str(alarm.station_id) if alarm.station_id else None,
                "by_station": self.identity.name,
                "after_ms": latency_ms,
                "test": alarm.test,
            },
            at=now,
        )
        log.warning(
            "Alarm %s from %s received by %s after %d ms%s",
            alarm.id,
            alarm.station,
            inbound.path,
            latency_ms,
            " (test)" if alarm.test else "",
        )
        self.raised.emit(alarm)
        for responder in incoming.responders:
            self._merge_responder(alarm.id, responder)
        for early in self._early.pop(alarm.id, []):
            self._on_inbound(early)

    def _answer_again(self, inbound: InboundEvent, incoming: Alarm) -> None:
        """A path with memory (the server) tells an alarm without our "Ik kom eraan" that we
        gave (over the LAN while the server was away, or before it knew the alarm): send it
        there again, so the server's log and escalation know we are coming."""
        known = self._alarms.get(incoming.id)
        if known is None or not known.is_open:
            return
        own = self._own_response(known)
        if own is None or any(r.key == own.key for r in incoming.responders):
            return
        path = next((p for p in self._paths if p.name == inbound.path), None)
        if path is None or path.repeats:
            return
        try:
            path.send_acknowledge(known, own)
        except Exception:
            log.exception("Acknowledgement of %s not sent again on %s", known.id, path.name)

    def _on_escalated(self, inbound: InboundEvent) -> None:
        """The server alerted the next level (security, team leads, an alarm centre)."""
        if inbound.alarm is not None and inbound.alarm_id not in self._alarms:
            # A responder alerted only by the escalation (security) has not seen the alarm.
            self._on_raised(inbound, inbound.alarm)
        alarm = self._alarms.get(inbound.alarm_id)
        if alarm is None or not alarm.is_open:
            return
        step = inbound.escalation
        if step is None or step.level <= alarm.escalation_level:
            return  # no step, or the same step heard again (another stream, a reconnect)
        level = step.level
        targets = step.targets + (("webhook",) if step.webhook else ())
        alarm = dataclasses.replace(alarm, escalation_level=level, escalated_to=targets)
        self._alarms[alarm.id] = alarm
        self._log(
            alarm,
            "escalated",
            "server",
            inbound.path,
            {"level": level, "targets": list(targets)},
            at=inbound.at,
        )
        log.warning("Alarm %s escalated to level %d: %s", alarm.id, level, ", ".join(targets))
        self.escalated.emit(alarm)
        self.updated.emit(alarm)

    def _merge_responder(self, alarm_id: uuid.UUID, responder: Responder) -> None:
        alarm = self._alarms.get(alarm_id)
        if alarm is None or not alarm.is_open:
            return
        if any(r.key == responder.key for r in alarm.responders):
            return
        self._add_responder(alarm, responder)

    def _on_acknowledged(self, inbound: InboundEvent) -> None:
        if inbound.station_id == self.identity.station_id:
            return
        alarm = self._alarms.get(inbound.alarm_id)
        if alarm is None:
            if inbound.alarm_id not in self._closed_ids:
                early = self._early.setdefault(inbound.alarm_id, [])
                if len(early) < _EARLY_LIMIT:
                    early.append(inbound)
            return
        responder = Responder(
            inbound.actor or inbound.station_name,
            inbound.station_id,
            inbound.station_name,
            inbound.at,
            inbound.path,
        )
        self._merge_responder(alarm.id, responder)

    def _on_closed(self, inbound: InboundEvent) -> None:
        alarm = self._alarms.get(inbound.alarm_id)
        if alarm is None:
            self._remember_closed(inbound.alarm_id)
            self._early.pop(inbound.alarm_id, None)
            stored = self._repo.get(inbound.alarm_id)
            if stored is not None and stored.state.is_open:
                self._repo.set_state(inbound.alarm_id, _CLOSING[inbound.kind])
            return
        if not alarm.is_open:
            return
        state = _CLOSING[inbound.kind]
        if not rules.can_transition(alarm.state, state):
            # A cancellation after an acknowledgement: the sender's word still ends it.
            state = AlarmState.RESOLVED if state == AlarmState.CANCELLED else state
            if not rules.can_transition(alarm.state, state):
                return
        alarm = dataclasses.replace(
            alarm,
            state=state,
            closed_by=inbound.actor or inbound.station_name,
            closed_at=inbound.at,
        )
        self._repo.set_state(alarm.id, state)
        self._log(
            alarm,
            state.value,
            alarm.closed_by,
            inbound.path,
            {
                "station_id": str(inbound.station_id) if inbound.station_id else None,
                "station_name": inbound.station_name,
            },
            at=inbound.at,
        )
        self._alarms[alarm.id] = alarm
        self._remember_closed(alarm.id)
        if alarm.mine:
            # We own it: keep repeating the close so every station lets go of it.
            self._lingering[alarm.id] = time.monotonic()
        self._closed(alarm)


def _pressed_here(events: list[AlarmEventRecord]) -> AlarmEventRecord | None:
    """The "raised" line of an alarm pressed at this workstation (None: a colleague's)."""
    return next((e for e in events if e.kind == "raised" and e.path == "local"), None)


def _uuid_or_none(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None
