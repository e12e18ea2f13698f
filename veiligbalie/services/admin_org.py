"""Beheer → Organisatie and Privacy: the organisation's letterhead, guidance cards, letter
templates, closing days and retention periods, through the API with the administrator's own
token.

The service refuses nothing itself: the server checks every change (the same messages as the
``admin`` command line) and writes it to the audit log; a refusal comes back as
``failed(what, message)`` with the server's one-line message, shown next to the field.
What the editors preview is made by the same code as the real thing: a card through
:func:`veiligbalie.guidance.parse_card` (shown by the guidance reader), a letter through
:func:`veiligbalie.reports.letters.letter_text` on a fixed, clearly fictitious example.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, TypeAdapter
from PySide6.QtCore import QObject, Signal

from veiligbalie.core.letters import LetterKind
from veiligbalie.guidance import Card, GuidanceError, parse_card
from veiligbalie.net.api import ServerApi
from veiligbalie.protocol import documents as pd
from veiligbalie.protocol import guidance as pg
from veiligbalie.protocol import privacy as pp
from veiligbalie.reports.common import Letterhead
from veiligbalie.reports.letters import (
    build_letter,
    letter_text,
    shipped_template,
    standard_values,
)
from veiligbalie.services import background
from veiligbalie.services.guidance import shipped_dir
from veiligbalie.services.session import OwnNameService

if TYPE_CHECKING:
    from veiligbalie.services.context import AppContext

__all__ = [
    "EXAMPLE_HEAD",
    "ClosingDayOut",
    "GuidanceCardOut",
    "LetterTemplateOut",
    "OrganisationProfileIn",
    "OrganisationProfileOut",
    "PurgePreview",
    "RetentionOut",
    "LOGO_MAX",
    "AdminOrgService",
    "example_letter",
    "preview_card",
    "read_logo",
]

#: The largest logo the server takes, and the image types it knows by their first bytes.
LOGO_MAX = pd.LOGO_MAX
_LOGO_MAGIC = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}

#: The example a letter template is previewed on: clearly fictitious, never a real person.
EXAMPLE_HEAD = Letterhead(
    name="Gemeente Voorbeeldstad",
    address="Postbus 1234\n9999 ZZ Voorbeeldstad",
    contact_name="J. (Jan) Voorbeeld",
    contact_function="coördinator agressie en geweld",
    contact_phone="0000 000 000",
    contact_email="veiligheid@voorbeeldstad.example",
)
EXAMPLE_REFERENCE = "VB-2026-000123"
EXAMPLE_INCIDENT_AT = datetime(2026, 5, 12, 10, 30, tzinfo=UTC)
EXAMPLE_LETTER_AT = datetime(2026, 5, 13, 9, 0, tzinfo=UTC)
EXAMPLE_FIELDS = {
    "nl": {
        "recipient": "Dhr. P. Voorbeeld (fictief)",
        "behaviour": "U heeft een medewerker aan de balie uitgescholden en bedreigd.",
        "house_rule": "Wij tolereren geen agressie of geweld tegen onze medewerkers.",
        "talk_date": "woensdag 20 mei 2026, 14:00 uur",
        "talk_place": "Stadhuis Voorbeeldstad, balie 1",
        "ban_start": "14 mei 2026",
        "ban_end": "14 augustus 2026",
        "locations": "alle gebouwen van de gemeente Voorbeeldstad",
        "channels": "alleen per brief of telefonisch",
    },
    "en": {
        "recipient": "Mr P. Example (fictitious)",
        "behaviour": "You verbally abused and threatened an employee at the counter.",
        "house_rule": "We do not tolerate aggression or violence against our staff.",
        "talk_date": "Wednesday 20 May 2026, 2 pm",
        "talk_place": "Voorbeeldstad town hall, counter 1",
        "ban_start": "14 May 2026",
        "ban_end": "14 August 2026",
        "locations": "all buildings of the municipality of Voorbeeldstad",
        "channels": "only by letter or by phone",
    },
}

_CLOSING_DAYS = TypeAdapter(pd.ClosingDayList)

# What the Beheer pages show and send (the widgets name them through this service).
OrganisationProfileIn = pd.OrganisationProfileIn
OrganisationProfileOut = pd.OrganisationProfileOut
LetterTemplateOut = pd.LetterTemplateOut
ClosingDayOut = pd.ClosingDayOut
GuidanceCardOut = pg.GuidanceCardOut
RetentionOut = pp.RetentionOut
PurgePreview = pp.PurgePreview


def example_letter(kind: LetterKind, language: str, template: str) -> str:
    """``template`` filled in for the fictitious example, exactly as a letter is made;
    raises :class:`veiligbalie.core.letters.TemplateError` naming a bad field."""
    values = standard_values(
        EXAMPLE_HEAD, EXAMPLE_REFERENCE, EXAMPLE_INCIDENT_AT, EXAMPLE_LETTER_AT, language
    )
    values.update(EXAMPLE_FIELDS["en" if language == "en" else "nl"])
    return letter_text(kind, template, values)


EXAMPLE_RECIPIENT_ADDRESS = "Voorbeeldstraat 1\n9999 ZZ Voorbeeldstad"


def example_letter_pdf(kind: LetterKind, language: str, template: str) -> bytes:
    """The PDF of :func:`example_letter`, laid out exactly as a real letter (reportlab)."""
    values = standard_values(
        EXAMPLE_HEAD, EXAMPLE_REFERENCE, EXAMPLE_INCIDENT_AT, EXAMPLE_LETTER_AT, language
    )
    values.update(EXAMPLE_FIELDS["en" if language == "en" else "nl"])
    out = io.BytesIO()
    build_letter(kind, template, values, EXAMPLE_HEAD, language, out, EXAMPLE_RECIPIENT_ADDRESS)
    return out.getvalue()


def preview_card(markdown: str, language: str, card_id: str) -> Card:
    """The card as the guidance reader will show it; GuidanceError names the line."""
    card = parse_card(markdown, language, f"{language}/{card_id}.md")
    if card.id != card_id:
        raise GuidanceError(
            f"{language}/{card_id}.md", card.lines.get("id", 1), f"id {card.id!r} differs"
        )
    return card


def read_logo(path: Path) -> tuple[bytes, str]:
    """The logo file's bytes and type; ValueError says plainly why it cannot be used."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(str(exc.strerror or exc)) from None
    if len(data) > LOGO_MAX:
        raise ValueError(f"{len(data) // 1024} KB > {LOGO_MAX // 1024} KB")
    for magic, mime in _LOGO_MAGIC.items():
        if data.startswith(magic):
            return data, mime
    raise ValueError("PNG or JPEG")


