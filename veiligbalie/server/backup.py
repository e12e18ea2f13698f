"""``admin backup``, ``admin restore`` and ``admin migrate-database`` of ``veiligbalie-server``.

A backup is one folder: the database (``database.sqlite3``, a consistent online copy made
with SQLite's backup API while the server runs; or ``database.pgdump`` from ``pg_dump`` in
the same snapshot the row counts were taken in), the attachments (``files/``, stored under
their SHA-256 like the server keeps them, each checked while copied; the logo is a column of
``organisations``) and ``manifest.json`` with the schema revision, the epoch, the row count of
every table and the size and SHA-256 of every file.

Restoring puts the database and the files back and gives the database a NEW epoch: what was
saved after the backup exists only on the workstations, and the new epoch makes each of them
upload everything it holds again (the server applies each change once) and pull from the
start, so nothing is silently dropped (DESIGN: the server's epoch).

Moving a database (SQLite to PostgreSQL) creates the schema on the empty target with the
migrations, copies every table in foreign-key order in batches in one transaction, sets the
identity sequences past the highest number used, keeps the epoch (nothing is lost, so the
clients go on where they were) and compares the row count of every table at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, make_url

import veiligbalie
from veiligbalie.server import audit, schema
from veiligbalie.server.review import stored_path
from veiligbalie.server.store import (
    PID_NAME,
    DatabaseError,
    ServerStore,
    create_db_engine,
    current_revision,
    default_files_dir,
    migrate,
    running_server,
    server_data_dir,
)

MANIFEST = "manifest.json"
SQLITE_NAME = "database.sqlite3"
PGDUMP_NAME = "database.pgdump"
FILES_NAME = "files"
FORMAT = 1
BATCH_DEFAULT = 1000
_CHUNK = 1024 * 1024

Say = Callable[[str], None]


class BackupError(Exception):
    """A backup, restore or move that cannot be done: one line for the person at the keyboard."""


# --- small helpers ----------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_checked(source: Path, dest: Path, sha256: str) -> int:
    """Copy ``source`` to ``dest`` (through a temporary name), checking the bytes hash to
    ``sha256``; return the size. Raises BackupError when they do not."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    digest = hashlib.sha256()
    size = 0
    with open(source, "rb") as src, open(partial, "wb") as out:
        while chunk := src.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
        out.flush()
        os.fsync(out.fileno())
    if digest.hexdigest() != sha256:
        partial.unlink()
        raise BackupError(f"{source} is damaged: its content does not match its SHA-256")
    os.replace(partial, dest)
    return size


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("an in-memory database cannot be backed up or restored")
    return Path(parsed.database).expanduser().resolve()


def _libpq_url(url: str) -> str:
    """The URL for pg_dump/pg_restore (libpq does not know ``+psycopg``)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def table_counts(conn: Connection) -> dict[str, int]:
    """Rows per table of the server's schema, in foreign-key order."""
    return {
        table.name: int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
        for table in schema.metadata.sorted_tables
    }


def _meta(conn: Connection) -> tuple[str, str]:
    epoch = conn.execute(
        sa.select(schema.server_meta.c.value).where(schema.server_meta.c.key == "epoch")
    ).scalar()
    revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    return str(epoch or ""), str(revision or "")


def stored_files(folder: Path) -> list[tuple[str, Path]]:
    """(sha256, path) of every attachment in a files folder (``ab/abcdef…``)."""
    found: list[tuple[str, Path]] = []
    if not folder.is_dir():
        return found
    for prefix in sorted(folder.iterdir()):
        if not prefix.is_dir() or len(prefix.name) != 2:
            continue  # the incoming/ folder of uploads in progress, anything else
        for path in sorted(prefix.iterdir()):
            name = path.name
            if path.is_file() and len(name) == 64 and name.startswith(prefix.name):
                found.append((name, path))
    return found


def _copy_files(
    source: Path, dest: Path, referenced: set[str], say: Say
) -> tuple[list[dict[str, Any]], list[str]]:
    """Copy (checked) every attachment of ``source`` into ``dest``; return the manifest
    entries and the referenced files that were not found."""
    entries = []
    for sha, path in stored_files(source):
        size = _copy_checked(path, stored_path(dest, sha), sha)
        entries.append({"sha256": sha, "size": size})
    present = {e["sha256"] for e in entries}
    missing = sorted(referenced - present)
    for sha in missing:
        say(f"warning: attachment {sha} is listed in the database but not in {source}")
    return entries, missing


