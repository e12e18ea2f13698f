"""The alarm groups of Instellingen: how alarms reach colleagues now (status, peers, site),
the global key, test-alarm sound and the weekly test alarm; and, for the administrator, the
LAN path (site key from a key file or a passphrase; network, port, group)."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtNetwork import QAbstractSocket, QNetworkInterface
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from veiligbalie import settings
from veiligbalie.core.text import fill
from veiligbalie.services import site_key
from veiligbalie.services.alarm_paths import LanAlarmPath, lan_group, lan_port, lan_set_by_server
from veiligbalie.services.context import AppContext
from veiligbalie.services.hotkey import parse_sequence
from veiligbalie.ui.presets import preset_note, show_lock

log = logging.getLogger(__name__)


def ipv4_interfaces() -> list[tuple[str, str]]:
    """(name, first IPv4 address) of every interface that is up."""
    found = []
    for interface in QNetworkInterface.allInterfaces():
        if not interface.flags() & QNetworkInterface.InterfaceFlag.IsUp:
            continue
        addresses = [
            entry.ip().toString()
            for entry in interface.addressEntries()
            if entry.ip().protocol() == QAbstractSocket.NetworkLayerProtocol.IPv4Protocol
        ]
        if addresses:
            found.append((interface.name(), addresses[0]))
    return found


class AlarmSettings(QGroupBox):
    """What a counter employee sees of the alarm (status, colleagues reachable, the global
    key, the test alarm) in this group; what the administrator sets (site key, site,
    network, port, group) in :attr:`advanced_group`, which the page puts under
    *Geavanceerd*."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Alarm"))
        self.setObjectName("alarmSettings")
        self.context = context
        self.lan: LanAlarmPath | None = context.lan_alarms
        form = QFormLayout(self)

        self.lan_status = QLabel(self)
        self.lan_status.setObjectName("alarmLanStatus")
        self.lan_status.setWordWrap(True)
        form.addRow(self.tr("Between workstations"), self.lan_status)
        self.peers = QLabel(self)
        self.peers.setObjectName("alarmPeers")
        self.peers.setWordWrap(True)
        self.peers.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("Reachable now"), self.peers)
        self.site_name = QLabel(self)
        self.site_name.setObjectName("alarmSiteName")
        self.site_name.setWordWrap(True)
        form.addRow(self.tr("Site"), self.site_name)

        # -- Geavanceerd: the administrator's part ----------------------------------------
        advanced = QGroupBox(self.tr("Alarm between workstations (network)"), parent)
        advanced.setObjectName("alarmNetworkSettings")
        self.advanced_group = advanced
        network = QFormLayout(advanced)
        self.key_state = QLabel(advanced)
        self.key_state.setObjectName("alarmKeyState")
        self.key_state.setWordWrap(True)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_state, 1)
        self.key_file_button = QPushButton(self.tr("Key file…"), advanced)
        self.key_file_button.setObjectName("alarmKeyFileButton")
        self.key_file_button.clicked.connect(self._choose_key_file)
        self.passphrase_button = QPushButton(self.tr("Passphrase…"), advanced)
        self.passphrase_button.setObjectName("alarmPassphraseButton")
        self.passphrase_button.clicked.connect(self._ask_passphrase)
        key_row.addWidget(self.key_file_button)
        key_row.addWidget(self.passphrase_button)
        network.addRow(self.tr("Site key"), key_row)

        self.site_id = QLineEdit(advanced)
        self.site_id.setObjectName("alarmSiteId")
        self.site_id.setAccessibleName(self.tr("Site code"))
        self.site_id.setMaxLength(site_key.MAX_SITE_ID_LENGTH)
        self.site_id.setPlaceholderText(self.tr("The same on every workstation of the site"))
        network.addRow(self.tr("Site code"), self.site_id)
        self.interface = QComboBox(advanced)
        self.interface.setObjectName("alarmLanInterface")
        self.interface.setAccessibleName(settings.ALARM_LAN_INTERFACE.display_title)
        network.addRow(self.tr("Network"), self.interface)
        self.port = QSpinBox(advanced)
        self.port.setObjectName("alarmLanPort")
        self.port.setAccessibleName(settings.ALARM_LAN_PORT.display_title)
        self.port.setRange(1024, 65535)
        network.addRow(self.tr("UDP port"), self.port)
        self.group = QLineEdit(advanced)
        self.group.setObjectName("alarmLanGroup")
        self.group.setAccessibleName(settings.ALARM_LAN_GROUP.display_title)
        self.group.setPlaceholderText(self.tr("empty: broadcast on the subnet"))
        network.addRow(self.tr("Multicast group"), self.group)
        # Where the administrator set port or group for the site on the server, that wins:
        # the fields show the server's values, read-only, and this line says so.
        self.server_note = QLabel(advanced)
        self.server_note.setObjectName("alarmLanServerNote")
        self.server_note.setWordWrap(True)
        self.server_note.setVisible(False)
        network.addRow("", self.server_note)
        self.apply_button = QPushButton(self.tr("Apply network settings"), advanced)
        self.apply_button.setObjectName("alarmLanApply")
        self.apply_button.clicked.connect(self.apply)
        apply_row = QHBoxLayout()
        apply_row.addWidget(self.apply_button)
        apply_row.addStretch(1)
        network.addRow("", apply_row)
        self.message = QLabel(advanced)
        self.message.setObjectName("alarmSettingsMessage")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        network.addRow("", self.message)
        # The passphrase's PBKDF2 takes about half a second: derived on a worker, with the
        # key buttons off and a line saying so meanwhile (the alarm button keeps working).
        self.key_derivation = site_key.PassphraseDerivation(parent=self)
        self.key_derivation.busy_changed.connect(self._show_deriving)
        self.key_derivation.finished.connect(self._key_set)
        self.key_derivation.failed.connect(self._key_refused)

        self.hotkey_edit = QKeySequenceEdit(self)
        self.hotkey_edit.setObjectName("alarmHotkeyEdit")
        self.hotkey_edit.setMaximumSequenceLength(1)
        self.hotkey_edit.editingFinished.connect(self._hotkey_edited)
        form.addRow(self.tr("Global alarm key"), self.hotkey_edit)
        self.hotkey_preset = preset_note(self, "alarmHotkeyPreset")
        form.addRow("", self.hotkey_preset)
        self.hotkey_status = QLabel(self)
        self.hotkey_status.setObjectName("alarmHotkeyStatus")
        self.hotkey_status.setWordWrap(True)
        form.addRow("", self.hotkey_status)

        self.test_sound = QCheckBox(self.tr("Sound for test alarms too"), self)
        self.test_sound.setObjectName("alarmTestSound")
        self.test_sound.toggled.connect(settings.ALARM_TEST_SOUND.set)
        form.addRow("", self.test_sound)
        self.test_button = QPushButton(self.tr("Send a test alarm"), self)
        self.test_button.setObjectName("alarmTestButton")
        self.test_button.setToolTip(
            self.tr("Runs the whole alarm path, marked TEST everywhere, without sound")
        )
        self.test_button.clicked.connect(lambda: self.context.alarms.raise_alarm(test=True))
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        form.addRow("", test_row)

        if self.lan is not None:
            self.lan.changed.connect(self.refresh_status)
            self.lan.changed.connect(self._show_server_lan)
        self.refresh()

    # -- Showing -----------------------------------------------------------------------------
    def refresh(self) -> None:
        session = self.context.session
        name = session.site_name if session is not None else ""
        self.site_name.setText(name or self.tr("Not linked with a server"))
        # The site code salts a passphrase key; a linked station's comes from the server.
        linked = bool(session is not None and session.enrolled)
        # The built-in "default" is no name to show: an empty field means it.
        own = settings.SITE_ID.get() if settings.SITE_ID.is_set() else ""
        self.site_id.setText("" if linked else own)
        self.site_id.setEnabled(not linked)
        self.interface.clear()
        self.interface.addItem(self.tr("Off: no alarms over the network"), "")
        for name, address in ipv4_interfaces():
            self.interface.addItem(f"{name} ({address})", name)
        chosen = settings.ALARM_LAN_INTERFACE.get()
        index = self.interface.findData(chosen)
        if index < 0 and chosen:
            self.interface.addItem(fill(self.tr("%1 (not found)"), chosen), chosen)
            index = self.interface.count() - 1
        self.interface.setCurrentIndex(max(index, 0))
        self.port.setValue(lan_port())
        self.group.setText(lan_group())
        self._show_server_lan()
        self.hotkey_edit.setKeySequence(QKeySequence(settings.ALARM_HOTKEY.get()))
        show_lock(settings.ALARM_HOTKEY, [self.hotkey_edit], self.hotkey_preset)
        self.test_sound.setChecked(settings.ALARM_TEST_SOUND.get())
        self.refresh_status()

    def _show_server_lan(self) -> None:
        """Port and group the administrator set for the site on the server win: shown
        read-only with a line that says so. A field the server lets go shows ours again."""
        port_by_server, group_by_server = lan_set_by_server()
        if port_by_server or not self.port.isEnabled():
            self.port.setValue(lan_port())
        if group_by_server or not self.group.isEnabled():
            self.group.setText(lan_group())
        self.port.setEnabled(not port_by_server)
        self.group.setEnabled(not group_by_server)
        notes = []
        if port_by_server or group_by_server:
            notes.append(
                self.tr(
                    "The administrator sets the port and group of this site on the server "
                    "(Beheer, Alarmering); your own values apply where the server sets none."
                )
            )
        if not settings.ALARM_LAN_SITE_ENABLED.get():
            notes.append(
                self.tr("The administrator switched alarms over the network off for this site.")
            )
        self.server_note.setText(" ".join(notes))
        self.server_note.setVisible(bool(notes))

    def refresh_status(self) -> None:
        fingerprint = site_key.fingerprint()
        if fingerprint:
            self.key_state.setText(fill(self.tr("Set (fingerprint %1)"), fingerprint))
        else:
            self.key_state.setText(self.tr("Not set"))
        if self.lan is None:
            self.lan_status.setText(self.tr("Not available"))
            self.peers.setText("")
        else:
            self.lan_status.setText(self.lan.status)
            peers = self.lan.peers()
            if peers:
                self.peers.setText(
                    "\n".join(f"{p.name or p.station_id} ({p.address})" for p in peers)
                )
            else:
                self.peers.setText(self.tr("No colleague workstation heard"))
        hotkey = self.context.hotkey
        if hotkey is None:
            self.hotkey_status.setText("")
        elif hotkey.status:
            self.hotkey_status.setText(hotkey.status)
        elif QGuiApplication.platformName() not in ("xcb", "windows"):
            self.hotkey_status.setText(
                self.tr(
                    "Global hotkey not available on this platform; use the button or the "
                    "key inside the window"
                )
            )
        self.hotkey_status.setVisible(bool(self.hotkey_status.text()))

    # -- Site key ----------------------------------------------------------------------------
    def _choose_key_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Site key file"))
        if path:
            self.set_key_from_file(path)

    def _ask_passphrase(self) -> None:
        text, ok = QInputDialog.getText(
            self,
            self.tr("Site passphrase"),
            self.tr("The passphrase of this site (the same on every workstation):"),
            QLineEdit.EchoMode.Password,
        )
        if ok and text:
            self.set_key_from_passphrase(text)

    def set_key_from_file(self, path: str) -> bool:
        try:
            site_key.set_from_file(path)
        except site_key.SiteKeyError as error:
            return self._key_refused(error)
        return self._key_set()

    def set_key_from_passphrase(self, passphrase: str) -> bool:
        """Start deriving the key (off the GUI thread); False when refused at once. The
        outcome arrives through :attr:`key_derivation` (``finished`` / ``failed``)."""
        site = self.site_id.text().strip() or settings.SITE_ID.get()
        try:
            self.key_derivation.start(passphrase, site)
        except site_key.SiteKeyError as error:
            return self._key_refused(error)
        return True

    def _show_deriving(self, busy: bool) -> None:
        self.key_file_button.setEnabled(not busy)
        self.passphrase_button.setEnabled(not busy)
        self.advanced_group.setCursor(
            Qt.CursorShape.BusyCursor if busy else Qt.CursorShape.ArrowCursor
        )
        if busy:
            self._tell(self.tr("Deriving the site key from the passphrase…"))

    def _key_refused(self, error: site_key.SiteKeyError) -> bool:
        reasons = {
            site_key.KeyProblem.FILE_UNREADABLE: self.tr("the file cannot be read."),
            site_key.KeyProblem.NOT_A_KEY: self.tr(
                "this file holds no site key. Ask the administrator for the key file."
            ),
            site_key.KeyProblem.PASSPHRASE_TOO_SHORT: fill(
                self.tr("the passphrase needs at least %1 characters."),
                str(site_key.MIN_PASSPHRASE_LENGTH),
            ),
            site_key.KeyProblem.NO_SITE: self.tr("fill in the site code first."),
        }
        log.warning("Site key not set: %s", error.detail or error.problem.value)
        self._tell(fill(self.tr("Key not set: %1"), reasons[error.problem]))
        return False

    def _key_set(self) -> bool:
        self._tell(self.tr("Site key set."))
        self.apply()
        return True

    def _tell(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # -- Network -----------------------------------------------------------------------------
    def apply(self) -> bool:
        """Store the network settings and restart the LAN path with them."""
        group = self.group.text().strip()
        if self.site_id.isEnabled():
            site = self.site_id.text().strip()
            if site:
                settings.SITE_ID.set(site)
            else:
                settings.SITE_ID.reset()
        settings.ALARM_LAN_INTERFACE.set(self.interface.currentData() or "")
        if self.port.isEnabled():  # else the server's value is shown: ours stays as it was
            settings.ALARM_LAN_PORT.set(self.port.value())
        if self.group.isEnabled():
            settings.ALARM_LAN_GROUP.set(group)
        settings.sync()
        if self.lan is None:
            return False
        ok = self.lan.configure_from_settings(self.context.alarms.identity)
        if ok:
            self._tell(self.tr("Alarms between workstations are on."))
        elif self.lan.status:
            self._tell(self.lan.status)
        self.refresh_status()
        return ok

    # -- Global key --------------------------------------------------------------------------
    def _hotkey_edited(self) -> None:
        text = self.hotkey_edit.keySequence().toString(QKeySequence.SequenceFormat.PortableText)
        if not text:
            return
        try:
            parse_sequence(text)
        except ValueError as error:
            self.hotkey_status.setText(fill(self.tr("Key not usable: %1"), str(error)))
            self.hotkey_status.setVisible(True)
            return
        settings.ALARM_HOTKEY.set(text)
        settings.sync()
        if self.context.hotkey is not None:
            self.context.hotkey.register(text)
        self.refresh_status()
