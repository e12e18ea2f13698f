"""The perpetrator dossier's tables as privacy requests and retention read them.

The dossier (server/dossier.py) owns ``persons``, ``person_links`` and ``signaleringen``;
access requests and the purge read and delete them through these names."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from veiligbalie.server import schema as t

persons = t.persons
person_links = t.person_links
signaleringen = t.signaleringen
NAMES = ("persons", "person_links", "signaleringen")


def present(conn: Connection) -> bool:
    """Whether the database has the dossier (always, once migrated)."""
    inspector = sa.inspect(conn)
    return all(inspector.has_table(name) for name in NAMES)
