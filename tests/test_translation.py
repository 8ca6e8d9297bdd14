"""Every word a reader sees from a template or an extension is translatable.

A pseudo-translation proves it. The handbook's catalogues are extracted as
``nox -s gettext`` extracts them (Sphinx's gettext builder: the templates'
``{% trans %}`` and ``_()`` into ``sphinx.pot``, the pages into one
catalogue a folder; Babel: what the extensions mark with ``_()`` into
``handbook.pot``). Every message gets "⟦...⟧" around it, compiled for
``en_AU``: a language Babel knows (dates and the footer's month work) and
for which neither Sphinx nor furo ships a catalogue, so only ours apply.
A temporary copy of ``docs/`` (the "handbook" catalogue is read from
``docs/locales``) is then built once, as a website and, from the same
doctrees, an EPUB.

Any text of a template or extension message still showing outside the
marks is a word a translation cannot reach. The test fails if one message
is left out of the catalogue, or if a module writes reader text that is
not marked.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from conftest import DOCS, ROOT

LANGUAGE = "en_AU"
OPEN, CLOSE = "⟦", "⟧"
# A message's words between its placeholders and tags.
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}|<[^>]+>")
# Attributes whose words a reader meets (a screen reader reads them).
READ_ATTRIBUTES = ("aria-label", "title", "alt")
PRINT = "_templates/print/"
# What the templates and extensions write around and into pages: every word
# in these is theirs (or a page's, translated with it), so none may be left
# outside the marks, whether or not it reached a catalogue.
CHROME = frozenset(
    {
        "exercise-summary",
        "exercise-heading",
        "exercise-links",
        "chapter-exercises",
        "safety-box",
        "consultation-box",
        "page-byline",
        "quick-exit-region",
        "sidebar-downloads",
        "related-pages",
        "handbook-footer",
    }
)
VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "source"})


def mark(message: str) -> str:
    return f"{OPEN}{message}{CLOSE}"


def sphinx(*args: str | Path) -> None:
    """sphinx-build in its own process: the copy's extensions (and so its
    locales folder) are imported, not the ones the tests already hold."""
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", *map(str, args)],
        check=True,
        cwd=ROOT,
    )


def extract(docs: Path, out: Path) -> list[Path]:
    """The catalogues of ``nox -s gettext``, for the book in ``docs``."""
    sphinx("-b", "gettext", "-d", out / "doctrees", docs, out)
    pybabel = Path(sys.executable).with_name("pybabel")
    extract_args = ["--quiet", "extract", "--no-location", "--omit-header"]
    output = ["-o", str(out / "handbook.pot"), str(docs / "_ext")]
    subprocess.run([pybabel, *extract_args, *output], check=True)
    return sorted(out.glob("*.pot"))


def pseudo_translate(catalogues: list[Path], locale_dir: Path) -> None:
    """Every message marked, compiled into ``locale_dir/<language>``."""
    target = locale_dir / LANGUAGE / "LC_MESSAGES"
    target.mkdir(parents=True)
    for pot in catalogues:
        with pot.open("rb") as file:
            catalogue = read_po(file, locale=LANGUAGE)
        for message in catalogue:
            if message.id:
                message.string = mark(message.id)
        with (target / f"{pot.stem}.mo").open("wb") as file:
            write_mo(file, catalogue)


def message_words(catalogues: list[Path]) -> tuple[set[str], set[str]]:
    """(whole messages of one word, runs of two or more words) of the
    templates' and extensions' messages, as a reader would see them. The
    print edition's templates are left out: no PDF is built here (their
    words are facts such as the title, and the print edition's own)."""
    single, runs = set(), set()
    for pot in catalogues:
        if pot.stem not in ("sphinx", "handbook"):
            continue
        with pot.open("rb") as file:
            for message in read_po(file):
                if not message.id or (
                    message.locations
                    and all(PRINT in where for where, _line in message.locations)
                ):
                    continue
                for part in PLACEHOLDER.split(message.id.replace("&amp;", "&")):
                    words = " ".join(part.split()).strip(" .,:;·")
                    if " " in words:
                        runs.add(words)
                    elif words and part.strip() == message.id.strip():
                        single.add(words)
    return single, runs


