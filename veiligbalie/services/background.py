"""Work that must not hold the GUI thread (and with it the alarm button) for more than a frame:
documents laid out, evidence copied and fsynced, the site key derived. One way to run it.

:func:`start` runs ``work(progress)`` on a QThreadPool worker and answers a :class:`Task`, a
QObject of the calling thread: ``progress(int)`` while the work reports it, then once
``finished(result)`` or ``failed(exception)``, each delivered on the calling thread (the
worker emits through the task; Qt queues the call to the thread the task lives in). A task
is kept alive here until it settles, so a caller need not hold it. What the work needs from
the calling thread's objects (the store, the settings, widgets) is gathered there first.

:func:`make_file` runs a document's build so (:func:`write_file`): into ``name.part`` beside the
target, moved into place only when whole, so a failed or interrupted build never leaves half
a file under the name the user chose.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

Progress = Callable[[int], None]
Work = Callable[[Progress], Any]


class Task(QObject):
    """One piece of work on the pool, watched from the thread that started it.

    The worker reports through private signals that this object turns into its public ones
    on its own thread, in the event loop's next turn: a listener connected right after
    :func:`start` returned (in the same run of code) never misses the outcome, however fast
    the work was."""

    #: A step of the work (its own scale, e.g. pages laid out).
    progress = Signal(int)
    #: What the work answered.
    finished = Signal(object)
    #: The exception the work raised (logged with its traceback already).
    failed = Signal(object)

    _stepped = Signal(int)
    _answered = Signal(object)
    _raised = Signal(object)

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what
        # Bound methods of this object, which lives on the calling thread: queued to it.
        self._stepped.connect(self._step)
        self._answered.connect(self._answer)
        self._raised.connect(self._raise)

    def _step(self, value: int) -> None:
        self.progress.emit(value)

    def _answer(self, result: object) -> None:
        try:
            self.finished.emit(result)
        finally:
            _RUNNING.discard(self)

    def _raise(self, error: object) -> None:
        try:
            self.failed.emit(error)
        finally:
            _RUNNING.discard(self)


#: Tasks still running: kept from being collected before they settle.
_RUNNING: set[Task] = set()


class _Job(QRunnable):
    def __init__(self, task: Task, work: Work) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._task = task
        self._work = work

    def run(self) -> None:
        task = self._task
        try:
            result = self._work(task._stepped.emit)
        except Exception as exc:  # said to the caller, never lost in the pool
            log.exception("%s failed", task.what)
            task._raised.emit(exc)
            return
        task._answered.emit(result)


def start(what: str, work: Work, pool: QThreadPool | None = None) -> Task:
    """Run ``work(progress)`` on ``pool`` (the global pool by default); returns at once.
    ``what`` names the work in the log."""
    task = Task(what)
    _RUNNING.add(task)
    (pool or QThreadPool.globalInstance()).start(_Job(task, work))
    return task


def write_file(build: Callable[[Path], object], target: Path) -> str:
    """Call ``build`` with a ``.part`` path beside ``target`` and move the result into place;
    on any failure the part is removed and the error raised. Answers the target's path."""
    partial = target.with_name(target.name + ".part")
    try:
        build(partial)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return str(target)


def make_file(
    what: str,
    build: Callable[[Path, Progress], object],
    target: Path,
    pool: QThreadPool | None = None,
) -> Task:
    """Run ``build(part, progress)`` on a worker through :func:`write_file`; the task answers
    the target's path."""
    return start(
        what, lambda progress: write_file(lambda part: build(part, progress), target), pool
    )


def message(error: object) -> str:
    """What to tell the user about a failed task: the exception's text, else its kind."""
    return str(error) or type(error).__name__
