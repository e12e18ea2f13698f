"""The server's event stream (WebSocket ``/api/v1/stream``) on QWebSocket.

It keeps itself alive: a ping every 10 s, and when nothing at all arrives for 25 s the socket
is aborted (a half-open TCP connection never says goodbye). Lost connections are retried with
exponential backoff and jitter, 1 s up to 60 s. Every JSON event is handed on through
:attr:`Stream.received`, so other services (alarms) can listen on the same connection.
"""

from __future__ import annotations

import json
import logging
import random
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtNetwork import QAbstractSocket, QNetworkRequest, QSslConfiguration, QSslError
from PySide6.QtWebSockets import QWebSocket, QWebSocketProtocol

from veiligbalie.net.api import normalise_base_url, ssl_configuration
from veiligbalie.protocol.events import CLOSE_UNAUTHORIZED, STREAM_PATH

log = logging.getLogger(__name__)

PING_INTERVAL_MS = 10_000
SILENCE_LIMIT_MS = 25_000
BACKOFF_MIN_MS = 1_000
BACKOFF_MAX_MS = 60_000


def backoff_delay(attempt: int, minimum_ms: int, maximum_ms: int, rng: random.Random) -> int:
    """Exponential backoff with "equal jitter": between half and all of min * 2^attempt."""
    ceiling = min(maximum_ms, minimum_ms * (2 ** min(attempt, 30)))
    return int(ceiling / 2 + rng.random() * ceiling / 2)


