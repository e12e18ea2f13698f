"""Administration of the server: the organisation, sites, workstations with their enrolment
codes, users and token revocation. Used by both the admin CLI and the admin REST routes;
every mistake raises :class:`AdminError` with a one-line message."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from veiligbalie.core.ids import uuid7
from veiligbalie.core.vocabulary import Role
from veiligbalie.protocol.admin import (
    EnrolmentCodeOut,
    OrganisationOut,
    PasswordResetOut,
    SiteOut,
    TeamLeadOut,
    TeamOut,
    WorkstationCreated,
    WorkstationMoved,
    WorkstationRevoked,
)
from veiligbalie.protocol.auth import UserOut, WorkstationOut
from veiligbalie.server import audit, login_throttle, security
from veiligbalie.server import schema as t
from veiligbalie.server.store import ServerStore

if TYPE_CHECKING:  # auth imports this module: the class is only named here
    from veiligbalie.server.auth import Principal

ENROLMENT_HOURS_DEFAULT = 24
ENROLMENT_HOURS_MAX = 24 * 30


class AdminError(ValueError):
    """A mistake of the administrator; ``status`` is the HTTP status the REST route answers."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _now() -> datetime:
    return datetime.now(UTC)


def _text(value: str, what: str, limit: int = 200) -> str:
    value = value.strip()
    if not value:
        raise AdminError(f"{what} must not be empty")
    if len(value) > limit:
        raise AdminError(f"{what} is longer than {limit} characters")
    if "\x00" in value:
        raise AdminError(f"{what} contains a NUL character")
    return value


def _as_uuid(ref: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(ref))
    except ValueError:
        return None


# --- organisation and sites ------------------------------------------------------------


def get_organisation(store: ServerStore) -> OrganisationOut | None:
    with store.read() as conn:
        row = conn.execute(sa.select(t.organisations)).first()
    return OrganisationOut(id=row.id, name=row.name, address=row.address) if row else None


def create_organisation(store: ServerStore, name: str, address: str) -> OrganisationOut:
    name = _text(name, "the organisation name")
    address = _text(address, "the postal address", 1000)
    with store.write() as conn:
        if conn.execute(sa.select(t.organisations.c.id)).first():
            raise AdminError("an organisation already exists on this server", 409)
        org_id = uuid7()
        conn.execute(
            sa.insert(t.organisations).values(
                id=org_id, name=name, address=address, created_at=_now()
            )
        )
    return OrganisationOut(id=org_id, name=name, address=address)


def _site_out(row: Row[*tuple[Any, ...]]) -> SiteOut:
    return SiteOut(id=row.id, name=row.name, share_log_with_employees=row.share_log_with_employees)


def _find(
    conn: Connection, table: sa.Table, by_name: str, what: str, ref: str | uuid.UUID
) -> Row[*tuple[Any, ...]]:
    """A row of ``table`` by id or by its ``by_name`` column; ``what`` names it in the error."""
    as_id = ref if isinstance(ref, uuid.UUID) else _as_uuid(ref)
    cond = table.c.id == as_id if as_id else table.c[by_name] == str(ref).strip()
    row = conn.execute(sa.select(table).where(cond)).first()
    if row is None:
        raise AdminError(f"no {what} {str(ref)!r}; see `admin {what} list`", 404)
    return row


def find_site(conn: Connection, ref: str | uuid.UUID) -> Row[*tuple[Any, ...]]:
    """A site by id or by name."""
    return _find(conn, t.sites, "name", "site", ref)


def create_site(store: ServerStore, name: str, share_log_with_employees: bool = False) -> SiteOut:
    name = _text(name, "the site name")
    with store.write() as conn:
        org = conn.execute(sa.select(t.organisations.c.id)).scalar()
        if org is None:
            raise AdminError("create the organisation first (`admin org create`)", 409)
        if conn.execute(sa.select(t.sites.c.id).where(t.sites.c.name == name)).first():
            raise AdminError(f"a site named {name!r} already exists", 409)
        site_id = uuid7()
        conn.execute(
            sa.insert(t.sites).values(
                id=site_id,
                organisation_id=org,
                name=name,
                share_log_with_employees=share_log_with_employees,
                lan_key=security.new_lan_key(),
                created_at=_now(),
            )
        )
    return SiteOut(id=site_id, name=name, share_log_with_employees=share_log_with_employees)