def _refuse_running(data_dir: str | None, what: str) -> None:
    pid = running_server(data_dir)
    if pid is not None:
        pid_file = server_data_dir(data_dir) / PID_NAME
        raise BackupError(
            f"a server (pid {pid}) is running on this data folder: stop it before {what} "
            f"(if none runs, remove {pid_file})"
        )


# --- backup -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupResult:
    folder: Path
    counts: dict[str, int]
    files: int
    bytes: int
    missing: list[str]
    seconds: float


def backup(store: ServerStore, files_dir: Path, dest: Path, say: Say = print) -> BackupResult:
    """Back the server's database and attachments up into the new folder ``dest`` while the
    server may keep running."""
    started = time.monotonic()
    dest = dest.expanduser().resolve()
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"{dest} exists and is not an empty folder: choose a new one")
    work = dest.with_name(dest.name + ".partial")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "server_version": veiligbalie.__version__,
        "backend": store.backend,
    }
    if store.backend == "sqlite":
        counts, epoch, revision = _backup_sqlite(store.url, work / SQLITE_NAME)
        manifest["database"] = {
            "file": SQLITE_NAME,
            "sha256": _sha256_file(work / SQLITE_NAME),
            "size": (work / SQLITE_NAME).stat().st_size,
        }
    else:
        counts, epoch, revision = _backup_postgresql(store, work / PGDUMP_NAME)
        manifest["database"] = {
            "file": PGDUMP_NAME,
            "sha256": _sha256_file(work / PGDUMP_NAME),
            "size": (work / PGDUMP_NAME).stat().st_size,
        }
    referenced = _referenced_files(work, store.backend, store)
    entries, missing = _copy_files(files_dir, work / FILES_NAME, referenced, say)
    manifest.update(
        epoch=epoch,
        schema_revision=revision,
        counts=counts,
        has_logo=referenced_logo(store),
        files=entries,
        missing_files=missing,
    )
    (work / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    if dest.exists():
        dest.rmdir()  # empty (checked above)
    os.replace(work, dest)
    total = sum(int(e["size"]) for e in entries)
    with store.write() as conn:
        audit.record_database(
            conn,
            "database.backup_made",
            f"backup in {dest}: {counts.get('incidents', 0)} report(s), {len(entries)} "
            f"attachment(s), epoch {epoch}",
        )
    return BackupResult(dest, counts, len(entries), total, missing, time.monotonic() - started)


def _backup_sqlite(url: str, target: Path) -> tuple[dict[str, int], str, str]:
    source_file = _sqlite_file(url)
    assert source_file is not None
    if not source_file.exists():
        raise BackupError(f"there is no database at {source_file}")
    # SQLite's online backup: a consistent copy of one moment, while the server writes on.
    src = sqlite3.connect(str(source_file), timeout=30)
    dst = sqlite3.connect(str(target))
    try:
        src.execute("PRAGMA busy_timeout=30000")
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        dst.close()
        src.close()
    engine = _plain_sqlite(target)
    try:
        with engine.connect() as conn, conn.begin():
            counts = table_counts(conn)
            epoch, revision = _meta(conn)
    finally:
        engine.dispose()
    return counts, epoch, revision


def _plain_sqlite(path: Path) -> Engine:
    """An engine on a backup's SQLite file that leaves its journal mode alone."""
    return sa.create_engine(f"sqlite:///{path}", poolclass=sa.pool.NullPool)


def _backup_postgresql(store: ServerStore, target: Path) -> tuple[dict[str, int], str, str]:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError(
            "pg_dump is not installed here. Back PostgreSQL up with: pg_dump --format=custom "
            f"--file={target.name} '{_safe(_libpq_url(store.url))}' and copy the files folder "
            "(see the README, Deployment > Backups)"
        )
    # The counts and the dump see the same snapshot: pg_dump --snapshot of this transaction.
    with store.engine.connect() as plain:
        conn = plain.execution_options(isolation_level="REPEATABLE READ")
        conn.begin()
        snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
        counts = table_counts(conn)
        epoch, revision = _meta(conn)
        result = subprocess.run(
            [
                pg_dump,
                "--format=custom",
                "--no-owner",
                f"--snapshot={snapshot}",
                f"--file={target}",
                f"--dbname={_libpq_url(store.url)}",
            ],
            capture_output=True,
            text=True,
        )
        conn.rollback()
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip().splitlines()[-1:]}")
    return counts, epoch, revision


