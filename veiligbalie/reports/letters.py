"""Letters to the perpetrator on the organisation's letterhead: a warning, an invitation to a
conversation about conduct, an access ban. The text comes from a template with named fields
(shipped under resources/letters/{nl,en}/, or the organisation's own version from the
server); :func:`veiligbalie.core.letters.fill_template` refuses a bad one, naming the field.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from veiligbalie import paths
from veiligbalie.core.letters import LetterKind, fill_template
from veiligbalie.reports.common import (
    Letterhead,
    Styles,
    build_pdf,
    format_date,
    language_of,
    letterhead_block,
)
from veiligbalie.reports.layout import escape

__all__ = [
    "LETTERS_DIR",
    "build_letter",
    "letter_text",
    "objection_deadline",
    "shipped_template",
    "standard_values",
]

LETTERS_DIR = paths.resources_dir() / "letters"
_REF = {"nl": "Ons kenmerk", "en": "Our reference"}
_DATE = {"nl": "Datum", "en": "Date"}
_TITLE = {
    "nl": {"warning": "Waarschuwing", "invitation": "Uitnodiging", "access_ban": "Toegangsverbod"},
    "en": {"warning": "Warning", "invitation": "Invitation", "access_ban": "Access ban"},
}


def shipped_template(kind: LetterKind, language: str) -> str:
    return (LETTERS_DIR / language_of(language) / f"{kind.value}.txt").read_text("utf-8")


def objection_deadline(letter_day: date) -> date:
    """Six weeks after the date of the letter (the term for "bezwaar")."""
    return letter_day + timedelta(weeks=6)


def standard_values(
    head: Letterhead,
    reference: str,
    incident_at: datetime,
    letter_at: datetime,
    language: str,
) -> dict[str, str]:
    """The fields VeiligBalie fills in itself: the organisation, dates, the reference."""
    lang = language_of(language)
    deadline = objection_deadline(letter_at.date())
    return {
        "org_name": head.name,
        "org_address": ", ".join(head.address_lines(lang)),
        "contact_name": head.contact_name,
        "contact_function": head.contact_function,
        "contact_phone": head.contact_phone,
        "contact_email": head.contact_email,
        "letter_date": format_date(letter_at, lang),
        "reference": reference,
        "incident_date": format_date(incident_at, lang),
        "objection_deadline": format_date(
            datetime(deadline.year, deadline.month, deadline.day), lang
        ),
    }


def letter_text(kind: LetterKind, template: str, values: dict[str, str]) -> str:
    """The filled text (the preview shows exactly this)."""
    return fill_template(kind, template, values)


def build_letter(
    kind: LetterKind,
    template: str,
    values: dict[str, str],
    head: Letterhead,
    language: str,
    target: Path | io.BytesIO,
    recipient_address: str = "",
    progress: Callable[[int], None] | None = None,
) -> str:
    """Make the PDF; returns the letter's text. Raises TemplateError naming a bad field."""
    lang = language_of(language)
    text = letter_text(kind, template, values)
    s = Styles()
    story: list[Flowable] = [letterhead_block(head, s, lang), Spacer(1, 10 * mm)]
    address = [values.get("recipient", "")] + [
        line for line in recipient_address.splitlines() if line.strip()
    ]
    story.append(Paragraph("<br/>".join(escape(x) for x in address if x), s.body))
    story.append(Spacer(1, 8 * mm))
    story.append(
        Paragraph(
            f"{_DATE[lang]}: {escape(values.get('letter_date', ''))}<br/>"
            f"{_REF[lang]}: {escape(values.get('reference', ''))}",
            s.small,
        )
    )
    story.append(Spacer(1, 6 * mm))
    paragraphs = [p.strip("\n") for p in text.replace("\r\n", "\n").split("\n\n")]
    paragraphs = [p for p in paragraphs if p.strip()]
    if paragraphs:
        story.append(Paragraph(f"<b>{escape(paragraphs[0])}</b>", s.body))
        story.append(Spacer(1, 4 * mm))
    for paragraph in paragraphs[1:]:
        story.append(Paragraph(escape(paragraph), s.body))
        story.append(Spacer(1, 3 * mm))
    build_pdf(story, lang, _TITLE[lang][kind.value], target, progress)
    return text