def list_sites(store: ServerStore) -> list[SiteOut]:
    with store.read() as conn:
        rows = conn.execute(sa.select(t.sites).order_by(t.sites.c.name)).all()
    return [_site_out(r) for r in rows]


def set_site_sharing(store: ServerStore, site_ref: str | uuid.UUID, share: bool) -> SiteOut:
    with store.write() as conn:
        site = find_site(conn, site_ref)
        conn.execute(
            sa.update(t.sites).where(t.sites.c.id == site.id).values(share_log_with_employees=share)
        )
        site = find_site(conn, site.id)
    return _site_out(site)


# --- workstations -----------------------------------------------------------------------


def workstation_out(row: Row[*tuple[Any, ...]]) -> WorkstationOut:
    return WorkstationOut(
        id=row.id,
        name=row.name,
        location=row.location,
        site_id=row.site_id,
        enrolled=row.enrolled_at is not None,
        device_name=row.device_name,
        last_seen_at=row.last_seen_at,
        revoked=row.revoked_at is not None,
    )


def find_workstation(conn: Connection, ref: str | uuid.UUID) -> Row[*tuple[Any, ...]]:
    """A workstation by id, or by name when that name is unique across sites."""
    as_id = ref if isinstance(ref, uuid.UUID) else _as_uuid(ref)
    cond = t.workstations.c.id == as_id if as_id else t.workstations.c.name == str(ref).strip()
    rows = conn.execute(sa.select(t.workstations).where(cond)).all()
    if not rows:
        raise AdminError(f"no workstation {str(ref)!r}; see `admin workstation list`", 404)
    if len(rows) > 1:
        raise AdminError(f"several workstations are named {str(ref)!r}; give its id", 409)
    return rows[0]


def _issue_code(conn: Connection, workstation_id: uuid.UUID, hours: int) -> EnrolmentCodeOut:
    if not 1 <= hours <= ENROLMENT_HOURS_MAX:
        raise AdminError(f"the code must expire within 1 to {ENROLMENT_HOURS_MAX} hours")
    code = security.new_enrolment_code()
    expires = _now() + timedelta(hours=hours)
    # A new code replaces every earlier unused one of the workstation.
    conn.execute(
        sa.delete(t.enrolment_codes).where(
            t.enrolment_codes.c.workstation_id == workstation_id,
            t.enrolment_codes.c.used_at.is_(None),
        )
    )
    conn.execute(
        sa.insert(t.enrolment_codes).values(
            id=uuid7(),
            workstation_id=workstation_id,
            code_hash=security.hash_code(code),
            expires_at=expires,
            created_at=_now(),
        )
    )
    return EnrolmentCodeOut(workstation_id=workstation_id, code=code, expires_at=expires)


def _audit_workstation(
    conn: Connection,
    action: str,
    ws: Row[*tuple[Any, ...]],
    by: Principal | None,
    **detail: Any,
) -> None:
    """One audit row of a change to a workstation, by ``by`` (None: the command line)."""
    audit.record(
        conn,
        actor=by,
        actor_name=audit.CLI_ACTOR if by is None else None,
        action=action,
        subject=audit.SUBJECT_WORKSTATION,
        detail=json.dumps(
            {"workstation_id": str(ws.id), "name": ws.name, **detail}, ensure_ascii=False
        ),
        station=audit.CLI_STATION if by is None else None,
        at=_now(),
    )


def create_workstation(
    store: ServerStore,
    site_ref: str | uuid.UUID,
    name: str,
    location: str,
    expires_hours: int = ENROLMENT_HOURS_DEFAULT,
    *,
    by: Principal | None = None,
) -> WorkstationCreated:
    name = _text(name, "the workstation name")
    location = _text(location, "the location")
    with store.write() as conn:
        site = find_site(conn, site_ref)
        exists = conn.execute(
            sa.select(t.workstations.c.id).where(
                t.workstations.c.site_id == site.id, t.workstations.c.name == name
            )
        ).first()
        if exists:
            raise AdminError(f"site {site.name!r} already has a workstation named {name!r}", 409)
        ws_id = uuid7()
        conn.execute(
            sa.insert(t.workstations).values(
                id=ws_id, site_id=site.id, name=name, location=location, created_at=_now()
            )
        )
        code = _issue_code(conn, ws_id, expires_hours)
        row = find_workstation(conn, ws_id)
        _audit_workstation(
            conn,
            "workstation_created",
            row,
            by,
            site=site.name,
            location=location,
            code_expires_at=code.expires_at.isoformat(),
        )
    return WorkstationCreated(workstation=workstation_out(row), enrolment=code)


