"""Pages load only what they use (docs/_ext/page_assets.py), on the real site."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup


def loaded(page: Path) -> set[str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
    links = [link["href"] for link in soup.select("link[rel=stylesheet]")]
    scripts = [script["src"] for script in soup.select("script[src]")]
    return {re.sub(r"^(\.\./)*|\?.*$", "", url) for url in links + scripts}


def test_each_page_loads_only_the_files_it_uses(book):
    with_phrases = loaded(book.html / "chapters" / "the-cycle.html")
    without = loaded(book.html / "chapters" / "welcome.html")
    search = loaded(book.html / "search.html")
    assert "_static/copybutton.js" in with_phrases
    assert "_static/copybutton.js" not in without
    assert "_static/doctools.js" in search
    for page in book.pages():
        files = loaded(page)
        assert "_static/pygments.css" not in files, page
        assert "_static/styles/furo-extensions.css" not in files, page
        if page.name != "search.html":
            assert "_static/doctools.js" not in files, page
