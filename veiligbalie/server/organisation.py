"""The organisation's letterhead (name, postal address, contact person, logo), its own letter
templates and its closing days on the server: REST routes and the ``admin org set``,
``admin org closing-day add|remove|list`` and ``admin letter import|list`` commands.

Any signed-in user or workstation may read the profile and the templates (documents are made
on the workstation, also offline from its cache); only an administrator changes them. A
template is checked with the same rules the client uses (core.letters) and refused naming its
bad field; every stored version is kept with who stored it and when. Every change is
written to the audit log (who, when, from which station) in its own transaction.

Closing days are the organisation's extra non-working days (the Friday after Ascension Day,
bridge days, its own closing days): the server's follow-up planning skips them and the
profile carries them to every workstation, whose planning skips them too.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Header, Request
from sqlalchemy.engine import Connection

from veiligbalie.core.letters import LETTER_LANGUAGES, LetterKind, TemplateError, check_template
from veiligbalie.core.vocabulary import Role
from veiligbalie.core.workdays import is_holiday
from veiligbalie.protocol import documents as pd
from veiligbalie.server import audit
from veiligbalie.server import schema as t
from veiligbalie.server.admin import AdminError
from veiligbalie.server.auth import ANY_USER, Principal, get_store, require
from veiligbalie.server.store import ServerStore

Store = Annotated[ServerStore, Depends(get_store)]
Reader = Annotated[Principal, Depends(require(*ANY_USER, workstation=True))]
Administrator = Annotated[Principal, Depends(require(Role.ADMINISTRATOR))]

_403: dict[int | str, dict[str, Any]] = {
    401: {"description": "no, unknown, expired or revoked token"},
    403: {"description": "the role may not use this route"},
}
_400: dict[int | str, dict[str, Any]] = {
    400: {"description": "refused (the message says why: a bad logo, a bad field)"},
    413: {"description": "the logo is larger than 512 KB"},
    **_403,
}

router = APIRouter(prefix="/api/v1", tags=["organisation"])

_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"


def _now() -> datetime:
    return datetime.now(UTC)


def logo_mime(data: bytes) -> str:
    """'image/png' or 'image/jpeg' from the file's first bytes; AdminError otherwise."""
    if len(data) > pd.LOGO_MAX:
        raise AdminError(
            f"the logo is {len(data) // 1024} KB: at most {pd.LOGO_MAX // 1024} KB", 413
        )
    if data.startswith(_PNG):
        return "image/png"
    if data.startswith(_JPEG):
        return "image/jpeg"
    raise AdminError("the logo must be a PNG or JPEG image")


def _clean(value: str, what: str, limit: int) -> str:
    value = value.strip()
    if len(value) > limit:
        raise AdminError(f"{what} is longer than {limit} characters")
    if "\x00" in value:
        raise AdminError(f"{what} must not contain NUL characters")
    return value


def closing_dates(conn: Connection) -> frozenset[date]:
    """The organisation's closing days, for the working-day deadlines."""
    return frozenset(conn.execute(sa.select(t.closing_days.c.day)).scalars())


def get_profile(store: ServerStore) -> pd.OrganisationProfileOut | None:
    with store.read() as conn:
        row = conn.execute(sa.select(t.organisations)).first()
        days = sorted(closing_dates(conn))
    if row is None:
        return None
    return pd.OrganisationProfileOut(
        name=row.name,
        address=row.address,
        contact_name=row.contact_name,
        contact_function=row.contact_function,
        contact_phone=row.contact_phone,
        contact_email=row.contact_email,
        logo_base64=base64.b64encode(row.logo).decode("ascii") if row.logo else "",
        logo_mime=row.logo_mime or "",
        changed_at=row.profile_changed_at,
        closing_days=days,
    )


