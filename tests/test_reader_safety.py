"""A reader at risk: one safety box, tap-to-call lines, a quick exit, privacy.

These read the built site; test_browser.py tries the quick exit and the
storage in Chromium.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from conftest import page_soup as soup
from handbook_spec import CHAPTERS, EXERCISES, NEUTRAL_SITE, VERIFIED_NUMBERS


def test_every_page_opens_with_the_quick_exit(book):
    for path in book.every_page():
        body = soup(path).body
        skip, first_link = body.find_all("a", limit=2)
        assert "skip-to-content" in skip["class"], path
        assert first_link.get("id") == "quick-exit", path
        assert first_link.find_parent("aside")["aria-label"] == "Quick exit"
        assert first_link["href"] == NEUTRAL_SITE
        assert first_link.get_text(" ", strip=True).startswith("Leave this site")
        # The inline script that makes it instant follows it.
        script = first_link.find_next("script")
        assert "quick-exit" in script.string and "Escape" in script.string


def test_every_footer_has_every_crisis_line_tap_to_call(book):
    for path in book.every_page():
        footer = soup(path).select_one(".handbook-footer .footer-safety")
        assert footer is not None, path
        calls = {a["href"] for a in footer.select("a[href^='tel:']")}
        assert calls == {
            "tel:911",
            "tel:988",
            "tel:+18007997233",
            "tel:+18007873224",
        }, path
        assert "START to 88788" in footer.get_text(" ")
        assert footer.select_one("a[href='https://www.thehotline.org/']"), path


def test_every_printed_number_on_the_site_can_be_tapped(book):
    """A help-line number in a page's text is always inside its tel: link."""
    for path in book.pages():
        page = soup(path)
        for number, href in VERIFIED_NUMBERS.items():
            for text in page.find_all(string=re.compile(re.escape(number))):
                if text.find_parent(["script", "style"]):
                    continue
                link = text.find_parent("a")
                assert link is not None and link["href"] == href, (path.name, number)


def test_the_hotline_is_never_named_without_its_tty(book):
    for path in book.pages():
        for link in soup(path).select("a[href='tel:+18007997233']"):
            block = link.find_parent(["p", "li", "dd", "td"])
            assert block.select_one("a[href='tel:+18007873224']"), (
                path.name,
                block.get_text(" ", strip=True)[:80],
            )


@pytest.mark.parametrize(
    "rel",
    [f"chapters/{s}.html" for s in CHAPTERS]
    + [f"exercises/{e}.html" for e in EXERCISES],
)
def test_a_page_holds_at_most_one_safety_box(book, rel):
    boxes = soup(book.html / rel).select("article .safety-box")
    assert len(boxes) <= 1, rel
    for box in boxes:
        if rel != "chapters/getting-help.html":  # no link to itself
            assert box.select_one("a[href$='getting-help.html']"), rel
        assert box.select_one("a[href='https://www.thehotline.org/']"), rel


@pytest.mark.parametrize("exercise", EXERCISES)
def test_exercises_carry_one_safety_box(book, exercise):
    (box,) = soup(book.html / "exercises" / f"{exercise}.html").select(".safety-box")
    text = box.get_text(" ").lower()
    assert "drinking" in text or "drunk" in text or "using" in text, exercise


def test_the_safety_page_covers_what_a_frightened_reader_needs(book):
    page = soup(book.html / "chapters" / "getting-help.html").select_one("article")
    text = page.get_text(" ").lower()
    for needle in (
        "strangl",  # choking or strangulation
        "gun",
        "safety plan",
        "chat",
        "device",
        "history",
        "sexual",
        "intervention program",
        "988",
        "firearm",
        "drinking",
        "1-800-662-4357",
    ):
        assert needle in text, needle


def test_the_privacy_page_says_what_is_stored_and_is_linked_everywhere(book):
    privacy = soup(book.html / "privacy.html").select_one("article").get_text(" ")
    assert "theme" in privacy and "history" in privacy.lower()
    for path in book.pages():
        if path.name == "privacy.html":
            continue  # no link to itself
        footer = soup(path).select_one(".handbook-footer")
        assert footer.select_one("a[href$='privacy.html']"), path


def test_no_inline_style_on_any_page(book):
    for path in book.pages():
        html = path.read_text(encoding="utf-8")
        assert "<style" not in html, path
        assert not re.search(r"\sstyle=", html), path
        policy = soup(path).find(
            "meta", attrs={"http-equiv": "Content-Security-Policy"}
        )
        assert "'unsafe-inline'" not in policy["content"], path


def test_every_page_carries_the_policy_once_before_any_script(book):
    """Redirect stubs too: the policy is written by the templates, and the
    build parsed every page (csp.py); this reads them again."""
    stubs = 0
    for path in book.every_page():
        # html.parser keeps each element's line, to check the order.
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        metas = page.head.find_all("meta", attrs={"http-equiv": True})
        policies = [m for m in metas if m["http-equiv"] == "Content-Security-Policy"]
        assert len(policies) == 1, path
        assert "'unsafe-inline'" not in policies[0]["content"]
        assert "script-src 'self' 'sha256-" in policies[0]["content"]
        # The first script that runs (a JSON-LD block is data, not code).
        first_script = next(
            (
                s
                for s in page.find_all("script")
                if s.get("type") != "application/ld+json"
            ),
            None,
        )
        if first_script is not None:
            assert (policies[0].sourceline, policies[0].sourcepos) < (
                first_script.sourceline,
                first_script.sourcepos,
            ), path
        if any(m["http-equiv"] == "refresh" for m in metas):
            stubs += 1
    assert stubs >= 3  # the merged exercises' old addresses
