"""The central server's REST API on QNetworkAccessManager: event driven, no blocking calls.

Every call returns at once; its answer (a protocol model) or an :class:`ApiError` arrives later
through the callback. Certificates are always verified; an organisation CA file (setting
``SERVER_CA_FILE``) adds trust anchors, it never switches verification off.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal, TypeVar
from urllib.parse import quote, urlencode

from pydantic import BaseModel, TypeAdapter, ValidationError
from PySide6.QtCore import QByteArray, QFile, QIODevice, QObject, QUrl
from PySide6.QtNetwork import (
    QNetworkAccessManager,
    QNetworkReply,
    QNetworkRequest,
    QSsl,
    QSslCertificate,
    QSslConfiguration,
    QSslError,
    QSslSocket,
)

from veiligbalie.protocol.alarm_server import AlarmDetail
from veiligbalie.protocol.auth import (
    EnrollRequest,
    EnrollResponse,
    LoginRequest,
    LoginResponse,
    MeResponse,
    Message,
    PasswordChangeRequest,
)
from veiligbalie.protocol.sync import (
    API_VERSION,
    API_VERSION_HEADER,
    PULL_LIMIT_DEFAULT,
    SERVER_VERSION_HEADER,
    HealthResponse,
    PullResponse,
    PushRequest,
    PushResponse,
)

if TYPE_CHECKING:
    # The wire models of review, privacy and the dossier: imported by the calls that use
    # them, so the alarm path and sync (what start-up needs) do not load them.
    from veiligbalie.core.dossier import SignaleringState
    from veiligbalie.protocol import dossier as pd
    from veiligbalie.protocol.incidents import IncidentDetail, IncidentList
    from veiligbalie.protocol.privacy import AuditPage
    from veiligbalie.protocol.review import (
        AlarmFollowUpClosed,
        AlarmFollowUpOut,
        AttachmentOut,
        PersonOut,
    )

log = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)

ErrorKind = Literal["offline", "auth", "rejected", "epoch", "server", "certificate", "version"]
DEFAULT_TIMEOUT_MS = 15_000
API_PREFIX = "/api/v1"


def _dossier() -> ModuleType:
    """The dossier's wire models, imported by the first dossier call."""
    from veiligbalie.protocol import dossier

    return dossier


@cache
def list_of(kind: str) -> TypeAdapter[Any]:
    """How a list answer is read (``ApiCall`` takes a model class or one of these): made on
    first use, with its wire model."""
    if kind == "dossier_persons":
        from veiligbalie.protocol import dossier as pd

        return TypeAdapter(list[pd.PersonOut])
    from veiligbalie.protocol import review

    model = {
        "people": review.PersonOut,
        "attachments": review.AttachmentOut,
        "alarm_followups": review.AlarmFollowUpOut,
    }[kind]
    return TypeAdapter(list[model])  # type: ignore[valid-type]  # a model class chosen above


Decoder = type[BaseModel] | TypeAdapter[Any]


@dataclass
class ApiError(Exception):
    """Why a call failed, in a few kinds the sync engine and the UI act on.

    ``offline``: not reachable or timed out (retry later); ``auth``: token missing, expired or
    revoked, or wrong credentials (401); ``rejected``: the server refused the request (4xx);
    ``epoch``: the server's database is another one than the client synced with (409 with an
    epoch; ``epoch`` holds the server's); ``server``: a 5xx or an answer that makes no sense;
    ``certificate``: the server's TLS certificate is not trusted (never ignored);
    ``version``: the server speaks another API version (``server_api``, newer or older than
    API_VERSION; its program version in ``server_version``): the answer is not used, and
    nothing is dropped on either side.
    """

    kind: ErrorKind
    status: int = 0
    message: str = ""
    epoch: str | None = None
    server_api: int | None = None
    server_version: str = ""

    @property
    def server_newer(self) -> bool:
        """A ``version`` error of a server newer than this client."""
        return self.kind == "version" and (self.server_api or 0) > API_VERSION

    def __str__(self) -> str:
        status = f" {self.status}" if self.status else ""
        return f"{self.kind}{status}: {self.message}" if self.message else f"{self.kind}{status}"

    @property
    def transient(self) -> bool:
        """Worth retrying later without anyone doing anything."""
        return self.kind in ("offline", "server")


