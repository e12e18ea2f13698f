"""Routes of the team lead's review: the people to assign to, a report's attachments (stored
content-addressed in the server's files folder, served under the report's visibility), and
alarms that still need follow-up.

Attachment upload: the body is streamed to a temporary file in the files folder, hashed on
the way, fsynced, checked against the path's SHA-256 and the size in the report's list, and
only then renamed to its final name. A crash at any moment leaves at most a temporary file
(removed at the next start), never a half file under a final name.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Annotated, Any
from urllib.parse import unquote

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, status
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, JSONResponse
from starlette.concurrency import run_in_threadpool

from veiligbalie.core.limits import ALLOWED_SUFFIXES, MAX_ATTACHMENT_BYTES
from veiligbalie.core.vocabulary import AlarmState, Role
from veiligbalie.protocol import review as pr_
from veiligbalie.server import audit as audit_log
from veiligbalie.server import schema as t
from veiligbalie.server import sync
from veiligbalie.server.alarms import reported_late
from veiligbalie.server.auth import INCIDENT_READERS, REVIEWERS, Principal, get_store, require
from veiligbalie.server.store import ServerStore

Store = Annotated[ServerStore, Depends(get_store)]
Reader = Annotated[Principal, Depends(require(*INCIDENT_READERS, workstation=True))]
Reviewer = Annotated[Principal, Depends(require(*REVIEWERS))]
Sha256 = Annotated[str, PathParam(pattern="^[0-9a-fA-F]{64}$")]

#: The attachment upload path (the body limit of the app lets these through up to
#: MAX_ATTACHMENT_BYTES instead of the general cap).
UPLOAD_PATH = re.compile(r"^/api/v1/incidents/[^/]+/attachments/[^/]+$")
_CHUNK = 1024 * 1024
_INCOMING = ".incoming"

_401: dict[int | str, dict[str, Any]] = {
    401: {"description": "no, unknown, expired or revoked token"}
}
_403: dict[int | str, dict[str, Any]] = {
    403: {"description": "the role may not use this route"},
    **_401,
}
_404: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such report, or not visible to you"},
    **_403,
}

router = APIRouter(prefix="/api/v1")


# --- the files folder -------------------------------------------------------------------


def prepare_files_dir(folder: Path) -> Path:
    """Create the files folder; remove temporary files a crash left behind."""
    folder = Path(folder)
    (folder / _INCOMING).mkdir(parents=True, exist_ok=True)
    for leftover in (folder / _INCOMING).iterdir():
        with contextlib.suppress(OSError):
            leftover.unlink()
    return folder.resolve()


def stored_path(folder: Path, sha256: str) -> Path:
    return folder / sha256[:2] / sha256


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _files(request: Request) -> Path:
    folder: Path = request.app.state.files_dir
    return folder


# --- people -----------------------------------------------------------------------------


@router.get("/people", response_model=list[pr_.PersonOut], tags=["review"], responses=_404)
def people(
    principal: Reviewer,
    store: Store,
    incident: Annotated[uuid.UUID | None, Query()] = None,
) -> list[pr_.PersonOut]:
    """Whom a report or task can be given to: the team leads of your site (a coordinator:
    of every site), the coordinators and the peer-support team. Reviewers only.

    With ``incident`` (a report you may see): the team leads of the reporter's team come
    first (``leads_reporters_team``); for a report marked "only my team lead" by a member
    of a team with team leads, they are the only team leads listed."""
    u = t.users.c
    leads = u.role == Role.TEAM_LEAD.value
    if principal.role is not Role.COORDINATOR:
        leads = sa.and_(leads, u.site_id == principal.site_id)
    clause = sa.or_(leads, u.role.in_([Role.COORDINATOR.value, Role.PEER_SUPPORT.value]))
    team_leads: set[uuid.UUID] = set()
    only_team = False
    with store.read() as conn:
        if incident is not None:
            row = conn.execute(sa.select(t.incidents).where(t.incidents.c.id == incident)).first()
            if row is None or not sync.may_see(principal, sync.visibility_of(row)):
                raise HTTPException(status.HTTP_404_NOT_FOUND, "no such incident")
            if row.team_id is not None:
                team_leads = set(
                    conn.execute(
                        sa.select(t.team_leads.c.user_id).where(
                            t.team_leads.c.team_id == row.team_id
                        )
                    ).scalars()
                )
                only_team = bool(row.team_lead_only and team_leads)
        rows = conn.execute(
            sa.select(u.id, u.display_name, u.role, u.site_id)
            .where(clause)
            .order_by(u.role, u.display_name, u.id)
        ).all()
    found = [
        pr_.PersonOut(
            id=r.id,
            display_name=r.display_name,
            role=Role(r.role),
            site_id=r.site_id,
            leads_reporters_team=r.id in team_leads,
        )
        for r in rows
        if not (only_team and r.role == Role.TEAM_LEAD.value and r.id not in team_leads)
    ]
    found.sort(key=lambda person: not person.leads_reporters_team)  # stable: then as before
    return found


# --- attachments ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Listed:
    sha256: str
    name: str
    size: int
    mime_type: str


def _listed(data: dict[str, Any]) -> dict[str, _Listed]:
    out: dict[str, _Listed] = {}
    for item in data.get("attachments") or []:
        if not isinstance(item, dict):
            continue
        sha = str(item.get("sha256") or "").lower()
        if not re.fullmatch(r"[0-9a-f]{64}", sha):
            continue
        try:
            size = int(item.get("size") or 0)
        except (TypeError, ValueError):
            size = 0
        out[sha] = _Listed(
            sha,
            str(item.get("original_name") or item.get("name") or sha),
            size,
            str(item.get("mime_type") or "application/octet-stream"),
        )
    return out


def _visible_incident(
    store: ServerStore, principal: Principal, incident_id: uuid.UUID
) -> tuple[Any, sync.Visibility, set[str]]:
    """The report row, its visibility and the uploaded sha256s; 404 when not visible."""
    with store.read() as conn:
        row = conn.execute(sa.select(t.incidents).where(t.incidents.c.id == incident_id)).first()
        if row is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such incident")
        vis = sync.visibility_of(row)
        if not sync.may_see(principal, vis):
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such incident")
        uploaded = set(
            conn.execute(
                sa.select(t.attachment_uploads.c.sha256).where(
                    t.attachment_uploads.c.incident_id == incident_id
                )
            ).scalars()
        )
    return row, vis, uploaded


@router.get(
    "/incidents/{incident_id}/attachments",
    response_model=list[pr_.AttachmentOut],
    tags=["incidents"],
    responses=_404,
)
def attachments(incident_id: uuid.UUID, principal: Reader, store: Store) -> list[pr_.AttachmentOut]:
    """The report's attachment list, and which files reached the server."""
    row, _vis, uploaded = _visible_incident(store, principal, incident_id)
    return [
        pr_.AttachmentOut(
            sha256=a.sha256,
            name=a.name,
            size=a.size,
            mime_type=a.mime_type,
            uploaded=a.sha256 in uploaded,
        )
        for a in _listed(dict(row.data)).values()
    ]


