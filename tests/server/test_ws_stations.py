"""The fan-out benchmark's own machinery: the hand-made WebSocket stations read frames the way
RFC 6455 says (checked against the ``websockets`` library), and the benchmark refuses to give a
figure when a station missed or doubled an alarm."""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import uuid
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
from websockets.frames import Frame, Opcode
from websockets.protocol import Protocol, Side
from websockets.sync.client import connect

from tests.bench import bench_alarm_fanout as bench
from tests.bench import ws_stations as ws
from tests.support.server import running_server
from veiligbalie.server.store import ServerStore


def server_frame(opcode: int, payload: bytes, fin: bool = True) -> bytes:
    """What a server sends, serialised by the websockets library (unmasked)."""
    return Frame(Opcode(opcode), payload, fin).serialize(mask=False)


@pytest.fixture
def station():
    a, b = socket.socketpair()
    yield ws.Station(a, "token")
    a.close()
    b.close()


def feed(station: ws.Station, data: bytes, step: int) -> list[tuple[int, bytes]]:
    found = []
    for i in range(0, len(data), step):
        station.buf += data[i : i + step]
        found += station.frames()
    return found


@pytest.mark.parametrize("step", [1, 3, 7, 1000, 1 << 20])
def test_frames_are_whole_however_the_bytes_come(station: ws.Station, step: int) -> None:
    short = b'{"type":"hello"}'
    medium = json.dumps({"type": "x", "pad": "m" * 300}).encode()  # 16-bit length
    long = json.dumps({"type": "x", "pad": "l" * 70_000}).encode()  # 64-bit length
    stream = (
        server_frame(0x1, short)
        + server_frame(0x1, medium)
        + server_frame(0x9, b"ping!")
        + server_frame(0x1, long)
        + server_frame(0x1, b'{"part":', fin=False)
        + server_frame(0x0, b'"one"', fin=False)
        + server_frame(0x0, b"}")
    )
    found = feed(station, stream, step)
    assert found == [
        (ws.OP_TEXT, short),
        (ws.OP_TEXT, medium),
        (ws.OP_PING, b"ping!"),
        (ws.OP_TEXT, long),
        (ws.OP_TEXT, b'{"part":"one"}'),
    ]
    assert station.buf == b""


def test_a_masked_server_frame_is_refused(station: ws.Station) -> None:
    station.buf += Frame(Opcode.TEXT, b"{}").serialize(mask=True)
    with pytest.raises(ws.StationError, match="masked"):
        station.frames()


def test_client_frames_are_read_by_a_real_server_implementation() -> None:
    server = Protocol(Side.SERVER)  # open, past the handshake: reads frames
    auth = json.dumps({"type": "auth", "token": "t" * 150}).encode()
    for payload in (auth, b"", b"x" * 70_000):
        server.receive_data(ws.client_frame(ws.OP_TEXT, payload))
        (event,) = server.events_received()
        assert (event.opcode, event.data) == (Opcode.TEXT, payload)
    server.receive_data(ws.client_frame(ws.OP_PONG, b"ping!"))
    (pong,) = server.events_received()
    assert (pong.opcode, pong.data) == (Opcode.PONG, b"ping!")


def test_accept_value_is_the_rfc_example() -> None:
    # RFC 6455 section 1.3.
    assert ws.accept_value(b"dGhlIHNhbXBsZSBub25jZQ==") == b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def test_alarm_id_is_found_in_the_servers_bytes() -> None:
    alarm_id = str(uuid.uuid4())
    raised = {"type": "alarm.raised", "alarm": {"id": alarm_id, "type": "panic", "state": "x"}}
    text = json.dumps(raised, separators=(",", ":")).encode()
    assert ws.alarm_id_of(text) == alarm_id
    assert ws.alarm_id_of(b'{"type":"stations.online","stations":[]}') is None
    with pytest.raises(ws.StationError):
        ws.alarm_id_of(b'{"type":"alarm.raised","alarm":{"kind":"x","id":"a"}}')


