"""DocumentService: every PDF or CSV is made off the GUI thread.

``make(kind, builder, path)`` runs ``builder(path)`` on a QThreadPool worker; the result comes
back on the GUI thread as ``finished(path)`` or ``failed(message)``. While a
document is being made ``busy`` says so (the UI shows a progress indication when that takes
longer than a blink). Builders are plain functions: they read what they need and write
``path``; a builder that raises leaves no half file behind.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

Builder = Callable[[Path], object]


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits through it (queued across threads)."""

    done = Signal(str, str)
    error = Signal(str, str)


class _Job(QRunnable):
    def __init__(self, kind: str, builder: Builder, path: Path, relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._kind = kind
        self._builder = builder
        self._path = path
        self._relay = relay

    def run(self) -> None:
        partial = self._path.with_name(self._path.name + ".part")
        try:
            self._builder(partial)
            os.replace(partial, self._path)
        except Exception as exc:  # a document failing must never take the app down
            log.exception("Making %s at %s failed", self._kind, self._path)
            partial.unlink(missing_ok=True)
            self._relay.error.emit(self._kind, str(exc) or type(exc).__name__)
            return
        self._relay.done.emit(self._kind, str(self._path))


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
        self._pool = pool or QThreadPool.globalInstance()
        self._relay = _Relay(self)
        self._relay.done.connect(self._done)
        self._relay.error.connect(self._error)
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
        self._pool.start(_Job(kind, builder, target, self._relay))

    def _settle(self) -> None:
        self._running -= 1
        if self._running == 0:
            self.busy_changed.emit(False)

    def _done(self, kind: str, path: str) -> None:
        self._settle()
        log.info("Made %s at %s", kind, path)
        self.finished.emit(path)

    def _error(self, kind: str, message: str) -> None:
        self._settle()
        self.failed.emit(message)
