"""The server's own database schema (SQLAlchemy Core tables), the same on SQLite and PostgreSQL.

The Alembic migrations in ``server/migrations`` create exactly these tables; a test checks
that the two never drift apart.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Dialect


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both backends (SQLite stores them naive)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


#: The change log's cursor: BIGINT identity on PostgreSQL, INTEGER PRIMARY KEY AUTOINCREMENT
#: on SQLite (AUTOINCREMENT so that a seq is never reused after the newest row is deleted).
SeqType = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

server_meta = sa.Table(
    "server_meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

organisations = sa.Table(
    "organisations",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("address", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    # The letterhead of documents: the employer's contact person and the logo (PNG or JPEG).
    sa.Column("contact_name", sa.String(200), nullable=False, server_default=""),
    sa.Column("contact_function", sa.String(200), nullable=False, server_default=""),
    sa.Column("contact_phone", sa.String(50), nullable=False, server_default=""),
    sa.Column("contact_email", sa.String(200), nullable=False, server_default=""),
    sa.Column("logo", sa.LargeBinary),
    sa.Column("logo_mime", sa.String(32)),
    sa.Column("profile_changed_by", sa.String(200), nullable=False, server_default=""),
    sa.Column("profile_changed_at", UTCDateTime),
)

sites = sa.Table(
    "sites",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("organisation_id", sa.Uuid, sa.ForeignKey("organisations.id"), nullable=False),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("share_log_with_employees", sa.Boolean, nullable=False, default=False),
    sa.Column("lan_key", sa.LargeBinary(32), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    # The LAN beacon of the site's workstations as the administrator set it (migration
    # 0010_site_alarm): NULL port or group means each station keeps its own setting.
    sa.Column("lan_port", sa.Integer),
    sa.Column("lan_group", sa.String(64)),
    sa.Column("lan_enabled", sa.Boolean, nullable=False, server_default=sa.true()),
)

workstations = sa.Table(
    "workstations",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("site_id", sa.Uuid, sa.ForeignKey("sites.id"), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("location", sa.String(200), nullable=False),
    sa.Column("device_name", sa.String(200)),
    # The local database of the client that enrolled (X-VB-Device): attributes user-token
    # pushes from that device to the workstation.
    sa.Column("device_id", sa.Uuid, index=True),
    sa.Column("enrolled_at", UTCDateTime),
    sa.Column("last_seen_at", UTCDateTime),
    sa.Column("created_at", UTCDateTime, nullable=False),
    # Revoked by an administrator: tokens ended, codes issued before this never enrol it.
    sa.Column("revoked_at", UTCDateTime),
    sa.UniqueConstraint("site_id", "name", name="uq_workstations_site_id_name"),
)

enrolment_codes = sa.Table(
    "enrolment_codes",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("workstation_id", sa.Uuid, sa.ForeignKey("workstations.id"), nullable=False),
    sa.Column("code_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("used_at", UTCDateTime),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("username", sa.String(200), nullable=False, unique=True),
    sa.Column("display_name", sa.String(200), nullable=False),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("site_id", sa.Uuid, sa.ForeignKey("sites.id")),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("password_changed_at", UTCDateTime, nullable=False),
    # A deactivated user cannot sign in and holds no live token; never deleted (history).
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("deactivated_at", UTCDateTime),
    # Migration 0013_teams: the user's team (teams.id; checked in server.teams), and a
    # one-time password set by an administrator that must be changed at the next sign-in.
    sa.Column("team_id", sa.Uuid, index=True),
    sa.Column("must_change_password", sa.Boolean, nullable=False, server_default=sa.false()),
)

#: Teams of a site (migration 0013_teams): a name unique per site.
teams = sa.Table(
    "teams",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("site_id", sa.Uuid, sa.ForeignKey("sites.id"), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("site_id", "name", name="uq_teams_site_id_name"),
)

#: Which team lead(s) review which team: a report a member marks "only my team lead" goes
#: to these people (and coordinators), not to every team lead of the site.
team_leads = sa.Table(
    "team_leads",
    metadata,
    sa.Column("team_id", sa.Uuid, sa.ForeignKey("teams.id"), primary_key=True),
    sa.Column("user_id", sa.Uuid, sa.ForeignKey("users.id"), primary_key=True, index=True),
    sa.Column("assigned_at", UTCDateTime, nullable=False),
)

tokens = sa.Table(
    "tokens",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),  # sha256 hex
    sa.Column("kind", sa.String(16), nullable=False),  # user | workstation
    sa.Column("user_id", sa.Uuid, sa.ForeignKey("users.id"), index=True),
    sa.Column("workstation_id", sa.Uuid, sa.ForeignKey("workstations.id"), index=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("revoked_at", UTCDateTime),
)

incidents = sa.Table(
    "incidents",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("site_id", sa.Uuid, sa.ForeignKey("sites.id"), nullable=False, index=True),
    sa.Column("reference", sa.String(64)),
    sa.Column("reporter", sa.String(200), nullable=False),
    sa.Column("reporter_user_id", sa.Uuid, index=True),
    sa.Column("workstation_id", sa.Uuid, index=True),
    sa.Column("origin_device", sa.Uuid, nullable=False),
    sa.Column("team_lead_only", sa.Boolean, nullable=False),
    sa.Column("restricted", sa.Boolean, nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    # {field: revision at which it was last edited}: conflicts are per field.
    sa.Column("field_revisions", sa.JSON, nullable=False),
    sa.Column("data", sa.JSON, nullable=False),  # incident_to_dict(...) + attachments
    sa.Column("occurred_at", UTCDateTime, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("received_at", UTCDateTime, nullable=False),
    # Migration 0005: the number the reporting station gave (``reference`` is the
    # organisation-wide one the server gave on first receipt), the reviewer handling it, and
    # the alarm the report belongs to (copied from ``data``).
    sa.Column("provisional_reference", sa.String(64)),
    sa.Column("assignee_user_id", sa.Uuid),
    sa.Column("assignee_name", sa.String(200), nullable=False, server_default=""),
    sa.Column("alarm_id", sa.Uuid, index=True),
    # Migration 0009_privacy: when retention (or a deletion request) removed its personal
    # data; the row stays as an anonymous count (date, site, categories, severity, status).
    sa.Column("purged_at", UTCDateTime),
    # When its attachments were removed by retention (the files are gone from disk).
    sa.Column("attachments_purged_at", UTCDateTime),
    # Migration 0013_teams: the reporter's team when the report arrived (who leads it
    # decides which team leads see a report marked "only my team lead").
    sa.Column("team_id", sa.Uuid),
)
sa.Index("ix_incidents_reference", incidents.c.reference)

incident_events = sa.Table(
    "incident_events",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("incident_id", sa.Uuid, sa.ForeignKey("incidents.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(32), nullable=False),  # note|status|message|followup|field_edited
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("audience", sa.String(16), nullable=False),
    sa.Column("restricted", sa.Boolean, nullable=False),
    sa.Column("user_id", sa.Uuid),
    sa.Column("device_id", sa.Uuid),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

changes = sa.Table(
    "changes",
    metadata,
    sa.Column("seq", SeqType, sa.Identity(), primary_key=True),
    sa.Column("entity_id", sa.Uuid, nullable=False, index=True),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),  # JSON text, sent as is on pull
    # Visibility (copied from the incident; team_lead_only is rewritten when it is edited):
    sa.Column("site_id", sa.Uuid, nullable=False),
    sa.Column("reporter_user_id", sa.Uuid),
    sa.Column("workstation_id", sa.Uuid),
    sa.Column("team_lead_only", sa.Boolean, nullable=False),
    sa.Column("restricted", sa.Boolean, nullable=False),  # payload holds perpetrator data
    sa.Column("audience", sa.String(16), nullable=False),  # summary | all | owner
    sa.Column("origin_device", sa.Uuid),
    sa.Column("created_at", UTCDateTime, nullable=False),
    # Migration 0005: set on follow-up changes of a task assigned to a peer-support member,
    # who pulls exactly these changes and nothing else.
    sa.Column("assignee_user_id", sa.Uuid, index=True),
    # Migration 0013_teams: the report's team (copied from incidents.team_id).
    sa.Column("team_id", sa.Uuid),
    sqlite_autoincrement=True,
)
sa.Index("ix_changes_site_id_seq", changes.c.site_id, changes.c.seq)

applied_pushes = sa.Table(
    "applied_pushes",
    metadata,
    sa.Column("device_id", sa.Uuid, primary_key=True),
    sa.Column("device_seq", sa.BigInteger, primary_key=True),
    sa.Column("change_id", sa.Uuid, nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),  # accepted | rejected | conflict
    sa.Column("detail", sa.JSON),
    sa.Column("applied_at", UTCDateTime, nullable=False),
)

#: Which workstation or user a device id belongs to (migration 0003): the principal that first
#: used it, at enrolment or on its first push. A push under a device id bound to another
#: principal is refused, so one station can never be answered from another's push record.
device_bindings = sa.Table(
    "device_bindings",
    metadata,
    sa.Column("device_id", sa.Uuid, primary_key=True),
    sa.Column("workstation_id", sa.Uuid, sa.ForeignKey("workstations.id"), index=True),
    # Set when a user token used the device first (no workstation known for it yet).
    sa.Column("user_id", sa.Uuid, sa.ForeignKey("users.id"), index=True),
    sa.Column("bound_at", UTCDateTime, nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("at", UTCDateTime, nullable=False, index=True),
    sa.Column("user_id", sa.Uuid),
    sa.Column("action", sa.String(64), nullable=False),  # e.g. restricted_read
    sa.Column("incident_id", sa.Uuid, index=True),
    sa.Column("detail", sa.Text, nullable=False),
    # Migration 0009_privacy: the actor's name as it was then ("server" for the purge), what
    # the row is about (server.audit.SUBJECTS), the dossier person, and the station name.
    # Append-only: triggers refuse UPDATE and DELETE on both backends.
    sa.Column("actor", sa.String(200), nullable=False, server_default=""),
    sa.Column("subject", sa.String(32), nullable=False, server_default="incident"),
    sa.Column("person_id", sa.Uuid, index=True),
    sa.Column("station", sa.String(200), nullable=False, server_default=""),
)

# --- alarms (migration 0002) -------------------------------------------------------------

alarms = sa.Table(
    "alarms",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),  # the client's UUIDv7 (or the server's)
    sa.Column("site_id", sa.Uuid, sa.ForeignKey("sites.id"), nullable=False),
    # The workstation whose token raised it (None when a user token did): only it may cancel.
    sa.Column("workstation_id", sa.Uuid, index=True),
    sa.Column("raised_by_user_id", sa.Uuid),
    # The client's own station id and name as it sent them (what the client compares).
    sa.Column("station_id", sa.Uuid),
    sa.Column("station_name", sa.String(80), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("location", sa.String(120), nullable=False),
    sa.Column("raised_by", sa.String(80), nullable=False),
    # When the server received the raise (the Vergissing window counts from here); for an
    # alarm raised while the server was away, the press on the server's clock (created_at
    # is then the receipt, and the alarm is marked as reported late).
    sa.Column("raised_at", UTCDateTime, nullable=False),
    # The press by the sender's clock, kept only as its claim (migration 0008).
    sa.Column("raised_at_claimed", UTCDateTime),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("test", sa.Boolean, nullable=False),
    # Index of the highest escalation level fired (-1: none). Raised only by a conditional
    # UPDATE, so with several server processes each level fires exactly once.
    sa.Column("escalation_level", sa.Integer, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),  # when the server learned it
    sa.Column("updated_at", UTCDateTime, nullable=False),
)
sa.Index("ix_alarms_site_id_state", alarms.c.site_id, alarms.c.state)

alarm_events = sa.Table(
    "alarm_events",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("alarm_id", sa.Uuid, sa.ForeignKey("alarms.id"), nullable=False, index=True),
    # raised | delivered | acknowledged | escalated | webhook_sent | webhook_failed |
    # resolved | cancelled
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("actor", sa.String(80), nullable=False),
    sa.Column("workstation_id", sa.Uuid),
    sa.Column("station_id", sa.Uuid),  # the client's station id, when it sent one
    sa.Column("path", sa.String(16), nullable=False),  # server | lan | webhook
    sa.Column("data", sa.JSON, nullable=False),
    # When the server received it (server-side events: when it happened on the server).
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.Column("claimed_at", UTCDateTime),  # the actor's own clock, as it claimed (0006)
)

station_presence = sa.Table(
    "station_presence",
    metadata,
    sa.Column("workstation_id", sa.Uuid, sa.ForeignKey("workstations.id"), primary_key=True),
    sa.Column("site_id", sa.Uuid, nullable=False, index=True),
    # The station id the client uses on the alarm paths (learned from its requests).
    sa.Column("station_id", sa.Uuid),
    sa.Column("online", sa.Boolean, nullable=False),
    sa.Column("via", sa.String(16), nullable=False),  # stream | heartbeat
    sa.Column("last_seen_at", UTCDateTime, nullable=False),
    # The client version its last heartbeat reported (Beheer > Werkplekken).
    sa.Column("client_version", sa.String(64)),
)

site_escalation = sa.Table(
    "site_escalation",
    metadata,
    sa.Column("site_id", sa.Uuid, sa.ForeignKey("sites.id"), primary_key=True),
    # [{"delay_seconds": 20.0, "targets": ["security", "team_lead"], "webhook": false}, ...]
    sa.Column("levels", sa.JSON, nullable=False),
    sa.Column("webhook_url", sa.String(500)),
    # The HMAC signing secret of the webhook. Stored as is because the server must use it to
    # sign; it is never returned by any route and never logged (see server.alarms).
    sa.Column("webhook_secret", sa.String(200)),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# --- guidance ---------------------------------------------------------------------------

#: The organisation's own guidance cards: the current version of each (id, language).
guidance_cards = sa.Table(
    "guidance_cards",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("language", sa.String(8), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("markdown", sa.Text, nullable=False),
    sa.Column("changed_by", sa.String(200), nullable=False),
    sa.Column("changed_at", UTCDateTime, nullable=False),
)

#: Every version ever stored, with who changed it and when (never updated, never deleted).
guidance_card_versions = sa.Table(
    "guidance_card_versions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("language", sa.String(8), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("markdown", sa.Text, nullable=False),
    sa.Column("changed_by", sa.String(200), nullable=False),
    sa.Column("changed_at", UTCDateTime, nullable=False),
)

#: Team leads' prevention self-checks per site or counter.
prevention_checks = sa.Table(
    "prevention_checks",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("site_id", sa.Uuid, sa.ForeignKey("sites.id"), nullable=True),
    sa.Column("place", sa.String(120), nullable=False),
    sa.Column("checked_on", sa.Date, nullable=False),
    sa.Column("items", sa.JSON, nullable=False),
    sa.Column("notes", sa.Text, nullable=False),
    sa.Column("checked_by", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

#: The date of each user's last refresher.
guidance_refreshers = sa.Table(
    "guidance_refreshers",
    metadata,
    sa.Column("user_id", sa.Uuid, sa.ForeignKey("users.id"), primary_key=True),
    sa.Column("done_at", UTCDateTime, nullable=False),
)


# --- review (migration 0005) --------------------------------------------------------------

#: The current state of every follow-up task (``core.followup.apply_task_event`` over the
#: report's ``followup`` events), written in the push transaction that logs the events.
followup_tasks = sa.Table(
    "followup_tasks",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),  # core.followup.task_id_for
    sa.Column("incident_id", sa.Uuid, sa.ForeignKey("incidents.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("reason", sa.String(32), nullable=False),
    sa.Column("due", UTCDateTime, nullable=False),
    sa.Column("due_from", UTCDateTime),
    sa.Column("done_at", UTCDateTime),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("assignee_user_id", sa.Uuid, index=True),
    sa.Column("assignee_name", sa.String(200), nullable=False),
    sa.Column("details", sa.JSON, nullable=False),
    sa.Column("context", sa.JSON),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

#: The last organisation-wide report number given per year (Europe/Amsterdam).
reference_counters = sa.Table(
    "reference_counters",
    metadata,
    sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("last", sa.Integer, nullable=False),
)

#: Every number a report was known by (the final one and the station's provisional one), so
#: an old number keeps finding its report.
reference_aliases = sa.Table(
    "reference_aliases",
    metadata,
    sa.Column("reference", sa.String(64), primary_key=True),
    sa.Column("incident_id", sa.Uuid, sa.ForeignKey("incidents.id"), nullable=False, index=True),
)

#: Which of a report's listed attachments have arrived (the bytes are stored once under their
#: sha256 in the server's files folder).
attachment_uploads = sa.Table(
    "attachment_uploads",
    metadata,
    sa.Column("incident_id", sa.Uuid, sa.ForeignKey("incidents.id"), primary_key=True),
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("uploaded_by", sa.String(200), nullable=False),
    sa.Column("uploaded_at", UTCDateTime, nullable=False),
)

#: Alarms without a report (or cancelled) a reviewer took off the follow-up list, and why.
alarm_followup_closures = sa.Table(
    "alarm_followup_closures",
    metadata,
    sa.Column("alarm_id", sa.Uuid, sa.ForeignKey("alarms.id"), primary_key=True),
    sa.Column("closed_by_user_id", sa.Uuid),
    sa.Column("closed_by", sa.String(200), nullable=False),
    sa.Column("closed_at", UTCDateTime, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
)


# --- perpetrator dossier (migration 0006_dossier) ------------------------------------------

#: A known person, kept for one site (reviewers of that site and coordinators only).
persons = sa.Table(
    "persons",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("site_id", sa.Uuid, sa.ForeignKey("sites.id"), nullable=False, index=True),
    sa.Column("display_name", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    # The identifiers the organisation chooses to keep, e.g. {"klantnummer": "K-123"}.
    sa.Column("identifiers", sa.JSON, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_by_user_id", sa.Uuid),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

#: Which reports concern which known person.
person_links = sa.Table(
    "person_links",
    metadata,
    sa.Column("person_id", sa.Uuid, sa.ForeignKey("persons.id"), primary_key=True),
    sa.Column("incident_id", sa.Uuid, sa.ForeignKey("incidents.id"), primary_key=True, index=True),
    sa.Column("linked_by", sa.String(200), nullable=False),
    sa.Column("linked_at", UTCDateTime, nullable=False),
)

#: Measures about a known person (core.dossier): proposed, active (complete only), ended.
signaleringen = sa.Table(
    "signaleringen",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("person_id", sa.Uuid, sa.ForeignKey("persons.id"), nullable=False, index=True),
    sa.Column("measure", sa.String(32), nullable=False),
    sa.Column("measure_other", sa.String(200), nullable=False),
    sa.Column("counter_text", sa.String(300), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("period_start", sa.Date),
    sa.Column("period_end", sa.Date),
    sa.Column("decided_by", sa.String(200), nullable=False),
    sa.Column("decided_on", sa.Date),
    sa.Column("informed_on", sa.Date),
    sa.Column("informed_how", sa.String(16)),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# --- letters ----------------------------------------------------------------------------

#: The organisation's own letter templates: the current version per (kind, language).
letter_templates = sa.Table(
    "letter_templates",
    metadata,
    sa.Column("kind", sa.String(32), primary_key=True),
    sa.Column("language", sa.String(8), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("changed_by", sa.String(200), nullable=False),
    sa.Column("changed_at", UTCDateTime, nullable=False),
)

#: Every version ever stored, with who imported it and when (never updated, never deleted).
letter_template_versions = sa.Table(
    "letter_template_versions",
    metadata,
    sa.Column("kind", sa.String(32), primary_key=True),
    sa.Column("language", sa.String(8), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("changed_by", sa.String(200), nullable=False),
    sa.Column("changed_at", UTCDateTime, nullable=False),
)

# --- account security (migration 0008) -----------------------------------------------------

#: Failed sign-ins per account (``kind`` "account", ``key`` the lower-cased username, known
#: or not) and per source address (``kind`` "address"): the back-off and the lockout live
#: here so that every server process sees the same count.
login_throttle = sa.Table(
    "login_throttle",
    metadata,
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("first_failure_at", UTCDateTime, nullable=False),
    sa.Column("last_failure_at", UTCDateTime, nullable=False),
    sa.Column("blocked_until", UTCDateTime),
    sa.Column("locked_at", UTCDateTime),  # set: only an administrator lifts it
)

# --- organisation closing days (migration 0012) ---------------------------------------------

#: The organisation's extra non-working days (the Friday after Ascension Day, bridge days,
#: its own closing days): working-day deadlines skip them like public holidays.
closing_days = sa.Table(
    "closing_days",
    metadata,
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("reason", sa.String(200), nullable=False, server_default=""),
    sa.Column("changed_by", sa.String(200), nullable=False),
    sa.Column("changed_at", UTCDateTime, nullable=False),
)

# --- supervision (migration 0014_supervision) --------------------------------------------

#: A site's opening hours and test-alarm schedule, as the administrator set them (no row:
#: the defaults of server.supervision apply).
site_supervision = sa.Table(
    "site_supervision",
    metadata,
    sa.Column("site_id", sa.Uuid, sa.ForeignKey("sites.id"), primary_key=True),
    sa.Column("timezone", sa.String(64), nullable=False),
    # [{"weekday": 0, "opens": "08:30", "closes": "17:00"}, ...]
    sa.Column("opening_hours", sa.JSON, nullable=False),
    sa.Column("test_every_days", sa.Integer),
    sa.Column("test_weekday", sa.Integer),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("updated_by", sa.String(200), nullable=False, server_default=""),
)

#: A station that went offline during opening hours (``since``: when it was last seen) and
#: when it came back (``back_at``); one row per drop-out, never two for the same one.
station_dropouts = sa.Table(
    "station_dropouts",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("site_id", sa.Uuid, sa.ForeignKey("sites.id"), nullable=False, index=True),
    sa.Column("workstation_id", sa.Uuid, sa.ForeignKey("workstations.id"), nullable=False),
    sa.Column("since", UTCDateTime, nullable=False),
    sa.Column("back_at", UTCDateTime),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("workstation_id", "since", name="uq_station_dropouts_workstation_since"),
)

#: Since when each workstation is online (or offline) without a break, as the supervision
#: watch saw its presence change.
station_uptime = sa.Table(
    "station_uptime",
    metadata,
    sa.Column("workstation_id", sa.Uuid, sa.ForeignKey("workstations.id"), primary_key=True),
    sa.Column("online", sa.Boolean, nullable=False),
    sa.Column("since", UTCDateTime, nullable=False),
)