def normalise_base_url(url: str) -> str:
    """``https://host:port`` without a trailing slash; raises ValueError when unusable."""
    text = url.strip()
    if not text:
        raise ValueError("empty server address")
    if "://" not in text:
        text = "https://" + text
    qurl = QUrl(text)
    if not qurl.isValid() or qurl.scheme() not in ("http", "https") or not qurl.host():
        raise ValueError(f"not a server address: {url!r}")
    return qurl.toString().rstrip("/")


def load_ca_certificates(path: str | Path) -> list[QSslCertificate]:
    """The PEM (or DER) certificates in ``path``; raises ValueError when there are none."""
    file = Path(path)
    if not file.is_file():
        raise ValueError(f"the CA file {file} does not exist")
    certificates = QSslCertificate.fromPath(str(file), QSsl.EncodingFormat.Pem)
    if not certificates:
        certificates = QSslCertificate.fromPath(str(file), QSsl.EncodingFormat.Der)
    certificates = [c for c in certificates if not c.isNull()]
    if not certificates:
        raise ValueError(f"the file {file} holds no certificate")
    return certificates


def ssl_configuration(ca_file: str | Path | None) -> QSslConfiguration:
    """The system's trust store plus the organisation's CA certificates, peers verified."""
    config = QSslConfiguration.defaultConfiguration()
    config.setPeerVerifyMode(QSslSocket.PeerVerifyMode.VerifyPeer)
    if ca_file:
        config.setCaCertificates(list(config.caCertificates()) + load_ca_certificates(ca_file))
    return config


def _ca_list(config: QSslConfiguration) -> list[bytes]:
    return [bytes(c.toDer().data()) for c in config.caCertificates()]


class ApiCall(QObject):
    """One request in flight; :meth:`abort` ends it with an ``offline`` error."""

    def __init__(
        self,
        reply: QNetworkReply,
        model: Decoder | None,
        callback: Callable[[Any, ApiError | None], None],
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self._reply = reply
        self._model = model
        self._callback = callback
        self._ssl_errors: list[str] = []
        self._done = False
        reply.sslErrors.connect(self._on_ssl_errors)
        reply.finished.connect(self._on_finished)

    def abort(self) -> None:
        if not self._done:
            self._reply.abort()

    @property
    def done(self) -> bool:
        return self._done

    def _on_ssl_errors(self, errors: list[QSslError]) -> None:
        # Never ignoreSslErrors(): the handshake fails and the user is told why.
        self._ssl_errors = [e.errorString() for e in errors]

    def _on_finished(self) -> None:
        reply = self._reply
        self._done = True
        try:
            result, error = self._decode(reply)
        finally:
            reply.deleteLater()
            self.deleteLater()
        try:
            self._callback(result, error)
        except Exception:
            log.exception("API callback failed")

    def _body(self, reply: QNetworkReply) -> bytes:
        return bytes(reply.readAll().data())

    def _success(self, status: int, body: bytes) -> tuple[Any, ApiError | None]:
        if self._model is None:
            return None, None
        try:
            if isinstance(self._model, TypeAdapter):
                return self._model.validate_json(body), None
            return self._model.model_validate_json(body), None
        except ValidationError as exc:
            return None, ApiError(
                "server", status, f"unexpected answer: {exc.error_count()} errors"
            )

    def _decode(self, reply: QNetworkReply) -> tuple[Any, ApiError | None]:
        status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute) or 0
        status = int(status)
        body = self._body(reply)
        network_error = reply.error()
        if status == 0:
            if self._ssl_errors or network_error in (
                QNetworkReply.NetworkError.SslHandshakeFailedError,
                QNetworkReply.NetworkError.InsecureRedirectError,
            ):
                detail = "; ".join(self._ssl_errors) or reply.errorString()
                return None, ApiError("certificate", 0, detail)
            # No HTTP answer at all: refused, unreachable, reset or timed out. Retry later.
            return None, ApiError("offline", 0, reply.errorString())
        mismatch = _version_mismatch(reply, status)
        if mismatch is not None:
            return None, mismatch
        if 200 <= status < 300:
            return self._success(status, body)
        detail, epoch = _error_detail(body)
        if status == 401:
            return None, ApiError("auth", status, detail)
        if status == 409 and epoch:
            return None, ApiError("epoch", status, detail, epoch=epoch)
        if status in (408, 429) or status >= 500:
            return None, ApiError("server", status, detail)
        return None, ApiError("rejected", status, detail)


