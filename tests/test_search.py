"""The site's search as a reader uses it (issue 24), in Chromium on the built
site: the right page among the first three for everyday phrasings, results
a reader can judge, no dead ends, danger words answered with the safety
page, and nothing typed kept or sent.

The queries are in ``tests/search_queries.py``; ``scripts/search_hit_rate.py``
prints the hit rate of a built folder with the same functions.
"""

from __future__ import annotations

import html
import json
import re
from urllib.parse import quote_plus

import pytest
import search_terms
from search_hit_rate import SEARCH_DONE, hit, search
from search_queries import (
    DANGER_QUERIES,
    HELD_OUT,
    NO_RESULT_QUERIES,
    QUERIES,
    SAFETY_PAGE,
)

# -- Without a browser: the rules for search terms ------------------------------


def test_plain_search_terms_pass():
    assert (
        search_terms.term_problems(
            ["cheated", "he shuts down", "in-laws", "Asperger's"]
        )
        == []
    )


@pytest.mark.parametrize(
    "term",
    [
        "<script>",
        "call 911",
        "a;b",
        "doesn't listen",
        "one two three four five six seven",
    ],
)
def test_search_terms_are_plain_words(term):
    assert search_terms.term_problems([term])


def test_a_search_term_is_there_once():
    assert search_terms.term_problems(["affair", "Affair"])


def test_the_query_set_is_large_enough():
    assert len(QUERIES) >= 60
    assert len({query for query, _ in QUERIES}) == len(QUERIES)


def test_every_page_that_needs_them_has_search_terms(book):
    """Every chapter, exercise and guide page ships search terms to the
    search page; no term carries markup through."""
    text = (book.html / search_terms.DATA_FILE).read_text(encoding="utf-8")
    data = json.loads(text.split("=", 1)[1].strip().rstrip(";"))
    pages = {page["page"]: page for page in data["pages"]}
    for name in (
        "start-here",
        "six-week-path",
        "for-therapists",
        "glossary",
        "privacy",
    ):
        assert pages[name]["terms"], name
    for name, page in pages.items():
        if name.startswith(("chapters/", "exercises/")):
            assert page["terms"], name
            assert page["description"], name
    assert data["safety"] == SAFETY_PAGE
    assert "<" not in text


# -- In Chromium -----------------------------------------------------------------


@pytest.fixture(scope="module")
def reader(browser):
    """One tab for many searches, failing on any script error."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    page.close()
    assert errors == []


@pytest.mark.browser
@pytest.mark.parametrize(("query", "expected"), QUERIES, ids=[q for q, _ in QUERIES])
def test_an_everyday_phrasing_finds_its_page(site, reader, query, expected):
    found = search(reader, site, query)
    assert hit(found, expected), f"{query!r}: wanted {list(expected)}, got {found[:3]}"


@pytest.mark.browser
def test_phrasings_the_search_was_not_tuned_on_find_their_page(site, reader):
    """Nine in ten, as issue 24 asks of the maintainers' own set."""
    misses = [
        (query, found[:3])
        for query, expected in HELD_OUT
        if not hit(found := search(reader, site, query), expected)
    ]
    assert len(misses) <= len(HELD_OUT) // 10, misses


@pytest.mark.browser
def test_each_result_shows_its_title_and_description(book, site, reader):
    search(reader, site, "cheated")
    items = reader.eval_on_selector_all(
        "#search-results ul.search > li",
        """items => items.map(li => ({
            href: li.querySelector('a').getAttribute('href'),
            title: li.querySelector('a').textContent,
            description: li.querySelector('.search-description')?.textContent || '',
        }))""",
    )
    assert items
    for item in items:
        text = (book.html / item["href"]).read_text(encoding="utf-8")
        meta = re.search(r'<meta name="description" content="([^"]*)"', text).group(1)
        assert item["description"] == html.unescape(meta), item
        title = re.search(
            r"<h1>(?:<span[^>]*>[^<]*</span>)?(.*?)<a ", text, re.S
        ).group(1)
        assert item["title"] == html.unescape(title.strip()), item
    assert items[0]["href"] == "chapters/after-betrayal.html"


