"""Session: linking this workstation to a server (enrolment) and signing users in and out.

Tokens and the site's LAN key go to the OS keyring (veiligbalie.secrets; without one, the
workstation's own credentials go to a file only this user can read); the settings file
only gets what is not secret: the server address, the names of organisation, site and
location, and the signed-in user's display name and role.

Errors leave here as :class:`SessionError` with a :class:`Problem` the screen turns into
plain words; the technical text (Qt's, OpenSSL's) goes to the log only.
"""

from __future__ import annotations

import base64
import binascii
import enum
import ipaddress
import logging
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QUrl, Signal
from PySide6.QtNetwork import QAbstractSocket, QHostInfo, QNetworkInterface

from veiligbalie import secrets, settings
from veiligbalie.core.text import fill
from veiligbalie.core.vocabulary import Role
from veiligbalie.net.api import ApiError, ServerApi, load_ca_certificates, normalise_base_url
from veiligbalie.protocol.auth import (
    PASSWORD_MIN,
    EnrollRequest,
    EnrollResponse,
    LoginRequest,
    LoginResponse,
    MeResponse,
    Message,
    PasswordChangeRequest,
)

if TYPE_CHECKING:
    from veiligbalie.services.context import AppContext

log = logging.getLogger(__name__)

WORKSTATION_TOKEN = secrets.WORKSTATION_TOKEN
USER_TOKEN = secrets.USER_TOKEN
LAN_KEY = secrets.LAN_KEY
#: Shortest new password the server takes (checked here first, for a quick answer).
MIN_PASSWORD_LENGTH = PASSWORD_MIN
Storage = secrets.Storage


class Problem(enum.Enum):
    """Why talking to the server failed, in the terms the screen explains."""

    OFFLINE = "offline"  # no answer at all
    HTTP_ONLY = "http-only"  # https asked, the server speaks plain http
    NOT_SECURE = "not-secure"  # certificate not trusted or no TLS handshake
    NOT_VEILIGBALIE = "not-veiligbalie"  # something answers, not a VeiligBalie server
    CODE_USED = "code-used"
    CODE_EXPIRED = "code-expired"
    CODE_UNKNOWN = "code-unknown"
    WRONG_LOGIN = "wrong-login"
    TOO_MANY_ATTEMPTS = "too-many-attempts"  # sign-in slowed down after failures (429)
    ACCOUNT_LOCKED = "account-locked"  # locked after repeated failures; the admin lifts it
    WRONG_PASSWORD = "wrong-password"  # the current password, when changing it
    PASSWORD_REFUSED = "password-refused"
    SESSION_ENDED = "session-ended"
    #: Signed in with a one-time password an administrator set: a new password is needed
    #: before the sign-in completes (``Session.password_change_pending``).
    MUST_CHANGE_PASSWORD = "must-change-password"
    BAD_ANSWER = "bad-answer"  # the server's answer makes no sense (e.g. a bad site key)
    SERVER = "server"  # a fault on the server's side
    SERVER_NEWER = "server-newer"  # the server speaks a newer API: update this workstation
    SERVER_OLDER = "server-older"  # the server speaks an older API: upgrade the server


@dataclass(frozen=True)
class SessionError(Exception):
    """An enrolment, sign-in or password change that failed; ``detail`` is for the log."""

    problem: Problem
    status: int = 0
    detail: str = ""

    def __str__(self) -> str:
        status = f" {self.status}" if self.status else ""
        return f"{self.problem.value}{status}: {self.detail}" if self.detail else self.problem.value


def classify(error: ApiError, during: str = "") -> Problem:
    """The :class:`Problem` of an API error; ``during`` is "enrol", "login", "password" or
    "" (sync). Also used for the sync engine's last error."""
    if error.kind == "offline":
        return Problem.OFFLINE
    if error.kind == "version":
        return Problem.SERVER_NEWER if error.server_newer else Problem.SERVER_OLDER
    if error.kind == "certificate":
        return Problem.NOT_SECURE
    if during == "enrol" and error.kind in ("rejected", "auth"):
        if "already used" in error.message:
            return Problem.CODE_USED
        if "expired" in error.message:
            return Problem.CODE_EXPIRED
        if error.status in (404, 405):
            return Problem.NOT_VEILIGBALIE
        return Problem.CODE_UNKNOWN
    if during == "login" and error.kind == "auth":
        return Problem.WRONG_LOGIN
    if during == "login" and error.status == 429:
        return Problem.TOO_MANY_ATTEMPTS
    if during == "login" and error.status == 423:
        return Problem.ACCOUNT_LOCKED
    if during == "password" and error.kind in ("rejected", "auth"):
        if "current password" in error.message:
            return Problem.WRONG_PASSWORD
        return Problem.PASSWORD_REFUSED
    if error.kind == "auth":
        return Problem.SESSION_ENDED
    if error.kind == "rejected" and error.status in (404, 405):
        return Problem.NOT_VEILIGBALIE
    return Problem.SERVER