def new_enrolment_code(
    store: ServerStore,
    workstation_ref: str | uuid.UUID,
    expires_hours: int = 24,
    *,
    by: Principal | None = None,
) -> EnrolmentCodeOut:
    """A new one-time code (earlier unused ones stop working). For a revoked workstation it
    is the administrator's deliberate way back: enrolling with it lifts the revocation."""
    with store.write() as conn:
        ws = find_workstation(conn, workstation_ref)
        code = _issue_code(conn, ws.id, expires_hours)
        _audit_workstation(
            conn,
            "workstation_code_issued",
            ws,
            by,
            code_expires_at=code.expires_at.isoformat(),
            revoked=ws.revoked_at is not None,
        )
        return code


def move_workstation(
    store: ServerStore,
    workstation_ref: str | uuid.UUID,
    location: str,
    site_ref: str | uuid.UUID | None = None,
    expires_hours: int = ENROLMENT_HOURS_DEFAULT,
    *,
    by: Principal | None = None,
) -> WorkstationMoved:
    """Give a workstation another location, and optionally another site.

    Within its site the station keeps its link and learns the new location from the server
    (its heartbeat answer and its own entry of ``stations.online``). A move to another
    site needs that site's LAN key, which only enrolment hands out: the workstation's
    tokens are revoked and the answer carries a new enrolment code to link it again."""
    location = _text(location, "the location")
    with store.write() as conn:
        ws = find_workstation(conn, workstation_ref)
        if ws.revoked_at is not None:
            raise AdminError(
                f"workstation {ws.name!r} is revoked; give it a new code to use it again", 409
            )
        site = find_site(conn, ws.site_id)
        if site_ref is not None and str(site_ref).strip():
            site = find_site(conn, site_ref)
        other_site = site.id != ws.site_id
        if not other_site and location == ws.location:
            return WorkstationMoved(workstation=workstation_out(ws))
        if other_site:
            taken = conn.execute(
                sa.select(t.workstations.c.id).where(
                    t.workstations.c.site_id == site.id, t.workstations.c.name == ws.name
                )
            ).first()
            if taken:
                raise AdminError(
                    f"site {site.name!r} already has a workstation named {ws.name!r}", 409
                )
        conn.execute(
            sa.update(t.workstations)
            .where(t.workstations.c.id == ws.id)
            .values(location=location, site_id=site.id)
        )
        code = None
        revoked = 0
        if other_site:
            revoked = _revoke(conn, t.tokens.c.workstation_id == ws.id)
            conn.execute(
                sa.update(t.station_presence)
                .where(t.station_presence.c.workstation_id == ws.id)
                .values(site_id=site.id, online=False)
            )
            code = _issue_code(conn, ws.id, expires_hours)
        old_site = find_site(conn, ws.site_id)
        _audit_workstation(
            conn,
            "workstation_moved",
            ws,
            by,
            old_location=ws.location,
            new_location=location,
            old_site=old_site.name,
            new_site=site.name,
            tokens_revoked=revoked,
        )
        row = find_workstation(conn, ws.id)
    return WorkstationMoved(workstation=workstation_out(row), enrolment=code)


