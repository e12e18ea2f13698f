"""Keep i18n/veiligbalie_nl.ts current.

    python scripts/i18n.py update   # lupdate over the package, then merge i18n/pending/*.json
    python scripts/i18n.py check    # exit 1 when a source string is missing or unfinished

lupdate takes a ``#:`` comment above a ``tr()`` call for a note to the translator; in this
project ``#:`` documents the attribute below it (Sphinx style), so ``update`` drops those
notes (a note meant for the translator goes in ``tr()``'s disambiguation argument).

A pending JSON file maps ``{"Context": {"English source": "Dutch"}}``; it is how work done
in parallel hands in its translations. ``update`` merges it and removes it once every
entry has landed in the .ts file.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "i18n" / "veiligbalie_nl.ts"
PENDING = ROOT / "i18n" / "pending"
LUPDATE = Path(sys.executable).parent / "pyside6-lupdate"


def sources() -> list[str]:
    """The client's Python files that git tracks (work in progress elsewhere stays out)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "veiligbalie"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.split()
        files = [ROOT / name for name in listed if name.endswith(".py")]
    except (OSError, subprocess.CalledProcessError):
        files = sorted((ROOT / "veiligbalie").rglob("*.py"))
    rel = [str(f.relative_to(ROOT)) for f in files if f.exists()]
    return sorted(name for name in rel if not name.startswith("veiligbalie/server/"))


def run_lupdate(target: Path) -> None:
    subprocess.run(
        [str(LUPDATE), "-no-obsolete", "-locations", "none", *sources(), "-ts", str(target)],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def messages(tree: ET.ElementTree) -> dict[tuple[str, str], ET.Element]:
    found: dict[tuple[str, str], ET.Element] = {}
    for context in tree.getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            found[(name, message.findtext("source") or "")] = message
    return found


def update() -> int:
    run_lupdate(TS)
    tree = ET.parse(TS)
    root = tree.getroot()
    root.set("language", "nl_NL")
    root.set("sourcelanguage", "en")
    table = messages(tree)
    for message in table.values():
        for note in message.findall("extracomment"):
            message.remove(note)
    merged = 0
    for pending in sorted(PENDING.glob("*.json")) if PENDING.exists() else []:
        data = json.loads(pending.read_text(encoding="utf-8"))
        missing = 0
        for context, entries in data.items():
            for source, translation in entries.items():
                message = table.get((context, source))
                if message is None:
                    missing += 1
                    continue
                element = message.find("translation")
                if element is None:
                    element = ET.SubElement(message, "translation")
                element.attrib.pop("type", None)
                if message.get("numerus") == "yes":
                    # Dutch has two forms: [one, other]; a plain string serves both.
                    forms = translation if isinstance(translation, list) else [translation] * 2
                    for child in list(element):
                        element.remove(child)
                    element.text = None
                    for form in forms:
                        ET.SubElement(element, "numerusform").text = form
                else:
                    element.text = translation
                merged += 1
        if missing == 0:
            pending.unlink()
        else:
            print(f"{pending.name}: {missing} entries not (yet) in the sources; kept")
    ET.indent(tree)
    tree.write(TS, encoding="utf-8", xml_declaration=True)
    print(f"merged {merged} translations into {TS.relative_to(ROOT)}")
    return check()


def problems() -> list[str]:
    """Source strings missing from the .ts file, and entries without a finished translation."""
    found: list[str] = []
    if not TS.exists():
        return [f"{TS} does not exist"]
    committed = messages(ET.parse(TS))
    with tempfile.TemporaryDirectory() as tmp:
        fresh_path = Path(tmp) / "fresh.ts"
        run_lupdate(fresh_path)
        fresh = messages(ET.parse(fresh_path))
    for key in fresh:
        if key not in committed:
            found.append(f"missing: [{key[0]}] {key[1]!r}")
    for key, message in committed.items():
        element = message.find("translation")
        text = "".join(element.itertext()) if element is not None else ""
        if element is None or not text.strip():
            found.append(f"untranslated: [{key[0]}] {key[1]!r}")
        elif element.get("type") in ("unfinished", "vanished", "obsolete"):
            found.append(f"{element.get('type')}: [{key[0]}] {key[1]!r}")
    return found


def check() -> int:
    found = problems()
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    raise SystemExit(update() if command == "update" else check())