class UploadCall(ApiCall):
    """An attachment upload: the file is streamed from disk (a QFile the reply reads as it
    sends), closed when the answer is in."""

    def __init__(
        self,
        reply: QNetworkReply,
        source: QFile,
        callback: Callable[[Any, ApiError | None], None],
        parent: QObject,
    ) -> None:
        from veiligbalie.protocol.review import AttachmentOut

        super().__init__(reply, AttachmentOut, callback, parent)
        self._source = source
        source.setParent(self)

    def _on_finished(self) -> None:
        self._source.close()
        super()._on_finished()


class DownloadCall(ApiCall):
    """An attachment download: the bytes go to a temporary file next to ``dest`` as they
    arrive, hashed on the way; only a complete file whose SHA-256 is the expected one is
    renamed to ``dest``. The callback gets ``dest`` or an error (``server`` when the bytes
    differ from the checksum; nothing is left behind then)."""

    def __init__(
        self,
        reply: QNetworkReply,
        sha256: str,
        dest: Path,
        callback: Callable[[Path | None, ApiError | None], None],
        parent: QObject,
    ) -> None:
        self._sha256 = sha256.lower()
        self._dest = dest
        self._hash = hashlib.sha256()
        self._status = 0
        self._error_body = bytearray()
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".download-", dir=dest.parent)
        self._tmp = Path(name)
        self._out = os.fdopen(fd, "wb")
        super().__init__(reply, None, callback, parent)
        reply.readyRead.connect(self._on_ready_read)

    def _on_ready_read(self) -> None:
        reply = self._reply
        if not self._status:
            status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
            self._status = int(status or 0)
        chunk = bytes(reply.readAll().data())
        if not chunk:
            return
        if 200 <= self._status < 300:
            self._hash.update(chunk)
            self._out.write(chunk)
        elif len(self._error_body) < 64 * 1024:
            self._error_body.extend(chunk)

    def _body(self, reply: QNetworkReply) -> bytes:
        self._on_ready_read()
        return bytes(self._error_body)

    def _decode(self, reply: QNetworkReply) -> tuple[Any, ApiError | None]:
        try:
            result, error = super()._decode(reply)
        finally:
            if not self._out.closed:
                self._out.close()
        if error is not None or result is None:
            with contextlib.suppress(FileNotFoundError):
                self._tmp.unlink()
        return result, error

    def _success(self, status: int, body: bytes) -> tuple[Any, ApiError | None]:
        from veiligbalie.protocol.review import SHA256_HEADER

        header = bytes(self._reply.rawHeader(SHA256_HEADER).data()).decode("ascii", "replace")
        digest = self._hash.hexdigest()
        if digest != self._sha256 or (header and header.lower() != self._sha256):
            return None, ApiError(
                "server", status, f"the file's checksum differs: expected {self._sha256}"
            )
        try:
            self._out.flush()
            os.fsync(self._out.fileno())
            self._out.close()
            os.replace(self._tmp, self._dest)
        except OSError as exc:
            return None, ApiError("server", status, f"cannot store the file: {exc.strerror}")
        return self._dest, None


def _header(reply: QNetworkReply, name: str) -> str:
    return bytes(reply.rawHeader(name).data()).decode("ascii", "replace").strip()


