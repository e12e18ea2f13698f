"""The perpetrator dossier: known persons, the reports that concern them, and signaleringen
(measures such as "alleen op afspraak"). Reviewers only: the team lead of the person's site
and coordinators; everyone else gets 403, and what a reviewer may not see answers 404.
Every read and change is written to the audit log, once per request.

The counter (any signed-in user or workstation of the site) asks ``GET /measures`` with an
identifier such as a client number and hears only the counter texts of ACTIVE signaleringen
in force today: never a name, a description, identifiers or history.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from sqlalchemy.engine import Connection

from veiligbalie.core.dossier import (
    InformedHow,
    SignaleringFacts,
    SignaleringMeasure,
    SignaleringState,
    in_force,
    missing_for_activation,
    normalise_identifier,
    refusal,
)
from veiligbalie.core.ids import uuid7
from veiligbalie.core.vocabulary import Role
from veiligbalie.core.workdays import AMSTERDAM
from veiligbalie.protocol import dossier as pd
from veiligbalie.server import audit, sync
from veiligbalie.server import schema as t
from veiligbalie.server.auth import ANY_USER, REVIEWERS, Principal, get_store, require
from veiligbalie.server.store import ServerStore

Store = Annotated[ServerStore, Depends(get_store)]
Reviewer = Annotated[Principal, Depends(require(*REVIEWERS))]
Counter = Annotated[Principal, Depends(require(*ANY_USER, workstation=True))]

_401: dict[int | str, dict[str, Any]] = {
    401: {"description": "no, unknown, expired or revoked token"}
}
_403: dict[int | str, dict[str, Any]] = {
    403: {"description": "the role may not use the dossier (reviewers only)"},
    **_401,
}
_404: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such person, report or signalering, or not visible to you"},
    **_403,
}
SEARCH_MAX = 100

router = APIRouter(prefix="/api/v1", tags=["dossier"])


# --- audit --------------------------------------------------------------------------------


#: Every read and change is written through server.audit.record (the caller's transaction).
SUBJECT_PERSON = audit.SUBJECT_PERSON
SUBJECT_SIGNALERING = audit.SUBJECT_SIGNALERING
record = audit.record


def _name(pr: Principal) -> str:
    return (pr.display_name or pr.username or "")[:200]


def _sees_site(pr: Principal, site_id: uuid.UUID) -> bool:
    return sync.reviews(pr, site_id)


def _site_clause(pr: Principal) -> sa.ColumnElement[bool]:
    if pr.role is Role.COORDINATOR:
        return sa.true()
    return t.persons.c.site_id == pr.site_id


def _person_row(conn: Connection, pr: Principal, person_id: uuid.UUID) -> Any:
    row = conn.execute(sa.select(t.persons).where(t.persons.c.id == person_id)).first()
    if row is None or not _sees_site(pr, row.site_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such person")
    return row


def _incident_row(conn: Connection, pr: Principal, incident_id: uuid.UUID) -> Any:
    row = conn.execute(
        sa.select(t.incidents.c.id, t.incidents.c.site_id).where(t.incidents.c.id == incident_id)
    ).first()
    if row is None or not _sees_site(pr, row.site_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such incident")
    return row


def _signalering_out(r: Any) -> pd.SignaleringOut:
    facts = _facts(r)
    return pd.SignaleringOut(
        id=r.id,
        person_id=r.person_id,
        state=SignaleringState(r.state),
        missing=missing_for_activation(facts),
        created_by=r.created_by,
        created_at=r.created_at,
        updated_at=r.updated_at,
        measure=facts.measure,
        measure_other=facts.measure_other,
        counter_text=facts.counter_text,
        reason=facts.reason,
        period_start=facts.period_start,
        period_end=facts.period_end,
        decided_by=facts.decided_by,
        decided_on=facts.decided_on,
        informed_on=facts.informed_on,
        informed_how=facts.informed_how,
    )


def _facts(r: Any) -> SignaleringFacts:
    return SignaleringFacts(
        measure=SignaleringMeasure(r.measure),
        measure_other=r.measure_other,
        counter_text=r.counter_text,
        reason=r.reason,
        period_start=r.period_start,
        period_end=r.period_end,
        decided_by=r.decided_by,
        decided_on=r.decided_on,
        informed_on=r.informed_on,
        informed_how=InformedHow(r.informed_how) if r.informed_how else None,
    )


def _persons_out(conn: Connection, pr: Principal, rows: Sequence[Any]) -> list[pd.PersonOut]:
    if not rows:
        return []
    ids = [r.id for r in rows]
    pl, i = t.person_links.c, t.incidents.c
    links: dict[uuid.UUID, list[pd.LinkedReport]] = {pid: [] for pid in ids}
    for r in conn.execute(
        sa.select(
            pl.person_id, pl.linked_by, pl.linked_at, i.id, i.reference, i.occurred_at, i.data
        )
        .join(t.incidents, t.incidents.c.id == pl.incident_id)
        .where(pl.person_id.in_(ids), sync.visibility_clause(pr, t.incidents))
        .order_by(i.occurred_at.desc(), i.id)
    ):
        data = dict(r.data or {})
        links[r.person_id].append(
            pd.LinkedReport(
                incident_id=r.id,
                reference=r.reference,
                occurred_at=r.occurred_at,
                categories=sorted(str(c) for c in data.get("categories") or []),
                linked_by=r.linked_by,
                linked_at=r.linked_at,
            )
        )
    s = t.signaleringen.c
    signals: dict[uuid.UUID, list[pd.SignaleringOut]] = {pid: [] for pid in ids}
    for r in conn.execute(
        sa.select(t.signaleringen).where(s.person_id.in_(ids)).order_by(s.created_at.desc(), s.id)
    ):
        signals[r.person_id].append(_signalering_out(r))
    return [
        pd.PersonOut(
            id=r.id,
            site_id=r.site_id,
            display_name=r.display_name,
            description=r.description,
            identifiers=dict(r.identifiers or {}),
            created_by=r.created_by,
            created_at=r.created_at,
            links=links[r.id],
            signaleringen=signals[r.id],
        )
        for r in rows
    ]


def _one(conn: Connection, pr: Principal, person_id: uuid.UUID) -> pd.PersonOut:
    return _persons_out(conn, pr, [_person_row(conn, pr, person_id)])[0]


def _matches(row: Any, needle: str) -> bool:
    if needle.casefold() in row.display_name.casefold():
        return True
    wanted = normalise_identifier(needle)
    return bool(wanted) and any(
        wanted in normalise_identifier(str(v)) for v in dict(row.identifiers or {}).values()
    )


# --- persons ------------------------------------------------------------------------------


@router.get("/persons", response_model=list[pd.PersonOut], responses=_404)
def persons(
    principal: Reviewer,
    store: Store,
    q: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    incident_id: uuid.UUID | None = None,
) -> list[pd.PersonOut]:
    """Known persons you may see: those linked to ``incident_id`` (404 when you may not see
    that report), or whose name or an identifier holds ``q``; without either, the most
    recently created (at most 100)."""
    with store.write() as conn:
        query = sa.select(t.persons).where(_site_clause(principal))
        if incident_id is not None:
            _incident_row(conn, principal, incident_id)
            linked = sa.select(t.person_links.c.person_id).where(
                t.person_links.c.incident_id == incident_id
            )
            query = query.where(t.persons.c.id.in_(linked))
        rows = list(
            conn.execute(query.order_by(t.persons.c.created_at.desc(), t.persons.c.id)).all()
        )
        if q is not None:
            rows = [r for r in rows if _matches(r, q)]
        rows = rows[:SEARCH_MAX]
        out = _persons_out(conn, principal, rows)
        record(
            conn,
            actor=principal,
            action="dossier.persons_read",
            subject=SUBJECT_PERSON,
            incident_id=incident_id,
            detail=f"{len(out)} person(s)" + (" by search" if q is not None else ""),
        )
    return out


def _add_link(
    conn: Connection, pr: Principal, person_id: uuid.UUID, incident_id: uuid.UUID
) -> bool:
    pl = t.person_links.c
    known = conn.execute(
        sa.select(pl.person_id).where(pl.person_id == person_id, pl.incident_id == incident_id)
    ).first()
    if known is not None:
        return False
    conn.execute(
        sa.insert(t.person_links).values(
            person_id=person_id,
            incident_id=incident_id,
            linked_by=_name(pr),
            linked_at=datetime.now(UTC),
        )
    )
    return True


@router.post(
    "/persons",
    response_model=pd.PersonOut,
    status_code=status.HTTP_201_CREATED,
    responses={400: {"description": "no site for the person"}, **_404},
)
def create_person(body: pd.PersonIn, principal: Reviewer, store: Store) -> pd.PersonOut:
    """Keep a known person (for your site; a coordinator names the site or links a report,
    whose site it takes), optionally linked to a report at once."""
    now = datetime.now(UTC)
    with store.write() as conn:
        site_id = body.site_id
        if body.incident_id is not None:
            incident = _incident_row(conn, principal, body.incident_id)
            site_id = site_id or incident.site_id
        site_id = site_id or principal.site_id
        if site_id is None:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, "name the site the person is kept for")
        if not _sees_site(principal, site_id):
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such site")
        person_id = uuid7()
        conn.execute(
            sa.insert(t.persons).values(
                id=person_id,
                site_id=site_id,
                display_name=body.display_name,
                description=body.description,
                identifiers=body.identifiers,
                created_by=_name(principal),
                created_by_user_id=principal.user_id,
                created_at=now,
                updated_at=now,
            )
        )
        if body.incident_id is not None:
            _add_link(conn, principal, person_id, body.incident_id)
        out = _one(conn, principal, person_id)
        record(
            conn,
            actor=principal,
            action="dossier.person_created",
            subject=SUBJECT_PERSON,
            person_id=person_id,
            incident_id=body.incident_id,
        )
    return out


@router.get("/persons/{person_id}", response_model=pd.PersonOut, responses=_404)
def person(person_id: uuid.UUID, principal: Reviewer, store: Store) -> pd.PersonOut:
    """One known person with the reports linked to them (those you may see) and their
    signaleringen."""
    with store.write() as conn:
        out = _one(conn, principal, person_id)
        record(
            conn,
            actor=principal,
            action="dossier.person_read",
            subject=SUBJECT_PERSON,
            person_id=person_id,
        )
    return out


@router.patch(
    "/persons/{person_id}",
    response_model=pd.PersonOut,
    responses={400: {"description": "an empty name"}, **_404},
)
def update_person(
    person_id: uuid.UUID, body: pd.PersonUpdate, principal: Reviewer, store: Store
) -> pd.PersonOut:
    """Correct a person's name, description or identifiers (the fields sent)."""
    with store.write() as conn:
        _person_row(conn, principal, person_id)
        values: dict[str, Any] = {"updated_at": datetime.now(UTC)}
        changed = []
        if body.display_name is not None:
            if not body.display_name.strip():
                raise HTTPException(status.HTTP_400_BAD_REQUEST, "a name is required")
            values["display_name"] = body.display_name.strip()
            changed.append("name")
        if body.description is not None:
            values["description"] = body.description
            changed.append("description")
        if body.identifiers is not None:
            values["identifiers"] = body.identifiers
            changed.append("identifiers")
        conn.execute(sa.update(t.persons).where(t.persons.c.id == person_id).values(**values))
        out = _one(conn, principal, person_id)
        record(
            conn,
            actor=principal,
            action="dossier.person_changed",
            subject=SUBJECT_PERSON,
            person_id=person_id,
            detail="changed: " + (", ".join(changed) or "nothing"),
        )
    return out


