"""The per-site escalation ladder as the administrator sets it: levels (delay, targets,
webhook), the webhook URL and its signing secret; the built-in default where none is set.

The webhook signing secret is stored in the server database as is (the server must use it to
sign), is never part of any answer (only ``webhook_secret_set``), and never logged.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from veiligbalie.core import alarm as rules
from veiligbalie.core.vocabulary import Role
from veiligbalie.protocol import alarm_server as ps
from veiligbalie.server import audit
from veiligbalie.server import schema as t
from veiligbalie.server.admin import find_site
from veiligbalie.server.errors import EscalationError
from veiligbalie.server.store import ServerStore

if TYPE_CHECKING:
    from veiligbalie.server.auth import Principal

log = logging.getLogger(__name__)


def record_change(
    conn: Connection,
    action: str,
    detail: str,
    actor: Principal | None,
    device_id: uuid.UUID | None = None,
) -> None:
    """The audit row of a change to a site's alarm set-up: by the signed-in administrator
    (``actor``, from the station of ``device_id``) or, ``actor`` None, the command line."""
    if actor is None:
        audit.record(
            conn,
            actor=None,
            actor_name=audit.CLI_ACTOR,
            station=audit.CLI_STATION,
            action=action,
            subject=audit.SUBJECT_ALARM,
            detail=detail,
        )
        return
    audit.record(
        conn,
        actor=actor,
        station=audit.station_of(conn, actor, device_id) or "",
        action=action,
        subject=audit.SUBJECT_ALARM,
        detail=detail,
    )


def describe_levels(levels: Sequence[ps.EscalationLevelModel]) -> str:
    """``"0s colleagues; 30s security, team_lead; 120s webhook"`` (the audit's words)."""
    return "; ".join(
        f"{level.delay_seconds:g}s "
        + ", ".join([*level.targets, *(["webhook"] if level.webhook else [])])
        for level in levels
    )


_ROLE_TARGETS = {r.value for r in Role}


def _validate_levels(levels: Sequence[ps.EscalationLevelModel]) -> list[ps.EscalationLevelModel]:
    previous = -1.0
    for number, level in enumerate(levels):
        for target in level.targets:
            if target != ps.COLLEAGUES and target not in _ROLE_TARGETS:
                choices = ", ".join(sorted(_ROLE_TARGETS | {ps.COLLEAGUES}))
                raise EscalationError(f"level {number}: unknown target {target!r}; use {choices}")
        if not level.targets and not level.webhook:
            raise EscalationError(f"level {number} alerts nobody: give targets or the webhook")
        if ps.COLLEAGUES in level.targets and len(level.targets) > 1:
            raise EscalationError(f"level {number}: 'colleagues' already includes every role")
        if level.delay_seconds < previous:
            raise EscalationError("levels must be in order of their delay")
        previous = level.delay_seconds
    return list(levels)


def _check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EscalationError("the webhook URL must be http(s)://host/...")
    if parts.username or parts.password:
        raise EscalationError("put no credentials in the webhook URL; use the signing secret")
    return url


def levels_from_core(levels: Sequence[rules.EscalationLevel]) -> list[ps.EscalationLevelModel]:
    return [
        ps.EscalationLevelModel(
            delay_seconds=level.delay.total_seconds(),
            targets=[ps.COLLEAGUES]
            if level.targets == rules.COLLEAGUES
            else sorted(r.value for r in level.targets),
            webhook=level.webhook,
        )
        for level in levels
    ]


@dataclass(frozen=True)
class SiteEscalation:
    """The ladder of one site as the escalator uses it (secret included: server-side only)."""

    site_id: uuid.UUID
    site_name: str
    levels: list[ps.EscalationLevelModel]
    webhook_url: str | None
    webhook_secret: str | None = field(repr=False)


def site_escalation(conn: Connection, site_id: uuid.UUID) -> SiteEscalation:
    site_name = conn.execute(sa.select(t.sites.c.name).where(t.sites.c.id == site_id)).scalar()
    row = conn.execute(
        sa.select(t.site_escalation).where(t.site_escalation.c.site_id == site_id)
    ).first()
    if row is None:
        return SiteEscalation(
            site_id, site_name or "", levels_from_core(rules.default_escalation()), None, None
        )
    levels = [ps.EscalationLevelModel.model_validate(x) for x in row.levels]
    return SiteEscalation(site_id, site_name or "", levels, row.webhook_url, row.webhook_secret)


def get_escalation(store: ServerStore, site_ref: str | uuid.UUID) -> ps.EscalationOut:
    with store.read() as conn:
        site = find_site(conn, site_ref)
        stored = conn.execute(
            sa.select(t.site_escalation.c.site_id).where(t.site_escalation.c.site_id == site.id)
        ).first()
        config = site_escalation(conn, site.id)
    return ps.EscalationOut(
        site_id=site.id,
        levels=config.levels,
        webhook_url=config.webhook_url,
        webhook_secret_set=bool(config.webhook_secret),
        default=stored is None,
    )


def set_escalation(
    store: ServerStore,
    site_ref: str | uuid.UUID,
    body: ps.EscalationIn,
    *,
    actor: Principal | None = None,
    device_id: uuid.UUID | None = None,
) -> ps.EscalationOut:
    """Validate and store a site's ladder, audited as ``actor``'s change (None: the command
    line). The webhook secret is kept when ``body.webhook_secret`` is None."""
    levels = _validate_levels(body.levels)
    url = _check_url(body.webhook_url) if body.webhook_url else None
    if body.webhook_secret is not None and "\x00" in body.webhook_secret:
        raise EscalationError("the webhook secret contains a NUL character")
    with store.write() as conn:
        site = find_site(conn, site_ref)
        current = site_escalation(conn, site.id)
        secret = current.webhook_secret if body.webhook_secret is None else body.webhook_secret
        secret = secret or None
        if any(level.webhook for level in levels):
            if url is None:
                raise EscalationError("a webhook level needs --webhook-url")
            if secret is None:
                raise EscalationError(
                    "a webhook level needs a signing secret (--webhook-secret-stdin)"
                )
        values = {
            "levels": [level.model_dump() for level in levels],
            "webhook_url": url,
            "webhook_secret": secret,
            "updated_at": datetime.now(UTC),
        }
        updated = conn.execute(
            sa.update(t.site_escalation)
            .where(t.site_escalation.c.site_id == site.id)
            .values(**values)
        ).rowcount
        if not updated:
            conn.execute(sa.insert(t.site_escalation).values(site_id=site.id, **values))
        host = urlsplit(url).hostname if url else None
        secret_note = (
            "kept"
            if body.webhook_secret is None
            else ("removed" if not body.webhook_secret else "replaced")
        )
        record_change(
            conn,
            "escalation_set",
            f"escalation of site {site.name}: {describe_levels(levels)}; webhook "
            + (f"to {host}, signing secret {secret_note}" if host else "none"),
            actor,
            device_id,
        )
    log.info("escalation of site %s set: %d level(s)", site.name, len(levels))
    return get_escalation(store, site.id)


def reset_escalation(
    store: ServerStore,
    site_ref: str | uuid.UUID,
    *,
    actor: Principal | None = None,
    device_id: uuid.UUID | None = None,
) -> ps.EscalationOut:
    """Back to the built-in ladder (the webhook URL and secret go too), audited."""
    with store.write() as conn:
        site = find_site(conn, site_ref)
        conn.execute(sa.delete(t.site_escalation).where(t.site_escalation.c.site_id == site.id))
        record_change(
            conn,
            "escalation_reset",
            f"escalation of site {site.name}: back to the built-in default",
            actor,
            device_id,
        )
    return get_escalation(store, site.id)
