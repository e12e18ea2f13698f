"""Letters to the perpetrator: the kinds, the named fields each template may and must use, and
the check that refuses a template with an unknown or missing field (naming it).

Templates are plain text with fields like ``{ban_start}``; the first line is the subject, an
empty line separates paragraphs. Pure Python: the server checks an imported template with the
same rules the client uses when it makes a letter.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from enum import StrEnum

from veiligbalie.core.vocabulary import ResponseMeasure

__all__ = [
    "ALLOWED",
    "LETTER_LANGUAGES",
    "REQUIRED",
    "LetterKind",
    "TemplateError",
    "check_template",
    "fill_template",
    "template_fields",
]

TEMPLATE_MAX = 20_000
LETTER_LANGUAGES = ("nl", "en")


class LetterKind(StrEnum):
    WARNING = "warning"
    INVITATION = "invitation"
    ACCESS_BAN = "access_ban"

    @property
    def measure(self) -> ResponseMeasure:
        """The response measure this letter is (ticks the perpetrator-response task)."""
        return {
            LetterKind.WARNING: ResponseMeasure.WARNING_LETTER,
            LetterKind.INVITATION: ResponseMeasure.CONDUCT_TALK,
            LetterKind.ACCESS_BAN: ResponseMeasure.ACCESS_BAN,
        }[self]


#: Filled in by VeiligBalie from the organisation profile and the report.
COMMON = frozenset(
    {
        "org_name",
        "org_address",
        "contact_name",
        "contact_function",
        "contact_phone",
        "contact_email",
        "letter_date",
        "reference",
        "incident_date",
        "recipient",
        "behaviour",
    }
)
#: Filled in by the person making the letter, per kind.
KIND_FIELDS: dict[LetterKind, frozenset[str]] = {
    LetterKind.WARNING: frozenset({"house_rule"}),
    LetterKind.INVITATION: frozenset({"talk_date", "talk_place"}),
    LetterKind.ACCESS_BAN: frozenset(
        {"ban_start", "ban_end", "locations", "channels", "house_rule", "objection_deadline"}
    ),
}
ALLOWED: dict[LetterKind, frozenset[str]] = {k: COMMON | v for k, v in KIND_FIELDS.items()}
#: A template of this kind without one of these fields is refused: the letter would not say
#: what it must (for a ban: the period, the scope, the behaviour, the rule, how to object).
REQUIRED: dict[LetterKind, frozenset[str]] = {
    LetterKind.WARNING: frozenset({"org_name", "behaviour", "incident_date"}),
    LetterKind.INVITATION: frozenset({"org_name", "behaviour", "talk_date", "talk_place"}),
    LetterKind.ACCESS_BAN: frozenset(
        {
            "org_name",
            "behaviour",
            "ban_start",
            "ban_end",
            "locations",
            "channels",
            "house_rule",
            "objection_deadline",
        }
    ),
}


@dataclass
class TemplateError(ValueError):
    """A template or a letter's values refused; ``field`` names the culprit."""

    problem: str  # "unknown_field", "missing_field", "empty_value", "syntax", "too_long", "empty"
    field: str = ""

    def __str__(self) -> str:
        messages = {
            "unknown_field": "unknown field {{{f}}}",
            "missing_field": "the template lacks the field {{{f}}}",
            "empty_value": "no value for the field {{{f}}}",
            "syntax": "template syntax error: {f}",
            "too_long": "the template is longer than {f} characters",
            "empty": "the template is empty",
        }
        return messages[self.problem].format(f=self.field)


def template_fields(text: str) -> list[str]:
    """The field names used in ``text``, in order (a format error raises TemplateError)."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        raise TemplateError("syntax", str(error)) from None
    names: list[str] = []
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise TemplateError("unknown_field", name or "{}")
        if name not in names:
            names.append(name)
    return names


def check_template(kind: LetterKind, text: str) -> None:
    """Refuse a template with an unknown field or without a required one."""
    if not text.strip():
        raise TemplateError("empty")
    if len(text) > TEMPLATE_MAX:
        raise TemplateError("too_long", str(TEMPLATE_MAX))
    used = template_fields(text)
    for name in used:
        if name not in ALLOWED[kind]:
            raise TemplateError("unknown_field", name)
    for name in sorted(REQUIRED[kind]):
        if name not in used:
            raise TemplateError("missing_field", name)


def fill_template(kind: LetterKind, text: str, values: dict[str, str]) -> str:
    """The letter's text: the template checked, then every field it uses filled. A field the
    template uses without a value (or with only spaces) is refused, naming it."""
    check_template(kind, text)
    for name in template_fields(text):
        if name in REQUIRED[kind] and not str(values.get(name, "")).strip():
            raise TemplateError("empty_value", name)
    return text.format_map({name: str(values.get(name, "")) for name in ALLOWED[kind]})
