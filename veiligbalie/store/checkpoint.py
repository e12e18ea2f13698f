"""WAL checkpoints off the writer's path.

In WAL mode a commit appends the changed pages to the ``-wal`` file and syncs it (that is
what makes it durable); copying those pages into the database file (a checkpoint) can
happen any time later. SQLite does it by default inside the commit that brings the WAL
past 1,000 pages, so that commit (a report saved on the GUI thread, every ~35th save) also
pays for writing back and syncing the database file: several times a normal save.

Here a thread of its own does it shortly after writes (``PASSIVE``: it never waits for,
nor blocks, a reader or a writer). The WAL starts again from its beginning at the first
write after a checkpoint that copied everything, which needs a moment without commits
(between two saves there always is one). Only a long burst of writes leaves no such
moment: then the writer's own automatic checkpoint, raised to :data:`FALLBACK_PAGES`,
takes over; it finds most pages copied already by this thread. Durability does not
change: a commit is durable when its WAL frames are synced, before any checkpoint.

The same thread does the store's deferred work (``idle_work``: the search entries of new
reports, store/search_index.py) once no commit came for :data:`QUIET` seconds, and leaves
it between two steps as soon as one does.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

#: ``PRAGMA wal_autocheckpoint`` of the store's connections (SQLite's default: 1,000): the
#: writer checkpoints itself only when the WAL grew this far (~40 MB) in a burst of writes.
FALLBACK_PAGES = 10_000
#: Seconds after a commit before checkpointing: the commits of a burst share one.
DELAY = 0.05
#: Seconds without a commit after which the thread ends (a new one starts on the next).
IDLE = 60.0
#: Seconds without a commit before the deferred work starts: a burst of saves is over.
QUIET = 1.0

#: Deferred work: runs on the thread's connection while the callable it is given says so
#: (no commit came meanwhile, not closing).
IdleWork = Callable[[sqlite3.Connection, Callable[[], bool]], object]


class Checkpointer:
    """Checkpoints one database file on a thread of its own after commits (:meth:`nudge`)."""

    def __init__(self, path: Path, busy_timeout_ms: int, idle_work: IdleWork | None = None) -> None:
        self._path = path
        self._busy_timeout_ms = busy_timeout_ms
        self._idle_work = idle_work
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        #: Checkpoints run so far (for tests and diagnostics).
        self.runs = 0

    @property
    def running(self) -> bool:
        """Whether the thread is alive now (it ends when idle or closed)."""
        thread = self._thread
        return thread is not None and thread.is_alive()

    def nudge(self) -> None:
        """Something was (or is being) committed: checkpoint soon."""
        if not self._wake.is_set():  # in a burst it mostly is: no lock, no wake-up
            self._wake.set()
        if self._thread is not None:
            return
        with self._lock:
            if self._thread is None and not self._stop.is_set():
                self._thread = threading.Thread(
                    target=self._run, name="veiligbalie-wal-checkpoint", daemon=True
                )
                self._thread.start()

    def close(self) -> None:
        """Stop the thread (after a checkpoint it is running finishes)."""
        with self._lock:
            self._stop.set()
            thread = self._thread
        self._wake.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=30)

    def _undisturbed(self) -> bool:
        """No commit came and no close since the deferred work began."""
        return not self._wake.is_set()

    def _deferred(self, work: IdleWork, conn: sqlite3.Connection) -> None:
        try:
            work(conn, self._undisturbed)
        except sqlite3.Error:
            # Not fatal either: it is tried again after the next commit (and a search
            # does its own part first).
            log.warning("Deferred work on %s failed", self._path, exc_info=True)
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            return
        if self._undisturbed():
            self._checkpoint(conn)  # what the deferred work wrote

    def _checkpoint(self, conn: sqlite3.Connection) -> None:
        _busy, frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        self.runs += 1
        log.debug("WAL checkpoint: %s of %s frames copied", copied, frames)

    def _run(self) -> None:
        conn: sqlite3.Connection | None = None
        try:
            conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {self._busy_timeout_ms}")
            # A checkpoint syncs the WAL before and the database file after copying, as
            # the writer's own checkpoint does under synchronous=FULL.
            conn.execute("PRAGMA synchronous = FULL")
            while True:
                if not self._wake.wait(IDLE):
                    with self._lock:
                        if not self._wake.is_set():
                            self._thread = None  # the next nudge starts a new thread
                            return
                    continue
                if self._stop.wait(DELAY):
                    return
                self._wake.clear()
                self._checkpoint(conn)
                work = self._idle_work
                if work is not None and not self._wake.wait(QUIET):
                    self._deferred(work, conn)
        except sqlite3.Error:
            # Not fatal: the writers' own automatic checkpoint (FALLBACK_PAGES) takes over.
            log.warning("WAL checkpoint of %s failed", self._path, exc_info=True)
        finally:
            if conn is not None:
                conn.close()
            with self._lock:
                if self._thread is threading.current_thread():
                    self._thread = None
