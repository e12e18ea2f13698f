"""Hulp: what to do now. Short, calm, in our own words (objectName ``guidancePanel``)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from veiligbalie import settings
from veiligbalie.core.text import fill


class HelpView(QScrollArea):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guidancePanel")
        self.setAccessibleName(self.tr("Help"))
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget(self)
        column = QVBoxLayout(body)
        column.setSpacing(14)
        title = QLabel(self.tr("Help"), body)
        title.setObjectName("pageTitle")
        title.setStyleSheet("font-size: 20px; font-weight: bold;")
        column.addWidget(title)
        hotkey = settings.ALARM_HOTKEY.get()
        cards = [
            (
                self.tr("Feeling unsafe?"),
                fill(
                    self.tr(
                        "Press the red alarm button or %1. The alarm is silent: the visitor sees "
                        "and hears nothing."
                    ),
                    hotkey,
                ),
            ),
            (
                self.tr("Life in danger?"),
                self.tr("Call 112. The alarm warns colleagues; it does not call the police."),
            ),
            (
                self.tr("After an incident"),
                self.tr(
                    "Report it (Ctrl+N), also when it was \u201conly\u201d shouting. Only what "
                    "is reported can be followed up, and you see in My reports what happens "
                    "with it."
                ),
            ),
            (
                self.tr("Aftercare"),
                self.tr(
                    "Ask for an aftercare talk in the report. Your team lead contacts you "
                    "within 72 hours, and again after about two weeks and six weeks."
                ),
            ),
        ]
        for heading, text in cards:
            column.addWidget(self._card(heading, text, body))
        column.addStretch(1)
        self.setWidget(body)

    def _card(self, heading: str, text: str, parent: QWidget) -> QFrame:
        card = QFrame(parent)
        card.setObjectName("guidanceCard")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setStyleSheet(
            "QFrame#guidanceCard { background: palette(base); border: 1px solid palette(mid);"
            " border-radius: 8px; }"
        )
        layout = QVBoxLayout(card)
        head = QLabel(heading, card)
        head.setStyleSheet("font-weight: bold; font-size: 15px; border: none;")
        body = QLabel(text, card)
        body.setWordWrap(True)
        body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        body.setStyleSheet("border: none;")
        layout.addWidget(head)
        layout.addWidget(body)
        card.setAccessibleName(heading)
        return card
