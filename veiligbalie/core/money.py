"""Amounts of money as people type them at a Dutch counter, kept as whole cents."""

from __future__ import annotations

import re

_AMOUNT = re.compile(r"-?[0-9.,]+")


def parse_euros(text: str) -> int | None:
    """Cents from an amount typed the Dutch or the English way ("1.234,50", "1234.50",
    "€ 150"); None for an empty field. Raises ValueError when it is not an amount."""
    cleaned = text.strip().replace("€", "").replace("EUR", "").replace(" ", "")
    if not cleaned:
        return None
    if not _AMOUNT.fullmatch(cleaned):
        raise ValueError(text)
    negative = cleaned.startswith("-")
    digits = cleaned.lstrip("-")
    last_sep = max(digits.rfind(","), digits.rfind("."))
    # A separator followed by one or two digits is the decimal mark; any other is grouping.
    if last_sep >= 0 and len(digits) - last_sep - 1 in (1, 2):
        whole, fraction = digits[:last_sep], digits[last_sep + 1 :]
    else:
        whole, fraction = digits, ""
    whole = whole.replace(".", "").replace(",", "")
    if not whole and not fraction:
        raise ValueError(text)
    cents = int(whole or "0") * 100 + int(fraction.ljust(2, "0") or "0")
    return -cents if negative else cents
