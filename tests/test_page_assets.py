"""Pages load only what they use (docs/_ext/page_assets.py), on the real site."""

from __future__ import annotations

import re
from pathlib import Path

import furo
import pytest
import rcssmin
import rjsmin
from bs4 import BeautifulSoup

import page_assets


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


def test_every_icon_used_is_in_the_sprite_and_no_other(book):
    for page in book.pages():
        html = page.read_text(encoding="utf-8")
        symbols = set(re.findall(r'<symbol id="([^"]+)"', html))
        used = set(re.findall(r'href="#(svg-[^"]+)"', html))
        assert used <= symbols, page
        assert symbols <= used, page


def test_furo_stylesheet_is_purged_but_keeps_what_pages_use(book):
    shipped = Path(furo.__file__).parent / "theme/furo/static/styles/furo.css"
    built = (book.html / "_static" / "styles" / "furo.css").read_text()
    assert len(built) < 0.9 * len(shipped.read_text())
    for selector in (".sidebar-tree", ".toc-drawer", ".theme-toggle", ".admonition"):
        assert selector in built, selector


def test_stylesheets_and_scripts_are_minified(book):
    css = (book.html / "_static" / "css" / "handbook.css").read_text()
    js = (book.html / "_static" / "copybutton.js").read_text()
    # Minifying again changes nothing, where it would shrink a source file.
    assert rcssmin.cssmin(css) == css and "/*" not in css
    assert rjsmin.jsmin(js) == js
    assert ".phrase-card" in css and "ClipboardJS" in js


def test_indentation_is_trimmed_outside_preformatted_text(book):
    html = (book.html / "chapters" / "the-cycle.html").read_text(encoding="utf-8")
    outside = page_assets.PRESERVED.sub("", html)
    assert not re.search(r"\n[ \t]+<", outside)


@pytest.mark.parametrize(
    ("html", "kept"),
    [
        ('<symbol id="a"></symbol><use href="#a">', True),
        ('<symbol id="a"></symbol><use href="#b">', False),
    ],
)
def test_an_icon_stays_only_where_it_is_used(html, kept):
    assert ('<symbol id="a">' in page_assets.without_unused_symbols(html)) is kept