def revoke_workstation(
    store: ServerStore, workstation_ref: str | uuid.UUID, *, by: Principal | None = None
) -> WorkstationRevoked:
    """Revoke a workstation: every token ends, every unused code is removed, and it is marked
    revoked so no code issued before now enrols it again. Revoking twice changes nothing."""
    with store.write() as conn:
        ws = find_workstation(conn, workstation_ref)
        if ws.revoked_at is not None:
            return WorkstationRevoked(workstation=workstation_out(ws), tokens_revoked=0)
        now = _now()
        revoked = _revoke(conn, t.tokens.c.workstation_id == ws.id)
        conn.execute(
            sa.delete(t.enrolment_codes).where(
                t.enrolment_codes.c.workstation_id == ws.id,
                t.enrolment_codes.c.used_at.is_(None),
            )
        )
        conn.execute(
            sa.update(t.workstations).where(t.workstations.c.id == ws.id).values(revoked_at=now)
        )
        conn.execute(
            sa.update(t.station_presence)
            .where(t.station_presence.c.workstation_id == ws.id)
            .values(online=False)
        )
        _audit_workstation(conn, "workstation_revoked", ws, by, tokens_revoked=revoked)
        row = find_workstation(conn, ws.id)
    return WorkstationRevoked(workstation=workstation_out(row), tokens_revoked=revoked)


def list_workstations(store: ServerStore) -> list[WorkstationOut]:
    with store.read() as conn:
        rows = conn.execute(
            sa.select(t.workstations).order_by(t.workstations.c.site_id, t.workstations.c.name)
        ).all()
    return [workstation_out(r) for r in rows]


# --- users ------------------------------------------------------------------------------


#: Roles that work across the organisation and need no site: the administrator, the
#: coördinator agressie en geweld (every site) and the peer-support team.
SITELESS_ROLES = frozenset(
    {Role.ADMINISTRATOR, Role.COORDINATOR, Role.PEER_SUPPORT, Role.PRIVACY_OFFICER}
)


def user_out(row: Row[*tuple[Any, ...]], locked: bool = False) -> UserOut:
    return UserOut(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=Role(row.role),
        site_id=row.site_id,
        active=bool(row.active),
        team_id=row.team_id,
        must_change_password=bool(row.must_change_password),
        locked=locked,
    )


def find_user(conn: Connection, ref: str | uuid.UUID) -> Row[*tuple[Any, ...]]:
    return _find(conn, t.users, "username", "user", ref)


def create_user(
    store: ServerStore,
    username: str,
    display_name: str,
    role: Role | str,
    site_ref: str | uuid.UUID | None,
    password: str,
    team_ref: str | uuid.UUID | None = None,
    *,
    must_change_password: bool = False,
    by: uuid.UUID | None = None,
) -> UserOut:
    """A new user; with ``team_ref`` also their team (a team of their site);
    ``must_change_password``: the password is a first one, changed at the first sign-in."""
    username = _text(username, "the username")
    if not all(ch.isalnum() or ch in "._@-" for ch in username):
        raise AdminError("the username may hold letters, digits and . _ @ - only")
    display_name = _text(display_name, "the display name")
    try:
        role = Role(role)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise AdminError(f"unknown role {role!r}; choose one of {choices}") from None
    try:
        password_hash = security.hash_password(password)
    except security.WeakPasswordError as exc:
        raise AdminError(str(exc)) from None
    with store.write() as conn:
        if conn.execute(sa.select(t.organisations.c.id)).first() is None:
            raise AdminError("create the organisation first (`admin org create`)", 409)
        site_id = None
        if site_ref is not None and str(site_ref).strip():
            site_id = find_site(conn, site_ref).id
        elif role not in SITELESS_ROLES:
            raise AdminError(f"a user with role {role.value} needs a site (--site)")
        taken = conn.execute(
            sa.select(t.users.c.id).where(sa.func.lower(t.users.c.username) == username.lower())
        ).first()
        if taken:
            raise AdminError(f"the username {username!r} is taken", 409)
        team_id = None
        if team_ref is not None and str(team_ref).strip():
            team = find_team(conn, team_ref, site_id)
            _check_team_site(team, site_id, username)
            team_id = team.id
        user_id = uuid7()
        now = _now()
        conn.execute(
            sa.insert(t.users).values(
                id=user_id,
                username=username,
                display_name=display_name,
                role=role.value,
                site_id=site_id,
                team_id=team_id,
                password_hash=password_hash,
                created_at=now,
                password_changed_at=now,
                must_change_password=must_change_password,
            )
        )
        user = find_user(conn, user_id)
        _audit_user(
            conn,
            "user_created",
            user,
            by,
            role=role.value,
            site_id=str(site_id) if site_id else None,
            team_id=str(team_id) if team_id else None,
            must_change_password=must_change_password,
        )
        return user_out(user)


