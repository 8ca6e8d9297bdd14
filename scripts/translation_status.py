"""What is missing or out of date in one language's translation.

Usage (``nox -s translations`` runs it after updating the catalogues)::

    python scripts/translation_status.py LANGUAGE [check]

For each page of ``docs/`` it reads the page's catalogue in
``docs/locales/LANGUAGE/LC_MESSAGES`` and lists the messages still empty
(new English) and "fuzzy" (the English changed since it was translated),
with the page's file and line, so that a translator can go straight there.
A page with no catalogue at all is listed too. With ``check`` it exits
non-zero while anything is left.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
# Catalogues that are not pages: the templates' and the extensions' words.
NOT_PAGES = ("sphinx", "handbook")


def pages() -> list[str]:
    return sorted(
        str(path.relative_to(DOCS).with_suffix(""))
        for path in DOCS.rglob("*.md")
        if not any(part.startswith(("_", ".")) for part in path.relative_to(DOCS).parts)
        and "locales" not in path.relative_to(DOCS).parts
    )


def status(language: str) -> tuple[list[str], int]:
    """Lines to print, and how many messages or catalogues are left."""
    folder = DOCS / "locales" / language / "LC_MESSAGES"
    lines, left, done = [], 0, 0
    for name in [*pages(), *NOT_PAGES]:
        path = folder / f"{name}.po"
        if not path.is_file():
            lines.append(f"{name}: no catalogue yet (nox -s translations makes it)")
            left += 1
            continue
        with path.open("rb") as file:
            catalogue = read_po(file)
        for message in catalogue:
            if not message.id:
                continue
            if message.string and not message.fuzzy:
                done += 1
                continue
            left += 1
            where = ", ".join(f"{Path(p).name}:{n}" for p, n in message.locations[:1])
            state = "changed in English" if message.fuzzy else "not translated"
            text = " ".join(str(message.id).split())
            lines.append(f"{name} ({where or 'template'}): {state}: {text[:70]}")
    lines.append(f"{language}: {done} messages translated, {left} left")
    return lines, left


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.split("\n\n")[1].strip(), file=sys.stderr)
        return 2
    lines, left = status(argv[0])
    print("\n".join(lines))
    return 1 if left and "check" in argv[1:] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