@router.put("/persons/{person_id}/links/{incident_id}", response_model=pd.PersonOut, responses=_404)
def link(
    person_id: uuid.UUID, incident_id: uuid.UUID, principal: Reviewer, store: Store
) -> pd.PersonOut:
    """Link a report you review to the person (linking again changes nothing)."""
    with store.write() as conn:
        _person_row(conn, principal, person_id)
        _incident_row(conn, principal, incident_id)
        added = _add_link(conn, principal, person_id, incident_id)
        out = _one(conn, principal, person_id)
        record(
            conn,
            actor=principal,
            action="dossier.linked",
            subject=SUBJECT_PERSON,
            person_id=person_id,
            incident_id=incident_id,
            detail="" if added else "was linked already",
        )
    return out


@router.delete(
    "/persons/{person_id}/links/{incident_id}", response_model=pd.PersonOut, responses=_404
)
def unlink(
    person_id: uuid.UUID, incident_id: uuid.UUID, principal: Reviewer, store: Store
) -> pd.PersonOut:
    """Take a report off the person (404 when it was not linked)."""
    with store.write() as conn:
        _person_row(conn, principal, person_id)
        _incident_row(conn, principal, incident_id)
        pl = t.person_links.c
        gone = conn.execute(
            sa.delete(t.person_links).where(
                pl.person_id == person_id, pl.incident_id == incident_id
            )
        ).rowcount
        if not gone:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "the report is not linked to the person")
        out = _one(conn, principal, person_id)
        record(
            conn,
            actor=principal,
            action="dossier.unlinked",
            subject=SUBJECT_PERSON,
            person_id=person_id,
            incident_id=incident_id,
        )
    return out


