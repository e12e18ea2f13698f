"""The tables of the local store (SQLAlchemy Core). Alembic migrations create them; this
module is what the repositories query, and a test keeps both in step."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from veiligbalie.store.types import JSONText, UtcDateTime, UUIDText

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

#: Small key/value facts of this database: device id, reference counters, sync cursor.
meta = Table(
    "meta",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

incidents = Table(
    "incidents",
    metadata,
    Column("id", UUIDText, primary_key=True),
    Column("reference", String(32), nullable=False),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("location", Text, nullable=False),
    Column("channel", String(32), nullable=False),
    Column("categories", JSONText, nullable=False),
    Column("severity", String(16), nullable=False),
    Column("description", Text, nullable=False),
    Column("reporter", Text, nullable=False),
    Column("on_behalf_of", Text, nullable=True),
    Column("perpetrator_known", Boolean, nullable=False),
    # Restricted (AVG): only team leads may read these two; never logged.
    Column("perpetrator_description", Text, nullable=False),
    Column("perpetrator_reference", Text, nullable=False),
    Column("witnesses", JSONText, nullable=False),
    Column("injury", Boolean, nullable=False),
    Column("damage", Boolean, nullable=False),
    Column("damage_amount_cents", Integer, nullable=True),
    Column("absence", Boolean, nullable=False),
    Column("police_called", Boolean, nullable=False),
    Column("arrest", Boolean, nullable=False),
    Column("police_report_intended", Boolean, nullable=False),
    Column("aftercare_wanted", Boolean, nullable=False),
    Column("team_lead_only", Boolean, nullable=False),
    Column("alarm_id", UUIDText, nullable=True),
    Column("status", String(16), nullable=False),
    Column("revision", Integer, nullable=False, server_default=text("1")),
    Column("unread", Boolean, nullable=False, server_default=text("0")),
    # "local": written on this device (carries one of our reference numbers); "server": pulled.
    Column("origin", String(8), nullable=False, server_default=text("'local'")),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    # The number this workstation gave the report when it was saved (migration 0003). The
    # server gives the organisation-wide number (``reference``) on first receipt; until then
    # both are the same. Old numbers keep resolving through this column.
    Column("provisional_reference", String(32), nullable=True),
    # The team lead handling the report (an ``assigned`` event); None: nobody yet.
    Column("assignee_user_id", UUIDText, nullable=True),
    Column("assignee_name", Text, nullable=True),
    # The site the report belongs to, as the server names it (a coördinator sees several).
    Column("site_name", Text, nullable=True),
    Index("ix_incidents_reporter_created_at", "reporter", "created_at"),
    Index("ix_incidents_created_at", "created_at"),
    Index("ix_incidents_reference", "reference"),
    # The Logboek (migration 0004): newest first, and one narrow index that holds every
    # column the log filters on, so a filter's count reads the index, never the reports.
    Index(
        "ix_incidents_log",
        "occurred_at",
        "id",
        "team_lead_only",
        "severity",
        "status",
        "location",
        "site_name",
        "alarm_id",
        "assignee_user_id",
        "categories",
    ),
    # Narrow indexes that count the filters the wide one would count slowly: a status
    # filter seeks the first (migration 0006 merged two into it; a severity filter alone
    # scans it), a category filter and the sort by categories read the second.
    Index("ix_incidents_status_severity_team_lead_only", "status", "severity", "team_lead_only"),
    Index("ix_incidents_categories_team_lead_only", "categories", "team_lead_only"),
    Index("ix_incidents_location_id", "location", "id"),
    Index("ix_incidents_site_name_id", "site_name", "id"),
    # Our own numbers never repeat; pulled reports carry other devices' numbers.
    Index(
        "uq_incidents_local_provisional_reference",
        "provisional_reference",
        unique=True,
        sqlite_where=text("origin = 'local'"),
    ),
)

#: The append-only timeline of a report (an UPDATE trigger refuses edits).
incident_events = Table(
    "incident_events",
    metadata,
    Column("id", UUIDText, primary_key=True),
    Column("incident_id", UUIDText, ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("author", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("data", JSONText, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("origin", String(8), nullable=False),
    Index("ix_incident_events_incident_id_created_at", "incident_id", "created_at"),
)

attachments = Table(
    "attachments",
    metadata,
    Column("id", UUIDText, primary_key=True),
    Column("incident_id", UUIDText, ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("original_name", Text, nullable=False),
    Column("size", Integer, nullable=False),
    Column("mime_type", String(100), nullable=False),
    # Relative to the attachments folder when inside it, so a moved data folder still works.
    Column("stored_path", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    # When the server confirmed it holds the file (migration 0003); None: still to upload.
    Column("uploaded_at", UtcDateTime, nullable=True),
    UniqueConstraint("incident_id", "sha256"),
)

#: The follow-up tasks of the reports (migration 0003): the current state of each task,
#: folded from the ``followup`` events of the timeline in the same transaction that stores
#: them. ``incident_id`` has no foreign key: a peer-support member holds a task assigned to
#: them without the report it belongs to (``context`` then names the report).
followup_tasks = Table(
    "followup_tasks",
    metadata,
    Column("id", UUIDText, primary_key=True),  # core.followup.task_id_for(incident, kind)
    Column("incident_id", UUIDText, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("due", UtcDateTime, nullable=False),
    Column("due_from", UtcDateTime, nullable=True),
    Column("done_at", UtcDateTime, nullable=True),
    Column("note", Text, nullable=False),
    Column("assignee_user_id", UUIDText, nullable=True),
    Column("assignee_name", Text, nullable=True),
    # Per kind (protocol.sync.TASK_DETAILS): police report number, measure, damage, steps.
    Column("details", JSONText, nullable=False),
    # {"reference", "occurred_at", "location", "reporter"} when the report is not here.
    Column("context", JSONText, nullable=True),
    Column("updated_at", UtcDateTime, nullable=False),
    # Done tasks in date order (the worklist's "all", merged with the open ones below, and
    # "done"); migration 0006: a new task is open, so saving a report writes no page here.
    Index("ix_followup_tasks_done_due", "due", sqlite_where=text("done_at IS NOT NULL")),
    # The log's "follow-up overdue" filter and the per-report follow-up state (0004).
    Index("ix_followup_tasks_open_due", "due", "incident_id", sqlite_where=text("done_at IS NULL")),
    # A report's tasks (0004; until 0006 also an index of incident_id alone, its prefix).
    Index("ix_followup_tasks_incident_id_kind", "incident_id", "kind"),
)

#: Alarms of the site that need a team lead's follow-up (migration 0003): resolved without a
#: report, or cancelled. Kept from the server's list for offline use; ``handled_at`` is set
#: when a report is linked or a team lead closed it with a reason.
alarm_followups = Table(
    "alarm_followups",
    metadata,
    Column("id", UUIDText, primary_key=True),  # the alarm's id
    Column("station", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("raised_by", Text, nullable=False),
    Column("raised_at", UtcDateTime, nullable=False),
    Column("state", String(16), nullable=False),  # resolved | cancelled
    Column("closed_at", UtcDateTime, nullable=True),
    #: Reported to the server after the fact (migration 0008).
    Column("late", Boolean, nullable=False, server_default=text("0")),
    Column("handled_at", UtcDateTime, nullable=True),
    Column("handled_by", Text, nullable=True),
    Column("handled_reason", Text, nullable=True),
    Column("incident_id", UUIDText, nullable=True),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_alarm_followups_raised_at", "raised_at"),
)

#: Free-text search of the log (migration 0004): an FTS5 table with the trigram tokenizer,
#: one row per report at the report's rowid (its description and its notes), kept by
#: triggers on ``incidents`` and ``incident_events`` (a new report's entry is made later,
#: see ``search_pending``). SQLAlchemy cannot describe a virtual
#: table: it is queried as text (store/log_query.py) and left out of the comparison with
#: the migrations.
SEARCH_TABLE = "incident_search"
#: The reports whose search entry is still to be made (migration 0007): a save notes its
#: report's rowid here (one short row) and store/search_index.py indexes it off the save's
#: path, in idle moments and before any search.
search_pending = Table(
    "search_pending",
    metadata,
    Column("report_rowid", Integer, primary_key=True, autoincrement=False),
)
#: FTS5 keeps the index in shadow tables named after the virtual table.
_SEARCH_SHADOWS = frozenset(
    f"{SEARCH_TABLE}_{part}" for part in ("data", "idx", "content", "docsize", "config")
)


def managed_by_metadata(name: str | None, type_: str, _parents: object = None) -> bool:
    """Alembic's ``include_name`` filter: False for the search table and SQLite's shadow
    tables of it, which this module cannot declare (env.py and the schema test use it)."""
    return not (type_ == "table" and (name == SEARCH_TABLE or name in _SEARCH_SHADOWS))


drafts = Table(
    "drafts",
    metadata,
    Column("id", UUIDText, primary_key=True),
    Column("state", JSONText, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_drafts_updated_at", "updated_at"),
)

#: The sync queue. device_seq is AUTOINCREMENT: never reused, assigned under the write lock.
outbox = Table(
    "outbox",
    metadata,
    Column("device_seq", Integer, primary_key=True, autoincrement=True),
    Column("id", UUIDText, nullable=False, unique=True),
    Column("kind", String(64), nullable=False),
    Column("entity_id", UUIDText, nullable=False),
    Column("payload", Text, nullable=False),
    Column("base_revision", Integer, nullable=True),
    Column("state", String(8), nullable=False, server_default=text("'pending'")),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("last_error", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    CheckConstraint("state IN ('pending', 'sent', 'dead')", name="state"),
    Index("ix_outbox_state_device_seq", "state", "device_seq"),
    sqlite_autoincrement=True,
)

alarms = Table(
    "alarms",
    metadata,
    Column("id", UUIDText, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("type", String(16), nullable=False),
    Column("station", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("raised_at", UtcDateTime, nullable=False),
    Column("state", String(16), nullable=False),
    Column("test", Boolean, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_alarms_state", "state"),
)

alarm_events = Table(
    "alarm_events",
    metadata,
    Column("id", UUIDText, primary_key=True),
    Column("alarm_id", UUIDText, ForeignKey("alarms.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("actor", Text, nullable=False),
    Column("path", String(16), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("data", JSONText, nullable=False),
    Index("ix_alarm_events_alarm_id_at", "alarm_id", "at"),
)

#: The organisation's own guidance cards, as last received from the server (offline use).
guidance_cards = Table(
    "guidance_cards",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("language", String(8), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("markdown", Text, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

#: Prevention self-checks by team leads: one row per check of a site or counter.
prevention_checks = Table(
    "prevention_checks",
    metadata,
    Column("id", UUIDText, primary_key=True),
    Column("place", Text, nullable=False),
    Column("checked_on", String(10), nullable=False),
    Column("items", JSONText, nullable=False),
    Column("notes", Text, nullable=False),
    Column("checked_by", Text, nullable=False),
    Column("synced", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_prevention_checks_place_checked_on", "place", "checked_on"),
)

#: Per user: when the last refresher was done and when we last reminded (once per due date).
guidance_refresher = Table(
    "guidance_refresher",
    metadata,
    Column("user", Text, primary_key=True),
    Column("last_done", UtcDateTime, nullable=True),
    Column("reminded_for", UtcDateTime, nullable=True),
    Column("synced", Boolean, nullable=False),
)

#: The team lead's offline copy of the dossier of reports this station holds (migration
#: 0005_dossier): per report, the known persons linked to it as the server answered
#: (protocol.dossier.PersonOut list). Forgotten with the pulled reports when the identity
#: changes.
dossier_cache = Table(
    "dossier_cache",
    metadata,
    Column("incident_id", UUIDText, primary_key=True),
    Column("persons", JSONText, nullable=False),
    Column("fetched_at", UtcDateTime, nullable=False),
)
