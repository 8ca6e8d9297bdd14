"""Every word a reader sees from a template or an extension is translatable.

A pseudo-translation proves it. The handbook's catalogues are the session's
``catalogue`` (conftest.py), extracted as ``nox -s gettext`` extracts them
(Sphinx's gettext builder: the templates' ``{% trans %}`` and ``_()`` into
``sphinx.pot``, the pages into one catalogue a page; Babel: what the
extensions mark with ``_()`` into ``handbook.pot``). Every message gets "⟦...⟧" around it, compiled for
``en_AU``: a language Babel knows (dates and the footer's month work) and
for which neither Sphinx nor furo ships a catalogue, so only ours apply.
A temporary copy of ``docs/`` (the "handbook" catalogue is read from
``docs/locales``) is then built once, as a website and, from the same
doctrees, an EPUB and the print edition. The PDFs' text is read where the
print templates and extensions write: the handbook's cover, copyright page,
"Before You Begin" and contents, a chapter's running header and footer, a
packet's cover, a worksheet (with its answer fields' names) and the
six-week path (with its tick boxes' names).

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

from conftest import DOCS, ROOT, pdf_pages

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


def pseudo_translate(catalogues: list[Path], locale_dir: Path) -> None:
    """Every message marked, compiled into ``locale_dir/<language>``."""
    target = locale_dir / LANGUAGE / "LC_MESSAGES"
    # handbook.pot sits at the top of the extraction, beside sphinx.pot; the
    # pages' catalogues keep their folders (one catalogue a page).
    top = next(pot.parent for pot in catalogues if pot.name == "handbook.pot")
    for pot in catalogues:
        with pot.open("rb") as file:
            catalogue = read_po(file, locale=LANGUAGE)
        for message in catalogue:
            if message.id:
                message.string = mark(message.id)
        mo = target / pot.relative_to(top).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as file:
            write_mo(file, catalogue)


def message_words(
    catalogues: list[Path], *, print_edition: bool = False
) -> tuple[set[str], set[str]]:
    """(whole messages of one word, runs of two or more words) of the
    templates' and extensions' messages, as a reader would see them. The
    print edition's templates are left out, unless ``print_edition``: the
    website and the EPUB never show them."""
    single, runs = set(), set()
    for pot in catalogues:
        if pot.stem not in ("sphinx", "handbook"):
            continue
        with pot.open("rb") as file:
            for message in read_po(file):
                if not message.id or (
                    not print_edition
                    and message.locations
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
def pseudo_book(tmp_path_factory: pytest.TempPathFactory, catalogue: Path) -> dict:
    tmp = tmp_path_factory.mktemp("pseudo")
    # conf.py reads the version and the sign-offs beside docs/.
    for name in ("pyproject.toml", "reviews.toml"):
        shutil.copy2(ROOT / name, tmp / name)
    docs = tmp / "docs"
    shutil.copytree(DOCS, docs, ignore=shutil.ignore_patterns("locales", "__pycache__"))
    catalogues = sorted(catalogue.rglob("*.pot"))
    pseudo_translate(catalogues, docs / "locales")
    doctrees = tmp / "doctrees"
    for builder in ("html", "epub", "print"):
        sphinx(
            "-b", builder, "-d", doctrees, "-D", f"language={LANGUAGE}",
            docs, tmp / builder,
        )  # fmt: skip
    single, runs = message_words(catalogues)
    return {
        "html": tmp / "html",
        "epub": tmp / "epub",
        "pdf": tmp / "print",
        "single": single,
        "runs": runs,
        "print_words": message_words(catalogues, print_edition=True),
    }


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
        # The title pattern of conf.py is a message too: ⟦⟦Page not found⟧ | ...⟧
        assert re.search(r"<title>⟦*Page not found⟧", not_found)


# -- The print edition ------------------------------------------------------

# The PDFs read where the print templates and extensions write, and how many
# of each one's first pages: the handbook's cover, copyright page, "Before
# You Begin" and contents; a chapter with its running header and footer; a
# packet's cover; a worksheet for two; the six-week path.
PRINTED = {
    "emotional-intimacy-handbook.pdf": 6,
    "chapters/daily-connection.pdf": 1,
    "packets/first-sessions.pdf": 1,
    "handouts/daily-check-in.pdf": 1,
    "handouts/six-week-path.pdf": 1,
}


@pytest.fixture(scope="module")
def printed(pseudo_book) -> dict[str, dict]:
    """Each PDF of ``PRINTED``: its first pages' text, its title and the
    names a screen reader gives its form fields."""
    import pikepdf

    found = {}
    for name, pages in PRINTED.items():
        path = pseudo_book["pdf"] / name
        with pikepdf.open(path) as pdf:
            fields = (
                [str(f.get("/TU", "")) for f in pdf.Root.AcroForm.Fields]
                if "/AcroForm" in pdf.Root
                else []
            )
            title = str(pdf.docinfo.get("/Title", ""))
        found[name] = {
            "text": "\n".join(pdf_pages(path, first=pages)),
            "title": title,
            "fields": fields,
        }
    return found


def untranslated_in_print(text: str, single: set[str], runs: set[str]) -> list[str]:
    """Messages' words outside the marks in a PDF's text: a line that is a
    one-word message, or a run of a message's words anywhere, in any case
    (the print stylesheet sets some headings in capitals)."""
    single = {word.casefold() for word in single}
    found = {
        line.strip() for line in text.splitlines() if line.strip().casefold() in single
    }
    outside = unmarked(text)
    found |= {
        run
        for run in runs
        if re.search(rf"(?<!\w){re.escape(run)}(?!\w)", outside, re.IGNORECASE)
    }
    return sorted(found)


def test_no_word_from_a_print_template_or_extension_is_left_in_english(
    pseudo_book, printed
):
    single, runs = pseudo_book["print_words"]
    left = {
        f"{name} {part}": words
        for name, found in printed.items()
        for part, text in (
            ("text", found["text"]),
            ("title", found["title"]),
            ("fields", "\n".join(found["fields"])),
        )
        if (words := untranslated_in_print(text, single, runs))
    }
    assert not left, f"words no translation reaches in the PDFs: {left}"
    # The check has teeth: the handbook's pages with one heading and one
    # sentence left in English.
    handbook = printed["emotional-intimacy-handbook.pdf"]["text"]
    english = handbook.replace("⟦Before You Begin⟧", "Before You Begin").replace(
        "⟦Couples therapy in ", "Couples therapy in ⟦"
    )
    assert english != handbook
    found = untranslated_in_print(english, single, runs)
    assert {words.casefold() for words in found} == {
        "before you begin",
        "couples therapy in",
    }


def test_the_translation_reaches_the_pdfs(printed):
    """The marks are in the PDFs' text (so the check above read real
    output): cover, copyright page, safety page, contents, running footer,
    packet cover, a worksheet's titles and fields, the tick boxes."""
    handbook = printed["emotional-intimacy-handbook.pdf"]["text"]
    for words in (
        "⟦Couples therapy in ",
        "⟦Copyright © ",
        "⟦Before You Begin⟧",
        "⟦In immediate danger: call ",
        "⟦Contents⟧",
    ):
        assert words in handbook, words
    assert (
        "⟦Not safe where there is violence"
        in (printed["chapters/daily-connection.pdf"]["text"])
    )
    packet = printed["packets/first-sessions.pdf"]
    # "Worksheet packet" is set in capitals.
    for words in ("⟦WORKSHEET PACKET⟧", "⟦Worksheets in this packet⟧"):
        assert words in packet["text"], words
    assert "⟦" in packet["title"] and "Worksheet Packet" in packet["title"]
    worksheet = printed["handouts/daily-check-in.pdf"]
    assert worksheet["fields"]
    assert all("⟦Partner " in name for name in worksheet["fields"]), worksheet
    assert all(
        name.startswith("⟦") for name in printed["handouts/six-week-path.pdf"]["fields"]
    )
