"""The chapters as readers meet them: plain, long enough, cited and safe."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from handbook_spec import CHAPTERS, RESEARCH_CHAPTERS, VERIFIED_NUMBERS
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
        text = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml").get_text(" ")
        assert "Verified" not in text, path.name
        assert "proxy" not in text, path.name


def test_safety_page_has_every_crisis_resource(book):
    text = article(book, "getting-help").get_text(" ")
    for needle in ("911", "988", "1-800-799-7233", "START", "88788"):
        assert needle in text


def test_no_phone_number_but_the_verified_help_lines(book):
    for path in book.html.rglob("*.html"):
        text = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml").get_text(" ")
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
