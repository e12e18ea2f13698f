"""The signed LAN alarm packet: encoding, every rejection reason, replay protection and
site-key handling."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import struct
import uuid
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veiligbalie.core.vocabulary import AlarmKind, AlarmType
from veiligbalie.protocol import lan
from veiligbalie.protocol.lan import (
    AlarmAcknowledgedBody,
    AlarmRaisedBody,
    ExpiringSet,
    HeartbeatBody,
    KeyFileError,
    LanMessage,
    MessageType,
    PacketRejected,
    PacketTooLarge,
    RejectReason,
    ReplayGuard,
    decode,
    encode,
    new_message,
)

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
SITE = "gemeente-zuid"
NOW = 1_760_000_000_000
SENDER = uuid.UUID("01920000-0000-7000-8000-000000000001")


def alarm(**changes: object) -> LanMessage:
    message = new_message(
        SITE,
        SENDER,
        MessageType.ALARM_RAISED,
        uuid.UUID("01920000-0000-7000-8000-0000000000aa"),
        AlarmRaisedBody(
            kind=AlarmKind.OPEN,
            alarm_type=AlarmType.MEDICAL,
            location="Publiekshal, balie 3",
            station_name="Balie 3",
            raised_by="Sanne",
            raised_at_ms=NOW,
            test=True,
        ),
        timestamp_ms=NOW,
    )
    return dataclasses.replace(message, **changes)


def reason_of(data: bytes, key: bytes = KEY, now: int = NOW, site: str | None = SITE) -> str:
    with pytest.raises(PacketRejected) as caught:
        decode(data, key, now, site_id=site)
    return caught.value.reason.value


def resign(signed_part: bytes, key: bytes = KEY) -> bytes:
    import hmac

    return signed_part + hmac.new(key, signed_part, hashlib.sha256).digest()


# -- Round trip --------------------------------------------------------------------------------


def test_alarm_round_trips_with_every_field() -> None:
    message = alarm()
    data = encode(message, KEY)
    assert data.startswith(b"VBL1")
    decoded = decode(data, KEY, NOW + 500, site_id=SITE)
    assert decoded == message
    assert decoded.body.alarm_type is AlarmType.MEDICAL
    assert decoded.body.kind is AlarmKind.OPEN
    assert decoded.body.test is True


@pytest.mark.parametrize("message_type", list(MessageType))
def test_every_message_type_round_trips(message_type: MessageType) -> None:
    message = new_message(SITE, SENDER, message_type, uuid.uuid4(), timestamp_ms=NOW)
    assert decode(encode(message, KEY), KEY, NOW, site_id=SITE) == message


def test_body_is_compact_json_with_the_wire_names() -> None:
    data = encode(alarm(), KEY)
    # The body follows the fixed header (the random nonce and ids in it may hold a "{"
    # byte, so it is found by its offset) and precedes the 32-byte signature.
    site_length = data[4]
    start = 5 + site_length + struct.calcsize(">16sB16sQ12sBH")
    body = json.loads(data[start:-32])
    assert body["type"] == "medical"
    assert body["kind"] == "open"
    assert body["location"] == "Publiekshal, balie 3"


def test_acknowledgement_carries_the_responder() -> None:
    message = new_message(
        SITE,
        SENDER,
        MessageType.ALARM_ACKNOWLEDGED,
        uuid.uuid4(),
        {"responder_name": "Jeroen", "station_name": "Balie 1"},
        timestamp_ms=NOW,
    )
    decoded = decode(encode(message, KEY), KEY, NOW)
    assert isinstance(decoded.body, AlarmAcknowledgedBody)
    assert decoded.body.responder_name == "Jeroen"


def test_nonces_are_fresh_for_every_message() -> None:
    nonces = {new_message(SITE, SENDER, MessageType.HEARTBEAT).nonce for _ in range(200)}
    assert len(nonces) == 200
    assert all(len(nonce) == 12 for nonce in nonces)


def test_body_of_the_wrong_type_is_refused_when_sending() -> None:
    with pytest.raises(TypeError):
        new_message(SITE, SENDER, MessageType.ALARM_RAISED, uuid.uuid4(), HeartbeatBody())


def test_unknown_body_fields_from_newer_versions_are_ignored() -> None:
    body = AlarmRaisedBody.model_validate({"type": "other", "floor": 3})
    assert body.alarm_type is AlarmType.OTHER


def test_text_longer_than_the_limit_is_refused() -> None:
    with pytest.raises(ValueError):
        AlarmRaisedBody(location="x" * 121)


def test_encode_refuses_a_packet_over_the_size_limit() -> None:
    wide = "\U0001f6a8" * 120  # four UTF-8 bytes each
    message = alarm(
        body=AlarmRaisedBody(location=wide, station_name=wide[:80], raised_by=wide[:80])
    )
    with pytest.raises(PacketTooLarge):
        encode(message, KEY)
    # The beacon's encoder shortens text instead: an alarm always goes out.
    data = lan.encode_fitting(message, KEY)
    assert len(data) <= lan.MAX_PACKET_SIZE
    decoded = decode(data, KEY, NOW)
    assert decoded.body.location and decoded.body.location in wide


def test_encode_refuses_a_bad_key() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        encode(alarm(), b"short")


def test_body_bytes_are_what_json_dumps_gave_before_pydantic_serialised_them() -> None:
    # The wire stays the same for stations of the previous release: compact UTF-8 JSON, the
    # wire names, non-ASCII text as UTF-8 (not \u escapes), in field order.
    message = alarm(
        body=AlarmRaisedBody(location='Zaal \u00e9\u00e9n \U0001f6a8 "A"', raised_by="Ren\u00e9")
    )
    data = encode(message, KEY)
    start = 5 + data[4] + struct.calcsize(">16sB16sQ12sBH")
    expected = json.dumps(
        message.body.model_dump(mode="json", by_alias=True),
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")
    assert data[start:-32] == expected


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=32, max_size=32), st.binary(max_size=1300))
def test_site_mac_is_hmac_sha256_with_the_site_key(key: bytes, data: bytes) -> None:
    import hmac

    assert lan.SiteMac(key).digest(data) == hmac.digest(key, data, "sha256")


def test_a_packet_signed_with_a_site_mac_checks_with_the_key_and_back() -> None:
    site_mac = lan.SiteMac(KEY)
    message = alarm()
    assert encode(message, site_mac) == encode(message, KEY)
    assert decode(encode(message, site_mac), KEY, NOW, site_id=SITE) == message
    assert decode(encode(message, KEY), site_mac, NOW, site_id=SITE) == message
    # Reusing one SiteMac keeps no state between packets: a forgery still fails after a good one.
    assert reason_of(encode(message, OTHER_KEY), key=site_mac) == "bad_signature"  # type: ignore[arg-type]
    assert decode(encode(message, KEY), site_mac, NOW, site_id=SITE) == message
    with pytest.raises(ValueError, match="32 bytes"):
        lan.SiteMac(b"short")
    assert KEY.hex() not in repr(site_mac) and "secret" in repr(site_mac)


# -- Rejections --------------------------------------------------------------------------------


def test_oversized_packet_is_rejected_before_anything_else() -> None:
    assert reason_of(b"VBL1" + b"\x00" * 1197) == "oversized"
    # Exactly the limit is not oversized (it is merely malformed here).
    assert reason_of(b"VBL1" + b"\x00" * 1196) == "malformed"


@pytest.mark.parametrize(
    "data",
    [b"", b"VBL1", b"hello world" * 20, b"VBL2" + encode(alarm(), KEY)[4:]],
    ids=["empty", "magic-only", "text", "future-version"],
)
def test_malformed_packets_are_rejected(data: bytes) -> None:
    assert reason_of(data) == "malformed"


def test_truncated_and_padded_packets_are_malformed() -> None:
    data = encode(alarm(), KEY)
    assert reason_of(data[:-1]) == "malformed"
    assert reason_of(data + b"\x00") == "malformed"


def test_wrong_signature_is_rejected() -> None:
    assert reason_of(encode(alarm(), OTHER_KEY)) == "bad_signature"


def test_any_flipped_byte_breaks_the_signature_or_structure() -> None:
    data = encode(alarm(), KEY)
    for index in range(len(data)):
        tampered = bytearray(data)
        tampered[index] ^= 0x01
        assert reason_of(bytes(tampered)) in {"bad_signature", "malformed", "wrong_site"}


def test_other_site_is_rejected_as_wrong_site() -> None:
    data = encode(alarm(site_id="gemeente-noord"), KEY)
    assert reason_of(data) == "wrong_site"
    # Without a site to compare with, only the signature decides.
    assert decode(data, KEY, NOW, site_id=None).site_id == "gemeente-noord"


@pytest.mark.parametrize("offset_ms", [30_001, -30_001, 3_600_000])
def test_stale_packets_are_rejected(offset_ms: int) -> None:
    data = encode(alarm(), KEY)
    assert reason_of(data, now=NOW + offset_ms) == "stale"


@pytest.mark.parametrize("offset_ms", [30_000, -30_000, 0])
def test_packets_within_the_window_are_fresh(offset_ms: int) -> None:
    assert decode(encode(alarm(), KEY), KEY, NOW + offset_ms).timestamp_ms == NOW


def test_a_forged_packet_is_not_reported_as_stale() -> None:
    # Freshness is judged only after the signature: an old forged packet is a forgery.
    assert reason_of(encode(alarm(), OTHER_KEY), now=NOW + 3_600_000) == "bad_signature"


def test_signed_but_unknown_message_type_is_malformed() -> None:
    data = encode(alarm(), KEY)
    type_offset = 5 + len(SITE) + 16
    signed = bytearray(data[:-32])
    signed[type_offset] = 99
    assert reason_of(resign(bytes(signed))) == "malformed"


@pytest.mark.parametrize(
    "body",
    [b"[1,2]", b"{not json", b'{"type":"fire"}', b"\xff\xfe", b'{"kind":"loud"}'],
)
def test_signed_but_invalid_body_is_malformed(body: bytes) -> None:
    site = SITE.encode()
    signed = (
        struct.pack(">4sB", b"VBL1", len(site))
        + site
        + struct.pack(">16sB16sQ12sBH", SENDER.bytes, 1, b"\x01" * 16, NOW, b"n" * 12, 0, len(body))
        + body
    )
    assert reason_of(resign(signed)) == "malformed"


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=1400))
def test_random_bytes_only_ever_raise_packet_rejected(data: bytes) -> None:
    with pytest.raises(PacketRejected):
        decode(data, KEY, NOW, site_id=SITE)


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=1, max_size=40), st.integers(min_value=0, max_value=300))
def test_mutated_real_packets_only_raise_packet_rejected(patch: bytes, where: int) -> None:
    data = bytearray(encode(alarm(), KEY))
    where %= len(data)
    data[where : where + len(patch)] = patch
    try:
        decode(bytes(data), KEY, NOW, site_id=SITE)
    except PacketRejected:
        pass


# -- Replay guard ------------------------------------------------------------------------------


def test_replay_guard_rejects_the_same_packet_twice() -> None:
    guard = ReplayGuard()
    message = alarm()
    guard.check(message, NOW)
    with pytest.raises(PacketRejected) as caught:
        guard.check(message, NOW + 10)
    assert caught.value.reason is RejectReason.REPLAYED


def test_second_copy_and_other_senders_are_not_replays() -> None:
    guard = ReplayGuard()
    message = alarm()
    guard.check(message, NOW)
    guard.check(dataclasses.replace(message, copy=1), NOW)
    guard.check(dataclasses.replace(message, sender_id=uuid.uuid4()), NOW)
    assert len(guard) == 3


def test_sender_ids_are_made_once_per_station_and_kept_bounded() -> None:
    first = decode(encode(alarm(), KEY), KEY, NOW, site_id=SITE)
    second = decode(encode(alarm(), KEY), KEY, NOW, site_id=SITE)
    assert first.sender_id == second.sender_id == SENDER
    assert first.sender_id is second.sender_id
    for _ in range(lan._SENDER_IDS_MAX + 10):
        sender = uuid.uuid4()
        assert (
            decode(encode(alarm(sender_id=sender), KEY), KEY, NOW, site_id=SITE).sender_id == sender
        )
    assert len(lan._SENDER_IDS) <= lan._SENDER_IDS_MAX
    # A forged packet never gets its sender remembered.
    stranger = uuid.uuid4()
    reason_of(encode(alarm(sender_id=stranger), OTHER_KEY))
    assert stranger.bytes not in lan._SENDER_IDS


def test_remembered_packets_give_the_garbage_collector_nothing_to_track() -> None:
    # A receiver remembers every packet of the last 30 s; as tuples of UUIDs these were
    # thousands of tracked objects that made young collections come sooner and last longer.
    import gc

    messages = [alarm(sender_id=uuid.uuid4()) for _ in range(2000)]
    guard, delivered = ReplayGuard(), ExpiringSet()
    gc.collect()
    gc.disable()  # no collection in between may untrack what was added
    try:
        before = len(gc.get_objects())
        for message in messages:
            guard.check(message, NOW)
            assert delivered.add(lan.message_key(message), NOW + 1000, NOW)
        assert len(gc.get_objects()) - before < 100
    finally:
        gc.enable()
    assert len(guard) == 2000 and len(delivered) == 2000
    # Still the same message for both copies, and a different one for anything else.
    message = messages[0]
    assert lan.message_key(dataclasses.replace(message, copy=1)) == lan.message_key(message)
    for change in (
        {"nonce": b"x" * 12},
        {"alarm_id": uuid.uuid4()},
        {"sender_id": uuid.uuid4()},
        {"message_type": MessageType.ALARM_ACKNOWLEDGED, "body": AlarmAcknowledgedBody()},
    ):
        assert lan.message_key(dataclasses.replace(message, **change)) != lan.message_key(message)


def test_replay_guard_forgets_after_the_freshness_window() -> None:
    guard = ReplayGuard()
    message = alarm()
    guard.check(message, NOW)
    # Still remembered at the very edge of the window ...
    with pytest.raises(PacketRejected):
        guard.check(message, NOW + lan.FRESHNESS_MS)
    # ... and forgotten once decode() would reject the packet as stale anyway.
    guard.check(alarm(nonce=b"x" * 12), NOW + lan.FRESHNESS_MS + 1)
    assert len(guard) == 1


def test_replay_guard_is_bounded_in_size() -> None:
    guard = ReplayGuard(max_entries=50)
    for index in range(500):
        guard.check(alarm(nonce=index.to_bytes(12, "big"), timestamp_ms=NOW + index), NOW)
    assert len(guard) == 50
    assert guard.evicted == 450
    # The newest are the ones kept.
    with pytest.raises(PacketRejected):
        guard.check(alarm(nonce=(499).to_bytes(12, "big"), timestamp_ms=NOW + 499), NOW)


def test_expiring_set_keeps_keys_until_their_own_expiry() -> None:
    seen = ExpiringSet(max_entries=10)
    assert seen.add("a", 100, 0)
    assert seen.add("b", 50, 0)
    assert not seen.add("a", 100, 10)
    seen.purge(50)
    assert "b" not in seen and "a" in seen
    assert seen.add("b", 200, 60)
    with pytest.raises(ValueError):
        ExpiringSet(0)


# -- Site keys ---------------------------------------------------------------------------------


def test_passphrase_key_is_pbkdf2_salted_with_the_site() -> None:
    passphrase = "correct horse battery staple"
    key = lan.key_from_passphrase(passphrase, SITE)
    expected = hashlib.pbkdf2_hmac(
        "sha256",
        passphrase.encode(),
        b"veiligbalie-lan-key-v1:" + SITE.encode(),
        lan.PASSPHRASE_ITERATIONS,
        32,
    )
    assert key == expected
    assert len(key) == 32
    assert lan.PASSPHRASE_ITERATIONS >= 600_000


def test_passphrase_key_differs_per_site_and_matches_across_unicode_forms() -> None:
    composed = "café op de balie 12"
    decomposed = "cafe\u0301 op de balie 12"
    assert lan.key_from_passphrase(composed, SITE) == lan.key_from_passphrase(decomposed, SITE)
    assert lan.key_from_passphrase(composed, SITE) != lan.key_from_passphrase(composed, "x")


def test_short_passphrase_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="at least 12 characters"):
        lan.key_from_passphrase("geheim", SITE)


def test_key_file_with_raw_bytes(tmp_path: Path) -> None:
    path = tmp_path / "site.key"
    path.write_bytes(KEY)
    assert lan.key_from_file(path) == KEY


@pytest.mark.parametrize("suffix", ["", "\n", "\r\n"])
def test_key_file_with_base64_text(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / "site.key"
    path.write_text(lan.key_to_text(KEY) + suffix)
    assert lan.key_from_file(path) == KEY


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"geheim",
        base64.b64encode(b"x" * 16),
        b"\x00" * 31,
        b"not base64 at all!!",
        b"A" * 5000,
    ],
)
def test_bad_key_file_gives_a_clear_error_without_the_content(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "site.key"
    path.write_bytes(content)
    with pytest.raises(KeyFileError) as caught:
        lan.key_from_file(path)
    message = str(caught.value)
    assert "32" in message and str(path) in message
    if len(content) > 4:
        assert content.decode("latin-1") not in message


def test_missing_key_file_gives_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="cannot read key file"):
        lan.key_from_file(tmp_path / "absent.key")


def test_generated_keys_are_random_and_fingerprints_do_not_reveal_them() -> None:
    first, second = lan.generate_key(), lan.generate_key()
    assert len(first) == 32 and first != second
    fingerprint = lan.key_fingerprint(first)
    assert fingerprint == lan.key_fingerprint(first) != lan.key_fingerprint(second)
    assert len(fingerprint) == 19 and first.hex()[:16] not in fingerprint.replace("-", "")


def test_trim_cuts_long_text_instead_of_refusing_it() -> None:
    long_location = "Stadskantoor, tweede verdieping, " * 10
    body = lan.make_body(
        MessageType.ALARM_RAISED,
        {"location": long_location, "type": "medical", "station_name": "B" * 200},
        trim=True,
    )
    assert body.location == long_location[:120]
    assert body.station_name == "B" * 80
    assert body.alarm_type is AlarmType.MEDICAL
    with pytest.raises(ValueError):
        lan.make_body(MessageType.ALARM_RAISED, {"location": long_location})
    with pytest.raises(ValueError):  # only length is forgiven, not a wrong value
        lan.make_body(MessageType.ALARM_RAISED, {"type": "fire"}, trim=True)
