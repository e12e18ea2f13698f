"""Evidence on the incident form: the list of attached files, adding (by dialog or by drop)
within the size, type and count limits, and the message that names each refused file."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from veiligbalie.core.text import fill
from veiligbalie.services import background
from veiligbalie.services.incidents import (
    ALLOWED_SUFFIXES,
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    AttachmentError,
    AttachmentInfo,
    IncidentService,
)
from veiligbalie.ui.widgets import FieldMessage, FlowLayout, vbox

log = logging.getLogger(__name__)


#: What importing one file came to: its copy, or why not (AttachmentError or OSError).
Imported = tuple[Path, AttachmentInfo | Exception]


def _copy_all(service: IncidentService, files: list[Path]) -> list[Imported]:
    """On a worker: copy (and hash, and fsync) each file into the data folder, or say why
    not."""
    results: list[Imported] = []
    for path in files:
        try:
            results.append((path, service.import_attachment(path)))
        except (AttachmentError, OSError) as error:
            results.append((path, error))
    return results


class _TooMany(Exception):
    """A file past the count limit: refused before it is copied."""


def _copies(results: list[Imported]) -> int:
    return sum(1 for _, outcome in results if not isinstance(outcome, Exception))


def format_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(size // 1024, 1)} kB"


class AttachmentsBox(QWidget):
    """The evidence field. Its value (for drafts) is a list of JSON-safe dicts; files are
    copied into the data folder by the service as soon as they are added."""

    changed = Signal()
    #: True while files are being copied on a worker (:meth:`add_files_in_background`).
    copying_changed = Signal(bool)

    def __init__(self, service: IncidentService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._infos: list[AttachmentInfo] = []
        self._copying = 0
        layout = vbox(self, (0, 0, 0, 0), 4)
        hint = QLabel(
            fill(
                self.tr(
                    "Photos, screenshots, PDF, text, e-mail, sound, video or Word files; at most "
                    "%1 files of %2 MB each. You can also drag files onto this form."
                ),
                MAX_ATTACHMENTS,
                MAX_ATTACHMENT_BYTES // (1024 * 1024),
            ),
            self,
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        label = QLabel(self.tr("Attached files"), self)
        label.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setObjectName("attachmentList")
        self.list.setAccessibleName(self.tr("Attached files"))
        self.list.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
        label.setBuddy(self.list)
        layout.addWidget(label)
        layout.addWidget(self.list)
        self.message = FieldMessage("error_attachments", self)
        layout.addWidget(self.message)
        self.copying_label = QLabel(self.tr("Copying files…"), self)
        self.copying_label.setObjectName("attachCopying")
        self.copying_label.setVisible(False)
        layout.addWidget(self.copying_label)
        row = QWidget(self)
        flow = FlowLayout(row)
        self.add_button = QPushButton(self.tr("Add file…"), row)
        self.add_button.setObjectName("attachAddButton")
        self.add_button.setAccessibleName(self.tr("Add file"))
        self.add_button.clicked.connect(self.choose_files)
        self.remove_button = QPushButton(self.tr("Remove selected file"), row)
        self.remove_button.setObjectName("attachRemoveButton")
        self.remove_button.setAccessibleName(self.tr("Remove selected file"))
        self.remove_button.clicked.connect(self.remove_selected)
        flow.addWidget(self.add_button)
        flow.addWidget(self.remove_button)
        layout.addWidget(row)
        self._refresh()

    def parts(self) -> dict[str, QWidget]:
        return {
            "attachment_list": self.list,
            "attach_button": self.add_button,
            "remove_attachment_button": self.remove_button,
        }

    # -- The field's value ----------------------------------------------------------------
    def infos(self) -> list[AttachmentInfo]:
        return list(self._infos)

    def value(self) -> list[dict[str, Any]]:
        return [
            {
                "sha256": a.sha256,
                "original_name": a.original_name,
                "size": a.size,
                "mime_type": a.mime_type,
                "stored_path": str(a.stored_path),
            }
            for a in self._infos
        ]

    def set_value(self, value: Iterable[dict[str, Any]]) -> None:
        # A copy that is gone from the data folder (cleaned up, another machine) is dropped.
        self._infos = [
            AttachmentInfo(
                sha256=str(a["sha256"]),
                original_name=str(a["original_name"]),
                size=int(a["size"]),
                mime_type=str(a["mime_type"]),
                stored_path=Path(str(a["stored_path"])),
            )
            for a in value
            if Path(str(a.get("stored_path", ""))).is_file()
        ]
        self.message.clear_message()
        self._refresh()

    def focus_target(self) -> QWidget:
        return self.list

    # -- Adding and removing ---------------------------------------------------------------
    @property
    def copying(self) -> bool:
        return self._copying > 0

    def add_files(self, files: Iterable[str | Path]) -> list[AttachmentInfo]:
        """Import files as evidence, here and now; refused files are named with the reason
        under the list. The dialog and a drop use :meth:`add_files_in_background`."""
        results: list[Imported] = []
        for path in [Path(raw) for raw in files]:
            if len(self._infos) + _copies(results) >= MAX_ATTACHMENTS:
                results.append((path, _TooMany()))  # refused without copying a byte
                continue
            try:
                results.append((path, self._service.import_attachment(path)))
            except (AttachmentError, OSError) as error:
                results.append((path, error))
        return self._take(results)

    def add_files_in_background(self, files: Iterable[str | Path]) -> None:
        """Copy the files on a worker (a large video takes longer than a frame to copy and
        fsync): "Copying files…" shows meanwhile and :attr:`copying` is True; the list
        follows when the copies are safe."""
        paths = [Path(raw) for raw in files]
        if not paths:
            return
        room = max(0, MAX_ATTACHMENTS - len(self._infos))
        if len(paths) > room:  # refused at once, without copying a byte
            self._take([(path, _TooMany()) for path in paths[room:]])
            paths = paths[:room]
            if not paths:
                return
        self._copying += 1
        if self._copying == 1:
            self._show_copying(True)
        service = self._service
        task = background.start(
            f"copying {len(paths)} file(s)", lambda _progress: _copy_all(service, paths)
        )
        task.finished.connect(self._copied)
        task.failed.connect(lambda error: self._copied([(p, error) for p in paths]))

    def _copied(self, results: list[Imported]) -> None:
        self._copying -= 1
        if self._copying == 0:
            self._show_copying(False)
        self._take(results)

    def _show_copying(self, busy: bool) -> None:
        self.copying_label.setVisible(busy)
        self.copying_changed.emit(busy)

    def _take(self, results: list[Imported]) -> list[AttachmentInfo]:
        """Add what was copied (within the count limit, once per checksum); name the rest."""
        added: list[AttachmentInfo] = []
        problems: list[str] = []
        for path, outcome in results:
            if isinstance(outcome, _TooMany) or len(self._infos) >= MAX_ATTACHMENTS:
                problems.append(self._too_many(path))
                continue
            if isinstance(outcome, AttachmentError):
                problems.append(self.problem(outcome, path))
                continue
            if isinstance(outcome, Exception):
                error = outcome if isinstance(outcome, OSError) else OSError(str(outcome))
                log.warning("attachment could not be copied: %s", error.strerror)
                problems.append(
                    fill(
                        self.tr("“%1” could not be copied: %2."),
                        path.name,
                        error.strerror or str(error),
                    )
                )
                continue
            info = outcome
            if any(a.sha256 == info.sha256 for a in self._infos):
                problems.append(fill(self.tr("“%1” is already attached."), path.name))
                continue
            self._infos.append(info)
            added.append(info)
        self._refresh()
        if problems:
            self.message.show_message("\n".join(problems))
        else:
            self.message.clear_message()
        if added:
            self.changed.emit()
        return added

    def show_problem(self, error: AttachmentError) -> None:
        """Saving found a file that can no longer be attached (gone, changed)."""
        self.message.show_message(self.problem(error, error.path))
        self.list.setFocus()

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._infos):
            # The copy in the data folder stays: another report may share it (same checksum).
            del self._infos[row]
            self._refresh()
            self.changed.emit()

    def choose_files(self) -> None:
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
            self.add_files_in_background(files)

    def problem(self, error: AttachmentError, path: Path) -> str:
        name = path.name
        if error.reason == "too_large":
            size = path.stat().st_size if path.exists() else 0
            return fill(
                self.tr("“%1” is too large (%2); a file can be at most %3 MB."),
                name,
                format_size(size),
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
            return self._too_many(path)
        return fill(self.tr("“%1” cannot be found."), name)

    def _too_many(self, path: Path) -> str:
        return fill(
            self.tr("“%1” was not added: a report can carry at most %2 files."),
            path.name,
            str(MAX_ATTACHMENTS),
        )

    def _refresh(self) -> None:
        self.list.clear()
        for info in self._infos:
            item = QListWidgetItem(f"{info.original_name}  ({format_size(info.size)})")
            item.setData(Qt.ItemDataRole.UserRole, info.sha256)
            self.list.addItem(item)
        self.remove_button.setEnabled(bool(self._infos))
