"""Lean stand-ins for many alarm stations on the stream, for bench_alarm_fanout: raw
non-blocking sockets on one epoll selector, the WebSocket protocol (RFC 6455) done by hand.

Each connection stands for a separate machine, so what it costs here per message (on the
same two cores as the server under test) is an artefact of the benchmark and is kept small:
one handshake per connection, then only frame headers are parsed and, for ``alarm.raised``,
the alarm id is found in the payload bytes; the arrival time is ``time.monotonic()`` read as
soon as that frame is complete. Beside it, the kernel's receive stamp of the frame's last
segment (SO_TIMESTAMPNS) is kept: when the bytes reached the station's socket, whatever this
process was doing then.

Run as a child process (``python -m tests.bench.ws_stations HOST PORT TOKENS_FILE``); it
speaks line by line with its parent:

- to the parent: ``READY <n>`` once every station had "hello"; ``DONE <alarm id>`` when every
  station of this process has that alarm; ``ERROR <text>`` (then exit 1) on any failure;
- from the parent: ``mark`` starts counting messages and CPU time; ``report`` answers one
  JSON line ``{"arrivals": {alarm id: [times]}, "kernel": {alarm id: [kernel receive
  times, monotonic]}, "online": <stations.online messages>,
  "messages": <all messages>, "cpu": <seconds>}`` (counts since the mark); end of input
  ends the process.
"""

from __future__ import annotations

import base64
import gc
import hashlib
import json
import os
import selectors
import socket
import struct
import sys
import time
from pathlib import Path

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#: Handshakes in flight at once (the server authenticates each in its thread pool).
CONNECTING_MAX = 64
#: The whole process ends by itself after this long, whatever happens.
LIFETIME_SECONDS = 600.0
OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
#: SO_TIMESTAMPNS (asm-generic/socket.h; Python's socket module does not name it): the kernel
#: stamps each received segment with CLOCK_REALTIME, handed over with recvmsg.
SO_TIMESTAMPNS = 35
STAMP_SPACE = socket.CMSG_SPACE(16)
RAISED_PREFIX = b'{"type":"alarm.raised"'
ALARM_KEY = b'"alarm":{'
ID_KEY = b'"id":"'


class StationError(Exception):
    """A station saw something a correct server never sends (or lost its connection)."""


def mask(payload: bytes, key: bytes) -> bytes:
    """XOR ``payload`` with the 4-byte masking ``key`` (client frames must be masked)."""
    n = len(payload)
    if n == 0:
        return b""
    pad = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(pad, "big")).to_bytes(n, "big")


def client_frame(opcode: int, payload: bytes) -> bytes:
    """One masked, final frame from client to server."""
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
    elif n < 65536:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
    key = os.urandom(4)
    return head + key + mask(payload, key)


def accept_value(key: bytes) -> bytes:
    return base64.b64encode(hashlib.sha1(key + GUID).digest())


def alarm_id_of(payload: bytes) -> str | None:
    """The alarm id of an ``alarm.raised`` event, found in its bytes; None for any other event.
    The server writes compact JSON with ``type`` first and ``id`` first in the alarm."""
    if not payload.startswith(RAISED_PREFIX):
        return None
    at = payload.find(ALARM_KEY)
    if at < 0 or payload.find(ID_KEY, at) != at + len(ALARM_KEY):
        raise StationError(f"alarm.raised without an alarm id first: {payload[:120]!r}")
    start = at + len(ALARM_KEY) + len(ID_KEY)
    end = payload.find(b'"', start)
    if end < 0:
        raise StationError("alarm.raised with an unterminated alarm id")
    return payload[start:end].decode("ascii")


