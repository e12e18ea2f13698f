"""Device bindings: a device id (one client's local database) belongs to the workstation or
user that first used it, at enrolment or on its first push.

Push records are keyed by ``(device_id, device_seq)``; without a binding, whoever carries
another station's device id (a copied data folder, a cloned disk image, a non-persistent
virtual desktop) would be answered from that station's records and lose its own changes.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from veiligbalie.core.ids import uuid7
from veiligbalie.server import schema as t

if TYPE_CHECKING:
    from veiligbalie.server.auth import Principal

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Binding:
    device_id: uuid.UUID
    workstation_id: uuid.UUID | None
    user_id: uuid.UUID | None
    #: The site of the workstation, or of the user when no workstation is bound.
    site_id: uuid.UUID | None

    @property
    def owner(self) -> tuple[str, uuid.UUID | None]:
        if self.workstation_id is not None:
            return ("workstation", self.workstation_id)
        return ("user", self.user_id)


def get(conn: Connection, device_id: uuid.UUID) -> Binding | None:
    b = t.device_bindings.c
    row = conn.execute(
        sa.select(
            b.device_id,
            b.workstation_id,
            b.user_id,
            sa.func.coalesce(t.workstations.c.site_id, t.users.c.site_id).label("site_id"),
        )
        .select_from(t.device_bindings)
        .outerjoin(t.workstations, t.workstations.c.id == b.workstation_id)
        .outerjoin(t.users, t.users.c.id == b.user_id)
        .where(b.device_id == device_id)
    ).first()
    if row is None:
        return None
    return Binding(row.device_id, row.workstation_id, row.user_id, row.site_id)


def _insert(
    conn: Connection,
    device_id: uuid.UUID,
    now: datetime,
    workstation_id: uuid.UUID | None = None,
    user_id: uuid.UUID | None = None,
) -> None:
    """Bind ``device_id`` unless someone bound it a moment ago (the first one wins)."""
    values = {
        "device_id": device_id,
        "workstation_id": workstation_id,
        "user_id": user_id,
        "bound_at": now,
    }
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(t.device_bindings).values(values).on_conflict_do_nothing())


def _get_or_bind(
    conn: Connection,
    device_id: uuid.UUID,
    now: datetime,
    workstation_id: uuid.UUID | None = None,
    user_id: uuid.UUID | None = None,
) -> Binding:
    binding = get(conn, device_id)
    if binding is None:
        _insert(conn, device_id, now, workstation_id, user_id)
        binding = get(conn, device_id)
        assert binding is not None
    return binding


def _claim(conn: Connection, binding: Binding, workstation_id: uuid.UUID) -> bool:
    """A device a user of the workstation's site used first becomes the workstation's."""
    if binding.workstation_id is not None:
        return False
    conn.execute(
        sa.update(t.device_bindings)
        .where(
            t.device_bindings.c.device_id == binding.device_id,
            t.device_bindings.c.workstation_id.is_(None),
        )
        .values(workstation_id=workstation_id)
    )
    return True


def _may_push(pr: Principal, binding: Binding) -> bool:
    if pr.is_workstation:
        return binding.workstation_id == pr.workstation_id
    if binding.workstation_id is not None:
        return pr.site_id is not None and binding.site_id == pr.site_id
    return binding.user_id == pr.user_id


def admit_push(
    conn: Connection,
    pr: Principal,
    device_id: uuid.UUID,
    now: datetime,
    previous: uuid.UUID | None = None,
) -> Binding | str:
    """The binding of ``device_id`` when ``pr`` may push under it (bound to ``pr`` now if it
    is new), else the reason it may not (the push is then refused as a whole).

    A device bound to a workstation takes pushes from that workstation's token and from the
    users of its site who sign in there. A device a user used first takes that user's pushes,
    and is taken over by a workstation of the user's site (a station enrolled before device
    ids were bound, whose users pushed first). A new id that replaces ``previous`` (the
    device re-keyed) belongs to whoever ``previous`` belongs to, if ``pr`` may push for it:
    a user signed in at a workstation keeps its changes attributed to that workstation.
    """
    binding = get(conn, device_id)
    if binding is None:
        workstation_id, user_id = pr.workstation_id, pr.user_id
        before = get(conn, previous) if previous and previous != device_id else None
        if before is not None and _may_push(pr, before):
            workstation_id, user_id = before.workstation_id, before.user_id
        binding = _get_or_bind(conn, device_id, now, workstation_id, user_id)
    if _may_push(pr, binding):
        return binding
    if pr.is_workstation and pr.workstation_id is not None and binding.site_id == pr.site_id:
        if _claim(conn, binding, pr.workstation_id):
            return Binding(device_id, pr.workstation_id, binding.user_id, binding.site_id)
    log.warning(
        "push refused: device %s is bound to %s %s, pushed by %s %s",
        device_id,
        *binding.owner,
        pr.kind,
        pr.workstation_id if pr.is_workstation else pr.username,
    )
    return (
        "this device id belongs to another workstation or user (a copied data folder or a "
        "cloned disk image?); nothing was stored: push again under a new device id"
    )


def same_owner(conn: Connection, first: uuid.UUID, second: uuid.UUID) -> bool:
    """Whether two device ids belong to one workstation or user (a device that re-keyed)."""
    if first == second:
        return True
    a, b = get(conn, first), get(conn, second)
    return a is not None and b is not None and a.owner == b.owner


def bind_at_enrolment(
    conn: Connection,
    workstation_id: uuid.UUID,
    site_id: uuid.UUID,
    device_id: uuid.UUID | None,
    now: datetime,
) -> uuid.UUID:
    """The device id the enrolling client must use: its own, unless another workstation (or
    a user of another site) holds it; then a fresh one, bound to this workstation."""
    if device_id is not None:
        binding = _get_or_bind(conn, device_id, now, workstation_id)
        if binding.workstation_id == workstation_id:
            return device_id
        if binding.site_id == site_id and _claim(conn, binding, workstation_id):
            return device_id
        log.warning(
            "enrolment: device %s already belongs to %s %s; workstation %s gets a new id",
            device_id,
            *binding.owner,
            workstation_id,
        )
    fresh = uuid7()
    _insert(conn, fresh, now, workstation_id=workstation_id)
    return fresh
