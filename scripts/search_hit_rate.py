"""How often the site's search finds the right page, as a reader sees it.

Usage (with the test dependencies, e.g. ``.nox/tests/bin/python``)::

    python scripts/search_hit_rate.py build/html        # hit rate, misses
    python scripts/search_hit_rate.py build/html -v     # every query's top three
    python scripts/search_hit_rate.py build/html --held-out --sphinx-stock

Serves the built folder on 127.0.0.1 (bench_pages.serve), opens
``search.html?q=...`` for the first query in ``tests/search_queries.py`` in
Debian's Chromium (never a downloaded browser), types each next query into
the search box as a reader would, and reads the result list.
A query is a hit when every page it expects is among the first three
results. ``tests/test_search.py`` uses the same functions.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from urllib.parse import quote_plus, urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from bench_pages import CHROMIUM_FLAGS, find_chromium, serve  # noqa: E402

# Done when Sphinx's search (or ours) has written its summary line (a new
# one: search() marks the last search's as stale before the next).
SEARCH_DONE = """() => {
    const s = document.querySelector('#search-results .search-summary:not([data-stale])');
    return s !== null && s.textContent.trim() !== '';
}"""
MARK_STALE = """() => document.querySelector('#search-results .search-summary')
    ?.setAttribute('data-stale', '')"""


def result_pages(page, base: str) -> list[str]:
    """The docnames of the results on the open search page, in order."""
    pages = []
    for href in page.eval_on_selector_all(
        "#search-results ul.search > li > a", "links => links.map(a => a.href)"
    ):
        path = urlsplit(urljoin(base, href)).path.lstrip("/")
        name = path.removesuffix(".html")
        if name not in pages:
            pages.append(name)
    return pages


def search(page, base: str, query: str, timeout: float = 10_000) -> list[str]:
    """Search for ``query`` as a reader does and return the results'
    docnames: from another page, open the search page with it
    (``search.html?q=...``); on the search page, type it into the search
    box and press Enter, which the page answers in place
    (handbook-search.js)."""
    if page.url.split("?")[0] == f"{base}search.html":
        page.evaluate(MARK_STALE)
        box = page.locator('input[name="q"]:visible').first
        box.fill(query)
        box.press("Enter")
    else:
        page.goto(f"{base}search.html?q={quote_plus(query)}")
    page.wait_for_function(SEARCH_DONE, timeout=timeout)
    return result_pages(page, base)


def hit(found: list[str], expected: tuple[str, ...], top: int = 3) -> bool:
    return all(name in found[:top] for name in expected)


def main() -> int:
    import search_queries
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a built site, e.g. build/html")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument(
        "--held-out", action="store_true", help="the held-out set (HELD_OUT)"
    )
    parser.add_argument(
        "--sphinx-stock",
        action="store_true",
        help="Sphinx's own ranking: the handbook's search data is not loaded",
    )
    args = parser.parse_args()
    queries = search_queries.HELD_OUT if args.held_out else search_queries.QUERIES
    chromium = find_chromium()
    if chromium is None:
        print("no Chromium installed (apt-get install chromium)", file=sys.stderr)
        return 2
    server, base = serve(args.site)
    hits, misses, seconds = 0, [], []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, args=CHROMIUM_FLAGS
            )
            page = browser.new_page()
            if args.sphinx_stock:  # handbook-search.js then leaves Sphinx's search be
                page.route("**/search-terms.js", lambda route: route.abort())
            for query, expected in queries:
                start = time.perf_counter()
                found = search(page, base, query)
                seconds.append(time.perf_counter() - start)
                if hit(found, expected):
                    hits += 1
                else:
                    misses.append((query, expected, found[:3]))
                if args.verbose:
                    print(
                        f"{'ok ' if hit(found, expected) else 'MISS'} {query!r}: {found[:3]}"
                    )
            browser.close()
    finally:
        server.shutdown()
    for query, expected, top in misses:
        print(f"miss: {query!r} wants {list(expected)}, got {top}")
    seconds.sort()
    print(
        f"hit rate: {hits}/{len(queries)} ({100 * hits / len(queries):.0f}%); "
        f"median time to results {1000 * seconds[len(seconds) // 2]:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
