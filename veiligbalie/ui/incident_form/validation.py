"""Validation on the incident form: a plain-language message right under each field that is
refused, focus on the first one (its section opened), scrolled into view."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QScrollArea, QWidget

from veiligbalie.core.incident import Field
from veiligbalie.ui.widgets import CollapsibleSection, FieldMessage

#: Where a field's widget is (focus target) and the section that must be open to see it.
Locate = Callable[[Field], tuple[QWidget | None, CollapsibleSection | None]]


class ValidationDisplay:
    """The messages of the form's fields, by field."""

    def __init__(self, scroll: QScrollArea, locate: Locate) -> None:
        self._scroll = scroll
        self._locate = locate
        self._messages: dict[Field, FieldMessage] = {}

    def message_for(self, field: Field, parent: QWidget) -> FieldMessage:
        """Create the (hidden) message of ``field``; the section puts it under the field."""
        message = FieldMessage(f"error_{field.value}", parent)
        self._messages[field] = message
        return message

    def show(self, problems: Sequence[tuple[Field, str]]) -> None:
        """Show each field's first problem; focus and reveal the first field in form order."""
        order = list(Field)
        problems = sorted(problems, key=lambda p: order.index(p[0]))
        shown: set[Field] = set()
        for field, text in problems:
            if field in shown:
                continue
            shown.add(field)
            message = self._messages.get(field)
            if message is not None:
                message.show_message(text)
            widget, _section = self._locate(field)
            if widget is not None:
                widget.setAccessibleDescription(text)
        first = problems[0][0]
        target, section = self._locate(first)
        if section is not None:
            section.set_expanded(True)
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)
        # Scroll once the (maybe just opened) section is laid out: field and message in view.
        QTimer.singleShot(0, lambda: self._reveal(first))

    def hide(self, field: Field) -> None:
        """The field was touched: its message goes; the others stay in view."""
        message = self._messages.get(field)
        if message is not None and message.isVisible():
            message.clear_message()
            widget, _section = self._locate(field)
            if widget is not None:
                widget.setAccessibleDescription("")

    def clear(self) -> None:
        for field in self._messages:
            self.hide(field)

    def _reveal(self, field: Field) -> None:
        target, _section = self._locate(field)
        message = self._messages.get(field)
        if target is not None:
            self._scroll.ensureWidgetVisible(target)
        if message is not None and message.isVisible():
            self._scroll.ensureWidgetVisible(message)