def reset_password(
    store: ServerStore,
    user_ref: str | uuid.UUID,
    password: str | None = None,
    *,
    by: uuid.UUID | None = None,
) -> PasswordResetOut:
    """Set a one-time password and sign the user out everywhere: they must change it at
    their next sign-in before anything else. Without ``password`` the server makes one up
    and answers it (once: only its hash is kept)."""
    made_up = None
    if password is None:
        password = made_up = security.new_one_time_password()
    try:
        password_hash = security.hash_password(password)
    except security.WeakPasswordError as exc:
        raise AdminError(str(exc)) from None
    with store.write() as conn:
        user = find_user(conn, user_ref)
        conn.execute(
            sa.update(t.users)
            .where(t.users.c.id == user.id)
            .values(
                password_hash=password_hash, password_changed_at=_now(), must_change_password=True
            )
        )
        revoked = _revoke(conn, t.tokens.c.user_id == user.id)
        _audit_user(
            conn,
            "user_password_reset",
            user,
            by,
            generated=made_up is not None,
            tokens_revoked=revoked,
        )
        out = user_out(find_user(conn, user.id))
    return PasswordResetOut(**out.model_dump(), one_time_password=made_up)


def _actor_name(conn: Connection, by: uuid.UUID | None) -> str:
    """Who made an admin change, by name: the administrator's username (or the CLI)."""
    if by is None:
        return audit.CLI_ACTOR
    name = conn.execute(sa.select(t.users.c.username).where(t.users.c.id == by)).scalar()
    return str(name) if name else f"administrator {by}"


def _audit_account(
    conn: Connection,
    action: str,
    by: uuid.UUID | None,
    subject: str = audit.SUBJECT_ACCOUNT,
    **detail: Any,
) -> None:
    """One audit row of an account change (who: ``by``, None from the command line)."""
    audit.record(
        conn,
        actor=None,
        actor_name=_actor_name(conn, by),
        action=action,
        subject=subject,
        detail=json.dumps(detail),
        station=audit.CLI_STATION if by is None else "",
        at=_now(),
        user_id=by,
    )


def _audit_user(
    conn: Connection,
    action: str,
    user: Row[*tuple[Any, ...]],
    by: uuid.UUID | None,
    **detail: Any,
) -> None:
    """The history of a change to ``user``: what was done to whom."""
    _audit_account(conn, action, by, user_id=str(user.id), username=user.username, **detail)


def set_role(
    store: ServerStore,
    user_ref: str | uuid.UUID,
    role: Role | str,
    site_ref: str | uuid.UUID | None = None,
    *,
    by: uuid.UUID | None = None,
) -> UserOut:
    """Give a user another role (and site); their tokens are revoked, since a token carries
    what its holder may see. The change is kept in the audit log."""
    try:
        role = Role(role)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise AdminError(f"unknown role {role!r}; choose one of {choices}") from None
    with store.write() as conn:
        user = find_user(conn, user_ref)
        site_id = user.site_id
        if site_ref is not None and str(site_ref).strip():
            site_id = find_site(conn, site_ref).id
        if site_id is None and role not in SITELESS_ROLES:
            raise AdminError(f"a user with role {role.value} needs a site (--site)")
        if role.value == user.role and site_id == user.site_id:
            return user_out(user)
        # A team belongs to a site; who leads a team is a team lead of that site.
        team_id = user.team_id if site_id == user.site_id else None
        conn.execute(
            sa.update(t.users)
            .where(t.users.c.id == user.id)
            .values(role=role.value, site_id=site_id, team_id=team_id)
        )
        led = 0
        if role is not Role.TEAM_LEAD or site_id != user.site_id:
            led = int(
                conn.execute(
                    sa.delete(t.team_leads).where(t.team_leads.c.user_id == user.id)
                ).rowcount
                or 0
            )
        revoked = _revoke(conn, t.tokens.c.user_id == user.id)
        _audit_user(
            conn,
            "user_role_changed",
            user,
            by,
            old_role=user.role,
            new_role=role.value,
            old_site_id=str(user.site_id) if user.site_id else None,
            new_site_id=str(site_id) if site_id else None,
            team_left=team_id != user.team_id,
            teams_no_longer_led=led,
            tokens_revoked=revoked,
        )
        return user_out(find_user(conn, user.id))


