"""The chapters as readers meet them: plain, long enough, cited and safe."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from conftest import page_soup
from handbook_spec import (
    CHAPTERS,
    EXERCISES,
    READERS,
    RESEARCH_CHAPTERS,
    VERIFIED_NUMBERS,
)
from readability import measure_site, problems

MIN_WORDS = 20_000
PHONE = re.compile(r"(?:\b1-)?\(?\b\d{3}\)?[-. ]\d{3}[-. ]\d{4}\b")


@pytest.fixture(scope="module")
def reading(book):
    return measure_site(book.html, ["chapters/"])


def article(book, slug):
    html = (book.html / "chapters" / f"{slug}.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "lxml").select_one("article")


def test_every_chapter_is_measured(reading):
    pages, _ = reading
    assert {p.page for p in pages} == {f"chapters/{slug}" for slug in CHAPTERS}


@pytest.mark.parametrize("slug", CHAPTERS)
def test_each_chapter_reads_as_plain_prose_for_adults(reading, slug):
    pages, _ = reading
    (page,) = [p for p in pages if p.page == f"chapters/{slug}"]
    found = problems(page, whole_book=False)
    assert not found, f"docs/chapters/{slug}.md: " + "; ".join(found)


def test_chapters_together_read_at_grade_6_to_8(reading):
    _, together = reading
    assert not problems(together, whole_book=True), together


def test_chapters_hold_at_least_20000_words(reading):
    _, together = reading
    assert together.words >= MIN_WORDS


@pytest.mark.parametrize("slug", RESEARCH_CHAPTERS)
def test_research_chapters_cite_three_sources(book, slug):
    sources = {
        a["href"] for a in article(book, slug).select("a[href*='references.html#']")
    }
    assert len(sources) >= 3, f"{slug} cites {len(sources)} sources"


@pytest.mark.parametrize("slug", CHAPTERS)
def test_chapters_link_their_glossary_terms(book, slug):
    terms = article(book, slug).select("a[href*='glossary.html#term-']")
    assert terms, f"{slug} links no glossary term"


def test_glossary_has_at_least_25_terms(book):
    soup = BeautifulSoup(
        (book.html / "glossary.html").read_text(encoding="utf-8"), "lxml"
    )
    assert len(soup.select("dl.glossary > dt")) >= 25


def test_bibliography_lists_what_the_chapters_cite(book):
    soup = BeautifulSoup(
        (book.html / "references.html").read_text(encoding="utf-8"), "lxml"
    )
    entries = soup.select(".citation, div[role='list'] > div, dl.citation > dt")
    assert len(entries) >= 20


def test_editors_notes_on_sources_stay_out_of_the_references(book):
    """Where a source was checked (a proxy copy, "recheck before print") is
    for editors, in the .bib file's "verified" field; readers never see it
    (the print edition: test_print_edition.py)."""
    for path in book.html.rglob("*.html"):
        text = page_soup(path).get_text(" ")
        assert "Verified" not in text, path.name
        assert "proxy" not in text, path.name


def test_safety_page_has_every_crisis_resource(book):
    text = article(book, "getting-help").get_text(" ")
    for needle in ("911", "988", "1-800-799-7233", "START", "88788"):
        assert needle in text


def test_no_phone_number_but_the_verified_help_lines(book):
    for path in book.html.rglob("*.html"):
        text = page_soup(path).get_text(" ")
        for match in PHONE.finditer(text):
            number = match.group(0).strip("()")
            assert number in VERIFIED_NUMBERS, (path.name, number)


def test_consultation_invitation_is_kept_apart(book):
    for slug in CHAPTERS:
        text = article(book, slug).get_text(" ").lower()
        assert "schedule a private consultation" not in text, slug
    consultation = BeautifulSoup(
        (book.html / "consultation.html").read_text(encoding="utf-8"), "lxml"
    )
    box = consultation.select_one(".consultation-box")
    assert box is not None
    # No booking link is configured, so no button is shown.
    assert box.select_one("a.button") is None


# -- Every couple finds themselves (issue 22) ---------------------------------


def reading_text(book, rel: str) -> str:
    """A page's own words: the article without the byline and the crisis
    lines the safety box adds."""
    soup = BeautifulSoup((book.html / f"{rel}.html").read_bytes(), "lxml")
    body = soup.select_one("article")
    for extra in body.select(".page-byline"):
        extra.decompose()
    return body.get_text(" ")


def book_pages():
    return [f"chapters/{slug}" for slug in CHAPTERS] + [
        f"exercises/{name}" for name in EXERCISES
    ]


def test_sentences_are_joined_only_where_one_causes_the_other(book):
    """At most one ', because' or ', since' join per thousand words across
    the chapters and exercises (91 such joins padded the book before)."""
    words = joins = 0
    for rel in book_pages():
        text = reading_text(book, rel)
        words += len(text.split())
        joins += len(re.findall(r",\s+(?:because|since)\b", text))
    assert joins * 1000 / words <= 1, (joins, words)


def test_not_therapy_is_said_where_it_matters_not_on_every_page(book):
    said = {
        rel
        for rel in ["index", *book_pages()]
        if re.search(r"not therapy|learning, not", reading_text(book, rel), re.I)
    }
    assert said <= {"index", "chapters/getting-help"}, said
    assert {"index", "chapters/getting-help"} <= said


def test_the_same_words_of_fear_are_not_repeated_page_after_page(book):
    count = sum(
        len(re.findall(r"afraid of your partner", reading_text(book, rel), re.I))
        for rel in book_pages()
    )
    assert count <= 5, count


@pytest.mark.parametrize("reader", READERS)
def test_each_reader_has_a_chapter_and_a_way_in_from_start_here(book, reader):
    slug, heading = READERS[reader]
    start = BeautifulSoup((book.html / "start-here.html").read_bytes(), "lxml")
    (section,) = [
        s
        for s in start.select("section")
        if s.find("h2") and heading in s.find("h2").get_text()
    ]
    links = {a["href"].split("#")[0] for a in section.select("a[href]")}
    assert f"chapters/{slug}.html" in links, links
    assert len(reading_text(book, f"chapters/{slug}").split()) >= 1200


def test_every_exercise_says_what_to_do_when_it_goes_wrong(book):
    assert len(EXERCISES) >= 22
    for name in EXERCISES:
        assert "goes wrong" in reading_text(book, f"exercises/{name}"), name


def test_the_pages_place_the_quick_exit_where_the_button_is(book):
    """The words come from the same setting as the button's class
    (quick_exit.py), so they cannot drift from the design again."""
    said = 0
    for path in book.pages():
        soup = page_soup(path)
        button = soup.find(id="quick-exit")
        corner = next(c for c in button["class"] if c.startswith("quick-exit--"))
        place = corner.removeprefix("quick-exit--").replace("-", " ")
        text = " ".join(soup.select_one("article").get_text(" ").split())
        for mention in re.findall(r"Leave this site.{0,40}", text):
            said += 1
            assert "top" not in mention, (path.name, mention)
            if "bottom" in mention or "right" in mention or "left" in mention:
                assert place in mention, (path.name, mention)
    assert said >= 3