def _suffix_allowed(name: str) -> bool:
    return PurePosixPath(name.replace("\\", "/")).suffix.lower() in ALLOWED_SUFFIXES


def _upload_target(
    store: ServerStore, principal: Principal, incident_id: uuid.UUID, sha: str, filename: str
) -> tuple[_Listed, bool]:
    row, vis, uploaded = _visible_incident(store, principal, incident_id)
    if not sync.is_owner(principal, vis):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "only the reporter or its workstation uploads the files"
        )
    listed = _listed(dict(row.data)).get(sha)
    if listed is None:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, "this file is not in the report's attachment list"
        )
    if not _suffix_allowed(listed.name) or (filename and not _suffix_allowed(filename)):
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "this is not a file type a report may carry"
        )
    if listed.size > MAX_ATTACHMENT_BYTES:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE,
            f"a file may be at most {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB",
        )
    return listed, sha in uploaded


def _record_upload(
    store: ServerStore, principal: Principal, incident_id: uuid.UUID, listed: _Listed
) -> bool:
    """Note that the report's file arrived; False when it was noted before."""
    with store.write() as conn:
        au = t.attachment_uploads.c
        known = conn.execute(
            sa.select(au.sha256).where(au.incident_id == incident_id, au.sha256 == listed.sha256)
        ).first()
        if known is not None:
            return False
        conn.execute(
            sa.insert(t.attachment_uploads).values(
                incident_id=incident_id,
                sha256=listed.sha256,
                size=listed.size,
                uploaded_by=(principal.username or principal.display_name)[:200],
                uploaded_at=datetime.now(UTC),
            )
        )
    return True


