"""Instellingen: this workstation, language, alarm, and where data and secrets are kept."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from veiligbalie import paths, secrets, settings
from veiligbalie.core.text import fill
from veiligbalie.services.context import AppContext
from veiligbalie.ui.alarm_settings import AlarmSettings
from veiligbalie.ui.server_settings import ServerSettings
from veiligbalie.ui.widgets import buddy_label, line_edit

#: Longest workstation name, location or reporter name the form takes.
_FIELD_MAX = 200


class SettingsView(QScrollArea):
    """Edits are applied with "Opslaan"; nothing here holds a secret."""

    saved = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("settingsView")
        self.setAccessibleName(self.tr("Settings"))
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)

        body = QWidget(self)
        column = QVBoxLayout(body)
        title = QLabel(self.tr("Settings"), body)
        title.setStyleSheet("font-size: 20px; font-weight: bold;")
        column.addWidget(title)

        station = QGroupBox(self.tr("This workstation"), body)
        form = QFormLayout(station)
        self.station_name = line_edit(
            station, "stationName", self.tr("Workstation name"), max_length=_FIELD_MAX
        )
        self.station_location = line_edit(
            station,
            "stationLocation",
            self.tr("Location (shown with alarms)"),
            max_length=_FIELD_MAX,
        )
        self.station_location.setPlaceholderText(self.tr("e.g. Town hall, ground floor, desk 3"))
        self.reporter_name = line_edit(
            station, "reporterName", self.tr("Your name"), max_length=_FIELD_MAX
        )
        self.reporter_name.setPlaceholderText(
            self.tr("Used as reporter; empty: the workstation name")
        )
        form.addRow(*buddy_label(self.tr("&Workstation name"), self.station_name))
        form.addRow(*buddy_label(self.tr("L&ocation"), self.station_location))
        form.addRow(*buddy_label(self.tr("Your &name"), self.reporter_name))
        column.addWidget(station)

        interface = QGroupBox(self.tr("Interface and alarm"), body)
        form2 = QFormLayout(interface)
        self.language = QComboBox(interface)
        self.language.setObjectName("language")
        self.language.setAccessibleName(self.tr("Language"))
        self.language.addItem("Nederlands", "nl")
        self.language.addItem("English", "en")
        self.language.addItem(self.tr("Automatic (system language)"), "system")
        form2.addRow(*buddy_label(self.tr("&Language (after restart)"), self.language))
        self.alarm_sound = QCheckBox(
            self.tr("Play a sound when a colleague raises an alarm"), interface
        )
        self.alarm_sound.setObjectName("alarmSound")
        self.alarm_sound.setAccessibleName(self.alarm_sound.text())
        form2.addRow(self.alarm_sound)
        column.addWidget(interface)
        self.alarm_settings = AlarmSettings(context, body)
        column.addWidget(self.alarm_settings)
        self.server_settings = ServerSettings(context, body)
        column.addWidget(self.server_settings)

        storage = QGroupBox(self.tr("Storage and security"), body)
        form3 = QFormLayout(storage)
        self.server_state = QLabel(storage)
        self.server_state.setObjectName("serverState")
        self.server_state.setWordWrap(True)
        form3.addRow(self.tr("Server"), self.server_state)
        self.keyring_state = QLabel(storage)
        self.keyring_state.setObjectName("keyringState")
        self.keyring_state.setWordWrap(True)
        form3.addRow(self.tr("Credentials"), self.keyring_state)
        for label, value in (
            (self.tr("Data folder"), str(paths.data_dir())),
            (self.tr("Log folder"), str(paths.log_dir())),
        ):
            field = QLabel(value, storage)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            field.setWordWrap(True)
            form3.addRow(label, field)
        column.addWidget(storage)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.saved_note = QLabel(body)
        self.saved_note.setObjectName("settingsSavedNote")
        buttons.addWidget(self.saved_note)
        self.save_button = QPushButton(self.tr("&Save"), body)
        self.save_button.setObjectName("settingsSaveButton")
        self.save_button.setAccessibleName(self.tr("Save settings"))
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.save_button)
        column.addLayout(buttons)
        column.addStretch(1)
        self.setWidget(body)
        if context.session is not None:
            # Linking sets the station's location and site: show what the server gave.
            context.session.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.alarm_settings.refresh()
        self.station_name.setText(settings.STATION_NAME.get())
        self.station_location.setText(settings.STATION_LOCATION.get())
        self.reporter_name.setText(settings.REPORTER_NAME.get())
        index = self.language.findData(settings.LANGUAGE.get())
        self.language.setCurrentIndex(max(index, 0))
        self.alarm_sound.setChecked(settings.ALARM_SOUND.get())
        if settings.SERVER_URL.get():
            self.server_state.setText(settings.SERVER_URL.get())
        else:
            self.server_state.setText(
                self.tr("Not linked: VeiligBalie works locally on this workstation.")
            )
        if secrets.is_persistent():
            self.keyring_state.setText(
                fill(self.tr("Kept in the system keyring (%1)."), secrets.backend_description())
            )
        else:
            self.keyring_state.setText(
                self.tr(
                    "No system keyring found: credentials are kept in memory for this session "
                    "only and must be entered again after a restart. Nothing is written to disk."
                )
            )
        self.saved_note.clear()

    def save(self) -> None:
        name = self.station_name.text().strip()
        if name:
            settings.STATION_NAME.set(name)
        else:
            settings.STATION_NAME.reset()
        settings.STATION_LOCATION.set(self.station_location.text().strip())
        settings.REPORTER_NAME.set(self.reporter_name.text().strip())
        settings.LANGUAGE.set(self.language.currentData() or "nl")
        settings.ALARM_SOUND.set(self.alarm_sound.isChecked())
        settings.sync()
        self.refresh()
        self.saved_note.setText(self.tr("Saved."))
        self.saved.emit()
