"""The identity of this local database towards the server: its device id, where it lives,
and taking a new id ("re-keying") when the old one may be shared with a copy.

The server keeps its push records by ``(device_id, device_seq)``. A copied data folder, a
cloned disk image or a restored backup carries the same id and numbers its changes like the
original: both would push a different change as the same ``device_seq``. So beside the id
the store records its *home* (a hash of the machine's id, the database file's absolute path
and its inode); when the database opens somewhere else, it takes a new id before anything is
pushed. Copies the store cannot notice (a cloned virtual machine with the same machine id)
are caught by the server, which answers with a collision or a refusal; the sync engine then
re-keys the same way.
"""

from __future__ import annotations

import hashlib
import logging
import os
import platform
import sys
import uuid
from pathlib import Path

from sqlalchemy import Connection, select

from veiligbalie.core.ids import uuid7
from veiligbalie.store.schema import meta

log = logging.getLogger(__name__)

DEVICE_ID_KEY = "device_id"
HOME_KEY = "device_id.home"
PREVIOUS_KEY = "device_id.previous"
_MACHINE_ID_FILES = ("/etc/machine-id", "/var/lib/dbus/machine-id")


def machine_id() -> str:
    """This machine's own id where the platform has one (else its host name)."""
    for name in _MACHINE_ID_FILES:
        try:
            value = Path(name).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            continue
        if value:
            return value
    if sys.platform == "win32":
        try:
            import winreg

            with winreg.OpenKey(
                winreg.HKEY_LOCAL_MACHINE, r"SOFTWARE\Microsoft\Cryptography"
            ) as key:
                return str(winreg.QueryValueEx(key, "MachineGuid")[0])
        except OSError:
            pass
    return platform.node()


def home_of(path: Path) -> str:
    """Where the database at ``path`` lives: changes when the file is copied or moved."""
    resolved = Path(path).resolve()
    try:
        inode = os.stat(resolved).st_ino
    except OSError:
        inode = 0
    text = f"{machine_id()}\0{resolved}\0{inode}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def read(conn: Connection, key: str) -> str | None:
    return conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()


def write(conn: Connection, key: str, value: str) -> None:
    conn.exec_driver_sql(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def rekey(conn: Connection, new_id: uuid.UUID | None = None) -> tuple[uuid.UUID | None, uuid.UUID]:
    """Take a new device id (``new_id`` or a fresh one) and renumber the outbox from 1 in its
    order, inside the caller's write transaction. Returns (old id, new id).

    Every outbox row keeps its change id and state: pending ones are pushed again under the
    new id (the server stores each change once, by its change and entity ids), sent ones stay
    sent and are numbered anew for a later re-upload.
    """
    text = read(conn, DEVICE_ID_KEY)
    old = uuid.UUID(text) if text else None
    new = new_id or uuid7()
    # Two steps: negative first, so no new number meets an old one on the primary key.
    conn.exec_driver_sql("UPDATE outbox SET device_seq = -device_seq")
    conn.exec_driver_sql(
        "UPDATE outbox SET device_seq = m.n FROM ("
        "SELECT device_seq AS s, ROW_NUMBER() OVER (ORDER BY device_seq DESC) AS n FROM outbox"
        ") AS m WHERE outbox.device_seq = m.s"
    )
    # The next change continues after the last renumbered one.
    conn.exec_driver_sql(
        "UPDATE sqlite_sequence SET seq = (SELECT COALESCE(MAX(device_seq), 0) FROM outbox) "
        "WHERE name = 'outbox'"
    )
    write(conn, DEVICE_ID_KEY, str(new))
    if old is not None:
        write(conn, PREVIOUS_KEY, str(old))
    return old, new
