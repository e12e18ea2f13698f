"""What every VeiligBalie document shares: the embedded font (DejaVu Sans, shipped under
resources/fonts so ë, é, € and ĳ print the same on every machine), text escaped for
reportlab's paragraph markup, A4 and A3 page set-up with "pagina 1 van 3" footers, and dates
the way the UI language writes them. The documents on the organisation's letterhead (letters,
the police-report sheet) add their own layer in :mod:`veiligbalie.reports.common`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from PySide6.QtCore import QCoreApplication, QLocale
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A3, A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

from veiligbalie import paths
from veiligbalie.core.text import fill

FONT = "VBSans"
FONT_BOLD = "VBSans-Bold"
PAGE_SIZES = {"A4": A4, "A3": A3}
MARGIN = 18 * mm
INK = "#1f2933"
MUTED = "#52606d"
ACCENT = "#1d4e89"


def fonts_dir() -> Path:
    return paths.resources_dir() / "fonts"


def register_fonts() -> None:
    """Embed DejaVu Sans (regular and bold) once per process, from the shipped TTFs."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = fonts_dir()
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
    )
    # No italic face is shipped: italic falls back to upright, and the upright faces are
    # mapped last so <b> inside a paragraph finds the bold face (not "bold italic").
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)


def styles(scale: float = 1.0) -> dict[str, ParagraphStyle]:
    """Paragraph styles in the embedded font; ``scale`` enlarges everything (posters)."""
    register_fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5 * scale, leading=13 * scale)
    base.textColor = INK
    return {
        "body": base,
        "small": ParagraphStyle("small", base, fontSize=8 * scale, leading=10.5 * scale),
        "muted": ParagraphStyle("muted", base, fontSize=8 * scale, textColor=MUTED),
        "title": ParagraphStyle(
            "title",
            base,
            fontName=FONT_BOLD,
            fontSize=17 * scale,
            leading=22 * scale,
            spaceAfter=4 * scale,
            textColor=ACCENT,
        ),
        "h2": ParagraphStyle(
            "h2",
            base,
            fontName=FONT_BOLD,
            fontSize=12 * scale,
            leading=16 * scale,
            spaceBefore=10 * scale,
            spaceAfter=4 * scale,
            textColor=ACCENT,
            keepWithNext=1,
        ),
        "label": ParagraphStyle("label", base, fontName=FONT_BOLD),
    }


def _locale() -> QLocale:
    return QLocale()


def date_text(day: date | datetime) -> str:
    """A date as the UI language writes it: "02-12-2026" in Dutch, "02/12/2026" else."""
    day = day.date() if isinstance(day, datetime) else day
    dutch = _locale().language() == QLocale.Language.Dutch
    return day.strftime("%d-%m-%Y" if dutch else "%d/%m/%Y")


def datetime_text(moment: datetime) -> str:
    """An instant in the local time zone, "02-12-2026 14:05" (the Dutch dd-mm-jjjj uu:mm)."""
    local = moment.astimezone() if moment.tzinfo is not None else moment
    return f"{date_text(local)} {local:%H:%M}"


def escape(text: Any) -> str:
    """Plain text for a reportlab Paragraph (its markup is XML-like)."""
    return (
        str(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\n", "<br/>")
    )


@dataclass(frozen=True)
class Footer:
    """The line under every page: ``left`` at the left, "page 1 of 3" at the right
    (``page_text`` when the document's language is not the UI's, as for a letter;
    ``numbered=False`` for a one-page poster), ``baseline`` above the bottom edge."""

    left: str = ""
    #: "page %1 of %2" in the document's own language; empty: in the UI language.
    page_text: str = ""
    numbered: bool = True
    baseline: float = 10 * mm
    font_size: float = 8.0


class NumberedCanvas(Canvas):  # type: ignore[misc]  # Canvas is untyped (Any)
    """A canvas that knows the page count when it closes: "pagina 1 van 3" on each page.

    :func:`build_document` sets the footer and the side margin it lines up with on a
    subclass per document (class attributes, since reportlab makes the canvas itself).
    """

    footer = Footer()
    margin = MARGIN

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Only the embedded font: no reference to a viewer's Helvetica. (The document
        # template passes initialFontName=None, so a mere default would not hold.)
        if not kwargs.get("initialFontName"):
            register_fonts()
            kwargs["initialFontName"] = FONT
        super().__init__(*args, **kwargs)
        self._saved: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved)
        for state in self._saved:
            self.__dict__.update(state)
            self._footer(total)
            super().showPage()
        super().save()

    def _footer(self, total: int) -> None:
        width, _height = self._pagesize
        footer = self.footer
        self.setFont(FONT, footer.font_size)
        self.setFillColor(MUTED)
        if footer.numbered:
            text = footer.page_text or QCoreApplication.translate("Documents", "page %1 of %2")
            page = fill(text, self._pageNumber, total)
            self.drawRightString(width - self.margin, footer.baseline, page)
        if footer.left:
            self.drawString(self.margin, footer.baseline, footer.left)


def title_block(
    title: str, subtitle: str, made: str, subtitle_style: str = "body"
) -> list[Flowable]:
    """A report's opening lines: the title, what it covers (in ``subtitle_style``, a key of
    :func:`styles`), when it was made."""
    style = styles()
    return [
        Paragraph(escape(title), style["title"]),
        Paragraph(escape(subtitle), style[subtitle_style]),
        Paragraph(escape(made), style["muted"]),
        Spacer(1, 4 * mm),
    ]


def text_width(page: str) -> float:
    """The width between the default side margins of :func:`build_document`."""
    return float(PAGE_SIZES[page][0] - 2 * MARGIN)


def build_document(
    target: str | Path | IO[bytes],
    story: Sequence[Flowable],
    title: str,
    footer: Footer,
    *,
    page: str = "A4",
    side: float = MARGIN,
    top: float = MARGIN,
    bottom: float = MARGIN + 4 * mm,
) -> None:
    """Lay out ``story`` on ``page`` ("A4" or "A3") pages with ``footer`` under each and
    write the PDF to ``target`` (a path or a binary file). The default margins leave room
    for the footer under the text; the footer keeps to the text's side margins."""
    register_fonts()
    canvasmaker = type("FooteredCanvas", (NumberedCanvas,), {"footer": footer, "margin": side})
    template = SimpleDocTemplate(
        str(target) if isinstance(target, (str, Path)) else target,
        pagesize=PAGE_SIZES[page],
        leftMargin=side,
        rightMargin=side,
        topMargin=top,
        bottomMargin=bottom,
        title=title,
        author="VeiligBalie",
    )
    template.build(list(story), canvasmaker=canvasmaker)
