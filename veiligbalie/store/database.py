"""The local SQLite database: opening (with PRAGMAs and in-process Alembic migration),
sessions, and the BEGIN IMMEDIATE write transaction that serialises writers across processes."""

from __future__ import annotations

import logging
import re
import sqlite3
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, closing, contextmanager
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import (
    Column,
    CompoundSelect,
    Connection,
    CursorResult,
    Engine,
    Executable,
    Row,
    Select,
    Table,
    bindparam,
    create_engine,
    event,
    select,
)
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.exc import DBAPIError

from veiligbalie import paths
from veiligbalie.core.ids import uuid7
from veiligbalie.store import checkpoint, device, search_index
from veiligbalie.store.schema import meta

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
DEVICE_ID_KEY = device.DEVICE_ID_KEY
BUSY_TIMEOUT_MS = 10_000
#: Connection execution option read by the ``begin`` hook: which BEGIN to emit.
_BEGIN_OPTION = "veiligbalie_begin"


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer VeiligBalie; it is left untouched."""

    def __init__(self, path: Path, revision: str) -> None:
        super().__init__(
            f"The database {path} was written by a newer version of VeiligBalie "
            f"(schema revision {revision!r}, unknown to this version). It has not been "
            "changed. Install the newer VeiligBalie again, or open a different data folder."
        )
        self.path = path
        self.revision = revision


class NotADatabaseError(RuntimeError):
    """The file at the database path is not a SQLite database; it is left untouched."""


def alembic_config() -> Config:
    """A programmatic Alembic configuration pointing at the migrations inside the package."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    return cfg


_REVISION = re.compile(r"^revision(?:\s*:[^=]+)?\s*=\s*[\"']([^\"']+)[\"']", re.M)
_DOWN_REVISION = re.compile(
    r"^down_revision(?:\s*:[^=]+)?\s*=\s*(?:[\"']([^\"']+)[\"']|None)", re.M
)


@lru_cache(maxsize=1)
def _script_revisions() -> tuple[str, frozenset[str]]:
    """The head revision of this code and every revision it knows (read once per process).

    Read straight from the migration files rather than through Alembic: importing Alembic
    costs a noticeable part of the client's start-up, and every normal start only needs to
    compare one revision string. Alembic is loaded when a migration really has to run; a
    test checks that this reading agrees with Alembic's own.
    """
    known: set[str] = set()
    parents: set[str] = set()
    for file in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        text = file.read_text(encoding="utf-8")
        revision = _REVISION.search(text)
        if revision is None:
            continue
        known.add(revision.group(1))
        down = _DOWN_REVISION.search(text)
        if down is not None and down.group(1):
            parents.add(down.group(1))
    heads = known - parents
    if len(heads) != 1:
        raise RuntimeError(f"the local store migrations have {len(heads)} heads, expected one")
    return next(iter(heads)), frozenset(known)


def head_revision() -> str:
    return _script_revisions()[0]


