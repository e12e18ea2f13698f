"""The organisation's letterhead (postal address, contact person, logo) and its own letter
templates on the server: REST routes and the ``admin org set`` / ``admin letter import|list``
commands.

Any signed-in user or workstation may read the profile and the templates (documents are made
on the workstation, also offline from its cache); only an administrator changes them. A
template is checked with the same rules the client uses (core.letters) and refused naming its
bad field; every stored version is kept with who stored it and when.
"""

from __future__ import annotations

import argparse
import base64
import binascii
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request

from veiligbalie.core.letters import LETTER_LANGUAGES, LetterKind, TemplateError, check_template
from veiligbalie.core.vocabulary import Role
from veiligbalie.protocol import documents as pd
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


def get_profile(store: ServerStore) -> pd.OrganisationProfileOut | None:
    with store.read() as conn:
        row = conn.execute(sa.select(t.organisations)).first()
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
    )


def set_profile(
    store: ServerStore,
    changed_by: str,
    *,
    address: str | None = None,
    contact_name: str | None = None,
    contact_function: str | None = None,
    contact_phone: str | None = None,
    contact_email: str | None = None,
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> pd.OrganisationProfileOut:
    """Change the given parts of the profile (None: keep)."""
    values: dict[str, Any] = {}
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
            values.update(profile_changed_by=changed_by, profile_changed_at=_now())
            conn.execute(
                sa.update(t.organisations).where(t.organisations.c.id == row.id).values(**values)
            )
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
    store: ServerStore, kind: str, language: str, text: str, changed_by: str
) -> pd.LetterTemplateOut:
    """Check and store a new version (an unchanged text keeps its version)."""
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
            values = {"version": version, "text": text, "changed_by": changed_by, "changed_at": now}
            if current is None:
                conn.execute(sa.insert(lt).values(kind=letter.value, language=language, **values))
            else:
                conn.execute(sa.update(lt).where(key).values(**values))
            conn.execute(sa.insert(lv).values(kind=letter.value, language=language, **values))
        row = conn.execute(sa.select(lt).where(key)).one()
    return pd.LetterTemplateOut.model_validate(row, from_attributes=True)


def list_templates(store: ServerStore) -> list[pd.LetterTemplateOut]:
    lt = t.letter_templates
    with store.read() as conn:
        rows = conn.execute(sa.select(lt).order_by(lt.c.kind, lt.c.language)).all()
    return [pd.LetterTemplateOut.model_validate(r, from_attributes=True) for r in rows]


def _who(principal: Principal) -> str:
    return principal.username or principal.display_name or "?"


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


@router.put("/admin/organisation/profile", response_model=pd.OrganisationProfileOut, responses=_400)
def put_profile(
    body: pd.OrganisationProfileIn, principal: Administrator, store: Store, request: Request
) -> pd.OrganisationProfileOut:
    logo: bytes | None = None
    if body.logo_base64:
        try:
            logo = base64.b64decode(body.logo_base64, validate=True)
        except (binascii.Error, ValueError):
            raise AdminError("logo_base64 is not valid base64") from None
    profile = set_profile(
        store,
        _who(principal),
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
) -> pd.LetterTemplateOut:
    out = store_template(store, kind, language, body.text, _who(principal))
    _nudge(request)
    return out


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
        args.changed_by,
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
    out = store_template(store, args.kind, args.language, text, args.changed_by)
    print(f"{out.language}/{out.kind}: version {out.version} ({out.changed_by})")


def _cli_letter_list(store: ServerStore, args: argparse.Namespace) -> None:
    templates = list_templates(store)
    if not templates:
        print("no organisation letters: the shipped templates are used")
        return
    for item in templates:
        stamp = item.changed_at.strftime("%Y-%m-%d %H:%M")
        print(f"{item.language}/{item.kind}  v{item.version}  ({item.changed_by}, {stamp} UTC)")


def add_cli(
    areas: Any,
    org: Any,
    leaf: Callable[..., argparse.ArgumentParser],
    parser_class: type,
) -> None:
    """``admin org set`` and ``admin letter import|list``."""
    p = leaf(org, "set", _cli_org_set, "set the letterhead: address, contact person, logo")
    p.add_argument("--address", help="postal address for letters and reports")
    p.add_argument("--contact-name", help="the employer's contact person")
    p.add_argument("--contact-function", help="their function, e.g. coördinator agressie")
    p.add_argument("--contact-phone")
    p.add_argument("--contact-email")
    logo = p.add_mutually_exclusive_group()
    logo.add_argument("--logo", metavar="FILE", help="PNG or JPEG, at most 512 KB")
    logo.add_argument("--remove-logo", action="store_true", help="documents without a logo")
    p.add_argument("--changed-by", default="admin-cli", help="name kept with the change")

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