def _finish_file(tmp: Path, final: Path) -> None:
    """fsync the complete temporary file, then give it its final name (atomically)."""
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():
        tmp.unlink()  # stored once: identical bytes are already there
        return
    os.replace(tmp, final)
    _fsync_dir(final.parent)


@router.put(
    "/incidents/{incident_id}/attachments/{sha256}",
    response_model=pr_.AttachmentOut,
    status_code=status.HTTP_201_CREATED,
    tags=["incidents"],
    responses={
        200: {"description": "the file was here already (stored once)"},
        400: {"description": "not in the report's list, or the bytes differ from the checksum"},
        413: {"description": "larger than the limit"},
        415: {"description": "not a file type a report may carry"},
        **_404,
    },
)
async def upload_attachment(
    incident_id: uuid.UUID,
    sha256: Sha256,
    request: Request,
    principal: Reader,
    store: Store,
    content_length: Annotated[int | None, Header()] = None,
    x_vb_filename: Annotated[str | None, Header()] = None,
) -> Any:
    """Upload one file of the report's attachment list (raw body). Only the reporter or
    its workstation; the body's SHA-256 must equal the path's. 201 stored, 200 already here."""
    sha = sha256.lower()
    filename = unquote(x_vb_filename or "")
    listed, already = await run_in_threadpool(
        _upload_target, store, principal, incident_id, sha, filename
    )
    if content_length is not None and content_length > MAX_ATTACHMENT_BYTES:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "the file is too large")
    folder = _files(request)
    fd, name = tempfile.mkstemp(prefix="up-", dir=folder / _INCOMING)
    tmp = Path(name)
    digest = hashlib.sha256()
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            async for chunk in request.stream():
                if not chunk:
                    continue
                size += len(chunk)
                if size > MAX_ATTACHMENT_BYTES:
                    raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "the file is too large")
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != sha:
            raise HTTPException(
                status.HTTP_400_BAD_REQUEST, "the file's SHA-256 differs from the one given"
            )
        if listed.size and size != listed.size:
            raise HTTPException(
                status.HTTP_400_BAD_REQUEST, "the file's size differs from the report's list"
            )
        await run_in_threadpool(_finish_file, tmp, stored_path(folder, sha))
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    created = await run_in_threadpool(_record_upload, store, principal, incident_id, listed)
    body = pr_.AttachmentOut(
        sha256=sha, name=listed.name, size=size, mime_type=listed.mime_type, uploaded=True
    )
    code = status.HTTP_201_CREATED if created and not already else status.HTTP_200_OK
    return JSONResponse(body.model_dump(mode="json"), status_code=code)


@router.get(
    "/incidents/{incident_id}/attachments/{sha256}",
    tags=["incidents"],
    responses={
        200: {"description": "the file's bytes; header X-VB-SHA256", "content": {"*/*": {}}},
        **_404,
    },
    response_class=FileResponse,
)
def download_attachment(
    incident_id: uuid.UUID,
    sha256: Sha256,
    principal: Reader,
    store: Store,
    request: Request,
    x_vb_device: Annotated[uuid.UUID | None, Header()] = None,
) -> FileResponse:
    """One file of a report the caller may see (404 when not visible or not uploaded yet).
    A reviewer reading another's restricted report is written to the audit log."""
    sha = sha256.lower()
    row, vis, uploaded = _visible_incident(store, principal, incident_id)
    listed = _listed(dict(row.data)).get(sha)
    path = stored_path(_files(request), sha)
    if listed is None or sha not in uploaded or not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such file on the server (yet)")
    if (row.restricted or row.team_lead_only) and sync.audited_read(principal, vis):
        sync.audit(
            store,
            principal,
            [row.id],
            "restricted_read.attachment",
            x_vb_device,
            audit_log.SUBJECT_ATTACHMENT,
        )
    return FileResponse(
        path,
        media_type=listed.mime_type,
        filename=listed.name,
        headers={pr_.SHA256_HEADER: sha},
    )


