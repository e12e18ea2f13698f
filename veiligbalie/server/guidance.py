"""The organisation's guidance on the server: its own cards (versioned, with who changed
what), prevention self-checks and the refresher date per user; REST routes and the
``admin guidance import|list`` commands.

Cards are checked with the same validator the client uses; a bad file is refused with its
name and line, and nothing of an import is stored unless every file is good.
"""

from __future__ import annotations

import argparse
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Header, Request
from sqlalchemy.engine import Connection

from veiligbalie.core.vocabulary import Role
from veiligbalie.guidance import (
    LANGUAGES,
    SHIPPED_IDS,
    Card,
    GuidanceError,
    check_links,
    parse_card,
    read_folder,
)
from veiligbalie.protocol import guidance as pg
from veiligbalie.server import audit
from veiligbalie.server import schema as t
from veiligbalie.server.admin import AdminError
from veiligbalie.server.auth import ANY_USER, Principal, get_store, require
from veiligbalie.server.store import ServerStore

Store = Annotated[ServerStore, Depends(get_store)]
Reader = Annotated[Principal, Depends(require(*ANY_USER, workstation=True))]
User = Annotated[Principal, Depends(require(*ANY_USER))]
TeamLead = Annotated[Principal, Depends(require(Role.TEAM_LEAD, Role.ADMINISTRATOR))]
Administrator = Annotated[Principal, Depends(require(Role.ADMINISTRATOR))]

_403: dict[int | str, dict[str, Any]] = {
    401: {"description": "no, unknown, expired or revoked token"},
    403: {"description": "the role may not use this route"},
}
_400: dict[int | str, dict[str, Any]] = {
    400: {"description": "the card is refused (the message names the line)"},
    **_403,
}

router = APIRouter(prefix="/api/v1/guidance", tags=["guidance"])


def _now() -> datetime:
    return datetime.now(UTC)


def _known_ids(conn: Connection) -> set[str]:
    ids = set(SHIPPED_IDS)
    ids.update(conn.execute(sa.select(t.guidance_cards.c.id)).scalars())
    return ids


def store_cards(
    store: ServerStore, files: Iterable[tuple[Card, str]], changed_by: audit.Who | str
) -> list[tuple[Card, int]]:
    """Store new versions of the ``(card, markdown)`` pairs in one transaction (an unchanged
    text keeps its version), each new version audited; raises AdminError when a related
    link points nowhere."""
    who = audit.as_who(changed_by)
    files = list(files)
    cards = [card for card, _ in files]
    now = _now()
    stored: list[tuple[Card, int]] = []
    with store.write() as conn:
        known = _known_ids(conn) | {card.id for card in cards}
        try:
            check_links(cards, known)
        except GuidanceError as exc:
            raise AdminError(str(exc)) from None
        for card, markdown in files:
            key = (t.guidance_cards.c.id == card.id) & (
                t.guidance_cards.c.language == card.language
            )
            current = conn.execute(sa.select(t.guidance_cards).where(key)).first()
            if current is not None and current.markdown == markdown:
                stored.append((card, current.version))
                continue
            version = 1 if current is None else current.version + 1
            values = {
                "version": version,
                "title": card.title[:200],
                "markdown": markdown,
                "changed_by": who.name,
                "changed_at": now,
            }
            if current is None:
                conn.execute(
                    sa.insert(t.guidance_cards).values(id=card.id, language=card.language, **values)
                )
            else:
                conn.execute(sa.update(t.guidance_cards).where(key).values(**values))
            conn.execute(
                sa.insert(t.guidance_card_versions).values(
                    id=card.id,
                    language=card.language,
                    version=version,
                    markdown=markdown,
                    changed_by=who.name,
                    changed_at=now,
                )
            )
            audit.record_change(
                conn, who, "guidance.card", f"{card.language}/{card.id}: version {version}"
            )
            stored.append((card, version))
    return stored