def set_profile(
    store: ServerStore,
    who: audit.Who | str,
    *,
    name: str | None = None,
    address: str | None = None,
    contact_name: str | None = None,
    contact_function: str | None = None,
    contact_phone: str | None = None,
    contact_email: str | None = None,
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> pd.OrganisationProfileOut:
    """Change the given parts of the profile (None: keep); audited as ``who`` (a plain name:
    the command line)."""
    who = audit.as_who(who)
    values: dict[str, Any] = {}
    if name is not None:
        values["name"] = _clean(name, "the organisation name", 200)
        if not values["name"]:
            raise AdminError("the organisation name must not be empty")
    if address is not None:
        values["address"] = _clean(address, "the postal address", 1000)
        if not values["address"]:
            raise AdminError("the postal address must not be empty")
    for name, value, limit in (
        ("contact_name", contact_name, 200),
        ("contact_function", contact_function, 200),
        ("contact_phone", contact_phone, 50),
        ("contact_email", contact_email, 200),
    ):
        if value is not None:
            values[name] = _clean(value, name.replace("_", " "), limit)
    if values.get("contact_email") and "@" not in values["contact_email"]:
        raise AdminError(f"contact e-mail {values['contact_email']!r} has no @")
    if logo is not None:
        values["logo_mime"] = logo_mime(logo)
        values["logo"] = logo
    elif remove_logo:
        values.update(logo=None, logo_mime=None)
    with store.write() as conn:
        row = conn.execute(sa.select(t.organisations.c.id)).first()
        if row is None:
            raise AdminError(
                "no organisation yet: `admin org create --name ... --address ...`", 404
            )
        if values:
            changed = sorted(k for k in values if k != "logo_mime")
            values.update(profile_changed_by=who.name, profile_changed_at=_now())
            conn.execute(
                sa.update(t.organisations).where(t.organisations.c.id == row.id).values(**values)
            )
            what = ", ".join(
                "logo removed" if k == "logo" and not values[k] else k for k in changed
            )
            audit.record_change(conn, who, "organisation.profile", f"letterhead changed: {what}")
    profile = get_profile(store)
    assert profile is not None
    return profile


def _kind(kind: str) -> LetterKind:
    try:
        return LetterKind(kind)
    except ValueError:
        choices = ", ".join(k.value for k in LetterKind)
        raise AdminError(f"unknown letter kind {kind!r}: use {choices}") from None


def _language(language: str) -> str:
    if language not in LETTER_LANGUAGES:
        raise AdminError(f"unknown language {language!r}: use {', '.join(LETTER_LANGUAGES)}")
    return language


def store_template(
    store: ServerStore, kind: str, language: str, text: str, who: audit.Who | str
) -> pd.LetterTemplateOut:
    """Check and store a new version (an unchanged text keeps its version); audited."""
    who = audit.as_who(who)
    letter = _kind(kind)
    _language(language)
    text = text.replace("\r\n", "\n")
    try:
        check_template(letter, text)
    except TemplateError as exc:
        raise AdminError(f"{language}/{letter.value}: {exc}") from None
    now = _now()
    lt, lv = t.letter_templates, t.letter_template_versions
    key = (lt.c.kind == letter.value) & (lt.c.language == language)
    with store.write() as conn:
        current = conn.execute(sa.select(lt).where(key)).first()
        if current is None or current.text != text:
            version = 1 if current is None else current.version + 1
            values = {"version": version, "text": text, "changed_by": who.name, "changed_at": now}
            if current is None:
                conn.execute(sa.insert(lt).values(kind=letter.value, language=language, **values))
            else:
                conn.execute(sa.update(lt).where(key).values(**values))
            conn.execute(sa.insert(lv).values(kind=letter.value, language=language, **values))
            audit.record_change(
                conn, who, "letter.template", f"{language}/{letter.value}: version {version}"
            )
        row = conn.execute(sa.select(lt).where(key)).one()
    return pd.LetterTemplateOut.model_validate(row, from_attributes=True)


def list_templates(store: ServerStore) -> list[pd.LetterTemplateOut]:
    lt = t.letter_templates
    with store.read() as conn:
        rows = conn.execute(sa.select(lt).order_by(lt.c.kind, lt.c.language)).all()
    return [pd.LetterTemplateOut.model_validate(r, from_attributes=True) for r in rows]


#: The years a closing day may lie in (a typo such as 2062 is refused).
_CLOSING_YEARS = 2


def _closing_out(row: Any) -> pd.ClosingDayOut:
    return pd.ClosingDayOut(
        day=row.day, reason=row.reason, changed_by=row.changed_by, changed_at=row.changed_at
    )


def list_closing_days(store: ServerStore) -> list[pd.ClosingDayOut]:
    c = t.closing_days
    with store.read() as conn:
        return [_closing_out(r) for r in conn.execute(sa.select(c).order_by(c.c.day))]


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise AdminError(f"{text!r} is not a date: give YYYY-MM-DD") from None


def add_closing_day(
    store: ServerStore, day: date, reason: str, who: audit.Who, today: date | None = None
) -> pd.ClosingDayOut:
    """Add an extra non-working day; a weekend day, a public holiday, a day already closed,
    or one more than two years from today is refused with a one-line message."""
    reason = _clean(reason, "the reason", 200)
    today = today or _now().date()
    if abs(day.year - today.year) > _CLOSING_YEARS:
        raise AdminError(
            f"{day.isoformat()} is more than {_CLOSING_YEARS} years away: check the year"
        )
    if day.weekday() >= 5:
        raise AdminError(f"{day.isoformat()} is a {day.strftime('%A')}: not a working day anyway")
    if is_holiday(day):
        raise AdminError(f"{day.isoformat()} is a public holiday: not a working day anyway")
    c = t.closing_days
    with store.write() as conn:
        if conn.execute(sa.select(c.c.day).where(c.c.day == day)).first() is not None:
            raise AdminError(f"{day.isoformat()} is already a closing day", 409)
        conn.execute(
            sa.insert(c).values(day=day, reason=reason, changed_by=who.name, changed_at=_now())
        )
        audit.record_change(
            conn,
            who,
            "organisation.closing_day.add",
            f"closing day {day.isoformat()}" + (f": {reason}" if reason else ""),
        )
        row = conn.execute(sa.select(c).where(c.c.day == day)).one()
    return _closing_out(row)


def remove_closing_day(store: ServerStore, day: date, who: audit.Who) -> None:
    c = t.closing_days
    with store.write() as conn:
        gone = conn.execute(sa.delete(c).where(c.c.day == day)).rowcount
        if not gone:
            raise AdminError(f"{day.isoformat()} is not a closing day", 404)
        audit.record_change(
            conn, who, "organisation.closing_day.remove", f"closing day {day.isoformat()} removed"
        )


def request_who(
    store: ServerStore, principal: Principal, device: uuid.UUID | None = None
) -> audit.Who:
    """The administrator of a request, with the station it came from (X-VB-Device)."""
    with store.read() as conn:
        station = audit.station_of(conn, principal, device)
    return audit.Who(principal, None, station)


def _nudge(request: Request) -> None:
    """Tell connected workstations to sync: each sync also refreshes their letterhead."""
    hub = getattr(request.app.state, "hub", None)
    if hub is None:
        return
    for site in hub.sites():
        hub.publish(site, {"type": "changes"})


# --- routes -----------------------------------------------------------------------------


@router.get("/organisation/profile", response_model=pd.OrganisationProfileOut, responses=_403)
def read_profile(_: Reader, store: Store) -> pd.OrganisationProfileOut:
    profile = get_profile(store)
    if profile is None:
        raise AdminError("the server has no organisation yet", 404)
    return profile


Device = Annotated[uuid.UUID | None, Header(alias="X-VB-Device")]


@router.put("/admin/organisation/profile", response_model=pd.OrganisationProfileOut, responses=_400)
def put_profile(
    body: pd.OrganisationProfileIn,
    principal: Administrator,
    store: Store,
    request: Request,
    device: Device = None,
) -> pd.OrganisationProfileOut:
    logo: bytes | None = None
    if body.logo_base64:
        try:
            logo = base64.b64decode(body.logo_base64, validate=True)
        except (binascii.Error, ValueError):
            raise AdminError("logo_base64 is not valid base64") from None
    profile = set_profile(
        store,
        request_who(store, principal, device),
        name=body.name,
        address=body.address,
        contact_name=body.contact_name,
        contact_function=body.contact_function,
        contact_phone=body.contact_phone,
        contact_email=body.contact_email,
        logo=logo,
        remove_logo=body.logo_base64 == "",
    )
    _nudge(request)
    return profile


@router.get("/letters/templates", response_model=pd.LetterTemplateList, responses=_403)
def get_templates(_: Reader, store: Store) -> pd.LetterTemplateList:
    return pd.LetterTemplateList(templates=list_templates(store))


@router.put("/admin/letters/{language}/{kind}", response_model=pd.LetterTemplateOut, responses=_400)
def put_template(
    language: str,
    kind: str,
    body: pd.LetterTemplateIn,
    principal: Administrator,
    store: Store,
    request: Request,
    device: Device = None,
) -> pd.LetterTemplateOut:
    who = request_who(store, principal, device)
    out = store_template(store, kind, language, body.text, who)
    _nudge(request)
    return out


@router.get("/organisation/closing-days", response_model=pd.ClosingDayList, responses=_403)
def get_closing_days(_: Reader, store: Store) -> pd.ClosingDayList:
    return pd.ClosingDayList(days=list_closing_days(store))


@router.post(
    "/admin/organisation/closing-days",
    response_model=pd.ClosingDayOut,
    status_code=201,
    responses={409: {"description": "already a closing day"}, **_400},
)
def post_closing_day(
    body: pd.ClosingDayIn,
    principal: Administrator,
    store: Store,
    request: Request,
    device: Device = None,
) -> pd.ClosingDayOut:
    out = add_closing_day(store, body.day, body.reason, request_who(store, principal, device))
    _nudge(request)
    return out


@router.delete(
    "/admin/organisation/closing-days/{day}",
    response_model=pd.ClosingDayList,
    responses={404: {"description": "not a closing day"}, **_400},
)
def delete_closing_day(
    day: date, principal: Administrator, store: Store, request: Request, device: Device = None
) -> pd.ClosingDayList:
    """Remove a closing day; answers the days that remain."""
    remove_closing_day(store, day, request_who(store, principal, device))
    _nudge(request)
    return pd.ClosingDayList(days=list_closing_days(store))


# --- admin CLI --------------------------------------------------------------------------


def _read_file(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise AdminError(f"{path}: cannot read the {what}: {exc.strerror or exc}") from None


def _cli_org_set(store: ServerStore, args: argparse.Namespace) -> None:
    logo = _read_file(args.logo, "logo") if args.logo else None
    profile = set_profile(
        store,
        audit.Who(None, args.changed_by, audit.CLI_STATION),
        name=args.name,
        address=args.address,
        contact_name=args.contact_name,
        contact_function=args.contact_function,
        contact_phone=args.contact_phone,
        contact_email=args.contact_email,
        logo=logo,
        remove_logo=args.remove_logo,
    )
    print(f"{profile.name}\n{profile.address}")
    contact = ", ".join(
        x
        for x in (
            profile.contact_name,
            profile.contact_function,
            profile.contact_phone,
            profile.contact_email,
        )
        if x
    )
    print(f"contact: {contact or '(none)'}")
    size = len(base64.b64decode(profile.logo_base64)) if profile.logo_base64 else 0
    print(f"logo: {profile.logo_mime}, {size} bytes" if size else "logo: (none)")


def _cli_letter_import(store: ServerStore, args: argparse.Namespace) -> None:
    raw = _read_file(args.file, "template")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AdminError(f"{args.file}: not UTF-8 text") from None
    who = audit.Who(None, args.changed_by, audit.CLI_STATION)
    out = store_template(store, args.kind, args.language, text, who)
    print(f"{out.language}/{out.kind}: version {out.version} ({out.changed_by})")


def _cli_letter_list(store: ServerStore, args: argparse.Namespace) -> None:
    templates = list_templates(store)
    if not templates:
        print("no organisation letters: the shipped templates are used")
        return
    for item in templates:
        stamp = item.changed_at.strftime("%Y-%m-%d %H:%M")
        print(f"{item.language}/{item.kind}  v{item.version}  ({item.changed_by}, {stamp} UTC)")


def _cli_closing_add(store: ServerStore, args: argparse.Namespace) -> None:
    who = audit.Who(None, args.changed_by, audit.CLI_STATION)
    out = add_closing_day(store, parse_day(args.day), args.reason, who)
    print(f"closing day {out.day.isoformat()} added" + (f" ({out.reason})" if out.reason else ""))


def _cli_closing_remove(store: ServerStore, args: argparse.Namespace) -> None:
    day = parse_day(args.day)
    remove_closing_day(store, day, audit.Who(None, args.changed_by, audit.CLI_STATION))
    print(f"closing day {day.isoformat()} removed")


def _cli_closing_list(store: ServerStore, args: argparse.Namespace) -> None:
    days = list_closing_days(store)
    if not days:
        print("no closing days: weekends and public holidays only")
        return
    for item in days:
        reason = f"  {item.reason}" if item.reason else ""
        print(f"{item.day.isoformat()}  {item.day.strftime('%a')}{reason}  ({item.changed_by})")


def add_cli(
    areas: Any,
    org: Any,
    leaf: Callable[..., argparse.ArgumentParser],
    parser_class: type,
) -> None:
    """``admin org set`` and ``admin letter import|list``."""
    p = leaf(org, "set", _cli_org_set, "set the letterhead: name, address, contact, logo")
    p.add_argument("--name", help="the organisation's name on letters and reports")
    p.add_argument("--address", help="postal address for letters and reports")
    p.add_argument("--contact-name", help="the employer's contact person")
    p.add_argument("--contact-function", help="their function, e.g. coördinator agressie")
    p.add_argument("--contact-phone")
    p.add_argument("--contact-email")
    logo = p.add_mutually_exclusive_group()
    logo.add_argument("--logo", metavar="FILE", help="PNG or JPEG, at most 512 KB")
    logo.add_argument("--remove-logo", action="store_true", help="documents without a logo")
    p.add_argument("--changed-by", default="admin-cli", help="name kept with the change")

    closing = org.add_parser(
        "closing-day", help="extra non-working days that working-day deadlines skip"
    ).add_subparsers(dest="closing", required=True, parser_class=parser_class)
    p = leaf(closing, "add", _cli_closing_add, "add a closing day (e.g. the day after Ascension)")
    p.add_argument("day", metavar="YYYY-MM-DD")
    p.add_argument("--reason", default="", help="shown in Beheer, e.g. brugdag")
    p.add_argument("--changed-by", default=audit.CLI_ACTOR, help="name kept with the change")
    p = leaf(closing, "remove", _cli_closing_remove, "remove a closing day")
    p.add_argument("day", metavar="YYYY-MM-DD")
    p.add_argument("--changed-by", default=audit.CLI_ACTOR, help="name kept with the change")
    leaf(closing, "list", _cli_closing_list, "list the closing days")

    group = areas.add_parser(
        "letter", help="the organisation's own letter templates"
    ).add_subparsers(dest="action", required=True, parser_class=parser_class)
    kinds = [k.value for k in LetterKind]
    p = leaf(group, "import", _cli_letter_import, "store the organisation's version of a letter")
    p.add_argument("--kind", required=True, choices=kinds)
    p.add_argument("--language", required=True, choices=list(LETTER_LANGUAGES))
    p.add_argument("file", metavar="FILE", help="UTF-8 text with fields like {ban_start}")
    p.add_argument("--changed-by", default="admin-cli", help="name kept with the new version")
    leaf(group, "list", _cli_letter_list, "list the organisation's letters with version")