# --- signaleringen ------------------------------------------------------------------------


def _values(body: pd.SignaleringIn) -> dict[str, Any]:
    return {
        "measure": body.measure.value,
        "measure_other": body.measure_other.strip(),
        "counter_text": body.counter_text.strip(),
        "reason": body.reason.strip(),
        "period_start": body.period_start,
        "period_end": body.period_end,
        "decided_by": body.decided_by.strip(),
        "decided_on": body.decided_on,
        "informed_on": body.informed_on,
        "informed_how": body.informed_how.value if body.informed_how else None,
    }


def _signalering_row(
    conn: Connection, pr: Principal, person_id: uuid.UUID, signalering_id: uuid.UUID
) -> Any:
    _person_row(conn, pr, person_id)
    s = t.signaleringen.c
    row = conn.execute(
        sa.select(t.signaleringen).where(s.id == signalering_id, s.person_id == person_id)
    ).first()
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such signalering")
    return row


@router.post(
    "/persons/{person_id}/signaleringen",
    response_model=pd.SignaleringOut,
    status_code=status.HTTP_201_CREATED,
    responses=_404,
)
def propose(
    person_id: uuid.UUID, body: pd.SignaleringIn, principal: Reviewer, store: Store
) -> pd.SignaleringOut:
    """Propose a signalering (state ``proposed``; ``missing`` says what it still needs)."""
    now = datetime.now(UTC)
    with store.write() as conn:
        _person_row(conn, principal, person_id)
        sid = uuid7()
        conn.execute(
            sa.insert(t.signaleringen).values(
                id=sid,
                person_id=person_id,
                state=SignaleringState.PROPOSED.value,
                created_by=_name(principal),
                created_at=now,
                updated_at=now,
                **_values(body),
            )
        )
        row = conn.execute(sa.select(t.signaleringen).where(t.signaleringen.c.id == sid)).one()
        record(
            conn,
            actor=principal,
            action="dossier.signalering_proposed",
            subject=SUBJECT_SIGNALERING,
            person_id=person_id,
            detail=f"signalering {sid}: {body.measure.value}",
        )
    return _signalering_out(row)


