"""The guidance validator on bad fixtures, and over the content the application ships."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from veiligbalie import paths
from veiligbalie.guidance import (
    SHIPPED_IDS,
    GuidanceError,
    parse_card,
    parse_scenarios,
    read_folder,
    validate_complete,
)

SHIPPED = paths.resources_dir() / "guidance"

CARD = """---
id: test-kaart
title: Testkaart
situation: tijdens
order: 5
tags: [een, twee]
related: []
---
1. **Doe dit.**
"""

SCENARIO = """---
card: de-escaleren
---
## Een vraag?
- [x] Goed
  > Ja.
- [ ] Fout
  > Nee.
"""


def test_the_shipped_content_is_complete_and_valid() -> None:
    content = read_folder(SHIPPED)
    validate_complete(content)
    for language in ("nl", "en"):
        assert set(content.cards[language]) == set(SHIPPED_IDS)
        assert len(content.scenarios[language]) >= 9
        for scenario in content.scenarios[language]:
            assert sum(choice.correct for choice in scenario.choices) == 1
            assert all(choice.feedback for choice in scenario.choices)


def test_a_good_card_parses() -> None:
    card = parse_card(CARD, "nl", "x.md")
    assert (card.id, card.title, card.situation, card.order) == (
        "test-kaart",
        "Testkaart",
        "tijdens",
        5,
    )
    assert card.tags == ("een", "twee")
    assert card.body == "1. **Doe dit.**"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("# Geen front-matter\n", 1, "no front-matter"),
        ("---\nid: a\ntitle: A\nsituation: tijdens\n", 1, "not closed"),
        ("---\nid: a\ntitle A\n---\ntext\n", 3, "key: value"),
        ("---\nid: a\ntitle: A\nsituation: ergens\n---\ntext\n", 4, "unknown situation"),
        ("---\nid: A B\ntitle: A\nsituation: na\n---\ntext\n", 2, "lower-case"),
        ("---\nid: a\nsituation: na\n---\ntext\n", 1, "needs 'title'"),
        (
            "---\nid: a\ntitle: A\nsituation: na\nkleur: rood\n---\ntext\n",
            5,
            "unknown front-matter",
        ),
        ("---\nid: a\ntitle: A\nsituation: na\norder: tien\n---\ntext\n", 5, "whole number"),
        ("---\nid: a\ntitle: A\nsituation: na\n---\n\n", 6, "no text"),
    ],
)
def test_broken_front_matter_names_the_line(text: str, line: int, words: str) -> None:
    with pytest.raises(GuidanceError) as caught:
        parse_card(text, "nl", "kaart.md")
    assert caught.value.line == line
    assert words in str(caught.value)
    assert str(caught.value).startswith(f"kaart.md:{line}:")


def test_unknown_language_is_refused() -> None:
    with pytest.raises(GuidanceError, match="unknown language 'de'"):
        parse_card(CARD, "de", "x.md")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (SCENARIO.replace("- [x] Goed", "- [ ] Goed"), "exactly one right answer, not 0"),
        (SCENARIO.replace("- [ ] Fout", "- [x] Fout"), "exactly one right answer, not 2"),
        (SCENARIO.replace("  > Nee.\n", ""), "feedback"),
        ("---\ncard: de-escaleren\n---\n- [x] a\n  > b\n", "before the first"),
        ("---\n---\n## v\n", "needs 'card'"),
    ],
)
def test_bad_scenarios_are_refused(text: str, words: str) -> None:
    with pytest.raises(GuidanceError, match=words):
        parse_scenarios(text, "nl", "oefenen/x.md")


def test_a_good_scenario_parses() -> None:
    [scenario] = parse_scenarios(SCENARIO, "en", "s.md")
    assert scenario.question == "Een vraag?"
    assert [(c.text, c.correct, c.feedback) for c in scenario.choices] == [
        ("Goed", True, "Ja."),
        ("Fout", False, "Nee."),
    ]


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "guidance"
    shutil.copytree(SHIPPED, target)
    validate_complete(read_folder(target))  # the copy itself is fine
    return target


def test_a_card_without_its_english_counterpart_fails(copy: Path) -> None:
    (copy / "en" / "nazorg.md").unlink()
    with pytest.raises(GuidanceError, match="'nazorg' has no en counterpart"):
        validate_complete(read_folder(copy))


def test_a_broken_related_link_fails_naming_the_line(copy: Path) -> None:
    path = copy / "nl" / "nazorg.md"
    path.write_text(path.read_text().replace("related: [", "related: [bestaat-niet, "))
    with pytest.raises(GuidanceError) as caught:
        validate_complete(read_folder(copy))
    assert "related card 'bestaat-niet' does not exist" in str(caught.value)
    assert caught.value.source.endswith("nazorg.md") and caught.value.line == 7


def test_broken_front_matter_in_the_shipped_set_fails(copy: Path) -> None:
    path = copy / "en" / "alarm-slaan.md"
    path.write_text(path.read_text().replace("---\n", "", 1))
    with pytest.raises(GuidanceError, match="alarm-slaan.md:1: no front-matter"):
        read_folder(copy)


def test_a_scenario_without_a_right_answer_in_the_shipped_set_fails(copy: Path) -> None:
    path = copy / "nl" / "oefenen" / "nazorg.md"
    path.write_text(SCENARIO.replace("de-escaleren", "nazorg").replace("- [x]", "- [ ]"))
    with pytest.raises(GuidanceError, match="exactly one right answer"):
        read_folder(copy)


def test_a_scenario_missing_in_one_language_fails(copy: Path) -> None:
    (copy / "en" / "oefenen" / "online-agressie.md").unlink()
    with pytest.raises(GuidanceError, match="scenarios differ"):
        validate_complete(read_folder(copy))


def test_an_unknown_language_folder_is_refused(copy: Path) -> None:
    (copy / "de").mkdir()
    with pytest.raises(GuidanceError, match="unknown language 'de'"):
        read_folder(copy)


def _imports(path: Path) -> set[str]:
    import ast

    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name.startswith("veiligbalie")}


def test_the_guidance_code_keeps_the_dependency_rule() -> None:
    package = paths.PROJECT_ROOT / "veiligbalie"
    loader = _imports(package / "guidance" / "__init__.py")
    assert loader <= {"veiligbalie.core"}, loader  # pure: no Qt, no SQL
    for name in ("help_view", "guidance_reader", "guidance_refresher", "guidance_prevention",
                 "guidance_beside"):  # fmt: skip
        used = _imports(package / "ui" / f"{name}.py")
        assert not {m for m in used if set(m.split(".")[1:2]) & {"protocol", "net", "store"}}, used
    server = _imports(package / "server" / "guidance.py")
    assert not {m for m in server if set(m.split(".")[1:2]) & {"ui", "services", "net", "store"}}