def test_no_figure_unless_every_station_had_every_alarm_once() -> None:
    sent = {"a": 1.0, "b": 2.0}
    bench.check(sent, {"a": [1.1, 1.2], "b": [2.1, 2.2]}, stations=2)
    with pytest.raises(bench.BenchFailure, match="reached 1 of 2"):
        bench.check(sent, {"a": [1.1, 1.2], "b": [2.1]}, stations=2)
    with pytest.raises(bench.BenchFailure, match="missing"):
        bench.check(sent, {"a": [1.1, 1.2]}, stations=2)
    with pytest.raises(bench.BenchFailure, match="not raised"):
        bench.check(sent, {"a": [1.1, 1.2], "b": [2.1, 2.2], "c": [3.0, 3.0]}, stations=2)


def test_a_small_fan_out_on_a_real_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench, "ALARMS", 3)
    figure = bench.run(12)
    assert figure["bench"] == "alarm_fanout"
    assert (figure["stations"], figure["alarms"], figure["path"]) == (12, 3, "server")
    assert 0 < figure["p50_ms"] <= figure["p99_ms"]
    assert 0 < figure["p50_rx_ms"] <= figure["p99_rx_ms"]


def test_frame_lengths_match_the_header(station: ws.Station) -> None:
    # A 126-byte payload is the first that needs the 16-bit length.
    payload = b"y" * 126
    data = struct.pack("!BBH", 0x81, 126, 126) + payload
    assert feed(station, data, 5) == [(ws.OP_TEXT, payload)]


def test_plain_and_compressed_stations_get_the_same_alarms_in_order(tmp_path: Path) -> None:
    """The shared pre-built frame goes to connections without an extension; a connection
    with permessage-deflate gets its own compressed frames. Both read the same events."""
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    store = ServerStore(url)
    sender, tokens = bench.seed(store, 2)
    store.close()
    with running_server(url) as server, ExitStack() as stack:
        clients = []
        for token, compression in zip(tokens, (None, "deflate"), strict=True):
            client = stack.enter_context(
                connect(f"{server.ws_url}/api/v1/stream", compression=compression)
            )
            client.send(json.dumps({"type": "auth", "token": token}))
            assert json.loads(client.recv(10))["type"] == "hello"
            clients.append(client)
        assert [bool(c.protocol.extensions) for c in clients] == [False, True]
        ids = [str(uuid.uuid4()) for _ in range(3)]
        with httpx.Client(base_url=server.base_url, timeout=10) as http:
            for alarm_id in ids:
                r = http.post(
                    "/api/v1/alarms",
                    json={"id": alarm_id, "test": True},
                    headers={"Authorization": f"Bearer {sender}"},
                )
                r.raise_for_status()
        for client in clients:
            got = []
            while len(got) < len(ids):
                event = json.loads(client.recv(10))
                if event["type"] == "alarm.raised":
                    got.append(event["alarm"]["id"])
            assert got == ids


def test_reads_of_one_whole_frame_give_the_same_as_the_general_path() -> None:
    a, b = socket.socketpair()
    with a, b:
        a.setblocking(False)
        stations = ws.Stations("127.0.0.1", 1, ["token"])
        station = ws.Station(a, "token")
        station.state = "open"
        ids = [str(uuid.uuid4()) for _ in range(4)]
        pads = [0, 300, 70_000, 10]  # 7-bit, 16-bit and 64-bit lengths
        for alarm_id, pad in zip(ids, pads, strict=True):
            event = {"type": "alarm.raised", "alarm": {"id": alarm_id, "pad": "p" * pad}}
            b.sendall(server_frame(0x1, json.dumps(event, separators=(",", ":")).encode()))
            for _ in range(100):  # a long frame may take more than one read
                with contextlib.suppress(BlockingIOError):
                    stations.on_readable(station)
                if alarm_id in stations.arrivals:
                    break
        assert list(stations.arrivals) == ids
        assert station.buf == b""
        b.sendall(Frame(Opcode.TEXT, b"{}").serialize(mask=True))
        with pytest.raises(ws.StationError, match="masked"):
            stations.on_readable(station)
