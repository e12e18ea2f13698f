"""Drafts of the incident form: when the form's state is written, which draft it is, and
offering an unsaved report back after a crash or restart.

Typing is written after a short pause, and during typing without pauses at least every
``MAX_WAIT_MS``: a crash loses at most about a second. A form back in its untouched state
leaves no draft behind.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QLocale, QObject, QTime, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from veiligbalie.core.text import fill
from veiligbalie.services.incidents import Draft, IncidentService
from veiligbalie.ui.incident_form.fields import to_qt

log = logging.getLogger(__name__)

State = dict[str, Any]


class DraftController(QObject):
    """Owns the autosave timers and the current draft's id for one form.

    ``read_state`` gives the form's state now; ``editing`` says whether the form shows an
    editable report (not its confirmation)."""

    DEBOUNCE_MS = 400
    #: Typing without a pause still reaches the disk this often: at most this much is at risk.
    MAX_WAIT_MS = 800

    status = Signal(str)  # a sentence for the form's draft status line

    def __init__(
        self,
        service: IncidentService,
        read_state: Callable[[], State],
        editing: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._read_state = read_state
        self._editing = editing
        self._id: uuid.UUID | None = None
        self._stored = False
        self.pristine: State = {}
        self._debounce = self._timer(self.DEBOUNCE_MS)
        self._max_wait = self._timer(self.MAX_WAIT_MS)

    def _timer(self, interval: int) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval)
        timer.timeout.connect(self.flush)
        return timer

    @property
    def draft_id(self) -> uuid.UUID | None:
        return self._id

    def touched(self) -> bool:
        """Whether the form differs from how it was opened (prefill included)."""
        return self._read_state() != self.pristine

    # -- The life of a draft ---------------------------------------------------------------
    def begin(self) -> None:
        """A new report: a fresh id, nothing written until something is typed."""
        self._id = self._service.new_draft_id()
        self._stored = False

    def adopt(self, draft: Draft) -> None:
        """Continue an existing draft (a restored one): it is no longer offered elsewhere."""
        self._id = draft.id
        self._stored = True
        self._service.claim_draft(draft.id)
        self.status.emit(
            fill(
                self.tr("Unsaved report restored from %1."),
                QLocale().toString(to_qt(draft.updated_at), "dd-MM HH:mm"),
            )
        )

    # -- Recovery ---------------------------------------------------------------------------
    def offer(self, parent: QWidget) -> Draft | None:
        """Ask whether to continue the newest unsaved report (left by a crash, a restart or
        a form that moved on). Returns it to restore; "Later" keeps it, "Discard" drops it."""
        drafts = self._service.recoverable_drafts()
        if not drafts:
            return None
        draft = drafts[0]
        excerpt = str(draft.state.get("description", "")).strip().replace("\n", " ")
        if len(excerpt) > 60:
            excerpt = excerpt[:59] + "…"
        started = QLocale().toString(to_qt(draft.updated_at), "dd-MM-yyyy HH:mm")
        box = QMessageBox(parent)
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
        if clicked is discard:
            self._service.discard_draft(draft.id)
        return draft if clicked is resume else None

    def set_aside(self) -> None:
        """Leave the current draft for another report: kept and recoverable if anything was
        typed, removed when untouched."""
        if self._id is None:
            return
        if self.touched():
            self.flush()
            self._service.release_draft(self._id)
        else:
            self.drop()
        self._id = None

    def drop(self) -> None:
        """Discard the current draft (the report was saved or deliberately discarded)."""
        self._stop()
        if self._id is not None and self._stored:
            self._service.discard_draft(self._id)
        self._stored = False

    def finish(self) -> None:
        """The report was saved: its draft goes for good."""
        self._stop()
        if self._id is not None:
            self._service.discard_draft(self._id)
        self._id = None
        self._stored = False

    # -- Autosave ---------------------------------------------------------------------------
    def changed(self) -> None:
        if self._id is None or not self._editing():
            return
        self._debounce.start()
        if not self._max_wait.isActive():
            self._max_wait.start()

    def flush(self) -> None:
        """Write the draft now (autosave timers, closing the window)."""
        self._stop()
        if self._id is None or not self._editing():
            return
        state = self._read_state()
        try:
            if state == self.pristine:
                # Back to an untouched form: nothing to recover.
                if self._stored:
                    self._service.discard_draft(self._id)
                    self._stored = False
                return
            self._service.save_draft(self._id, state)
        except Exception:
            log.exception("draft could not be saved")
            self.status.emit(self.tr("Draft could not be saved on this workstation."))
            return
        self._stored = True
        self.status.emit(
            fill(
                self.tr("Draft saved automatically at %1."),
                QTime.currentTime().toString("HH:mm:ss"),
            )
        )

    def _stop(self) -> None:
        self._debounce.stop()
        self._max_wait.stop()
