"""Every internal link and anchor of the built site resolves.

External links are checked separately by ``nox -s linkcheck``, which needs
the network.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

from conftest import page_soup


@cache
def ids_in(path: Path) -> frozenset[str]:
    soup = page_soup(path)
    return frozenset(tag["id"] for tag in soup.find_all(id=True)) | frozenset(
        a["name"] for a in soup.find_all("a", attrs={"name": True})
    )


def test_every_internal_link_and_anchor_resolves(book):
    broken = []
    for page in sorted(book.html.rglob("*.html")):
        if "downloads" in page.parts:
            continue
        soup = page_soup(page)
        for tag, attr in (
            ("a", "href"),
            ("link", "href"),
            ("script", "src"),
            ("img", "src"),
        ):
            for node in soup.find_all(tag, attrs={attr: True}):
                url = urlsplit(node[attr])
                if (
                    url.scheme
                    or url.netloc
                    or node[attr].startswith(("mailto:", "tel:"))
                ):
                    continue
                if url.path.startswith("/"):
                    # Root-absolute (the 404 page): the site root is "/" here.
                    target = book.html / unquote(url.path).lstrip("/")
                else:
                    target = (
                        (page.parent / unquote(url.path)).resolve()
                        if url.path
                        else page
                    )
                if not target.exists():
                    broken.append(
                        f"{page.relative_to(book.html)}: {node[attr]} (no such file)"
                    )
                elif (
                    url.fragment
                    and target.suffix == ".html"
                    and unquote(url.fragment) not in ids_in(target)
                ):
                    broken.append(
                        f"{page.relative_to(book.html)}: {node[attr]} (no such anchor)"
                    )
    assert not broken, "\n".join(broken)


def test_the_404_page_links_home(book):
    soup = BeautifulSoup((book.html / "404.html").read_text(encoding="utf-8"), "lxml")
    assert soup.find("h1").get_text(strip=True) == "Page not found"
    assert any(a["href"].endswith("index.html") for a in soup.select("article a[href]"))
