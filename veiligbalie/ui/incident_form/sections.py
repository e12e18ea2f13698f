"""The sections of the incident form, one widget each, laid out from the field table: every
field of the section with its label above and its message below, in table order, plus the
few notes a section adds of its own."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QAbstractButton, QLabel, QPlainTextEdit, QWidget

from veiligbalie.core.incident import DESCRIPTION_MAX, DESCRIPTION_MIN
from veiligbalie.core.text import QT_TRANSLATE_NOOP, fill
from veiligbalie.services.incidents import IncidentService
from veiligbalie.ui.incident_form.fields import FIELDS, FormField, Section, translated
from veiligbalie.ui.incident_form.validation import ValidationDisplay
from veiligbalie.ui.widgets import vbox

#: Where a section hands each widget it made (the form keeps them by field key).
Register = Callable[[FormField, QWidget], None]


class FieldSection(QWidget):
    """The fields of one :class:`Section`. Subclasses add notes around particular fields."""

    SECTION: Section

    def __init__(
        self,
        service: IncidentService,
        validation: ValidationDisplay,
        register: Register,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"fields_{self.SECTION.value}")
        self._layout = vbox(self, (0, 0, 0, 0), 6 if not self.SECTION.collapsible else 4)
        for field in FIELDS:
            if field.section is self.SECTION:
                self._place(field, service, validation, register)

    def _place(
        self,
        field: FormField,
        service: IncidentService,
        validation: ValidationDisplay,
        register: Register,
    ) -> None:
        self.before(field)
        widget = field.make(self, service)
        if field.name:
            widget.setObjectName(field.name)
        accessible = field.accessible or field.label
        if accessible:
            widget.setAccessibleName(translated(accessible).replace("&", ""))
        elif isinstance(widget, QAbstractButton):
            widget.setAccessibleName(widget.text())
        if field.label:
            label = QLabel(translated(field.label), self)
            label.setWordWrap(True)
            label.setBuddy(field.binding.focus(widget))
            if field.label_name:
                label.setObjectName(field.label_name)
                font = label.font()
                font.setBold(True)
                label.setFont(font)
                label.setContentsMargins(0, 6, 0, 0)
            self._layout.addWidget(label)
        self._layout.addWidget(widget)
        register(field, widget)
        self.after(field, widget)
        if field.domain is not None:
            self._layout.addWidget(validation.message_for(field.domain, self))

    def note(self, text: str, name: str = "") -> QLabel:
        label = QLabel(text, self)
        label.setWordWrap(True)
        if name:
            label.setObjectName(name)
        self._layout.addWidget(label)
        return label

    def before(self, field: FormField) -> None:
        """Hook: add something above ``field``."""

    def after(self, field: FormField, widget: QWidget) -> None:
        """Hook: add something right under ``field``'s widget (above its message)."""


class WhenWhereHow(FieldSection):
    SECTION = Section.WHEN_WHERE_HOW


class WhatHappened(FieldSection):
    SECTION = Section.WHAT_HAPPENED

    def after(self, field: FormField, widget: QWidget) -> None:
        if field.key != "description":
            return
        assert isinstance(widget, QPlainTextEdit)
        self._description = widget
        self.counter = QLabel(self)
        self.counter.setObjectName("descriptionCounter")
        self.counter.setAccessibleName(self.tr("Number of characters"))
        self.counter.setWordWrap(True)
        self._layout.addWidget(self.counter)
        widget.textChanged.connect(self._update_counter)
        self._update_counter()

    def _update_counter(self) -> None:
        text = self._description.toPlainText()
        length, stripped = len(text), len(text.strip())
        shown = fill(self.tr("%1 of at most %2 characters"), length, DESCRIPTION_MAX)
        if stripped < DESCRIPTION_MIN:
            shown += " · " + fill(self.tr("at least %1"), DESCRIPTION_MIN)
        elif length > DESCRIPTION_MAX:
            shown += " · " + fill(self.tr("%1 too many"), length - DESCRIPTION_MAX)
        self.counter.setText(shown)


class People(FieldSection):
    SECTION = Section.PEOPLE

    def before(self, field: FormField) -> None:
        if field.key == "perpetrator_description":
            self.note(
                self.tr("Only visible to team leads. Write only what is needed to follow up."),
                "restrictedNote",
            )


class Consequences(FieldSection):
    SECTION = Section.CONSEQUENCES


class AftercareAndPrivacy(FieldSection):
    SECTION = Section.AFTERCARE

    def after(self, field: FormField, widget: QWidget) -> None:
        if field.key == "team_lead_only":
            self.note(self.tr("Colleagues will then not see this report in the shared log."))


class Evidence(FieldSection):
    SECTION = Section.EVIDENCE


#: The sections that open on demand, with their (untranslated) header titles; the
#: mnemonics are unique on the form.
COLLAPSIBLE: tuple[tuple[type[FieldSection], str], ...] = (
    (People, QT_TRANSLATE_NOOP("IncidentForm", "&People involved")),
    (Consequences, QT_TRANSLATE_NOOP("IncidentForm", "&Consequences")),
    (AftercareAndPrivacy, QT_TRANSLATE_NOOP("IncidentForm", "&Aftercare and privacy")),
    (Evidence, QT_TRANSLATE_NOOP("IncidentForm", "&Evidence (photos, screenshots, files)")),
)
