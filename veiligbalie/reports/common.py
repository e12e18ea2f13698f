"""What the documents on the organisation's letterhead (letters to the perpetrator, the
police-report sheet) add to :mod:`veiligbalie.reports.layout`: the letterhead, their own
paragraph styles and A4 margins, and dates and page numbers in the document's language,
which the caller chooses (a letter may go out in English while the UI speaks Dutch).

Reports depend on ``core`` only: the caller (a service) hands in plain data.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image, Paragraph, Table, TableStyle

from veiligbalie.reports.layout import (
    FONT,
    FONT_BOLD,
    Footer,
    build_document,
    escape,
    register_fonts,
)

LOCAL_ZONE = ZoneInfo("Europe/Amsterdam")
#: The side margins of a letterhead document: its tables are sized for the 170 mm between.
SIDE = 20 * mm

_MONTHS = {
    "nl": (
        "januari februari maart april mei juni juli augustus september oktober november december"
    ).split(),
    "en": (
        "January February March April May June July August September October November December"
    ).split(),
}
_PAGE = {"nl": "pagina %1 van %2", "en": "page %1 of %2"}
_NO_ADDRESS = {
    "nl": "Deze organisatie heeft haar postadres nog niet ingevuld.",
    "en": "This organisation has not filled in its postal address yet.",
}
_CONTACT = {"nl": "Contactpersoon", "en": "Contact person"}


def language_of(code: str) -> str:
    """'nl' or 'en' from a UI language code such as 'nl_NL' or 'en'."""
    return "en" if code.lower().startswith("en") else "nl"


def format_date(moment: date, language: str, with_time: bool = False) -> str:
    """'2 december 2026' (or '2 December 2026'), '…, 14:05' with the time, in Dutch time.

    Not :func:`veiligbalie.reports.layout.date_text`: a letter's date is written out in
    words, in the letter's language rather than the UI's, and in the time zone of the
    organisation rather than of the machine that happens to print it."""
    lang = language_of(language)
    if not isinstance(moment, datetime):
        return f"{moment.day} {_MONTHS[lang][moment.month - 1]} {moment.year}"
    local = moment.astimezone(LOCAL_ZONE) if moment.tzinfo else moment
    text = f"{local.day} {_MONTHS[lang][local.month - 1]} {local.year}"
    return f"{text}, {local:%H:%M}" if with_time else text


@dataclass(frozen=True)
class Letterhead:
    """The organisation as it appears at the top of a document (never an employee's own
    address or phone)."""

    name: str
    address: str = ""
    contact_name: str = ""
    contact_function: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    logo: bytes | None = None

    def address_lines(self, language: str) -> list[str]:
        lines = [line.strip() for line in self.address.splitlines() if line.strip()]
        return lines or [_NO_ADDRESS[language_of(language)]]

    def contact_line(self) -> str:
        parts = [self.contact_name]
        if self.contact_function:
            parts[0] = f"{self.contact_name} ({self.contact_function})"
        parts += [p for p in (self.contact_phone, self.contact_email) if p]
        return ", ".join(p for p in parts if p)


class Styles:
    def __init__(self) -> None:
        register_fonts()
        self.body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=8.5, leading=11)
        self.right = ParagraphStyle("right", parent=self.small, alignment=TA_RIGHT)
        self.tiny = ParagraphStyle("tiny", parent=self.body, fontSize=7.5, leading=10)
        self.title = ParagraphStyle(
            "title", parent=self.body, fontName=FONT_BOLD, fontSize=15, leading=20, spaceAfter=6
        )
        self.heading = ParagraphStyle(
            "heading",
            parent=self.body,
            fontName=FONT_BOLD,
            fontSize=11,
            leading=15,
            spaceBefore=8,
            spaceAfter=3,
        )
        self.label = ParagraphStyle("label", parent=self.body, fontName=FONT_BOLD)


def letterhead_block(head: Letterhead, styles: Styles, language: str) -> Table:
    """Logo on the left; name, postal address and contact person on the right."""
    lines = [f"<b>{escape(head.name)}</b>"] + [escape(x) for x in head.address_lines(language)]
    contact = head.contact_line()
    if contact:
        lines.append(f"{_CONTACT[language_of(language)]}: {escape(contact)}")
    text = Paragraph("<br/>".join(lines), styles.right)
    logo: Flowable | str = ""
    if head.logo:
        try:
            reader = ImageReader(io.BytesIO(head.logo))
            width, height = reader.getSize()
            scale = min(45 * mm / width, 20 * mm / height)
            logo = Image(io.BytesIO(head.logo), width=width * scale, height=height * scale)
            logo.hAlign = "LEFT"
        except Exception:  # an unreadable logo never stops a document
            logo = ""
    table = Table([[logo, text]], colWidths=[55 * mm, 109 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.grey),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
            ]
        )
    )
    return table


def build_pdf(
    story: Sequence[Flowable],
    language: str,
    title: str,
    target: Path | io.BytesIO,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Lay out ``story`` on A4 pages with page numbers and write it to ``target``."""
    footer = Footer(page_text=_PAGE[language_of(language)], baseline=12 * mm)
    if progress is not None:
        progress(50)
    build_document(target, story, title, footer, side=SIDE, top=18 * mm, bottom=20 * mm)
    if progress is not None:
        progress(100)


def key_value_table(rows: Sequence[tuple[str, Flowable | str]], styles: Styles) -> Table:
    data = [
        [
            Paragraph(escape(k), styles.label),
            v if isinstance(v, Flowable) else Paragraph(v, styles.body),
        ]
        for k, v in rows
    ]
    # A value may be longer than a page (a description of 4,000 characters in short lines,
    # a long note): its row splits across pages instead of failing the whole document.
    table = Table(data, colWidths=[45 * mm, 119 * mm], hAlign="LEFT", splitInRow=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table
