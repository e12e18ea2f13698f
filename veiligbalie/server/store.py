"""The server's database: engine set-up for SQLite and PostgreSQL, migrations, epoch, and the
read/write transaction helpers every route uses.

Cursor consistency of the change log: every transaction that appends to ``changes`` holds
the change-log lock from before its first insert into ``changes`` until it ends: it runs
through :meth:`ServerStore.write` with ``log=True`` (lock taken first), or takes it with
:meth:`ServerStore.lock_change_log` just before it writes (a push of new reports: its
reading, checking and row building run outside the lock). On SQLite a write transaction is
``BEGIN IMMEDIATE`` (one writer at a time); on PostgreSQL the lock is a transaction-scoped
advisory lock. A seq is drawn only by an insert into ``changes``, so only by the lock's
holder: seqs are drawn in lock order and each holder commits before the next draws. So the
log commits in seq order: once a reader sees seq N, every seq below N is committed (or was
rolled back and never existed), and a pull can never skip a change committed later.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from platformdirs import user_data_path
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url

from veiligbalie.server import schema

ENV_SERVER_DATA_DIR = "VEILIGBALIE_SERVER_DATA_DIR"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: Any fixed number: the key of the advisory lock that serialises appends to the change log.
CHANGE_LOG_LOCK_KEY = 0x5642_4C4F47  # "VBLOG"


class DatabaseError(RuntimeError):
    """The database URL is unusable or the schema is not what this server expects."""


def server_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--data-dir``, else ``VEILIGBALIE_SERVER_DATA_DIR``, else the platform's data folder."""
    chosen = explicit or os.environ.get(ENV_SERVER_DATA_DIR)
    path = Path(chosen).expanduser() if chosen else user_data_path("VeiligBalie-server")
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()


def default_database_url(data_dir: str | os.PathLike[str] | None = None) -> str:
    return f"sqlite:///{server_data_dir(data_dir) / 'veiligbalie-server.sqlite3'}"


#: Written by ``serve`` in the server data folder while it runs (its pid and database), so
#: ``admin restore`` and ``admin migrate-database`` refuse to work under its feet.
PID_NAME = "serve.pid"