class Station:
    """One connection: handshake, then frames. ``feed`` returns complete text messages."""

    __slots__ = ("sock", "token", "key", "state", "buf", "out", "got", "frag", "closed", "rx")

    def __init__(self, sock: socket.socket, token: str) -> None:
        self.sock = sock
        self.token = token
        self.key = base64.b64encode(os.urandom(16))
        self.state = "connecting"  # -> handshake -> auth -> open -> closed
        self.buf = bytearray()
        self.out = bytearray()
        self.got: set[str] = set()
        self.frag: bytearray | None = None  # a fragmented text message being collected
        self.closed = False
        self.rx: float | None = None  # kernel receive time (realtime) of the last read

    def upgrade_request(self, host: str, port: int) -> bytes:
        return (
            f"GET /api/v1/stream HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {self.key.decode()}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        ).encode()

    def finish_handshake(self) -> bool:
        """Check the server's 101 answer once it is complete; True when it was."""
        end = self.buf.find(b"\r\n\r\n")
        if end < 0:
            if len(self.buf) > 16384:
                raise StationError("handshake answer too long")
            return False
        head = bytes(self.buf[:end]).decode("latin-1").split("\r\n")
        del self.buf[: end + 4]
        if not head[0].startswith("HTTP/1.1 101"):
            raise StationError(f"handshake refused: {head[0]!r}")
        headers = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("upgrade", "").lower() != "websocket":
            raise StationError("handshake answer without Upgrade: websocket")
        if "upgrade" not in headers.get("connection", "").lower():
            raise StationError("handshake answer without Connection: Upgrade")
        if headers.get("sec-websocket-accept", "").encode() != accept_value(self.key):
            raise StationError("wrong Sec-WebSocket-Accept")
        if "sec-websocket-extensions" in headers:
            raise StationError("the server chose an extension that was not offered")
        return True

    def frames(self) -> list[tuple[int, bytes]]:
        """Take every complete frame from the buffer: (opcode, payload) of data messages
        (fragments joined) and of control frames; a partial frame stays for the next read."""
        found: list[tuple[int, bytes]] = []
        buf = self.buf
        pos = 0
        size = len(buf)
        while size - pos >= 2:
            b0, b1 = buf[pos], buf[pos + 1]
            if b0 & 0x70:
                raise StationError("reserved bits set (no extension was negotiated)")
            if b1 & 0x80:
                raise StationError("the server masked a frame")
            fin, opcode, length = b0 & 0x80, b0 & 0x0F, b1 & 0x7F
            head = 2
            if length == 126:
                if size - pos < 4:
                    break
                length = struct.unpack_from("!H", buf, pos + 2)[0]
                head = 4
            elif length == 127:
                if size - pos < 10:
                    break
                length = struct.unpack_from("!Q", buf, pos + 2)[0]
                head = 10
            if size - pos < head + length:
                break
            payload = bytes(buf[pos + head : pos + head + length])
            pos += head + length
            if opcode >= OP_CLOSE:
                if not fin or length > 125:
                    raise StationError("fragmented or long control frame")
                found.append((opcode, payload))
            elif opcode == OP_CONT:
                if self.frag is None:
                    raise StationError("continuation frame without a start")
                self.frag += payload
                if fin:
                    found.append((OP_TEXT, bytes(self.frag)))
                    self.frag = None
            elif opcode == OP_TEXT:
                if self.frag is not None:
                    raise StationError("new message inside a fragmented one")
                if fin:
                    found.append((OP_TEXT, payload))
                else:
                    self.frag = bytearray(payload)
            else:
                raise StationError(f"unexpected opcode {opcode:#x}")
        if pos:
            del buf[:pos]
        return found


class Stations:
    """Every station of this process on one selector; runs until input ends."""

    def __init__(self, host: str, port: int, tokens: list[str]) -> None:
        self.host, self.port = host, port
        self.todo = list(reversed(tokens))
        self.expected = len(tokens)
        self.sel = selectors.DefaultSelector()
        self.connecting = 0
        self.hello = 0
        self.online = 0
        self.arrivals: dict[str, list[float]] = {}
        self.kernel: dict[str, list[float]] = {}
        self.view = memoryview(bytearray(262144))
        self.ready_sent = False
        self.commands = bytearray()
        self.messages = 0  # since "mark"
        self.cpu_at_ready = self.user_at_ready = 0.0
        self.out = sys.stdout

    def say(self, line: str) -> None:
        self.out.write(line + "\n")
        self.out.flush()

    def start_some(self) -> None:
        while self.todo and self.connecting < CONNECTING_MAX:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
            sock.setblocking(False)
            station = Station(sock, self.todo.pop())
            err = sock.connect_ex((self.host, self.port))
            if err not in (0, 115):  # EINPROGRESS
                raise StationError(f"connect failed: {os.strerror(err)}")
            self.sel.register(sock, selectors.EVENT_WRITE, station)
            self.connecting += 1

    def send(self, station: Station, data: bytes) -> None:
        station.out += data
        self.flush(station)

    def flush(self, station: Station) -> None:
        if station.out:
            try:
                sent = station.sock.send(station.out)
            except BlockingIOError:
                sent = 0
            del station.out[:sent]
        events = selectors.EVENT_READ | (selectors.EVENT_WRITE if station.out else 0)
        if self.sel.get_key(station.sock).events != events:
            self.sel.modify(station.sock, events, station)

    def on_writable(self, station: Station) -> None:
        if station.state == "connecting":
            err = station.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                raise StationError(f"connect failed: {os.strerror(err)}")
            station.state = "handshake"
            self.send(station, station.upgrade_request(self.host, self.port))
        else:
            self.flush(station)

    def on_readable(self, station: Station) -> None:
        try:
            # Into one buffer kept for the process: a fresh 256 KiB bytes object per read is
            # an mmap, page faults and a munmap each time (measured: most of the kernel time).
            size, ancillary, _, _ = station.sock.recvmsg_into([self.view], STAMP_SPACE)
        except (BlockingIOError, InterruptedError):
            return
        station.rx = None
        for level, kind, stamp in ancillary:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(stamp) >= 16:
                seconds, nanoseconds = struct.unpack_from("qq", stamp)
                station.rx = seconds + nanoseconds * 1e-9
        if not size:
            raise StationError(f"the server closed a connection ({station.state})")
        view = self.view
        if station.state == "open" and not station.buf and station.frag is None:
            # The usual read: exactly one whole final text frame, taken straight from the
            # read buffer (the general path below gives the same result, only slower).
            b0, length = view[0], view[1]  # no mask bit, so 127 (64-bit) is not taken
            head = 2
            if length == 126 and size >= 4:
                length = (view[2] << 8) | view[3]
                head = 4
            if b0 == 0x81 and (head == 4 or length < 126) and head + length == size:
                self.on_message(station, bytes(view[head:size]))
                return
        station.buf += view[:size]
        if station.state == "handshake":
            if not station.finish_handshake():
                return
            station.state = "auth"
            auth = json.dumps({"type": "auth", "token": station.token}).encode()
            self.send(station, client_frame(OP_TEXT, auth))
        for opcode, payload in station.frames():
            if opcode == OP_TEXT:
                self.on_message(station, payload)
            elif opcode == OP_PING:
                self.send(station, client_frame(OP_PONG, payload))
            elif opcode == OP_CLOSE:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                reason = payload[2:].decode("utf-8", "replace")
                # Answer the close as RFC 6455 asks, then fail: no station may be dropped.
                echo = payload[:2] if len(payload) >= 2 else b""
                with_close = client_frame(OP_CLOSE, echo)
                try:
                    station.sock.send(with_close)
                except OSError:
                    pass
                raise StationError(f"the server closed a stream: {code} {reason}")

    def on_message(self, station: Station, payload: bytes) -> None:
        if station.state == "auth":
            if json.loads(payload).get("type") != "hello":
                raise StationError(f"first message is not hello: {payload[:120]!r}")
            station.state = "open"
            self.connecting -= 1
            self.hello += 1
            return
        self.messages += 1
        alarm_id = alarm_id_of(payload)
        if alarm_id is None:
            if payload.startswith(b'{"type":"stations.online"'):
                self.online += 1
            return
        now = time.monotonic()
        if alarm_id in station.got:
            raise StationError(f"alarm {alarm_id} arrived twice at one station")
        station.got.add(alarm_id)
        times = self.arrivals.get(alarm_id)
        if times is None:
            times = self.arrivals[alarm_id] = []
            self.kernel[alarm_id] = []
        times.append(now)
        if station.rx is not None:
            # The kernel's stamp of the frame's last segment, on the monotonic clock: how
            # long ago (realtime) it came in, taken from now (monotonic).
            self.kernel[alarm_id].append(now - (time.time() - station.rx))
        if len(times) == self.expected:
            self.say(f"DONE {alarm_id}")

    def on_command(self) -> bool:
        """Read the parent's input (unbuffered, so select stays truthful); False at its end."""
        data = os.read(0, 4096)
        if not data:
            return False
        self.commands += data
        while b"\n" in self.commands:
            line, _, rest = bytes(self.commands).partition(b"\n")
            self.commands = bytearray(rest)
            if line.strip() == b"mark":
                self.cpu_at_ready = time.process_time()
                self.user_at_ready = os.times().user
                self.messages = self.online = 0
            elif line.strip() == b"report":
                cpu = time.process_time() - self.cpu_at_ready
                user = os.times().user - self.user_at_ready
                report = {
                    "arrivals": self.arrivals,
                    "kernel": self.kernel,
                    "online": self.online,
                    "messages": self.messages,
                    "cpu": cpu,
                    "user": user,
                }
                self.say(json.dumps(report))
        return True

    def run(self) -> None:
        deadline = time.monotonic() + LIFETIME_SECONDS
        self.sel.register(0, selectors.EVENT_READ, None)
        self.start_some()
        while time.monotonic() < deadline:
            for key, events in self.sel.select(1.0):
                station = key.data
                if station is None:
                    if not self.on_command():
                        return
                    continue
                if events & selectors.EVENT_READ:
                    self.on_readable(station)
                if events & selectors.EVENT_WRITE:
                    self.on_writable(station)
            if self.todo:
                self.start_some()
            elif not self.ready_sent and self.hello == self.expected:
                self.ready_sent = True
                self.say(f"READY {self.hello}")
        raise StationError("the stations' process ran out of time")


def main(argv: list[str]) -> int:
    host, port, token_file = argv
    gc.disable()  # a measuring tool: its own collector pauses are not the server's latency
    tokens: list[str] = json.loads(Path(token_file).read_text())
    try:
        Stations(host, int(port), tokens).run()
    except (StationError, OSError, ValueError) as exc:
        print(f"ERROR {exc}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
