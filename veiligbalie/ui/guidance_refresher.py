"""The refresher: scenario questions answered in the app, with feedback on every choice;
finishing records the date (kept per user, sent to the server). Also the one-time reminder
in the status bar when the refresher is due."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from veiligbalie import settings
from veiligbalie.core.text import fill
from veiligbalie.guidance import Scenario
from veiligbalie.services.guidance import GuidanceLibrary
from veiligbalie.ui.guidance_reader import guidance_language, reading_font

#: How often the reminder looks whether the refresher became due (it is shown only once).
REMINDER_CHECK_MS = 60 * 60 * 1000


def refresher_user() -> str:
    """Whose refresher: the signed-in user; on a station without sign-in, the station's."""
    return settings.LOGGED_IN_USERNAME.get()


class _ChoiceText(QLabel):
    """A choice's text, wrapped; clicking it picks the choice like the radio button."""

    def __init__(self, text: str, button: QRadioButton, parent: QWidget) -> None:
        super().__init__(text, parent)
        self.button = button
        self.setWordWrap(True)
        self.setBuddy(button)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt naming)
        if self.button.isEnabled():
            self.button.click()
        super().mouseReleaseEvent(event)


class RefresherView(QScrollArea):
    card_requested = Signal(str)
    finished = Signal(int, int)  # right at the first try, questions

    def __init__(self, library: GuidanceLibrary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.setObjectName("guidanceRefresher")
        self.setAccessibleName(self.tr("Refresher"))
        self.setWidgetResizable(True)
        self.scenarios: list[Scenario] = []
        self.index = 0
        self.right = 0

        body = QWidget(self)
        self._layout = QVBoxLayout(body)
        self.progress = QLabel(body)
        self.progress.setObjectName("refresherProgress")
        self.question = QLabel(body)
        self.question.setObjectName("refresherQuestion")
        self.question.setWordWrap(True)
        self._choices_box = QWidget(body)
        self._grid = QGridLayout(self._choices_box)
        self._grid.setColumnStretch(1, 1)
        self.group = QButtonGroup(self)
        self.buttons: list[QRadioButton] = []
        self.feedback: list[QLabel] = []
        self.choice_texts: list[QLabel] = []

        self.check_button = QPushButton(self.tr("Check answer"), body)
        self.check_button.setObjectName("refresherCheck")
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self.check)
        self.next_button = QPushButton(self.tr("Next question"), body)
        self.next_button.setObjectName("refresherNext")
        self.next_button.clicked.connect(self.next)
        self.card_button = QPushButton(self.tr("Read the card"), body)
        self.card_button.setObjectName("refresherCard")
        self.card_button.clicked.connect(self._read_card)
        row = QHBoxLayout()
        for button in (self.check_button, self.next_button, self.card_button):
            row.addWidget(button)
        row.addStretch(1)

        self._layout.addWidget(self.progress)
        self._layout.addWidget(self.question)
        self._layout.addWidget(self._choices_box)
        self._layout.addLayout(row)
        self._layout.addStretch(1)
        self.setWidget(body)

    def start(self) -> None:
        self.scenarios = self.library.scenarios(guidance_language())
        self.index = 0
        self.right = 0
        self._show()

    def current(self) -> Scenario | None:
        return self.scenarios[self.index] if self.index < len(self.scenarios) else None

    def _clear_choices(self) -> None:
        for button in self.buttons:
            self.group.removeButton(button)
        while self._grid.count():
            item = self._grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.buttons, self.feedback, self.choice_texts = [], [], []

    def _show(self) -> None:
        self._clear_choices()
        scenario = self.current()
        big = reading_font(self.font())
        self.question.setFont(big)
        if scenario is None:
            self._finish()
            return
        self.progress.setText(
            fill(self.tr("Question %1 of %2"), self.index + 1, len(self.scenarios))
        )
        self.question.setText(scenario.question)
        for number, choice in enumerate(scenario.choices):
            button = QRadioButton(self._choices_box)
            button.setAccessibleName(choice.text)
            button.setObjectName(f"refresherChoice{number}")
            self.group.addButton(button, number)
            text = _ChoiceText(choice.text, button, self._choices_box)
            note = QLabel(self._choices_box)
            note.setObjectName(f"refresherFeedback{number}")
            note.setWordWrap(True)
            note.hide()
            self._grid.addWidget(button, 2 * number, 0)
            self._grid.addWidget(text, 2 * number, 1)
            self._grid.addWidget(note, 2 * number + 1, 1)
            self.buttons.append(button)
            self.feedback.append(note)
            self.choice_texts.append(text)
        self.check_button.show()
        self.check_button.setEnabled(True)
        self.next_button.hide()
        self.card_button.show()
        if self.buttons:
            self.buttons[0].setFocus()

    def check(self) -> bool | None:
        """Show the feedback on every choice; None while nothing is chosen."""
        scenario = self.current()
        chosen = self.group.checkedId()
        if scenario is None or chosen < 0:
            return None
        correct = scenario.choices[chosen].correct
        self.right += int(correct)
        for number, (choice, note) in enumerate(zip(scenario.choices, self.feedback, strict=True)):
            mark = "\u2714 " if choice.correct else "\u2716 "
            note.setText(mark + choice.feedback)
            colour = "#1b5e20" if choice.correct else "#8a1c1c"
            weight = "bold" if number == chosen else "normal"
            note.setStyleSheet(f"color: {colour}; font-weight: {weight};")
            note.show()
            self.buttons[number].setEnabled(False)
        self.check_button.hide()
        self.next_button.show()
        self.next_button.setDefault(True)
        self.next_button.setFocus()
        return correct

    def next(self) -> None:
        self.index += 1
        self._show()

    def _finish(self) -> None:
        total = len(self.scenarios)
        self.progress.setText(self.tr("Refresher done"))
        self.question.setText(
            fill(
                self.tr("%1 of %2 right at the first try. The next refresher is due in %3 months."),
                self.right,
                total,
                settings.GUIDANCE_REFRESH_MONTHS.get(),
            )
        )
        self.check_button.hide()
        self.next_button.hide()
        self.card_button.hide()
        if total:
            self.library.record_refresher(refresher_user())
        self.finished.emit(self.right, total)

    def _read_card(self) -> None:
        scenario = self.current()
        if scenario is not None:
            self.card_requested.emit(scenario.card)


class RefresherReminder(QPushButton):
    """A quiet button in the status bar, shown once when the refresher is due; never a
    dialog. ``check`` runs at start and every hour (tests call it with their own clock)."""

    def __init__(self, library: GuidanceLibrary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.setObjectName("refresherReminder")
        self.setText(self.tr("Time for a refresher (Help)"))
        self.setAccessibleName(self.tr("Time for a refresher"))
        self.setFlat(True)
        self.hide()
        self.clicked.connect(self.hide)
        library.refresher_changed.connect(self.hide)
        self._timer = QTimer(self)
        self._timer.setInterval(REMINDER_CHECK_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()
        QTimer.singleShot(0, self.check)

    def check(self) -> bool:
        if self.library.take_reminder(refresher_user()):
            self.show()
            return True
        return False