def import_folder(store: ServerStore, folder: Path, changed_by: str) -> list[tuple[Card, int]]:
    """``admin guidance import DIR``: DIR holds nl/ and/or en/ with one file per card."""
    try:
        content = read_folder(folder)
    except GuidanceError as exc:
        raise AdminError(str(exc)) from None
    # The server keeps and serves each file as written.
    files = [
        (card, Path(card.source).read_text(encoding="utf-8"))
        for language in LANGUAGES
        for card in content.cards.get(language, {}).values()
    ]
    if not files:
        raise AdminError(
            f"{folder}: no cards found (expected {folder}/nl/*.md or {folder}/en/*.md)"
        )
    return store_cards(store, files, changed_by)


def list_cards(store: ServerStore) -> list[pg.GuidanceCardOut]:
    query = sa.select(t.guidance_cards).order_by(t.guidance_cards.c.id, t.guidance_cards.c.language)
    with store.read() as conn:
        # The table's columns carry the model's field names: read them straight off the row.
        return [
            pg.GuidanceCardOut.model_validate(row, from_attributes=True)
            for row in conn.execute(query)
        ]


def _who(principal: Principal) -> str:
    return principal.username or principal.display_name or "?"


def _publish_changed(request: Request) -> None:
    hub = getattr(request.app.state, "hub", None)
    if hub is None:
        return
    for site in hub.sites():
        hub.publish(site, {"type": "guidance.changed"})


# --- routes -----------------------------------------------------------------------------


@router.get("/cards", response_model=pg.GuidanceCardList, responses=_403)
def get_cards(_: Reader, store: Store) -> pg.GuidanceCardList:
    return pg.GuidanceCardList(cards=list_cards(store))


@router.put("/cards/{language}/{card_id}", response_model=pg.GuidanceCardOut, responses=_400)
def put_card(
    language: str,
    card_id: str,
    body: pg.GuidanceCardIn,
    principal: Administrator,
    store: Store,
    request: Request,
    device: Annotated[uuid.UUID | None, Header(alias="X-VB-Device")] = None,
) -> pg.GuidanceCardOut:
    source = f"{language}/{card_id}.md"
    if language not in LANGUAGES:
        raise AdminError(f"unknown language {language!r}: use {', '.join(LANGUAGES)}")
    try:
        card = parse_card(body.markdown, language, source)
    except GuidanceError as exc:
        raise AdminError(str(exc)) from None
    if card.id != card_id:
        raise AdminError(
            f"{source}:{card.lines.get('id', 1)}: id {card.id!r} differs from the path"
        )
    with store.read() as conn:
        station = audit.station_of(conn, principal, device)
    store_cards(store, [(card, body.markdown)], audit.Who(principal, None, station))
    _publish_changed(request)
    return next(c for c in list_cards(store) if (c.id, c.language) == (card_id, language))


@router.get(
    "/cards/{language}/{card_id}/history",
    response_model=pg.GuidanceCardHistory,
    responses={404: {"description": "the organisation has no such card"}, **_403},
)
def card_history(
    language: str, card_id: str, _: Administrator, store: Store
) -> pg.GuidanceCardHistory:
    v = t.guidance_card_versions
    query = (
        sa.select(v).where(v.c.id == card_id, v.c.language == language).order_by(v.c.version.desc())
    )
    with store.read() as conn:
        rows = conn.execute(query).all()
    if not rows:
        raise AdminError(f"no organisation card {card_id!r} in {language!r}", status=404)
    return pg.GuidanceCardHistory(
        id=card_id,
        language=language,
        versions=[pg.GuidanceCardVersion.model_validate(r, from_attributes=True) for r in rows],
    )


def _check_out(row: Any) -> pg.PreventionCheckOut:
    items = dict(row.items)
    return pg.PreventionCheckOut(
        id=row.id,
        site_id=row.site_id,
        place=row.place,
        checked_on=row.checked_on,
        items=items,
        notes=row.notes,
        checked_by=row.checked_by,
        open_points=[key for key in pg.PREVENTION_ITEMS if not items.get(key, False)],
    )


