"""Session: linking this workstation to a server (enrolment) and signing users in and out.

Tokens and the site's LAN key go to the OS keyring (veiligbalie.secrets); the settings file
only gets what is not secret: the server address, the names of organisation, site and
location, and the signed-in user's display name and role.
"""

from __future__ import annotations

import base64
import binascii
import logging

from PySide6.QtCore import QObject, Signal

from veiligbalie import secrets, settings
from veiligbalie.net.api import ApiError, ServerApi, normalise_base_url
from veiligbalie.protocol.auth import (
    EnrollRequest,
    EnrollResponse,
    LoginRequest,
    LoginResponse,
    Message,
    PasswordChangeRequest,
)

log = logging.getLogger(__name__)

WORKSTATION_TOKEN = "workstation-token"
USER_TOKEN = "user-token"
LAN_KEY = "site-lan-key"


class Session(QObject):
    """Who this workstation is to the server, and who sits behind it."""

    changed = Signal()  # enrolled / unlinked / signed in / signed out
    enrol_finished = Signal(object)  # None on success, else ApiError
    login_finished = Signal(object)  # None on success, else ApiError
    password_finished = Signal(object)  # None on success, else ApiError
    logout_finished = Signal()

    def __init__(self, parent: QObject | None = None, api: ServerApi | None = None) -> None:
        super().__init__(parent)
        self.api = api or ServerApi(self)
        self.api.setParent(self)
        self._busy = False

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
    def busy(self) -> bool:
        return self._busy

    def token(self) -> str | None:
        """What sync uses: the user's token when someone is signed in, else the station's."""
        if not self.server_url:
            return None
        return secrets.get_secret(USER_TOKEN) or secrets.get_secret(WORKSTATION_TOKEN)

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
            EnrollRequest(code=code, device_name=settings.STATION_NAME.get()[:200]),
            lambda answer, error: self._on_enrolled(url, ca_file, answer, error),
        )

    def _on_enrolled(
        self, url: str, ca_file: str, answer: EnrollResponse | None, error: ApiError | None
    ) -> None:
        self._busy = False
        if error is not None:
            self.enrol_finished.emit(error)
            return
        assert answer is not None
        try:
            key = base64.b64decode(answer.lan_key, validate=True)
        except (binascii.Error, ValueError):
            key = b""
        if len(key) != 32:
            self.enrol_finished.emit(ApiError("server", 200, "the site key is not 32 bytes"))
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
        if answer.workstation_name:
            # The name colleagues see with an alarm: the one the administrator gave it.
            settings.STATION_NAME.set(answer.workstation_name)
        self._forget_user_settings()
        settings.sync()
        log.info("Linked to %s as workstation %s", url, answer.workstation_id)
        self.enrol_finished.emit(None)
        self.changed.emit()

    def unlink(self) -> None:
        """Forget the server: tokens and key leave the keyring; local data stays."""
        for name in (USER_TOKEN, WORKSTATION_TOKEN, LAN_KEY):
            secrets.delete_secret(name)
        for setting in (
            settings.SERVER_URL,
            settings.SERVER_ORG_NAME,
            settings.SERVER_SITE_NAME,
            settings.SERVER_SITE_ID,
            settings.SERVER_WORKSTATION_ID,
        ):
            setting.reset()
        self._forget_user_settings()
        settings.sync()
        self.changed.emit()

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
            self.login_finished.emit(error)
            return
        assert answer is not None
        secrets.set_secret(USER_TOKEN, answer.token)
        settings.LOGGED_IN_USER.set(answer.user.display_name)
        settings.LOGGED_IN_USERNAME.set(answer.user.username)
        settings.LOGGED_IN_ROLE.set(answer.user.role.value)
        settings.sync()
        self.login_finished.emit(None)
        self.changed.emit()

    def logout(self) -> None:
        """Sign out: the token is deleted here at once, and revoked on the server when it
        can be reached (a failure there changes nothing here)."""
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
        or the new password breaks the length rule (checked again by the server)."""
        token = secrets.get_secret(USER_TOKEN)
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
        self.password_finished.emit(error)

    @staticmethod
    def _forget_user_settings() -> None:
        settings.LOGGED_IN_USER.reset()
        settings.LOGGED_IN_USERNAME.reset()
        settings.LOGGED_IN_ROLE.reset()
