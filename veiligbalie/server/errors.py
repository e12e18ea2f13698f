"""Refusals of the server's alarm side: a request its rules or its configuration refuse.
Each carries the HTTP status its route answers; the app turns them into ``{"detail": ...}``."""

from __future__ import annotations


class RequestRefused(Exception):
    """A request the server refuses with a clear 4xx; ``status`` is the HTTP answer."""

    default_status = 400

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = self.default_status if status is None else status


class AlarmError(RequestRefused):
    """A request the alarm rules refuse (404, 403, 409, or 400 for a body that does not
    fit its path)."""

    default_status = 409


class EscalationError(RequestRefused):
    """An escalation ladder an administrator may not set (400)."""
