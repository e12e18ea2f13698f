"""The incident form (*Melden*): one screen, the essentials first and the rest in sections
that open on demand; keyboard-first, autosaved as a draft while typing, and a confirmation
with the reference number and what happens next once saved.

The fields come from the table in :mod:`.fields`; this class puts the sections on two named
pages and moves values between the table's widgets, the drafts and the report.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from veiligbalie.core.incident import Field, Incident, ValidationError, validate
from veiligbalie.core.text import fill
from veiligbalie.core.vocabulary import Category, IncidentStatus
from veiligbalie.services.dossier import DossierService
from veiligbalie.services.incidents import AttachmentError, AttachmentInfo, Draft, IncidentService
from veiligbalie.ui import labels
from veiligbalie.ui.dossier import MeasureNotice, MeasureWatcher, insert_after
from veiligbalie.ui.incident_form.attachments import AttachmentsBox
from veiligbalie.ui.incident_form.confirmation import ConfirmationPage, page_title
from veiligbalie.ui.incident_form.drafts import DraftController
from veiligbalie.ui.incident_form.fields import (
    BY_DOMAIN,
    BY_KEY,
    FIELDS,
    FormField,
    WhenPicker,
    alarm_uuid,
    to_qt,
    translated,
)
from veiligbalie.ui.incident_form.sections import (
    COLLAPSIBLE,
    FieldSection,
    WhatHappened,
    WhenWhereHow,
)
from veiligbalie.ui.incident_form.validation import ValidationDisplay
from veiligbalie.ui.widgets import CollapsibleSection, ToggleGroup, vbox

log = logging.getLogger(__name__)
W = TypeVar("W", bound=QWidget)

STATE_VERSION = 1
#: Guidance cards the form asks for when a field makes them relevant.
GUIDANCE_POLICE_REPORT = "aangifte-doen"
GUIDANCE_ONLINE = "online-agressie"
_ONLINE = frozenset({Category.ONLINE_ABUSE.value, Category.DOXING.value})
#: Fields whose default is who and where this workstation is (they follow sign-in, linking).
_IDENTITY_FIELDS = ("location", "reporter")


class Page(Enum):
    EDITOR = "editor"
    CONFIRMATION = "confirmation"


class IncidentForm(QWidget):
    """Register one incident. The main window shows it in *Melden* and calls start_new()."""

    saved = Signal(object)  # the saved Incident (with reference)
    cancelled = Signal()
    #: A guidance card (by id) became relevant: the police report, online abuse.
    guidanceRequested = Signal(str)  # noqa: N815 - named as the other engineers connect it

    AUTOSAVE_DEBOUNCE_MS = DraftController.DEBOUNCE_MS
    AUTOSAVE_MAX_WAIT_MS = DraftController.MAX_WAIT_MS

    def __init__(self, service: IncidentService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._loading = False
        self._alarm_id: uuid.UUID | None = None
        self._defaults: dict[str, Any] = {}
        self._online_chosen = False
        self._discard_box: QMessageBox | None = None
        self._widgets: dict[str, QWidget] = {}
        self.sections: dict[str, CollapsibleSection] = {}
        self.measure_notice: MeasureNotice | None = None
        self._measure_watcher: MeasureWatcher | None = None

        self.setObjectName("incidentForm")
        self.setAccessibleName(self.tr("Report an incident"))
        self.setAcceptDrops(True)

        self._drafts = DraftController(service, self.state, self._editing, self)
        self._drafts.status.connect(self._show_draft_status)
        self._stack = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._stack)
        # The editor first: the Tab order follows the order widgets are made in.
        editor = self._build_editor()
        self.confirmation = ConfirmationPage(service, self)
        self._pages: dict[Page, QWidget] = {
            Page.EDITOR: editor,
            Page.CONFIRMATION: self.confirmation,
        }
        for page in self._pages.values():
            self._stack.addWidget(page)
        self.confirmation.new_button.clicked.connect(lambda: self.start_new())
        # The names the rest of the application and the tests know the confirmation by.
        self.confirmation_reference = self.confirmation.reference
        self.confirmation_status = self.confirmation.status
        self.confirmation_steps = self.confirmation.steps
        self.new_button = self.confirmation.new_button
        self._install_shortcuts()
        self._connect_fields()
        service.identity_changed.connect(self._follow_identity)
        self._reset_fields()

    def attach_measures(self, dossier: DossierService) -> None:
        """Under the client number: the active measure for it, as soon as it is typed
        ("Let op: alleen op afspraak"), never a name or history."""
        field = self.findChild(QLineEdit, "perpetratorReference")
        if field is None or self.measure_notice is not None:
            return
        self.measure_notice = MeasureNotice()
        insert_after(field, self.measure_notice)
        self._measure_watcher = MeasureWatcher(dossier, field, self.measure_notice)

    # ================================================================== building the screen
    def _build_editor(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("incidentEditorPage")
        layout = vbox(page, (0, 0, 0, 0), 0)

        # Not ``self.scroll``, which would hide QWidget.scroll().
        self.scroll_area = QScrollArea(page)
        self.scroll_area.setObjectName("incidentScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._validation = ValidationDisplay(self.scroll_area, self._locate)
        content = QWidget()
        content.setObjectName("incidentContent")
        column = vbox(content, (16, 12, 16, 12), 6)

        column.addWidget(page_title(self.tr("Report an incident"), content, "incidentTitle"))
        intro = QLabel(
            self.tr(
                "Only what happened, the kind of incident and a short description are "
                "needed. Ctrl+Enter saves."
            ),
            content,
        )
        intro.setWordWrap(True)
        column.addWidget(intro)
        column.addWidget(self._build_prefill_notice(content))

        section_type: type[FieldSection]
        for section_type in (WhenWhereHow, WhatHappened):
            column.addWidget(self._make_section(section_type, content))
        for section_type, title_text in COLLAPSIBLE:
            key = section_type.SECTION.value
            title_text = translated(title_text)
            section = CollapsibleSection(title_text, content)
            section.setObjectName(f"section_{key}")
            section.header.setObjectName(f"sectionHeader_{key}")
            section.header.setAccessibleName(title_text.replace("&", ""))
            body = vbox(section.body, (24, 0, 0, 8), 4)
            body.addWidget(self._make_section(section_type, section.body))
            section.expanded_changed.connect(self._on_change)
            self.sections[key] = section
            column.addWidget(section)
        column.addStretch(1)
        self.scroll_area.setWidget(content)
        layout.addWidget(self.scroll_area, 1)

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

    def _build_prefill_notice(self, parent: QWidget) -> QWidget:
        """The line that says why a form is already filled in (after the user's alarm)."""
        self.prefill_notice = QFrame(parent)
        self.prefill_notice.setObjectName("prefillNotice")
        self.prefill_notice.setFrameShape(QFrame.Shape.StyledPanel)
        row = QHBoxLayout(self.prefill_notice)
        row.setContentsMargins(8, 4, 4, 4)
        self.prefill_text = QLabel(self.prefill_notice)
        self.prefill_text.setObjectName("prefillNoticeText")
        self.prefill_text.setWordWrap(True)
        row.addWidget(self.prefill_text, 1)
        close = QPushButton(self.tr("Hide"), self.prefill_notice)
        close.setObjectName("prefillNoticeClose")
        close.setAccessibleName(self.tr("Hide this line"))
        close.clicked.connect(self.prefill_notice.hide)
        row.addWidget(close)
        self.prefill_notice.hide()
        return self.prefill_notice

    def _make_section(self, section_type: type[FieldSection], parent: QWidget) -> FieldSection:
        return section_type(self._service, self._validation, self._register, parent)

    def _register(self, field: FormField, widget: QWidget) -> None:
        self._widgets[field.key] = widget
        parts = getattr(widget, "parts", None)
        for name, part in (parts() if callable(parts) else {field.key: widget}).items():
            setattr(self, name, part)
        if field.key == "when":
            holder = widget.parentWidget()  # the section, which made the label beside it
            if holder is not None:
                self.when_label = holder.findChild(QLabel, "whenLabel")

    def _locate(self, field: Field) -> tuple[QWidget | None, CollapsibleSection | None]:
        row = BY_DOMAIN.get(field)
        if row is None:
            return None, None
        return row.binding.focus(self._widgets[row.key]), self.sections.get(row.section.value)

    def _install_shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.setContext(context)
            shortcut.activated.connect(self._save_shortcut)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(context)
        escape.activated.connect(self.request_cancel)

    def _connect_fields(self) -> None:
        for field in FIELDS:
            signal = field.binding.changed(self._widgets[field.key])
            signal.connect(self._on_change)
            # A message goes away as soon as its field is touched; the rest stay in view.
            for answered in (field.domain, *field.clears):
                if answered is not None:
                    signal.connect(lambda *_, f=answered: self._validation.hide(f))
            if any(other.requires == field.key for other in FIELDS):
                signal.connect(self._update_enabled)
        self._widget("police_report_intended", QCheckBox).toggled.connect(self._on_police_report)
        self._widget("categories", ToggleGroup).changed.connect(self._on_categories)

    def _widget(self, key: str, kind: type[W]) -> W:
        """The widget of field ``key``, as the kind the table makes for it."""
        widget = self._widgets[key]
        assert isinstance(widget, kind), (key, widget)
        return widget

    # ================================================================== pages
    def _page(self) -> Page:
        current = self._stack.currentWidget()
        return next(page for page, widget in self._pages.items() if widget is current)

    def _show_page(self, page: Page) -> None:
        if page is not Page.CONFIRMATION:
            self.confirmation.clear()
        self._stack.setCurrentWidget(self._pages[page])

    def _editing(self) -> bool:
        return self._page() is Page.EDITOR

    # ================================================================== public API
    def start_new(self, prefill: dict[str, Any] | None = None) -> None:
        """Open an empty report (or one prefilled from an alarm: occurred_at, location,
        categories, channel, alarm_id). An unsaved report in progress is never lost: without
        a prefill it is simply kept; with one it stays a recoverable draft."""
        if self._drafts.draft_id is not None and self.has_content() and prefill is None:
            self.focus_first_field()
            return
        self._drafts.set_aside()
        self._reset_fields()
        if prefill:
            self._apply_prefill(prefill)
        self._drafts.begin()
        self._show_page(Page.EDITOR)
        self.focus_first_field()

    def restore_draft(self, draft: Draft) -> None:
        """Fill the form with a draft left by a crash or restart, to continue with it."""
        if self._drafts.draft_id != draft.id:
            self._drafts.set_aside()
        self._reset_fields()
        self._apply_state(draft.state)
        self._show_page(Page.EDITOR)
        self._drafts.adopt(draft)
        self.focus_first_field()

    def offer_recovery(self, parent: QWidget | None = None) -> bool:
        """Ask whether to continue the newest unsaved report; True when it was restored."""
        draft = self._drafts.offer(parent or self)
        if draft is not None:
            self.restore_draft(draft)
        return draft is not None

    def has_content(self) -> bool:
        """Whether the user entered anything worth keeping (not on the confirmation)."""
        return self._editing() and self._drafts.touched()

    def focus_first_field(self) -> None:
        """Focus where a trained user starts: the kind of incident (then Tab, Tab, text)."""
        if self._page() is Page.CONFIRMATION:
            self.new_button.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self._widgets["categories"].setFocus(Qt.FocusReason.OtherFocusReason)

    def draft_id(self) -> uuid.UUID | None:
        return self._drafts.draft_id

    def attachments(self) -> list[AttachmentInfo]:
        return self._attachments_box().infos()

    def add_files(self, files: Iterable[str | Path]) -> list[AttachmentInfo]:
        """Import files as evidence; refused files are named with the reason under the list."""
        box = self._attachments_box()
        added = box.add_files(files)
        if box.message.text():  # refused files: open the section to show why
            self.sections["evidence"].set_expanded(True)
        return added

    def flush_draft(self) -> None:
        """Write the draft now (autosave timers, closing the window)."""
        self._drafts.flush()

    def save(self) -> Incident | None:
        """Validate and save. On a problem: messages next to the fields, focus on the first,
        and everything typed stays."""
        if not self._editing():
            return None
        self._validation.clear()
        box = self._attachments_box()
        if box.copying:  # the report waits for its evidence; nothing typed is lost
            self.sections["evidence"].set_expanded(True)
            box.message.show_message(
                self.tr("Files are still being copied; save again in a moment.")
            )
            return None
        incident, problems = self._collect()
        if problems:
            self._validation.show(problems)
            return None
        assert incident is not None
        try:
            stored = self._service.save(incident, self.attachments())
        except AttachmentError as error:
            self.sections["evidence"].set_expanded(True)
            self._attachments_box().show_problem(error)
            return None
        except ValueError as error:
            errors = getattr(error, "errors", None)
            if errors:
                self._validation.show([(e.field, labels.validation_message(e)) for e in errors])
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
        self._drafts.finish()
        self.confirmation.show_report(stored)
        self._show_page(Page.CONFIRMATION)
        self.new_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.saved.emit(stored)
        return stored

    def request_cancel(self) -> None:
        """Esc: leave the form; asks first when something was entered."""
        if self._page() is Page.CONFIRMATION:
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
        state: dict[str, Any] = {"version": STATE_VERSION}
        for field in FIELDS:
            state[field.key] = field.binding.read(self._widgets[field.key])
        state["alarm_id"] = str(self._alarm_id) if self._alarm_id else None
        state["open_sections"] = [k for k, s in self.sections.items() if s.is_expanded()]
        return state

    def _write(self, values: dict[str, Any]) -> None:
        """Put values (by field key) into the widgets without counting it as typing."""
        self._loading = True
        try:
            for key, value in values.items():
                field = BY_KEY[key]
                field.binding.write(self._widgets[key], value)
        finally:
            self._loading = False
        self._update_enabled()

    def _apply_state(self, state: dict[str, Any]) -> None:
        self._write({f.key: state[f.key] for f in FIELDS if f.key in state})
        self._alarm_id = alarm_uuid(state.get("alarm_id"))
        self._online_chosen = self._online_in_categories()
        self._loading = True
        try:
            for key, section in self.sections.items():
                section.set_expanded(key in state.get("open_sections", []))
        finally:
            self._loading = False

    def _reset_fields(self) -> None:
        self._defaults = {f.key: f.default(self._service) for f in FIELDS}
        self._write(self._defaults)
        self._alarm_id = None
        self._online_chosen = False
        self._loading = True
        try:
            for section in self.sections.values():
                section.set_expanded(False)
        finally:
            self._loading = False
        self._validation.clear()
        self._attachments_box().message.clear_message()
        self.prefill_notice.hide()
        self.draft_status.clear()
        self._drafts.pristine = self.state()

    def _apply_prefill(self, prefill: dict[str, Any]) -> None:
        values = {k: prefill[k] for k in ("location", "channel", "categories") if prefill.get(k)}
        self._write(values)
        occurred = prefill.get("occurred_at")
        if isinstance(occurred, datetime) and occurred.tzinfo is not None:
            self._when().set_now(occurred)
            self._show_prefill_notice(occurred)
        self._alarm_id = alarm_uuid(prefill.get("alarm_id"))
        self._online_chosen = self._online_in_categories()
        # A prefilled form is still "untouched" until the user types: Esc needs no question.
        self._drafts.pristine = self.state()

    def _show_prefill_notice(self, alarm_at: datetime) -> None:
        time = QLocale().toString(to_qt(alarm_at).time(), "HH:mm")
        self.prefill_text.setText(
            fill(self.tr("Filled in from your alarm of %1 — complete it and save."), time)
        )
        self.prefill_notice.show()

    def _follow_identity(self) -> None:
        """Signed in or linked: a field still showing the old default takes the new one."""
        fresh = {key: BY_KEY[key].default(self._service) for key in _IDENTITY_FIELDS}
        values = {}
        for key, value in fresh.items():
            field = BY_KEY[key]
            if field.binding.read(self._widgets[key]) == self._defaults.get(key):
                values[key] = value
                if self._drafts.pristine.get(key) == self._defaults.get(key):
                    self._drafts.pristine[key] = value
            self._defaults[key] = value
        self._write(values)

    # ================================================================== reading the fields
    def _collect(self) -> tuple[Incident | None, list[tuple[Field, str]]]:
        problems: list[tuple[Field, str]] = []
        values: dict[str, Any] = {}
        for field in FIELDS:
            if field.attribute is None:
                continue
            if field.requires and not BY_KEY[field.requires].binding.read(
                self._widgets[field.requires]
            ):
                values[field.attribute] = field.absent
                continue
            try:
                values[field.attribute] = field.to_domain(
                    field.binding.read(self._widgets[field.key])
                )
            except ValueError:
                assert field.domain is not None and field.unreadable is not None
                problems.append((field.domain, field.unreadable()))
                values[field.attribute] = field.absent
        incident = Incident(**values, alarm_id=self._alarm_id, status=IncidentStatus.SAVED_LOCALLY)
        errors: list[ValidationError] = validate(incident)
        problems.extend((e.field, labels.validation_message(e)) for e in errors)
        return (None if problems else incident), problems

    # ================================================================== small behaviours
    def _when(self) -> WhenPicker:
        return self._widget("when", WhenPicker)

    def _attachments_box(self) -> AttachmentsBox:
        return self._widget("attachments", AttachmentsBox)

    def _update_enabled(self, *_args: object) -> None:
        for field in FIELDS:
            if field.requires:
                flag = BY_KEY[field.requires]
                on = bool(flag.binding.read(self._widgets[flag.key]))
                self._widgets[field.key].setEnabled(on)

    def _on_change(self, *_args: object) -> None:
        if not self._loading:
            self._drafts.changed()

    def _show_draft_status(self, text: str) -> None:
        self.draft_status.setText(text)

    def _save_shortcut(self) -> None:
        if self._editing():
            self.save()

    def _abandon(self) -> None:
        self._drafts.drop()
        self._reset_fields()
        self._drafts.begin()
        self.cancelled.emit()

    def _online_in_categories(self) -> bool:
        return bool(_ONLINE & set(self._widget("categories", ToggleGroup).values()))

    def _on_categories(self) -> None:
        online = self._online_in_categories()
        if online and not self._online_chosen and not self._loading:
            self.guidanceRequested.emit(GUIDANCE_ONLINE)
        self._online_chosen = online

    def _on_police_report(self, checked: bool) -> None:
        if checked and not self._loading:
            self.guidanceRequested.emit(GUIDANCE_POLICE_REPORT)

    # ================================================================== drag and drop
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if self._editing() and event.mimeData().hasUrls():
            if any(url.isLocalFile() for url in event.mimeData().urls()):
                event.acceptProposedAction()
                return
        event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.sections["evidence"].set_expanded(True)
            self._attachments_box().add_files_in_background(files)


def offer_recovery(form: IncidentForm, parent: QWidget | None = None) -> bool:
    """At start-up: offer the newest unsaved report back into ``form``; True when restored."""
    return form.offer_recovery(parent)