def _version_mismatch(reply: QNetworkReply, status: int) -> ApiError | None:
    """A ``version`` error when the server says it speaks another API version than this
    client; None when it speaks ours or says nothing (a server from before the header)."""
    try:
        api = int(_header(reply, API_VERSION_HEADER))
    except ValueError:
        return None
    if api == API_VERSION:
        return None
    program = _header(reply, SERVER_VERSION_HEADER) or "?"
    side = "newer" if api > API_VERSION else "older"
    log.warning("the server %s (API %d) is %s than this client (API %d)", program, api, side,
                API_VERSION)  # fmt: skip
    return ApiError(
        "version",
        status,
        f"the server (VeiligBalie {program}, API {api}) is {side} than this workstation "
        f"(API {API_VERSION})",
        server_api=api,
        server_version=program,
    )


def _error_detail(body: bytes) -> tuple[str, str | None]:
    """The server's ``detail`` message (FastAPI style) and an ``epoch`` when present."""
    try:
        data = json.loads(body) if body else {}
    except ValueError:
        return body[:200].decode("utf-8", "replace"), None
    if not isinstance(data, dict):
        return "", None
    detail = data.get("detail", "")
    if isinstance(detail, list):  # a pydantic validation error list
        detail = "; ".join(str(item.get("msg", item)) for item in detail if isinstance(item, dict))
    elif isinstance(detail, dict):
        epoch = detail.get("epoch")
        return str(detail.get("detail", detail.get("message", ""))), (str(epoch) if epoch else None)
    epoch = data.get("epoch")
    return str(detail), (str(epoch) if epoch else None)


