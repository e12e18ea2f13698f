"""Filling translated texts: Qt's numbered place markers, %1 to %99.

Every translated string marks its variable parts as %1, %2, … (Qt Linguist checks that a
translation keeps each marker, and a translator may reorder them); ``fill`` puts the values
in, like ``QString.arg``, which PySide6 does not offer on Python strings.
"""

from __future__ import annotations

import re

_MARKER = re.compile(r"%(\d{1,2})")


def fill(text: str, *values: object) -> str:
    """``text`` with %1 replaced by the first value, %2 by the second, and so on.

    All markers are replaced in one pass, so a value that itself contains "%2" stays as it
    is. A marker without a value (%3 with two values) is left in place, as Qt does.
    """

    def value(match: re.Match[str]) -> str:
        index = int(match.group(1))
        return str(values[index - 1]) if 1 <= index <= len(values) else match.group(0)

    return _MARKER.sub(value, text)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate looks for
    """Mark ``text`` for translation in ``context`` and give it back unchanged, like Qt's
    marker of that name (found by lupdate by its name), but typed: PySide6 declares its own
    as returning ``object``. Translate the text where it is shown."""
    return text
