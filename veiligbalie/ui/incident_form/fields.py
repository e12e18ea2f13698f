"""The incident form's field table: every field once, with its widget, where it sits, the
report attribute it fills and how its value is read, written, reset and watched.

Adding a field is one :class:`FormField` row in :data:`FIELDS` (plus, for a new kind of
widget, its factory); the form, its drafts, validation display and sections follow the table.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QDateTime,
    QLocale,
    QTime,
    Signal,
    SignalInstance,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QTimeEdit,
    QWidget,
)

from veiligbalie.core.incident import Field
from veiligbalie.core.money import parse_euros
from veiligbalie.core.text import QT_TRANSLATE_NOOP, fill
from veiligbalie.core.vocabulary import Category, Channel, Severity
from veiligbalie.services.incidents import IncidentService
from veiligbalie.ui import labels
from veiligbalie.ui.incident_form.attachments import AttachmentsBox
from veiligbalie.ui.widgets import FlowLayout, ToggleGroup

#: The translation context of the table's texts (the form's, as before the split).
CONTEXT = "IncidentForm"

WHEN_NOW, WHEN_TODAY, WHEN_OTHER = "now", "today", "other"


def translated(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


class Section(StrEnum):
    """Where a field sits. The first two are always open; the others open on demand (their
    values are the keys of ``IncidentForm.sections`` and of the headers' object names)."""

    WHEN_WHERE_HOW = "when_where_how"
    WHAT_HAPPENED = "what_happened"
    PEOPLE = "people"
    CONSEQUENCES = "consequences"
    AFTERCARE = "aftercare"
    EVIDENCE = "evidence"

    @property
    def collapsible(self) -> bool:
        return self not in (Section.WHEN_WHERE_HOW, Section.WHAT_HAPPENED)


def to_utc(moment: QDateTime) -> datetime:
    return datetime.fromtimestamp(moment.toSecsSinceEpoch(), UTC)


def to_qt(moment: datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(moment.timestamp()))


# ====================================================================== composite widgets
class WhenPicker(QWidget):
    """ "Just now (HH:MM)", "today at", or another day: one field whose value is a dict."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._now_moment = datetime.now(UTC).replace(microsecond=0)
        flow = FlowLayout(self, spacing=10)
        self.now = QRadioButton(self)
        self.now.setObjectName("whenNow")
        self.now.setAccessibleName(self.tr("Just now"))
        self.today = QRadioButton(self.tr("Today at"), self)
        self.today.setObjectName("whenToday")
        self.today.setAccessibleName(self.tr("Today at a time"))
        self.today_time = QTimeEdit(self)
        self.today_time.setObjectName("todayTime")
        self.today_time.setDisplayFormat("HH:mm")
        self.today_time.setAccessibleName(self.tr("Time today"))
        self.other = QRadioButton(self.tr("Another day:"), self)
        self.other.setObjectName("whenOther")
        self.other.setAccessibleName(self.tr("Another date and time"))
        self.other_datetime = QDateTimeEdit(self)
        self.other_datetime.setObjectName("otherDateTime")
        self.other_datetime.setDisplayFormat("dd-MM-yyyy HH:mm")
        self.other_datetime.setCalendarPopup(True)
        self.other_datetime.setAccessibleName(self.tr("Date and time"))
        self._group = QButtonGroup(self)
        for button in (self.now, self.today, self.other):
            self._group.addButton(button)
        for widget in (self.now, self.today, self.today_time, self.other, self.other_datetime):
            flow.addWidget(widget)
        self.now.setChecked(True)
        self._group.buttonToggled.connect(self._on_mode)
        self.today_time.timeChanged.connect(self.changed)
        self.other_datetime.dateTimeChanged.connect(self.changed)
        self._update()

    def parts(self) -> dict[str, QWidget]:
        return {
            "when_now": self.now,
            "when_today": self.today,
            "today_time": self.today_time,
            "when_other": self.other,
            "other_datetime": self.other_datetime,
        }

    @staticmethod
    def fresh() -> dict[str, str]:
        """The value of an untouched form: "just now", with now in the other choices too."""
        now = QDateTime.currentDateTime()
        return {
            "mode": WHEN_NOW,
            "now": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "today_time": QTime(now.time().hour(), now.time().minute()).toString("HH:mm"),
            "other": to_utc(now).isoformat(),
        }

    @staticmethod
    def moment(value: dict[str, str]) -> datetime:
        """When it happened, as the report stores it (UTC)."""
        if value.get("mode") == WHEN_TODAY:
            return to_utc(
                QDateTime(QDate.currentDate(), QTime.fromString(value["today_time"], "HH:mm"))
            )
        if value.get("mode") == WHEN_OTHER:
            return datetime.fromisoformat(value["other"])
        return datetime.fromisoformat(value["now"])

    def value(self) -> dict[str, str]:
        mode = WHEN_TODAY if self.today.isChecked() else WHEN_NOW
        if self.other.isChecked():
            mode = WHEN_OTHER
        return {
            "mode": mode,
            "now": self._now_moment.isoformat(),
            "today_time": self.today_time.time().toString("HH:mm"),
            "other": to_utc(self.other_datetime.dateTime()).isoformat(),
        }

    def set_value(self, value: dict[str, str]) -> None:
        if value.get("now"):
            self._now_moment = datetime.fromisoformat(value["now"])
        if value.get("today_time"):
            self.today_time.setTime(QTime.fromString(value["today_time"], "HH:mm"))
        if value.get("other"):
            self.other_datetime.setDateTime(to_qt(datetime.fromisoformat(value["other"])))
        {WHEN_TODAY: self.today, WHEN_OTHER: self.other}.get(
            value.get("mode", WHEN_NOW), self.now
        ).setChecked(True)
        self._update()

    def set_now(self, moment: datetime) -> None:
        """ "Just now" means this moment (an alarm's, for a report prefilled from it)."""
        self._now_moment = moment.astimezone(UTC).replace(microsecond=0)
        self._update()

    def focus_target(self) -> QWidget:
        if self.today.isChecked():
            return self.today_time
        if self.other.isChecked():
            return self.other_datetime
        return self.now

    def _on_mode(self, *_args: object) -> None:
        self._update()
        self.changed.emit()

    def _update(self) -> None:
        time = QLocale().toString(to_qt(self._now_moment).time(), "HH:mm")
        self.now.setText(fill(self.tr("Just now (%1)"), time))
        self.today_time.setEnabled(self.today.isChecked())
        self.other_datetime.setEnabled(self.other.isChecked())


class EitherChoice(QWidget):
    """Two radio buttons for a yes/no field: False is the first, True the second."""

    changed = Signal()

    def __init__(self, parent: QWidget, first: QRadioButton, second: QRadioButton) -> None:
        super().__init__(parent)
        self.first, self.second = first, second
        flow = FlowLayout(self, spacing=10)
        group = QButtonGroup(self)
        for button in (first, second):
            button.setParent(self)
            group.addButton(button)
            flow.addWidget(button)
        first.setChecked(True)
        group.buttonToggled.connect(lambda *_: self.changed.emit())

    def parts(self) -> dict[str, QWidget]:
        # "perpetratorKnown" is the form's ``perpetrator_known``.
        return {
            re.sub(r"(?<!^)([A-Z])", r"_\1", b.objectName()).lower(): b
            for b in (self.first, self.second)
        }

    def value(self) -> bool:
        return self.second.isChecked()

    def set_value(self, value: bool) -> None:
        (self.second if value else self.first).setChecked(True)

    def focus_target(self) -> QWidget:
        return self.second if self.second.isChecked() else self.first


# ====================================================================== bindings
class Binding:
    """How one kind of widget gives and takes a JSON-safe value, and says it changed."""

    def read(self, widget: Any) -> Any:
        return widget.value()

    def write(self, widget: Any, value: Any) -> None:
        widget.set_value(value)

    def changed(self, widget: Any) -> SignalInstance:
        signal: SignalInstance = widget.changed
        return signal

    def focus(self, widget: Any) -> QWidget:
        target: QWidget = widget.focus_target() if hasattr(widget, "focus_target") else widget
        return target


def _text(value: Any) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class QtBinding(Binding):
    """A widget read and written through one getter, one setter and one change signal."""

    getter: str
    setter: str
    signal: str
    coerce: Callable[[Any], Any]

    def read(self, widget: Any) -> Any:
        return getattr(widget, self.getter)()

    def write(self, widget: Any, value: Any) -> None:
        getattr(widget, self.setter)(self.coerce(value))

    def changed(self, widget: Any) -> SignalInstance:
        signal: SignalInstance = getattr(widget, self.signal)
        return signal


class ChoiceBinding(Binding):
    def read(self, widget: QComboBox) -> Any:
        return widget.currentData()

    def write(self, widget: QComboBox, value: Any) -> None:
        index = widget.findData(value)
        if index >= 0:
            widget.setCurrentIndex(index)

    def changed(self, widget: QComboBox) -> SignalInstance:
        return widget.currentIndexChanged


class TogglesBinding(Binding):
    def read(self, widget: ToggleGroup) -> list[str]:
        return widget.values()

    def write(self, widget: ToggleGroup, value: Any) -> None:
        known = {c.value for c in Category}
        widget.set_values([v for v in value or [] if v in known])


# ====================================================================== widget factories
Factory = Callable[[QWidget, IncidentService], QWidget]


def line(placeholder: str = "") -> Factory:
    def make(parent: QWidget, _service: IncidentService) -> QWidget:
        edit = QLineEdit(parent)
        if placeholder:
            edit.setPlaceholderText(translated(placeholder))
        return edit

    return make


def text_block(min_lines: int, max_lines: int | None = None, placeholder: str = "") -> Factory:
    def make(parent: QWidget, _service: IncidentService) -> QWidget:
        edit = QPlainTextEdit(parent)
        edit.setTabChangesFocus(True)
        spacing = edit.fontMetrics().lineSpacing()
        edit.setMinimumHeight(spacing * min_lines)
        if max_lines is not None:
            edit.setMaximumHeight(spacing * max_lines)
        if placeholder:
            edit.setPlaceholderText(translated(placeholder))
        return edit

    return make


def choice(items: Callable[[], Sequence[tuple[str, str]]]) -> Factory:
    def make(parent: QWidget, _service: IncidentService) -> QWidget:
        combo = QComboBox(parent)
        for text, value in items():
            combo.addItem(text, value)
        return combo

    return make


def check(text: str) -> Factory:
    def make(parent: QWidget, _service: IncidentService) -> QWidget:
        return QCheckBox(translated(text), parent)

    return make


def categories(parent: QWidget, _service: IncidentService) -> QWidget:
    return ToggleGroup(
        [c.value for c in labels.CATEGORY_ORDER],
        [labels.category_label(c) for c in labels.CATEGORY_ORDER],
        parent,
    )


def when(parent: QWidget, _service: IncidentService) -> QWidget:
    return WhenPicker(parent)


def either(first: tuple[str, str, str], second: tuple[str, str, str]) -> Factory:
    """Radio buttons (text, object name, accessible name) for False and True."""

    def make(parent: QWidget, _service: IncidentService) -> QWidget:
        buttons = []
        for text, name, accessible in (first, second):
            button = QRadioButton(translated(text), parent)
            button.setObjectName(name)
            button.setAccessibleName(translated(accessible))
            buttons.append(button)
        return EitherChoice(parent, *buttons)

    return make


def attachments(parent: QWidget, service: IncidentService) -> QWidget:
    return AttachmentsBox(service, parent)


# ====================================================================== the table
@dataclass(frozen=True)
class FormField:
    key: str  # key in the draft's state, and the form's attribute for the widget
    section: Section
    make: Factory
    binding: Binding
    default: Callable[[IncidentService], Any]
    name: str = ""  # the widget's objectName (composite widgets name their own parts)
    label: str = ""  # text above the widget (with its mnemonic); untranslated
    label_name: str = ""  # the label's objectName, for the always-open sections
    accessible: str = ""  # name for screen readers; the label's text when empty
    domain: Field | None = None  # whose validation message belongs to this field
    attribute: str | None = None  # the Incident attribute it fills
    to_domain: Callable[[Any], Any] = lambda value: value  # raises ValueError: unreadable
    unreadable: Callable[[], str] | None = None  # the message for that ValueError
    requires: str | None = None  # key of a flag: only asked (and kept) while it is on
    absent: Any = None  # the attribute's value while ``requires`` is off
    clears: tuple[Field, ...] = ()  # other messages a change here answers


_LINE = QtBinding("text", "setText", "textChanged", _text)  # QLineEdit
_TEXT = QtBinding("toPlainText", "setPlainText", "textChanged", _text)  # QPlainTextEdit
_FLAG = QtBinding("isChecked", "setChecked", "toggled", bool)  # QCheckBox
_CHOICE = ChoiceBinding()
_VALUE, _TOGGLES = Binding(), TogglesBinding()


def _nothing(_service: IncidentService) -> str:
    return ""


def _off(_service: IncidentService) -> bool:
    return False


def _flag(key: str, section: Section, text: str, name: str) -> FormField:
    return FormField(key, section, check(text), _FLAG, _off, name=name, attribute=key)


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


_S = Section
FIELDS: tuple[FormField, ...] = (
    FormField(
        "when",
        _S.WHEN_WHERE_HOW,
        when,
        _VALUE,
        lambda _s: WhenPicker.fresh(),
        label=QT_TRANSLATE_NOOP("IncidentForm", "&When did it happen?"),
        label_name="whenLabel",
        domain=Field.OCCURRED_AT,
        attribute="occurred_at",
        to_domain=WhenPicker.moment,
    ),
    FormField(
        "location",
        _S.WHEN_WHERE_HOW,
        line(QT_TRANSLATE_NOOP("IncidentForm", "For example: counter 3, main entrance")),
        _LINE,
        lambda s: s.default_location(),
        name="location",
        label=QT_TRANSLATE_NOOP("IncidentForm", "Whe&re?"),
        label_name="locationLabel",
        accessible=QT_TRANSLATE_NOOP("IncidentForm", "Where"),
        domain=Field.LOCATION,
        attribute="location",
        to_domain=str.strip,
    ),
    FormField(
        "channel",
        _S.WHEN_WHERE_HOW,
        choice(lambda: [(labels.channel_label(c), c.value) for c in Channel]),
        _CHOICE,
        lambda _s: Channel.COUNTER.value,
        name="channel",
        label=QT_TRANSLATE_NOOP("IncidentForm", "&How did it reach you?"),
        label_name="channelLabel",
        accessible=QT_TRANSLATE_NOOP("IncidentForm", "How did it reach you"),
        domain=Field.CHANNEL,
        attribute="channel",
        to_domain=Channel,
    ),
    FormField(
        "categories",
        _S.WHAT_HAPPENED,
        categories,
        _TOGGLES,
        lambda _s: [],
        name="categories",
        label=QT_TRANSLATE_NOOP(
            "IncidentForm", "&Type of incident (keys 1 to 9, several possible)"
        ),
        label_name="categoryLabel",
        accessible=QT_TRANSLATE_NOOP("IncidentForm", "Type of incident"),
        domain=Field.CATEGORIES,
        attribute="categories",
        to_domain=lambda values: frozenset(Category(v) for v in values),
    ),
    FormField(
        "severity",
        _S.WHAT_HAPPENED,
        choice(lambda: [(labels.severity_label(s), s.value) for s in Severity]),
        _CHOICE,
        lambda _s: Severity.MEDIUM.value,
        name="severity",
        label=QT_TRANSLATE_NOOP("IncidentForm", "&Severity"),
        label_name="severityLabel",
        accessible=QT_TRANSLATE_NOOP("IncidentForm", "Severity"),
        domain=Field.SEVERITY,
        attribute="severity",
        to_domain=Severity,
    ),
    FormField(
        "description",
        _S.WHAT_HAPPENED,
        text_block(
            6,
            placeholder=QT_TRANSLATE_NOOP(
                "IncidentForm", "What did the person say or do? What did you do?"
            ),
        ),
        _TEXT,
        _nothing,
        name="description",
        label=QT_TRANSLATE_NOOP("IncidentForm", "&Describe what happened"),
        label_name="descriptionLabel",
        accessible=QT_TRANSLATE_NOOP("IncidentForm", "Description"),
        domain=Field.DESCRIPTION,
        attribute="description",
    ),
    FormField(
        "reporter",
        _S.PEOPLE,
        line(QT_TRANSLATE_NOOP("IncidentForm", "Your name")),
        _LINE,
        lambda s: s.default_reporter(),
        name="reporter",
        label=QT_TRANSLATE_NOOP("IncidentForm", "Reporter"),
        domain=Field.REPORTER,
        attribute="reporter",
        to_domain=str.strip,
    ),
    FormField(
        "on_behalf",
        _S.PEOPLE,
        check(QT_TRANSLATE_NOOP("IncidentForm", "I am reporting on behalf of a colleague")),
        _FLAG,
        _off,
        name="onBehalf",
    ),
    FormField(
        "on_behalf_of",
        _S.PEOPLE,
        line(),
        _LINE,
        _nothing,
        name="onBehalfOf",
        label=QT_TRANSLATE_NOOP("IncidentForm", "Name of the colleague"),
        domain=Field.ON_BEHALF_OF,
        attribute="on_behalf_of",
        to_domain=str.strip,
        requires="on_behalf",
    ),
    FormField(
        "perpetrator_known",
        _S.PEOPLE,
        either(
            (
                QT_TRANSLATE_NOOP("IncidentForm", "Unknown"),
                "perpetratorUnknown",
                QT_TRANSLATE_NOOP("IncidentForm", "Perpetrator unknown"),
            ),
            (
                QT_TRANSLATE_NOOP("IncidentForm", "Known"),
                "perpetratorKnown",
                QT_TRANSLATE_NOOP("IncidentForm", "Perpetrator known"),
            ),
        ),
        _VALUE,
        _off,
        label=QT_TRANSLATE_NOOP("IncidentForm", "Perpetrator"),
        attribute="perpetrator_known",
    ),
    FormField(
        "perpetrator_description",
        _S.PEOPLE,
        text_block(3, 6),
        _TEXT,
        _nothing,
        name="perpetratorDescription",
        label=QT_TRANSLATE_NOOP("IncidentForm", "Short description of the perpetrator"),
        domain=Field.PERPETRATOR,
        attribute="perpetrator_description",
        to_domain=str.strip,
        requires="perpetrator_known",
        absent="",
    ),
    FormField(
        "perpetrator_reference",
        _S.PEOPLE,
        line(),
        _LINE,
        _nothing,
        name="perpetratorReference",
        label=QT_TRANSLATE_NOOP(
            "IncidentForm", "Client or case number (only visible to team leads)"
        ),
        domain=Field.PERPETRATOR_REFERENCE,
        attribute="perpetrator_reference",
        to_domain=str.strip,
        requires="perpetrator_known",
        absent="",
        clears=(Field.PERPETRATOR,),
    ),
    FormField(
        "witnesses",
        _S.PEOPLE,
        text_block(3, 6),
        _TEXT,
        _nothing,
        name="witnesses",
        label=QT_TRANSLATE_NOOP("IncidentForm", "Witnesses: colleagues and visitors, one per line"),
        domain=Field.WITNESSES,
        attribute="witnesses",
        to_domain=_lines,
    ),
    _flag(
        "injury",
        _S.CONSEQUENCES,
        QT_TRANSLATE_NOOP("IncidentForm", "Someone was injured"),
        "injury",
    ),
    _flag(
        "damage", _S.CONSEQUENCES, QT_TRANSLATE_NOOP("IncidentForm", "There is damage"), "damage"
    ),
    FormField(
        "damage_amount",
        _S.CONSEQUENCES,
        line(QT_TRANSLATE_NOOP("IncidentForm", "For example 150 or 149,95")),
        _LINE,
        _nothing,
        name="damageAmount",
        label=QT_TRANSLATE_NOOP("IncidentForm", "Estimated damage in euros"),
        domain=Field.DAMAGE_AMOUNT,
        attribute="damage_amount_cents",
        to_domain=parse_euros,
        unreadable=labels.damage_amount_unreadable,
        requires="damage",
    ),
    _flag(
        "absence",
        _S.CONSEQUENCES,
        QT_TRANSLATE_NOOP("IncidentForm", "Someone could not work (absence)"),
        "absence",
    ),
    _flag(
        "police_called",
        _S.CONSEQUENCES,
        QT_TRANSLATE_NOOP("IncidentForm", "The police were called"),
        "policeCalled",
    ),
    _flag(
        "arrest",
        _S.CONSEQUENCES,
        QT_TRANSLATE_NOOP("IncidentForm", "Someone was arrested"),
        "arrest",
    ),
    _flag(
        "police_report_intended",
        _S.CONSEQUENCES,
        QT_TRANSLATE_NOOP("IncidentForm", "A police report (aangifte) will be made"),
        "policeReport",
    ),
    _flag(
        "aftercare_wanted",
        _S.AFTERCARE,
        QT_TRANSLATE_NOOP("IncidentForm", "I would like an aftercare talk"),
        "aftercareWanted",
    ),
    _flag(
        "team_lead_only",
        _S.AFTERCARE,
        QT_TRANSLATE_NOOP("IncidentForm", "Only visible to my team lead"),
        "teamLeadOnly",
    ),
    FormField("attachments", _S.EVIDENCE, attachments, _VALUE, lambda _s: []),
)

BY_KEY: dict[str, FormField] = {f.key: f for f in FIELDS}
BY_DOMAIN: dict[Field, FormField] = {f.domain: f for f in FIELDS if f.domain is not None}


def alarm_uuid(value: object) -> uuid.UUID | None:
    return uuid.UUID(str(value)) if value else None
