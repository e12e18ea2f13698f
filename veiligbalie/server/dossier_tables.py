"""The perpetrator dossier's tables as privacy requests and retention read them, by name.

The dossier (server/dossier.py, migration 0006_dossier) owns ``persons``, ``person_links``
and ``signaleringen``; these light descriptions name the columns an access request exports
and the purge compares, with their types, so this works before the dossier is installed
(:func:`present` is False then) and needs no import of it."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from veiligbalie.server.schema import UTCDateTime

persons = sa.table(
    "persons",
    sa.column("id", sa.Uuid()),
    sa.column("site_id", sa.Uuid()),
    sa.column("display_name", sa.String()),
    sa.column("description", sa.Text()),
    sa.column("identifiers", sa.JSON()),
    sa.column("created_by", sa.String()),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
)
person_links = sa.table(
    "person_links",
    sa.column("person_id", sa.Uuid()),
    sa.column("incident_id", sa.Uuid()),
    sa.column("linked_by", sa.String()),
    sa.column("linked_at", UTCDateTime()),
)
signaleringen = sa.table(
    "signaleringen",
    sa.column("id", sa.Uuid()),
    sa.column("person_id", sa.Uuid()),
    sa.column("measure", sa.String()),
    sa.column("counter_text", sa.String()),
    sa.column("reason", sa.Text()),
    sa.column("period_start", sa.Date()),
    sa.column("period_end", sa.Date()),
    sa.column("decided_by", sa.String()),
    sa.column("informed_on", sa.Date()),
    sa.column("informed_how", sa.String()),
    sa.column("state", sa.String()),
    sa.column("updated_at", UTCDateTime()),
)
NAMES = ("persons", "person_links", "signaleringen")


def present(conn: Connection) -> bool:
    inspector = sa.inspect(conn)
    return all(inspector.has_table(name) for name in NAMES)
