"""Guidance content: cards and refresher scenarios as Markdown files with a front-matter.

Pure parsing and validation (no Qt, no SQL), used by the client's GuidanceLibrary and by the
server's ``admin guidance import``. Every problem names the file and the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

LANGUAGES = ("nl", "en")
SITUATIONS = ("tijdens", "na", "teamleiders")
#: The cards the application ships and links to by id (alarm pop-up, incident form, …).
SHIPPED_IDS = (
    "de-escaleren",
    "grenzen-stellen",
    "alarm-slaan",
    "direct-na-incident",
    "aangifte-doen",
    "schade-verhalen",
    "nazorg",
    "online-agressie",
    "huisregels",
)
SCENARIO_DIR = "oefenen"
MAX_CARD_CHARS = 40_000
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CARD_KEYS = {"id", "title", "situation", "order", "tags", "related"}
_REQUIRED_CARD_KEYS = ("id", "title", "situation")


class GuidanceError(ValueError):
    """A guidance file is not usable; the message names the file and the line."""

    def __init__(self, source: str, line: int, message: str) -> None:
        # Line 0: the problem is the folder or the set as a whole, not one line of a file.
        super().__init__(f"{source}:{line}: {message}" if line else f"{source}: {message}")
        self.source = source
        self.line = line
        self.reason = message


@dataclass(frozen=True)
class Card:
    id: str
    language: str
    title: str
    situation: str
    order: int
    tags: tuple[str, ...]
    related: tuple[str, ...]
    body: str
    source: str = ""
    #: Line of each front-matter key (for messages about links and ids).
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def search_text(self) -> str:
        return " ".join((self.title, " ".join(self.tags), self.body)).casefold()


@dataclass(frozen=True)
class Choice:
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Scenario:
    card: str
    language: str
    question: str
    choices: tuple[Choice, ...]
    source: str = ""
    line: int = 0


def _front_matter(text: str, source: str) -> tuple[dict[str, str], dict[str, int], str, int]:
    """Split ``---`` front-matter from the body: (values, line of each key, body, body line)."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise GuidanceError(source, 1, "no front-matter: the file must start with a line '---'")
    values: dict[str, str] = {}
    where: dict[str, int] = {}
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            body = "\n".join(lines[number:]).strip("\n")
            return values, where, body, number + 1
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep or not key:
            raise GuidanceError(source, number, f"front-matter line is not 'key: value': {line!r}")
        if key in values:
            raise GuidanceError(source, number, f"front-matter key {key!r} appears twice")
        values[key] = value.strip()
        where[key] = number
    raise GuidanceError(source, 1, "front-matter is not closed with a line '---'")


def _list(value: str, source: str, line: int) -> tuple[str, ...]:
    value = value.strip()
    if not value:
        return ()
    if not (value.startswith("[") and value.endswith("]")):
        raise GuidanceError(source, line, f"a list is written as [a, b]: {value!r}")
    return tuple(item.strip() for item in value[1:-1].split(",") if item.strip())


def parse_card(text: str, language: str, source: str = "<card>") -> Card:
    """One card from its Markdown text; raises :class:`GuidanceError` naming file and line."""
    if language not in LANGUAGES:
        raise GuidanceError(
            source, 1, f"unknown language {language!r}: use one of {', '.join(LANGUAGES)}"
        )
    if len(text) > MAX_CARD_CHARS:
        raise GuidanceError(source, 1, f"a card is at most {MAX_CARD_CHARS} characters")
    values, where, body, body_line = _front_matter(text, source)
    for key in values:
        if key not in _CARD_KEYS:
            raise GuidanceError(source, where[key], f"unknown front-matter key {key!r}")
    for key in _REQUIRED_CARD_KEYS:
        if not values.get(key):
            raise GuidanceError(source, where.get(key, 1), f"front-matter needs {key!r}")
    card_id = values["id"]
    if not _ID.match(card_id):
        raise GuidanceError(
            source, where["id"], f"id {card_id!r}: use lower-case letters, digits and '-'"
        )
    situation = values["situation"]
    if situation not in SITUATIONS:
        raise GuidanceError(
            source,
            where["situation"],
            f"unknown situation {situation!r}: use one of {', '.join(SITUATIONS)}",
        )
    try:
        order = int(values.get("order", "100"))
    except ValueError:
        raise GuidanceError(source, where["order"], "order must be a whole number") from None
    if not body.strip():
        raise GuidanceError(source, body_line, "the card has no text after the front-matter")
    return Card(
        id=card_id,
        language=language,
        title=values["title"],
        situation=situation,
        order=order,
        tags=_list(values.get("tags", ""), source, where.get("tags", 1)),
        related=_list(values.get("related", ""), source, where.get("related", 1)),
        body=body,
        source=source,
        lines=where,
    )