def running_server(data_dir: str | os.PathLike[str] | None) -> int | None:
    """The pid of a ``serve`` still running on this server data folder, or None."""
    path = server_data_dir(data_dir) / PID_NAME
    try:
        pid = int(json.loads(path.read_text(encoding="utf-8"))["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if pid == os.getpid() or pid <= 0:
        return None
    return pid if _alive(pid) else None


def _alive(pid: int) -> bool:
    if sys.platform == "win32":
        # os.kill(pid, 0) would send CTRL_C_EVENT on Windows: ask the process's exit code.
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        try:
            found = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        finally:
            kernel32.CloseHandle(handle)
        return bool(found) and code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, another user's
    return True


ENV_SERVER_FILES = "VEILIGBALIE_SERVER_FILES"
FILES_DIR_NAME = "files"


def default_files_dir(url: str, data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Where attachments are kept when neither ``--files`` nor ``VEILIGBALIE_SERVER_FILES``
    says: a ``files`` folder next to the SQLite database file; for PostgreSQL (or an
    in-memory database) the ``files`` folder in the server data folder."""
    chosen = os.environ.get(ENV_SERVER_FILES)
    if chosen:
        return Path(chosen).expanduser()
    parsed = _parse_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(str(parsed.database)).expanduser().resolve().parent / FILES_DIR_NAME
    return server_data_dir(data_dir) / FILES_DIR_NAME


def _parse_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError, ValueError...
        raise DatabaseError(f"not a database URL: {url!r}") from exc
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseError("the database must be sqlite:///FILE or postgresql+psycopg://...")
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() != "psycopg":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


#: Seconds a writer waits for SQLite's write lock before it fails ("database is locked").
SQLITE_WRITE_WAIT = 30.0


#: Worker threads the alarm's blocking work may hold at once (:func:`in_urgent_thread`),
#: beside the shared pool's 40 of every other route, and the connections of its own pool
#: (:meth:`ServerStore.read` / ``write`` with ``urgent=True``). A storm of pushes (every
#: station back after the server was away) held all 40 threads and every connection for
#: seconds: an alarm raised then reached the stations 0.2-1.5 s late and its sender
#: after 3.4-4.2 s.
URGENT_CONNECTIONS = 8
_URGENT_THREADS = anyio.CapacityLimiter(URGENT_CONNECTIONS)

_T = TypeVar("_T")


async def in_urgent_thread(func: Callable[..., _T], *args: Any) -> _T:
    """Run the alarm's blocking ``func(*args)`` on a worker thread of its own share."""
    return await anyio.to_thread.run_sync(func, *args, limiter=_URGENT_THREADS)


def create_db_engine(url: str, *, urgent: bool = False) -> Engine:
    """The engine of ``url``; ``urgent``: the alarm path's own small pool (see
    :meth:`ServerStore.read`)."""
    parsed = _parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            parsed,
            connect_args={"timeout": 30, "check_same_thread": False},
            pool_size=URGENT_CONNECTIONS if urgent else 8,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
            # We issue BEGIN ourselves (below) so that writers can use BEGIN IMMEDIATE.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_WRITE_WAIT * 1000:.0f}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Connection) -> None:
            immediate = conn.get_execution_options().get("sqlite_immediate", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    if urgent:
        return sa.create_engine(
            parsed, pool_size=URGENT_CONNECTIONS, max_overflow=0, pool_pre_ping=True
        )
    return sa.create_engine(parsed, pool_size=10, max_overflow=10, pool_pre_ping=True)


def _alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    if head is None:
        raise DatabaseError("the server has no migrations")
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine) -> str:
    """Bring the schema to the newest revision and make sure an epoch exists; return the head."""
    head = head_revision()
    current = current_revision(engine)
    if current is not None and current != head:
        known = {
            s.revision for s in ScriptDirectory.from_config(_alembic_config()).walk_revisions()
        }
        if current not in known:
            raise DatabaseError(
                f"the database schema ({current}) is newer than this server; upgrade the server"
            )
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
    with engine.begin() as conn:
        epoch = conn.execute(
            sa.select(schema.server_meta.c.value).where(schema.server_meta.c.key == "epoch")
        ).scalar()
        if epoch is None:
            conn.execute(
                sa.insert(schema.server_meta).values(key="epoch", value=secrets.token_hex(16))
            )
    return head


_Processor = Callable[[Any], Any] | None
_Insert = tuple[str, list[tuple[str, _Processor]]]
_INSERTS: dict[tuple[str, str, tuple[str, ...]], _Insert] = {}
_NAMED = re.compile(r"%\((\w+)\)s")


class JSONText(str):
    """A value of a JSON column already written as JSON text (compact, by the caller), which
    :class:`PreparedInsert` stores as it is instead of encoding it again: a push writes a
    few thousand follow-up events whose text it builds once for their change-log payload
    too. Only for JSON columns (elsewhere it is a plain string)."""

    __slots__ = ()


def _json_processor(proc: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A JSON column's bind processor that passes :class:`JSONText` through as text (SQLite
    stores JSON as text; PostgreSQL casts the text parameter with ``::JSON``)."""

    def process(value: Any) -> Any:
        if value.__class__ is JSONText:
            return str.__str__(value)
        return proc(value)

    return process


def _sqlite_utc_text(value: datetime | None) -> str | None:
    """What UTCDateTime and SQLite's DATETIME make of an aware datetime (the UTC moment as
    ``YYYY-MM-DD HH:MM:SS.ffffff``), in one step: a push binds a few thousand deadlines.
    tests/server/test_bulk_insert.py holds it equal to SQLAlchemy's own processors."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the database")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _processor(column: sa.Column[Any], dialect: sa.Dialect) -> _Processor:
    """The column's bind processor; for a datetime one that remembers its last answers (the
    rows of one push carry the same few moments: its ``now`` on most of them); for JSON one
    that takes :class:`JSONText` as it is."""
    proc = column.type.dialect_impl(dialect).bind_processor(dialect)
    impl = getattr(column.type, "impl", column.type)  # a TypeDecorator's (UTCDateTime)
    if proc is not None and isinstance(impl, sa.JSON):
        return _json_processor(proc)
    if proc is None or not isinstance(impl, sa.DateTime):
        return proc
    convert = proc
    if isinstance(column.type, schema.UTCDateTime) and dialect.name == "sqlite":
        convert = _sqlite_utc_text
    memo: dict[Any, Any] = {}

    def remembered(value: Any) -> Any:
        try:
            return memo[value]
        except KeyError:
            if len(memo) > 64:
                memo.clear()
            found = memo[value] = convert(value)
            return found

    return remembered


def _compiled_insert(dialect: sa.Dialect, table: sa.Table, keys: tuple[str, ...]) -> _Insert:
    """The driver-level INSERT of ``keys`` into ``table`` with positional parameters, and per
    parameter (in the statement's order) its key and the column's bind processor; compiled
    once per dialect, table and keys."""
    cache_key = (dialect.name, table.name, keys)
    found = _INSERTS.get(cache_key)
    if found is not None:
        return found
    compiled = sa.insert(table).compile(dialect=dialect, column_keys=list(keys))
    sql = compiled.string
    if dialect.paramstyle == "pyformat":  # psycopg: %(name)s::TYPE -> %s::TYPE
        names = _NAMED.findall(sql)
        sql = _NAMED.sub("%s", sql)
    elif dialect.paramstyle == "qmark":  # sqlite
        names = list(compiled.positiontup or ())
    else:
        raise DatabaseError(f"unexpected parameter style {dialect.paramstyle}")
    if sorted(names) != sorted(keys):
        raise DatabaseError(f"cannot compile a bulk insert into {table.name}")
    columns = [(k, _processor(table.c[k], dialect)) for k in names]
    found = _INSERTS[cache_key] = (sql, columns)
    return found


class PreparedInsert:
    """Rows of one table made ready for the driver (bind processors applied) ahead of the
    moment they are inserted, e.g. before a lock is taken; :meth:`run` inserts them."""

    def __init__(self, dialect: sa.Dialect, table: sa.Table, rows: Sequence[Mapping[str, Any]]):
        self.sql = ""
        self.keys: list[str] = []
        self.params: list[tuple[Any, ...]] = []
        self.copy_sql: str | None = None
        if not rows:
            return
        self.sql, columns = _compiled_insert(dialect, table, tuple(rows[0]))
        self.keys = [k for k, _ in columns]
        self.params = [
            tuple(row[k] if proc is None else proc(row[k]) for k, proc in columns) for row in rows
        ]

    @classmethod
    def ready(
        cls,
        dialect: sa.Dialect,
        table: sa.Table,
        keys: tuple[str, ...],
        params: list[tuple[Any, ...]],
    ) -> PreparedInsert:
        """Rows already in driver form, each a tuple of ``keys``' values in that order, which
        must be the table's column order (as the compiled statement binds them)."""
        made = cls(dialect, table, ())
        if not params:
            return made
        made.sql, columns = _compiled_insert(dialect, table, keys)
        made.keys = [k for k, _ in columns]
        if tuple(made.keys) != keys:
            raise DatabaseError(f"{table.name}: give the values in the statement's order")
        made.params = params
        if dialect.name == "postgresql":
            made.copy_sql = f"COPY {table.name} ({', '.join(keys)}) FROM STDIN"
        return made

    @staticmethod
    def processors(
        dialect: sa.Dialect, table: sa.Table, keys: tuple[str, ...]
    ) -> dict[str, _Processor]:
        """The bind processor of each of ``keys`` as :meth:`ready`'s statement applies none:
        the caller turns its values into driver form with these (or knows the form)."""
        return dict(_compiled_insert(dialect, table, keys)[1])

    def run(self, conn: Connection) -> None:
        if not self.params:
            return
        if self.copy_sql is not None and len(self.params) >= COPY_FROM_ROWS:
            _copy_rows(conn, self.copy_sql, self.params)
        else:
            conn.exec_driver_sql(self.sql, self.params)


#: From how many rows :meth:`PreparedInsert.run` sends rows in driver form to PostgreSQL with
#: COPY rather than an ``executemany``: psycopg's pipelined executemany costs ~30 us of Python
#: per row (a statement each), COPY streams them; COPY appends in the order given, so a
#: ``changes.seq`` drawn per row still follows the list.
COPY_FROM_ROWS = 20


def _copy_rows(conn: Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """``COPY ... FROM STDIN`` of ``rows`` in ``conn``'s transaction (PostgreSQL). A database
    error is raised as SQLAlchemy raises it for a statement (IntegrityError, OperationalError
    with the driver's error as ``orig``), as the push's retries expect."""
    import psycopg

    raw = conn.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    try:
        with raw.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    except psycopg.Error as exc:
        raise sa.exc.DBAPIError.instance(sql, None, exc, psycopg.Error) from exc


def bulk_insert(conn: Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys, Python values as for ``sa.insert``) with one
    driver ``executemany`` of a statement compiled once: each value goes through its column's
    own bind processor (UUIDs, UTC datetimes, JSON stored exactly as SQLAlchemy stores them)
    without SQLAlchemy's per-row parameter handling. Rows are inserted in list order, so
    ``changes.seq`` follows it."""
    PreparedInsert(conn.dialect, table, rows).run(conn)


class WriterTurn:
    """One writer at a time; an urgent writer goes before every ordinary one still waiting
    (the ordinary ones among themselves in no set order, as with SQLite's own lock)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._busy = False
        self._urgent_waiting = 0

    def acquire(self, urgent: bool, timeout: float) -> bool:
        """Wait for the turn (at most ``timeout`` seconds); False when it did not come."""
        deadline = time.monotonic() + timeout
        with self._changed:
            if urgent:
                self._urgent_waiting += 1
            try:
                while self._busy or (not urgent and self._urgent_waiting):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    self._changed.wait(left)
                self._busy = True
                return True
            finally:
                if urgent:
                    self._urgent_waiting -= 1

    def release(self) -> None:
        with self._changed:
            self._busy = False
            self._changed.notify_all()


class ServerStore:
    """One server database. Thread-safe: routes run in FastAPI's thread pool."""

    def __init__(self, url: str, *, run_migrations: bool = True) -> None:
        parsed = _parse_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
            # Two pools (below) and many threads: each connection would have its own database.
            raise DatabaseError(
                "the server needs a database file (sqlite:///FILE) or PostgreSQL, "
                "not an in-memory SQLite database"
            )
        self.url = url
        self.engine = create_db_engine(url)
        # The alarm path's own pool: a storm of other requests (every station pushing and
        # pulling after the server was away) may hold every connection of the main one for
        # seconds; the alarm never waits for one of those.
        self.urgent_engine = create_db_engine(url, urgent=True)
        self.backend: str = self.engine.dialect.name
        self._writer = WriterTurn()
        if run_migrations:
            migrate(self.engine)
        elif current_revision(self.engine) != head_revision():
            raise DatabaseError("the database is not migrated: run `veiligbalie-server migrate`")
        # Through the alarm's pool: its first connection is open before the first alarm
        # (on SQLite that lets the first raise read on the loop, see reads_inline).
        with self.read(urgent=True) as conn:
            epoch = conn.execute(
                sa.select(schema.server_meta.c.value).where(schema.server_meta.c.key == "epoch")
            ).scalar()
        if epoch is None:
            raise DatabaseError("the database has no epoch")
        self.epoch: str = epoch

    def reads_inline(self) -> bool:
        """Whether a short read of the alarm path may run on the event loop itself: SQLite
        (a local file; in WAL mode a reader never waits for a writer) with an idle
        connection in the alarm's pool, so that taking one cannot block."""
        if self.backend != "sqlite":
            return False
        checkedin = getattr(self.urgent_engine.pool, "checkedin", None)
        return callable(checkedin) and int(checkedin()) > 0

    @contextmanager
    def read(self, *, urgent: bool = False) -> Iterator[Connection]:
        """A read transaction (one snapshot on SQLite); ``urgent=True`` for the alarm's own
        reads (its own pool, :attr:`urgent_engine`)."""
        engine = self.urgent_engine if urgent else self.engine
        with engine.connect() as conn, conn.begin():
            yield conn

    async def read_urgently(self, fn: Callable[..., _T], *args: Any) -> _T:
        """``fn(conn, *args)`` in a read transaction of the alarm's own pool, on the alarm's
        own worker threads (:func:`in_urgent_thread`): from the event loop, never behind the
        other routes' work."""

        def read() -> _T:
            with self.read(urgent=True) as conn:
                return fn(conn, *args)

        return await in_urgent_thread(read)

    @contextmanager
    def write(self, *, log: bool = False, urgent: bool = False) -> Iterator[Connection]:
        """A write transaction; ``log=True`` when it may append to the change log;
        ``urgent=True`` for the alarm's own writes (its own pool, :attr:`urgent_engine`).

        On SQLite the writers of this process take their turn (:class:`WriterTurn`) before
        ``BEGIN IMMEDIATE``: SQLite's busy handler makes a waiting writer sleep in steps of
        up to 100 ms and try again, so with many writers at once (every station pushing
        after the server was away) the database stood idle between them; a waiter starts
        the moment the writer before it ends, and an urgent one before every ordinary one
        that waits (an alarm raised while fifty stations push waits for one push, not for
        all of them). Another process (the command line, a backup) still meets the busy
        handler as before."""
        if self.backend == "sqlite":
            if not self._writer.acquire(urgent, SQLITE_WRITE_WAIT):
                raise sa.exc.OperationalError(
                    "BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked")
                )
            try:
                with (self.urgent_engine if urgent else self.engine).connect() as conn:
                    conn = conn.execution_options(sqlite_immediate=True)
                    with conn.begin():
                        yield conn
            finally:
                self._writer.release()
            return
        with (self.urgent_engine if urgent else self.engine).connect() as conn, conn.begin():
            if log:
                self.lock_change_log(conn)
            yield conn

    def lock_change_log(self, conn: Connection) -> None:
        """Take the change-log lock in ``conn``'s write transaction, held until it ends: a
        transaction appends to ``changes`` only while it holds it (see the module docstring).
        On SQLite the write transaction itself (``BEGIN IMMEDIATE``) is that lock."""
        if self.backend == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHANGE_LOG_LOCK_KEY})

    def rotate_epoch(self) -> str:
        """Give the database a new epoch, after restoring it from a backup.

        A restored database may lack changes that clients already saw as sent; a new epoch
        makes every client upload what it has again (the server applies each once) and pull
        from the start, so nothing is silently lost. Run with the server stopped.
        """
        epoch = secrets.token_hex(16)
        with self.write(log=True) as conn:
            conn.execute(
                sa.update(schema.server_meta)
                .where(schema.server_meta.c.key == "epoch")
                .values(value=epoch)
            )
        self.epoch = epoch
        return epoch

    def max_seq(self, conn: Connection) -> int:
        return int(conn.execute(sa.select(sa.func.max(schema.changes.c.seq))).scalar() or 0)

    def close(self) -> None:
        self.engine.dispose()
        self.urgent_engine.dispose()
