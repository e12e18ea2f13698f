"""REST routes under /api/v1 (and /healthz): enrolment, sign-in, sync, incident reads and the
administrator's routes. Roles are enforced here through the dependencies of server.auth."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, TypeVar

import anyio.to_thread
from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

import veiligbalie
from veiligbalie.core.vocabulary import Role
from veiligbalie.protocol import admin as pa
from veiligbalie.protocol import auth as pauth
from veiligbalie.protocol import sync as ps
from veiligbalie.protocol.base import nul_free_context
from veiligbalie.protocol.incidents import IncidentDetail, IncidentList
from veiligbalie.server import admin, auth, sync
from veiligbalie.server.auth import INCIDENT_READERS, Principal, get_store, require
from veiligbalie.server.store import ServerStore

Store = Annotated[ServerStore, Depends(get_store)]
AnyToken = Annotated[Principal, Depends(auth.current_principal)]
AnyUser = Annotated[Principal, Depends(require(*auth.ANY_USER, pending_password=True))]
SyncCaller = Annotated[Principal, Depends(require(*INCIDENT_READERS, workstation=True))]
Administrator = Annotated[Principal, Depends(require(Role.ADMINISTRATOR))]

_401: dict[int | str, dict[str, Any]] = {
    401: {"description": "no, unknown, expired or revoked token"}
}
_403: dict[int | str, dict[str, Any]] = {
    403: {"description": "the role may not use this route"},
    **_401,
}

router = APIRouter()
api = APIRouter(prefix="/api/v1")

_Wire = TypeVar("_Wire", bound=BaseModel)


@router.get("/healthz", response_model=ps.HealthResponse, tags=["health"])
def healthz(store: Store) -> ps.HealthResponse:
    # The store refuses any backend but these two when it opens; its attribute is a plain str.
    return ps.HealthResponse(
        epoch=store.epoch,
        database=store.backend,  # type: ignore[arg-type]  # sqlite or postgresql
        version=veiligbalie.__version__,
        api=ps.API_VERSION,
    )


# --- enrolment and sign-in --------------------------------------------------------------


@api.post(
    "/enroll",
    response_model=pauth.EnrollResponse,
    tags=["auth"],
    description=(
        "Trade a one-time enrolment code for a workstation token and the site's LAN key. "
        "A `device_id` sent along is bound to the workstation; when another workstation "
        "already holds it (a cloned disk image), the answer's `device_id` is a fresh one "
        "bound to this workstation, and the client must push under that one."
    ),
    responses={400: {"description": "unknown, used or expired code"}},
)
def enroll(body: pauth.EnrollRequest, store: Store) -> pauth.EnrollResponse:
    return auth.enroll(store, body.code, body.device_name, body.device_id)


_LOGIN_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "wrong username or password (the same answer for an unknown user)"},
    423: {"description": "the account is locked after repeated failed sign-ins"},
    429: {
        "description": "too many failed sign-ins: wait the seconds in Retry-After",
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    },
}


@api.post(
    "/auth/login", response_model=pauth.LoginResponse, tags=["auth"], responses=_LOGIN_RESPONSES
)
def login(body: pauth.LoginRequest, store: Store, request: Request) -> pauth.LoginResponse:
    """Sign in. Failed sign-ins slow down (429 with Retry-After) and then lock the account
    (423) until an administrator unlocks it; an unknown username answers exactly like a
    wrong password."""
    address = request.client.host if request.client else "unknown"
    return auth.login(
        store,
        body.username,
        body.password,
        address,
        now=request.app.state.clock(),
        policy=request.app.state.login_policy,
    )


@api.post("/auth/logout", response_model=pauth.Message, tags=["auth"], responses=_403)
def logout(principal: AnyUser, store: Store) -> pauth.Message:
    auth.logout(store, principal)
    return pauth.Message(detail="signed out")


@api.post(
    "/auth/password",
    response_model=pauth.Message,
    tags=["auth"],
    responses={
        400: {
            "description": "the current password is wrong, the new one equals it, or the new "
            "one is too weak (too short, only spaces, or a common password)"
        },
        **_403,
    },
)
def change_password(
    body: pauth.PasswordChangeRequest, principal: AnyUser, store: Store
) -> pauth.Message:
    auth.change_password(store, principal, body.old_password, body.new_password)
    return pauth.Message(detail="password changed; other sessions were signed out")


@api.get("/me", response_model=pauth.MeResponse, tags=["auth"], responses=_401)
def me(principal: AnyToken, store: Store) -> pauth.MeResponse:
    return auth.describe(store, principal)


# --- sync -------------------------------------------------------------------------------


_PUSH_DESCRIPTION = """Apply a batch of one device's outbox (idempotent, one transaction).

