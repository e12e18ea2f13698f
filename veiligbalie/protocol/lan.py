"""The signed LAN alarm packet: how stations that share a site key tell each other about
alarms (and that they are alive) over UDP when the server may be down.

Wire format (version 1, all integers big-endian)::

    magic      4 bytes   b"VBL1" (the digit is the format version)
    site_len   1 byte    length of the site id, 1..64
    site_id    n bytes   UTF-8
    sender     16 bytes  station UUID
    type       1 byte    message type code (see MESSAGE_CODES)
    alarm_id   16 bytes  UUID (nil UUID for heartbeats)
    timestamp  8 bytes   sender's wall clock, Unix milliseconds
    nonce      12 bytes  random (96 bits)
    copy       1 byte    which copy of a repeated send (0, 1, ...); signed, so a replayed
                         copy is told apart from the sender's own second copy
    body_len   2 bytes   length of the body
    body       n bytes   compact UTF-8 JSON, validated per message type
    mac        32 bytes  HMAC-SHA256 with the 32-byte site key over everything before it

A packet is at most MAX_PACKET_SIZE bytes so it fits one Ethernet frame without IP
fragmentation. :func:`decode` checks size, structure, site, signature, body and freshness
in that order and raises :class:`PacketRejected` with one reason; :class:`ReplayGuard`
rejects a packet seen before.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import functools
import hashlib
import heapq
import hmac
import os
import secrets
import struct
import time
import unicodedata
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from veiligbalie.core.vocabulary import AlarmKind, AlarmType
from veiligbalie.protocol.base import FrozenWireModel, Location, Name

MAGIC = b"VBL1"
MAX_PACKET_SIZE = 1200  # stays under a 1280/1500-byte MTU with IP and UDP headers
MAX_SITE_ID_BYTES = 64
KEY_SIZE = 32
NONCE_SIZE = 12
MAC_SIZE = 32
_SHA256_BLOCK = 64
FRESHNESS_MS = 30_000  # packets whose timestamp is further than this from our clock are stale
# PBKDF2-HMAC-SHA256 iterations for passphrase-derived site keys (OWASP 2023 recommendation).
# Changing it changes every derived key, so it is part of the format.
PASSPHRASE_ITERATIONS = 600_000
MIN_PASSPHRASE_LENGTH = 12
_SALT_PREFIX = b"veiligbalie-lan-key-v1:"

_HEAD = struct.Struct(">4sB")  # magic, site_len
_FIXED = struct.Struct(">16sB16sQ12sBH")  # sender, type, alarm, timestamp, nonce, copy, body_len
MIN_PACKET_SIZE = _HEAD.size + 1 + _FIXED.size + MAC_SIZE
NIL_ALARM_ID = uuid.UUID(int=0)


class MessageType(StrEnum):
    ALARM_RAISED = "alarm.raised"
    ALARM_ACKNOWLEDGED = "alarm.acknowledged"
    ALARM_RESOLVED = "alarm.resolved"
    ALARM_CANCELLED = "alarm.cancelled"
    HEARTBEAT = "heartbeat"


# Wire codes never change once released; add new ones, never renumber.
MESSAGE_CODES: dict[MessageType, int] = {
    MessageType.ALARM_RAISED: 1,
    MessageType.ALARM_ACKNOWLEDGED: 2,
    MessageType.ALARM_RESOLVED: 3,
    MessageType.ALARM_CANCELLED: 4,
    MessageType.HEARTBEAT: 5,
}
_TYPES_BY_CODE = {code: kind for kind, code in MESSAGE_CODES.items()}


class RejectReason(StrEnum):
    OVERSIZED = "oversized"
    MALFORMED = "malformed"
    BAD_SIGNATURE = "bad_signature"
    STALE = "stale"
    WRONG_SITE = "wrong_site"
    REPLAYED = "replayed"


class PacketRejected(Exception):
    """A received packet that must be dropped; ``reason`` says why (never the content)."""

    def __init__(self, reason: RejectReason, detail: str = "") -> None:
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason
        self.detail = detail


class PacketTooLarge(ValueError):
    """Raised by :func:`encode` when a message would not fit in MAX_PACKET_SIZE."""


# -- Bodies ------------------------------------------------------------------------------------
# Strings are bounded so every body fits a packet for normal text; extra fields from newer
# versions are ignored so an older station still understands the fields it knows.


class _Body(FrozenWireModel):
    model_config = ConfigDict(populate_by_name=True)


class AlarmRaisedBody(_Body):
    kind: AlarmKind = AlarmKind.SILENT
    alarm_type: AlarmType = Field(default=AlarmType.AGGRESSION, alias="type")
    location: Location = ""
    station_name: Name = ""
    raised_by: Name = ""  # display name of the employee; may be empty
    raised_at_ms: int = Field(default=0, ge=0)  # when the alarm was pressed (re-sends keep it)
    test: bool = False


class AlarmAcknowledgedBody(_Body):
    responder_name: Name = ""
    station_name: Name = ""
    location: Location = ""  # where the responder comes from
    test: bool = False


class AlarmResolvedBody(_Body):
    by_name: Name = ""
    station_name: Name = ""
    test: bool = False


class AlarmCancelledBody(_Body):
    by_name: Name = ""
    station_name: Name = ""
    test: bool = False


class HeartbeatBody(_Body):
    station_name: Name = ""
    location: Location = ""


LanBody = (
    AlarmRaisedBody | AlarmAcknowledgedBody | AlarmResolvedBody | AlarmCancelledBody | HeartbeatBody
)

BODY_MODELS: dict[MessageType, type[LanBody]] = {
    MessageType.ALARM_RAISED: AlarmRaisedBody,
    MessageType.ALARM_ACKNOWLEDGED: AlarmAcknowledgedBody,
    MessageType.ALARM_RESOLVED: AlarmResolvedBody,
    MessageType.ALARM_CANCELLED: AlarmCancelledBody,
    MessageType.HEARTBEAT: HeartbeatBody,
}
# By wire code, for the receiver: an int key hashes in C (an enum member hashes in Python).
_BODY_MODELS_BY_CODE = {code: BODY_MODELS[kind] for kind, code in MESSAGE_CODES.items()}


@functools.cache
def _text_limits(model: type[LanBody]) -> tuple[tuple[str, int], ...]:
    """(key, max length) of every bounded field of ``model``, under its name and its alias:
    looked up once per model, not on every message sent."""
    limits: list[tuple[str, int]] = []
    for name, info in model.model_fields.items():
        limit = next((m.max_length for m in info.metadata if hasattr(m, "max_length")), None)
        if limit is not None:
            limits.extend((key, limit) for key in dict.fromkeys((name, info.alias)) if key)
    return tuple(limits)


def make_body(
    message_type: MessageType, body: LanBody | dict[str, Any] | None, *, trim: bool = False
) -> LanBody:
    """Validate ``body`` (a model or a plain dict) as the body of ``message_type``.

    With ``trim``, text longer than a field allows is cut to fit instead of refused: an
    alarm must not fail to go out because a location name is long.
    """
    kind = message_type if type(message_type) is MessageType else MessageType(message_type)
    model = BODY_MODELS[kind]
    if body is None:
        return model()
    if isinstance(body, model):
        return body
    if isinstance(body, BaseModel):
        raise TypeError(f"{type(body).__name__} is not the body of {message_type}")
    if trim:
        body = dict(body)
        for key, limit in _text_limits(model):
            value = body.get(key)
            if isinstance(value, str) and len(value) > limit:
                body[key] = value[:limit]
    return model.model_validate(body)


# -- Message -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LanMessage:
    site_id: str
    sender_id: uuid.UUID
    message_type: MessageType
    alarm_id: uuid.UUID
    timestamp_ms: int
    nonce: bytes
    body: LanBody
    copy: int = 0
    # Filled in by the receiver (never signed, never encoded): where the datagram came from.
    sender_address: str = field(default="", compare=False)


def wall_clock_ms() -> int:
    """The wall clock in Unix milliseconds: the timebase of packet timestamps."""
    return time.time_ns() // 1_000_000


def new_message(
    site_id: str,
    sender_id: uuid.UUID,
    message_type: MessageType,
    alarm_id: uuid.UUID | None = None,
    body: LanBody | dict[str, Any] | None = None,
    *,
    timestamp_ms: int | None = None,
    trim: bool = False,
) -> LanMessage:
    """A message with a fresh random nonce and the current time (or ``timestamp_ms``);
    ``trim`` as in :func:`make_body`."""
    message_type = MessageType(message_type)
    return LanMessage(
        site_id=site_id,
        sender_id=sender_id,
        message_type=message_type,
        alarm_id=alarm_id if alarm_id is not None else NIL_ALARM_ID,
        timestamp_ms=wall_clock_ms() if timestamp_ms is None else timestamp_ms,
        nonce=secrets.token_bytes(NONCE_SIZE),
        body=make_body(message_type, body, trim=trim),
    )


def _check_key(key: bytes) -> None:
    if not isinstance(key, bytes | bytearray) or len(key) != KEY_SIZE:
        raise ValueError(f"the site key must be {KEY_SIZE} bytes")


class SiteMac:
    """HMAC-SHA256 (RFC 2104) with one site key, keyed once.

    The key's inner and outer pads are hashed when the object is made; each packet then
    costs two SHA-256 copies and updates (about 1.3 us) instead of keying HMAC anew through
    OpenSSL (about 3 us), which matters on a receiver that checks every packet of the site.
    The object is as secret as the key itself: never log or persist it.
    """

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes) -> None:
        _check_key(key)
        block = bytes(key).ljust(_SHA256_BLOCK, b"\0")  # a 32-byte key is never hashed first
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def __repr__(self) -> str:
        return "SiteMac(<secret>)"

    def digest(self, data: bytes) -> bytes:
        inner = self._inner.copy()
        inner.update(data)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()


def _mac_for(key: bytes | SiteMac) -> SiteMac:
    return key if isinstance(key, SiteMac) else SiteMac(key)


def _site_bytes(site_id: str) -> bytes:
    raw = site_id.encode("utf-8")
    if not 1 <= len(raw) <= MAX_SITE_ID_BYTES:
        raise ValueError(f"the site id must be 1 to {MAX_SITE_ID_BYTES} bytes of UTF-8")
    return raw


def encode(message: LanMessage, key: bytes | SiteMac) -> bytes:
    """The signed packet for ``message``. Raises PacketTooLarge, ValueError on bad input.

    ``key`` is the site key, or a :class:`SiteMac` made from it (faster when reused)."""
    mac = _mac_for(key)
    site = _site_bytes(message.site_id)
    if len(message.nonce) != NONCE_SIZE:
        raise ValueError(f"the nonce must be {NONCE_SIZE} bytes")
    if not 0 <= message.copy <= 255:
        raise ValueError("copy must be 0..255")
    if not 0 <= message.timestamp_ms < 2**64:
        raise ValueError("timestamp out of range")
    body_model = make_body(message.message_type, message.body)
    # Compact UTF-8 JSON, serialised by pydantic-core in one call (byte for byte what
    # json.dumps(model_dump(mode="json"), separators=(",", ":"), ensure_ascii=False) gives).
    body = body_model.model_dump_json(by_alias=True).encode("utf-8")
    size = MIN_PACKET_SIZE - 1 + len(site) + len(body)
    if size > MAX_PACKET_SIZE:
        raise PacketTooLarge(f"packet would be {size} bytes; the limit is {MAX_PACKET_SIZE}")
    signed = b"".join(
        (
            _HEAD.pack(MAGIC, len(site)),
            site,
            _FIXED.pack(
                message.sender_id.bytes,
                MESSAGE_CODES[message.message_type],
                message.alarm_id.bytes,
                message.timestamp_ms,
                message.nonce,
                message.copy,
                len(body),
            ),
            body,
        )
    )
    return signed + mac.digest(signed)


def encode_fitting(message: LanMessage, key: bytes | SiteMac) -> bytes:
    """Like :func:`encode`, but an alarm must never fail to go out because of long text:
    while the packet is too large, every text field of the body is cut in half."""
    for _ in range(8):
        try:
            return encode(message, key)
        except PacketTooLarge:
            fields = message.body.model_dump(by_alias=False)
            shorter = {
                name: value[: len(value) // 2] if type(value) is str else value
                for name, value in fields.items()
            }
            body = type(message.body).model_validate(shorter)
            message = dataclasses.replace(message, body=body)
    return encode(message, key)


def decode(
    data: bytes | bytearray | memoryview,
    key: bytes | SiteMac,
    now_ms: int,
    *,
    site_id: str | None = None,
    sender_address: str = "",
) -> LanMessage:
    """Verify and parse a packet. Raises :class:`PacketRejected` for anything it cannot trust.

    ``site_id``, when given, is our own site: a packet of another site is ``wrong_site``
    (checked before the signature, since another site's key is not ours to verify with).
    Replays are not detected here; see :class:`ReplayGuard`. ``sender_address`` (where the
    datagram came from, never signed) is put on the message as it is. ``key`` is the site
    key, or a :class:`SiteMac` made from it (faster when reused).
    """
    site_mac = _mac_for(key)
    data = bytes(data)
    if len(data) > MAX_PACKET_SIZE:
        raise PacketRejected(RejectReason.OVERSIZED, f"{len(data)} bytes")
    if len(data) < MIN_PACKET_SIZE:
        raise PacketRejected(RejectReason.MALFORMED, "too short")
    magic, site_len = _HEAD.unpack_from(data, 0)
    if magic != MAGIC:
        raise PacketRejected(RejectReason.MALFORMED, "bad magic")
    if not 1 <= site_len <= MAX_SITE_ID_BYTES:
        raise PacketRejected(RejectReason.MALFORMED, "bad site id length")
    offset = _HEAD.size + site_len
    if len(data) < offset + _FIXED.size + MAC_SIZE:
        raise PacketRejected(RejectReason.MALFORMED, "truncated")
    sender, code, alarm, timestamp, nonce, copy, body_len = _FIXED.unpack_from(data, offset)
    body_start = offset + _FIXED.size
    if len(data) != body_start + body_len + MAC_SIZE:
        raise PacketRejected(RejectReason.MALFORMED, "length mismatch")
    try:
        packet_site = data[_HEAD.size : offset].decode("utf-8")
    except UnicodeDecodeError:
        raise PacketRejected(RejectReason.MALFORMED, "site id is not UTF-8") from None
    if site_id is not None and packet_site != site_id:
        raise PacketRejected(RejectReason.WRONG_SITE)
    signed, mac = data[:-MAC_SIZE], data[-MAC_SIZE:]
    if not hmac.compare_digest(mac, site_mac.digest(signed)):
        raise PacketRejected(RejectReason.BAD_SIGNATURE)
    # From here on the packet is authentic; a failure means a buggy or newer peer.
    message_type = _TYPES_BY_CODE.get(code)
    if message_type is None:
        raise PacketRejected(RejectReason.MALFORMED, f"unknown message type {code}")
    try:
        # Parsed and validated in one pass by pydantic-core (what model_validate_json does,
        # without its Python wrapper): anything but a JSON object of valid UTF-8 is a
        # ValidationError.
        body = _BODY_MODELS_BY_CODE[code].__pydantic_validator__.validate_json(
            data[body_start : body_start + body_len]
        )
    except (ValueError, ValidationError, RecursionError):
        raise PacketRejected(RejectReason.MALFORMED, "bad body") from None
    if abs(now_ms - timestamp) > FRESHNESS_MS:
        raise PacketRejected(RejectReason.STALE, f"{now_ms - timestamp} ms off")
    return LanMessage(
        site_id=packet_site,
        sender_id=_sender_uuid(sender),
        message_type=message_type,
        alarm_id=uuid.UUID(bytes=alarm),
        timestamp_ms=timestamp,
        nonce=nonce,
        body=body,
        copy=copy,
        sender_address=sender_address,
    )


_SENDER_IDS: dict[bytes, uuid.UUID] = {}
_SENDER_IDS_MAX = 1024  # far more stations than a site has; cleared when reached


def _sender_uuid(raw: bytes) -> uuid.UUID:
    """The sender's UUID, made once per station instead of once per packet (uuid.UUID() is
    plain Python, about 1 us). Only authenticated packets get here, so only the site's own
    stations are remembered; a flood of made-up ids would need the site key."""
    known = _SENDER_IDS.get(raw)
    if known is None:
        if len(_SENDER_IDS) >= _SENDER_IDS_MAX:
            _SENDER_IDS.clear()
        known = _SENDER_IDS[raw] = uuid.UUID(bytes=raw)
    return known


# -- Replay protection -------------------------------------------------------------------------


_ORDER_BITS = 64
_ORDER_MASK = (1 << _ORDER_BITS) - 1


class ExpiringSet:
    """Keys remembered until their own expiry time, bounded in size.

    When full, the key closest to expiry is forgotten first. Only authenticated packets
    are added, so filling it takes more genuine traffic than any site produces
    (the default holds 65,536 packets within one freshness window).

    The heap holds plain ints (expiry << 64 | order), not tuples: an int is not tracked by
    the garbage collector, so remembering every packet of the last 30 s adds nothing for
    the collector to count or walk (with int keys, as the LAN's are, nothing at all).
    """

    def __init__(self, max_entries: int = 65_536) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self._expiry: dict[Any, int] = {}
        self._heap: list[int] = []
        self._keys: dict[int, Any] = {}  # order -> key
        self._order = 0  # tie-breaker so keys never need to be comparable (2**64 adds: never)
        self.evicted = 0

    def __len__(self) -> int:
        return len(self._expiry)

    def __contains__(self, key: object) -> bool:
        return key in self._expiry

    def _forget_oldest(self) -> None:
        entry = heapq.heappop(self._heap)
        del self._expiry[self._keys.pop(entry & _ORDER_MASK)]

    def purge(self, now_ms: int) -> None:
        # The heap and the dicts always hold the same keys: a key is never re-added while known.
        while self._heap and self._heap[0] >> _ORDER_BITS <= now_ms:
            self._forget_oldest()

    def add(self, key: Any, expires_ms: int, now_ms: int) -> bool:
        """Remember ``key``; False if it was already there (and not yet expired)."""
        self.purge(now_ms)
        if key in self._expiry:
            return False
        while len(self._expiry) >= self.max_entries:
            self._forget_oldest()
            self.evicted += 1
        self._expiry[key] = expires_ms
        self._order += 1
        self._keys[self._order] = key
        heapq.heappush(self._heap, expires_ms << _ORDER_BITS | self._order)
        return True


class ReplayGuard:
    """Rejects a packet whose (sender, nonce, copy) was accepted before.

    Each entry is kept until the packet's own timestamp leaves the freshness window: after
    that a replay is rejected as stale by :func:`decode`, so nothing needs remembering longer.
    """

    def __init__(self, max_entries: int = 65_536, window_ms: int = FRESHNESS_MS) -> None:
        self.window_ms = window_ms
        self._seen = ExpiringSet(max_entries)

    def __len__(self) -> int:
        return len(self._seen)

    @property
    def evicted(self) -> int:
        return self._seen.evicted

    def check(self, message: LanMessage, now_ms: int) -> None:
        """Remember ``message``; raise PacketRejected(replayed) if it was seen before."""
        # (sender, nonce, copy) packed in one int: hashed in C (a UUID hashes in Python) and
        # not tracked by the garbage collector, so 30 s of remembered packets cost it nothing.
        key = (message.sender_id.int << 104) | (int.from_bytes(message.nonce) << 8) | message.copy
        if not self._seen.add(key, message.timestamp_ms + self.window_ms + 1, now_ms):
            raise PacketRejected(RejectReason.REPLAYED)


def message_key(message: LanMessage) -> int:
    """(alarm id, type, sender, nonce) packed in one int: what both copies of one message
    share. Hashed in C and untracked by the garbage collector, as ReplayGuard's keys."""
    alarm_and_sender = message.alarm_id.int << 128 | message.sender_id.int
    code = MESSAGE_CODES[message.message_type]
    return (alarm_and_sender << 96 | int.from_bytes(message.nonce)) << 8 | code


# -- Site keys ---------------------------------------------------------------------------------


class KeyFileError(ValueError):
    """A key file that does not hold a usable site key."""


def generate_key() -> bytes:
    """A new random site key."""
    return secrets.token_bytes(KEY_SIZE)


def key_to_text(key: bytes) -> str:
    """The base64 text form of a key, as written to a key file."""
    _check_key(key)
    return base64.b64encode(key).decode("ascii")


def key_from_passphrase(passphrase: str, site_id: str) -> bytes:
    """Derive the site key from a passphrase: PBKDF2-HMAC-SHA256, PASSPHRASE_ITERATIONS
    rounds, salted with the site id, so every station of a site derives the same key.

    The passphrase is NFC-normalised so the same text typed on different systems matches.
    """
    if not isinstance(passphrase, str) or len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise ValueError(f"the passphrase must be at least {MIN_PASSPHRASE_LENGTH} characters")
    salt = _SALT_PREFIX + _site_bytes(site_id)
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return hashlib.pbkdf2_hmac("sha256", secret, salt, PASSPHRASE_ITERATIONS, KEY_SIZE)


def key_from_file(path: str | os.PathLike[str]) -> bytes:
    """Read a site key: a file of exactly 32 raw bytes, or those bytes as base64 text."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise KeyFileError(f"cannot read key file {path}: {error.strerror or error}") from None
    if len(data) == KEY_SIZE:
        return data
    if len(data) > 256:
        raise KeyFileError(
            f"key file {path} is {len(data)} bytes; expected {KEY_SIZE} raw bytes "
            f"or {KEY_SIZE} bytes as base64 text"
        )
    try:
        text = data.decode("ascii").strip()
        key = base64.b64decode(text, validate=True)
    except (UnicodeDecodeError, binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_SIZE:
        # Never echo the content: it may be (part of) a secret.
        raise KeyFileError(
            f"key file {path} holds neither {KEY_SIZE} raw bytes nor {KEY_SIZE} bytes "
            f"as base64 text ({len(data)} bytes found)"
        )
    return key


def key_fingerprint(key: bytes) -> str:
    """A short, non-secret fingerprint so an administrator can check that two stations
    hold the same site key without showing it."""
    _check_key(key)
    digest = hmac.new(key, b"veiligbalie-lan-key-fingerprint", hashlib.sha256).hexdigest()
    return "-".join(digest[i : i + 4] for i in range(0, 16, 4))
