"""Routes of the audit log: administrators and privacy officers read it (and that reading is
itself written to it). No route changes or deletes an audit row.

Retention for administrators: ``GET|PUT /admin/retention`` and ``GET
/admin/retention/preview`` call the same functions as ``admin retention show|set|preview``
(the same checks and messages); a change is audited with who, when and from where."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, status

from veiligbalie.core.vocabulary import Role
from veiligbalie.protocol import privacy as pp
from veiligbalie.server import audit, retention
from veiligbalie.server.admin import AdminError
from veiligbalie.server.auth import Principal, get_store, require
from veiligbalie.server.store import ServerStore

Store = Annotated[ServerStore, Depends(get_store)]
Administrator = Annotated[Principal, Depends(require(Role.ADMINISTRATOR))]
AuditReader = Annotated[Principal, Depends(require(Role.ADMINISTRATOR, Role.PRIVACY_OFFICER))]

router = APIRouter(prefix="/api/v1")

_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "since is not before until, or a date without its time zone"},
    401: {"description": "no, unknown, expired or revoked token"},
    403: {"description": "only an administrator or a privacy officer reads the audit log"},
}


def entry_out(r: Any) -> pp.AuditEntryOut:
    return pp.AuditEntryOut(
        id=r.id,
        at=r.at,
        actor=r.actor,
        user_id=r.user_id,
        action=r.action,
        subject=r.subject,
        incident_id=r.incident_id,
        person_id=r.person_id,
        station=r.station,
        detail=r.detail,
    )


@router.get("/audit", response_model=pp.AuditPage, tags=["audit"], responses=_RESPONSES)
def read_audit(
    principal: AuditReader,
    store: Store,
    person: Annotated[uuid.UUID | None, Query(description="a dossier person's id")] = None,
    user: Annotated[
        str | None, Query(min_length=1, max_length=200, description="username or user id")
    ] = None,
    since: Annotated[datetime | None, Query(description="from this moment (inclusive)")] = None,
    until: Annotated[datetime | None, Query(description="before this moment")] = None,
    limit: Annotated[int, Query(ge=1, le=pp.AUDIT_LIMIT_MAX)] = 200,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
    x_vb_device: Annotated[uuid.UUID | None, Header()] = None,
) -> pp.AuditPage:
    """Rows of the audit log, newest first, filtered by person, user and period. Each read
    is itself written to the audit log (with the filter, never the rows)."""
    for moment in (since, until):
        if moment is not None and moment.tzinfo is None:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, "give dates with a time zone")
    if since is not None and until is not None and since >= until:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "since must be before until")
    f = audit.AuditFilter(person, user, since, until, limit, offset)
    with store.write() as conn:
        total, rows = audit.query(conn, f)
        audit.record(
            conn,
            actor=principal,
            action="audit.read",
            subject=audit.SUBJECT_AUDIT,
            person_id=person,
            detail=audit.describe_filter(f),
            station=audit.station_of(conn, principal, x_vb_device),
        )
    return pp.AuditPage(
        total=total, limit=limit, offset=offset, entries=[entry_out(r) for r in rows]
    )


_ADMIN: dict[int | str, dict[str, Any]] = {
    400: {"description": "a period outside 1..1200 months (the message says so)"},
    401: {"description": "no, unknown, expired or revoked token"},
    403: {"description": "only an administrator"},
}


def _retention_out(s: retention.RetentionSettings) -> pp.RetentionOut:
    return pp.RetentionOut(
        reports_months=s.reports_months,
        perpetrator_months=s.perpetrator_months,
        attachments_months=s.attachments_months,
    )


@router.get("/admin/retention", response_model=pp.RetentionOut, tags=["retention"],
            responses=_ADMIN)  # fmt: skip
def get_retention(_: Administrator, store: Store) -> pp.RetentionOut:
    with store.read() as conn:
        return _retention_out(retention.get_settings(conn))


@router.put("/admin/retention", response_model=pp.RetentionOut, tags=["retention"],
            responses=_ADMIN)  # fmt: skip
def put_retention(
    body: pp.RetentionIn,
    principal: Administrator,
    store: Store,
    x_vb_device: Annotated[uuid.UUID | None, Header()] = None,
) -> pp.RetentionOut:
    """Set the periods given (the others stay), as ``admin retention set``."""
    months = body.model_dump()
    if all(v is None for v in months.values()):
        raise AdminError("give reports_months, perpetrator_months and/or attachments_months")
    try:
        with store.write() as conn:
            settings = retention.set_settings(
                conn,
                actor=principal,
                station=audit.station_of(conn, principal, x_vb_device),
                **months,
            )
    except ValueError as exc:
        raise AdminError(str(exc)) from None
    return _retention_out(settings)


@router.get("/admin/retention/preview", response_model=pp.PurgePreview, tags=["retention"],
            responses=_ADMIN)  # fmt: skip
def preview_retention(_: Administrator, store: Store, request: Request) -> pp.PurgePreview:
    """What the next daily purge would remove (as ``admin retention preview``), counted at
    the moment it runs, and that moment."""
    daily = getattr(request.app.state, "daily_purge", None)
    next_run: datetime | None = getattr(daily, "next_run", None)
    clock = getattr(daily, "clock", retention.system_clock)
    at = next_run or clock()
    with store.read() as conn:
        counts = retention.preview(conn, at)
    return pp.PurgePreview(
        at=at,
        next_run=next_run,
        counts=[pp.PurgeCount(kind=k, count=c.count, oldest=c.oldest) for k, c in counts.items()],
    )
