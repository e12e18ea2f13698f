"""What every VeiligBalie document without a letterhead shares: the embedded font (DejaVu
Sans, shipped under resources/fonts so ë, é, € and ĳ print the same on every machine), A4
and A3 page set-up, "pagina 1 van 3" footers and dates the way the UI language writes them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale
from reportlab.lib.pagesizes import A3, A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

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


def month_text(day: date, short: bool = False) -> str:
    """A month's name in the UI language ("december 2026"; short: "dec")."""
    locale = _locale()
    fmt = QLocale.FormatType.ShortFormat if short else QLocale.FormatType.LongFormat
    name = locale.standaloneMonthName(day.month, fmt)
    return name if short else f"{name} {day.year}"


def escape(text: Any) -> str:
    """Plain text for a reportlab Paragraph (its markup is XML-like)."""
    return (
        str(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\n", "<br/>")
    )


class NumberedCanvas(Canvas):  # type: ignore[misc]  # Canvas is untyped (Any)
    """A canvas that knows the page count when it closes: "pagina 1 van 3" on each page."""

    footer_left = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
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
        self.setFont(FONT, 8)
        self.setFillColor(MUTED)
        page = fill(
            QCoreApplication.translate("Documents", "page %1 of %2"), self._pageNumber, total
        )
        self.drawRightString(width - MARGIN, 10 * mm, page)
        if self.footer_left:
            self.drawString(MARGIN, 10 * mm, self.footer_left)


def numbered_canvas(footer_left: str) -> Callable[..., NumberedCanvas]:
    """A canvas class for ``doc.build(..., canvasmaker=...)`` with this footer text."""
    return type("FooteredCanvas", (NumberedCanvas,), {"footer_left": footer_left})
