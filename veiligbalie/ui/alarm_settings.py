"""The alarm group of Instellingen: alarms between workstations over the LAN (site key from
a key file or a passphrase, kept in the keyring; network, port, group), the peers reachable
now, the global key, test-alarm sound, and a button for the weekly test alarm."""

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
from veiligbalie.protocol import lan as lan_protocol
from veiligbalie.services.alarm_paths import LanAlarmPath, load_site_key, store_site_key
from veiligbalie.services.context import AppContext
from veiligbalie.services.hotkey import parse_sequence

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
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Alarm between workstations"))
        self.setObjectName("alarmSettings")
        self.context = context
        self.lan: LanAlarmPath | None = context.lan_alarms
        form = QFormLayout(self)

        self.lan_status = QLabel(self)
        self.lan_status.setObjectName("alarmLanStatus")
        self.lan_status.setWordWrap(True)
        form.addRow(self.tr("Status"), self.lan_status)
        self.peers = QLabel(self)
        self.peers.setObjectName("alarmPeers")
        self.peers.setWordWrap(True)
        self.peers.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("Reachable now"), self.peers)

        self.key_state = QLabel(self)
        self.key_state.setObjectName("alarmKeyState")
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_state, 1)
        self.key_file_button = QPushButton(self.tr("Key file…"), self)
        self.key_file_button.setObjectName("alarmKeyFileButton")
        self.key_file_button.clicked.connect(self._choose_key_file)
        self.passphrase_button = QPushButton(self.tr("Passphrase…"), self)
        self.passphrase_button.setObjectName("alarmPassphraseButton")
        self.passphrase_button.clicked.connect(self._ask_passphrase)
        key_row.addWidget(self.key_file_button)
        key_row.addWidget(self.passphrase_button)
        form.addRow(self.tr("Site key"), key_row)

        self.site_id = QLineEdit(self)
        self.site_id.setObjectName("alarmSiteId")
        self.site_id.setMaxLength(lan_protocol.MAX_SITE_ID_BYTES)
        form.addRow(self.tr("Site"), self.site_id)
        self.interface = QComboBox(self)
        self.interface.setObjectName("alarmLanInterface")
        self.interface.setAccessibleName(self.tr("Network"))
        form.addRow(self.tr("Network"), self.interface)
        self.port = QSpinBox(self)
        self.port.setObjectName("alarmLanPort")
        self.port.setRange(1024, 65535)
        form.addRow(self.tr("UDP port"), self.port)
        self.group = QLineEdit(self)
        self.group.setObjectName("alarmLanGroup")
        self.group.setPlaceholderText(self.tr("empty: broadcast on the subnet"))
        form.addRow(self.tr("Multicast group"), self.group)
        self.apply_button = QPushButton(self.tr("Apply network settings"), self)
        self.apply_button.setObjectName("alarmLanApply")
        self.apply_button.clicked.connect(self.apply)
        form.addRow("", self.apply_button)
        self.message = QLabel(self)
        self.message.setObjectName("alarmSettingsMessage")
        self.message.setWordWrap(True)
        form.addRow("", self.message)

        self.hotkey_edit = QKeySequenceEdit(self)
        self.hotkey_edit.setObjectName("alarmHotkeyEdit")
        self.hotkey_edit.setMaximumSequenceLength(1)
        self.hotkey_edit.editingFinished.connect(self._hotkey_edited)
        form.addRow(self.tr("Global alarm key"), self.hotkey_edit)
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
        form.addRow("", self.test_button)

        if self.lan is not None:
            self.lan.changed.connect(self.refresh_status)
        self.refresh()

    # -- Showing -----------------------------------------------------------------------------
    def refresh(self) -> None:
        self.site_id.setText(settings.SITE_ID.get())
        self.interface.clear()
        self.interface.addItem(self.tr("Not set: no alarms over the network"), "")
        for name, address in ipv4_interfaces():
            self.interface.addItem(f"{name} ({address})", name)
        chosen = settings.ALARM_LAN_INTERFACE.get()
        index = self.interface.findData(chosen)
        if index < 0 and chosen:
            self.interface.addItem(fill(self.tr("%1 (not found)"), chosen), chosen)
            index = self.interface.count() - 1
        self.interface.setCurrentIndex(max(index, 0))
        self.port.setValue(settings.ALARM_LAN_PORT.get())
        self.group.setText(settings.ALARM_LAN_GROUP.get())
        self.hotkey_edit.setKeySequence(QKeySequence(settings.ALARM_HOTKEY.get()))
        self.test_sound.setChecked(settings.ALARM_TEST_SOUND.get())
        self.refresh_status()

    def refresh_status(self) -> None:
        if load_site_key() is not None:
            self.key_state.setText(self.tr("Set (kept in the keyring)"))
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
            key = lan_protocol.key_from_file(path)
        except (lan_protocol.KeyFileError, ValueError) as error:
            self.message.setText(fill(self.tr("Key not set: %1"), str(error)))
            return False
        return self._store_key(key)

    def set_key_from_passphrase(self, passphrase: str) -> bool:
        site = self.site_id.text().strip() or settings.SITE_ID.get()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            key = lan_protocol.key_from_passphrase(passphrase, site)
        except ValueError as error:
            self.message.setText(fill(self.tr("Key not set: %1"), str(error)))
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        settings.SITE_ID.set(site)
        return self._store_key(key)

    def _store_key(self, key: bytes) -> bool:
        store_site_key(key)
        log.info("LAN site key set on this workstation")  # never the key itself
        self.message.setText(self.tr("Site key set."))
        self.apply()
        return True

    # -- Network -----------------------------------------------------------------------------
    def apply(self) -> bool:
        """Store the network settings and restart the LAN path with them."""
        group = self.group.text().strip()
        site = self.site_id.text().strip()
        if not site:
            self.message.setText(self.tr("Fill in the site."))
            return False
        settings.SITE_ID.set(site)
        settings.ALARM_LAN_INTERFACE.set(self.interface.currentData() or "")
        settings.ALARM_LAN_PORT.set(self.port.value())
        settings.ALARM_LAN_GROUP.set(group)
        settings.sync()
        if self.lan is None:
            return False
        ok = self.lan.configure_from_settings(self.context.alarms.identity)
        if ok:
            self.message.setText(self.tr("Alarms between workstations are on."))
        elif self.lan.status:
            self.message.setText(self.lan.status)
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
            return
        settings.ALARM_HOTKEY.set(text)
        settings.sync()
        if self.context.hotkey is not None:
            self.context.hotkey.register(text)
        self.refresh_status()
