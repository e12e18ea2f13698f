"""The LAN alarm beacon: signed UDP (multicast group or subnet broadcast) between the
stations of one site, so alarms reach colleagues even when the server is down.

Event driven on the GUI thread (QUdpSocket + QTimer). The beacon sends nothing at all
until it has both a site key and an interface (:meth:`LanBeacon.configure`).
"""

from __future__ import annotations

import dataclasses
import logging
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import (
    QAbstractSocket,
    QHostAddress,
    QNetworkInterface,
    QUdpSocket,
)

from veiligbalie.core.limits import LOCATION_MAX, NAME_MAX
from veiligbalie.protocol import lan
from veiligbalie.protocol.lan import (
    FRESHNESS_MS,
    ExpiringSet,
    HeartbeatBody,
    LanBody,
    LanMessage,
    MessageType,
    PacketRejected,
    PacketTooLarge,
    RejectReason,
    ReplayGuard,
)

log = logging.getLogger(__name__)


DEFAULT_PORT = 47470
DEFAULT_GROUP = "239.255.47.47"  # organisation-local scope (RFC 2365): never routed off site
HEARTBEAT_INTERVAL_MS = 5_000
PEER_TIMEOUT_MS = 15_000  # three missed heartbeats
REPEAT_DELAY_MS = 30  # a second copy of every alarm message, against a lost datagram
ALARM_COPIES = 2
_SWEEP_INTERVAL_MS = 1_000
# A flood of bad packets must not flood the log: at most this many warnings per window.
_LOG_BUDGET = 20
_LOG_WINDOW_S = 10.0

_ALARM_TYPES = frozenset(
    {
        MessageType.ALARM_RAISED,
        MessageType.ALARM_ACKNOWLEDGED,
        MessageType.ALARM_RESOLVED,
        MessageType.ALARM_CANCELLED,
    }
)


@dataclass(frozen=True)
class PeerInfo:
    """A station of our site heard from recently."""

    station_id: uuid.UUID
    name: str
    location: str
    last_seen_ms: int  # wall clock, for display
    address: str


def find_interface(name_or_address: str) -> QNetworkInterface | None:
    """The network interface with this name (``eth0``, ``lo``) or IPv4 address."""
    if not name_or_address:
        return None
    interface = QNetworkInterface.interfaceFromName(name_or_address)
    if interface.isValid():
        return interface
    address = QHostAddress(name_or_address)
    if address.protocol() != QAbstractSocket.NetworkLayerProtocol.IPv4Protocol:
        return None
    for candidate in QNetworkInterface.allInterfaces():
        if any(entry.ip() == address for entry in candidate.addressEntries()):
            return candidate
    return None


def _fill(template: str, *values: str) -> str:
    """Qt-style %1, %2 placeholders (translations may reorder them)."""
    for index, value in reversed(list(enumerate(values, start=1))):
        template = template.replace(f"%{index}", value)
    return template


def _ipv4_entries(interface: QNetworkInterface) -> list[Any]:
    return [
        entry
        for entry in interface.addressEntries()
        if entry.ip().protocol() == QAbstractSocket.NetworkLayerProtocol.IPv4Protocol
    ]


