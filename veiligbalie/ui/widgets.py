"""Small shared widgets: a flowing layout, a keyboard-first group of toggle buttons, a
collapsible section, the red message label that sits under a field and the settings forms'
line-edit/label pair."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from PySide6.QtCore import QDate, QEvent, QObject, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetItem,
)

from veiligbalie.core.workdays import local_date


class FlowLayout(QLayout):
    """Lays widgets out left to right and wraps to a new line, so large fonts never clip."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt override
        self._items.append(item)

    def addWidget(self, widget: QWidget) -> None:  # noqa: N802 - Qt override
        self.addChildWidget(widget)
        self.addItem(QWidgetItem(widget))

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt override
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt override
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt override
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, apply: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, line_height = area.x(), area.y(), 0
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            if x + hint.width() > area.right() + 1 and line_height > 0:
                x = area.x()
                y += line_height + self._spacing
                line_height = 0
            width = min(hint.width(), max(area.width(), 1))
            if apply:
                item.setGeometry(QRect(QPoint(x, y), QSize(width, hint.height())))
            x += width + self._spacing
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y() + margins.bottom()


class ToggleGroup(QWidget):
    """Checkable buttons that form one stop in the Tab order (roving focus, as in ARIA
    toolbars): Tab enters and leaves the group, arrow keys move between buttons, Space
    toggles, and the number keys 1-9 toggle the n-th button while the group has focus."""

    changed = Signal()

    def __init__(
        self, values: Sequence[str], texts: Sequence[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._values = list(values)
        self._buttons: list[QPushButton] = []
        self._current = 0
        layout = FlowLayout(self)
        for index, (value, text) in enumerate(zip(values, texts, strict=True)):
            button = QPushButton(self)
            button.setCheckable(True)
            button.setObjectName(f"toggle_{value}")
            button.setText(f"{index + 1}  {text}" if index < 9 else text)
            button.setAccessibleName(text)
            button.installEventFilter(self)
            button.toggled.connect(self._on_toggled)
            layout.addWidget(button)
            self._buttons.append(button)
        # The plain style's "checked" shade is too faint to see at a glance at the counter.
        self.setStyleSheet(
            "QPushButton { padding: 4px 8px; }"
            # No bold here: the size hint is computed for the normal weight and would clip.
            "QPushButton:checked { background-color: #1f5fa8; color: white;"
            " border: 1px solid #123a66; border-radius: 3px; }"
        )
        self._update_focus_policies()

    @property
    def buttons(self) -> list[QPushButton]:
        return list(self._buttons)

    def values(self) -> list[str]:
        return [v for v, b in zip(self._values, self._buttons, strict=True) if b.isChecked()]

    def set_values(self, values: Sequence[str]) -> None:
        wanted = set(values)
        for value, button in zip(self._values, self._buttons, strict=True):
            button.blockSignals(True)
            button.setChecked(value in wanted)
            button.blockSignals(False)
        self.changed.emit()

    def focus_target(self) -> QWidget:
        return self._buttons[self._current]

    def setFocus(self, *args: object) -> None:  # noqa: N802 - Qt override
        self._buttons[self._current].setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_toggled(self, _checked: bool) -> None:
        self.changed.emit()

    def _update_focus_policies(self) -> None:
        # Only the current button is in the Tab chain; the others take focus by click.
        for index, button in enumerate(self._buttons):
            policy = (
                Qt.FocusPolicy.StrongFocus if index == self._current else Qt.FocusPolicy.ClickFocus
            )
            button.setFocusPolicy(policy)

    def _move_to(self, index: int) -> None:
        self._current = index % len(self._buttons)
        self._update_focus_policies()
        self._buttons[self._current].setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched in self._buttons:
            if event.type() == QEvent.Type.FocusIn:
                self._current = self._buttons.index(watched)
                self._update_focus_policies()
            elif event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
                return self._handle_key(event)
        return super().eventFilter(watched, event)

    def _handle_key(self, event: QKeyEvent) -> bool:
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods != Qt.KeyboardModifier.NoModifier:
            return False
        key = event.key()
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
            index = key - Qt.Key.Key_1
            if index < len(self._buttons):
                self._move_to(index)
                self._buttons[index].toggle()
                return True
            return False
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Down):
            self._move_to(self._current + 1)
            return True
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Up):
            self._move_to(self._current - 1)
            return True
        return False


