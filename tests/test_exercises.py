"""Exercises on the site: cards, phrase cards, the index and links both ways."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from handbook_spec import CHAPTERS, EXERCISES


def page(book, rel):
    return BeautifulSoup((book.html / rel).read_text(encoding="utf-8"), "lxml")


@pytest.mark.parametrize("exercise", EXERCISES)
def test_exercise_card_has_every_part(book, exercise):
    soup = page(book, f"exercises/{exercise}.html")
    card = soup.select_one(f"#exercise-{exercise}.exercise-card")
    assert card is not None
    summary = {
        dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True)
        for dt in card.select(".exercise-summary dt")
    }
    assert set(summary) == {"Time", "Who", "Purpose"}
    assert "minute" in summary["Time"]
    assert summary["Who"] in {"Together", "Alone", "Alone or together"}
    assert len(card.select(".exercise-steps ol > li")) >= 3
    prompts = card.select(".exercise-prompts ul > li")
    assert len(prompts) >= 2
    # The author's caution and the crisis lines are one box, the page's only.
    (caution,) = soup.select(".safety-box")
    assert "exercise-when-not-to-use" in caution["class"]
    text = caution.get_text(" ")
    assert "violence" in text
    assert "drinking" in text or "drunk" in text or "using" in text
    assert caution.select_one("a[href='../chapters/getting-help.html']")
    assert caution.select_one("a[href='tel:+18007873224']")  # the Hotline's TTY
    back = card.select_one(".exercise-chapter a")["href"]
    assert (
        back.startswith("../chapters/")
        and back.removeprefix("../chapters/").removesuffix(".html") in CHAPTERS
    )
    handout = card.select_one(".exercise-handout a")["href"]
    assert handout == f"../downloads/handouts/{exercise}.pdf"
    assert (book.html / "downloads" / "handouts" / f"{exercise}.pdf").is_file()


def test_index_lists_every_exercise_grouped_by_chapter(book):
    soup = page(book, "exercises/index.html")
    links = [a["href"] for a in soup.select("article .exercise-list a")]
    assert sorted(links) == sorted(f"{e}.html" for e in EXERCISES)
    headings = [
        h.get_text(strip=True) for h in soup.select("article h2.exercise-heading")
    ]
    assert headings and all(any(t in h for t in CHAPTERS.values()) for h in headings)
    for item in soup.select("article .exercise-list li"):
        assert "minute" in item.get_text()


def test_each_chapter_links_to_its_exercises(book):
    linked = set()
    for slug in CHAPTERS:
        soup = page(book, f"chapters/{slug}.html")
        for a in soup.select(".chapter-exercises a"):
            linked.add(a["href"].removeprefix("../exercises/").removesuffix(".html"))
    assert linked == set(EXERCISES)


def test_phrase_cards_have_a_copy_button_target(book):
    soup = page(book, "chapters/the-cycle.html")
    phrases = soup.select(".phrase-card .phrase-text")
    assert phrases
    assert any("I miss you" in p.get_text() for p in phrases)
    # sphinx-copybutton's selector is configured for phrase cards, not code.
    script = (book.html / "_static" / "copybutton_funcs.js").exists() or (
        book.html / "_static" / "copybutton.js"
    ).exists()
    assert script
    copybutton = (book.html / "_static" / "copybutton.js").read_text()
    assert ".phrase-card .phrase-text" in copybutton