_409: dict[int | str, dict[str, Any]] = {
    409: {"description": "an ended signalering cannot be changed"}
}
_400: dict[int | str, dict[str, Any]] = {
    400: {"description": "activation refused: the message names what is missing"}
}


@router.put(
    "/persons/{person_id}/signaleringen/{signalering_id}",
    response_model=pd.SignaleringOut,
    responses={**_400, **_409, **_404},
)
def change_signalering(
    person_id: uuid.UUID,
    signalering_id: uuid.UUID,
    body: pd.SignaleringIn,
    principal: Reviewer,
    store: Store,
) -> pd.SignaleringOut:
    """Replace a signalering's facts. An active one must stay complete; an ended one is
    kept as it was."""
    with store.write() as conn:
        row = _signalering_row(conn, principal, person_id, signalering_id)
        if row.state == SignaleringState.ENDED.value:
            raise HTTPException(status.HTTP_409_CONFLICT, "an ended signalering cannot be changed")
        values = _values(body)
        if row.state == SignaleringState.ACTIVE.value:
            missing = missing_for_activation(_facts(_Row(values)))
            if missing:
                raise HTTPException(status.HTTP_400_BAD_REQUEST, refusal(missing))
        s = t.signaleringen.c
        conn.execute(
            sa.update(t.signaleringen)
            .where(s.id == signalering_id)
            .values(updated_at=datetime.now(UTC), **values)
        )
        new = conn.execute(sa.select(t.signaleringen).where(s.id == signalering_id)).one()
        record(
            conn,
            actor=principal,
            action="dossier.signalering_changed",
            subject=SUBJECT_SIGNALERING,
            person_id=person_id,
            detail=f"signalering {signalering_id}",
        )
    return _signalering_out(new)


