"""Who is calling: bearer tokens (stored as sha256, with expiry and revocation), workstation
enrolment with one-time codes, user login/logout/password change, and the FastAPI
dependencies that enforce roles on every route."""

from __future__ import annotations

import base64
import json
import os
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

import sqlalchemy as sa
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Connection

from veiligbalie.core.ids import uuid7
from veiligbalie.core.vocabulary import Role
from veiligbalie.protocol.auth import EnrollResponse, LoginResponse, MeResponse
from veiligbalie.server import audit, devices, login_throttle, security
from veiligbalie.server import schema as t
from veiligbalie.server.admin import (
    find_user,
    find_workstation,
    foreign_led_teams,
    user_out,
    workstation_out,
)
from veiligbalie.server.store import ServerStore

USER_TOKEN_HOURS = float(os.environ.get("VEILIGBALIE_SERVER_USER_TOKEN_HOURS", "12"))
#: Counter stations run unattended for years; revocation is the way to end one early.
WORKSTATION_TOKEN_DAYS = 730


class AuthError(Exception):
    def __init__(self, message: str, status_code: int = status.HTTP_401_UNAUTHORIZED) -> None:
        super().__init__(message)
        self.status_code = status_code


@dataclass(frozen=True)
class Principal:
    """The holder of a valid token: a user (with a role) or a workstation."""

    kind: Literal["user", "workstation"]
    token_id: uuid.UUID
    expires_at: datetime
    site_id: uuid.UUID | None
    share_log_with_employees: bool
    role: Role | None = None
    user_id: uuid.UUID | None = None
    username: str | None = None
    display_name: str = ""
    workstation_id: uuid.UUID | None = None
    #: A workstation's location as enrolled (the alarm's default location).
    location: str = ""
    #: The one-time password of an administrator's reset is still in use: every route but
    #: the password change, sign-out and ``/me`` refuses this principal.
    must_change_password: bool = False
    #: A team lead: the teams led by others but not by them (server.sync hides the reports
    #: only team leads see of these teams' members).
    foreign_led_teams: frozenset[uuid.UUID] = frozenset()

    @property
    def is_workstation(self) -> bool:
        return self.kind == "workstation"


def _now() -> datetime:
    return datetime.now(UTC)


_ws, _tk, _users, _sites = t.workstations, t.tokens, t.users, t.sites
#: Every request's first read: the token with, for a workstation's, the workstation and its
#: site, in one statement built once (built per call, the two statements this replaces
#: cost ~150 µs of SQLAlchemy's work; this one ~25 µs).
_TOKEN = (
    sa.select(
        _tk.c.id,
        _tk.c.kind,
        _tk.c.user_id,
        _tk.c.expires_at,
        _tk.c.revoked_at,
        _ws.c.id.label("ws_id"),
        _ws.c.site_id.label("ws_site_id"),
        _ws.c.name.label("ws_name"),
        _ws.c.location.label("ws_location"),
        _ws.c.revoked_at.label("ws_revoked_at"),
        _sites.c.share_log_with_employees.label("ws_share"),
    )
    .select_from(
        _tk.outerjoin(_ws, _ws.c.id == _tk.c.workstation_id).outerjoin(
            _sites, _sites.c.id == _ws.c.site_id
        )
    )
    .where(_tk.c.token_hash == sa.bindparam("token_hash"))
)
#: A user's token: the user with their site's setting (none without a site).
_USER = (
    sa.select(_users, _sites.c.share_log_with_employees.label("site_share"))
    .select_from(_users.outerjoin(_sites, _sites.c.id == _users.c.site_id))
    .where(_users.c.id == sa.bindparam("user_id"))
)


def authenticate(conn: Connection, token: str) -> Principal:
    """The principal of ``token``; raises AuthError when unknown, expired or revoked."""
    if not token or len(token) > 200:
        raise AuthError("invalid token")
    row = conn.execute(_TOKEN, {"token_hash": security.sha256_hex(token)}).first()
    if row is None:
        raise AuthError("invalid token")
    if row.revoked_at is not None:
        raise AuthError("the token was revoked; sign in again")
    if row.expires_at <= _now():
        raise AuthError("the token has expired; sign in again")
    if row.kind == "workstation":
        if row.ws_id is None or row.ws_share is None:  # (a workstation has a site)
            raise AuthError("the workstation no longer exists")
        if row.ws_revoked_at is not None:
            raise AuthError("the workstation was revoked")
        return Principal(
            kind="workstation",
            token_id=row.id,
            expires_at=row.expires_at,
            site_id=row.ws_site_id,
            share_log_with_employees=row.ws_share,
            display_name=row.ws_name,
            workstation_id=row.ws_id,
            location=row.ws_location or "",
        )
    user = conn.execute(_USER, {"user_id": row.user_id}).first()
    if user is None:
        raise AuthError("the user no longer exists")
    if not user.active:
        raise AuthError("the user was deactivated")
    share = bool(user.site_share)
    role = Role(user.role)
    return Principal(
        kind="user",
        token_id=row.id,
        expires_at=row.expires_at,
        site_id=user.site_id,
        share_log_with_employees=share,
        role=role,
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        must_change_password=bool(user.must_change_password),
        foreign_led_teams=(
            foreign_led_teams(conn, user.id) if role is Role.TEAM_LEAD else frozenset()
        ),
    )