class Stream(QObject):
    """One authenticated WebSocket to the server, kept open until :meth:`stop`."""

    connected = Signal()  # the server said hello: authenticated and live
    disconnected = Signal()
    # every JSON object the server sends (hello, changes, alarm.*); not named ``event``,
    # which would shadow QObject.event()
    received = Signal(dict)
    auth_failed = Signal()  # the token was refused; no retry until a new token is set
    error = Signal(str)  # a readable reason for the last failure (certificate, refused...)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        ping_interval_ms: int = PING_INTERVAL_MS,
        silence_limit_ms: int = SILENCE_LIMIT_MS,
        backoff_min_ms: int = BACKOFF_MIN_MS,
        backoff_max_ms: int = BACKOFF_MAX_MS,
    ) -> None:
        super().__init__(parent)
        self.ping_interval_ms = ping_interval_ms
        self.silence_limit_ms = silence_limit_ms
        self.backoff_min_ms = backoff_min_ms
        self.backoff_max_ms = backoff_max_ms
        self._rng = random.Random()
        self._url = ""
        self._token: str | None = None
        # The TLS backend and the system's CA store (~80 ms the first time) are loaded when
        # an address is configured, not when the stream is built at start.
        self._ssl: QSslConfiguration | None = None
        self._socket: QWebSocket | None = None
        self._running = False
        self._live = False
        self._attempt = 0
        self._last_heard = 0.0
        self._ssl_errors: list[str] = []

        self._ping_timer = QTimer(self)
        self._ping_timer.setInterval(ping_interval_ms)
        self._ping_timer.timeout.connect(self._ping)
        self._watchdog = QTimer(self)
        self._watchdog.setInterval(max(200, min(1_000, silence_limit_ms // 5)))
        self._watchdog.timeout.connect(self._check_silence)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self._open)

    # -- Control ---------------------------------------------------------------------------
    def configure(
        self, base_url: str, token: str | None, ca_file: str | Path | None = None
    ) -> None:
        """Where to connect and with which token; reconnects when running and changed.
        Raises ValueError for an unusable address or CA file."""
        url = normalise_base_url(base_url) if base_url else ""
        ssl = ssl_configuration(ca_file) if url or ca_file else None
        changed = (url, token) != (self._url, self._token)
        self._url, self._token, self._ssl = url, token, ssl
        if self._running and changed:
            self._attempt = 0
            self._drop(schedule=False)
            self._open()

    def start(self) -> None:
        if self._running:
            return
        self._running = True
        self._attempt = 0
        self._open()

    def stop(self) -> None:
        self._running = False
        self._retry.stop()
        self._drop(schedule=False)

    @property
    def is_connected(self) -> bool:
        return self._live

    @property
    def running(self) -> bool:
        return self._running

    def send(self, message: dict[str, Any]) -> bool:
        """Send a JSON object (alarms use this); False when not connected."""
        if not self._live or self._socket is None:
            return False
        self._socket.sendTextMessage(json.dumps(message))
        return True

    def retry_delay_ms(self) -> int:
        """The wait before the next reconnect attempt (grows with each failure)."""
        return backoff_delay(self._attempt, self.backoff_min_ms, self.backoff_max_ms, self._rng)

    # -- Connection ------------------------------------------------------------------------
    def _stream_url(self) -> QUrl:
        url = QUrl(self._url + STREAM_PATH)
        url.setScheme("wss" if url.scheme() == "https" else "ws")
        return url

    def _open(self) -> None:
        if not self._running or not self._url or not self._token:
            return
        self._drop(schedule=False)
        if self._ssl is None:
            self._ssl = ssl_configuration(None)
        socket = QWebSocket("", QWebSocketProtocol.Version.VersionLatest, self)
        socket.setSslConfiguration(self._ssl)
        socket.connected.connect(self._on_connected)
        socket.disconnected.connect(self._on_disconnected)
        socket.textMessageReceived.connect(self._on_message)
        socket.errorOccurred.connect(self._on_error)
        socket.sslErrors.connect(self._on_ssl_errors)
        self._socket = socket
        self._ssl_errors = []
        self._last_heard = time.monotonic()
        self._watchdog.start()  # also bounds a connect that hangs
        request = QNetworkRequest(self._stream_url())
        request.setSslConfiguration(self._ssl)
        # The token goes in the handshake's Authorization header: never in the URL, which
        # servers and proxies write to their access logs.
        request.setRawHeader(b"Authorization", f"Bearer {self._token}".encode("ascii"))
        socket.open(request)

    def _drop(self, schedule: bool) -> None:
        """Forget the current socket; tell listeners once; maybe plan a retry."""
        socket, self._socket = self._socket, None
        self._ping_timer.stop()
        self._watchdog.stop()
        if socket is not None:
            for signal in (socket.disconnected, socket.textMessageReceived, socket.errorOccurred):
                try:
                    signal.disconnect()
                except (RuntimeError, TypeError):
                    pass
            socket.abort()
            socket.deleteLater()
        if self._live:
            self._live = False
            self.disconnected.emit()
        if schedule and self._running:
            delay = self.retry_delay_ms()
            self._attempt += 1
            log.info("stream: reconnecting in %.1f s", delay / 1000)
            self._retry.start(delay)

    def _on_connected(self) -> None:
        self._last_heard = time.monotonic()
        self._ping_timer.start()

    def _on_disconnected(self) -> None:
        socket = self._socket
        code = socket.closeCode() if socket is not None else None
        # A code outside the enum (like 4401) still comes as a CloseCode, with that value.
        if code is not None and code.value == CLOSE_UNAUTHORIZED:
            log.warning("stream: the server refused the token")
            self._running = False
            self._drop(schedule=False)
            self.auth_failed.emit()
            return
        if not self._live and socket is not None:
            # Never got as far as hello: refused, unreachable or a failed TLS handshake.
            self.error.emit("; ".join(self._ssl_errors) or socket.errorString())
        self._drop(schedule=True)

    def _on_error(self, _error: QAbstractSocket.SocketError) -> None:
        socket = self._socket
        if socket is None:
            return
        reason = "; ".join(self._ssl_errors) or socket.errorString()
        log.info("stream: %s", reason)
        self.error.emit(reason)
        # An error always ends this socket (QWebSocket does not always follow it with
        # ``disconnected`` when it never connected); a fresh one is opened after the backoff.
        self._drop(schedule=True)

    def _on_ssl_errors(self, errors: list[QSslError]) -> None:
        # Never ignored: the connection fails and the reason is reported.
        self._ssl_errors = [e.errorString() for e in errors]

    def _on_message(self, text: str) -> None:
        self._last_heard = time.monotonic()
        try:
            message = json.loads(text)
        except ValueError:
            log.warning("stream: ignoring a message that is not JSON")
            return
        if not isinstance(message, dict):
            return
        kind = message.get("type")
        if kind == "ping" and self._socket is not None:
            self._socket.sendTextMessage('{"type":"pong"}')
        if kind == "hello" and not self._live:
            self._live = True
            self._attempt = 0
            self.connected.emit()
        self.received.emit(message)

    def _ping(self) -> None:
        if self._socket is not None:
            self._socket.sendTextMessage('{"type":"ping"}')

    def _check_silence(self) -> None:
        silent_ms = (time.monotonic() - self._last_heard) * 1000
        if silent_ms >= self.silence_limit_ms:
            log.info("stream: nothing heard for %.0f s, reconnecting", silent_ms / 1000)
            self.error.emit("no answer from the server")
            self._drop(schedule=True)
