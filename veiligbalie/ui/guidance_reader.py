"""A guidance card shown with Qt's own Markdown support, in type that follows the font scale;
related cards are links (keyboard reachable) that ask for another card."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QLocale, QUrl, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QTextBrowser, QWidget

from veiligbalie.guidance import Card
from veiligbalie.services.guidance import GuidanceLibrary

#: Card text is read under stress: a size larger than the rest of the interface.
READING_SCALE = 1.25
CARD_SCHEME = "card"


def guidance_language() -> str:
    """The language of the cards: the interface's (Dutch unless English was chosen)."""
    return "nl" if QLocale().language() == QLocale.Language.Dutch else "en"


def reading_font(base: QFont) -> QFont:
    font = QFont(base)
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * READING_SCALE)
    else:
        font.setPixelSize(round(font.pixelSize() * READING_SCALE))
    return font


class CardReader(QTextBrowser):
    """Shows one card; ``card_requested`` carries the id of a related card that was chosen."""

    card_requested = Signal(str)

    def __init__(self, library: GuidanceLibrary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.card: Card | None = None
        self.setObjectName("guidanceReader")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.document().setDocumentMargin(14)
        self.anchorClicked.connect(self._on_link)
        self._apply_font()

    def show_card(self, card: Card) -> None:
        self.card = card
        self.setAccessibleName(card.title)
        self._render()

    def _render(self) -> None:
        card = self.card
        if card is None:
            return
        text = f"# {card.title}\n\n{card.body}\n"
        links = []
        for target in card.related:
            other = self.library.card(target, card.language)
            if other is not None:
                links.append(f"[{other.title}]({CARD_SCHEME}:{other.id})")
        if links:
            see_also = self.tr("See also")
            text += f"\n\n---\n\n**{see_also}:** " + " · ".join(links) + "\n"
        self.document().setDefaultFont(reading_font(self.font()))
        self.setMarkdown(text)
        self.verticalScrollBar().setValue(0)

    def _on_link(self, url: QUrl) -> None:
        if url.scheme() == CARD_SCHEME:
            self.card_requested.emit(url.path())

    def _apply_font(self) -> None:
        self.document().setDefaultFont(reading_font(self.font()))
        self._render()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt naming)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._apply_font()