class LanBeacon(QObject):
    """Sends and receives signed alarm messages on the LAN; keeps a table of live peers.

    ``message_received`` carries alarm messages (never heartbeats) of other stations,
    once per (alarm id, type, sender, nonce). Forged, replayed, stale, oversized or
    malformed packets are dropped, counted in :attr:`stats` and logged (reason and
    sender address only), and reported through ``rejected``.
    """

    # Qt carries the Python classes as PyObject: the declared class documents what is sent.
    message_received = Signal(LanMessage)
    rejected = Signal(str)  # RejectReason value
    peers_changed = Signal(int)  # number of reachable peers
    peer_joined = Signal(PeerInfo)  # a station we had not heard (or had lost)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        heartbeat_interval_ms: int = HEARTBEAT_INTERVAL_MS,
        peer_timeout_ms: int = PEER_TIMEOUT_MS,
        repeat_delay_ms: int = REPEAT_DELAY_MS,
        clock: Callable[[], int] = lan.wall_clock_ms,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._peer_timeout_s = peer_timeout_ms / 1000
        self._repeat_delay_ms = repeat_delay_ms
        self._socket: QUdpSocket | None = None
        self._key: bytes | None = None
        self._mac: lan.SiteMac | None = None  # the key, keyed once for HMAC
        self._site_id = ""
        self._station_id: uuid.UUID | None = None
        self._station_name = ""
        self._location = ""
        self._interface: QNetworkInterface | None = None
        self._target: QHostAddress | None = None
        self._port = 0
        self._group: QHostAddress | None = None
        self._replay = ReplayGuard()
        self._delivered = ExpiringSet()
        self._peers: dict[uuid.UUID, tuple[PeerInfo, float]] = {}
        self._log_times: list[float] = []
        self._suppressed = 0
        self.last_error = ""
        self._stats: dict[str, int] = dict.fromkeys(
            ["received", "emitted", "duplicate", "own", "sent", "send_failed", "heartbeats"], 0
        )
        self._stats.update(dict.fromkeys([reason.value for reason in RejectReason], 0))

        self._heartbeat_timer = QTimer(self)
        self._heartbeat_timer.setInterval(heartbeat_interval_ms)
        self._heartbeat_timer.timeout.connect(self._send_heartbeat)
        self._sweep_timer = QTimer(self)
        self._sweep_timer.setInterval(min(_SWEEP_INTERVAL_MS, peer_timeout_ms))
        self._sweep_timer.timeout.connect(self._expire_peers)
        self._answer_timer = QTimer(self)  # one heartbeat answering any number of newcomers
        self._answer_timer.setSingleShot(True)
        self._answer_timer.timeout.connect(self._send_heartbeat)

    # -- Configuration --------------------------------------------------------------------------
    def configure(
        self,
        key: bytes,
        site_id: str,
        station_id: uuid.UUID,
        interface_address: str,
        port: int = DEFAULT_PORT,
        group: str | None = DEFAULT_GROUP,
        *,
        station_name: str = "",
        location: str = "",
    ) -> bool:
        """Start the beacon. ``group`` is an IPv4 multicast group, or None for subnet
        broadcast. ``interface_address`` is an interface name or one of its IPv4 addresses.

        Invalid arguments raise ValueError. When the interface or socket cannot be used,
        returns False, sets :attr:`last_error` and stays silent. Reconfiguring restarts.
        """
        if not isinstance(key, bytes | bytearray) or len(key) != lan.KEY_SIZE:
            raise ValueError(f"the site key must be {lan.KEY_SIZE} bytes")
        if not site_id or len(site_id.encode("utf-8")) > lan.MAX_SITE_ID_BYTES:
            raise ValueError(f"the site id must be 1 to {lan.MAX_SITE_ID_BYTES} bytes")
        if not isinstance(station_id, uuid.UUID):
            raise ValueError("the station id must be a UUID")
        if not 1 <= port <= 65535:
            raise ValueError("the port must be 1..65535")
        group_address: QHostAddress | None = None
        if group is not None:
            group_address = QHostAddress(group)
            if (
                group_address.protocol() != QAbstractSocket.NetworkLayerProtocol.IPv4Protocol
                or not group_address.isMulticast()
            ):
                raise ValueError(f"{group!r} is not an IPv4 multicast group")
        self.close()

        interface = find_interface(interface_address)
        if interface is None:
            return self._fail(_fill(self.tr("Network interface %1 not found"), interface_address))
        if not interface.flags() & QNetworkInterface.InterfaceFlag.IsUp:
            return self._fail(_fill(self.tr("Network interface %1 is down"), interface.name()))
        entries = _ipv4_entries(interface)
        if not entries:
            return self._fail(
                _fill(self.tr("Network interface %1 has no IPv4 address"), interface.name())
            )
        if group_address is None:
            broadcasts = [entry.broadcast() for entry in entries if not entry.broadcast().isNull()]
            if not broadcasts:
                return self._fail(
                    _fill(self.tr("Network interface %1 cannot broadcast"), interface.name())
                )
            target = broadcasts[0]
        else:
            target = group_address

        socket = QUdpSocket(self)
        bound = socket.bind(
            QHostAddress(QHostAddress.SpecialAddress.AnyIPv4),
            port,
            QAbstractSocket.BindFlag.ShareAddress | QAbstractSocket.BindFlag.ReuseAddressHint,
        )
        if not bound:
            error = socket.errorString()
            socket.deleteLater()
            return self._fail(_fill(self.tr("Cannot open UDP port %1: %2"), str(port), error))
        # TTL 1: alarm packets never leave the local network segment.
        socket.setSocketOption(QAbstractSocket.SocketOption.MulticastTtlOption, 1)
        if group_address is not None:
            socket.setSocketOption(QAbstractSocket.SocketOption.MulticastLoopbackOption, 1)
            socket.setMulticastInterface(interface)
            # Never fall back to the default route's interface: check it really took.
            if socket.multicastInterface().name() != interface.name() or not (
                socket.joinMulticastGroup(group_address, interface)
            ):
                error = socket.errorString()
                socket.close()
                socket.deleteLater()
                return self._fail(
                    _fill(self.tr("Cannot use multicast on %1: %2"), interface.name(), error)
                )
        socket.readyRead.connect(self._read_datagrams)

        self._socket = socket
        self._key = bytes(key)
        self._mac = lan.SiteMac(self._key)
        self._site_id = site_id
        self._station_id = station_id
        self._station_name = station_name
        self._location = location
        self._interface = interface
        self._target = target
        self._port = port
        self._group = group_address
        self.last_error = ""
        log.info(
            "LAN beacon on %s port %d, %s %s",
            interface.name(),
            port,
            "group" if group_address is not None else "broadcast",
            target.toString(),
        )
        self._heartbeat_timer.start()
        self._sweep_timer.start()
        self._send_heartbeat()
        return True

    def close(self) -> None:
        """Stop sending and receiving; forget peers."""
        self._heartbeat_timer.stop()
        self._sweep_timer.stop()
        self._answer_timer.stop()
        if self._socket is not None:
            if self._group is not None and self._interface is not None:
                self._socket.leaveMulticastGroup(self._group, self._interface)
            self._socket.close()
            self._socket.deleteLater()
            self._socket = None
        self._key = None
        self._mac = None
        if self._peers:
            self._peers.clear()
            self.peers_changed.emit(0)

    def is_active(self) -> bool:
        """True once configured: the beacon sends and receives."""
        return self._socket is not None and self._key is not None

    def is_connected(self) -> bool:
        """True when at least one peer station is reachable over the LAN."""
        return self.is_active() and bool(self._peers)

    @property
    def port(self) -> int:
        return self._port

    @property
    def stats(self) -> dict[str, int]:
        return dict(self._stats)

    def peers(self) -> list[PeerInfo]:
        return sorted((info for info, _ in self._peers.values()), key=lambda p: p.name)

    def peer_count(self) -> int:
        return len(self._peers)

    # -- Sending ------------------------------------------------------------------------------
    def send(
        self,
        message_type: MessageType | str,
        alarm_id: uuid.UUID | None,
        body: LanBody | dict[str, Any] | None = None,
    ) -> bool:
        """Sign and send a message now (alarm messages a second time REPEAT_DELAY_MS later).

        Returns False when not configured or the first datagram could not be sent. Text too
        long for the packet is shortened, never refused; other invalid body values raise
        ValueError (pydantic's ValidationError).
        """
        if not self.is_active():
            log.info("LAN beacon not configured; %s not sent", message_type)
            return False
        assert self._station_id is not None
        message = lan.new_message(
            self._site_id,
            self._station_id,
            MessageType(message_type),
            alarm_id,
            body,
            timestamp_ms=self._clock(),
            trim=True,
        )
        copies = ALARM_COPIES if message.message_type in _ALARM_TYPES else 1
        sent = self._write(message)
        for copy in range(1, copies):
            again = dataclasses.replace(message, copy=copy)
            QTimer.singleShot(self._repeat_delay_ms * copy, self, lambda m=again: self._write(m))
        return sent

    def _write(self, message: LanMessage) -> bool:
        if self._socket is None or self._mac is None or self._target is None:
            return False  # closed between the first and the repeated copy
        try:
            data = lan.encode_fitting(message, self._mac)
        except (PacketTooLarge, ValueError) as error:
            log.error("LAN message %s not sent: %s", message.message_type, error)
            self._stats["send_failed"] += 1
            return False
        written = self._socket.writeDatagram(data, self._target, self._port)
        if written != len(data):
            self._stats["send_failed"] += 1
            log.warning(
                "LAN %s not sent to %s: %s",
                message.message_type,
                self._target.toString(),
                self._socket.errorString(),
            )
            return False
        self._stats["sent"] += 1
        return True

    def _send_heartbeat(self) -> None:
        if self.is_active():
            body = HeartbeatBody(
                station_name=self._station_name[:NAME_MAX], location=self._location[:LOCATION_MAX]
            )
            if self.send(MessageType.HEARTBEAT, None, body):
                self._stats["heartbeats"] += 1

    # -- Receiving ----------------------------------------------------------------------------
    def _read_datagrams(self) -> None:
        """Drain every queued datagram in this one wake-up (Qt does not signal readyRead
        again for datagrams that were already waiting).

        pendingDatagramSize + readDatagram: one peek and one read per datagram, where
        hasPendingDatagrams + receiveDatagram peek twice and wrap the datagram in an object.
        """
        socket = self._socket
        while socket is not None and socket is self._socket:
            size = socket.pendingDatagramSize()
            if size < 0:
                return
            data, host, port = socket.readDatagram(size)
            if host.isNull():
                return  # the read failed: nothing was taken off the queue
            self._stats["received"] += 1
            key = self._mac
            if key is None:
                return
            address = host.toString()
            now = self._clock()
            try:
                message = lan.decode(
                    data.data(), key, now, site_id=self._site_id, sender_address=address
                )
                self._replay.check(message, now)
            except PacketRejected as rejection:
                self._reject(rejection, address, port)
                continue
            self._accept(message, now)

    def _accept(self, message: LanMessage, now: int) -> None:
        if message.sender_id == self._station_id:
            self._stats["own"] += 1
            return
        self._note_peer(message, now)
        if message.message_type is MessageType.HEARTBEAT:
            return
        # Both copies of a message share this key: only the first is delivered.
        key = lan.message_key(message)
        if not self._delivered.add(key, message.timestamp_ms + FRESHNESS_MS + 1, now):
            self._stats["duplicate"] += 1
            return
        self._stats["emitted"] += 1
        self.message_received.emit(message)

    def _reject(self, rejection: PacketRejected, address: str, port: int) -> None:
        reason = rejection.reason.value
        self._stats[reason] += 1
        now = time.monotonic()
        self._log_times = [t for t in self._log_times if now - t < _LOG_WINDOW_S]
        if len(self._log_times) < _LOG_BUDGET:
            self._log_times.append(now)
            # Reason and address only: the body of a packet is never logged.
            log.warning(
                "Dropped LAN packet from %s:%d (%s)%s",
                address,
                port,
                rejection,
                f"; {self._suppressed} more not logged" if self._suppressed else "",
            )
            self._suppressed = 0
        else:
            self._suppressed += 1
        self.rejected.emit(reason)

    # -- Peers --------------------------------------------------------------------------------
    def _note_peer(self, message: LanMessage, now: int) -> None:
        address = message.sender_address
        known = self._peers.get(message.sender_id)
        body = message.body
        name = getattr(body, "station_name", "") or (known[0].name if known else "")
        if isinstance(body, HeartbeatBody):
            location = body.location
        else:
            location = known[0].location if known else ""
        info = PeerInfo(message.sender_id, name, location, now, address)
        self._peers[message.sender_id] = (info, time.monotonic())
        if known is None:
            log.info("LAN peer %s (%s) reachable at %s", name, message.sender_id, address)
            self.peer_joined.emit(info)
            self.peers_changed.emit(len(self._peers))
            if message.message_type is MessageType.HEARTBEAT and not self._answer_timer.isActive():
                # Answer a newcomer at once (with jitter, so a whole office does not answer in
                # the same millisecond) instead of making it wait for our next heartbeat.
                self._answer_timer.start(random.randint(0, 50))

    def _expire_peers(self) -> None:
        now = time.monotonic()
        gone = [sid for sid, (_, seen) in self._peers.items() if now - seen > self._peer_timeout_s]
        for station_id in gone:
            info, _ = self._peers.pop(station_id)
            log.info("LAN peer %s (%s) no longer heard", info.name, station_id)
        if gone:
            self.peers_changed.emit(len(self._peers))

    def _fail(self, message: str) -> bool:
        self.last_error = message
        log.error("LAN beacon not started: %s", message)
        return False
