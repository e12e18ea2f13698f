"""The audit log: who read or changed restricted data, what, when and from which station.

Every write goes through :func:`record` inside the caller's own transaction (the row exists
exactly when the read or change it describes was committed). The table is append-only: no
route updates or deletes a row, and the database refuses UPDATE and DELETE by trigger
(migration 0009_privacy). Reading it is for administrators and privacy officers only
(:func:`may_read`).

``subject`` names what the row is about (one of :data:`SUBJECTS`); ``detail`` is a short
human text and never holds the restricted content itself (a purge writes counts only).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from veiligbalie.core.ids import uuid7
from veiligbalie.core.vocabulary import Role
from veiligbalie.server import schema as t
from veiligbalie.server.store import bulk_insert

if TYPE_CHECKING:  # auth writes sign-in rows here: the class is only named, not used
    from veiligbalie.server.auth import Principal

#: What an audit row is about.
SUBJECT_INCIDENT = "incident"
SUBJECT_PERSON = "person"
SUBJECT_SIGNALERING = "signalering"
SUBJECT_ATTACHMENT = "attachment"
SUBJECT_AUDIT = "audit"
SUBJECT_RETENTION = "retention"
SUBJECT_ALARM = "alarm"
SUBJECT_ACCOUNT = "account"
SUBJECT_WORKSTATION = "workstation"
#: The organisation's profile, closing days, letter templates and guidance cards.
SUBJECT_ORGANISATION = "organisation"
SUBJECT_TEAM = "team"
#: The database as a whole: a backup made, a restore, a move to another database, a new epoch.
SUBJECT_DATABASE = "database"
SUBJECTS = frozenset(
    {
        SUBJECT_INCIDENT,
        SUBJECT_PERSON,
        SUBJECT_SIGNALERING,
        SUBJECT_ATTACHMENT,
        SUBJECT_AUDIT,
        SUBJECT_RETENTION,
        SUBJECT_ALARM,
        SUBJECT_ACCOUNT,
        SUBJECT_WORKSTATION,
        SUBJECT_ORGANISATION,
        SUBJECT_TEAM,
        SUBJECT_DATABASE,
    }
)

MAX_DETAIL = 2000
#: Who and where for what an administrator does with ``veiligbalie-server admin``.
CLI_ACTOR = "administrator (command line)"
CLI_STATION = "server console"


@dataclass(frozen=True, slots=True)
class Who:
    """Who makes an administrative change, for its audit row: a signed-in administrator
    (``actor``, with the station their request came from) or the command line."""

    actor: Principal | None = None
    actor_name: str | None = None
    station: str | None = None

    @property
    def name(self) -> str:
        """The name kept with a stored version ("changed_by")."""
        if self.actor is not None:
            return self.actor.username or self.actor.display_name or "?"
        return self.actor_name or "server"


#: A change made with ``veiligbalie-server admin``.
CLI_WHO = Who(None, CLI_ACTOR, CLI_STATION)


def as_who(who: Who | str) -> Who:
    """``who`` itself, or a plain name (the ``--changed-by`` of a command) as the console."""
    return who if isinstance(who, Who) else Who(None, who, CLI_STATION)


def record_change(
    conn: Connection, who: Who, action: str, detail: str, subject: str = SUBJECT_ORGANISATION
) -> uuid.UUID:
    """One audit row for an administrative change made by ``who``."""
    return record(
        conn,
        actor=who.actor,
        action=action,
        subject=subject,
        detail=detail,
        station=who.station,
        actor_name=who.actor_name,
    )


def record_database(conn: Connection, action: str, detail: str) -> uuid.UUID:
    """One audit row by the console about the database as a whole (a backup, a restore, a
    move, a new epoch): a backup holds every report and person, and a restore or a move
    changes what the log itself goes back to, so the privacy officer reads each of them."""
    return record_change(conn, CLI_WHO, action, detail, subject=SUBJECT_DATABASE)


def may_read(principal: Principal) -> bool:
    """Administrators and privacy officers read the audit log; nobody else, no workstation."""
    return not principal.is_workstation and principal.role in (
        Role.ADMINISTRATOR,
        Role.PRIVACY_OFFICER,
    )


def station_of(
    conn: Connection, actor: Principal | None, device_id: uuid.UUID | None = None
) -> str | None:
    """The name of the station an actor works from: the workstation of a workstation token,
    else the workstation the request's device (X-VB-Device) is bound to; None when unknown."""
    workstation_id = actor.workstation_id if actor is not None else None
    if workstation_id is None and device_id is not None:
        workstation_id = conn.execute(
            sa.select(t.device_bindings.c.workstation_id).where(
                t.device_bindings.c.device_id == device_id
            )
        ).scalar()
    if workstation_id is None:
        return None
    name = conn.execute(
        sa.select(t.workstations.c.name).where(t.workstations.c.id == workstation_id)
    ).scalar()
    return str(name) if name is not None else str(workstation_id)


