"""Instellingen: what a counter employee needs (link status, who is signed in, language,
the alarm key) in plain sight, and what only an administrator sets (network, certificate,
site key, the workstation's name) behind a collapsed *Geavanceerd* section."""

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
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from veiligbalie import paths, settings
from veiligbalie.services.audit import AuditService
from veiligbalie.services.context import AppContext
from veiligbalie.ui.alarm_settings import AlarmSettings
from veiligbalie.ui.audit_view import AuditView
from veiligbalie.ui.presets import preset_note, show_lock
from veiligbalie.ui.server_settings import ServerSettings
from veiligbalie.ui.widgets import CollapsibleSection, buddy_label, line_edit

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
        # Fields no wider than a reader's eye travels; the page stays left-aligned.
        body.setMaximumWidth(1040)
        column = QVBoxLayout(body)
        title = QLabel(self.tr("Settings"), body)
        title.setStyleSheet("font-size: 20px; font-weight: bold;")
        column.addWidget(title)

        self.server_settings = ServerSettings(context, body)
        you = QGroupBox(self.tr("You and this workstation"), body)
        form2 = QFormLayout(you)
        self.reporter_name = line_edit(
            you, "reporterName", self.tr("Your name"), max_length=_FIELD_MAX
        )
        self.reporter_name.setPlaceholderText(
            self.tr("Used as reporter when nobody is signed in; empty: the workstation name")
        )
        form2.addRow(*buddy_label(self.tr("Your &name"), self.reporter_name))
        self.language = QComboBox(you)
        self.language.setObjectName("language")
        self.language.setAccessibleName(self.tr("Language"))
        self.language.addItem("Nederlands", "nl")
        self.language.addItem("English", "en")
        self.language.addItem(self.tr("Automatic (system language)"), "system")
        form2.addRow(*buddy_label(self.tr("&Language (after restart)"), self.language))
        self.language_preset = preset_note(you, "languagePreset")
        form2.addRow("", self.language_preset)
        self.alarm_sound = QCheckBox(self.tr("Play a sound when a colleague raises an alarm"), you)
        self.alarm_sound.setObjectName("alarmSound")
        self.alarm_sound.setAccessibleName(self.alarm_sound.text())
        form2.addRow(self.alarm_sound)
        self.alarm_sound_preset = preset_note(you, "alarmSoundPreset")
        form2.addRow(self.alarm_sound_preset)
        self.alarm_settings = AlarmSettings(context, body)

        # Link and sign-in first: what a person at the counter looks for.
        column.addWidget(self.server_settings)
        column.addWidget(you)
        column.addWidget(self.alarm_settings)

        storage = QGroupBox(self.tr("Storage and security"), body)
        form3 = QFormLayout(storage)
        self.keyring_state = QLabel(storage)
        self.keyring_state.setObjectName("keyringState")
        self.keyring_state.setWordWrap(True)
        form3.addRow(self.tr("Link credential"), self.keyring_state)
        for label, value in (
            (self.tr("Data folder"), str(paths.data_dir())),
            (self.tr("Log folder"), str(paths.log_dir())),
        ):
            field = QLabel(value, storage)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            field.setWordWrap(True)
            form3.addRow(label, field)
        column.addWidget(storage)
        # The audit log: for an administrator or privacy officer who is signed in.
        self.audit = AuditView(AuditService.from_context(context, self), body)
        column.addWidget(self.audit)

        # -- Geavanceerd ----------------------------------------------------------------------
        self.advanced = CollapsibleSection(self.tr("&Advanced (administrator)"), body)
        self.advanced.setObjectName("advancedSettings")
        self.advanced.header.setObjectName("advancedToggle")
        self.advanced.header.setAccessibleName(self.tr("Advanced settings"))
        advanced_column = QVBoxLayout(self.advanced.body)
        advanced_column.setContentsMargins(0, 0, 0, 0)
        station = QGroupBox(self.tr("This workstation"), self.advanced.body)
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
        form.addRow(*buddy_label(self.tr("&Workstation name"), self.station_name))
        form.addRow(*buddy_label(self.tr("L&ocation"), self.station_location))
        advanced_column.addWidget(station)
        organisation = QGroupBox(
            self.tr("Organisation (for documents without a server)"), self.advanced.body
        )
        form_org = QFormLayout(organisation)
        hint = QLabel(
            self.tr(
                "The letterhead of the police-report sheet and letters. A linked server's "
                "details take precedence."
            ),
            organisation,
        )
        hint.setWordWrap(True)
        form_org.addRow(hint)
        self.organisation_name = line_edit(
            organisation, "organisationName", self.tr("Organisation name"), max_length=_FIELD_MAX
        )
        form_org.addRow(self.tr("Organisation name"), self.organisation_name)
        self.organisation_address = QPlainTextEdit(organisation)
        self.organisation_address.setObjectName("organisationAddress")
        self.organisation_address.setAccessibleName(self.tr("Postal address"))
        self.organisation_address.setTabChangesFocus(True)
        self.organisation_address.setMaximumHeight(self.fontMetrics().lineSpacing() * 5)
        form_org.addRow(self.tr("Postal address"), self.organisation_address)
        advanced_column.addWidget(organisation)
        advanced_column.addWidget(self.alarm_settings.advanced_group)
        advanced_column.addWidget(self.server_settings.advanced_group)
        column.addWidget(self.advanced)

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
        self.server_settings.refresh()
        self.station_name.setText(settings.STATION_NAME.get())
        self.station_location.setText(settings.STATION_LOCATION.get())
        self.organisation_name.setText(settings.ORGANISATION_NAME.get())
        self.organisation_address.setPlainText(settings.ORGANISATION_ADDRESS.get())
        self.reporter_name.setText(settings.REPORTER_NAME.get())
        index = self.language.findData(settings.LANGUAGE.get())
        self.language.setCurrentIndex(max(index, 0))
        self.alarm_sound.setChecked(settings.ALARM_SOUND.get())
        show_lock(settings.LANGUAGE, [self.language], self.language_preset)
        show_lock(settings.ALARM_SOUND, [self.alarm_sound], self.alarm_sound_preset)
        self.keyring_state.setText(self.server_settings.storage_text()[0])
        self.audit.setVisible(self.audit.service.may_read())
        self.saved_note.clear()

    def save(self) -> None:
        name = self.station_name.text().strip()
        if name:
            settings.STATION_NAME.set(name)
        else:
            settings.STATION_NAME.reset()
        settings.STATION_LOCATION.set(self.station_location.text().strip())
        settings.ORGANISATION_NAME.set(self.organisation_name.text().strip())
        settings.ORGANISATION_ADDRESS.set(self.organisation_address.toPlainText().strip()[:1000])
        settings.REPORTER_NAME.set(self.reporter_name.text().strip())
        settings.LANGUAGE.set(self.language.currentData() or "nl")
        settings.ALARM_SOUND.set(self.alarm_sound.isChecked())
        settings.sync()
        self.refresh()
        self.saved_note.setText(self.tr("Saved."))
        self.saved.emit()
