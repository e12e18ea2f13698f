"""DocumentService: every PDF or CSV is made off the GUI thread.

``make(kind, builder, path)`` runs ``builder(path)`` on a worker (services.background); the
result comes back on the GUI thread as ``finished(path)`` or ``failed(message)``. While a
document is being made ``busy`` says so (the UI shows a progress indication when that takes
longer than a blink). Builders are plain functions: they read what they need and write
``path``; a builder that raises leaves no half file behind (background.make_file).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, Signal

from veiligbalie.services import background

log = logging.getLogger(__name__)

Builder = Callable[[Path], object]


class DocumentService(QObject):
    """Makes documents on a worker thread, one signal back per document."""

    #: The path of a finished document.
    finished = Signal(str)
    #: Why a document could not be made.
    failed = Signal(str)
    #: True while at least one document is being made.
    busy_changed = Signal(bool)

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool
        self._running = 0

    @property
    def busy(self) -> bool:
        return self._running > 0

    def make(self, kind: str, builder: Builder, path: str | os.PathLike[str]) -> None:
        """Start making ``kind`` at ``path`` with ``builder``; returns at once."""
        target = Path(path)
        self._running += 1
        if self._running == 1:
            self.busy_changed.emit(True)
        task = background.make_file(
            f"making {kind} at {target}", lambda part, _progress: builder(part), target, self._pool
        )
        task.finished.connect(lambda made: self._done(kind, made))
        task.failed.connect(self._error)

    def _settle(self) -> None:
        self._running -= 1
        if self._running == 0:
            self.busy_changed.emit(False)

    def _done(self, kind: str, path: str) -> None:
        self._settle()
        log.info("Made %s at %s", kind, path)
        self.finished.emit(path)

    def _error(self, error: Exception) -> None:
        self._settle()
        self.failed.emit(background.message(error))