def record(
    conn: Connection,
    *,
    actor: Principal | None,
    action: str,
    subject: str,
    incident_id: uuid.UUID | None = None,
    person_id: uuid.UUID | None = None,
    detail: str = "",
    station: str | None = None,
    at: datetime | None = None,
    actor_name: str | None = None,
    user_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """Write one audit row in ``conn``'s transaction and answer its id.

    ``actor`` None means the server itself (the daily purge) or the ``admin`` command
    line (then pass ``actor_name`` and ``station``: :data:`CLI_ACTOR`, :data:`CLI_STATION`);
    ``user_id`` then names the account the row is about (a sign-in, an account change).
    ``station`` defaults to the actor's workstation (a workstation token); pass
    :func:`station_of` with the request's device to name the station a user works from."""
    if subject not in SUBJECTS:
        raise ValueError(f"unknown audit subject {subject!r}")
    if station is None and actor is not None and actor.workstation_id is not None:
        station = station_of(conn, actor)
    row_id = uuid7()
    conn.execute(
        sa.insert(t.audit_log).values(
            id=row_id,
            at=at or datetime.now(UTC),
            user_id=actor.user_id if actor is not None else user_id,
            actor=(actor_name or _actor_name(actor))[:200],
            action=action[:64],
            subject=subject,
            incident_id=incident_id,
            person_id=person_id,
            station=(station or "")[:200],
            detail=detail[:MAX_DETAIL],
        )
    )
    return row_id


def record_many(
    conn: Connection,
    *,
    actor: Principal,
    action: str,
    subject: str,
    incident_ids: Sequence[uuid.UUID],
    detail: str,
    station: str | None,
    at: datetime,
) -> None:
    """One row as :func:`record` writes it per incident of ``incident_ids``, all with one
    ``executemany`` (a pull may audit thousands of reports at once)."""
    if subject not in SUBJECTS:
        raise ValueError(f"unknown audit subject {subject!r}")
    if station is None and actor.workstation_id is not None:
        station = station_of(conn, actor)
    common = {
        "at": at,
        "user_id": actor.user_id,
        "actor": _actor_name(actor)[:200],
        "action": action[:64],
        "subject": subject,
        "person_id": None,
        "station": (station or "")[:200],
        "detail": detail[:MAX_DETAIL],
    }
    bulk_insert(
        conn, t.audit_log, [{"id": uuid7(), "incident_id": i, **common} for i in incident_ids]
    )


def _actor_name(actor: Principal | None) -> str:
    if actor is None:
        return "server"
    if actor.is_workstation:
        return f"workstation {actor.workstation_id}"
    return (actor.username or str(actor.user_id or ""))[:200]


@dataclass(frozen=True, slots=True)
class AuditFilter:
    person_id: uuid.UUID | None = None
    user: str | None = None  # a username or a user id
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 200
    offset: int = 0


def query(conn: Connection, f: AuditFilter) -> tuple[int, list[sa.Row[tuple[object, ...]]]]:
    """The total matching ``f`` and one page of rows, newest first."""
    a = t.audit_log.c
    clauses: list[sa.ColumnElement[bool]] = []
    if f.person_id is not None:
        clauses.append(a.person_id == f.person_id)
    if f.user:
        try:
            uid = uuid.UUID(f.user)
        except ValueError:
            uid = None
        user_ids = sa.select(t.users.c.id).where(t.users.c.username == f.user)
        by_user = sa.or_(a.actor == f.user, a.user_id.in_(user_ids))
        clauses.append(sa.or_(by_user, a.user_id == uid) if uid else by_user)
    if f.since is not None:
        clauses.append(a.at >= f.since)
    if f.until is not None:
        clauses.append(a.at < f.until)
    where = sa.and_(sa.true(), *clauses)
    total = int(
        conn.execute(sa.select(sa.func.count()).select_from(t.audit_log).where(where)).scalar() or 0
    )
    rows = conn.execute(
        sa.select(t.audit_log)
        .where(where)
        .order_by(a.at.desc(), a.id.desc())
        .limit(f.limit)
        .offset(f.offset)
    ).all()
    return total, list(rows)


def describe_filter(f: AuditFilter) -> str:
    """The filter of an audit read as written to the audit log itself."""
    parts = [
        f"{name}={value.isoformat() if isinstance(value, datetime) else value}"
        for name, value in (
            ("person", f.person_id),
            ("user", f.user),
            ("since", f.since),
            ("until", f.until),
        )
        if value is not None
    ]
    parts.append(f"limit={f.limit} offset={f.offset}")
    return "audit read: " + " ".join(parts)
