"""Amounts typed the Dutch or the English way become whole cents; words are refused."""

from __future__ import annotations

import pytest

from veiligbalie.core.money import parse_euros


@pytest.mark.parametrize(
    "text, cents",
    [
        ("150", 15000),
        ("149,95", 14995),
        ("1.234,5", 123450),
        ("1,234.50", 123450),
        ("1.234", 123400),  # three digits after the mark: grouping, not decimals
        ("€ 20", 2000),
        ("20 EUR", 2000),
        ("", None),
        ("   ", None),
        ("-3", -300),
        (",50", 50),
    ],
)
def test_parse_euros(text: str, cents: int | None) -> None:
    assert parse_euros(text) == cents


@pytest.mark.parametrize("text", ["twintig", "12a", "1 2 3 x", ".", "-"])
def test_parse_euros_refuses_what_is_not_an_amount(text: str) -> None:
    with pytest.raises(ValueError):
        parse_euros(text)