def set_active(
    store: ServerStore, user_ref: str | uuid.UUID, active: bool, *, by: uuid.UUID | None = None
) -> UserOut:
    """Deactivate a user (no sign-in, every token revoked; the user and their history stay)
    or activate them again."""
    with store.write() as conn:
        user = find_user(conn, user_ref)
        if by is not None and user.id == by and not active:
            raise AdminError("you cannot deactivate yourself", 409)
        if bool(user.active) == active:
            return user_out(user)
        conn.execute(
            sa.update(t.users)
            .where(t.users.c.id == user.id)
            .values(active=active, deactivated_at=None if active else _now())
        )
        revoked = 0 if active else _revoke(conn, t.tokens.c.user_id == user.id)
        action = "user_activated" if active else "user_deactivated"
        _audit_user(conn, action, user, by, tokens_revoked=revoked)
        return user_out(find_user(conn, user.id))


def unlock_user(store: ServerStore, username: str, *, by: uuid.UUID | None = None) -> bool:
    """Lift the sign-in lockout of ``username`` (also of a name no user has: the lock is on
    the name); True when it was locked."""
    key = login_throttle.account_key(_text(username, "the username"))
    with store.write() as conn:
        was_locked = login_throttle.unlock(conn, key)
        _audit_account(conn, "login_unlocked", by, username=key, was_locked=was_locked)
    return was_locked


def list_users(store: ServerStore) -> list[UserOut]:
    """Every user, with whether their sign-in is locked (the lock is on the lower-cased
    name)."""
    lt = t.login_throttle.c
    with store.read() as conn:
        rows = conn.execute(sa.select(t.users).order_by(t.users.c.username)).all()
        locked = set(
            conn.execute(
                sa.select(lt.key).where(
                    lt.kind == login_throttle.ACCOUNT, lt.locked_at.is_not(None)
                )
            ).scalars()
        )
    return [user_out(r, login_throttle.account_key(r.username) in locked) for r in rows]


# --- tokens -----------------------------------------------------------------------------


def _revoke(conn: Connection, condition: sa.ColumnElement[bool]) -> int:
    result = conn.execute(
        sa.update(t.tokens)
        .where(condition, t.tokens.c.revoked_at.is_(None))
        .values(revoked_at=_now())
    )
    return int(result.rowcount or 0)


def revoke_tokens(
    store: ServerStore,
    *,
    user: str | uuid.UUID | None = None,
    workstation: str | uuid.UUID | None = None,
    everything: bool = False,
) -> int:
    """Revoke the tokens of one user, of one workstation, or all; return how many."""
    if sum([user is not None, workstation is not None, everything]) != 1:
        raise AdminError("give exactly one of --user, --workstation or --all")
    with store.write() as conn:
        if user is not None:
            return _revoke(conn, t.tokens.c.user_id == find_user(conn, user).id)
        if workstation is not None:
            ws = find_workstation(conn, workstation)
            return _revoke(conn, t.tokens.c.workstation_id == ws.id)
        return _revoke(conn, sa.true())


# --- teams ------------------------------------------------------------------------------


def find_team(
    conn: Connection, ref: str | uuid.UUID, site_id: uuid.UUID | None = None
) -> Row[*tuple[Any, ...]]:
    """A team by id, or by name (within ``site_id`` when given; a name two sites both use
    needs the site or the id)."""
    as_id = ref if isinstance(ref, uuid.UUID) else _as_uuid(ref)
    tc = t.teams.c
    if as_id is not None:
        rows = conn.execute(sa.select(t.teams).where(tc.id == as_id)).all()
    else:
        query = sa.select(t.teams).where(tc.name == str(ref).strip())
        if site_id is not None:
            query = query.where(tc.site_id == site_id)
        rows = conn.execute(query).all()
    if not rows:
        raise AdminError(f"no team {str(ref)!r}; see `admin team list`", 404)
    if len(rows) > 1:
        raise AdminError(f"several sites have a team named {str(ref)!r}; give --site", 409)
    return rows[0]