class ServerApi(QObject):
    """Calls on the central server. Configure with :meth:`configure`; every call is async."""

    def __init__(self, parent: QObject | None = None, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> None:
        super().__init__(parent)
        self._manager = QNetworkAccessManager(self)
        self._base_url = ""
        self._token: str | None = None
        self._device_id: uuid.UUID | None = None
        # The TLS backend and the system's CA store (~80 ms the first time) are loaded when a
        # server address is configured or a request made, not when the client starts.
        self._ssl: QSslConfiguration | None = None
        self.timeout_ms = timeout_ms

    # -- Configuration ---------------------------------------------------------------------
    def configure(
        self,
        base_url: str,
        ca_file: str | Path | None = None,
        device_id: uuid.UUID | None = None,
    ) -> None:
        """Raises ValueError for an unusable address or CA file (nothing changes then)."""
        normalised = normalise_base_url(base_url) if base_url else ""
        config = ssl_configuration(ca_file) if normalised or ca_file else None
        old = _ca_list(self._ssl) if self._ssl is not None else []
        if (normalised, _ca_list(config) if config is not None else []) != (self._base_url, old):
            # Qt keeps connections (and their TLS trust) per host: drop them, or a newly
            # trusted CA would only count after the old connection ends.
            self._manager.clearConnectionCache()
            self._manager.clearAccessCache()
        self._base_url = normalised
        self._ssl = config
        if device_id is not None:
            self._device_id = device_id

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def ssl(self) -> QSslConfiguration:
        if self._ssl is None:
            self._ssl = ssl_configuration(None)
        return self._ssl

    def set_token(self, token: str | None) -> None:
        self._token = token or None

    @property
    def has_token(self) -> bool:
        return self._token is not None

    def set_device_id(self, device_id: uuid.UUID) -> None:
        self._device_id = device_id

    # -- Routes ----------------------------------------------------------------------------
    def health(self, callback: Callable[[HealthResponse | None, ApiError | None], None]) -> ApiCall:
        return self.call("GET", "/healthz", None, HealthResponse, callback, prefix=False)

    def enroll(
        self,
        body: EnrollRequest,
        callback: Callable[[EnrollResponse | None, ApiError | None], None],
    ) -> ApiCall:
        return self.call("POST", "/enroll", body, EnrollResponse, callback, token=False)

    def login(
        self, body: LoginRequest, callback: Callable[[LoginResponse | None, ApiError | None], None]
    ) -> ApiCall:
        return self.call("POST", "/auth/login", body, LoginResponse, callback, token=False)

    def logout(
        self, token: str, callback: Callable[[Message | None, ApiError | None], None]
    ) -> ApiCall:
        return self.call("POST", "/auth/logout", None, None, callback, bearer=token)

    def change_password(
        self,
        body: PasswordChangeRequest,
        callback: Callable[[Message | None, ApiError | None], None],
    ) -> ApiCall:
        return self.call("POST", "/auth/password", body, None, callback)

    def me(self, callback: Callable[[MeResponse | None, ApiError | None], None]) -> ApiCall:
        return self.call("GET", "/me", None, MeResponse, callback)

    def push(
        self, body: PushRequest, callback: Callable[[PushResponse | None, ApiError | None], None]
    ) -> ApiCall:
        return self.call("POST", "/sync/push", body, PushResponse, callback)

    def pull(
        self,
        cursor: int,
        callback: Callable[[PullResponse | None, ApiError | None], None],
        limit: int = PULL_LIMIT_DEFAULT,
    ) -> ApiCall:
        query = urlencode({"cursor": cursor, "limit": limit})
        return self.call("GET", f"/sync/pull?{query}", None, PullResponse, callback)

    # -- Review: people, attachments, alarm follow-up ---------------------------------------
    def people(
        self,
        callback: Callable[[list[PersonOut] | None, ApiError | None], None],
        incident_id: uuid.UUID | None = None,
    ) -> ApiCall:
        """Whom a report or task can be assigned to (reviewers only; others get 403); with
        ``incident_id`` the team leads of the reporter's team come first (and, for a report
        only team leads see, are the only team leads)."""
        path = f"/people?incident={incident_id}" if incident_id is not None else "/people"
        return self.call("GET", path, None, list_of("people"), callback)

    def incident_detail(
        self,
        incident_id: uuid.UUID,
        callback: Callable[[IncidentDetail | None, ApiError | None], None],
    ) -> ApiCall:
        from veiligbalie.protocol.incidents import IncidentDetail

        return self.call("GET", f"/incidents/{incident_id}", None, IncidentDetail, callback)

    def incident_by_reference(
        self, reference: str, callback: Callable[[IncidentList | None, ApiError | None], None]
    ) -> ApiCall:
        """The reports known by ``reference`` (final or provisional number), the one that has
        it as its final number first."""
        query = urlencode({"reference": reference})
        from veiligbalie.protocol.incidents import IncidentList

        return self.call("GET", f"/incidents?{query}", None, IncidentList, callback)

    def attachments(
        self,
        incident_id: uuid.UUID,
        callback: Callable[[list[AttachmentOut] | None, ApiError | None], None],
    ) -> ApiCall:
        return self.call(
            "GET", f"/incidents/{incident_id}/attachments", None, list_of("attachments"), callback
        )

    def upload_attachment(
        self,
        incident_id: uuid.UUID,
        sha256: str,
        path: str | Path,
        name: str,
        mime: str,
        callback: Callable[[AttachmentOut | None, ApiError | None], None],
    ) -> ApiCall:
        """Send one file of a report's attachment list, streamed from ``path``. The answer is
        the same for a first upload (201) and a repeat (200). Raises OSError at once when the
        file cannot be opened."""
        source = QFile(str(path))
        if not source.open(QIODevice.OpenModeFlag.ReadOnly):
            raise OSError(f"cannot read {path}: {source.errorString()}")
        from veiligbalie.protocol.review import FILENAME_HEADER

        request = self._request(f"/incidents/{incident_id}/attachments/{sha256.lower()}")
        request.setHeader(
            QNetworkRequest.KnownHeaders.ContentTypeHeader, mime or "application/octet-stream"
        )
        request.setHeader(QNetworkRequest.KnownHeaders.ContentLengthHeader, source.size())
        request.setRawHeader(
            QByteArray(FILENAME_HEADER.encode("ascii")),
            QByteArray(quote(name, safe="").encode("ascii")),
        )
        reply = self._manager.sendCustomRequest(request, QByteArray(b"PUT"), source)
        return UploadCall(reply, source, callback, self)

    def download_attachment(
        self,
        incident_id: uuid.UUID,
        sha256: str,
        dest_path: str | Path,
        callback: Callable[[Path | None, ApiError | None], None],
    ) -> ApiCall:
        """Fetch one file to ``dest_path`` (written as a temporary file, checked against
        ``sha256``, then renamed). ``callback(dest_path, None)``, or an error: ``rejected``
        404 when it is not visible or not on the server yet, ``server`` when the checksum
        differs (nothing is written then)."""
        request = self._request(f"/incidents/{incident_id}/attachments/{sha256.lower()}")
        request.setRawHeader(QByteArray(b"Accept"), QByteArray(b"*/*"))
        reply = self._manager.get(request)
        return DownloadCall(reply, sha256, Path(dest_path), callback, self)

    def alarm_detail(
        self, alarm_id: uuid.UUID, callback: Callable[[AlarmDetail | None, ApiError | None], None]
    ) -> ApiCall:
        """One alarm with its log (who got it over which path, who answered, when)."""
        return self.call("GET", f"/alarms/{alarm_id}", None, AlarmDetail, callback)

    def alarm_followups(
        self, callback: Callable[[list[AlarmFollowUpOut] | None, ApiError | None], None]
    ) -> ApiCall:
        """Alarms without a report, or cancelled, that no reviewer closed yet."""
        return self.call("GET", "/alarms/followup", None, list_of("alarm_followups"), callback)

    def close_alarm_followup(
        self,
        alarm_id: uuid.UUID,
        reason: str,
        callback: Callable[[AlarmFollowUpClosed | None, ApiError | None], None],
    ) -> ApiCall:
        from veiligbalie.protocol.review import AlarmFollowUpClose, AlarmFollowUpClosed

        body = AlarmFollowUpClose(reason=reason)
        return self.call(
            "POST", f"/alarms/{alarm_id}/followup", body, AlarmFollowUpClosed, callback
        )

    # -- Privacy: the audit log (administrators and privacy officers) ----------------------
    def audit(
        self,
        callback: Callable[[AuditPage | None, ApiError | None], None],
        *,
        user: str = "",
        person: uuid.UUID | None = None,
        since: str = "",
        until: str = "",
        limit: int = 200,
        offset: int = 0,
        bearer: str | None = None,
    ) -> ApiCall:
        """One page of the audit log, newest first (403 for every other role); ``since``
        and ``until`` are ISO instants with their time zone; ``bearer``: the signed-in
        person's token when this api speaks as the station."""
        query: dict[str, Any] = {"limit": limit, "offset": offset}
        for key, value in (("user", user), ("person", person), ("since", since), ("until", until)):
            if value:
                query[key] = str(value)
        path = f"/audit?{urlencode(query)}"
        from veiligbalie.protocol.privacy import AuditPage

        return self.call("GET", path, None, AuditPage, callback, bearer=bearer)

    # -- The perpetrator dossier (reviewers) and the counter's measure lookup --------------
    def dossier_persons(
        self,
        callback: Callable[[list[pd.PersonOut] | None, ApiError | None], None],
        *,
        incident_id: uuid.UUID | None = None,
        query: str | None = None,
    ) -> ApiCall:
        """Known persons linked to ``incident_id``, or whose name or identifier holds
        ``query`` (reviewers only; 403 for others, 404 for a report they may not see)."""
        params: dict[str, str] = {}
        if incident_id is not None:
            params["incident_id"] = str(incident_id)
        if query:
            params["q"] = query
        suffix = f"?{urlencode(params)}" if params else ""
        return self.call("GET", f"/persons{suffix}", None, list_of("dossier_persons"), callback)

    def dossier_person(
        self,
        person_id: uuid.UUID,
        callback: Callable[[pd.PersonOut | None, ApiError | None], None],
    ) -> ApiCall:
        return self.call("GET", f"/persons/{person_id}", None, _dossier().PersonOut, callback)

    def create_person(
        self, body: pd.PersonIn, callback: Callable[[pd.PersonOut | None, ApiError | None], None]
    ) -> ApiCall:
        return self.call("POST", "/persons", body, _dossier().PersonOut, callback)

    def update_person(
        self,
        person_id: uuid.UUID,
        body: pd.PersonUpdate,
        callback: Callable[[pd.PersonOut | None, ApiError | None], None],
    ) -> ApiCall:
        """Correct a person's name, description or identifiers (the fields set in ``body``)."""
        path = f"/persons/{person_id}"
        return self.call("PATCH", path, body, _dossier().PersonOut, callback)

    def link_person(
        self,
        person_id: uuid.UUID,
        incident_id: uuid.UUID,
        callback: Callable[[pd.PersonOut | None, ApiError | None], None],
        *,
        unlink: bool = False,
    ) -> ApiCall:
        method = "DELETE" if unlink else "PUT"
        path = f"/persons/{person_id}/links/{incident_id}"
        return self.call(method, path, None, _dossier().PersonOut, callback)

    def save_signalering(
        self,
        person_id: uuid.UUID,
        body: pd.SignaleringIn,
        callback: Callable[[pd.SignaleringOut | None, ApiError | None], None],
        signalering_id: uuid.UUID | None = None,
    ) -> ApiCall:
        """Propose a new signalering, or replace the facts of ``signalering_id``."""
        if signalering_id is None:
            path = f"/persons/{person_id}/signaleringen"
            return self.call("POST", path, body, _dossier().SignaleringOut, callback)
        path = f"/persons/{person_id}/signaleringen/{signalering_id}"
        return self.call("PUT", path, body, _dossier().SignaleringOut, callback)

    def set_signalering_state(
        self,
        person_id: uuid.UUID,
        signalering_id: uuid.UUID,
        state: SignaleringState,
        callback: Callable[[pd.SignaleringOut | None, ApiError | None], None],
    ) -> ApiCall:
        """Make it active (refused with 400 naming what is missing) or end it."""
        path = f"/persons/{person_id}/signaleringen/{signalering_id}/state"
        body = _dossier().SignaleringStateChange(state=state)
        return self.call("POST", path, body, _dossier().SignaleringOut, callback)

    def measures(
        self, identifier: str, callback: Callable[[pd.MeasuresOut | None, ApiError | None], None]
    ) -> ApiCall:
        """The counter texts of active measures for the person with ``identifier``."""
        query = urlencode({"identifier": identifier})
        return self.call("GET", f"/measures?{query}", None, _dossier().MeasuresOut, callback)

    # -- The one request path --------------------------------------------------------------
    def _request(
        self, path: str, *, token: bool = True, bearer: str | None = None, prefix: bool = True
    ) -> QNetworkRequest:
        if not self._base_url:
            raise RuntimeError("no server address configured")
        request = QNetworkRequest(QUrl(self._base_url + (API_PREFIX if prefix else "") + path))
        request.setTransferTimeout(self.timeout_ms)
        request.setSslConfiguration(self.ssl)
        request.setRawHeader(QByteArray(b"Accept"), QByteArray(b"application/json"))
        chosen = bearer or (self._token if token else None)
        if chosen:
            request.setRawHeader(
                QByteArray(b"Authorization"), QByteArray(f"Bearer {chosen}".encode("ascii"))
            )
        if self._device_id is not None:
            request.setRawHeader(
                QByteArray(b"X-VB-Device"), QByteArray(str(self._device_id).encode("ascii"))
            )
        return request

    def call(
        self,
        method: str,
        path: str,
        body: BaseModel | dict[str, Any] | None,
        model: type[T] | TypeAdapter[Any] | None,
        callback: Callable[[Any, ApiError | None], None],
        *,
        token: bool = True,
        bearer: str | None = None,
        prefix: bool = True,
    ) -> ApiCall:
        """Send one request; ``callback(result, error)`` runs once, later, on this thread."""
        request = self._request(path, token=token, bearer=bearer, prefix=prefix)
        data = QByteArray()
        if body is not None:
            raw = body.model_dump_json() if isinstance(body, BaseModel) else json.dumps(body)
            data = QByteArray(raw.encode("utf-8"))
        if method in ("POST", "PUT", "PATCH"):
            request.setHeader(QNetworkRequest.KnownHeaders.ContentTypeHeader, "application/json")
        reply = self._manager.sendCustomRequest(request, QByteArray(method.encode("ascii")), data)
        return ApiCall(reply, model, callback, self)
