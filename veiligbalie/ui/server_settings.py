"""Instellingen, server part: link this workstation with the server (*Koppelen met server*)
and where its credential is kept, sign in and out, change the password, how sync is doing
(its state, what waits, what the server refused and edit conflicts), and, for the
administrator, the organisation's CA file and unlinking."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from veiligbalie import settings
from veiligbalie.core.text import fill
from veiligbalie.services.context import AppContext
from veiligbalie.services.session import (
    MIN_PASSWORD_LENGTH,
    Problem,
    SessionError,
    Storage,
    check_ca_file,
    check_server_address,
    problem_of,
)
from veiligbalie.services.sync import CONNECTED, LOCAL
from veiligbalie.ui import labels
from veiligbalie.ui.conflict_dialog import ConflictDialog, value_text
from veiligbalie.ui.presets import preset_note, show_lock
from veiligbalie.ui.widgets import buddy_label, line_edit

#: Longest server address, code, CA path, username or password the form takes.
_FIELD_MAX = 500
_ERROR_STYLE = "color: #b00020;"
_OK_STYLE = "color: #1b5e20;"


class PasswordDialog(QDialog):
    """*Wachtwoord wijzigen*: the current password and the new one twice. With ``first``:
    the sign-in after an administrator's reset, which completes only with a new password."""

    def __init__(self, parent: QWidget | None = None, first: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("firstPasswordDialog" if first else "changePasswordDialog")
        self.setWindowTitle(
            self.tr("Choose your own password") if first else self.tr("Change password")
        )
        form = QFormLayout(self)
        if first:
            intro = QLabel(
                self.tr(
                    "An administrator gave you a one-time password. Choose your own password "
                    "now; you are signed in once it is changed."
                ),
                self,
            )
            intro.setObjectName("firstPasswordIntro")
            intro.setWordWrap(True)
            form.addRow(intro)
        self.old = self._field(
            "oldPassword", self.tr("One-time password") if first else self.tr("Current password")
        )
        self.new = self._field("newPassword", self.tr("New password"))
        self.repeat = self._field("repeatPassword", self.tr("New password again"))
        form.addRow(
            self.tr("&One-time password") if first else self.tr("&Current password"), self.old
        )
        form.addRow(self.tr("&New password"), self.new)
        form.addRow(self.tr("New password &again"), self.repeat)
        self.message = QLabel(self)
        self.message.setObjectName("passwordMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(_ERROR_STYLE)
        form.addRow(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _field(self, name: str, accessible: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    def _check(self) -> None:
        if not self.old.text():
            self.message.setText(self.tr("Enter your current password."))
        elif len(self.new.text()) < MIN_PASSWORD_LENGTH:
            self.message.setText(
                fill(
                    self.tr("The new password needs at least %1 characters."),
                    str(MIN_PASSWORD_LENGTH),
                )
            )
        elif self.new.text() != self.repeat.text():
            self.message.setText(self.tr("The two new passwords differ."))
        else:
            self.accept()


class ServerSettings(QWidget):
    """The server groups of the Instellingen page (objectName ``serverSettings``)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.session = context.session
        self.engine = context.sync
        self.setObjectName("serverSettings")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)

        # -- Koppelen met server -------------------------------------------------------------
        link = QGroupBox(self.tr("Link with server"), self)
        link.setObjectName("serverLinkGroup")
        form = QFormLayout(link)
        self._link_form = form
        self.link_state = QLabel(link)
        self.link_state.setObjectName("serverLinkState")
        self.link_state.setWordWrap(True)
        form.addRow(self.link_state)
        self.server_url = line_edit(
            link, "serverUrl", self.tr("Server address"), max_length=_FIELD_MAX
        )
        self.server_url.setPlaceholderText("https://veiligbalie.gemeente.nl")
        form.addRow(*buddy_label(self.tr("Server &address"), self.server_url))
        self.server_url_preset = preset_note(link, "serverUrlPreset")
        form.addRow("", self.server_url_preset)
        self.enrol_code = line_edit(
            link, "enrolmentCode", self.tr("Enrolment code"), max_length=_FIELD_MAX
        )
        self.enrol_code.setPlaceholderText(self.tr("One-time code from the administrator"))
        form.addRow(*buddy_label(self.tr("Enrolment &code"), self.enrol_code))
        self.address_note = self._message(link, "serverAddressNote")
        self.server_url.textChanged.connect(self._address_edited)
        form.addRow(self.address_note)
        buttons = QHBoxLayout()
        self.enrol_button = QPushButton(self.tr("&Link"), link)
        self.enrol_button.setObjectName("enrolButton")
        self.enrol_button.setAccessibleName(self.tr("Link with server"))
        self.enrol_button.clicked.connect(self.enrol)
        buttons.addWidget(self.enrol_button)
        buttons.addStretch(1)
        form.addRow(buttons)
        self._link_rows = (self.server_url, self.server_url_preset, self.enrol_code, buttons)
        self.enrol_message = self._message(link, "enrolMessage")
        form.addRow(self.enrol_message)
        self.storage_note = self._message(link, "credentialStorage")
        form.addRow(self.storage_note)
        column.addWidget(link)

        # -- Geavanceerd: the administrator's part (the page places it) ----------------------
        advanced = QGroupBox(self.tr("Server connection"), parent)
        advanced.setObjectName("serverAdvancedGroup")
        self.advanced_group = advanced
        form4 = QFormLayout(advanced)
        ca_row = QHBoxLayout()
        self.ca_file = line_edit(
            advanced, "caFile", settings.SERVER_CA_FILE.display_title, max_length=_FIELD_MAX
        )
        self.ca_file.setPlaceholderText(self.tr("Only when the administrator gives you one"))
        self.ca_button = QPushButton(self.tr("Choose…"), advanced)
        self.ca_button.setObjectName("caFileButton")
        self.ca_button.setAccessibleName(self.tr("Choose CA certificate file"))
        self.ca_button.clicked.connect(self._choose_ca)
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(self.ca_button)
        ca_label = QLabel(self.tr("CA &certificate"), advanced)
        ca_label.setBuddy(self.ca_file)
        form4.addRow(ca_label, ca_row)
        self.ca_file_preset = preset_note(advanced, "caFilePreset")
        form4.addRow("", self.ca_file_preset)
        self.unlink_button = QPushButton(self.tr("Unlink this workstation"), advanced)
        self.unlink_button.setObjectName("unlinkButton")
        self.unlink_button.clicked.connect(self.unlink)
        unlink_row = QHBoxLayout()
        unlink_row.addWidget(self.unlink_button)
        unlink_row.addStretch(1)
        form4.addRow(unlink_row)

        # -- Inloggen ----------------------------------------------------------------------
        signin = QGroupBox(self.tr("Sign in"), self)
        signin.setObjectName("serverLoginGroup")
        form2 = QFormLayout(signin)
        self.login_state = QLabel(signin)
        self.login_state.setObjectName("loginState")
        self.login_state.setWordWrap(True)
        form2.addRow(self.login_state)
        self.username = line_edit(
            signin, "loginUsername", self.tr("Username"), max_length=_FIELD_MAX
        )
        form2.addRow(*buddy_label(self.tr("&Username"), self.username))
        self.password = line_edit(
            signin, "loginPassword", self.tr("Password"), max_length=_FIELD_MAX
        )
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(1024)
        self.password.returnPressed.connect(self.login)
        form2.addRow(*buddy_label(self.tr("&Password"), self.password))
        row = QHBoxLayout()
        self.login_button = QPushButton(self.tr("Sign &in"), signin)
        self.login_button.setObjectName("loginButton")
        self.login_button.clicked.connect(self.login)
        self.logout_button = QPushButton(self.tr("Sign &out"), signin)
        self.logout_button.setObjectName("logoutButton")
        self.logout_button.clicked.connect(self.logout)
        self.password_button = QPushButton(self.tr("Change password…"), signin)
        self.password_button.setObjectName("changePasswordButton")
        self.password_button.clicked.connect(self.change_password)
        for button in (self.login_button, self.logout_button, self.password_button):
            button.setAccessibleName(button.text().replace("&", ""))
            row.addWidget(button)
        row.addStretch(1)
        form2.addRow(row)
        self.login_message = self._message(signin, "loginMessage")
        form2.addRow(self.login_message)
        column.addWidget(signin)

        # -- Synchronisatie ----------------------------------------------------------------
        sync = QGroupBox(self.tr("Synchronisation"), self)
        sync.setObjectName("syncGroup")
        form3 = QFormLayout(sync)
        self._sync_form = form3
        self.sync_state = QLabel(sync)
        self.sync_state.setObjectName("syncState")
        self.sync_state.setWordWrap(True)
        form3.addRow(self.tr("State"), self.sync_state)
        self.sync_pending = QLabel(sync)
        self.sync_pending.setObjectName("syncPending")
        form3.addRow(self.tr("Waiting to be sent"), self.sync_pending)
        self.sync_notice = QLabel(sync)
        self.sync_notice.setObjectName("syncNotice")
        self.sync_notice.setWordWrap(True)
        self.sync_notice_label = QLabel(self.tr("Notice"), sync)
        form3.addRow(self.sync_notice_label, self.sync_notice)
        self.sync_button = QPushButton(self.tr("Synchronise &now"), sync)
        self.sync_button.setObjectName("syncNowButton")
        self.sync_button.clicked.connect(self._sync_now)
        sync_row = QHBoxLayout()
        sync_row.addWidget(self.sync_button)
        sync_row.addStretch(1)
        form3.addRow(sync_row)
        self.dead_letters = QListWidget(sync)
        self.dead_letters.setObjectName("deadLetters")
        self.dead_letters.setAccessibleName(self.tr("Changes the server refused"))
        self.dead_letters.setMaximumHeight(120)
        form3.addRow(self.tr("Refused by the server"), self.dead_letters)
        self.conflicts = QListWidget(sync)
        self.conflicts.setObjectName("syncConflicts")
        self.conflicts.setAccessibleName(self.tr("Edit conflicts"))
        self.conflicts.setMaximumHeight(120)
        form3.addRow(self.tr("Conflicts"), self.conflicts)
        self.conflicts.itemActivated.connect(lambda _item: self.open_conflict())
        self.conflicts.setWordWrap(True)
        self.resolve_button = QPushButton(self.tr("&Choose a version…"), sync)
        self.resolve_button.setObjectName("resolveConflictButton")
        self.resolve_button.setAccessibleName(self.tr("Choose a version"))
        self.resolve_button.clicked.connect(lambda: self.open_conflict())
        resolve_row = QHBoxLayout()
        resolve_row.addWidget(self.resolve_button)
        resolve_row.addStretch(1)
        self._resolve_row = resolve_row
        form3.addRow("", resolve_row)
        column.addWidget(sync)

        if self.session is not None:
            self.session.changed.connect(self.refresh)
            self.session.enrol_finished.connect(self._on_enrolled)
            self.session.login_finished.connect(self._on_logged_in)
            self.session.password_finished.connect(self._on_password_changed)
        if self.engine is not None:
            for signal in (
                self.engine.state_changed,
                self.engine.pending_changed,
                self.engine.dead_letters_changed,
                self.engine.conflicts_changed,
                self.engine.synced,
                self.engine.error,
                self.engine.notice,
            ):
                signal.connect(lambda *_a: self.refresh_sync())
        self.refresh()

    # -- Building blocks -------------------------------------------------------------------
    def _message(self, parent: QWidget, name: str) -> QLabel:
        label = QLabel(parent)
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setVisible(False)  # an empty line would only leave a gap
        return label

    def _say(self, label: QLabel, text: str, ok: bool = False) -> None:
        label.setStyleSheet(_OK_STYLE if ok else _ERROR_STYLE)
        label.setText(text)
        label.setVisible(bool(text))

    # -- Explaining errors -----------------------------------------------------------------
    def explain(self, error: SessionError | object) -> str:
        """A plain sentence, with what to do, for a failed enrolment, sign-in, password
        change or sync (the sync engine's last error); never Qt's or OpenSSL's text."""
        problem = problem_of(error)  # type: ignore[arg-type]  # sync's error: an ApiError
        texts = {
            Problem.OFFLINE: self.tr(
                "The server cannot be reached. Check the address and the network connection; "
                "if that looks right, ask the administrator whether the server is running."
            ),
            Problem.HTTP_ONLY: self.tr(
                "This server does not use a secure connection (https), only http. Type the "
                "address with http:// in front only if the administrator says so; otherwise "
                "ask the administrator to set up https on the server."
            ),
            Problem.NOT_SECURE: self.tr(
                "No secure connection could be made with the server: its certificate is not "
                "trusted here, or no https answers at this address. Check the address (and "
                "the port) and ask the administrator."
            ),
            Problem.NOT_VEILIGBALIE: self.tr(
                "No VeiligBalie server answers at this address. Check the address."
            ),
            Problem.CODE_USED: self.tr(
                "This enrolment code was already used. Ask the administrator for a new code."
            ),
            Problem.CODE_EXPIRED: self.tr(
                "This enrolment code has expired. Ask the administrator for a new code."
            ),
            Problem.CODE_UNKNOWN: self.tr(
                "The enrolment code is unknown. Check it, or ask the administrator for a new one."
            ),
            Problem.WRONG_LOGIN: self.tr("The username or the password is wrong."),
            Problem.TOO_MANY_ATTEMPTS: self.tr(
                "Too many failed sign-ins. Wait a moment before you try again."
            ),
            Problem.ACCOUNT_LOCKED: self.tr(
                "This account is locked after repeated failed sign-ins. Ask the administrator "
                "to unlock it."
            ),
            Problem.WRONG_PASSWORD: self.tr("The current password is wrong."),
            Problem.PASSWORD_REFUSED: self.tr(
                "The server did not accept the new password. Choose a longer one that is not "
                "a common password."
            ),
            Problem.SESSION_ENDED: self.tr("Your session has ended. Sign in again."),
            Problem.MUST_CHANGE_PASSWORD: self.tr(
                "Your password was reset by an administrator. Choose your own password to "
                "finish signing in."
            ),
            Problem.BAD_ANSWER: self.tr(
                "The server gave an answer this workstation cannot use. Ask the administrator."
            ),
            Problem.SERVER: self.tr(
                "The server reported a problem. Try again later; if it keeps happening, "
                "tell the administrator."
            ),
            Problem.SERVER_NEWER: self.tr(
                "The server runs a newer version of VeiligBalie than this workstation. Ask the "
                "administrator to update VeiligBalie here. Until then nothing is sent or "
                "received; what you save stays on this workstation and is sent afterwards."
            ),
            Problem.SERVER_OLDER: self.tr(
                "The server runs an older version of VeiligBalie than this workstation. Ask "
                "the administrator to upgrade the server. Until then nothing is sent or "
                "received; what you save stays on this workstation and is sent afterwards."
            ),
        }
        return texts[problem]

    def storage_text(self) -> tuple[str, bool]:
        """Where the workstation's credential is kept, and whether that needs a warning."""
        if self.session is None:
            return "", False
        kept = self.session.credential_storage()
        if kept is Storage.KEYRING:
            return self.tr(
                "The link of this workstation is kept in the operating system (keyring)."
            ), False
        if kept is Storage.FILE and self.session.credential_file_refused():
            return fill(
                self.tr(
                    "The file with this workstation's link could not be used safely (others "
                    "could read it, or it is damaged), so it was not used: %1. Link this "
                    "workstation again; the log says more."
                ),
                str(self.session.credential_file()),
            ), True
        if kept is Storage.FILE:
            return fill(
                self.tr(
                    "This system has no keyring: the link of this workstation is kept in a file "
                    "that only your user can read: %1. Passwords are never stored; whoever "
                    "signs in does so again after a restart."
                ),
                str(self.session.credential_file()),
            ), False
        return self.tr(
            "Nothing is kept on disk here: the link lasts for this session only. After a "
            "restart this workstation must be linked again with a new code from the "
            "administrator."
        ), True

    # -- Actions ---------------------------------------------------------------------------
    def _choose_ca(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("Organisation CA certificate"),
            self.ca_file.text(),
            self.tr("Certificates (*.pem *.crt *.cer);;All files (*)"),
        )
        if path:
            self.ca_file.setText(path)

    def enrol(self) -> None:
        if self.session is None:
            return
        url, code, ca = self.server_url.text().strip(), self.enrol_code.text(), self.ca_file.text()
        if not url:
            self._say(self.enrol_message, self.tr("Enter the server address."))
            return
        if not code.strip():
            self._say(self.enrol_message, self.tr("Enter the enrolment code."))
            return
        if ca.strip():
            try:
                check_ca_file(ca.strip())
            except ValueError:
                self._say(
                    self.enrol_message,
                    self.tr("The CA file cannot be used: it holds no certificate."),
                )
                return
        try:
            self.session.enrol(url, code, ca.strip())
        except ValueError:
            self._say(self.enrol_message, self.tr("This is not a server address."))
            return
        self.enrol_button.setEnabled(False)
        self._say(self.enrol_message, self.tr("Linking…"), ok=True)

    def _address_edited(self, text: str) -> None:
        """Say at once when https:// will be assumed for an address typed without it."""
        try:
            url, assumed = check_server_address(text)
        except ValueError:
            self.address_note.clear()
            return
        self.address_note.setText(
            fill(self.tr("No http:// or https:// given: the secure %1 will be used."), url)
            if assumed
            else ""
        )

    def _answer(self, label: QLabel, error: SessionError | None, done: str) -> None:
        """What a finished session call says under its button: ``done``, or why it failed."""
        if error is None:
            self._say(label, done, ok=True)
        else:
            self._say(label, self.explain(error))

    def _on_enrolled(self, error: SessionError | None) -> None:
        self.enrol_button.setEnabled(True)
        if error is None:
            self.enrol_code.clear()
        self._answer(self.enrol_message, error, self.tr("Linked with the server."))
        self.refresh()

    def unlink(self) -> None:
        if self.session is not None:
            self.session.unlink()
            self._say(self.enrol_message, self.tr("No longer linked."), ok=True)

    def login(self) -> None:
        if self.session is None:
            return
        username, password = self.username.text(), self.password.text()
        if not username.strip() or not password:
            self._say(self.login_message, self.tr("Enter your username and password."))
            return
        try:
            self.session.login(username, password)
        except ValueError:
            self._say(self.login_message, self.tr("Link this workstation with a server first."))
            return
        self.password.clear()  # never kept in a widget longer than needed
        self.login_button.setEnabled(False)
        self._say(self.login_message, self.tr("Signing in…"), ok=True)

    def _on_logged_in(self, error: SessionError | None) -> None:
        self.login_button.setEnabled(True)
        self._answer(self.login_message, error, self.tr("Signed in."))
        self.refresh()
        if error is not None and error.problem is Problem.MUST_CHANGE_PASSWORD:
            self._ask_first_password()

    def _ask_first_password(self) -> None:
        """The one-time password must be replaced before anything else: the dialog opens at
        once (window-modal); cancelling it gives up the sign-in."""
        dialog = PasswordDialog(self, first=True)
        self.first_password_dialog = dialog
        dialog.accepted.connect(
            lambda: self.submit_password_change(dialog.old.text(), dialog.new.text())
        )
        dialog.rejected.connect(self._first_password_cancelled)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _first_password_cancelled(self) -> None:
        if self.session is not None:
            self.session.cancel_pending_login()
        self._say(self.login_message, self.tr("Not signed in: the password was not changed."))
        self.refresh()

    def logout(self) -> None:
        if self.session is not None:
            self.session.logout()
            self._say(self.login_message, self.tr("Signed out."), ok=True)

    def change_password(self) -> None:
        if self.session is None or not self.session.logged_in:
            return
        dialog = PasswordDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.submit_password_change(dialog.old.text(), dialog.new.text())

    def submit_password_change(self, old: str, new: str) -> None:
        if self.session is None:
            return
        try:
            self.session.change_password(old, new)
        except ValueError:
            self._say(self.login_message, self.tr("The new password is not valid."))
            return
        self._say(self.login_message, self.tr("Changing the password…"), ok=True)

    def _on_password_changed(self, error: SessionError | None) -> None:
        self._answer(self.login_message, error, self.tr("The password was changed."))
        if error is not None and self.session is not None and self.session.password_change_pending:
            self._ask_first_password()  # still the one-time password: ask again
        self.refresh()

    def _sync_now(self) -> None:
        if self.engine is not None:
            self.engine.sync_now()

    def open_conflict(self, modal: bool = True) -> ConflictDialog | None:
        """Show both versions of the selected conflict (the first when none is selected)
        and let the person choose; ``modal=False`` returns the shown dialog (tests)."""
        if self.engine is None or self.conflicts.count() == 0:
            return None
        item = self.conflicts.currentItem() or self.conflicts.item(0)
        seq = item.data(Qt.ItemDataRole.UserRole)
        conflict = next((c for c in self.engine.conflicts() if c.get("device_seq") == seq), None)
        if conflict is None:
            return None
        dialog = ConflictDialog(conflict, self.context.incidents, self.engine, self)
        if modal:
            dialog.exec()
            dialog.deleteLater()
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def _reference_of(self, entity_id: object) -> str:
        try:
            numbers = self.context.incidents.reference_info(uuid.UUID(str(entity_id)))
        except ValueError:
            numbers = None
        return numbers.reference if numbers is not None else self.tr("(not on this workstation)")

    # -- Showing state ---------------------------------------------------------------------
    def refresh(self) -> None:
        session = self.session
        enrolled = bool(session and session.enrolled)
        logged_in = bool(session and session.logged_in)
        if enrolled and session is not None:
            self.link_state.setText(
                fill(
                    self.tr("Linked with %1 (%2, %3) at %4."),
                    settings.SERVER_ORG_NAME.get(),
                    session.site_name,
                    settings.STATION_LOCATION.get(),
                    settings.SERVER_URL.get(),
                )
            )
        else:
            self.link_state.setText(
                self.tr("Not linked: VeiligBalie works locally on this workstation.")
            )
        # A value IT locked always shows as it is; otherwise what the user typed stays.
        if show_lock(settings.SERVER_URL, [self.server_url], None) or not self.server_url.text():
            self.server_url.setText(settings.SERVER_URL.get())
        if show_lock(settings.SERVER_CA_FILE, [self.ca_file, self.ca_button], self.ca_file_preset):
            self.ca_file.setText(settings.SERVER_CA_FILE.get())
        elif not self.ca_file.text():
            self.ca_file.setText(settings.SERVER_CA_FILE.get())
        self.unlink_button.setEnabled(enrolled)
        # Linked: the form would only invite a second link; unlinking is under Geavanceerd.
        for row in self._link_rows:
            self._link_form.setRowVisible(row, not enrolled)
        if not enrolled:
            self._link_form.setRowVisible(self.server_url_preset, settings.SERVER_URL.locked)
        note, warn = self.storage_text()
        # Warned where linking happens; where it is kept shows under "Storage and security".
        self._say(self.storage_note, note if warn else "")
        for widget in (self.username, self.password, self.login_button):
            widget.setEnabled(enrolled and not logged_in)
        self.logout_button.setEnabled(logged_in)
        self.password_button.setEnabled(logged_in)
        if logged_in and session is not None:
            self.login_state.setText(fill(self.tr("Signed in as %1."), session.user_display_name))
        elif enrolled:
            self.login_state.setText(
                self.tr("Nobody is signed in: reports are sent in the workstation's name.")
            )
        else:
            self.login_state.setText(self.tr("Link this workstation first, then sign in."))
        self.refresh_sync()

    def refresh_sync(self) -> None:
        engine = self.engine
        if engine is None:
            return
        if engine.state == LOCAL:
            self.sync_state.setText(self.tr("Local only"))
        elif engine.state == CONNECTED:
            self.sync_state.setText(self.tr("Connected"))
        elif engine.last_error is not None:
            self.sync_state.setText(
                fill(self.tr("No connection: %1"), self.explain(engine.last_error))
            )
        else:
            self.sync_state.setText(self.tr("No connection"))
        waiting = str(engine.pending)
        files = engine.pending_uploads if engine.pending else 0
        if files:
            # Evidence files count too: say how many of the waiting things they are.
            waiting = fill(self.tr("%1 (%n evidence file(s))", "", files), engine.pending)
        if engine.state == LOCAL and engine.pending:
            # Nothing is waiting for a server that does not exist: say what they wait for.
            self.sync_pending.setText(
                fill(self.tr("%1, sent once this workstation is linked to a server"), waiting)
            )
        else:
            self.sync_pending.setText(waiting)
        if engine.notices:
            at, text = engine.notices[-1]
            self.sync_notice.setText(f"{at.astimezone().strftime('%H:%M')} {text}")
        self.sync_notice.setVisible(bool(engine.notices))
        self.sync_notice_label.setVisible(bool(engine.notices))
        self.sync_button.setEnabled(engine.configured)
        self.dead_letters.clear()
        for item in engine.dead_letters():
            entry = QListWidgetItem(
                fill(
                    self.tr("Change %1 (%2): %3"),
                    str(item.device_seq),
                    item.kind,
                    item.last_error or "",
                )
            )
            entry.setData(Qt.ItemDataRole.UserRole, item.device_seq)
            self.dead_letters.addItem(entry)
        selected = self.conflicts.currentItem()
        keep = selected.data(Qt.ItemDataRole.UserRole) if selected is not None else None
        self.conflicts.clear()
        for conflict in engine.conflicts():
            field = str(conflict.get("field", ""))
            entry = QListWidgetItem(
                fill(
                    self.tr("%1 in report %2: two versions, choose one"),
                    labels.field_label(field),
                    self._reference_of(conflict.get("entity_id")),
                )
            )
            entry.setToolTip(
                fill(
                    self.tr("Yours: %1 · on the server: %2"),
                    value_text(field, conflict.get("your_value")),
                    value_text(field, conflict.get("server_value")),
                )
            )
            entry.setData(Qt.ItemDataRole.UserRole, conflict.get("device_seq"))
            self.conflicts.addItem(entry)
            if conflict.get("device_seq") == keep:
                self.conflicts.setCurrentItem(entry)
        self.resolve_button.setEnabled(self.conflicts.count() > 0)
        # The lists take room only when they hold something to act on.
        self._sync_form.setRowVisible(self.dead_letters, self.dead_letters.count() > 0)
        for row in (self.conflicts, self._resolve_row):
            self._sync_form.setRowVisible(row, self.conflicts.count() > 0)