def _referenced_files(work: Path, backend: str, store: ServerStore) -> set[str]:
    if backend == "sqlite":
        engine = _plain_sqlite(work / SQLITE_NAME)
        try:
            with engine.connect() as conn:
                return set(conn.execute(sa.select(schema.attachment_uploads.c.sha256)).scalars())
        finally:
            engine.dispose()
    with store.read() as conn:
        return set(conn.execute(sa.select(schema.attachment_uploads.c.sha256)).scalars())


def referenced_logo(store: ServerStore) -> bool:
    with store.read() as conn:
        return bool(
            conn.execute(
                sa.select(sa.func.count())
                .select_from(schema.organisations)
                .where(schema.organisations.c.logo.is_not(None))
            ).scalar_one()
        )


# --- restore ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreResult:
    counts: dict[str, int]
    files: int
    old_epoch: str
    new_epoch: str
    seconds: float


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{folder} is not a VeiligBalie backup (no {MANIFEST})") from None
    except (OSError, ValueError) as exc:
        raise BackupError(f"cannot read {path}: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: not a backup this server can read")
    return manifest


def _has_data(engine: Engine) -> bool:
    names = set(sa.inspect(engine).get_table_names())
    with engine.connect() as conn:
        for table in schema.metadata.sorted_tables:
            if table.name in names and table is not schema.server_meta:
                if conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first():
                    return True
    return False


def restore(
    folder: Path,
    url: str,
    files_dir: Path,
    *,
    force: bool,
    data_dir: str | None,
    say: Say = print,
) -> RestoreResult:
    """Put the backup in ``folder`` back into the database ``url`` and ``files_dir`` and
    give the database a new epoch. Refuses while a server runs on the data folder, and over a
    database that holds data unless ``force``."""
    started = time.monotonic()
    _refuse_running(data_dir, "restoring")
    folder = folder.expanduser().resolve()
    manifest = read_manifest(folder)
    backend = make_url(url).get_backend_name()
    if backend != manifest.get("backend"):
        raise BackupError(
            f"the backup is of a {manifest.get('backend')} database, the target is {backend}: "
            "restore it to the same kind, then `admin migrate-database`"
        )
    dump = folder / str(manifest["database"]["file"])
    if not dump.is_file() or _sha256_file(dump) != manifest["database"]["sha256"]:
        raise BackupError(f"{dump} is missing or damaged (its SHA-256 differs from the manifest)")
    for entry in manifest.get("files", []):
        path = stored_path(folder / FILES_NAME, str(entry["sha256"]))
        if not path.is_file() or path.stat().st_size != int(entry["size"]):
            raise BackupError(f"the backup's file {path} is missing or has another size")
    origin = (
        f"restored from the backup in {folder} made {manifest.get('created_at', '?')} "
        f"(epoch {manifest.get('epoch', '?')})"
    )
    if backend == "sqlite":
        new_epoch = _restore_sqlite(dump, url, force=force, origin=origin)
    else:
        new_epoch = _restore_postgresql(dump, url, force=force, origin=origin)
    copied = 0
    for entry in manifest.get("files", []):
        sha = str(entry["sha256"])
        target = stored_path(files_dir, sha)
        if target.is_file() and target.stat().st_size == int(entry["size"]):
            if _sha256_file(target) == sha:
                continue
        _copy_checked(stored_path(folder / FILES_NAME, sha), target, sha)
        copied += 1
    say(f"{len(manifest.get('files', []))} attachment(s) in {files_dir} ({copied} copied)")
    return RestoreResult(
        dict(manifest.get("counts", {})),
        len(manifest.get("files", [])),
        str(manifest.get("epoch", "")),
        new_epoch,
        time.monotonic() - started,
    )