def _peek_revision(path: Path) -> str | None:
    """The Alembic revision stored in ``path``, read without writing anything to the file."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as conn:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            has_table = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
            if not has_table:
                return None
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            return row[0] if row else None
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc) or "malformed" in str(exc):
            raise NotADatabaseError(
                f"The file {path} is not a VeiligBalie database (or it is damaged). "
                "It has not been changed."
            ) from exc
        raise


def _current_revision(conn: Connection) -> str | None:
    has_table = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).first()
    if not has_table:
        return None
    return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def _make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite+pysqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module: it would skip BEGIN for
        # SELECT and DDL, and it cannot emit BEGIN IMMEDIATE. The "begin" hook does it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            # busy_timeout first: switching to WAL may itself have to wait for a lock.
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA foreign_keys = ON")
            # Checkpoints run on a thread of their own (store.checkpoint), not in a commit.
            cursor.execute(f"PRAGMA wal_autocheckpoint = {checkpoint.FALLBACK_PAGES}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


class Session:
    """One transaction on the local store, as the store's code uses it: ``execute`` and
    ``connection()``. A plain Core connection underneath: the client maps no classes, so
    it does not import SQLAlchemy's ORM (about a tenth of the services' start-up)."""

    __slots__ = ("_conn",)

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def connection(self) -> Connection:
        return self._conn

    def execute(self, statement: Executable, parameters: Any = None) -> CursorResult[Any]:
        return self._conn.execute(statement, parameters)


@contextmanager
def _transaction(engine: Engine) -> Iterator[Session]:
    """A transaction on ``engine`` (its execution options pick which BEGIN is emitted):
    commit on success, rollback on error."""
    with engine.connect() as conn:
        transaction = conn.begin()
        try:
            yield Session(conn)
        except BaseException:
            transaction.rollback()
            raise
        transaction.commit()


_T = TypeVar("_T")

_DIALECT = SQLiteDialect_pysqlite()  # the engine's dialect (sqlite+pysqlite)


class PreparedInsert:
    """An INSERT of fixed columns of ``table``, compiled once: its SQL text and, per column,
    the bind processor of the column's type (the conversions Core applies: UUIDs to text,
    instants to UTC text, JSON to text). It runs straight on the sqlite3 connection of a
    transaction from :meth:`Database.write_connection`, without SQLAlchemy's per-statement
    work (result set-up, events, cache lookup) on hot write paths. Columns left out get
    their server defaults, as with Core (the store's tables have no Python-side defaults;
    a test checks that)."""

    def __init__(
        self, table: Table, columns: Sequence[str], conflict_do_nothing: Sequence[str] = ()
    ) -> None:
        self.table = table
        self.columns = tuple(columns)
        #: ``ON CONFLICT (these columns) DO NOTHING``: a row already stored stays as it is.
        self.conflict_do_nothing = tuple(conflict_do_nothing)

    @cached_property
    def _compiled(self) -> tuple[str, list[tuple[str, Any]]]:
        # Compiled on first use, not at import (start-up time).
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        values: dict[str, Any] = {name: bindparam(name) for name in self.columns}
        stmt = sqlite_insert(self.table).values(values)
        if self.conflict_do_nothing:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(self.conflict_do_nothing))
        compiled = stmt.compile(dialect=_DIALECT)
        order = compiled.positiontup or []
        if sorted(order) != sorted(self.columns):
            raise ValueError(f"cannot prepare an insert into {self.table.name} of {self.columns}")
        # Per column, its type's bind processor (None: the value goes as it is).
        processors: list[tuple[str, Any]] = [
            (name, self.table.c[name].type.dialect_impl(_DIALECT).bind_processor(_DIALECT))
            for name in order
        ]
        return compiled.string, processors

    @property
    def sql(self) -> str:
        return self._compiled[0]

    def params(self, row: Mapping[str, Any]) -> tuple[Any, ...]:
        """The row's values in statement order, converted as Core converts them."""
        return tuple(
            row[name] if process is None else process(row[name])
            for name, process in self._compiled[1]
        )

    def execute(self, conn: Connection, row: Mapping[str, Any]) -> int:
        """Insert ``row`` (exactly the prepared columns) inside ``conn``'s transaction;
        returns the new row's rowid."""
        sql, _ = self._compiled
        return int(run(conn, sql, self.params(row)).lastrowid or 0)

    def execute_many(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert ``rows`` (each exactly the prepared columns) inside ``conn``'s transaction,
        in one ``executemany``."""
        sql, _ = self._compiled
        run(conn, sql, [self.params(row) for row in rows], many=True)


def run(
    conn: Connection, sql: str, params: Sequence[Any] = (), *, many: bool = False
) -> sqlite3.Cursor:
    """Run ``sql`` (``?`` parameters, already converted) on the sqlite3 connection under
    ``conn``, inside the same transaction; ``many``: ``params`` is a list of rows, run with
    one ``executemany``. Errors are raised as SQLAlchemy raises them (IntegrityError,
    OperationalError, ... wrapping the sqlite3 error), as from Core."""
    raw = conn.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    try:
        return raw.executemany(sql, params) if many else raw.execute(sql, params)
    except sqlite3.Error as exc:
        raise DBAPIError.instance(sql, params, exc, sqlite3.Error) from exc


class Database:
    """One open local database file. Create with :meth:`open`."""

    def __init__(self, path: Path, engine: Engine, device_id: uuid.UUID) -> None:
        self.path = path
        self.engine = engine
        self.device_id = device_id
        # Connections from this engine start their transaction with BEGIN IMMEDIATE: the
        # write lock is taken up front, so two writers queue (busy_timeout) instead of
        # one failing on lock upgrade.
        self._write_engine = engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
        # Its thread also makes the search entries of new reports when the store is idle.
        self.checkpointer = checkpoint.Checkpointer(path, BUSY_TIMEOUT_MS, search_index.index_while)
        event.listen(engine, "commit", self._committed)

    def _committed(self, _conn: Connection) -> None:
        self.checkpointer.nudge()

    def fetch_all(
        self, query: Select[Any] | CompoundSelect[Any], convert: Callable[[Row[Any]], _T]
    ) -> list[_T]:
        """Every row of ``query``, each turned into a record by ``convert``."""
        with self.engine.connect() as conn:
            return [convert(row) for row in conn.execute(query)]

    def children(
        self,
        table: Table,
        parent: Column[Any],
        parent_id: uuid.UUID,
        when: Column[Any],
        convert: Callable[[Row[Any]], _T],
    ) -> list[_T]:
        """The rows of ``table`` that belong to one parent, oldest (``when``, then id) first."""
        query = select(table).where(parent == parent_id).order_by(when, table.c.id)
        return self.fetch_all(query, convert)

    @classmethod
    def open(cls, path: Path | None = None) -> Database:
        """Open (creating if needed) and migrate the database; refuse a newer schema."""
        path = Path(path) if path is not None else paths.database_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        head, known = _script_revisions()
        if path.exists() and path.stat().st_size > 0:
            stored = _peek_revision(path)
            if stored is not None and stored not in known:
                raise SchemaTooNewError(path, stored)
        engine = _make_engine(path)
        try:
            device_id = cls._prepare(engine, path, head, known)
        except BaseException:
            engine.dispose()
            raise
        return cls(path, engine, device_id)

    @staticmethod
    def _read_device_id(conn: Connection) -> uuid.UUID | None:
        value = conn.execute(select(meta.c.value).where(meta.c.key == DEVICE_ID_KEY)).scalar()
        return uuid.UUID(value) if value else None

    @classmethod
    def _prepare(cls, engine: Engine, path: Path, head: str, known: frozenset[str]) -> uuid.UUID:
        # Fast path (every normal start): already at head with a device id, in the place it
        # was made; no write lock.
        with engine.connect() as conn:
            home = device.home_of(path)  # the file exists now (connecting created it)
            if _current_revision(conn) == head:
                device_id = cls._read_device_id(conn)
                if device_id is not None and device.read(conn, device.HOME_KEY) == home:
                    return device_id
        # Slow path under the write lock; another process may be doing the same right now,
        # so everything is decided again inside the lock.
        with engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"}).connect() as conn:
            with conn.begin():
                current = _current_revision(conn)
                if current is not None and current not in known:
                    raise SchemaTooNewError(path, current)
                if current != head:
                    log.info("Migrating local database from %s to %s", current, head)
                    from alembic import command

                    cfg = alembic_config()
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, "head")
                device_id = cls._read_device_id(conn)
                recorded = device.read(conn, device.HOME_KEY)
                if device_id is None:
                    device_id = uuid7()
                    conn.execute(meta.insert().values(key=DEVICE_ID_KEY, value=str(device_id)))
                elif recorded is not None and recorded != home:
                    # A copy (or a move) of the data folder: the original may still push
                    # under this id. Take a new one before anything is sent.
                    old, device_id = device.rekey(conn)
                    log.warning(
                        "The data folder %s was copied or moved (another machine, path or "
                        "file): device id %s replaced by %s before the next push",
                        path.parent,
                        old,
                        device_id,
                    )
                if recorded != home:
                    device.write(conn, device.HOME_KEY, home)
        return device_id

    def rekey(self, reason: str, new_id: uuid.UUID | None = None) -> uuid.UUID | None:
        """Take a new device id (``new_id``, or a fresh one) and renumber the outbox under it;
        see :func:`veiligbalie.store.device.rekey`. Returns the old id."""
        with self.write() as session:
            old, new = device.rekey(session.connection(), new_id)
        self.device_id = new
        log.warning("Device id %s replaced by %s: %s", old, new, reason)
        return old

    def session(self) -> AbstractContextManager[Session]:
        """A session in a deferred transaction: commit on success, rollback on error.

        Use :meth:`write` for anything that writes; a deferred transaction that starts
        reading and then writes can fail with "database is locked" under contention.
        """
        return _transaction(self.engine)

    def write(self) -> AbstractContextManager[Session]:
        """A BEGIN IMMEDIATE transaction: commit on success (durable), rollback on error."""
        return _transaction(self._write_engine)

    def write_connection(self) -> AbstractContextManager[Connection]:
        """Like :meth:`write` on a Core connection without an ORM session, for hot write
        paths (saving a report): BEGIN IMMEDIATE, commit on success (durable), rollback on
        error."""
        return self._write_engine.begin()

    def close(self) -> None:
        self.checkpointer.close()
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