class ReaderText(HTMLParser):
    """The text of a page's body and the attributes a reader hears; apart,
    the text of elements of their own (a label, a heading), outside the
    pages' tables (a page's own table may hold a word like "Who")."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.labels: list[str] = []
        self.attributes: list[str] = []
        self.skip = 0
        self.tables = 0
        self.chrome: list[str] = []
        self.open: list[bool] = []  # whether each open element is chrome

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style", "head", "title"):
            self.skip += 1
        self.tables += tag == "table"
        if tag not in VOID:
            classes = set((dict(attrs).get("class") or "").split())
            self.open.append(bool(classes & CHROME))
        self.attributes += [v for k, v in attrs if k in READ_ATTRIBUTES and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head", "title"):
            self.skip = max(0, self.skip - 1)
        if tag == "table":
            self.tables = max(0, self.tables - 1)
        if tag not in VOID and self.open:
            self.open.pop()

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.attributes += [v for k, v in attrs if k in READ_ATTRIBUTES and v]

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.texts.append(data)
            if not self.tables:
                self.labels.append(data.strip())
            if any(self.open):
                self.chrome.append(data)


def unmarked(text: str) -> str:
    """The text outside every ⟦...⟧ (marks nest: a marked page title inside
    a marked sentence)."""
    depth, kept = 0, []
    for char in text:
        if char == OPEN:
            depth += 1
            kept.append(" ")
        elif char == CLOSE:
            depth = max(0, depth - 1)
            kept.append(" ")
        elif depth == 0:
            kept.append(char)
    return " ".join("".join(kept).split())


def untranslated(path: Path, single: set[str], runs: set[str]) -> list[str]:
    reader = ReaderText()
    reader.feed(path.read_text(encoding="utf-8"))
    found = {
        t.strip() for t in [*reader.labels, *reader.attributes] if t.strip() in single
    }
    outside = unmarked("".join(reader.texts))
    outside_attributes = [unmarked(a) for a in reader.attributes]
    for run in runs:
        pattern = re.compile(rf"(?<!\w){re.escape(run)}(?!\w)")
        if pattern.search(outside) or any(
            pattern.search(a) for a in outside_attributes
        ):
            found.add(run)
    # Words of the chrome outside the marks (numbers and signs are not words).
    found |= set(re.findall(r"[^\W\d_]{2,}", unmarked("".join(reader.chrome))))
    return sorted(found)


@pytest.fixture(scope="module")
def pseudo_book(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("pseudo")
    # conf.py reads the version and the sign-offs beside docs/.
    for name in ("pyproject.toml", "reviews.toml"):
        shutil.copy2(ROOT / name, tmp / name)
    docs = tmp / "docs"
    shutil.copytree(DOCS, docs, ignore=shutil.ignore_patterns("locales", "__pycache__"))
    catalogues = extract(docs, tmp / "gettext")
    pseudo_translate(catalogues, docs / "locales")
    doctrees = tmp / "doctrees"
    for builder in ("html", "epub"):
        sphinx(
            "-b", builder, "-d", doctrees, "-D", f"language={LANGUAGE}",
            docs, tmp / builder,
        )  # fmt: skip
    single, runs = message_words(catalogues)
    return {"html": tmp / "html", "epub": tmp / "epub", "single": single, "runs": runs}


def test_the_catalogues_hold_the_extensions_and_templates_words(pseudo_book):
    words = pseudo_book["single"] | pseudo_book["runs"]
    for expected in (
        "Steps",
        "Reflection prompts",
        "When not to use it",
        "Time",
        "Who",
        "Purpose",
        "From the chapter",
        "Download the fillable handout (PDF)",
        "Exercises for this chapter",
        "Search the handbook",
        "Leave this site",
        "If you are not safe",
        "Schedule a private consultation",
        "Next",
        "Previous",
    ):
        assert expected in words, expected


@pytest.mark.parametrize("builder", ["html", "epub"])
def test_no_word_from_a_template_or_extension_is_left_in_english(pseudo_book, builder):
    pages = [
        path
        for suffix in ("*.html", "*.xhtml")
        for path in pseudo_book[builder].rglob(suffix)
        if "_static" not in path.parts and "downloads" not in path.parts
    ]
    assert len(pages) > 50
    left = {
        str(path.relative_to(pseudo_book[builder])): words
        for path in pages
        if (words := untranslated(path, pseudo_book["single"], pseudo_book["runs"]))
    }
    assert not left, f"words no translation reaches: {left}"


def page(pseudo_book: dict, builder: str, name: str) -> str:
    suffix = ".html" if builder == "html" else ".xhtml"
    return (pseudo_book[builder] / f"{name}{suffix}").read_text(encoding="utf-8")


@pytest.mark.parametrize("builder", ["html", "epub"])
def test_the_translation_reaches_the_chrome_and_the_cards(pseudo_book, builder):
    """The marks are there (so the check above read real output): exercise
    card, safety box, crisis line, byline, chapter list and footer."""
    exercise = page(pseudo_book, builder, "exercises/daily-check-in")
    for words in (
        "⟦Steps⟧",
        "⟦Reflection prompts⟧",
        "⟦When not to use it⟧",
        "⟦Time⟧",
        "⟦Who⟧",
        "⟦Purpose⟧",
        "⟦together⟧",
        "⟦From the chapter: ",
        "⟦By ",
    ):
        assert words in exercise, (builder, words)
    assert re.search(r"⟦<strong>In danger now:</strong>", exercise)
    chapter = page(pseudo_book, builder, "chapters/daily-connection")
    assert "⟦Exercises for this chapter⟧" in chapter
    if builder == "html":
        assert "⟦Download the fillable handout (PDF)⟧" in exercise
        for words in ("⟦Leave this site⟧", "⟦Next⟧", "⟦Previous⟧", "⟦Text © "):
            assert words in exercise, words
        assert 'id="quick-exit"' in exercise
        # The landmarks' names, which a screen reader says.
        for name in ("Quick exit", "Handbook contents", "On this page", "Menu buttons"):
            assert f'aria-label="⟦{name}⟧"' in exercise, name
        assert "⟦Search the handbook⟧" in page(pseudo_book, "html", "search")
        assert "⟦To ask about a private consultation" in page(
            pseudo_book, "html", "consultation"
        )
        not_found = page(pseudo_book, "html", "404")
        assert "<h1>⟦Page not found⟧</h1>" in not_found
        assert "<title>⟦Page not found⟧" in not_found
