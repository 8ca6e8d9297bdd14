"""The website: every chapter is built, in the navigation, and readable."""

from __future__ import annotations

import re

import pytest

from conftest import page_soup as soup
from handbook_spec import CHAPTERS, CRISIS_NUMBERS


@pytest.mark.parametrize("slug", CHAPTERS)
def test_chapter_page_exists_with_its_title(book, slug):
    page = soup(book.html / "chapters" / f"{slug}.html")
    h1 = page.select_one("article h1")
    assert h1 is not None
    assert CHAPTERS[slug] in h1.get_text()


def test_every_chapter_is_in_the_navigation_in_order(book):
    home = soup(book.html / "index.html")
    nav_links = [a["href"] for a in home.select(".sidebar-tree a.reference.internal")]
    chapter_links = [h for h in nav_links if h.startswith("chapters/")]
    assert chapter_links == [f"chapters/{slug}.html" for slug in CHAPTERS]


@pytest.mark.parametrize("slug", CHAPTERS)
def test_chapter_has_byline_reading_time_and_review_status(book, slug):
    page = soup(book.html / "chapters" / f"{slug}.html")
    byline = page.select_one(".page-byline .byline")
    assert byline is not None
    text = byline.get_text(" ", strip=True)
    assert "Susan Cole Rome, LMFT" in text
    minutes = int(re.search(r"(\d+) min read", text).group(1))
    words = len(page.select_one("article").get_text(" ").split())
    # About 200 words a minute, computed rather than typed by hand.
    # (The article also holds the crisis lines and lists the build adds.)
    assert abs(minutes - words / 200) <= 2 + 0.2 * minutes
    assert byline.select_one("a")["href"] == "../about.html"
    review = page.select_one(".page-byline .review-status").get_text(" ", strip=True)
    assert "Last reviewed" in review
    assert "Next review due" in review
    assert "Draft: awaiting review by a licensed clinician" in review


def test_home_page_shows_crisis_resources(book):
    text = soup(book.html / "index.html").select_one("article").get_text(" ")
    for number in CRISIS_NUMBERS:
        assert number in text


def test_footer_states_the_licences_on_every_page(book):
    for path in book.pages():
        footer = soup(path).select_one(".handbook-footer")
        assert footer is not None, path
        text = footer.get_text(" ")
        assert "CC BY-NC-ND 4.0" in text and "MIT" in text, path


def test_every_page_links_to_the_print_edition(book):
    for path in book.html.glob("chapters/*.html"):
        links = {a["href"] for a in soup(path).select(".sidebar-downloads a")}
        assert "../downloads/emotional-intimacy-handbook.pdf" in links
        assert f"../downloads/chapters/{path.stem}.pdf" in links
        assert "../downloads/emotional-intimacy-handbook.epub" in links
