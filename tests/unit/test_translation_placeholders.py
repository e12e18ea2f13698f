"""One placeholder style in translated texts: Qt's numbered markers %1, %2, … filled by
``veiligbalie.core.text.fill`` (and %n for plurals). Qt Linguist checks those markers for
the translator; ``{name}`` fields or ``%s`` would pass through unchecked."""

from __future__ import annotations

import ast
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from veiligbalie.core.text import fill

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "veiligbalie"
TS = ROOT / "i18n" / "veiligbalie_nl.ts"
TRANSLATING = {"tr", "translate"}

# Anything that looks like another formatting style: str.format fields, printf conversions.
OTHER_STYLE = re.compile(r"\{[A-Za-z_0-9]*(?:[!:][^{}]*)?\}|%\(\w+\)[a-z]|%[-+ #0]*\d*[sdifr]\b")
MARKER = re.compile(r"%(\d{1,2})")


def _is_translated(node: ast.AST) -> bool:
    """self.tr(…), QCoreApplication.translate(…) or a bare tr(…)/translate(…)."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return name in TRANSLATING


def _translated_calls(tree: ast.AST) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call) and _is_translated(node)]


def _source_text(call: ast.Call) -> str | None:
    """The English source of self.tr(text, …) or translate(context, text, …)."""
    name = call.func.attr if isinstance(call.func, ast.Attribute) else ""
    index = 1 if name == "translate" else 0
    if len(call.args) <= index:
        return None
    arg = call.args[index]
    return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None


def _package_trees() -> list[tuple[Path, ast.AST]]:
    return [(p, ast.parse(p.read_text(encoding="utf-8"))) for p in sorted(PACKAGE.rglob("*.py"))]


def style_problems(source: str) -> list[str]:
    """What is wrong with the placeholders of one source string."""
    found = [f"{m.group(0)!r} is not a %1-style marker" for m in OTHER_STYLE.finditer(source)]
    numbers = sorted({int(n) for n in MARKER.findall(source)})
    if numbers and numbers != list(range(1, len(numbers) + 1)):
        found.append(f"markers {numbers} do not run 1..{len(numbers)}")
    return found


def test_every_translated_source_uses_numbered_markers() -> None:
    bad = []
    checked = 0
    for path, tree in _package_trees():
        for call in _translated_calls(tree):
            text = _source_text(call)
            if text is None:
                continue
            checked += 1
            bad += [f"{path.relative_to(ROOT)}:{call.lineno}: {p}" for p in style_problems(text)]
    assert checked > 300  # the scan really reads the package's texts
    assert bad == [], "use %1, %2 … and fill():\n" + "\n".join(bad)


def test_no_translated_text_is_filled_by_replace_or_format() -> None:
    """fill() replaces every marker in one pass; a chain of .replace() would also replace a
    "%2" inside the first value."""
    bad = []
    for path, tree in _package_trees():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("replace", "format", "arg")
                and _is_translated(node.func.value)
            ):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert bad == [], "fill(self.tr('… %1'), value) instead:\n" + "\n".join(bad)


def test_dutch_translations_keep_every_marker_of_their_source() -> None:
    messages = list(ET.parse(TS).getroot().iter("message"))
    assert len(messages) > 300
    bad = []
    for message in messages:
        source = message.findtext("source") or ""
        element = message.find("translation")
        forms = [f.text or "" for f in element.iter("numerusform")] if element is not None else []
        translations = forms or [element.text or "" if element is not None else ""]
        wanted = sorted(set(MARKER.findall(source)))
        for text in translations:
            if sorted(set(MARKER.findall(text))) != wanted or OTHER_STYLE.search(text):
                bad.append(f"{source!r} -> {text!r}")
        bad += [f"{source!r}: {p}" for p in style_problems(source)]
    assert bad == [], "\n".join(bad)


@pytest.mark.parametrize(
    "text",
    [
        "Wacht {time}",
        "{} over",
        "Limit {limit:d}",
        "Naam %s",
        "%(name)s kwam",
        "%5d tekens",
        "Eerst %2 dan %3",
    ],
)
def test_the_style_check_notices_other_styles(text: str) -> None:
    assert style_problems(text) != []


@pytest.mark.parametrize(
    "text", ["Alarm verzonden", "%1 min %2 s geleden", "%n bereikbaar", "100% zeker", "Toets: %1"]
)
def test_the_style_check_accepts_numbered_markers(text: str) -> None:
    assert style_problems(text) == []


def test_fill_puts_values_in_by_number_in_one_pass() -> None:
    assert fill("%2 kwam na %1", "Anna", "Bram") == "Bram kwam na Anna"
    # A value that looks like a marker is not filled again.
    assert fill("%1 en %2", "50%2", "x") == "50%2 en x"
    assert fill("%1 seconden", 12) == "12 seconden"
    # A marker without a value stays, as QString.arg leaves it.
    assert fill("%1 van %3", "a", "b") == "a van %3"
    assert fill("100% zeker") == "100% zeker"