@router.put("/prevention/{check_id}", response_model=pg.PreventionCheckOut, responses=_400)
def put_prevention(
    check_id: uuid.UUID, body: pg.PreventionCheckBody, principal: TeamLead, store: Store
) -> pg.PreventionCheckOut:
    """Idempotent: sending the same check again changes nothing."""
    if body.id != check_id:
        raise AdminError("the body's id differs from the path")
    p = t.prevention_checks
    with store.write() as conn:
        row = conn.execute(sa.select(p).where(p.c.id == check_id)).first()
        if row is None:
            conn.execute(
                sa.insert(p).values(
                    id=check_id,
                    site_id=principal.site_id,
                    place=body.place,
                    checked_on=body.checked_on,
                    items={key: body.items.get(key, False) for key in pg.PREVENTION_ITEMS},
                    notes=body.notes,
                    checked_by=_who(principal),
                    created_at=_now(),
                )
            )
            row = conn.execute(sa.select(p).where(p.c.id == check_id)).one()
    return _check_out(row)


@router.get("/prevention", response_model=pg.PreventionCheckList, responses=_403)
def get_prevention(principal: TeamLead, store: Store) -> pg.PreventionCheckList:
    """The checks of the caller's site (every site for administrators), newest first."""
    p = t.prevention_checks
    query = sa.select(p).order_by(p.c.checked_on.desc(), p.c.created_at.desc())
    if principal.role != Role.ADMINISTRATOR:
        query = query.where(p.c.site_id == principal.site_id)
    with store.read() as conn:
        return pg.PreventionCheckList(checks=[_check_out(row) for row in conn.execute(query)])


@router.get("/refresher", response_model=pg.RefresherBody, responses=_403)
def get_refresher(principal: User, store: Store) -> pg.RefresherBody:
    r = t.guidance_refreshers
    with store.read() as conn:
        done = conn.execute(sa.select(r.c.done_at).where(r.c.user_id == principal.user_id)).scalar()
    return pg.RefresherBody(done_at=done)


@router.put("/refresher", response_model=pg.RefresherBody, responses=_400)
def put_refresher(body: pg.RefresherBody, principal: User, store: Store) -> pg.RefresherBody:
    """Keeps the newest date: an older one sent late by another station changes nothing."""
    if body.done_at is None:
        raise AdminError("done_at is required")
    if body.done_at.tzinfo is None:
        raise AdminError("done_at needs a time zone")
    if body.done_at > _now() + timedelta(days=1):
        raise AdminError("done_at lies in the future")
    r = t.guidance_refreshers
    with store.write() as conn:
        done = conn.execute(sa.select(r.c.done_at).where(r.c.user_id == principal.user_id)).scalar()
        if done is None:
            conn.execute(sa.insert(r).values(user_id=principal.user_id, done_at=body.done_at))
            done = body.done_at
        elif body.done_at > done:
            conn.execute(
                sa.update(r).where(r.c.user_id == principal.user_id).values(done_at=body.done_at)
            )
            done = body.done_at
    return pg.RefresherBody(done_at=done)


# --- admin CLI --------------------------------------------------------------------------


def _cli_import(store: ServerStore, args: argparse.Namespace) -> None:
    stored = import_folder(store, Path(args.dir), args.changed_by)
    for card, version in stored:
        print(f"{card.language}/{card.id}: version {version} ({card.title})")
    print(f"{len(stored)} card(s) imported")


def _cli_list(store: ServerStore, args: argparse.Namespace) -> None:
    cards = list_cards(store)
    if not cards:
        print("no organisation cards: the shipped cards are used")
        return
    for card in cards:
        stamp = card.changed_at.strftime("%Y-%m-%d %H:%M")
        who = f"{card.changed_by}, {stamp} UTC"
        print(f"{card.language}/{card.id}  v{card.version}  {card.title}  ({who})")


def add_cli(areas: Any, leaf: Callable[..., argparse.ArgumentParser], parser_class: type) -> None:
    """``admin guidance import DIR`` and ``admin guidance list``."""
    group = areas.add_parser(
        "guidance", help="the organisation's own guidance cards"
    ).add_subparsers(dest="action", required=True, parser_class=parser_class)
    p = leaf(group, "import", _cli_import, "import cards from DIR/nl/*.md and DIR/en/*.md")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--changed-by", default="admin-cli", help="name kept with the new versions")
    leaf(group, "list", _cli_list, "list the organisation's cards with version and author")