def _new_epoch(store: ServerStore, origin: str) -> str:
    """The restored database's new epoch, with the audit row that says where it came from
    (what the log held after the backup was made is not in it)."""
    new_epoch = store.rotate_epoch()
    with store.write() as conn:
        audit.record_database(conn, "database.restored", f"{origin}; new epoch {new_epoch}")
    return new_epoch


def _restore_sqlite(dump: Path, url: str, *, force: bool, origin: str) -> str:
    target = _sqlite_file(url)
    assert target is not None
    if target.exists():
        engine = create_db_engine(url)
        try:
            occupied = _has_data(engine)
        finally:
            engine.dispose()
        if occupied and not force:
            raise BackupError(
                f"{target} holds data: give --force to replace it with the backup "
                "(back it up first if it may still be needed)"
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    incoming = target.with_name(target.name + ".restoring")
    shutil.copyfile(dump, incoming)
    # Upgrade the restored copy to this server's schema and give it its new epoch before it
    # takes the database's place: a half-done restore never looks like a usable database.
    try:
        store = ServerStore(f"sqlite:///{incoming}")
    except DatabaseError as exc:  # e.g. a backup of a newer server
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{incoming}{suffix}").unlink(missing_ok=True)
        raise BackupError(f"the backup cannot be used by this server: {exc}") from None
    try:
        new_epoch = _new_epoch(store, origin)
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
        Path(f"{incoming}{suffix}").unlink(missing_ok=True)
    os.replace(incoming, target)
    return new_epoch


def _restore_postgresql(dump: Path, url: str, *, force: bool, origin: str) -> str:
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        raise BackupError(
            "pg_restore is not installed here. Restore with: pg_restore --no-owner --clean "
            f"--if-exists --dbname='{_safe(_libpq_url(url))}' {dump}, then "
            "`veiligbalie-server admin epoch rotate`"
        )
    engine = create_db_engine(url)
    try:
        occupied = _has_data(engine)
    finally:
        engine.dispose()
    if occupied and not force:
        raise BackupError(
            "the target database holds data: give --force to replace it with the backup"
        )
    result = subprocess.run(
        [
            pg_restore,
            "--no-owner",
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={_libpq_url(url)}",
            str(dump),
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()[-500:]}")
    try:
        store = ServerStore(url)
    except DatabaseError as exc:
        raise BackupError(f"the restored database cannot be used by this server: {exc}") from None
    try:
        return _new_epoch(store, origin)
    finally:
        store.close()


# --- migrate-database -------------------------------------------------------------------


@dataclass(frozen=True)
class MoveResult:
    source: dict[str, int]
    target: dict[str, int]
    rows: int
    seconds: float


def _sqlite_sequences(conn: Connection) -> dict[str, int]:
    try:
        rows = conn.exec_driver_sql("SELECT name, seq FROM sqlite_sequence").all()
    except sa.exc.OperationalError:
        return {}
    return {str(name): int(seq or 0) for name, seq in rows}


def _integer_key(table: sa.Table) -> sa.Column[Any] | None:
    keys = list(table.primary_key.columns)
    if len(keys) == 1 and isinstance(keys[0].type, sa.Integer | sa.BigInteger):
        return keys[0]
    return None


def move_database(
    source: ServerStore,
    target_url: str,
    *,
    batch: int = BATCH_DEFAULT,
    say: Say = print,
) -> MoveResult:
    """Copy every row of every table of ``source`` into the empty database ``target_url``
    (schema made there by the migrations); return the per-table counts of both."""
    started = time.monotonic()
    if make_url(target_url) == make_url(source.url):
        raise BackupError("the target is the database the server already uses")
    target = create_db_engine(target_url)
    try:
        try:
            occupied = _has_data(target)
        except sa.exc.OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else "unknown"
            raise BackupError(f"cannot open {_safe(target_url)}: {reason}") from None
        if occupied:
            raise BackupError(
                f"{_safe(target_url)} is not empty: move into a new, empty database only"
            )
        source_revision = current_revision(source.engine)
        head = migrate(target)
        if head != source_revision:
            raise BackupError(f"schema revisions differ (source {source_revision}, target {head})")
        rows = 0
        with source.read() as src, target.connect() as dst, dst.begin():
            sequences = _sqlite_sequences(src) if source.backend == "sqlite" else {}
            dst.execute(sa.delete(schema.server_meta))  # the epoch comes from the source
            for table in schema.metadata.sorted_tables:
                copied = _copy_table(src, dst, table, batch)
                rows += copied
                say(f"{table.name}: {copied} row(s)")
            if dst.dialect.name == "postgresql":
                _set_sequences(dst, sequences)
        with source.read() as src:
            before = table_counts(src)
        with target.connect() as dst:
            after = table_counts(dst)
        # Said in the new database's log, after the counts that compare it with the source.
        with target.begin() as dst:
            moved = f"moved from {_safe(source.url)}: {rows} row(s)"
            audit.record_database(dst, "database.moved", moved)
    finally:
        target.dispose()
    return MoveResult(before, after, rows, time.monotonic() - started)


def _copy_table(src: Connection, dst: Connection, table: sa.Table, batch: int) -> int:
    order = list(table.primary_key.columns) or list(table.columns)
    result = src.execution_options(yield_per=batch).execute(sa.select(table).order_by(*order))
    copied = 0
    for part in result.partitions(batch):
        dst.execute(sa.insert(table), [dict(row._mapping) for row in part])
        copied += len(part)
    return copied


def _set_sequences(dst: Connection, sqlite_sequences: dict[str, int]) -> None:
    """Identity columns continue after the highest number used (or ever used, on SQLite's
    AUTOINCREMENT), so a new row never takes a copied row's number."""
    for table in schema.metadata.sorted_tables:
        key = _integer_key(table)
        if key is None:
            continue
        sequence = dst.execute(
            sa.text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": key.name}
        ).scalar()
        if not sequence:
            continue
        highest = dst.execute(sa.select(sa.func.max(key))).scalar() or 0
        highest = max(int(highest), sqlite_sequences.get(table.name, 0))
        if highest > 0:
            dst.execute(sa.text("SELECT setval(:s, :v, true)"), {"s": sequence, "v": highest})


def copy_files(source: Path, dest: Path) -> int:
    """Copy (checked) the attachments of ``source`` that ``dest`` lacks; return how many."""
    if source.resolve() == dest.resolve():
        return 0
    copied = 0
    for sha, path in stored_files(source):
        target = stored_path(dest, sha)
        if target.is_file() and _sha256_file(target) == sha:
            continue
        _copy_checked(path, target, sha)
        copied += 1
    return copied


# --- the CLI ----------------------------------------------------------------------------


def _print_counts(counts: dict[str, int], other: dict[str, int] | None = None) -> None:
    """Every table with both counts (a move), or the tables that hold rows (a backup)."""
    width = max(len(name) for name in counts)
    for name, count in counts.items():
        if other is None:
            if count:
                print(f"  {name:<{width}}  {count:>9}")
        else:
            mark = "ok" if other.get(name) == count else "DIFFERS"
            print(f"  {name:<{width}}  {count:>9}  {other.get(name, 0):>9}  {mark}")


def _files_dir(args: argparse.Namespace, url: str) -> Path:
    if getattr(args, "files", None):
        return Path(args.files).expanduser().resolve()
    return default_files_dir(url, args.data_dir).resolve()


def _open(url: str) -> ServerStore:
    try:
        return ServerStore(url)
    except DatabaseError as exc:
        raise BackupError(str(exc)) from None
    except sa.exc.OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else "unknown"
        raise BackupError(f"cannot open the database {_safe(url)}: {reason}") from None


def _cmd_backup(args: argparse.Namespace, url: str) -> int:
    store = _open(url)
    try:
        result = backup(store, _files_dir(args, url), Path(args.to))
    finally:
        store.close()
    print(f"backup in {result.folder} ({store.backend}, {result.seconds:.1f} s):")
    _print_counts(result.counts)
    print(f"  attachments: {result.files} file(s), {result.bytes} bytes, checked")
    if result.missing:
        print(f"  {len(result.missing)} attachment(s) were missing on the server (see above)")
    return 0


def _cmd_restore(args: argparse.Namespace, url: str) -> int:
    result = restore(
        Path(args.source),
        url,
        _files_dir(args, url),
        force=args.force,
        data_dir=args.data_dir,
    )
    print(f"restored into {_safe(url)} ({result.seconds:.1f} s):")
    _print_counts(result.counts)
    print(f"epoch changed from {result.old_epoch} to {result.new_epoch}")
    print(
        "every workstation uploads what it holds again and pulls from the start at its next "
        "sync: what was saved after the backup comes back from the workstations"
    )
    return 0


def _cmd_migrate_database(args: argparse.Namespace, url: str) -> int:
    _refuse_running(args.data_dir, "moving its database")
    source_files = _files_dir(args, url)
    target_files = (
        Path(args.to_files).expanduser().resolve()
        if args.to_files
        else default_files_dir(args.to, args.data_dir).resolve()
    )
    store = _open(url)
    try:
        result = move_database(store, args.to, batch=args.batch, say=lambda _line: None)
        copied = copy_files(source_files, target_files)
    except sa.exc.SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise BackupError(
            f"the move failed, nothing was committed to the target: {reason}"
        ) from None
    finally:
        store.close()
    print(f"rows per table (source, target) after {result.seconds:.1f} s:")
    _print_counts(result.source, result.target)
    if result.source != result.target:
        print("veiligbalie-server: error: the counts differ", file=sys.stderr)
        return 1
    print(f"{result.rows} row(s) moved to {_safe(args.to)}; the epoch is unchanged")
    if copied:
        print(f"{copied} attachment(s) copied to {target_files}")
    else:
        print(f"attachments stay in {target_files}")
    print(
        "start the server on the new database: VEILIGBALIE_SERVER_DATABASE="
        f"{_safe(args.to)} (in server.env), and keep the old SQLite file as a backup"
    )
    return 0


def add_cli(
    areas: Any,
    parser_class: type,
    db_options: Callable[..., None],
    with_database: Callable[[Callable[[argparse.Namespace, str], int]], Any],
) -> None:
    """``admin backup``, ``admin restore`` and ``admin migrate-database``; ``with_database``
    (from the CLI) hands each the database URL and turns a BackupError into one line."""
    p = areas.add_parser(
        "backup",
        help="back the database and attachments up into a new folder (the server may run)",
        description="A consistent online copy of the database (SQLite: the backup API; "
        "PostgreSQL: pg_dump) with every attachment and a manifest of counts and checksums.",
    )
    db_options(p, nested=True)
    p.add_argument("--to", required=True, metavar="DIR", help="a new (or empty) folder")
    p.add_argument("--files", metavar="DIR", help="the server's attachments folder")
    p.set_defaults(func=with_database(_cmd_backup))

    p = areas.add_parser(
        "restore",
        help="put a backup back (server stopped) and rotate the epoch",
        description="Put a backup's database and attachments back and give the database a "
        "new epoch, so that the workstations upload what was saved after the backup again. "
        "Refuses while a server runs on the data folder.",
    )
    db_options(p, nested=True)
    p.add_argument("--from", dest="source", required=True, metavar="DIR", help="the backup")
    p.add_argument("--files", metavar="DIR", help="the server's attachments folder")
    p.add_argument("--force", action="store_true", help="replace a database that holds data")
    p.set_defaults(func=with_database(_cmd_restore))

    p = areas.add_parser(
        "migrate-database",
        help="move the database to another (empty) one, e.g. SQLite to PostgreSQL",
        description="Copy every row of every table into an empty database (server stopped), "
        "with the schema made there by the migrations, and compare the counts.",
    )
    db_options(p, nested=True)
    p.add_argument(
        "--to", required=True, metavar="URL", help="postgresql+psycopg://user:pw@host/db"
    )
    p.add_argument("--files", metavar="DIR", help="the attachments folder now")
    p.add_argument(
        "--to-files",
        metavar="DIR",
        help="the attachments folder for the new database (default: where the server will "
        "look for it with the new database; copied when it differs)",
    )
    p.add_argument("--batch", type=int, default=BATCH_DEFAULT, help="rows per insert")
    p.set_defaults(func=with_database(_cmd_migrate_database))