def parse_scenarios(text: str, language: str, source: str = "<scenarios>") -> list[Scenario]:
    """The scenarios of one file: ``## question`` then ``- [x]``/``- [ ]`` choices, each
    followed by a ``  > feedback`` line. Exactly one choice per question is right."""
    if language not in LANGUAGES:
        raise GuidanceError(source, 1, f"unknown language {language!r}")
    values, where, body, body_line = _front_matter(text, source)
    card = values.get("card", "")
    if not card:
        raise GuidanceError(source, 1, "front-matter needs 'card'")
    scenarios: list[Scenario] = []
    question = ""
    question_line = 0
    choices: list[Choice] = []
    pending: tuple[str, bool, int] | None = None

    def finish_choice() -> None:
        nonlocal pending
        if pending is not None:
            raise GuidanceError(source, pending[2], "a choice needs a '  > feedback' line after it")

    def finish_question() -> None:
        finish_choice()
        if not question:
            return
        right = sum(choice.correct for choice in choices)
        if len(choices) < 2:
            raise GuidanceError(source, question_line, "a question needs at least two choices")
        if right != 1:
            raise GuidanceError(
                source, question_line, f"a question needs exactly one right answer, not {right}"
            )
        scenarios.append(Scenario(card, language, question, tuple(choices), source, question_line))

    for number, raw in enumerate(body.splitlines(), start=body_line):
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            continue
        if line.startswith("## "):
            finish_question()
            question, question_line, choices = line[3:].strip(), number, []
        elif stripped.startswith(("- [x]", "- [X]", "- [ ]")):
            if not question:
                raise GuidanceError(source, number, "a choice before the first '## question'")
            finish_choice()
            pending = (stripped[5:].strip(), stripped[3] in "xX", number)
        elif stripped.startswith(">"):
            if pending is None:
                raise GuidanceError(source, number, "feedback without a choice before it")
            choices.append(Choice(pending[0], pending[1], stripped[1:].strip()))
            pending = None
        else:
            raise GuidanceError(source, number, f"not a question, choice or feedback: {stripped!r}")
    finish_question()
    if not scenarios:
        raise GuidanceError(source, body_line, "no '## question' in the file")
    return scenarios


@dataclass
class Content:
    """Cards and scenarios per language, read from a folder with ``nl/`` and ``en/``."""

    cards: dict[str, dict[str, Card]] = field(default_factory=dict)  # language -> id -> card
    scenarios: dict[str, list[Scenario]] = field(default_factory=dict)


def read_folder(root: Path) -> Content:
    """Read ``root/<lang>/*.md`` and ``root/<lang>/oefenen/*.md``; a sub-folder that is not a
    known language is refused. Raises :class:`GuidanceError` at the first bad file."""
    if not root.is_dir():
        raise GuidanceError(str(root), 0, "not a folder")
    content = Content()
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if folder.name not in LANGUAGES:
            raise GuidanceError(
                str(folder), 0, f"unknown language {folder.name!r}: use {', '.join(LANGUAGES)}"
            )
    for language in LANGUAGES:
        folder = root / language
        if not folder.is_dir():
            continue
        cards = content.cards.setdefault(language, {})
        for path in sorted(folder.glob("*.md")):
            card = parse_card(_read(path), language, str(path))
            if card.id in cards:
                raise GuidanceError(str(path), card.lines.get("id", 1), f"id {card.id!r} twice")
            cards[card.id] = card
        scenarios = content.scenarios.setdefault(language, [])
        for path in sorted((folder / SCENARIO_DIR).glob("*.md")):
            scenarios.extend(parse_scenarios(_read(path), language, str(path)))
    return content


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise GuidanceError(str(path), 1, f"not UTF-8 text ({exc.reason})") from None


def check_links(cards: Iterable[Card], known: Iterable[str]) -> None:
    """Every ``related`` id must be a card that exists (in ``known``)."""
    ids = set(known)
    for card in cards:
        for target in card.related:
            if target not in ids:
                raise GuidanceError(
                    card.source,
                    card.lines.get("related", 1),
                    f"related card {target!r} does not exist",
                )
            if target == card.id:
                raise GuidanceError(
                    card.source, card.lines.get("related", 1), "a card links to itself"
                )


def validate_complete(content: Content) -> None:
    """The shipped set: every card and every scenario file in both languages, links intact,
    scenarios point at existing cards."""
    nl = content.cards.get("nl", {})
    en = content.cards.get("en", {})
    for language, mine, other, other_language in (("nl", nl, en, "en"), ("en", en, nl, "nl")):
        for card_id, card in mine.items():
            if card_id not in other:
                raise GuidanceError(
                    card.source, 1, f"card {card_id!r} has no {other_language} counterpart"
                )
        check_links(mine.values(), mine.keys())
        for scenario in content.scenarios.get(language, []):
            if scenario.card not in mine:
                raise GuidanceError(
                    scenario.source, 2, f"scenario for unknown card {scenario.card!r}"
                )
    for card_id in SHIPPED_IDS:
        if card_id not in nl:
            raise GuidanceError("nl", 0, f"the shipped card {card_id!r} is missing")
    count = {lang: _per_card(content.scenarios.get(lang, [])) for lang in LANGUAGES}
    if count["nl"] != count["en"]:
        raise GuidanceError(
            "oefenen", 0, f"scenarios differ between nl {count['nl']} and en {count['en']}"
        )


def _per_card(scenarios: Iterable[Scenario]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for scenario in scenarios:
        counts[scenario.card] = counts.get(scenario.card, 0) + 1
    return counts