# --- alarms that need follow-up -----------------------------------------------------------


def _followup_clause(principal: Principal) -> sa.ColumnElement[bool]:
    a = t.alarms.c
    linked = sa.exists().where(t.incidents.c.alarm_id == a.id)
    closed = sa.exists().where(t.alarm_followup_closures.c.alarm_id == a.id)
    clause = sa.and_(
        a.test.is_(False),
        a.state.in_([AlarmState.RESOLVED.value, AlarmState.CANCELLED.value]),
        ~linked,
        ~closed,
    )
    if principal.role is not Role.COORDINATOR:
        clause = sa.and_(clause, a.site_id == principal.site_id)
    return clause


def _followup_out(r: Any) -> pr_.AlarmFollowUpOut:
    return pr_.AlarmFollowUpOut(
        id=r.id,
        site_id=r.site_id,
        station_name=r.station_name,
        location=r.location,
        raised_by=r.raised_by,
        raised_at=r.raised_at,
        state=AlarmState(r.state),
        closed_at=r.updated_at,
        late=reported_late(r),
    )


@router.get(
    "/alarms/followup",
    response_model=list[pr_.AlarmFollowUpOut],
    tags=["alarms"],
    responses=_403,
)
def alarm_followups(principal: Reviewer, store: Store) -> list[pr_.AlarmFollowUpOut]:
    """Alarms of your site (a coordinator: every site) that ended without a report linked,
    or were cancelled, and that no reviewer closed yet (test alarms never)."""
    with store.read() as conn:
        rows = conn.execute(
            sa.select(t.alarms)
            .where(_followup_clause(principal))
            .order_by(t.alarms.c.raised_at.desc(), t.alarms.c.id)
            .limit(1000)
        ).all()
    return [_followup_out(r) for r in rows]


@router.post(
    "/alarms/{alarm_id}/followup",
    response_model=pr_.AlarmFollowUpClosed,
    tags=["alarms"],
    responses={404: {"description": "no such alarm for you"}, **_403},
)
def close_alarm_followup(
    alarm_id: uuid.UUID, body: pr_.AlarmFollowUpClose, principal: Reviewer, store: Store
) -> pr_.AlarmFollowUpClosed:
    """Take an alarm off the follow-up list with a reason (who, when and why are stored and
    audited). Closing it again answers the first closing."""
    now = datetime.now(UTC)
    with store.write() as conn:
        alarm = conn.execute(
            sa.select(t.alarms.c.id, t.alarms.c.site_id).where(t.alarms.c.id == alarm_id)
        ).first()
        if alarm is None or not (
            principal.role is Role.COORDINATOR or alarm.site_id == principal.site_id
        ):
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such alarm")
        c = t.alarm_followup_closures.c
        done = conn.execute(
            sa.select(t.alarm_followup_closures).where(c.alarm_id == alarm_id)
        ).first()
        if done is not None:
            return pr_.AlarmFollowUpClosed(
                alarm_id=alarm_id,
                closed_by=done.closed_by,
                closed_at=done.closed_at,
                reason=done.reason,
            )
        closed_by = principal.display_name or principal.username or ""
        conn.execute(
            sa.insert(t.alarm_followup_closures).values(
                alarm_id=alarm_id,
                closed_by_user_id=principal.user_id,
                closed_by=closed_by[:200],
                closed_at=now,
                reason=body.reason,
            )
        )
        audit_log.record(
            conn,
            actor=principal,
            action="alarm_followup.closed",
            subject=audit_log.SUBJECT_ALARM,
            detail=f"alarm {alarm_id} closed by {principal.username}: {body.reason[:500]}",
            at=now,
        )
    return pr_.AlarmFollowUpClosed(
        alarm_id=alarm_id, closed_by=closed_by, closed_at=now, reason=body.reason
    )
