"""Column types of the local store: UUIDs as 36-character text, UTC timestamps as sortable
ISO 8601 text, JSON documents as text, so the file stays readable with any SQLite tool."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Dialect, String, Text
from sqlalchemy.types import TypeDecorator

# What ``json.dumps`` with these options builds anew on every call (a pull stores a JSON
# text for every event and report): one encoder, which keeps no state between calls.
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def dumps(value: Any) -> str:
    """Compact JSON; NaN and infinities are refused because other parsers reject them."""
    return _ENCODE(value)


def utc_text(value: datetime) -> str:
    """A timezone-aware datetime as fixed-width UTC text (sorts like the instant it names)."""
    if value.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


class UUIDText(TypeDecorator[uuid.UUID]):
    """A UUID stored as its canonical 36-character text."""

    impl = String(36)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))

    def process_result_value(self, value: Any, dialect: Dialect) -> uuid.UUID | None:
        return None if value is None else uuid.UUID(value)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware instant stored as UTC ISO 8601 text; naive datetimes are refused."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else utc_text(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class JSONText(TypeDecorator[Any]):
    """A JSON document stored as text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else dumps(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else json.loads(value)
