"""The Spanish edition (issue "Manual en español"), on the real build.

Every English page has its Spanish page under ``es/`` with the alternates
both ways; Spanish pages are Spanish (``lang``, locale, JSON-LD, the words of
the templates, no part left in English), carry the Spanish crisis options and
the review notice; the PDFs and the EPUB say their language; each chapter
reads plainly on the INFLESZ scale; the catalogues hold to the terminology
list; and the search answers Spanish queries (in Chromium, tests marked
``browser``).
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from conftest import DOCS, ROOT
from conftest import page_soup as soup

sys.path.insert(0, str(ROOT / "scripts"))

LOCALES = DOCS / "locales" / "es" / "LC_MESSAGES"
SITE = "https://emotional-intimacy-handbook.example.org/"
REVIEW_NOTICE = (
    "Esta traducción espera la revisión de un clínico bilingüe con licencia."
)


def english_pages(book) -> list[Path]:
    return book.pages()


def spanish_pages(book) -> list[Path]:
    return [p for p in book.all_pages() if book.translated(p)]


def catalogues() -> list[Path]:
    return sorted(LOCALES.rglob("*.po"))


def read(path: Path):
    with path.open("rb") as file:
        return read_po(file)


# -- Every page in both languages, and the way between them -------------------


def test_every_english_page_has_its_spanish_page(book):
    missing = [
        p.relative_to(book.html).as_posix()
        for p in english_pages(book)
        if not (book.html / "es" / p.relative_to(book.html)).is_file()
    ]
    assert missing == []


def test_alternates_lead_both_ways(book):
    problems = []
    for page in english_pages(book):
        name = page.relative_to(book.html).as_posix()
        for path, own in (
            (page, SITE + name),
            (book.html / "es" / name, SITE + "es/" + name),
        ):
            head = soup(path).head
            links = {
                link["hreflang"]: link["href"]
                for link in head.find_all("link", rel="alternate", hreflang=True)
            }
            want = {
                "en": SITE + name,
                "es": SITE + "es/" + name,
                "x-default": SITE + name,
            }
            if links != want:
                problems.append((path.relative_to(book.html).as_posix(), links))
            canonical = head.find("link", rel="canonical")
            if canonical is not None and canonical["href"] != own:
                problems.append(
                    (path.relative_to(book.html).as_posix(), canonical["href"])
                )
    assert problems == []


def test_the_language_switch_leads_to_the_same_page(book):
    problems = []
    for page in book.all_pages():
        switch = soup(page).select_one("nav.language-switch a[hreflang]")
        if switch is None:
            problems.append((page.relative_to(book.html).as_posix(), "no switch"))
            continue
        target = (page.parent / switch["href"]).resolve()
        spanish = page.relative_to(book.html).parts[0] == "es"
        rel = page.relative_to(book.html / "es" if spanish else book.html)
        expected = (book.html / rel) if spanish else (book.html / "es" / rel)
        if target != expected.resolve() or switch["lang"] != (
            "en" if spanish else "es"
        ):
            problems.append((page.relative_to(book.html).as_posix(), switch["href"]))
    assert problems == []


def test_both_sitemaps_list_their_pages_with_alternates(book):
    robots = (book.html / "robots.txt").read_text()
    assert f"Sitemap: {SITE}sitemap.xml" in robots
    assert f"Sitemap: {SITE}es/sitemap.xml" in robots
    for folder, prefix in ((book.html, ""), (book.html / "es", "es/")):
        xml = (folder / "sitemap.xml").read_text()
        entries = re.findall(r"<url>(.*?)</url>", xml, re.S)
        assert len(entries) > 50
        for entry in entries:
            loc = re.search(r"<loc>([^<]+)</loc>", entry).group(1)
            assert loc.startswith(SITE + prefix), loc
            link = loc.removeprefix(SITE + prefix)
            alternates = dict(re.findall(r'hreflang="([^"]+)" href="([^"]+)"', entry))
            assert alternates == {
                "en": SITE + link,
                "es": SITE + "es/" + link,
                "x-default": SITE + link,
            }, loc


# -- Spanish pages are Spanish --------------------------------------------------


def test_spanish_pages_say_their_language(book):
    problems = []
    for page in spanish_pages(book):
        doc = soup(page)
        name = page.relative_to(book.html).as_posix()
        if doc.html.get("lang") != "es":
            problems.append((name, "html lang", doc.html.get("lang")))
        locale = doc.find("meta", property="og:locale")
        if locale is None or locale["content"] != "es_US":
            problems.append((name, "og:locale"))
        if not doc.find("meta", property="og:locale:alternate", content="en_US"):
            problems.append((name, "og:locale:alternate"))
        for script in doc.find_all("script", type="application/ld+json"):
            for node in json.loads(script.string).get("@graph", []):
                if "inLanguage" in node and node["inLanguage"] != "es-US":
                    problems.append((name, "inLanguage", node["inLanguage"]))
    assert problems == []


def test_no_spanish_page_is_partly_in_english(book):
    """With complete catalogues, no paragraph is left in English (the build
    marks one with lang="en" and a notice if a catalogue falls behind)."""
    mixed = [
        page.relative_to(book.html).as_posix()
        for page in spanish_pages(book)
        if soup(page).select('[lang="en"].untranslated, .untranslated')
        or "aún no están traducidas" in page.read_text(encoding="utf-8")
    ]
    assert mixed == []


def test_every_catalogue_is_complete():
    left = []
    for path in catalogues():
        for message in read(path):
            if message.id and (not message.string or message.fuzzy):
                line = message.locations[0][1] if message.locations else "?"
                left.append(
                    f"{path.relative_to(LOCALES)} (line {line}): {message.id[:60]}"
                )
    assert left == []


def words_of(message: str) -> list[str]:
    """The plain stretches of a template message: its words between
    placeholders and markup, long enough to be a phrase."""
    parts = re.split(r"%\(\w+\)s|\{\w+\}|<[^>]+>|&amp;", message)
    return [p.strip(" .,:;·()") for p in parts if len(p.strip(" .,:;·()")) >= 12]


# What the templates and extensions write around and into pages (as in
# test_translation.py): every word in these is theirs or a page's.
CHROME = (
    ".exercise-summary, .exercise-heading, .exercise-links, .chapter-exercises,"
    " .safety-box > .admonition-title, .consultation-box, .page-byline,"
    " .quick-exit-region, .sidebar-downloads, .related-pages, .handbook-footer,"
    " .language-switch, .translation-notice"
)


def chrome_text(path: Path) -> str:
    """A Spanish page's words outside its article, and those the templates
    and extensions put inside it. The page's own text may quote an English
    name (a book's title, the Hotline's report in a citation)."""
    doc = soup(path)

    def words(node) -> str:
        return " ".join(node.get_text(" ").split())

    kept = [words(n) for n in doc.select(CHROME)]
    outside = [
        text
        for text in doc.strings
        if not text.find_parent(["script", "style", "article"])
    ]
    labels = [
        value
        for tag in doc.find_all(True)
        if not tag.find_parent("article")
        for key, value in tag.attrs.items()
        if key in ("aria-label", "title", "alt", "placeholder")
        and isinstance(value, str)
    ]
    return " ".join([" ".join(" ".join(outside).split()), *kept, *labels])


def test_no_english_from_templates_or_extensions(book):
    """Every message of the templates and extensions whose Spanish differs
    from its English: the English words appear nowhere the templates and
    extensions write on a Spanish page (the pseudo-translation test of
    test_translation.py, with the real catalogue)."""
    english = set()
    for name in ("sphinx.po", "handbook.po"):
        for message in read(LOCALES / name):
            if message.id and message.string and message.string != message.id:
                english.update(words_of(str(message.id)))
    found = []
    for page in spanish_pages(book):
        text = chrome_text(page)
        found += [
            (page.relative_to(book.html).as_posix(), phrase)
            for phrase in english
            if phrase in text
        ]
    assert found == []


# -- Safety and honesty -----------------------------------------------------------


def test_spanish_pages_give_the_crisis_lines_in_spanish(book):
    problems = []
    for page in spanish_pages(book):
        doc = soup(page)
        footer = doc.select_one(".handbook-footer")
        if footer is None:
            problems.append((page.relative_to(book.html).as_posix(), "no footer"))
            continue
        text = " ".join(footer.get_text(" ").split())
        for needed in (
            "911",
            "988",
            "marque 2",
            "AYUDA",
            "1-800-799-7233",
            "hablan español",
        ):
            if needed not in text:
                problems.append((page.relative_to(book.html).as_posix(), needed))
        for box in doc.select(".safety-box"):
            box_text = " ".join(box.get_text(" ").split())
            if "AYUDA" not in box_text or "911" not in box_text:
                problems.append((page.relative_to(book.html).as_posix(), "safety box"))
    assert problems == []


def test_every_spanish_page_has_the_quick_exit_and_the_policy(book):
    """The English pages' checks of the quick exit and the policy
    (test_reader_safety.py, test_csp.py), on every Spanish page."""
    problems = []
    for page in spanish_pages(book):
        doc = soup(page)
        name = page.relative_to(book.html).as_posix()
        button = doc.select_one(".quick-exit")
        if button is None or "Salir de este sitio" not in button.get_text():
            problems.append((name, "quick exit"))
        policies = doc.head.find_all(
            "meta", attrs={"http-equiv": "Content-Security-Policy"}
        )
        if len(policies) != 1:
            problems.append((name, "policy"))
    assert problems == []


def test_every_spanish_page_says_its_translation_awaits_review(book):
    missing = [
        page.relative_to(book.html).as_posix()
        for page in spanish_pages(book)
        if REVIEW_NOTICE not in soup(page).get_text(" ")
    ]
    assert missing == []
    assert not any(REVIEW_NOTICE in p.read_text() for p in english_pages(book))


def test_the_same_message_has_the_same_translation_everywhere():
    """A message on several pages (the crisis lines of every safety box, a
    heading, a phrase) reads the same on every page."""
    seen: dict[str, tuple[str, str]] = {}
    differ = []
    for path in catalogues():
        if path.name in ("sphinx.po", "handbook.po"):
            continue
        for message in read(path):
            if not (message.id and message.string):
                continue
            earlier = seen.setdefault(message.id, (message.string, path.name))
            if earlier[0] != message.string:
                differ.append((message.id[:50], earlier[1], path.name))
    assert differ == []


# -- The catalogues follow the terminology list -----------------------------------

TERMS = tomllib.loads((DOCS / "locales" / "es" / "terminology.toml").read_text())[
    "term"
]
LINK_TARGET = re.compile(r"\]\([^)]*\)|<[^>]*>`|\{[\w:-]+\}`[^`<]*`")


def test_every_translation_holds_to_the_terminology_list():
    misses = []
    for path in catalogues():
        for message in read(path):
            if not (message.id and message.string):
                continue
            english = LINK_TARGET.sub(" ", str(message.id))  # not link targets
            for term in TERMS:
                if re.search(term["en"], english, re.I) and not re.search(
                    term["es"], message.string, re.I
                ):
                    line = message.locations[0][1] if message.locations else "?"
                    misses.append(f"{path.relative_to(LOCALES)}:{line}: {term['es']}")
    assert misses == []


# -- Reading level -------------------------------------------------------------------


def test_each_spanish_chapter_reads_plainly(book):
    from readability import measure_spanish, spanish_problem

    rows = measure_spanish(book.html / "es", ["chapters/"])
    assert len(rows) > 15
    problems = [
        f"{page}: {spanish_problem(page, score)}"
        for page, _, score in rows
        if spanish_problem(page, score)
    ]
    assert problems == []


def test_the_readability_check_can_fail():
    from readability import inflesz, spanish_problem

    long_words = (
        "La consideración pormenorizada de las circunstancias interpersonales "
        "característicamente desfavorables imposibilita generalmente "
        "determinaciones terapéuticas satisfactoriamente fundamentadas. "
    ) * 5
    assert spanish_problem("chapters/x", inflesz(long_words))


# -- Print and e-book ---------------------------------------------------------------


def test_spanish_pdfs_say_their_language_and_keep_their_fields(book):
    import pikepdf

    spanish = sorted((book.pdf / "es").rglob("*.pdf"))
    english = {
        p.relative_to(book.pdf)
        for p in book.pdf.rglob("*.pdf")
        if "es" not in p.relative_to(book.pdf).parts[:1]
    }
    assert {p.relative_to(book.pdf / "es") for p in spanish} == english
    for path in spanish:
        with pikepdf.open(path) as pdf:
            assert str(pdf.Root.get("/Lang")) == "es-US", path
            fields = len(pdf.Root.AcroForm.Fields) if "/AcroForm" in pdf.Root else 0
        with pikepdf.open(book.pdf / path.relative_to(book.pdf / "es")) as pdf:
            en_fields = len(pdf.Root.AcroForm.Fields) if "/AcroForm" in pdf.Root else 0
        assert fields == en_fields, path


def test_the_spanish_handbook_pdf_is_in_spanish(book, pdf_text):
    text = pdf_text(book.pdf / "es" / "emotional-intimacy-handbook.pdf")
    for words in ("Antes de empezar", "Contenido", "marque 2", "AYUDA"):
        assert words in text, words
    assert "Before You Begin" not in text


def test_the_spanish_epub_says_its_language(book):
    import zipfile

    with zipfile.ZipFile(book.epub / "es" / "emotional-intimacy-handbook.epub") as epub:
        opf = epub.read("content.opf").decode()
    assert "<dc:language>es</dc:language>" in opf
    assert "Intimidad emocional" in opf


# -- Search in Spanish ----------------------------------------------------------------

from search_queries import SPANISH_DANGER_QUERIES, SPANISH_QUERIES  # noqa: E402


@pytest.fixture(scope="module")
def reader(browser):
    page = browser.new_page()
    yield page
    page.close()


@pytest.mark.browser
def test_spanish_queries_find_their_pages(site, reader):
    from search_hit_rate import hit, search

    misses = []
    for query, expected in SPANISH_QUERIES:
        found = search(reader, site + "es/", query)
        if not hit(found, tuple("es/" + page for page in expected)):
            misses.append((query, found[:3]))
    assert misses == []
    # The results' heading and count, written by the search's script.
    summary = reader.locator("#search-results").inner_text()
    assert "Resultados de la búsqueda" in summary and "Búsqueda terminada" in summary


@pytest.mark.browser
def test_spanish_danger_words_put_the_safety_page_first(site, reader):
    from search_hit_rate import search

    wrong = []
    for query in SPANISH_DANGER_QUERIES:
        found = search(reader, site + "es/", query)
        if (
            found[:1] != ["es/chapters/getting-help"]
            or not reader.locator("#search-safety").is_visible()
        ):
            wrong.append((query, found[:3]))
    assert wrong == []
