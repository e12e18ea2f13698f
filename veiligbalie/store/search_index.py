"""The Logboek's search entries of new reports, made after the save rather than inside it.

Saving a report notes its rowid in ``search_pending`` (a trigger, migration 0007); the
FTS5 entry (description and notes, tokenized into trigrams) is made here, a chunk of
reports per transaction:

- in an idle moment: the store's checkpoint thread calls :func:`index_while` when no commit
  came for a while, and stops between chunks as soon as one does (a save never waits for
  more than one chunk);
- in a pulled page's own transaction, for the page's new reports (and whatever else is
  pending): a first pull of 100,000 reports is not left for a search on the GUI thread, and
  the entries of a page go into the index together (FTS5 writes a segment per commit; a
  segment per chunk of 50 would cost the pull a fifth more CPU in merging them);
- before a search: :func:`catch_up` indexes whatever is still pending (at most the reports
  saved here since the last idle moment), so a search finds every saved report, also one
  saved a moment ago.

Both take the write lock per chunk and do the same idempotent work (``INSERT OR REPLACE``
of the entry, then the pending rows go), so they may run at the same time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from veiligbalie.store.schema import SEARCH_TABLE

if TYPE_CHECKING:
    import sqlite3

    from veiligbalie.store.database import Database

#: Reports indexed per transaction: ~7 ms of holding the write lock (~140 µs a report on a
#: 2-core machine; 100,000 pulled reports take ~15 s of idle time), so a save that comes
#: meanwhile waits at most that long.
CHUNK = 50

#: A report's entry: its description, then its notes, one per line (as the triggers of
#: migration 0004 keep it).
BODY = (
    "i.description || coalesce(char(10) || (SELECT group_concat(e.text, char(10)) "
    "FROM incident_events e WHERE e.incident_id = i.id AND e.kind = 'note'), '')"
)
_NEXT = (
    "SELECT max(report_rowid) FROM "
    "(SELECT report_rowid FROM search_pending ORDER BY report_rowid LIMIT ?)"
)
_INDEX = (
    f"INSERT OR REPLACE INTO {SEARCH_TABLE} (rowid, body) SELECT i.rowid, {BODY} "
    "FROM search_pending p JOIN incidents i ON i.rowid = p.report_rowid "
    "WHERE p.report_rowid <= ?"
)
_DONE = "DELETE FROM search_pending WHERE report_rowid <= ?"
_ANY = "SELECT EXISTS (SELECT 1 FROM search_pending)"


def index_chunk(execute: Callable[[str, tuple[Any, ...]], Any], limit: int = CHUNK) -> bool:
    """Make the entries of up to ``limit`` pending reports (the oldest rowids; -1: all)
    inside the caller's write transaction; ``execute`` runs one statement (``sqlite3``'s
    ``execute`` or SQLAlchemy's ``exec_driver_sql``). False when nothing was pending. A
    pending report that is gone (deleted since) just leaves the list."""
    (last,) = execute(_NEXT, (limit,)).fetchone()
    if last is None:
        return False
    execute(_INDEX, (last,))
    execute(_DONE, (last,))
    return True


def index_while(conn: sqlite3.Connection, keep_going: Callable[[], bool]) -> int:
    """Index pending reports a chunk per transaction on ``conn`` (a ``sqlite3`` connection
    in autocommit mode) while ``keep_going()`` says so; returns the chunks done."""
    done = 0
    while keep_going():
        conn.execute("BEGIN IMMEDIATE")
        more = index_chunk(conn.execute)  # on an error the caller rolls back
        conn.execute("COMMIT")
        if not more:
            break
        done += 1
    return done


def catch_up(db: Database) -> None:
    """Index every pending report of ``db`` now (before a search reads the index)."""
    with db.engine.connect() as conn:
        if not conn.exec_driver_sql(_ANY).scalar():
            return  # the usual case: the idle moments kept up
    more = True
    while more:
        with db.write_connection() as conn:
            more = index_chunk(conn.exec_driver_sql)
