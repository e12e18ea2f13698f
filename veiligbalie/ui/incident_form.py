"""The incident form (*Melden*): one screen, the essentials first and the rest in sections
that open on demand; keyboard-first, autosaved as a draft while typing, and a confirmation
with the reference number and what happens next once saved."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QLocale, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from veiligbalie.core.incident import (
    DESCRIPTION_MAX,
    DESCRIPTION_MIN,
    Field,
    Incident,
    ValidationError,
    validate,
)
from veiligbalie.core.text import fill
from veiligbalie.core.vocabulary import (
    Category,
    Channel,
    FollowUpKind,
    IncidentStatus,
    Severity,
)
from veiligbalie.core.workdays import AMSTERDAM
from veiligbalie.services.incidents import (
    ALLOWED_SUFFIXES,
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    AttachmentError,
    AttachmentInfo,
    Draft,
    IncidentService,
)
from veiligbalie.ui import labels
from veiligbalie.ui.widgets import CollapsibleSection, FieldMessage, FlowLayout, ToggleGroup

log = logging.getLogger(__name__)

STATE_VERSION = 1
WHEN_NOW, WHEN_TODAY, WHEN_OTHER = "now", "today", "other"


def parse_euros(text: str) -> int | None:
    """Cents from an amount typed the Dutch or the English way ("1.234,50", "1234.50",
    "€ 150"); None for an empty field. Raises ValueError when it is not an amount."""
    cleaned = text.strip().replace("€", "").replace("EUR", "").replace(" ", "")
    if not cleaned:
        return None
    if not re.fullmatch(r"-?[0-9.,]+", cleaned):
        raise ValueError(text)
    negative = cleaned.startswith("-")
    digits = cleaned.lstrip("-")
    last_sep = max(digits.rfind(","), digits.rfind("."))
    # A separator followed by one or two digits is the decimal mark; any other is grouping.
    if last_sep >= 0 and len(digits) - last_sep - 1 in (1, 2):
        whole, fraction = digits[:last_sep], digits[last_sep + 1 :]
    else:
        whole, fraction = digits, ""
    whole = whole.replace(".", "").replace(",", "")
    if not whole and not fraction:
        raise ValueError(text)
    cents = int(whole or "0") * 100 + int(fraction.ljust(2, "0") or "0")
    return -cents if negative else cents


def _to_utc(moment: QDateTime) -> datetime:
    return datetime.fromtimestamp(moment.toSecsSinceEpoch(), UTC)


def _to_qt(moment: datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(moment.timestamp()))


def _format_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(size // 1024, 1)} kB"


class IncidentForm(QWidget):
    """Register one incident. The main window shows it in *Melden* and calls start_new()."""

    saved = Signal(object)  # the saved Incident (with reference)
    cancelled = Signal()

    AUTOSAVE_DEBOUNCE_MS = 400
    #: Typing without a pause still reaches the disk this often: at most this much is at risk.
    AUTOSAVE_MAX_WAIT_MS = 800

    def __init__(self, service: IncidentService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._draft_id: uuid.UUID | None = None
        self._draft_stored = False
        self._loading = False
        self._pristine: dict[str, Any] = {}
        self._now_moment = datetime.now(UTC)
        self._alarm_id: uuid.UUID | None = None
        self._attachments: list[AttachmentInfo] = []
        self._saved_incident: Incident | None = None
        self._discard_box: QMessageBox | None = None
        self._messages: dict[str, FieldMessage] = {}

        self.setObjectName("incidentForm")
        self.setAccessibleName(self.tr("Report an incident"))
        self.setAcceptDrops(True)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(self.AUTOSAVE_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.flush_draft)
        self._max_wait = QTimer(self)
        self._max_wait.setSingleShot(True)
        self._max_wait.setInterval(self.AUTOSAVE_MAX_WAIT_MS)
        self._max_wait.timeout.connect(self.flush_draft)

        self._stack = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._stack)
        self._stack.addWidget(self._build_editor())
        self._stack.addWidget(self._build_confirmation())
        self._install_shortcuts()
        self._connect_changes()
        self._reset_fields()

    # ================================================================== building the screen
    def _build_editor(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("incidentEditorPage")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        self.scroll = QScrollArea(page)
        self.scroll.setObjectName("incidentScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        content = QWidget()
        content.setObjectName("incidentContent")
        self._content = QVBoxLayout(content)
        self._content.setContentsMargins(16, 12, 16, 12)
        self._content.setSpacing(6)

        title = QLabel(self.tr("Report an incident"), content)
        title.setObjectName("incidentTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        title.setWordWrap(True)
        self._content.addWidget(title)
        intro = QLabel(
            self.tr(
                "Only what happened, the kind of incident and a short description are "
                "needed. Ctrl+Enter saves."
            ),
            content,
        )
        intro.setWordWrap(True)
        self._content.addWidget(intro)

        self._build_when(content)
        self._build_where(content)
        self._build_channel(content)
        self._build_categories(content)
        self._build_severity(content)
        self._build_description(content)
        self._build_sections(content)
        self._content.addStretch(1)
        self.scroll.setWidget(content)
        layout.addWidget(self.scroll, 1)

        bar = QFrame(page)
        bar.setObjectName("incidentButtonBar")
        bar.setFrameShape(QFrame.Shape.StyledPanel)
        bar_layout = QHBoxLayout(bar)
        bar_layout.setContentsMargins(16, 8, 16, 8)
        self.draft_status = QLabel(bar)
        self.draft_status.setObjectName("draftStatus")
        self.draft_status.setAccessibleName(self.tr("Draft status"))
        self.draft_status.setWordWrap(True)
        bar_layout.addWidget(self.draft_status, 1)
        self.cancel_button = QPushButton(self.tr("Cancel (Esc)"), bar)
        self.cancel_button.setObjectName("incidentCancelButton")
        self.cancel_button.setAccessibleName(self.tr("Cancel the report"))
        self.cancel_button.clicked.connect(self.request_cancel)
        bar_layout.addWidget(self.cancel_button)
        self.save_button = QPushButton(self.tr("Save report (Ctrl+Enter)"), bar)
        self.save_button.setObjectName("incidentSaveButton")
        self.save_button.setAccessibleName(self.tr("Save report"))
        self.save_button.setDefault(False)
        self.save_button.clicked.connect(self.save)
        bar_layout.addWidget(self.save_button)
        layout.addWidget(bar)
        return page

    def _field_label(self, text: str, parent: QWidget, name: str) -> QLabel:
        label = QLabel(text, parent)
        label.setObjectName(name)
        label.setWordWrap(True)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        label.setContentsMargins(0, 6, 0, 0)
        return label

    def _message(self, field: Field | str, parent: QWidget) -> FieldMessage:
        key = field.value if isinstance(field, Field) else field
        message = FieldMessage(f"error_{key}", parent)
        self._messages[key] = message
        return message

    def _build_when(self, parent: QWidget) -> None:
        self.when_label = self._field_label(self.tr("&When did it happen?"), parent, "whenLabel")
        self._content.addWidget(self.when_label)
        row = QWidget(parent)
        flow = FlowLayout(row, spacing=10)
        self.when_now = QRadioButton(row)
        self.when_now.setObjectName("whenNow")
        self.when_now.setAccessibleName(self.tr("Just now"))
        self.when_today = QRadioButton(self.tr("Today at"), row)
        self.when_today.setObjectName("whenToday")
        self.when_today.setAccessibleName(self.tr("Today at a time"))
        self.today_time = QTimeEdit(row)
        self.today_time.setObjectName("todayTime")
        self.today_time.setDisplayFormat("HH:mm")
        self.today_time.setAccessibleName(self.tr("Time today"))
        self.when_other = QRadioButton(self.tr("Another day:"), row)
        self.when_other.setObjectName("whenOther")
        self.when_other.setAccessibleName(self.tr("Another date and time"))
        self.other_datetime = QDateTimeEdit(row)
        self.other_datetime.setObjectName("otherDateTime")
        self.other_datetime.setDisplayFormat("dd-MM-yyyy HH:mm")
        self.other_datetime.setCalendarPopup(True)
        self.other_datetime.setAccessibleName(self.tr("Date and time"))
        self._when_group = QButtonGroup(self)
        for button in (self.when_now, self.when_today, self.when_other):
            self._when_group.addButton(button)
        for widget in (
            self.when_now,
            self.when_today,
            self.today_time,
            self.when_other,
            self.other_datetime,
        ):
            flow.addWidget(widget)
        self.when_label.setBuddy(self.when_now)
        self._content.addWidget(row)
        self._content.addWidget(self._message(Field.OCCURRED_AT, parent))
        self._when_group.buttonToggled.connect(self._update_when_enabled)

    def _build_where(self, parent: QWidget) -> None:
        label = self._field_label(self.tr("Whe&re?"), parent, "locationLabel")
        self.location = QLineEdit(parent)
        self.location.setObjectName("location")
        self.location.setAccessibleName(self.tr("Where"))
        self.location.setPlaceholderText(self.tr("For example: counter 3, main entrance"))
        label.setBuddy(self.location)
        self._content.addWidget(label)
        self._content.addWidget(self.location)
        self._content.addWidget(self._message(Field.LOCATION, parent))

    def _build_channel(self, parent: QWidget) -> None:
        label = self._field_label(self.tr("&How did it reach you?"), parent, "channelLabel")
        self.channel = QComboBox(parent)
        self.channel.setObjectName("channel")
        self.channel.setAccessibleName(self.tr("How did it reach you"))
        for channel in Channel:
            self.channel.addItem(labels.channel_label(channel), channel.value)
        label.setBuddy(self.channel)
        self._content.addWidget(label)
        self._content.addWidget(self.channel)

    def _build_categories(self, parent: QWidget) -> None:
        label = self._field_label(
            self.tr("&Type of incident (keys 1 to 9, several possible)"), parent, "categoryLabel"
        )
        self.categories = ToggleGroup(
            [c.value for c in labels.CATEGORY_ORDER],
            [labels.category_label(c) for c in labels.CATEGORY_ORDER],
            parent,
        )
        self.categories.setObjectName("categories")
        self.categories.setAccessibleName(self.tr("Type of incident"))
        label.setBuddy(self.categories.buttons[0])
        self._content.addWidget(label)
        self._content.addWidget(self.categories)
        self._content.addWidget(self._message(Field.CATEGORIES, parent))

    def _build_severity(self, parent: QWidget) -> None:
        label = self._field_label(self.tr("&Severity"), parent, "severityLabel")
        self.severity = QComboBox(parent)
        self.severity.setObjectName("severity")
        self.severity.setAccessibleName(self.tr("Severity"))
        for severity in Severity:
            self.severity.addItem(labels.severity_label(severity), severity.value)
        label.setBuddy(self.severity)
        self._content.addWidget(label)
        self._content.addWidget(self.severity)

    def _build_description(self, parent: QWidget) -> None:
        label = self._field_label(self.tr("&Describe what happened"), parent, "descriptionLabel")
        self.description = QPlainTextEdit(parent)
        self.description.setObjectName("description")
        self.description.setAccessibleName(self.tr("Description"))
        self.description.setTabChangesFocus(True)
        self.description.setPlaceholderText(
            self.tr("What did the person say or do? What did you do?")
        )
        self.description.setMinimumHeight(self.fontMetrics().lineSpacing() * 6)
        label.setBuddy(self.description)
        self.description_counter = QLabel(parent)
        self.description_counter.setObjectName("descriptionCounter")
        self.description_counter.setAccessibleName(self.tr("Number of characters"))
        self.description_counter.setWordWrap(True)
        self._content.addWidget(label)
        self._content.addWidget(self.description)
        self._content.addWidget(self.description_counter)
        self._content.addWidget(self._message(Field.DESCRIPTION, parent))

    def _build_sections(self, parent: QWidget) -> None:
        self.sections: dict[str, CollapsibleSection] = {}
        for key, title, builder in (
            ("people", self.tr("&People involved"), self._build_people),
            ("consequences", self.tr("&Consequences"), self._build_consequences),
            ("aftercare", self.tr("&Aftercare and privacy"), self._build_aftercare),
            ("evidence", self.tr("&Evidence (photos, screenshots, files)"), self._build_evidence),
        ):
            section = CollapsibleSection(title, parent)
            section.setObjectName(f"section_{key}")
            section.header.setObjectName(f"sectionHeader_{key}")
            section.header.setAccessibleName(title.replace("&", ""))
            body = QVBoxLayout(section.body)
            body.setContentsMargins(24, 0, 0, 8)
            body.setSpacing(4)
            builder(section.body, body)
            section.expanded_changed.connect(self._on_change)
            self.sections[key] = section
            self._content.addWidget(section)

    def _labelled(
        self, layout: QVBoxLayout, parent: QWidget, text: str, widget: QWidget, name: str
    ) -> None:
        label = QLabel(text, parent)
        label.setWordWrap(True)
        label.setBuddy(widget)
        widget.setObjectName(name)
        widget.setAccessibleName(text.replace("&", ""))
        layout.addWidget(label)
        layout.addWidget(widget)

    def _check(self, layout: QVBoxLayout, parent: QWidget, text: str, name: str) -> QCheckBox:
        box = QCheckBox(text, parent)
        box.setObjectName(name)
        box.setAccessibleName(text)
        layout.addWidget(box)
        return box

    def _build_people(self, body: QWidget, layout: QVBoxLayout) -> None:
        self.reporter = QLineEdit(body)
        self._labelled(layout, body, self.tr("Reporter"), self.reporter, "reporter")
        layout.addWidget(self._message(Field.REPORTER, body))
        self.on_behalf = self._check(
            layout, body, self.tr("I am reporting on behalf of a colleague"), "onBehalf"
        )
        self.on_behalf_of = QLineEdit(body)
        self._labelled(
            layout, body, self.tr("Name of the colleague"), self.on_behalf_of, "onBehalfOf"
        )
        layout.addWidget(self._message(Field.ON_BEHALF_OF, body))

        perpetrator_label = QLabel(self.tr("Perpetrator"), body)
        perpetrator_label.setWordWrap(True)
        layout.addWidget(perpetrator_label)
        row = QWidget(body)
        flow = FlowLayout(row, spacing=10)
        self.perpetrator_unknown = QRadioButton(self.tr("Unknown"), row)
        self.perpetrator_unknown.setObjectName("perpetratorUnknown")
        self.perpetrator_unknown.setAccessibleName(self.tr("Perpetrator unknown"))
        self.perpetrator_known = QRadioButton(self.tr("Known"), row)
        self.perpetrator_known.setObjectName("perpetratorKnown")
        self.perpetrator_known.setAccessibleName(self.tr("Perpetrator known"))
        perpetrator_label.setBuddy(self.perpetrator_unknown)
        self._perpetrator_group = QButtonGroup(self)
        self._perpetrator_group.addButton(self.perpetrator_unknown)
        self._perpetrator_group.addButton(self.perpetrator_known)
        flow.addWidget(self.perpetrator_unknown)
        flow.addWidget(self.perpetrator_known)
        layout.addWidget(row)
        restricted = QLabel(
            self.tr("Only visible to team leads. Write only what is needed to follow up."), body
        )
        restricted.setObjectName("restrictedNote")
        restricted.setWordWrap(True)
        layout.addWidget(restricted)
        self.perpetrator_description = QPlainTextEdit(body)
        self.perpetrator_description.setTabChangesFocus(True)
        self.perpetrator_description.setMinimumHeight(self.fontMetrics().lineSpacing() * 3)
        self.perpetrator_description.setMaximumHeight(self.fontMetrics().lineSpacing() * 6)
        self._labelled(
            layout,
            body,
            self.tr("Short description of the perpetrator"),
            self.perpetrator_description,
            "perpetratorDescription",
        )
        layout.addWidget(self._message(Field.PERPETRATOR, body))
        self.perpetrator_reference = QLineEdit(body)
        self._labelled(
            layout,
            body,
            self.tr("Client or case number (only visible to team leads)"),
            self.perpetrator_reference,
            "perpetratorReference",
        )
        layout.addWidget(self._message(Field.PERPETRATOR_REFERENCE, body))
        self.witnesses = QPlainTextEdit(body)
        self.witnesses.setTabChangesFocus(True)
        self.witnesses.setMinimumHeight(self.fontMetrics().lineSpacing() * 3)
        self.witnesses.setMaximumHeight(self.fontMetrics().lineSpacing() * 6)
        self._labelled(
            layout,
            body,
            self.tr("Witnesses: colleagues and visitors, one per line"),
            self.witnesses,
            "witnesses",
        )
        layout.addWidget(self._message(Field.WITNESSES, body))
        self.on_behalf.toggled.connect(self._update_enabled)
        self._perpetrator_group.buttonToggled.connect(self._update_enabled)

    def _build_consequences(self, body: QWidget, layout: QVBoxLayout) -> None:
        self.injury = self._check(layout, body, self.tr("Someone was injured"), "injury")
        self.damage = self._check(layout, body, self.tr("There is damage"), "damage")
        self.damage_amount = QLineEdit(body)
        self.damage_amount.setPlaceholderText(self.tr("For example 150 or 149,95"))
        self._labelled(
            layout,
            body,
            self.tr("Estimated damage in euros"),
            self.damage_amount,
            "damageAmount",
        )
        layout.addWidget(self._message(Field.DAMAGE_AMOUNT, body))
        self.absence = self._check(
            layout, body, self.tr("Someone could not work (absence)"), "absence"
        )
        self.police_called = self._check(
            layout, body, self.tr("The police were called"), "policeCalled"
        )
        self.arrest = self._check(layout, body, self.tr("Someone was arrested"), "arrest")
        self.police_report_intended = self._check(
            layout, body, self.tr("A police report (aangifte) will be made"), "policeReport"
        )
        self.damage.toggled.connect(self._update_enabled)

    def _build_aftercare(self, body: QWidget, layout: QVBoxLayout) -> None:
        self.aftercare_wanted = self._check(
            layout, body, self.tr("I would like an aftercare talk"), "aftercareWanted"
        )
        self.team_lead_only = self._check(
            layout, body, self.tr("Only visible to my team lead"), "teamLeadOnly"
        )
        note = QLabel(self.tr("Colleagues will then not see this report in the shared log."), body)
        note.setWordWrap(True)
        layout.addWidget(note)

    def _build_evidence(self, body: QWidget, layout: QVBoxLayout) -> None:
        hint = QLabel(
            fill(
                self.tr(
                    "Photos, screenshots, PDF, text, e-mail, sound, video or Word files; at most "
                    "%1 files of %2 MB each. You can also drag files onto this form."
                ),
                MAX_ATTACHMENTS,
                MAX_ATTACHMENT_BYTES // (1024 * 1024),
            ),
            body,
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.attachment_list = QListWidget(body)
        self.attachment_list.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
        self._labelled(
            layout, body, self.tr("Attached files"), self.attachment_list, "attachmentList"
        )
        layout.addWidget(self._message("attachments", body))
        row = QWidget(body)
        flow = FlowLayout(row)
        self.attach_button = QPushButton(self.tr("Add file…"), row)
        self.attach_button.setObjectName("attachAddButton")
        self.attach_button.setAccessibleName(self.tr("Add file"))
        self.attach_button.clicked.connect(self._choose_files)
        self.remove_attachment_button = QPushButton(self.tr("Remove selected file"), row)
        self.remove_attachment_button.setObjectName("attachRemoveButton")
        self.remove_attachment_button.setAccessibleName(self.tr("Remove selected file"))
        self.remove_attachment_button.clicked.connect(self._remove_selected_attachment)
        flow.addWidget(self.attach_button)
        flow.addWidget(self.remove_attachment_button)
        layout.addWidget(row)

    def _build_confirmation(self) -> QWidget:
        scroll = QScrollArea(self)
        scroll.setObjectName("incidentConfirmation")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.setSpacing(10)
        title = QLabel(self.tr("Your report has been saved"), page)
        title.setObjectName("confirmationTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        title.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(QLabel(self.tr("Reference number"), page))
        self.confirmation_reference = QLabel(page)
        self.confirmation_reference.setObjectName("confirmationReference")
        self.confirmation_reference.setAccessibleName(self.tr("Reference number"))
        self.confirmation_reference.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        font = self.confirmation_reference.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.confirmation_reference.setFont(font)
        layout.addWidget(self.confirmation_reference)
        self.confirmation_status = QLabel(page)
        self.confirmation_status.setObjectName("confirmationStatus")
        self.confirmation_status.setWordWrap(True)
        layout.addWidget(self.confirmation_status)
        heading = QLabel(self.tr("What happens next"), page)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        self.confirmation_steps = QLabel(page)
        self.confirmation_steps.setObjectName("confirmationSteps")
        self.confirmation_steps.setAccessibleName(self.tr("What happens next"))
        self.confirmation_steps.setWordWrap(True)
        self.confirmation_steps.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.confirmation_steps)
        self.new_button = QPushButton(self.tr("&New report"), page)
        self.new_button.setObjectName("incidentNewButton")
        self.new_button.setAccessibleName(self.tr("New report"))
        self.new_button.clicked.connect(lambda: self.start_new())
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        scroll.setWidget(page)
        return scroll

    def _install_shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.setContext(context)
            shortcut.activated.connect(self._save_shortcut)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(context)
        escape.activated.connect(self.request_cancel)

    def _connect_changes(self) -> None:
        for edit in (self.location, self.reporter, self.on_behalf_of, self.perpetrator_reference):
            edit.textChanged.connect(self._on_change)
        self.damage_amount.textChanged.connect(self._on_change)
        for text in (self.description, self.perpetrator_description, self.witnesses):
            text.textChanged.connect(self._on_change)
        for combo in (self.channel, self.severity):
            combo.currentIndexChanged.connect(self._on_change)
        for button in self.findChildren(QCheckBox) + self.findChildren(QRadioButton):
            button.toggled.connect(self._on_change)
        self.today_time.timeChanged.connect(self._on_change)
        self.other_datetime.dateTimeChanged.connect(self._on_change)
        self.categories.changed.connect(self._on_change)
        self.description.textChanged.connect(self._update_counter)
        # A message goes away as soon as its field is touched; the rest stay in view.
        hide = self._hide_message
        self.location.textChanged.connect(lambda: hide(Field.LOCATION))
        self.description.textChanged.connect(lambda: hide(Field.DESCRIPTION))
        self.categories.changed.connect(lambda: hide(Field.CATEGORIES))
        self._when_group.buttonToggled.connect(lambda *_: hide(Field.OCCURRED_AT))
        self.today_time.timeChanged.connect(lambda: hide(Field.OCCURRED_AT))
        self.other_datetime.dateTimeChanged.connect(lambda: hide(Field.OCCURRED_AT))
        self.damage_amount.textChanged.connect(lambda: hide(Field.DAMAGE_AMOUNT))
        self.perpetrator_description.textChanged.connect(lambda: hide(Field.PERPETRATOR))
        self.perpetrator_reference.textChanged.connect(lambda: hide(Field.PERPETRATOR))

    # ================================================================== public API
    def start_new(self, prefill: dict[str, Any] | None = None) -> None:
        """Open an empty report (or one prefilled from an alarm: occurred_at, location,
        categories, channel, alarm_id). An unsaved report in progress is never lost: without
        a prefill it is simply kept; with one it stays a recoverable draft."""
        if self._draft_id is not None and self.has_content():
            if prefill is None:
                self.focus_first_field()
                return
            self.flush_draft()
            self._service.release_draft(self._draft_id)
        elif self._draft_id is not None and self._draft_stored:
            self._service.discard_draft(self._draft_id)
        self._reset_fields()
        if prefill:
            self._apply_prefill(prefill)
        self._draft_id = self._service.new_draft_id()
        self._draft_stored = False
        self._stack.setCurrentIndex(0)
        self.focus_first_field()

    def restore_draft(self, draft: Draft) -> None:
        """Fill the form with a draft left by a crash or restart, to continue with it."""
        if self._draft_id is not None and self._draft_id != draft.id:
            if self.has_content():
                self.flush_draft()
                self._service.release_draft(self._draft_id)
            elif self._draft_stored:
                self._service.discard_draft(self._draft_id)
        self._reset_fields()
        self._apply_state(draft.state)
        self._draft_id = draft.id
        self._draft_stored = True
        self._service.claim_draft(draft.id)
        self._stack.setCurrentIndex(0)
        self._show_draft_status(
            fill(
                self.tr("Unsaved report restored from %1."),
                QLocale().toString(_to_qt(draft.updated_at), "dd-MM HH:mm"),
            )
        )
        self.focus_first_field()

    def offer_recovery(self, parent: QWidget | None = None) -> bool:
        """Ask whether to continue the newest unsaved report; True when it was restored."""
        drafts = self._service.recoverable_drafts()
        if not drafts:
            return False
        draft = drafts[0]
        excerpt = str(draft.state.get("description", "")).strip().replace("\n", " ")
        if len(excerpt) > 60:
            excerpt = excerpt[:59] + "…"
        started = QLocale().toString(_to_qt(draft.updated_at), "dd-MM-yyyy HH:mm")
        box = QMessageBox(parent or self)
        box.setObjectName("draftRecoveryBox")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Unsaved report"))
        box.setText(
            fill(
                self.tr("An unsaved report was found (last typed %1: “%2”). Continue?"),
                started,
                excerpt or self.tr("no description yet"),
            )
        )
        if len(drafts) > 1:
            box.setInformativeText(
                fill(
                    self.tr("There are %1 unsaved reports; the others are offered later."),
                    len(drafts),
                )
            )
        resume = box.addButton(self.tr("Continue"), QMessageBox.ButtonRole.AcceptRole)
        later = box.addButton(self.tr("Later"), QMessageBox.ButtonRole.RejectRole)
        discard = box.addButton(self.tr("Discard"), QMessageBox.ButtonRole.DestructiveRole)
        resume.setObjectName("draftResumeButton")
        later.setObjectName("draftLaterButton")
        discard.setObjectName("draftDiscardButton")
        box.setDefaultButton(resume)
        box.setEscapeButton(later)
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()
        if clicked is resume:
            self.restore_draft(draft)
            return True
        if clicked is discard:
            self._service.discard_draft(draft.id)
        return False

    def has_content(self) -> bool:
        """Whether the user entered anything worth keeping (not on the confirmation)."""
        if self._stack.currentIndex() != 0:
            return False
        return self.state() != self._pristine

    def focus_first_field(self) -> None:
        """Focus where a trained user starts: the kind of incident (then Tab, Tab, text)."""
        if self._stack.currentIndex() == 1:
            self.new_button.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.categories.focus_target().setFocus(Qt.FocusReason.OtherFocusReason)

    def draft_id(self) -> uuid.UUID | None:
        return self._draft_id

    def attachments(self) -> list[AttachmentInfo]:
        return list(self._attachments)

    def add_files(self, files: Iterable[str | Path]) -> list[AttachmentInfo]:
        """Import files as evidence; refused files are named with the reason under the list."""
        added: list[AttachmentInfo] = []
        problems: list[str] = []
        for raw in files:
            path = Path(raw)
            if len(self._attachments) >= MAX_ATTACHMENTS:
                problems.append(
                    fill(
                        self.tr("“%1” was not added: a report can carry at most %2 files."),
                        path.name,
                        str(MAX_ATTACHMENTS),
                    )
                )
                continue
            try:
                info = self._service.import_attachment(path)
            except AttachmentError as error:
                problems.append(self._attachment_problem(error, path))
                continue
            except OSError as error:
                log.warning("attachment could not be copied: %s", error.strerror)
                problems.append(
                    fill(
                        self.tr("“%1” could not be copied: %2."),
                        path.name,
                        error.strerror or str(error),
                    )
                )
                continue
            if any(a.sha256 == info.sha256 for a in self._attachments):
                problems.append(fill(self.tr("“%1” is already attached."), path.name))
                continue
            self._attachments.append(info)
            added.append(info)
        self._refresh_attachment_list()
        message = self._messages["attachments"]
        if problems:
            self.sections["evidence"].set_expanded(True)
            message.show_message("\n".join(problems))
        else:
            message.clear_message()
        if added:
            self._on_change()
        return added

    def save(self) -> Incident | None:
        """Validate and save. On a problem: messages next to the fields, focus on the first,
        and everything typed stays."""
        if self._stack.currentIndex() != 0:
            return None
        for message in self._messages.values():
            if message.objectName() != "error_attachments":
                message.clear_message()
        incident, problems = self._collect()
        if problems:
            self._show_problems(problems)
            return None
        assert incident is not None
        try:
            stored = self._service.save(incident, list(self._attachments))
        except AttachmentError as error:
            self.sections["evidence"].set_expanded(True)
            self._messages["attachments"].show_message(self._attachment_problem(error, error.path))
            self.attachment_list.setFocus()
            return None
        except ValueError as error:
            errors = getattr(error, "errors", None)
            if errors:
                self._show_problems([(e.field, labels.validation_message(e)) for e in errors])
                return None
            raise
        except Exception:
            # The database could not be written (disk full, locked by a crashed process):
            # keep everything on screen and as a draft, and say so.
            log.exception("saving an incident failed")
            self.flush_draft()
            QMessageBox.warning(
                self,
                self.tr("Not saved"),
                self.tr(
                    "Your report could not be saved on this workstation. Everything you "
                    "typed is still here. Try again, or ask the service desk for help."
                ),
            )
            return None
        self._debounce.stop()
        self._max_wait.stop()
        if self._draft_id is not None:
            self._service.discard_draft(self._draft_id)
        self._draft_id = None
        self._draft_stored = False
        self._saved_incident = stored
        self._show_confirmation(stored)
        self.saved.emit(stored)
        return stored

    def request_cancel(self) -> None:
        """Esc: leave the form; asks first when something was entered."""
        if self._stack.currentIndex() == 1:
            self.cancelled.emit()
            return
        if not self.has_content():
            self._abandon()
            return
        if self._discard_box is not None:
            return
        box = QMessageBox(self)
        box.setObjectName("discardConfirmBox")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Discard report?"))
        box.setText(self.tr("You have not saved this report. Discard what you entered?"))
        keep = box.addButton(self.tr("Keep editing"), QMessageBox.ButtonRole.RejectRole)
        drop = box.addButton(self.tr("Discard report"), QMessageBox.ButtonRole.DestructiveRole)
        keep.setObjectName("discardKeepButton")
        drop.setObjectName("discardConfirmButton")
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        self._discard_box = box

        def finished() -> None:
            self._discard_box = None
            clicked = box.clickedButton()
            box.setObjectName("")  # it lingers until deleteLater runs; never found again
            box.deleteLater()
            if clicked is drop:
                self._abandon()
            else:
                self.focus_first_field()

        box.finished.connect(finished)
        box.open()

    # ================================================================== state (drafts)
    def state(self) -> dict[str, Any]:
        """Every field as a JSON-safe dict: what a draft stores."""
        mode = (
            WHEN_TODAY
            if self.when_today.isChecked()
            else WHEN_OTHER
            if self.when_other.isChecked()
            else WHEN_NOW
        )
        return {
            "version": STATE_VERSION,
            "when": {
                "mode": mode,
                "now": self._now_moment.isoformat(),
                "today_time": self.today_time.time().toString("HH:mm"),
                "other": _to_utc(self.other_datetime.dateTime()).isoformat(),
            },
            "location": self.location.text(),
            "channel": self.channel.currentData(),
            "categories": self.categories.values(),
            "severity": self.severity.currentData(),
            "description": self.description.toPlainText(),
            "reporter": self.reporter.text(),
            "on_behalf": self.on_behalf.isChecked(),
            "on_behalf_of": self.on_behalf_of.text(),
            "perpetrator_known": self.perpetrator_known.isChecked(),
            "perpetrator_description": self.perpetrator_description.toPlainText(),
            "perpetrator_reference": self.perpetrator_reference.text(),
            "witnesses": self.witnesses.toPlainText(),
            "injury": self.injury.isChecked(),
            "damage": self.damage.isChecked(),
            "damage_amount": self.damage_amount.text(),
            "absence": self.absence.isChecked(),
            "police_called": self.police_called.isChecked(),
            "arrest": self.arrest.isChecked(),
            "police_report_intended": self.police_report_intended.isChecked(),
            "aftercare_wanted": self.aftercare_wanted.isChecked(),
            "team_lead_only": self.team_lead_only.isChecked(),
            "attachments": [
                {
                    "sha256": a.sha256,
                    "original_name": a.original_name,
                    "size": a.size,
                    "mime_type": a.mime_type,
                    "stored_path": str(a.stored_path),
                }
                for a in self._attachments
            ],
            "alarm_id": str(self._alarm_id) if self._alarm_id else None,
            "open_sections": [k for k, s in self.sections.items() if s.is_expanded()],
        }

    def _apply_state(self, state: dict[str, Any]) -> None:
        self._loading = True
        try:
            when = state.get("when") or {}
            if when.get("now"):
                self._now_moment = datetime.fromisoformat(when["now"])
            if when.get("today_time"):
                self.today_time.setTime(QTime.fromString(when["today_time"], "HH:mm"))
            if when.get("other"):
                self.other_datetime.setDateTime(_to_qt(datetime.fromisoformat(when["other"])))
            {
                WHEN_TODAY: self.when_today,
                WHEN_OTHER: self.when_other,
            }.get(when.get("mode"), self.when_now).setChecked(True)
            self.location.setText(str(state.get("location", "")))
            self._select(self.channel, state.get("channel"))
            self.categories.set_values(
                [c for c in state.get("categories", []) if c in set(Category)]
            )
            self._select(self.severity, state.get("severity"))
            self.description.setPlainText(str(state.get("description", "")))
            self.reporter.setText(str(state.get("reporter", self.reporter.text())))
            self.on_behalf.setChecked(bool(state.get("on_behalf")))
            self.on_behalf_of.setText(str(state.get("on_behalf_of", "")))
            known = bool(state.get("perpetrator_known"))
            (self.perpetrator_known if known else self.perpetrator_unknown).setChecked(True)
            self.perpetrator_description.setPlainText(str(state.get("perpetrator_description", "")))
            self.perpetrator_reference.setText(str(state.get("perpetrator_reference", "")))
            self.witnesses.setPlainText(str(state.get("witnesses", "")))
            for key, box in self._flag_boxes().items():
                box.setChecked(bool(state.get(key)))
            self.damage_amount.setText(str(state.get("damage_amount", "")))
            self._attachments = [
                AttachmentInfo(
                    sha256=str(a["sha256"]),
                    original_name=str(a["original_name"]),
                    size=int(a["size"]),
                    mime_type=str(a["mime_type"]),
                    stored_path=Path(str(a["stored_path"])),
                )
                for a in state.get("attachments", [])
                if Path(str(a.get("stored_path", ""))).is_file()
            ]
            self._refresh_attachment_list()
            alarm = state.get("alarm_id")
            self._alarm_id = uuid.UUID(str(alarm)) if alarm else None
            for key, section in self.sections.items():
                section.set_expanded(key in state.get("open_sections", []))
        finally:
            self._loading = False
        self._update_enabled()
        self._update_when_enabled()
        self._update_counter()

    def _flag_boxes(self) -> dict[str, QCheckBox]:
        return {
            "injury": self.injury,
            "damage": self.damage,
            "absence": self.absence,
            "police_called": self.police_called,
            "arrest": self.arrest,
            "police_report_intended": self.police_report_intended,
            "aftercare_wanted": self.aftercare_wanted,
            "team_lead_only": self.team_lead_only,
        }

    @staticmethod
    def _select(combo: QComboBox, value: object) -> None:
        index = combo.findData(value)
        if index >= 0:
            combo.setCurrentIndex(index)

    def flush_draft(self) -> None:
        """Write the draft now (autosave timers, closing the window)."""
        self._debounce.stop()
        self._max_wait.stop()
        if self._draft_id is None or self._stack.currentIndex() != 0:
            return
        state = self.state()
        try:
            if state == self._pristine:
                # Back to an untouched form: nothing to recover.
                if self._draft_stored:
                    self._service.discard_draft(self._draft_id)
                    self._draft_stored = False
                return
            self._service.save_draft(self._draft_id, state)
        except Exception:
            log.exception("draft could not be saved")
            self._show_draft_status(self.tr("Draft could not be saved on this workstation."))
            return
        self._draft_stored = True
        self._show_draft_status(
            fill(
                self.tr("Draft saved automatically at %1."),
                QTime.currentTime().toString("HH:mm:ss"),
            )
        )

    def _show_draft_status(self, text: str) -> None:
        self.draft_status.setText(text)

    def _on_change(self, *_args: object) -> None:
        if self._loading or self._draft_id is None or self._stack.currentIndex() != 0:
            return
        self._debounce.start()
        if not self._max_wait.isActive():
            self._max_wait.start()

    # ================================================================== reading the fields
    def _occurred_at(self) -> datetime:
        if self.when_today.isChecked():
            moment = QDateTime(QDate.currentDate(), self.today_time.time())
            return _to_utc(moment)
        if self.when_other.isChecked():
            return _to_utc(self.other_datetime.dateTime())
        return self._now_moment

    def _collect(self) -> tuple[Incident | None, list[tuple[Field, str]]]:
        problems: list[tuple[Field, str]] = []
        amount: int | None = None
        if self.damage.isChecked():
            try:
                amount = parse_euros(self.damage_amount.text())
            except ValueError:
                problems.append((Field.DAMAGE_AMOUNT, labels.damage_amount_unreadable()))
        witnesses = tuple(
            line.strip() for line in self.witnesses.toPlainText().splitlines() if line.strip()
        )
        known = self.perpetrator_known.isChecked()
        incident = Incident(
            description=self.description.toPlainText(),
            categories=frozenset(Category(v) for v in self.categories.values()),
            occurred_at=self._occurred_at(),
            location=self.location.text().strip(),
            reporter=self.reporter.text().strip(),
            channel=Channel(self.channel.currentData()),
            severity=Severity(self.severity.currentData()),
            on_behalf_of=self.on_behalf_of.text().strip() if self.on_behalf.isChecked() else None,
            perpetrator_known=known,
            # Restricted data is only kept when the user said the perpetrator is known.
            perpetrator_description=self.perpetrator_description.toPlainText().strip()
            if known
            else "",
            perpetrator_reference=self.perpetrator_reference.text().strip() if known else "",
            witnesses=witnesses,
            injury=self.injury.isChecked(),
            damage=self.damage.isChecked(),
            damage_amount_cents=amount,
            absence=self.absence.isChecked(),
            police_called=self.police_called.isChecked(),
            arrest=self.arrest.isChecked(),
            police_report_intended=self.police_report_intended.isChecked(),
            aftercare_wanted=self.aftercare_wanted.isChecked(),
            team_lead_only=self.team_lead_only.isChecked(),
            alarm_id=self._alarm_id,
            status=IncidentStatus.SAVED_LOCALLY,
        )
        errors: list[ValidationError] = validate(incident)
        problems.extend((e.field, labels.validation_message(e)) for e in errors)
        order = list(Field)
        problems.sort(key=lambda p: order.index(p[0]))
        return (None if problems else incident), problems

    def _show_problems(self, problems: Sequence[tuple[Field, str]]) -> None:
        shown: set[Field] = set()
        for field, text in problems:
            if field in shown:
                continue
            shown.add(field)
            message = self._messages.get(field.value)
            if message is not None:
                message.show_message(text)
            widget = self._widget_for(field)
            if widget is not None:
                widget.setAccessibleDescription(text)
        first = problems[0][0]
        section = self._section_for(first)
        if section is not None:
            section.set_expanded(True)
        target = self._widget_for(first)
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)
        # Scroll once the (maybe just opened) section is laid out: field and message in view.
        QTimer.singleShot(0, lambda: self._reveal(first))

    def _reveal(self, field: Field) -> None:
        target = self._widget_for(field)
        message = self._messages.get(field.value)
        if target is not None:
            self.scroll.ensureWidgetVisible(target)
        if message is not None and message.isVisible():
            self.scroll.ensureWidgetVisible(message)

    def _widget_for(self, field: Field) -> QWidget | None:
        if field is Field.OCCURRED_AT:
            if self.when_today.isChecked():
                return self.today_time
            if self.when_other.isChecked():
                return self.other_datetime
            return self.when_now
        return {
            Field.LOCATION: self.location,
            Field.CHANNEL: self.channel,
            Field.CATEGORIES: self.categories.focus_target(),
            Field.SEVERITY: self.severity,
            Field.DESCRIPTION: self.description,
            Field.REPORTER: self.reporter,
            Field.ON_BEHALF_OF: self.on_behalf_of,
            Field.PERPETRATOR: self.perpetrator_description,
            Field.PERPETRATOR_REFERENCE: self.perpetrator_reference,
            Field.WITNESSES: self.witnesses,
            Field.DAMAGE_AMOUNT: self.damage_amount,
        }.get(field)

    def _section_for(self, field: Field) -> CollapsibleSection | None:
        if field in (
            Field.REPORTER,
            Field.ON_BEHALF_OF,
            Field.PERPETRATOR,
            Field.PERPETRATOR_REFERENCE,
            Field.WITNESSES,
        ):
            return self.sections["people"]
        if field is Field.DAMAGE_AMOUNT:
            return self.sections["consequences"]
        return None

    def _hide_message(self, field: Field) -> None:
        message = self._messages.get(field.value)
        if message is not None and message.isVisible():
            message.clear_message()
            widget = self._widget_for(field)
            if widget is not None:
                widget.setAccessibleDescription("")

    # ================================================================== small behaviours
    def _reset_fields(self) -> None:
        self._loading = True
        try:
            self._now_moment = datetime.now(UTC).replace(microsecond=0)
            self._alarm_id = None
            self.when_now.setChecked(True)
            now = QDateTime.currentDateTime()
            self.today_time.setTime(QTime(now.time().hour(), now.time().minute()))
            self.other_datetime.setDateTime(now)
            self.location.setText(self._service.default_location())
            self._select(self.channel, Channel.COUNTER.value)
            self.categories.set_values([])
            self._select(self.severity, Severity.MEDIUM.value)
            self.description.clear()
            self.reporter.setText(self._service.reporter_name())
            self.on_behalf.setChecked(False)
            self.on_behalf_of.clear()
            self.perpetrator_unknown.setChecked(True)
            self.perpetrator_description.clear()
            self.perpetrator_reference.clear()
            self.witnesses.clear()
            for box in self._flag_boxes().values():
                box.setChecked(False)
            self.damage_amount.clear()
            self._attachments = []
            self._refresh_attachment_list()
            for section in self.sections.values():
                section.set_expanded(False)
            for message in self._messages.values():
                message.clear_message()
            self.draft_status.clear()
        finally:
            self._loading = False
        self._update_enabled()
        self._update_when_enabled()
        self._update_counter()
        self._pristine = self.state()

    def _apply_prefill(self, prefill: dict[str, Any]) -> None:
        self._loading = True
        try:
            occurred = prefill.get("occurred_at")
            if isinstance(occurred, datetime) and occurred.tzinfo is not None:
                self._now_moment = occurred.astimezone(UTC).replace(microsecond=0)
            if prefill.get("location"):
                self.location.setText(str(prefill["location"]))
            if prefill.get("channel"):
                self._select(self.channel, str(prefill["channel"]))
            if prefill.get("categories"):
                self.categories.set_values([str(c) for c in prefill["categories"]])
            alarm = prefill.get("alarm_id")
            self._alarm_id = uuid.UUID(str(alarm)) if alarm else None
        finally:
            self._loading = False
        self._update_when_enabled()
        # A prefilled form is still "untouched" until the user types: Esc needs no question.
        self._pristine = self.state()

    def _update_when_enabled(self, *_args: object) -> None:
        self.when_now.setText(
            fill(
                self.tr("Just now (%1)"),
                QLocale().toString(_to_qt(self._now_moment).time(), "HH:mm"),
            )
        )
        self.today_time.setEnabled(self.when_today.isChecked())
        self.other_datetime.setEnabled(self.when_other.isChecked())

    def _update_enabled(self, *_args: object) -> None:
        self.on_behalf_of.setEnabled(self.on_behalf.isChecked())
        known = self.perpetrator_known.isChecked()
        self.perpetrator_description.setEnabled(known)
        self.perpetrator_reference.setEnabled(known)
        self.damage_amount.setEnabled(self.damage.isChecked())

    def _update_counter(self) -> None:
        length = len(self.description.toPlainText())
        stripped = len(self.description.toPlainText().strip())
        text = fill(self.tr("%1 of at most %2 characters"), length, DESCRIPTION_MAX)
        if stripped < DESCRIPTION_MIN:
            text += " · " + fill(self.tr("at least %1"), DESCRIPTION_MIN)
        elif length > DESCRIPTION_MAX:
            text += " · " + fill(self.tr("%1 too many"), length - DESCRIPTION_MAX)
        self.description_counter.setText(text)

    def _save_shortcut(self) -> None:
        if self._stack.currentIndex() == 0:
            self.save()

    def _abandon(self) -> None:
        self._debounce.stop()
        self._max_wait.stop()
        if self._draft_id is not None and self._draft_stored:
            self._service.discard_draft(self._draft_id)
        self._draft_id = None
        self._draft_stored = False
        self._reset_fields()
        self._draft_id = self._service.new_draft_id()
        self.cancelled.emit()

    def _attachment_problem(self, error: AttachmentError, path: Path) -> str:
        name = path.name
        if error.reason == "too_large":
            size = path.stat().st_size if path.exists() else 0
            return fill(
                self.tr("“%1” is too large (%2); a file can be at most %3 MB."),
                name,
                _format_size(size),
                str(MAX_ATTACHMENT_BYTES // (1024 * 1024)),
            )
        if error.reason == "type":
            return fill(
                self.tr(
                    "“%1” cannot be attached: files of type “%2” are not accepted. "
                    "Use a photo, screenshot, PDF, text, e-mail, sound, video or Word file."
                ),
                name,
                path.suffix or "?",
            )
        if error.reason == "empty":
            return fill(self.tr("“%1” is empty."), name)
        if error.reason == "too_many":
            return fill(
                self.tr("“%1” was not added: a report can carry at most %2 files."),
                name,
                str(MAX_ATTACHMENTS),
            )
        return fill(self.tr("“%1” cannot be found."), name)

    def _refresh_attachment_list(self) -> None:
        self.attachment_list.clear()
        for info in self._attachments:
            item = QListWidgetItem(f"{info.original_name}  ({_format_size(info.size)})")
            item.setData(Qt.ItemDataRole.UserRole, info.sha256)
            self.attachment_list.addItem(item)
        self.remove_attachment_button.setEnabled(bool(self._attachments))

    def _remove_selected_attachment(self) -> None:
        row = self.attachment_list.currentRow()
        if 0 <= row < len(self._attachments):
            # The copy in the data folder stays: another report may share it (same checksum).
            del self._attachments[row]
            self._refresh_attachment_list()
            self._on_change()

    def _choose_files(self) -> None:
        files, _filter = QFileDialog.getOpenFileNames(
            self,
            self.tr("Attach evidence"),
            "",
            "{} ({});;{} (*)".format(
                self.tr("Evidence"),
                " ".join(f"*{suffix}" for suffix in sorted(ALLOWED_SUFFIXES)),
                self.tr("All files"),
            ),
        )
        if files:
            self.add_files(files)

    def _show_confirmation(self, incident: Incident) -> None:
        self.confirmation_reference.setText(incident.reference or "")
        self.confirmation_status.setText(labels.status_explanation(incident.status))
        self.confirmation_steps.setText("\n\n".join("• " + s for s in self._next_steps(incident)))
        self._stack.setCurrentIndex(1)
        self.new_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _next_steps(self, incident: Incident) -> list[str]:
        steps = [
            self.tr("Your team lead is informed and reads your report."),
        ]
        plan = {task.kind: task for task in self._service.follow_up_plan(incident)}

        def when(kind: FollowUpKind) -> str:
            # The norm's deadlines are Dutch office time, whatever the machine's time zone.
            due = plan[kind].due.astimezone(AMSTERDAM)
            wall = QDateTime(QDate(due.year, due.month, due.day), QTime(due.hour, due.minute))
            return QLocale().toString(wall, "dddd d MMMM HH:mm")

        if FollowUpKind.AFTERCARE_TALK in plan:
            if incident.aftercare_wanted:
                text = self.tr("You asked for an aftercare talk: it takes place before %1.")
            else:
                text = self.tr("An aftercare talk is offered to you before %1.")
            steps.append(fill(text, when(FollowUpKind.AFTERCARE_TALK)))
        if FollowUpKind.POLICE_REPORT in plan:
            steps.append(
                fill(
                    self.tr(
                        "Advice: report this to the police (aangifte) before %1. Use the "
                        "organisation's address, never your own, and mention “VPT”."
                    ),
                    when(FollowUpKind.POLICE_REPORT),
                )
            )
        steps.append(self.tr("Follow your report and add information in My reports."))
        return steps

    # ================================================================== drag and drop
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if self._stack.currentIndex() == 0 and event.mimeData().hasUrls():
            if any(url.isLocalFile() for url in event.mimeData().urls()):
                event.acceptProposedAction()
                return
        event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.sections["evidence"].set_expanded(True)
            self.add_files(files)


def offer_recovery(form: IncidentForm, parent: QWidget | None = None) -> bool:
    """At start-up: offer the newest unsaved report back into ``form``; True when restored."""
    return form.offer_recovery(parent)


__all__ = ["IncidentForm", "offer_recovery", "parse_euros"]