def token_is_live(conn: Connection, token_id: uuid.UUID) -> bool:
    """Whether the token is still neither revoked nor expired (the stream re-checks it)."""
    row = conn.execute(
        sa.select(t.tokens.c.revoked_at, t.tokens.c.expires_at).where(t.tokens.c.id == token_id)
    ).first()
    return bool(row and row.revoked_at is None and row.expires_at > _now())


def issue_token(
    conn: Connection,
    kind: str,
    lifetime: timedelta,
    user_id: uuid.UUID | None = None,
    workstation_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> tuple[str, datetime]:
    token = security.new_token()
    now = now or _now()
    expires = now + lifetime
    conn.execute(
        sa.insert(t.tokens).values(
            id=uuid7(),
            token_hash=security.sha256_hex(token),
            kind=kind,
            user_id=user_id,
            workstation_id=workstation_id,
            created_at=now,
            expires_at=expires,
        )
    )
    return token, expires


def enroll(
    store: ServerStore,
    code: str,
    device_name: str | None = None,
    device_id: uuid.UUID | None = None,
) -> EnrollResponse:
    """Trade a one-time enrolment code for a workstation token and the site's LAN key."""
    now = _now()
    with store.write() as conn:
        row = conn.execute(
            sa.select(t.enrolment_codes).where(
                t.enrolment_codes.c.code_hash == security.hash_code(code)
            )
        ).first()
        if row is None:
            raise AuthError("unknown enrolment code", status.HTTP_400_BAD_REQUEST)
        if row.used_at is not None:
            raise AuthError("this enrolment code was already used", status.HTTP_400_BAD_REQUEST)
        if row.expires_at <= now:
            raise AuthError(
                "this enrolment code has expired; ask for a new one", status.HTTP_400_BAD_REQUEST
            )
        ws = conn.execute(
            sa.select(t.workstations).where(t.workstations.c.id == row.workstation_id)
        ).one()
        if ws.revoked_at is not None and row.created_at <= ws.revoked_at:
            # Revocation removes unused codes; this guards a code made before it all the same.
            raise AuthError(
                "this workstation was revoked; ask the administrator for a new code",
                status.HTTP_400_BAD_REQUEST,
            )
        conn.execute(
            sa.update(t.enrolment_codes).where(t.enrolment_codes.c.id == row.id).values(used_at=now)
        )
        site = conn.execute(sa.select(t.sites).where(t.sites.c.id == ws.site_id)).one()
        org = conn.execute(
            sa.select(t.organisations).where(t.organisations.c.id == site.organisation_id)
        ).one()
        # One station, one live token: a re-enrolment ends the earlier one.
        conn.execute(
            sa.update(t.tokens)
            .where(t.tokens.c.workstation_id == ws.id, t.tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        if device_id is not None:
            device_id = devices.bind_at_enrolment(conn, ws.id, ws.site_id, device_id, now)
        conn.execute(
            sa.update(t.workstations)
            .where(t.workstations.c.id == ws.id)
            .values(
                enrolled_at=now,
                last_seen_at=now,
                revoked_at=None,  # a new code from the administrator brings it back
                device_name=(device_name or "").strip()[:200] or None,
                device_id=device_id,
            )
        )
        token, _ = issue_token(
            conn, "workstation", timedelta(days=WORKSTATION_TOKEN_DAYS), workstation_id=ws.id
        )
    return EnrollResponse(
        workstation_id=ws.id,
        workstation_name=ws.name,
        token=token,
        site_id=site.id,
        site_name=site.name,
        location=ws.location,
        org_name=org.name,
        lan_key=base64.b64encode(site.lan_key).decode("ascii"),
        server_epoch=store.epoch,
        device_id=device_id,
    )


class LoginRefused(AuthError):
    """A sign-in refused before its password was looked at: 429 (back-off, with
    ``retry_after`` seconds) or 423 (the account is locked until an administrator lifts it)."""

    def __init__(self, message: str, status_code: int, retry_after: int = 0) -> None:
        super().__init__(message, status_code)
        self.retry_after = retry_after


WRONG_CREDENTIALS = "wrong username or password"
LOCKED_MESSAGE = (
    "this account is locked after repeated failed sign-ins; an administrator can unlock it"
)


def _audit_login(
    conn: Connection,
    action: str,
    username: str,
    address: str,
    at: datetime,
    user_id: uuid.UUID | None = None,
) -> None:
    """One audit row of a failed sign-in, a refusal or a lockout (never the password)."""
    detail = json.dumps({"username": username[:200], "address": address[:100]})
    audit.record(
        conn,
        actor=None,
        actor_name=f"sign-in from {address[:100]}",
        action=action,
        subject="account",
        detail=detail,
        station="",
        at=at,
        user_id=user_id,
    )


def _refused(refusal: login_throttle.Refusal) -> LoginRefused:
    if refusal.reason == "locked":
        return LoginRefused(LOCKED_MESSAGE, status.HTTP_423_LOCKED)
    return LoginRefused(
        f"too many failed sign-ins; try again in {refusal.retry_after} s",
        status.HTTP_429_TOO_MANY_REQUESTS,
        refusal.retry_after,
    )


def login(
    store: ServerStore,
    username: str,
    password: str,
    address: str = "unknown",
    *,
    now: datetime | None = None,
    policy: login_throttle.ThrottlePolicy | None = None,
) -> LoginResponse:
    """Sign in. Throttled per account and per source address (server.login_throttle); an
    unknown username, a wrong password and a deactivated user get the same answer."""
    policy = policy or login_throttle.ThrottlePolicy()
    now = now or _now()
    account = login_throttle.account_key(username)
    with store.write() as conn:
        refusal = login_throttle.refusal(conn, account, address, now)
        if refusal is not None:
            locked = login_throttle.record_failure(
                conn, login_throttle.ACCOUNT, account, now, policy
            )
            login_throttle.record_failure(conn, login_throttle.ADDRESS, address, now, policy)
            action = "login_refused_locked" if refusal.reason == "locked" else "login_refused"
            _audit_login(conn, action, account, address, now)
            if locked:
                _audit_login(conn, "login_locked", account, address, now)
            # The attempt counted: answer the wait it caused.
            refusal = login_throttle.refusal(conn, account, address, now) or refusal
    if refusal is not None:
        raise _refused(refusal)
    with store.read() as conn:
        user = conn.execute(
            sa.select(t.users).where(sa.func.lower(t.users.c.username) == account)
        ).first()
    # Verify even for an unknown user so both answers take the same time.
    ok = security.verify_password(user.password_hash if user else None, password)
    ok = ok and user is not None and bool(user.active)
    with store.write() as conn:
        if ok and user is not None and not login_throttle.is_locked(conn, account):
            login_throttle.forget_account(conn, account)
            token, expires = issue_token(
                conn, "user", timedelta(hours=USER_TOKEN_HOURS), user_id=user.id
            )
            return LoginResponse(token=token, expires_at=expires, user=user_out(user))
        user_id = user.id if user is not None else None
        if ok:  # the right password, but another process locked the account meanwhile
            _audit_login(conn, "login_refused_locked", account, address, now, user_id)
            locked = True
        else:
            locked = login_throttle.record_failure(
                conn, login_throttle.ACCOUNT, account, now, policy
            )
            login_throttle.record_failure(conn, login_throttle.ADDRESS, address, now, policy)
            _audit_login(conn, "login_failed", account, address, now, user_id)
            if locked:
                _audit_login(conn, "login_locked", account, address, now, user_id)
    if locked:
        raise LoginRefused(LOCKED_MESSAGE, status.HTTP_423_LOCKED)
    raise AuthError(WRONG_CREDENTIALS)


def logout(store: ServerStore, principal: Principal) -> None:
    with store.write() as conn:
        conn.execute(
            sa.update(t.tokens)
            .where(t.tokens.c.id == principal.token_id, t.tokens.c.revoked_at.is_(None))
            .values(revoked_at=_now())
        )


def change_password(
    store: ServerStore, principal: Principal, old_password: str, new_password: str
) -> None:
    """Change one's own password; every other token of the user is revoked."""
    if principal.user_id is None:
        raise AuthError("a workstation has no password", status.HTTP_403_FORBIDDEN)
    with store.read() as conn:
        user = conn.execute(sa.select(t.users).where(t.users.c.id == principal.user_id)).one()
    if not security.verify_password(user.password_hash, old_password):
        raise AuthError("the current password is wrong", status.HTTP_400_BAD_REQUEST)
    if old_password == new_password:
        raise AuthError("the new password equals the current one", status.HTTP_400_BAD_REQUEST)
    try:
        new_hash = security.hash_password(new_password)
    except security.WeakPasswordError as exc:
        raise AuthError(str(exc), status.HTTP_400_BAD_REQUEST) from None
    with store.write() as conn:
        conn.execute(
            sa.update(t.users)
            .where(t.users.c.id == user.id)
            .values(password_hash=new_hash, password_changed_at=_now(), must_change_password=False)
        )
        conn.execute(
            sa.update(t.tokens)
            .where(
                t.tokens.c.user_id == user.id,
                t.tokens.c.id != principal.token_id,
                t.tokens.c.revoked_at.is_(None),
            )
            .values(revoked_at=_now())
        )


def describe(store: ServerStore, principal: Principal) -> MeResponse:
    """What ``GET /me`` answers: the token's user or workstation and its site."""
    with store.read() as conn:
        site_name = None
        if principal.site_id is not None:
            site_name = conn.execute(
                sa.select(t.sites.c.name).where(t.sites.c.id == principal.site_id)
            ).scalar()
        user = workstation = None
        if principal.workstation_id is not None:
            workstation = workstation_out(find_workstation(conn, principal.workstation_id))
        if principal.user_id is not None:
            user = user_out(find_user(conn, principal.user_id))
    return MeResponse(
        kind=principal.kind,
        user=user,
        workstation=workstation,
        site_id=principal.site_id,
        site_name=site_name,
        share_log_with_employees=principal.share_log_with_employees,
        expires_at=principal.expires_at,
        server_epoch=store.epoch,
    )


# --- FastAPI dependencies ---------------------------------------------------------------

_bearer = HTTPBearer(auto_error=False, description="A user token (login) or workstation token")
#: The bearer credentials of a request as given (checked later by :func:`principal_of`).
BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


async def get_store(request: Request) -> ServerStore:
    # async: no I/O here, so FastAPI runs it on the loop instead of a thread-pool hop.
    store: ServerStore = request.app.state.store  # set by create_app
    return store


def current_principal(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),  # noqa: B008
) -> Principal:
    return principal_of(request.app.state.store, credentials)


def principal_of(
    store: ServerStore, credentials: HTTPAuthorizationCredentials | None, urgent: bool = False
) -> Principal:
    """The caller of a request with these credentials (401 when there is none or it is not
    valid): :func:`current_principal`'s work, for a dependency that runs it itself
    (``urgent``: on the alarm path, read from its own pool)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "a bearer token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    try:
        with store.read(urgent=urgent) as conn:
            return authenticate(conn, credentials.credentials)
    except AuthError as exc:
        raise HTTPException(
            exc.status_code, str(exc), headers={"WWW-Authenticate": "Bearer"}
        ) from None


PASSWORD_CHANGE_FIRST = "change your one-time password first"


def admit(
    principal: Principal, roles: frozenset[Role], workstation: bool, pending_password: bool = False
) -> Principal:
    """``principal`` when it is a user with one of ``roles`` (or a workstation, if
    ``workstation``); else 403. A user whose one-time password must still be changed is
    refused unless ``pending_password`` (the password change and sign-out)."""
    if principal.is_workstation:
        if workstation:
            return principal
    elif principal.role in roles:
        if principal.must_change_password and not pending_password:
            raise HTTPException(status.HTTP_403_FORBIDDEN, PASSWORD_CHANGE_FIRST)
        return principal
    raise HTTPException(status.HTTP_403_FORBIDDEN, "your role may not do this")


def require(
    *roles: Role, workstation: bool = False, pending_password: bool = False
) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency admitting users with one of ``roles`` (and workstations if asked); see
    :func:`admit` for the one-time password."""
    allowed = frozenset(roles)

    # async: a check without I/O, run on the loop (a sync one costs a thread-pool hop).
    async def dependency(principal: Principal = Depends(current_principal)) -> Principal:  # noqa: B008
        return admit(principal, allowed, workstation, pending_password)

    return dependency


ANY_USER = (
    Role.EMPLOYEE,
    Role.TEAM_LEAD,
    Role.SECURITY,
    Role.ADMINISTRATOR,
    Role.COORDINATOR,
    Role.PEER_SUPPORT,
    Role.PRIVACY_OFFICER,
)
#: Who syncs and reads reports (each sees only what server.sync's role rules admit; a
#: peer-support member only the follow-up tasks assigned to them).
INCIDENT_READERS = (
    Role.EMPLOYEE,
    Role.TEAM_LEAD,
    Role.SECURITY,
    Role.COORDINATOR,
    Role.PEER_SUPPORT,
)
#: Who acts on reports: assigns, answers, works the follow-up (team lead, coordinator).
REVIEWERS = (Role.TEAM_LEAD, Role.COORDINATOR)
