"""The right card at the right moment: a card shown beside the current area (after an alarm,
beside the incident form) without taking the user away from what they were doing."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDockWidget, QPushButton, QVBoxLayout, QWidget

from veiligbalie.services.guidance import GuidanceLibrary
from veiligbalie.ui.guidance_reader import CardReader, guidance_language


class GuidanceBeside(QDockWidget):
    open_in_help = Signal(str)

    def __init__(self, library: GuidanceLibrary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.setObjectName("guidanceBeside")
        self.setWindowTitle(self.tr("Help"))
        self.setAccessibleName(self.tr("Help beside the form"))
        self.setAllowedAreas(Qt.DockWidgetArea.RightDockWidgetArea)
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        body = QWidget(self)
        column = QVBoxLayout(body)
        column.setContentsMargins(4, 4, 4, 4)
        self.reader = CardReader(library, body)
        self.reader.setObjectName("guidanceBesideReader")
        self.reader.card_requested.connect(self.show_card)
        self.open_button = QPushButton(self.tr("Open in Help"), body)
        self.open_button.setObjectName("guidanceBesideOpen")
        self.open_button.clicked.connect(self._open)
        self.close_button = QPushButton(self.tr("Close"), body)
        self.close_button.setObjectName("guidanceBesideClose")
        self.close_button.clicked.connect(self.hide)
        column.addWidget(self.reader, 1)
        column.addWidget(self.open_button)
        column.addWidget(self.close_button)
        self.setWidget(body)
        self.setMinimumWidth(340)
        self.hide()

    def card_id(self) -> str | None:
        card = self.reader.card
        return card.id if card is not None and self.isVisible() else None

    def show_card(self, card_id: str) -> bool:
        card = self.library.card(card_id, guidance_language())
        if card is None:
            return False
        self.reader.show_card(card)
        self.show()
        self.raise_()
        return True

    def _open(self) -> None:
        if self.reader.card is not None:
            self.open_in_help.emit(self.reader.card.id)
            self.hide()