class CollapsibleSection(QWidget):
    """A header button (with a mnemonic) that shows or hides the fields below it."""

    expanded_changed = Signal(bool)

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = QToolButton(self)
        self.header.setText(title)
        self.header.setCheckable(True)
        self.header.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.header.setArrowType(Qt.ArrowType.RightArrow)
        self.header.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.header.setAutoRaise(True)
        font = self.header.font()
        font.setBold(True)
        self.header.setFont(font)
        self.body = QFrame(self)
        self.body.setFrameShape(QFrame.Shape.NoFrame)
        self.body.setVisible(False)
        layout = vbox(self, (0, 0, 0, 0), 4)
        layout.addWidget(self.header)
        layout.addWidget(self.body)
        self.header.toggled.connect(self._on_toggled)

    def is_expanded(self) -> bool:
        return self.header.isChecked()

    def set_expanded(self, expanded: bool) -> None:
        self.header.setChecked(expanded)

    def _on_toggled(self, expanded: bool) -> None:
        self.header.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.body.setVisible(expanded)
        self.expanded_changed.emit(expanded)
        if expanded:
            first = _first_focusable(self.body)
            if first is not None:
                first.setFocus(Qt.FocusReason.ShortcutFocusReason)


def _first_focusable(root: QWidget) -> QWidget | None:
    for child in root.findChildren(QWidget):
        if (
            child.focusPolicy() & Qt.FocusPolicy.TabFocus
            and child.isEnabled()
            and child.isVisibleTo(root)
            and not isinstance(child, QLabel)
        ):
            return child
    return None


#: A FieldMessage's colours: a problem, and an action that succeeded.
PROBLEM_COLOUR = QColor(Qt.GlobalColor.darkRed)
DONE_COLOUR = QColor("#1b5e20")


class FieldMessage(QLabel):
    """The plain-language message under a field; hidden while the field is fine."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWordWrap(True)
        self.setVisible(False)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def show_message(self, text: str, *, done: bool = False) -> None:
        """Say what is wrong, or with ``done`` that an action succeeded: dark red or dark
        green, both above a 4.5:1 contrast ratio on a light background (WCAG AA)."""
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.WindowText, DONE_COLOUR if done else PROBLEM_COLOUR)
        self.setPalette(palette)
        self.setText(text)
        self.setAccessibleName(text)
        self.setVisible(bool(text))

    def clear_message(self) -> None:
        self.setText("")
        self.setAccessibleName("")
        self.setVisible(False)


def office_today() -> QDate:
    """Today as the office counts it (Europe/Amsterdam), whatever zone this machine is set to:
    the date fields' defaults, and the periods they give, are office days."""
    day = local_date(datetime.now(UTC))
    return QDate(day.year, day.month, day.day)


def line_edit(parent: QWidget, name: str, accessible: str, *, max_length: int) -> QLineEdit:
    """A single-line field with its object name (for tests and style sheets), its name for
    screen readers and a length cap."""
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setMaxLength(max_length)
    return edit


def buddy_label(text: str, buddy: QWidget) -> tuple[QLabel, QWidget]:
    """A label whose mnemonic focuses `buddy`, as the (label, field) pair that
    `QFormLayout.addRow(*buddy_label(...))` takes."""
    label = QLabel(text, buddy.parentWidget())
    label.setBuddy(buddy)
    return label, buddy


def vbox(parent: QWidget, margins: tuple[int, int, int, int], spacing: int) -> QVBoxLayout:
    """A vertical layout on ``parent`` with its margins (left, top, right, bottom) and
    spacing: the three lines nearly every panel starts with."""
    layout = QVBoxLayout(parent)
    layout.setContentsMargins(*margins)
    layout.setSpacing(spacing)
    return layout
