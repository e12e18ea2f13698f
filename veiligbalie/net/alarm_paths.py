"""The two ways an alarm travels, as transport adapters: the signed LAN beacon (no server
needed) and the server (REST to raise and answer, the stream to hear). Both turn what they
hear into an :class:`InboundEvent` (its :class:`InboundKind` says what happened) for the
AlarmService, which de-duplicates; the wire schemas stay on this side of the seam.
"""

from __future__ import annotations

import base64
import binascii
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QObject, Signal

from veiligbalie import __version__, secrets, settings
from veiligbalie.core.alarm_types import Alarm, Responder, StationIdentity
from veiligbalie.core.limits import LOCATION_MAX, NAME_MAX, SITE_ID_MAX
from veiligbalie.core.text import fill
from veiligbalie.core.vocabulary import AlarmState
from veiligbalie.net.api import ApiError, ServerApi
from veiligbalie.net.lan import LanBeacon, PeerInfo
from veiligbalie.net.stream import Stream
from veiligbalie.protocol import alarm_server as ps
from veiligbalie.protocol import alarms as wire
from veiligbalie.protocol.lan import (
    KEY_SIZE,
    AlarmAcknowledgedBody,
    AlarmCancelledBody,
    AlarmRaisedBody,
    AlarmResolvedBody,
    LanMessage,
    MessageType,
)
from veiligbalie.protocol.site_alarm import (
    SITE_LAN_EVENT,
    HeartbeatAnswer,
    SiteLanEvent,
    SiteLanOut,
)

log = logging.getLogger(__name__)

#: The keyring entry of the site's LAN key (base64 of 32 bytes), written by enrolment or
#: by the administrator in the alarm settings.
SITE_KEY_SECRET = "site-lan-key"

_CLOSE_TYPES = {
    AlarmState.RESOLVED: MessageType.ALARM_RESOLVED,
    AlarmState.CANCELLED: MessageType.ALARM_CANCELLED,
}


def load_site_key() -> bytes | None:
    """The site key from the keyring, or None when absent or unusable (logged, never shown)."""
    text = secrets.get_secret(SITE_KEY_SECRET)
    if not text:
        return None
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        log.error("The stored LAN site key is not base64; set it again in the alarm settings")
        return None
    if len(key) != KEY_SIZE:
        log.error("The stored LAN site key has the wrong length; set it again")
        return None
    return key


def lan_port() -> int:
    """The beacon's UDP port: the server's for the site when it set one, else our own."""
    return settings.ALARM_LAN_SITE_PORT.get() or settings.ALARM_LAN_PORT.get()


def lan_group() -> str:
    """The beacon's multicast group: the server's when set, else our own ("" broadcast)."""
    return settings.ALARM_LAN_SITE_GROUP.get() or settings.ALARM_LAN_GROUP.get()


def lan_set_by_server() -> tuple[bool, bool]:
    """(port set by the server, group set by the server) for this station's site."""
    return bool(settings.ALARM_LAN_SITE_PORT.get()), bool(settings.ALARM_LAN_SITE_GROUP.get())


def store_site_key(key: bytes) -> None:
    if len(key) != KEY_SIZE:
        raise ValueError(f"the site key must be {KEY_SIZE} bytes")
    secrets.set_secret(SITE_KEY_SECRET, base64.b64encode(key).decode("ascii"))


#: The server's answers that refuse a change of an alarm for what it is (the body does not
#: fit, the alarm's rules or another site's id; for a close, no such alarm). A 404 for a
#: report is a server without the route (older than this client): asked again after its
#: update, not given up.
_REFUSED_FOR_GOOD = {
    "raised": frozenset((400, 409)),
    "closed": frozenset((400, 404, 409)),
    "reported": frozenset((400, 409)),
}


def _cut(text: str, limit: int) -> str:
    return text[:limit]