@pytest.mark.browser
@pytest.mark.parametrize("query", NO_RESULT_QUERIES)
def test_a_search_with_no_results_is_no_dead_end(site, reader, query):
    found = search(reader, site, query)
    assert found == []
    nothing = reader.locator("#search-nothing")
    assert nothing.is_visible()
    links = nothing.locator("a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert "start-here.html" in links
    assert "index.html" in links  # the contents
    assert {"tel:911", "tel:988", "tel:+18007997233"} <= set(links)
    assert "chapters/getting-help.html" in links
    assert reader.locator("#search-results .search-summary").inner_text().strip()


@pytest.mark.browser
@pytest.mark.parametrize("query", DANGER_QUERIES)
def test_danger_words_put_the_safety_page_first(site, reader, query):
    found = search(reader, site, query)
    assert found[:1] == [SAFETY_PAGE], (query, found[:3])
    safety = reader.locator("#search-safety")
    assert safety.is_visible()
    assert {"tel:911", "tel:988"} <= set(
        safety.locator("a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
    )


@pytest.mark.browser
def test_an_ordinary_search_shows_no_crisis_block(site, reader):
    search(reader, site, "date night ideas")
    assert not reader.locator("#search-safety").is_visible()
    assert not reader.locator("#search-nothing").is_visible()


@pytest.mark.browser
def test_a_search_keeps_nothing_and_sends_nothing(site, browser):
    """After a search from the address and another from the page's own
    box: no storage of any kind, no cookie, no request with the words after
    the page loaded, none away from the site; the second search stays on
    the page (no new address in the history)."""
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{site}search.html?q={quote_plus('he shuts down')}")
    page.wait_for_function(SEARCH_DONE)
    address = page.url
    loaded = len(requests)
    box = page.locator('input[name="q"]:visible').first
    if not box.count():  # the box is in the drawer on narrow screens
        page.locator("label[for='__navigation']").first.click()
        box = page.locator('input[name="q"]:visible').first
    box.fill("my husband cheated on me")
    box.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('#search-results li a')?.getAttribute('href')"
        " === 'chapters/after-betrayal.html'"
    )
    assert page.url == address
    later = requests[loaded:]
    assert not [url for url in later if "cheated" in url or "husband" in url]
    assert not [url for url in requests if not url.startswith(site)]
    storage = page.evaluate(
        """async () => ({
            local: Object.keys(localStorage),
            session: Object.keys(sessionStorage),
            databases: (await indexedDB.databases()).map(d => d.name),
            caches: await caches.keys(),
            cookie: document.cookie,
        })"""
    )
    cookies = context.cookies()
    context.close()
    assert storage == {
        "local": [],
        "session": [],
        "databases": [],
        "caches": [],
        "cookie": "",
    }
    assert cookies == []


@pytest.mark.browser
def test_search_works_offline_from_the_built_folder(book, browser):
    page = browser.new_page()
    page.goto((book.html / "search.html").as_uri() + "?q=dead+bedroom")
    page.wait_for_function(SEARCH_DONE, timeout=10_000)
    first = page.eval_on_selector_all(
        "#search-results ul.search > li > a",
        "links => links.map(a => a.getAttribute('href'))",
    )[:1]
    page.close()
    assert first == ["chapters/sex-and-closeness.html"]


@pytest.mark.browser
@pytest.mark.parametrize("query", ["zzzzqqq", "he hit me", "dead bedroom"])
def test_the_search_page_has_no_axe_violations(site, browser, query):
    """The views a script shows (no results, danger) are checked too: the
    site-wide axe test sees the search page only as it loads."""
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport={"width": 390, "height": 844})
    search(page, site, query)
    result = Axe().run(
        page,
        options={
            "runOnly": {
                "type": "tag",
                "values": [
                    "wcag2a",
                    "wcag2aa",
                    "wcag21aa",
                    "wcag22aa",
                    "best-practice",
                ],
            }
        },
    )
    page.close()
    assert [v["id"] for v in result.response["violations"]] == []