def problem_of(error: SessionError | ApiError) -> Problem:
    """The problem of a session error, or of the sync engine's last API error."""
    return error.problem if isinstance(error, SessionError) else classify(error)


def refusal_text(error: ApiError | None, forbidden: str = "", offline: str = "") -> str:
    """What to tell the person when a request in their own name failed: plain words for
    no answer, an untrusted certificate and an ended session; ``forbidden`` (the caller's
    own sentence, translated) for a 403; else the server's one-line message, or its status.
    ``offline`` replaces the sentence for an unreachable server where the caller says more.
    """
    if error is None:
        return QCoreApplication.translate("ServerRequest", "The server gave no answer.")
    if error.kind == "offline":
        return offline or QCoreApplication.translate(
            "ServerRequest", "The server cannot be reached; try again later."
        )
    if error.kind == "certificate":
        return QCoreApplication.translate(
            "ServerRequest", "The server's certificate is not trusted."
        )
    if error.kind == "auth":
        return QCoreApplication.translate("ServerRequest", "Your session has ended: sign in again.")
    if error.status == 403 and forbidden:
        return forbidden
    if error.message:
        return error.message
    return fill(
        QCoreApplication.translate("ServerRequest", "The server refused this (HTTP status %1)."),
        str(error.status),
    )