def _ms_to_datetime(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


class InboundKind(StrEnum):
    """What another station (or the server) told us about an alarm."""

    RAISED = "raised"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    CANCELLED = "cancelled"
    DELIVERED = "delivered"  # the server: the alarm reached a station
    ESCALATED = "escalated"  # the server alerted the next level


@dataclass(frozen=True)
class Escalation:
    """One step of the server's escalation ladder."""

    level: int
    targets: tuple[str, ...]  # role names, "colleagues"
    webhook: bool  # an alarm centre was called


@dataclass(frozen=True)
class InboundEvent:
    """What a path heard from another station (or the server)."""

    kind: InboundKind
    alarm_id: uuid.UUID
    path: str
    alarm: Alarm | None = None  # for RAISED and ESCALATED
    actor: str = ""  # responder, or who closed it
    station_id: uuid.UUID | None = None  # the station that sent it
    station_name: str = ""
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    escalation: Escalation | None = None  # for ESCALATED


class AlarmPath(QObject):
    """A way to reach responders. Subclasses: LanAlarmPath, ServerAlarmPath."""

    changed = Signal()  # connectivity or the reachable stations changed
    # Qt carries a Python class as PyObject: the type names what is sent, not a check.
    received = Signal(InboundEvent)
    newcomer = Signal()  # a station became reachable: tell it about open alarms now
    #: A path with memory (the server) stored our change of an alarm: (alarm id, what, late),
    #: what being "raised", "closed" or "reported" (raised and closed, reported afterwards),
    #: late that the server places the alarm before it heard of it (AlarmBody.late).
    stored = Signal(object, str, bool)
    #: It refused the change for good (not a lost connection): (alarm id, what, its reason).
    refused = Signal(object, str, str)

    name = "path"
    # True for a path that keeps no state (the LAN): open alarms are announced repeatedly.
    repeats = False

    def is_connected(self) -> bool:
        """True when at least one other station (or the server) can be reached."""
        return False

    def reachable_stations(self) -> set[uuid.UUID]:
        return set()

    def send_raise(self, alarm: Alarm) -> bool:
        return False

    def send_acknowledge(self, alarm: Alarm, responder: Responder) -> bool:
        return False

    def send_close(self, alarm: Alarm) -> bool:
        return False

    def send_late(self, alarm: Alarm) -> bool:
        """Report our alarm that was closed before this path could be told (a path with
        memory only: the others have no use for an alarm that is over)."""
        return False

    def _answered(
        self,
        kind: InboundKind,
        alarm_id: uuid.UUID,
        actor: str,
        station_id: uuid.UUID | None,
        station_name: str,
        at: datetime,
    ) -> None:
        """Another station acknowledged, resolved or cancelled an alarm."""
        self.received.emit(
            InboundEvent(
                kind,
                alarm_id,
                self.name,
                actor=actor,
                station_id=station_id,
                station_name=station_name,
                at=at,
            )
        )


class LanAlarmPath(AlarmPath):
    """Alarms over the signed LAN beacon. Sends nothing until key and interface are set."""

    name = "lan"
    repeats = True

    def __init__(
        self,
        beacon: LanBeacon | None = None,
        parent: QObject | None = None,
        *,
        name: str = "lan",
    ) -> None:
        super().__init__(parent)
        self.name = name
        self.beacon = beacon if beacon is not None else LanBeacon(self)
        self._problem = ""
        self._station_name = ""
        self._identity: StationIdentity | None = None
        self.beacon.message_received.connect(self._on_message)
        self.beacon.peers_changed.connect(lambda _n: self.changed.emit())
        self.beacon.peer_joined.connect(lambda _p: self.newcomer.emit())

    # -- Configuration -----------------------------------------------------------------------
    def configure(
        self,
        key: bytes,
        identity: StationIdentity,
        interface: str,
        port: int,
        group: str | None,
    ) -> bool:
        """Start the beacon; False (with :attr:`status`) when the interface cannot be used.
        Raises ValueError for a bad key, site, port or group."""
        self._station_name = identity.name
        ok = self.beacon.configure(
            key,
            identity.site_id,
            identity.station_id,
            interface,
            port,
            group or None,
            station_name=_cut(identity.name, NAME_MAX),
            location=_cut(identity.location, LOCATION_MAX),
        )
        self._problem = "" if ok else self.beacon.last_error
        self.changed.emit()
        return ok

    def configure_from_settings(self, identity: StationIdentity) -> bool:
        """Key from the keyring, interface from the settings; port and group the server's
        for the site where it set them (:func:`lan_port`, :func:`lan_group`), else ours.
        Off when the server switched the LAN path off for the site."""
        self._identity = identity
        key = load_site_key()
        interface = settings.ALARM_LAN_INTERFACE.get()
        if key is None or not interface or not settings.ALARM_LAN_SITE_ENABLED.get():
            self.beacon.close()
            self._problem = ""
            self.changed.emit()
            return False
        try:
            return self.configure(key, identity, interface, lan_port(), lan_group())
        except ValueError as error:
            self.beacon.close()
            self._problem = str(error)
            log.error("LAN alarm path not started: %s", error)
            self.changed.emit()
            return False

    def apply_site_lan(self, lan: SiteLanOut) -> bool:
        """The server told the site's LAN set-up (heartbeat or ``site.lan``): keep it, and
        restart the beacon at once when what it runs with changes. True when it changed."""
        wanted = (lan.port or 0, lan.group or "", lan.enabled)
        current = (
            settings.ALARM_LAN_SITE_PORT.get(),
            settings.ALARM_LAN_SITE_GROUP.get(),
            settings.ALARM_LAN_SITE_ENABLED.get(),
        )
        if wanted == current:
            return False
        settings.ALARM_LAN_SITE_PORT.set(wanted[0])
        settings.ALARM_LAN_SITE_GROUP.set(wanted[1])
        settings.ALARM_LAN_SITE_ENABLED.set(wanted[2])
        settings.sync()
        log.info(
            "LAN set-up of the site from the server: %s, port %s, group %s",
            "on" if lan.enabled else "off",
            lan.port or "own",
            lan.group or "own",
        )
        if self._identity is not None:
            self.configure_from_settings(self._identity)
        else:
            self.changed.emit()
        return True

    def close(self) -> None:
        self.beacon.close()
        self.changed.emit()

    def is_active(self) -> bool:
        return self.beacon.is_active()

    @property
    def status(self) -> str:
        """One line for the settings: configured or not, and why."""
        if self.beacon.is_active():
            return self.tr("Active: %n colleague workstation(s) reachable", "", len(self.peers()))
        if self._problem:
            return fill(self.tr("Not active: %1"), self._problem)
        if not settings.ALARM_LAN_SITE_ENABLED.get():
            return self.tr("Off: switched off for this site by the administrator")
        if load_site_key() is None:
            return self.tr("Not set up: no site key on this workstation")
        if not settings.ALARM_LAN_INTERFACE.get():
            return self.tr("Not set up: choose the network")
        return self.tr("Not active")

    def peers(self) -> list[PeerInfo]:
        return self.beacon.peers()

    # -- AlarmPath ---------------------------------------------------------------------------
    def is_connected(self) -> bool:
        return self.beacon.is_connected()

    def reachable_stations(self) -> set[uuid.UUID]:
        return {peer.station_id for peer in self.beacon.peers()}

    def send_raise(self, alarm: Alarm) -> bool:
        body = AlarmRaisedBody(
            kind=alarm.kind,
            type=alarm.type,
            location=_cut(alarm.location, LOCATION_MAX),
            station_name=_cut(alarm.station, NAME_MAX),
            raised_by=_cut(alarm.raised_by, NAME_MAX),
            raised_at_ms=int(alarm.raised_at.timestamp() * 1000),
            test=alarm.test,
        )
        return self.beacon.send(MessageType.ALARM_RAISED, alarm.id, body)

    def send_acknowledge(self, alarm: Alarm, responder: Responder) -> bool:
        body = AlarmAcknowledgedBody(
            responder_name=_cut(responder.name, NAME_MAX),
            station_name=_cut(responder.station_name, NAME_MAX),
            test=alarm.test,
        )
        return self.beacon.send(MessageType.ALARM_ACKNOWLEDGED, alarm.id, body)

    def send_close(self, alarm: Alarm) -> bool:
        message_type = _CLOSE_TYPES.get(AlarmState(alarm.state))
        if message_type is None:
            return False
        body_model = (
            AlarmResolvedBody if message_type == MessageType.ALARM_RESOLVED else AlarmCancelledBody
        )
        body = body_model(
            by_name=_cut(alarm.closed_by, NAME_MAX),
            station_name=_cut(self._station_name, NAME_MAX),
            test=alarm.test,
        )
        return self.beacon.send(message_type, alarm.id, body)

    def _on_message(self, message: LanMessage) -> None:
        body = message.body
        at = _ms_to_datetime(message.timestamp_ms)
        if isinstance(body, AlarmRaisedBody):
            alarm = Alarm(
                id=message.alarm_id,
                kind=body.kind,
                type=body.alarm_type,
                station=body.station_name,
                location=body.location or body.station_name,
                raised_at=_ms_to_datetime(body.raised_at_ms) if body.raised_at_ms else at,
                test=body.test,
                station_id=message.sender_id,
                raised_by=body.raised_by,
            )
            self.received.emit(
                InboundEvent(InboundKind.RAISED, alarm.id, self.name, alarm=alarm, at=at)
            )
        elif isinstance(body, AlarmAcknowledgedBody):
            self._answered(
                InboundKind.ACKNOWLEDGED,
                message.alarm_id,
                body.responder_name,
                message.sender_id,
                body.station_name,
                at,
            )
        elif isinstance(body, AlarmResolvedBody | AlarmCancelledBody):
            resolved = isinstance(body, AlarmResolvedBody)
            self._answered(
                InboundKind.RESOLVED if resolved else InboundKind.CANCELLED,
                message.alarm_id,
                body.by_name,
                message.sender_id,
                body.station_name,
                at,
            )


def alarm_from_body(body: wire.AlarmBody) -> Alarm:
    """The service's Alarm for a server AlarmBody (responders included)."""
    return Alarm(
        id=body.id,
        kind=body.kind,
        type=body.type,
        station=body.station_name,
        location=body.location or body.station_name,
        raised_at=body.raised_at,
        state=body.state,
        test=body.test,
        station_id=body.station_id,
        raised_by=body.raised_by,
        responders=tuple(
            Responder(ack.responder, ack.station_id, ack.station_name, ack.at, "server")
            for ack in body.responders
        ),
    )


_EVENT_MODELS: dict[str, type[Any]] = {
    **wire.ALARM_EVENT_MODELS,
    "alarm.escalated": ps.AlarmEscalatedEvent,
}

#: Where a workstation tells the server the id it uses on the alarm paths.
HEARTBEAT_PATH = "/stations/heartbeat"


class ServerAlarmPath(AlarmPath):
    """Alarms through the central server: REST to send, the stream to hear.

    The server keeps state, so nothing is repeated on a timer; when the stream comes back
    the AlarmService hands this path our open alarms again (the routes are idempotent).
    It speaks with the workstation's token (the server counts stations, not users, as
    reachable), and on every connect tells the server its station id by a heartbeat.
    """

    name = "server"
    repeats = False
    #: The server told the site's LAN beacon set-up (SiteLanOut): by the heartbeat's answer
    #: on every connect, and by ``site.lan`` when the administrator changes it.
    site_lan = Signal(SiteLanOut)
    #: Where the server says this station stands (the administrator may move it).
    location_heard = Signal(str)

    def __init__(
        self,
        stream: Stream,
        api: ServerApi,
        parent: QObject | None = None,
        *,
        identity: StationIdentity | Callable[[], StationIdentity],
    ) -> None:
        super().__init__(parent)
        self.stream = stream
        self.api = api
        self._identity = identity
        self._stations: set[uuid.UUID] = set()
        self._extra: list[Stream] = []
        stream.received.connect(self._on_event)
        # The heartbeat first: the server then lists us under our own id at once.
        stream.connected.connect(self.send_heartbeat)
        stream.connected.connect(self.changed.emit)
        stream.disconnected.connect(self._on_disconnected)

    # -- Configuration -----------------------------------------------------------------------
    def configure(self, base_url: str, token: str | None, ca_file: str | None = None) -> None:
        """Point REST and stream at a server with the workstation token and connect; an
        empty address or no token disconnects. Raises ValueError for an unusable address or
        CA file (nothing changes then)."""
        if base_url and token:
            self.api.configure(base_url, ca_file or None)
            self.stream.configure(base_url, token, ca_file or None)
            self.api.set_token(token)
            if not self.stream.running:
                self.stream.start()
        else:
            self.stream.stop()
            self.api.set_token(None)
        self.changed.emit()

    def also_hear(self, stream: Stream) -> None:
        """Escalations from another stream of this client (the signed-in user's): the server
        sends a level meant for security or team leads to users with that role only."""
        if stream is not self.stream and stream not in self._extra:
            self._extra.append(stream)
            stream.received.connect(self._on_extra_event)

    def send_heartbeat(self) -> bool:
        """Tell the server this station's id on the alarm paths (POST /stations/heartbeat)."""
        if not self.api.base_url or not self.api.has_token:
            return False
        me = self._me()
        body = ps.HeartbeatRequest(
            station_id=me.station_id,
            station_name=_cut(me.name, NAME_MAX),
            location=_cut(me.location, LOCATION_MAX),
            client_version=__version__[: ps.CLIENT_VERSION_MAX],
        )

        def done(result: HeartbeatAnswer | None, error: ApiError | None) -> None:
            if error is not None:
                log.warning("Server did not take the station heartbeat: %s", error)
                return
            if result is None:
                return
            if result.lan is not None:
                self.site_lan.emit(result.lan)
            if result.location:
                self.location_heard.emit(result.location)

        self.api.call("POST", HEARTBEAT_PATH, body, HeartbeatAnswer, done)
        return True

    def _me(self) -> StationIdentity:
        source = self._identity
        return source() if callable(source) else source

    # -- AlarmPath ---------------------------------------------------------------------------
    def is_connected(self) -> bool:
        return self.stream.is_connected and bool(self.api.base_url)

    def reachable_stations(self) -> set[uuid.UUID]:
        return set(self._stations)

    # Every request says when it left (sent_at): the server then places a change made
    # while it was away at the moment it happened instead of refusing an old time.
    def _raise_request(self, alarm: Alarm, sent_at: datetime) -> wire.RaiseAlarmRequest:
        me = self._me()
        return wire.RaiseAlarmRequest(
            id=alarm.id,
            kind=alarm.kind,
            type=alarm.type,
            station_id=alarm.station_id or me.station_id,
            station_name=_cut(alarm.station, NAME_MAX),
            location=_cut(alarm.location, LOCATION_MAX),
            site_id=_cut(me.site_id, SITE_ID_MAX),
            raised_by=_cut(alarm.raised_by, NAME_MAX),
            raised_at=alarm.raised_at,
            test=alarm.test,
            sent_at=sent_at,
        )

    def _ack_body(self, alarm: Alarm, responder: Responder, sent_at: datetime) -> wire.AckBody:
        return wire.AckBody(
            alarm_id=alarm.id,
            responder=_cut(responder.name, NAME_MAX),
            station_id=responder.station_id,
            station_name=_cut(responder.station_name, NAME_MAX),
            at=responder.at,
            sent_at=sent_at,
        )

    def _close_body(self, alarm: Alarm, sent_at: datetime) -> wire.CloseBody:
        me = self._me()
        return wire.CloseBody(
            alarm_id=alarm.id,
            by=_cut(alarm.closed_by, NAME_MAX),
            station_id=me.station_id,
            station_name=_cut(me.name, NAME_MAX),
            at=alarm.closed_at or sent_at,
            sent_at=sent_at,
        )

    def send_raise(self, alarm: Alarm) -> bool:
        body = self._raise_request(alarm, wire.sent_now())
        return self._post(wire.ALARMS_PATH, body, alarm.id, "raised")

    def send_acknowledge(self, alarm: Alarm, responder: Responder) -> bool:
        body = self._ack_body(alarm, responder, wire.sent_now())
        return self._post(wire.acknowledge_path(alarm.id), body, alarm.id)

    def send_close(self, alarm: Alarm) -> bool:
        state = AlarmState(alarm.state)
        if state not in _CLOSE_TYPES:
            return False
        body = self._close_body(alarm, wire.sent_now())
        route = wire.resolve_path if state == AlarmState.RESOLVED else wire.cancel_path
        return self._post(route(alarm.id), body, alarm.id, "closed")

    def send_late(self, alarm: Alarm) -> bool:
        state = AlarmState(alarm.state)
        if state not in _CLOSE_TYPES:
            return False
        sent_at = wire.sent_now()
        body = wire.LateAlarmReport(
            alarm=self._raise_request(alarm, sent_at),
            state=state,  # type: ignore[arg-type]  # resolved or cancelled: checked above
            closed=self._close_body(alarm, sent_at),
            responders=[self._ack_body(alarm, r, sent_at) for r in alarm.responders[:500]],
            sent_at=sent_at,
        )
        return self._post(wire.late_path(alarm.id), body, alarm.id, "reported")

    def _post(self, route: str, body: Any, alarm_id: uuid.UUID, what: str = "") -> bool:
        if not self.is_connected():
            return False

        def done(result: object, error: ApiError | None) -> None:
            if error is None:
                if what:
                    self.stored.emit(alarm_id, what, bool(getattr(result, "late", False)))
                return
            log.warning("Server did not take %s for alarm %s: %s", route, alarm_id, error)
            if what and error.kind == "rejected" and error.status in _REFUSED_FOR_GOOD[what]:
                # Refused for what it is: sending it again would be refused again. Anything
                # else (a lost connection; a 422 over the station's clock, which may be set
                # right) is sent again on the next connect.
                self.refused.emit(alarm_id, what, error.message or str(error))

        self.api.call("POST", route, body, wire.AlarmBody, done)
        return True

    # -- Stream ------------------------------------------------------------------------------
    def _on_disconnected(self) -> None:
        self._stations.clear()
        self.changed.emit()

    def _on_extra_event(self, event: dict[str, Any]) -> None:
        if event.get("type") == "alarm.escalated":
            self._on_event(event)

    def _on_event(self, event: dict[str, Any]) -> None:
        kind = event.get("type")
        if kind == SITE_LAN_EVENT:
            try:
                self.site_lan.emit(SiteLanEvent.model_validate(event).lan)
            except ValidationError as error:
                log.warning("Ignored a malformed site.lan event (%d errors)", error.error_count())
            return
        model = _EVENT_MODELS.get(kind) if isinstance(kind, str) else None
        if model is None:
            return
        try:
            parsed = model.model_validate(event)
        except ValidationError as error:
            log.warning("Ignored a malformed %s event (%d errors)", kind, error.error_count())
            return
        if isinstance(parsed, wire.StationsOnlineEvent):
            me = self._me().station_id
            self._stations = {s.station_id for s in parsed.stations if s.station_id != me}
            self.changed.emit()
            own = next((s for s in parsed.stations if s.station_id == me), None)
            if own is not None and own.location:
                self.location_heard.emit(own.location)
        elif isinstance(parsed, wire.AlarmDeliveredEvent):
            self.received.emit(
                InboundEvent(
                    InboundKind.DELIVERED,
                    parsed.alarm_id,
                    self.name,
                    station_id=parsed.station_id,
                    station_name=parsed.station_name,
                    at=parsed.at,
                )
            )
        elif isinstance(parsed, wire.AlarmRaisedEvent):
            self._emit_alarm(parsed.alarm)
        elif isinstance(parsed, ps.AlarmEscalatedEvent):
            if not parsed.alarm.state.is_open:
                return
            self.received.emit(
                InboundEvent(
                    InboundKind.ESCALATED,
                    parsed.alarm.id,
                    self.name,
                    alarm=alarm_from_body(parsed.alarm),
                    at=parsed.at,
                    escalation=Escalation(
                        parsed.level, tuple(str(t) for t in parsed.targets), parsed.webhook
                    ),
                )
            )
        elif isinstance(parsed, wire.AlarmAcknowledgedEvent):
            # The body carries the alarm too: a station that missed the raise learns it here.
            self._emit_alarm(parsed.alarm)
            ack = parsed.ack
            self._answered(
                InboundKind.ACKNOWLEDGED,
                parsed.alarm.id,
                ack.responder,
                ack.station_id,
                ack.station_name,
                ack.at,
            )
        elif isinstance(parsed, wire.AlarmResolvedEvent | wire.AlarmCancelledEvent):
            by = parsed.by
            resolved = isinstance(parsed, wire.AlarmResolvedEvent)
            self._answered(
                InboundKind.RESOLVED if resolved else InboundKind.CANCELLED,
                parsed.alarm.id,
                by.by,
                by.station_id,
                by.station_name,
                by.at,
            )

    def _emit_alarm(self, body: wire.AlarmBody) -> None:
        if not body.state.is_open:
            return
        alarm = alarm_from_body(body)
        self.received.emit(InboundEvent(InboundKind.RAISED, alarm.id, self.name, alarm=alarm))