The answer's `status` is `ok`, or `device_bound_elsewhere`: the `device_id` belongs to
another workstation or user (it is bound to whoever used it first, at enrolment or on a
first push), nothing was stored or answered, and `detail` says why. The client then takes
a new device id and pushes again.

With `ok`, every change is in one list: `accepted` (stored, or stored earlier: a repeat
with the same `change_id` gets the recorded answer), `rejected`, `conflicts`, or
`collisions`: `(device_id, device_seq)` already holds a change with another `change_id`
(two copies of one device), so nothing was stored for it (reason
`device_seq_collision`); the client takes a new device id and pushes it again.
"""


_PUSH_ROUTE: dict[str, Any] = {
    "response_model": ps.PushResponse,
    "tags": ["sync"],
    "description": _PUSH_DESCRIPTION,
    "responses": {
        400: {"description": "the X-VB-Device header differs from the body's device_id"},
        409: {"model": ps.EpochMismatch, "description": "server epoch changed"},
        **_403,
    },
}


@api.post("/sync/push", name="push", include_in_schema=False, **_PUSH_ROUTE)
async def push(
    principal: SyncCaller,
    store: Store,
    request: Request,
    x_vb_device: Annotated[uuid.UUID | None, Header()] = None,
) -> Response:
    """The body is read here and checked and applied on a push's own worker thread, in its
    turn (:data:`sync.push_turns`): not on the event loop, as a declared body would be, nor
    on a thread of the shared pool while waiting. When every station pushes at once after
    an outage, an alarm does not wait behind their checking and the other routes keep their
    threads. The document describes it by :func:`push_as_documented`."""
    raw = await request.body()

    def apply() -> Response:
        body = wire_body(ps.PushRequest, raw)
        if x_vb_device is not None and x_vb_device != body.device_id:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, "X-VB-Device differs from device_id")
        try:
            outcome = sync.push(store, principal, body)
        except sync.EpochMismatchError as exc:
            return _epoch_mismatch(exc)
        if outcome.visibilities:
            # One per distinct visibility (a push of 500 new reports logs ~2,700 changes whose
            # visibilities are a handful of distinct ones): each connected client is checked
            # against these.
            seen = list(dict.fromkeys(outcome.visibilities))
            hub = request.app.state.hub
            # Coordinators and the peer-support team follow other sites' reports too.
            for site in {outcome.site_id, *(v.site_id for v in seen), *hub.sites()}:
                hub.publish(
                    site,
                    {"type": "changes", "cursor": outcome.cursor},
                    lambda who: any(sync.may_see(who, v) for v in seen),
                )
        return Response(
            outcome.response.model_dump_json(by_alias=True), media_type="application/json"
        )

    return await anyio.to_thread.run_sync(apply, limiter=sync.push_turns)


#: Routes that read their own body are described in /openapi.json by a twin declared the
#: usual way (app.py adds these to the document, never to the routes served).
documented_only = APIRouter(prefix="/api/v1")


@documented_only.post("/sync/push", name="push", **_PUSH_ROUTE)
def push_as_documented(
    body: ps.PushRequest,
    principal: SyncCaller,
    store: Store,
    x_vb_device: Annotated[uuid.UUID | None, Header()] = None,
) -> ps.PushResponse:
    """:func:`push` as the document shows it; never served."""
    raise AssertionError("push_as_documented is not served")


def wire_body(model: type[_Wire], raw: bytes) -> _Wire:
    """A request body read by the route itself, checked as FastAPI checks a declared one:
    what does not fit ``model`` is answered 422 with the same kind of detail."""
    try:
        # A body without a NUL escape skips the NUL walk of every payload (~2 % of a push).
        return model.model_validate_json(raw, context=nul_free_context(raw))
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        raise RequestValidationError(errors) from None


def _epoch_mismatch(exc: sync.EpochMismatchError) -> Response:
    body = ps.EpochMismatch(detail=str(exc), epoch=exc.epoch)
    return Response(
        body.model_dump_json(), status_code=status.HTTP_409_CONFLICT, media_type="application/json"
    )


@api.get("/sync/pull", response_model=ps.PullResponse, tags=["sync"], responses=_403)
def pull(
    principal: SyncCaller,
    store: Store,
    cursor: Annotated[int, Query(ge=0, le=ps.INT64_MAX)] = 0,
    limit: Annotated[int, Query(ge=1, le=ps.PULL_LIMIT_MAX)] = ps.PULL_LIMIT_DEFAULT,
    x_vb_device: Annotated[uuid.UUID | None, Header()] = None,
) -> Response:
    """The caller's visible changes after `cursor`. `origin_device` is set only on the
    pulling device's own changes (the X-VB-Device header), null on everyone else's."""
    # Built as text: payloads are stored as JSON and copied, not parsed (100,000 in seconds).
    answer = sync.pull(store, principal, cursor, limit, x_vb_device)
    return Response(answer, media_type="application/json")


# --- incidents --------------------------------------------------------------------------


@api.get("/incidents", response_model=IncidentList, tags=["incidents"], responses=_403)
def incidents(
    principal: SyncCaller,
    store: Store,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0, le=ps.INT64_MAX)] = 0,
    reference: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
) -> IncidentList:
    """The reports you may see, newest first; ``reference`` finds a report by its final
    number or by the provisional number its station gave it first."""
    return sync.list_incidents(store, principal, limit, offset, reference)


@api.get(
    "/incidents/{incident_id}",
    response_model=IncidentDetail,
    tags=["incidents"],
    responses={404: {"description": "no such incident, or not visible to you"}, **_403},
)
def incident(
    incident_id: uuid.UUID,
    principal: SyncCaller,
    store: Store,
    x_vb_device: Annotated[uuid.UUID | None, Header()] = None,
) -> IncidentDetail:
    try:
        return sync.incident_detail(store, principal, incident_id, x_vb_device)
    except KeyError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such incident") from None


# --- administration ---------------------------------------------------------------------

_admin_responses: dict[int | str, dict[str, Any]] = {
    400: {"description": "invalid input"},
    404: {"description": "not found"},
    409: {"description": "already exists, or the organisation is missing"},
    **_403,
}
adm = APIRouter(prefix="/admin", tags=["admin"], responses=_admin_responses)


@adm.get("/organisation", response_model=pa.OrganisationOut)
def get_organisation(_: Administrator, store: Store) -> pa.OrganisationOut:
    org = admin.get_organisation(store)
    if org is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no organisation yet")
    return org


@adm.post("/organisation", response_model=pa.OrganisationOut, status_code=201)
def create_organisation(
    body: pa.OrganisationIn, _: Administrator, store: Store
) -> pa.OrganisationOut:
    return admin.create_organisation(store, body.name, body.address)


@adm.get("/sites", response_model=list[pa.SiteOut])
def list_sites(_: Administrator, store: Store) -> list[pa.SiteOut]:
    return admin.list_sites(store)


@adm.post("/sites", response_model=pa.SiteOut, status_code=201)
def create_site(body: pa.SiteIn, _: Administrator, store: Store) -> pa.SiteOut:
    return admin.create_site(store, body.name, body.share_log_with_employees)


@adm.patch("/sites/{site_id}", response_model=pa.SiteOut)
def update_site(
    site_id: uuid.UUID, body: pa.SiteUpdate, _: Administrator, store: Store
) -> pa.SiteOut:
    return admin.set_site_sharing(store, site_id, body.share_log_with_employees)


@adm.get("/workstations", response_model=list[pauth.WorkstationOut])
def list_workstations(_: Administrator, store: Store) -> list[pauth.WorkstationOut]:
    return admin.list_workstations(store)


@adm.post("/workstations", response_model=pa.WorkstationCreated, status_code=201)
def create_workstation(
    body: pa.WorkstationIn, principal: Administrator, store: Store
) -> pa.WorkstationCreated:
    return admin.create_workstation(
        store, body.site_id, body.name, body.location, body.expires_hours, by=principal
    )


@adm.patch("/workstations/{workstation_id}", response_model=pa.WorkstationMoved)
def move_workstation(
    workstation_id: uuid.UUID,
    body: pa.WorkstationMove,
    principal: Administrator,
    store: Store,
    request: Request,
) -> pa.WorkstationMoved:
    """Move a workstation to another location (and site). Within its site the station
    keeps its link and hears its new location at once; a move to another site ends the
    link and answers a new enrolment code (the other site's LAN key comes with enrolment)."""
    moved = admin.move_workstation(
        store, workstation_id, body.location, body.site_id, body.expires_hours, by=principal
    )
    runtime = getattr(request.app.state, "alarms", None)
    if runtime is not None and moved.enrolment is None:
        runtime.relocated(moved.workstation.id, moved.workstation.location)
    elif runtime is not None:
        runtime.ended(moved.workstation.id)  # its link ended: to be linked at the new site
    return moved


@adm.post("/workstations/{workstation_id}/revoke", response_model=pa.WorkstationRevoked)
def revoke_workstation(
    workstation_id: uuid.UUID, principal: Administrator, store: Store, request: Request
) -> pa.WorkstationRevoked:
    """Revoke a workstation: its tokens end (its stream closes), its unused codes are
    removed, and no code issued before now links it again."""
    revoked = admin.revoke_workstation(store, workstation_id, by=principal)
    runtime = getattr(request.app.state, "alarms", None)
    if runtime is not None:
        runtime.ended(revoked.workstation.id)
    return revoked


@adm.post(
    "/workstations/{workstation_id}/enrolment-code",
    response_model=pa.EnrolmentCodeOut,
    status_code=201,
)
def new_enrolment_code(
    workstation_id: uuid.UUID,
    principal: Administrator,
    store: Store,
    expires_hours: Annotated[int, Query(ge=1, le=admin.ENROLMENT_HOURS_MAX)] = 24,
) -> pa.EnrolmentCodeOut:
    return admin.new_enrolment_code(store, workstation_id, expires_hours, by=principal)


@adm.get("/users", response_model=list[pauth.UserOut])
def list_users(_: Administrator, store: Store) -> list[pauth.UserOut]:
    return admin.list_users(store)


@adm.post("/users", response_model=pauth.UserOut, status_code=201)
def create_user(body: pa.UserIn, principal: Administrator, store: Store) -> pauth.UserOut:
    return admin.create_user(
        store,
        body.username,
        body.display_name,
        body.role,
        body.site_id,
        body.password,
        body.team_id,
        must_change_password=body.must_change_password,
        by=principal.user_id,
    )


@adm.post("/users/{user_id}/password", response_model=pa.PasswordResetOut)
def reset_password(
    user_id: uuid.UUID, body: pa.PasswordResetRequest, principal: Administrator, store: Store
) -> pa.PasswordResetOut:
    """Set a one-time password (made up by the server when none is given, and answered
    once); the user is signed out everywhere and must change it at the next sign-in."""
    return admin.reset_password(store, user_id, body.password, by=principal.user_id)


@adm.put("/users/{user_id}/team", response_model=pauth.UserOut)
def set_user_team(
    user_id: uuid.UUID, body: pa.UserTeamUpdate, principal: Administrator, store: Store
) -> pauth.UserOut:
    """Put a user in a team of their own site, or in none (null)."""
    return admin.set_user_team(store, user_id, body.team_id, by=principal.user_id)


@adm.get("/teams", response_model=list[pa.TeamOut])
def list_teams(
    _: Administrator, store: Store, site_id: Annotated[uuid.UUID | None, Query()] = None
) -> list[pa.TeamOut]:
    return admin.list_teams(store, site_id)


@adm.post("/teams", response_model=pa.TeamOut, status_code=201)
def create_team(body: pa.TeamIn, principal: Administrator, store: Store) -> pa.TeamOut:
    return admin.create_team(store, body.site_id, body.name, by=principal.user_id)


@adm.patch("/teams/{team_id}", response_model=pa.TeamOut)
def rename_team(
    team_id: uuid.UUID, body: pa.TeamRename, principal: Administrator, store: Store
) -> pa.TeamOut:
    return admin.rename_team(store, team_id, body.name, by=principal.user_id)


@adm.delete("/teams/{team_id}", response_model=pauth.Message)
def delete_team(team_id: uuid.UUID, principal: Administrator, store: Store) -> pauth.Message:
    """Remove a team; its members stay, without a team."""
    members = admin.delete_team(store, team_id, by=principal.user_id)
    return pauth.Message(detail=f"team removed; {members} member(s) now have no team")


@adm.put("/teams/{team_id}/leads/{user_id}", response_model=pa.TeamOut)
def add_team_lead(
    team_id: uuid.UUID, user_id: uuid.UUID, principal: Administrator, store: Store
) -> pa.TeamOut:
    """A team lead of the team's site reviews the team: a member's report marked "only my
    team lead" goes to the team's leads (and coordinators), not every lead of the site."""
    return admin.set_team_lead(store, team_id, user_id, True, by=principal.user_id)


@adm.delete("/teams/{team_id}/leads/{user_id}", response_model=pa.TeamOut)
def remove_team_lead(
    team_id: uuid.UUID, user_id: uuid.UUID, principal: Administrator, store: Store
) -> pa.TeamOut:
    return admin.set_team_lead(store, team_id, user_id, False, by=principal.user_id)


@adm.put("/users/{user_id}/role", response_model=pauth.UserOut)
def set_role(
    user_id: uuid.UUID, body: pa.UserRoleUpdate, principal: Administrator, store: Store
) -> pauth.UserOut:
    """Give a user another role (and site); every token of the user is revoked."""
    return admin.set_role(store, user_id, body.role, body.site_id, by=principal.user_id)


@adm.put("/users/{user_id}/active", response_model=pauth.UserOut)
def set_active(
    user_id: uuid.UUID, body: pa.UserActiveUpdate, principal: Administrator, store: Store
) -> pauth.UserOut:
    """Deactivate (every token revoked, no sign-in) or activate a user again."""
    return admin.set_active(store, user_id, body.active, by=principal.user_id)


@adm.post("/users/unlock", response_model=pa.UnlockResponse)
def unlock_user(
    body: pa.UnlockRequest, principal: Administrator, store: Store
) -> pa.UnlockResponse:
    """Lift the lockout of a username after repeated failed sign-ins."""
    return pa.UnlockResponse(
        was_locked=admin.unlock_user(store, body.username, by=principal.user_id)
    )


@adm.post("/tokens/revoke", response_model=pa.TokenRevokeResponse)
def revoke_tokens(
    body: pa.TokenRevokeRequest, _: Administrator, store: Store
) -> pa.TokenRevokeResponse:
    count = admin.revoke_tokens(
        store, user=body.user_id, workstation=body.workstation_id, everything=body.all
    )
    return pa.TokenRevokeResponse(revoked=count)


api.include_router(adm)
router.include_router(api)