def _site_name_of(conn: Connection, site_id: uuid.UUID | None) -> str:
    if site_id is None:
        return "no site"
    name = conn.execute(sa.select(t.sites.c.name).where(t.sites.c.id == site_id)).scalar()
    return str(name or site_id)


def _check_team_site(team: Row[*tuple[Any, ...]], site_id: uuid.UUID | None, who: str) -> None:
    """A team belongs to one site: only people of that site join or lead it."""
    if site_id != team.site_id:
        raise AdminError(
            f"{who} does not work at the site of team {team.name!r}; a team has people of "
            "its own site only"
        )


def _team_out(conn: Connection, team: Row[*tuple[Any, ...]]) -> TeamOut:
    u, tl = t.users.c, t.team_leads.c
    leads = conn.execute(
        sa.select(u.id, u.username, u.display_name)
        .join(t.team_leads, tl.user_id == u.id)
        .where(tl.team_id == team.id)
        .order_by(u.display_name, u.id)
    ).all()
    members = conn.execute(
        sa.select(sa.func.count()).select_from(t.users).where(u.team_id == team.id)
    ).scalar()
    return TeamOut(
        id=team.id,
        site_id=team.site_id,
        site_name=_site_name_of(conn, team.site_id),
        name=team.name,
        leads=[
            TeamLeadOut(user_id=r.id, username=r.username, display_name=r.display_name)
            for r in leads
        ],
        members=int(members or 0),
    )


def _audit_team(
    conn: Connection,
    action: str,
    team: Row[*tuple[Any, ...]],
    by: uuid.UUID | None,
    **detail: Any,
) -> None:
    _audit_account(
        conn,
        action,
        by,
        audit.SUBJECT_TEAM,
        team_id=str(team.id),
        team=team.name,
        site_id=str(team.site_id),
        **detail,
    )


def list_teams(store: ServerStore, site_ref: str | uuid.UUID | None = None) -> list[TeamOut]:
    """The teams (of one site when given), by site and name, with their leads."""
    with store.read() as conn:
        query = (
            sa.select(t.teams)
            .join(t.sites, t.sites.c.id == t.teams.c.site_id)
            .order_by(t.sites.c.name, t.teams.c.name)
        )
        if site_ref is not None and str(site_ref).strip():
            query = query.where(t.teams.c.site_id == find_site(conn, site_ref).id)
        return [_team_out(conn, row) for row in conn.execute(query).all()]


def get_team(store: ServerStore, team_ref: str | uuid.UUID) -> TeamOut:
    with store.read() as conn:
        return _team_out(conn, find_team(conn, team_ref))


def _name_free(conn: Connection, site_id: uuid.UUID, name: str, site_name: str) -> None:
    taken = conn.execute(
        sa.select(t.teams.c.id).where(t.teams.c.site_id == site_id, t.teams.c.name == name)
    ).first()
    if taken:
        raise AdminError(f"site {site_name!r} already has a team named {name!r}", 409)


def create_team(
    store: ServerStore, site_ref: str | uuid.UUID, name: str, *, by: uuid.UUID | None = None
) -> TeamOut:
    name = _text(name, "the team name")
    with store.write() as conn:
        site = find_site(conn, site_ref)
        _name_free(conn, site.id, name, site.name)
        team_id = uuid7()
        conn.execute(
            sa.insert(t.teams).values(id=team_id, site_id=site.id, name=name, created_at=_now())
        )
        team = find_team(conn, team_id)
        _audit_team(conn, "team_created", team, by)
        return _team_out(conn, team)


def rename_team(
    store: ServerStore,
    team_ref: str | uuid.UUID,
    name: str,
    *,
    site_ref: str | uuid.UUID | None = None,
    by: uuid.UUID | None = None,
) -> TeamOut:
    name = _text(name, "the team name")
    with store.write() as conn:
        team = find_team(conn, team_ref, _site_id(conn, site_ref))
        if name == team.name:
            return _team_out(conn, team)
        _name_free(conn, team.site_id, name, _site_name_of(conn, team.site_id))
        conn.execute(sa.update(t.teams).where(t.teams.c.id == team.id).values(name=name))
        _audit_team(conn, "team_renamed", team, by, new_name=name)
        return _team_out(conn, find_team(conn, team.id))