class OwnNameService(QObject):
    """A service that asks the server in the signed-in person's own name (Beheer): ``api``
    gives the link (None when nobody is signed in at a linked workstation), ``token`` the
    person's token. The server decides and audits; a refusal reaches the page as
    :func:`refusal_text`."""

    def __init__(
        self,
        api: Callable[[], ServerApi | None],
        token: Callable[[], str | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._api = api
        self._token = token
        self.busy = 0  # requests under way

    @classmethod
    def from_context(cls, context: AppContext, parent: QObject | None = None) -> Self:
        return cls(context.own_api, context.own_token, parent)

    def available(self) -> bool:
        return self._api() is not None and bool(self._token())

    def _ask(
        self,
        method: str,
        path: str,
        body: Any,
        model: Any,
        done: Callable[[Any], None],
        refused: Callable[[str], None],
        *,
        forbidden: str,
        signed_out: str,
    ) -> bool:
        """Send one request; ``done(answer)``, or ``refused(sentence)``: ``signed_out`` at
        once when there is no link or token, ``forbidden`` for a 403, else the server's."""
        api, token = self._api(), self._token()
        if api is None or not token:
            refused(signed_out)
            return False
        self.busy += 1

        def answered(answer: Any, error: ApiError | None) -> None:
            self.busy -= 1
            if error is not None:
                refused(refusal_text(error, forbidden))
                return
            done(answer)

        api.call(method, path, body, model, answered, bearer=token)
        return True


def _failed(error: ApiError, during: str) -> SessionError:
    problem = classify(error, during)
    log.warning("%s failed (%s): %s", during, problem.value, error)
    return SessionError(problem, error.status, str(error))


def check_server_address(text: str) -> tuple[str, bool]:
    """(the address as it will be used, whether https:// was assumed). Raises ValueError
    for an address that cannot be a server's."""
    url = normalise_base_url(text)
    return url, "://" not in text.strip()


def check_ca_file(path: str) -> None:
    """Raises ValueError when ``path`` holds no certificate."""
    load_ca_certificates(path)


def interface_for_address(address: str) -> str:
    """The name of the local interface the route to ``address`` leaves by (the loopback
    interface for a loopback address), or "" when there is none. A UDP "connect" only asks
    the kernel's routing table: nothing is sent."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    if ip.version != 4:
        return ""
    flags = QNetworkInterface.InterfaceFlag
    interfaces = [i for i in QNetworkInterface.allInterfaces() if i.flags() & flags.IsUp]
    if ip.is_loopback:
        return next((i.name() for i in interfaces if i.flags() & flags.IsLoopBack), "")
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect((address, 9))
        local = probe.getsockname()[0]
    except OSError:
        return ""
    finally:
        probe.close()
    for interface in interfaces:
        for entry in interface.addressEntries():
            if entry.ip().toString() == local:
                return interface.name()
    return ""


class Session(QObject):
    """Who this workstation is to the server, and who sits behind it."""

    changed = Signal()  # enrolled / unlinked / signed in / signed out
    # SessionError, or None on success (Qt carries both as PyObject).
    enrol_finished = Signal(SessionError)
    login_finished = Signal(SessionError)
    password_finished = Signal(SessionError)
    logout_finished = Signal()
    #: The server gave this workstation another device id at enrolment (ours was taken).
    device_assigned = Signal(uuid.UUID)

    def __init__(
        self,
        parent: QObject | None = None,
        api: ServerApi | None = None,
        device_id: Callable[[], uuid.UUID] | None = None,
    ) -> None:
        super().__init__(parent)
        self.api = api or ServerApi(self)
        self.api.setParent(self)
        self._busy = False
        self._device_id = device_id
        # A sign-in with a one-time password, held until the user chose their own: the
        # token lives here only (no keyring, no settings, no sync) until then.
        self._pending: LoginResponse | None = None

    # -- State -----------------------------------------------------------------------------
    @property
    def server_url(self) -> str:
        return settings.SERVER_URL.get()

    @property
    def ca_file(self) -> str:
        return settings.SERVER_CA_FILE.get()

    @property
    def enrolled(self) -> bool:
        return bool(self.server_url and secrets.get_secret(WORKSTATION_TOKEN))

    @property
    def logged_in(self) -> bool:
        return bool(self.enrolled and secrets.get_secret(USER_TOKEN))

    @property
    def user_display_name(self) -> str:
        return settings.LOGGED_IN_USER.get() if self.logged_in else ""

    @property
    def role(self) -> Role | None:
        """The signed-in person's role (written at sign-in); None when nobody is."""
        if not self.logged_in:
            return None
        try:
            return Role(settings.LOGGED_IN_ROLE.get())
        except ValueError:
            return None

    @property
    def user_id(self) -> uuid.UUID | None:
        """The signed-in person's id on the server ("assigned to me"); None when nobody is."""
        text = settings.LOGGED_IN_USER_ID.get() if self.logged_in else ""
        try:
            return uuid.UUID(text) if text else None
        except ValueError:
            return None

    @property
    def site_shares_log(self) -> bool:
        """The site lets its employees read the shared log (from /me, asked at sign-in)."""
        return bool(self.logged_in and settings.SITE_SHARES_LOG.get())

    @property
    def busy(self) -> bool:
        return self._busy

    def token(self) -> str | None:
        """What sync uses: the user's token when someone is signed in, else the station's."""
        if not self.server_url:
            return None
        return secrets.get_secret(USER_TOKEN) or secrets.get_secret(WORKSTATION_TOKEN)

    def sync_token(self) -> tuple[str | None, str]:
        """The token sync uses and whose it is ("workstation", "user:<name>"): the signed-in
        user's when their role reads reports, else the station's — an administrator or a
        privacy officer signed in here still lets the station sync its own reports."""
        role = self.role
        if role is not None and not role.reads_reports:
            return self.workstation_token(), "workstation"
        return self.token(), self.identity()

    def workstation_token(self) -> str | None:
        """The workstation's own token (the alarm path speaks as the station, whoever is
        signed in); None when not linked."""
        if not self.server_url:
            return None
        return secrets.get_secret(WORKSTATION_TOKEN)

    def identity(self) -> str:
        if secrets.get_secret(USER_TOKEN):
            return f"user:{settings.LOGGED_IN_USERNAME.get()}"
        return "workstation"

    def lan_key(self) -> bytes | None:
        """The site's LAN alarm key received at enrolment (32 bytes), if any."""
        text = secrets.get_secret(LAN_KEY)
        if not text:
            return None
        try:
            key = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            return None
        return key if len(key) == 32 else None

    # -- Where things are kept ------------------------------------------------------------
    @staticmethod
    def credential_storage() -> secrets.Storage:
        """Where the workstation's token and site key are (or would be) kept."""
        return secrets.storage()

    @staticmethod
    def credential_file() -> Path:
        return secrets.credential_path()

    @staticmethod
    def credential_file_refused() -> bool:
        """True when the credential file was found unsafe or damaged and not used (the
        reason is in the log)."""
        return bool(secrets.file_problem())

    @property
    def site_name(self) -> str:
        """The site as people call it ("Stadhuis"); "" before linking."""
        return settings.SERVER_SITE_NAME.get() if self.enrolled else ""

    # -- Enrolment -------------------------------------------------------------------------
    def enrol(self, server_url: str, code: str, ca_file: str = "") -> None:
        """Link this workstation with a one-time code; ``enrol_finished`` tells the outcome.

        Raises ValueError at once for an unusable address or CA file.
        """
        url = normalise_base_url(server_url)
        code = code.strip()
        if not code:
            raise ValueError("an enrolment code is needed")
        self.api.configure(url, ca_file or None)
        self._busy = True
        self.api.enroll(
            EnrollRequest(
                code=code,
                device_name=settings.STATION_NAME.get()[:200],
                device_id=self._device_id() if self._device_id else None,
            ),
            lambda answer, error: self._on_enrolled(url, ca_file, answer, error),
        )

    def _on_enrolled(
        self, url: str, ca_file: str, answer: EnrollResponse | None, error: ApiError | None
    ) -> None:
        if error is not None:
            if error.kind == "certificate" and url.startswith("https://"):
                self._probe_plain_http(url, error)
            else:
                self._enrol_failed(_failed(error, "enrol"))
            return
        assert answer is not None
        try:
            key = base64.b64decode(answer.lan_key, validate=True)
        except (binascii.Error, ValueError):
            key = b""
        if len(key) != 32:
            self._enrol_failed(SessionError(Problem.BAD_ANSWER, 200, "site key not 32 bytes"))
            return
        # A new link replaces whatever was there: the old user token belongs to the old link.
        secrets.delete_secret(USER_TOKEN)
        secrets.set_secret(WORKSTATION_TOKEN, answer.token)
        secrets.set_secret(LAN_KEY, answer.lan_key)
        settings.SERVER_URL.set(url)
        settings.SERVER_CA_FILE.set(ca_file)
        settings.SERVER_ORG_NAME.set(answer.org_name)
        settings.SERVER_SITE_NAME.set(answer.site_name)
        settings.SERVER_SITE_ID.set(str(answer.site_id))
        settings.SITE_ID.set(str(answer.site_id))  # LAN alarms: the stations of this site
        settings.SERVER_WORKSTATION_ID.set(str(answer.workstation_id))
        # One id on every alarm path: the server lists and fans out by workstation, so a
        # station that used another id on the LAN would count itself as a colleague.
        settings.STATION_ID.set(str(answer.workstation_id))
        settings.STATION_LOCATION.set(answer.location)
        settings.SERVER_LOCATION.set(answer.location)
        if answer.workstation_name:
            # The name colleagues see with an alarm: the one the administrator gave it.
            settings.STATION_NAME.set(answer.workstation_name)
        self._forget_user_settings()
        settings.sync()
        log.info(
            "Linked to %s as workstation %s; credentials: %s",
            url,
            answer.workstation_id,
            secrets.backend_description(),
        )
        mine = self._device_id() if self._device_id else None
        if answer.device_id is not None and answer.device_id != mine:
            log.warning(
                "Our device id %s belongs to another workstation; the server assigned %s",
                mine,
                answer.device_id,
            )
            self.device_assigned.emit(answer.device_id)
        if settings.ALARM_LAN_INTERFACE.is_set():
            self._enrolled()  # someone chose the LAN network (or chose none): theirs stands
        else:
            self._choose_lan_interface(url)

    def _choose_lan_interface(self, url: str) -> None:
        """Alarms between workstations on by default once linked: on the interface that
        reaches the server, found after a (non-blocking) name lookup."""
        host = QUrl(url).host()

        def found(info: QHostInfo) -> None:
            if not shiboken6.isValid(self):
                return  # the client closed while the name was looked up
            addresses = [
                a.toString()
                for a in info.addresses()
                if a.protocol() == QAbstractSocket.NetworkLayerProtocol.IPv4Protocol
            ]
            name = next(filter(None, map(interface_for_address, addresses)), "")
            if name:
                settings.ALARM_LAN_INTERFACE.set(name)
                settings.sync()
                log.info("Alarms between workstations on, on interface %s", name)
            else:
                log.warning("No interface found towards %s: LAN alarms stay off", host)
            self._enrolled()

        QHostInfo.lookupHost(host, found)  # type: ignore[call-overload]  # PySide6 stubs type the static (name, callable) overload as an instance method

    def _enrolled(self) -> None:
        self._busy = False
        self.enrol_finished.emit(None)
        self.changed.emit()

    def _enrol_failed(self, error: SessionError) -> None:
        self._busy = False
        self.enrol_finished.emit(error)

    def _probe_plain_http(self, url: str, tls_error: ApiError) -> None:
        """https failed before any HTTP: ask the same host and port in plain http whether a
        server answers there, to say "this server speaks http" instead of blaming a
        certificate."""
        plain = QUrl(url)
        port = plain.port(443)
        plain.setScheme("http")
        plain.setPort(port)
        probe = ServerApi(self)

        def answered(_answer: object, error: ApiError | None) -> None:
            probe.deleteLater()
            if error is None or error.kind not in ("offline", "certificate"):
                log.warning("%s speaks plain http, not https (%s)", url, tls_error)
                self._enrol_failed(SessionError(Problem.HTTP_ONLY, 0, str(tls_error)))
            else:
                self._enrol_failed(_failed(tls_error, "enrol"))

        try:
            probe.configure(plain.toString(), None)
        except ValueError:
            probe.deleteLater()
            self._enrol_failed(_failed(tls_error, "enrol"))
            return
        probe.health(answered)

    def unlink(self) -> None:
        """Forget the server: tokens and key leave the keyring; local data stays."""
        self._pending = None
        for name in (USER_TOKEN, WORKSTATION_TOKEN, LAN_KEY):
            secrets.delete_secret(name)
        settings.ALARM_LAN_INTERFACE.reset()  # chosen for this link; the next one chooses anew
        for setting in (
            # The site's LAN set-up came from this server: the station's own applies again.
            settings.ALARM_LAN_SITE_PORT,
            settings.ALARM_LAN_SITE_GROUP,
            settings.ALARM_LAN_SITE_ENABLED,
            settings.SERVER_URL,
            settings.SERVER_ORG_NAME,
            settings.SERVER_SITE_NAME,
            settings.SERVER_SITE_ID,
            settings.SERVER_WORKSTATION_ID,
            settings.SERVER_LOCATION,
        ):
            setting.reset()
        self._forget_user_settings()
        settings.sync()
        self.changed.emit()

    def adopt_server_location(self, location: str) -> bool:
        """The server says where this workstation stands (heartbeat answer, stations.online):
        when the administrator moved it since we last heard, the new location replaces the
        local one (alarms and new reports name it). True when it changed."""
        location = location.strip()
        if not location or not self.enrolled or location == settings.SERVER_LOCATION.get():
            return False
        log.info("The administrator moved this workstation to %r", location)
        settings.SERVER_LOCATION.set(location)
        settings.STATION_LOCATION.set(location)
        settings.sync()
        self.changed.emit()
        return True

    # -- Signing in and out ----------------------------------------------------------------
    def login(self, username: str, password: str) -> None:
        """Sign a user in; ``login_finished`` tells the outcome. The password is not kept."""
        if not self.enrolled:
            raise ValueError("link this workstation with a server first")
        if not username.strip() or not password:
            raise ValueError("username and password are needed")
        self.api.configure(self.server_url, self.ca_file or None)
        self._busy = True
        self.api.login(
            LoginRequest(username=username.strip(), password=password), self._on_logged_in
        )

    def _on_logged_in(self, answer: LoginResponse | None, error: ApiError | None) -> None:
        self._busy = False
        if error is not None:
            self.login_finished.emit(_failed(error, "login"))
            return
        assert answer is not None
        if answer.user.must_change_password:
            # Nothing else before the one-time password is replaced: not signed in yet.
            self._pending = answer
            log.info("Signed in with a one-time password: a new one is needed first")
            self.login_finished.emit(SessionError(Problem.MUST_CHANGE_PASSWORD))
            return
        self._complete_login(answer)

    @property
    def password_change_pending(self) -> bool:
        """A sign-in waits for the user to replace the one-time password."""
        return self._pending is not None

    def cancel_pending_login(self) -> None:
        """Give up a sign-in that waits for a new password: its token is revoked."""
        pending, self._pending = self._pending, None
        if pending is not None and self.server_url:
            self.api.logout(pending.token, lambda _answer, _error: None)

    def user_token(self) -> str | None:
        """The signed-in person's own token (the administrator's routes need it; sync may
        run in the station's name)."""
        return secrets.get_secret(USER_TOKEN) if self.logged_in else None

    def _complete_login(self, answer: LoginResponse) -> None:
        secrets.set_secret(USER_TOKEN, answer.token)
        settings.LOGGED_IN_USER.set(answer.user.display_name)
        settings.LOGGED_IN_USERNAME.set(answer.user.username)
        settings.LOGGED_IN_ROLE.set(answer.user.role.value)
        settings.LOGGED_IN_USER_ID.set(str(answer.user.id))
        settings.sync()
        self.login_finished.emit(None)
        self.changed.emit()
        # Whether the site shares its log with employees: what the Logboek shows them.
        self.api.call("GET", "/me", None, MeResponse, self._on_me, bearer=answer.token)

    def _on_me(self, answer: MeResponse | None, error: ApiError | None) -> None:
        if error is not None or answer is None or not self.logged_in:
            if error is not None:
                log.info("Could not ask the server what the site shares (%s)", error.kind)
            return
        if answer.share_log_with_employees != settings.SITE_SHARES_LOG.get():
            settings.SITE_SHARES_LOG.set(answer.share_log_with_employees)
            settings.sync()
            self.changed.emit()

    def logout(self) -> None:
        """Sign out: the token is deleted here at once, and revoked on the server when it
        can be reached (a failure there changes nothing here)."""
        self.cancel_pending_login()
        token = secrets.get_secret(USER_TOKEN)
        secrets.delete_secret(USER_TOKEN)
        self._forget_user_settings()
        settings.sync()
        self.changed.emit()
        if token and self.server_url:
            try:
                self.api.configure(self.server_url, self.ca_file or None)
            except ValueError:
                self.logout_finished.emit()
                return
            self.api.logout(token, self._on_logged_out)
        else:
            self.logout_finished.emit()

    def _on_logged_out(self, _answer: Message | None, error: ApiError | None) -> None:
        if error is not None:
            log.info(
                "Sign-out not confirmed by the server (%s); the token is gone here", error.kind
            )
        self.logout_finished.emit()

    def token_refused(self) -> None:
        """The server refused our token (expired or revoked). A user's token is dropped here,
        so the workstation carries on in its own name until someone signs in again; a
        refused workstation token needs a new enrolment and is left for the user to see."""
        if secrets.get_secret(USER_TOKEN):
            log.info("The server refused the user's token; signed out here")
            secrets.delete_secret(USER_TOKEN)
            self._forget_user_settings()
            settings.sync()
            self.changed.emit()

    def change_password(self, old_password: str, new_password: str) -> None:
        """``password_finished`` tells the outcome. Raises ValueError when nobody is signed in
        or the new password breaks the length rule (checked again by the server). A sign-in
        waiting for a new password completes once the change succeeded."""
        token = self._pending.token if self._pending else secrets.get_secret(USER_TOKEN)
        if not token:
            raise ValueError("nobody is signed in")
        request = PasswordChangeRequest(old_password=old_password, new_password=new_password)
        self.api.configure(self.server_url, self.ca_file or None)
        self._busy = True
        self.api.call(
            "POST", "/auth/password", request, None, self._on_password_changed, bearer=token
        )

    def _on_password_changed(self, _answer: object, error: ApiError | None) -> None:
        self._busy = False
        if error is None and self._pending is not None:
            answer, self._pending = self._pending, None
            answer.user.must_change_password = False
            self._complete_login(answer)
        self.password_finished.emit(None if error is None else _failed(error, "password"))

    @staticmethod
    def _forget_user_settings() -> None:
        settings.LOGGED_IN_USER.reset()
        settings.LOGGED_IN_USERNAME.reset()
        settings.LOGGED_IN_ROLE.reset()
        settings.LOGGED_IN_USER_ID.reset()
        settings.SITE_SHARES_LOG.reset()