class _Row:
    """Attribute access to a dict of column values (to check facts before they are written)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)


_MOVES = {
    SignaleringState.PROPOSED: {SignaleringState.ACTIVE, SignaleringState.ENDED},
    SignaleringState.ACTIVE: {SignaleringState.ENDED},
    SignaleringState.ENDED: set(),
}


@router.post(
    "/persons/{person_id}/signaleringen/{signalering_id}/state",
    response_model=pd.SignaleringOut,
    responses={**_400, 409: {"description": "the signalering cannot move to that state"}, **_404},
)
def set_state(
    person_id: uuid.UUID,
    signalering_id: uuid.UUID,
    body: pd.SignaleringStateChange,
    principal: Reviewer,
    store: Store,
) -> pd.SignaleringOut:
    """Make a proposed signalering active (only when it is complete: reason, period, who
    decided and when, and when and how the person was informed) or end it."""
    with store.write() as conn:
        row = _signalering_row(conn, principal, person_id, signalering_id)
        current = SignaleringState(row.state)
        if body.state is not current:
            if body.state not in _MOVES[current]:
                raise HTTPException(
                    status.HTTP_409_CONFLICT,
                    f"a signalering that is {current.value} cannot become {body.state.value}",
                )
            if body.state is SignaleringState.ACTIVE:
                missing = missing_for_activation(_facts(row))
                if missing:
                    raise HTTPException(status.HTTP_400_BAD_REQUEST, refusal(missing))
            s = t.signaleringen.c
            conn.execute(
                sa.update(t.signaleringen)
                .where(s.id == signalering_id)
                .values(state=body.state.value, updated_at=datetime.now(UTC))
            )
        new = conn.execute(
            sa.select(t.signaleringen).where(t.signaleringen.c.id == signalering_id)
        ).one()
        record(
            conn,
            actor=principal,
            action=f"dossier.signalering_{body.state.value}",
            subject=SUBJECT_SIGNALERING,
            person_id=person_id,
            detail=f"signalering {signalering_id}: {current.value} -> {body.state.value}",
        )
    return _signalering_out(new)


# --- the counter --------------------------------------------------------------------------


def active_measures(
    conn: Connection, pr: Principal, identifier: str, today: date
) -> list[tuple[uuid.UUID, pd.MeasureOut]]:
    """Active signaleringen in force today of persons of the caller's site (a coordinator:
    any) with an identifier equal to ``identifier`` (case, spaces and dashes ignored)."""
    wanted = normalise_identifier(identifier)
    if not wanted:
        return []
    p, s = t.persons.c, t.signaleringen.c
    query = (
        sa.select(p.id, p.identifiers, s.measure, s.counter_text, s.period_start, s.period_end)
        .join(t.signaleringen, s.person_id == p.id)
        .where(s.state == SignaleringState.ACTIVE.value)
        .order_by(s.period_end.desc(), s.id)
    )
    if pr.role is not Role.COORDINATOR or pr.is_workstation:
        if pr.site_id is None:
            return []
        query = query.where(p.site_id == pr.site_id)
    out: list[tuple[uuid.UUID, pd.MeasureOut]] = []
    for r in conn.execute(query):
        if not in_force(r.period_start, r.period_end, today):
            continue
        values: Iterable[Any] = dict(r.identifiers or {}).values()
        if any(normalise_identifier(str(v)) == wanted for v in values):
            out.append(
                (
                    r.id,
                    pd.MeasureOut(
                        measure=SignaleringMeasure(r.measure),
                        counter_text=r.counter_text,
                        until=r.period_end,
                    ),
                )
            )
    return out


@router.get(
    "/measures",
    response_model=pd.MeasuresOut,
    responses={403: {"description": "a one-time password must be changed first"}, **_401},
)
def measures(
    principal: Counter,
    store: Store,
    response: Response,
    identifier: Annotated[str, Query(min_length=1, max_length=100)],
) -> pd.MeasuresOut:
    """The counter's question: does a measure apply to the person with this identifier
    (e.g. a client number)? Only the counter text of active signaleringen in force today;
    never a name, a description or history. A hit is written to the audit log."""
    response.headers["Cache-Control"] = "no-store"
    today = datetime.now(AMSTERDAM).date()
    with store.write() as conn:
        found = active_measures(conn, principal, identifier, today)
        for person_id in dict.fromkeys(pid for pid, _ in found):
            record(
                conn,
                actor=principal,
                action="dossier.measure_shown",
                subject=SUBJECT_PERSON,
                person_id=person_id,
            )
    return pd.MeasuresOut(measures=[m for _, m in found])