def delete_team(
    store: ServerStore,
    team_ref: str | uuid.UUID,
    *,
    site_ref: str | uuid.UUID | None = None,
    by: uuid.UUID | None = None,
) -> int:
    """Remove a team: its members keep working without a team (their reports only team
    leads see go to every team lead of the site again). Answers how many members it had."""
    with store.write() as conn:
        team = find_team(conn, team_ref, _site_id(conn, site_ref))
        members = int(
            conn.execute(
                sa.update(t.users).where(t.users.c.team_id == team.id).values(team_id=None)
            ).rowcount
            or 0
        )
        conn.execute(sa.delete(t.team_leads).where(t.team_leads.c.team_id == team.id))
        conn.execute(sa.delete(t.teams).where(t.teams.c.id == team.id))
        _audit_team(conn, "team_deleted", team, by, members=members)
        return members


def _site_id(conn: Connection, site_ref: str | uuid.UUID | None) -> uuid.UUID | None:
    if site_ref is None or not str(site_ref).strip():
        return None
    site_id: uuid.UUID = find_site(conn, site_ref).id
    return site_id


def set_team_lead(
    store: ServerStore,
    team_ref: str | uuid.UUID,
    user_ref: str | uuid.UUID,
    lead: bool = True,
    *,
    site_ref: str | uuid.UUID | None = None,
    by: uuid.UUID | None = None,
) -> TeamOut:
    """Make ``user_ref`` a reviewer of the team (``lead``) or no longer. Only an active team
    lead of the team's own site can lead it."""
    with store.write() as conn:
        team = find_team(conn, team_ref, _site_id(conn, site_ref))
        user = find_user(conn, user_ref)
        tl = t.team_leads.c
        current = conn.execute(
            sa.select(tl.user_id).where(tl.team_id == team.id, tl.user_id == user.id)
        ).first()
        if not lead:
            if current is None:
                raise AdminError(f"{user.username} does not lead team {team.name!r}", 409)
            conn.execute(
                sa.delete(t.team_leads).where(tl.team_id == team.id, tl.user_id == user.id)
            )
            _audit_team(conn, "team_lead_removed", team, by, user=user.username)
            return _team_out(conn, team)
        if user.role != Role.TEAM_LEAD.value:
            raise AdminError(
                f"{user.username} is not a team lead (role {user.role}); give them the role "
                "team_lead first"
            )
        if not user.active:
            raise AdminError(f"{user.username} is deactivated")
        _check_team_site(team, user.site_id, user.username)
        if current is None:
            conn.execute(
                sa.insert(t.team_leads).values(team_id=team.id, user_id=user.id, assigned_at=_now())
            )
            _audit_team(conn, "team_lead_added", team, by, user=user.username)
        return _team_out(conn, team)


def set_user_team(
    store: ServerStore,
    user_ref: str | uuid.UUID,
    team_ref: str | uuid.UUID | None,
    *,
    by: uuid.UUID | None = None,
) -> UserOut:
    """Put a user in a team of their own site, or in none (``team_ref`` None or empty)."""
    with store.write() as conn:
        user = find_user(conn, user_ref)
        team_id = None
        team_name = None
        if team_ref is not None and str(team_ref).strip():
            team = find_team(conn, team_ref, user.site_id)
            _check_team_site(team, user.site_id, user.username)
            team_id, team_name = team.id, team.name
        if team_id == user.team_id:
            return user_out(user)
        conn.execute(sa.update(t.users).where(t.users.c.id == user.id).values(team_id=team_id))
        _audit_user(
            conn,
            "user_team_changed",
            user,
            by,
            old_team_id=str(user.team_id) if user.team_id else None,
            new_team_id=str(team_id) if team_id else None,
            new_team=team_name,
        )
        return user_out(find_user(conn, user.id))


def foreign_led_teams(conn: Connection, user_id: uuid.UUID) -> frozenset[uuid.UUID]:
    """The teams that have a lead, but not ``user_id``: a report only team leads see, made
    by a member of one of these, is not for this team lead (server.sync)."""
    tl = t.team_leads.c
    mine = sa.select(tl.team_id).where(tl.user_id == user_id)
    rows = conn.execute(sa.select(tl.team_id).where(tl.team_id.not_in(mine)).distinct())
    return frozenset(rows.scalars())