@dataclass(frozen=True)
class CardSource:
    """One card the administrator can edit: the organisation's version when there is one,
    else the shipped text to start from."""

    id: str
    language: str
    title: str
    markdown: str
    version: int  # 0: shipped, not yet the organisation's own
    changed_by: str = ""


def _shipped_cards(language: str) -> dict[str, str]:
    folder = shipped_dir() / language
    return {path.stem: path.read_text("utf-8") for path in sorted(folder.glob("*.md"))}


class AdminOrgService(OwnNameService):
    """Loads and saves the Organisatie and Privacy settings; answers arrive as signals.

    ``failed(what, message)``: ``what`` names the part ("profile", "card", "template",
    "closing_day", "retention", "preview", "load"), ``message`` is the server's reason
    (or that the server cannot be reached)."""

    profile_loaded = Signal(object)  # pd.OrganisationProfileOut
    profile_saved = Signal(object)
    cards_loaded = Signal(list)  # [CardSource]
    card_saved = Signal(object)  # pg.GuidanceCardOut
    templates_loaded = Signal(list)  # [pd.LetterTemplateOut]
    template_saved = Signal(object)
    closing_days_loaded = Signal(list)  # [pd.ClosingDayOut]
    retention_loaded = Signal(object)  # pp.RetentionOut
    retention_saved = Signal(object)
    preview_loaded = Signal(object)  # pp.PurgePreview
    #: The example letter as a PDF (bytes), made off the GUI thread.
    example_pdf_ready = Signal(bytes)
    failed = Signal(str, str)

    def __init__(
        self,
        api: Callable[[], ServerApi | None],
        token: Callable[[], str | None],
        parent: QObject | None = None,
        organisation_changed: Callable[[], object] | None = None,
    ) -> None:
        super().__init__(api, token, parent)
        self._organisation_changed = organisation_changed or (lambda: None)
        self.templates: dict[tuple[str, str], pd.LetterTemplateOut] = {}

    @classmethod
    def from_context(cls, context: AppContext, parent: QObject | None = None) -> AdminOrgService:
        """Through the station's server link, with the signed-in administrator's token."""
        organisation = context.organisation

        def refreshed() -> object:
            # The workstation's own cache (letterhead, closing days) follows at once.
            return organisation.refresh() if organisation is not None else None

        return cls(context.own_api, context.own_token, parent, refreshed)

    # -- plumbing --------------------------------------------------------------------------
    def _call(
        self,
        what: str,
        method: str,
        path: str,
        body: BaseModel | dict[str, Any] | None,
        model: type[BaseModel] | TypeAdapter[Any] | None,
        done: Callable[[Any], None],
    ) -> bool:
        return self._ask(
            method,
            path,
            body,
            model,
            done,
            lambda message: self.failed.emit(what, message),
            forbidden=self.tr("Only an administrator may change this."),
            signed_out=self.tr("Not signed in at a server."),
        )

    # -- profile ---------------------------------------------------------------------------
    def load_profile(self) -> bool:
        return self._call(
            "load", "GET", "/organisation/profile", None, pd.OrganisationProfileOut,
            self.profile_loaded.emit,
        )  # fmt: skip

    def save_profile(self, body: pd.OrganisationProfileIn) -> bool:
        def saved(profile: pd.OrganisationProfileOut) -> None:
            self._organisation_changed()
            self.profile_saved.emit(profile)

        return self._call(
            "profile", "PUT", "/admin/organisation/profile", body, pd.OrganisationProfileOut,
            saved,
        )  # fmt: skip

    @staticmethod
    def logo_base64(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    @staticmethod
    def logo_bytes(profile: pd.OrganisationProfileOut) -> bytes | None:
        try:
            return base64.b64decode(profile.logo_base64) if profile.logo_base64 else None
        except ValueError:
            return None

    # -- guidance cards --------------------------------------------------------------------
    def load_cards(self) -> bool:
        """Every card in both languages: the organisation's version, else the shipped one."""

        def loaded(answer: pg.GuidanceCardList) -> None:
            own = {(c.id, c.language): c for c in answer.cards}
            sources: list[CardSource] = []
            for language in ("nl", "en"):
                shipped = _shipped_cards(language)
                ids = sorted(set(shipped) | {i for i, lang in own if lang == language})
                for card_id in ids:
                    mine = own.get((card_id, language))
                    if mine is not None:
                        sources.append(
                            CardSource(
                                card_id,
                                language,
                                mine.title,
                                mine.markdown,
                                mine.version,
                                mine.changed_by,
                            )  # fmt: skip
                        )
                        continue
                    text = shipped[card_id]
                    try:
                        title = parse_card(text, language).title
                    except GuidanceError:
                        title = card_id
                    sources.append(CardSource(card_id, language, title, text, 0))
            self.cards_loaded.emit(sources)

        return self._call("load", "GET", "/guidance/cards", None, pg.GuidanceCardList, loaded)

    def save_card(self, language: str, card_id: str, markdown: str) -> bool:
        return self._call(
            "card", "PUT", f"/guidance/cards/{language}/{card_id}",
            pg.GuidanceCardIn(markdown=markdown), pg.GuidanceCardOut, self.card_saved.emit,
        )  # fmt: skip

    # -- letter templates ------------------------------------------------------------------
    def load_templates(self) -> bool:
        def loaded(answer: pd.LetterTemplateList) -> None:
            self.templates = {(t.language, t.kind): t for t in answer.templates}
            self.templates_loaded.emit(list(answer.templates))

        return self._call("load", "GET", "/letters/templates", None, pd.LetterTemplateList, loaded)

    def template_text(self, kind: LetterKind, language: str) -> tuple[str, int]:
        """The organisation's template and its version, else the shipped one (version 0)."""
        own = self.templates.get((language, kind.value))
        if own is not None:
            return own.text, own.version
        return shipped_template(kind, language), 0

    def save_template(self, kind: LetterKind, language: str, text: str) -> bool:
        def saved(out: pd.LetterTemplateOut) -> None:
            self.templates[(out.language, out.kind)] = out
            self._organisation_changed()
            self.template_saved.emit(out)

        return self._call(
            "template", "PUT", f"/admin/letters/{language}/{kind.value}",
            pd.LetterTemplateIn(text=text), pd.LetterTemplateOut, saved,
        )  # fmt: skip

    def make_example_pdf(self, kind: LetterKind, language: str, template: str) -> None:
        """Lay out the example letter as a PDF on a worker; ``example_pdf_ready`` or
        ``failed("pdf", message)`` follows (a bad template names its field)."""
        task = background.start(
            f"example letter {kind.value} ({language})",
            lambda _progress: example_letter_pdf(kind, language, template),
        )
        task.finished.connect(self.example_pdf_ready.emit)
        task.failed.connect(lambda error: self.failed.emit("pdf", background.message(error)))

    # -- closing days ----------------------------------------------------------------------
    def load_closing_days(self) -> bool:
        return self._call(
            "load", "GET", "/organisation/closing-days", None, _CLOSING_DAYS,
            lambda answer: self.closing_days_loaded.emit(list(answer.days)),
        )  # fmt: skip

    def add_closing_day(self, day: date, reason: str) -> bool:
        def added(_out: pd.ClosingDayOut) -> None:
            self._organisation_changed()
            self.load_closing_days()

        return self._call(
            "closing_day", "POST", "/admin/organisation/closing-days",
            {"day": day.isoformat(), "reason": reason}, pd.ClosingDayOut, added,
        )  # fmt: skip

    def remove_closing_day(self, day: date) -> bool:
        def removed(_out: object) -> None:
            self._organisation_changed()
            self.load_closing_days()

        return self._call(
            "closing_day", "DELETE", f"/admin/organisation/closing-days/{day.isoformat()}",
            None, None, removed,
        )  # fmt: skip

    # -- retention -------------------------------------------------------------------------
    def load_retention(self) -> bool:
        return self._call(
            "load", "GET", "/admin/retention", None, pp.RetentionOut, self.retention_loaded.emit
        )

    def save_retention(self, months: dict[str, int]) -> bool:
        """Only the periods given change (``reports_months=…``)."""

        def saved(out: pp.RetentionOut) -> None:
            self.retention_saved.emit(out)
            self.load_preview()

        return self._call(
            "retention", "PUT", "/admin/retention", pp.RetentionIn(**months), pp.RetentionOut,
            saved,
        )  # fmt: skip

    def load_preview(self) -> bool:
        return self._call(
            "preview", "GET", "/admin/retention/preview", None, pp.PurgePreview,
            self.preview_loaded.emit,
        )  # fmt: skip
