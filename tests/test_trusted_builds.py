"""Builds that can be trusted, and dates that tell the truth.

- Two builds of one commit are byte-identical: the site, every PDF and the
  EPUB (the only test that builds the book a second time).
- Each health page's "last changed" date, its JSON-LD ``dateModified`` and
  its sitemap ``lastmod`` come from the last commit that changed it
  (sphinx-last-updated-by-git), not from its review date.
- Old addresses of merged exercises still lead to the right page.
- Reader-facing wording in templates reaches the message catalogue.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import json
import re
import subprocess
import xml.etree.ElementTree as ET
import zipfile

import pytest
from bs4 import BeautifulSoup

import build_book
from conftest import DOCS, ROOT
from conftest import page_soup as soup
from handbook_spec import CHAPTERS, EXERCISES

BASE = "https://emotional-intimacy-handbook.example.org/"
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
EPUB = "emotional-intimacy-handbook.epub"


def git_time(path) -> dt.datetime | None:
    """When git last changed ``path`` (None outside a git checkout)."""
    result = subprocess.run(
        ["git", "log", "-1", "--format=%ct", "--", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    stamp = result.stdout.strip()
    return dt.datetime.fromtimestamp(int(stamp), dt.UTC) if stamp else None


def head_commit_time() -> dt.datetime | None:
    return git_time(ROOT)


def article(page: BeautifulSoup) -> dict:
    data = json.loads(page.find("script", type="application/ld+json").string)
    web_page = next(n for n in data["@graph"] if n["@type"] == "MedicalWebPage")
    return web_page["mainEntity"]


HEALTH_PAGES = [f"chapters/{slug}" for slug in CHAPTERS] + [
    f"exercises/{name}" for name in EXERCISES
]


@pytest.mark.parametrize("docname", HEALTH_PAGES)
def test_last_changed_comes_from_git(book, docname):
    page = soup(book.html / f"{docname}.html")
    changed = git_time(DOCS / f"{docname}.md")
    status = page.select_one(".page-byline .review-status").get_text(" ", strip=True)
    modified = article(page).get("dateModified")
    if changed is None:  # not a git checkout: no date rather than a wrong one
        assert "Last changed" not in status
        assert modified is None
        return
    # A page also changes when what it includes changes (the bibliography,
    # say), so its date is that of its own last commit or later, and never
    # after the newest commit.
    when = dt.datetime.fromisoformat(modified)
    assert changed <= when <= head_commit_time()
    shown = re.search(r"Last changed (\w+ \d+, \d{4})\.", status).group(1)
    assert dt.datetime.strptime(shown, "%B %d, %Y").date() == when.date()
    # The review date is a separate fact, shown beside it.
    reviewed = re.search(
        r"^last_reviewed: (\S+)$",
        (DOCS / f"{docname}.md").read_text(encoding="utf-8"),
        re.M,
    ).group(1)
    assert f"Last reviewed {format_iso(reviewed)}" in status


def format_iso(day: str) -> str:
    date = dt.date.fromisoformat(day)
    return f"{date:%B} {date.day}, {date.year}"


def test_sitemap_lastmod_is_the_pages_last_change(book):
    tree = ET.parse(book.html / "sitemap.xml")
    dated = 0
    for url in tree.findall("sm:url", SITEMAP_NS):
        loc = url.find("sm:loc", SITEMAP_NS).text
        lastmod = url.find("sm:lastmod", SITEMAP_NS)
        docname = loc.removeprefix(BASE).removesuffix(".html")
        changed = git_time(DOCS / f"{docname}.md")
        if changed is None:
            continue
        dated += 1
        assert lastmod is not None, loc
        when = dt.datetime.fromisoformat(lastmod.text.replace("Z", "+00:00"))
        assert changed <= when <= head_commit_time(), loc
        if docname in HEALTH_PAGES:
            page = soup(book.html / f"{docname}.html")
            assert dt.datetime.fromisoformat(article(page)["dateModified"]) == when
    if head_commit_time() is not None:
        assert dated >= len(HEALTH_PAGES)


def test_reading_time_is_mysts_word_count(book):
    """Minutes from the words of the page's Markdown (MyST's count, at
    ``myst_words_per_minute``, 200), not from the built page's extras."""
    for slug in CHAPTERS:
        page = soup(book.html / "chapters" / f"{slug}.html")
        byline = page.select_one(".byline").get_text()
        shown = int(re.search(r"(\d+) min read", byline).group(1))
        source = (DOCS / "chapters" / f"{slug}.md").read_text(encoding="utf-8")
        body = source.split("---", 2)[2]
        words = sum(1 for word in body.split() if any(c.isalpha() for c in word))
        # MyST rounds down, and citation and link markup count as words here.
        assert abs(shown - words / 200) <= 1 + 0.1 * shown, slug


def test_open_graph_description_is_the_front_matter_description(book):
    for docname in ("index", *HEALTH_PAGES[:3]):
        head = soup(book.html / f"{docname}.html").head
        description = head.find("meta", attrs={"name": "description"})["content"]
        og = head.find_all("meta", attrs={"property": "og:description"})
        assert len(og) == 1 and og[0]["content"] == description
    home = soup(book.html / "index.html").head
    assert home.find("meta", attrs={"property": "og:type"})["content"] == "website"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("consistency-check", "turning-toward-bids"),
        ("appreciation", "turning-toward-bids"),
        ("screens-off", "ritual-of-connection"),
    ],
)
def test_merged_exercises_keep_their_old_address(book, old, new):
    stub = soup(book.html / "exercises" / f"{old}.html")
    refresh = stub.find("meta", attrs={"http-equiv": "refresh"})
    assert refresh is not None
    target = refresh["content"].split("url=", 1)[1]
    assert target == f"{new}.html"
    assert (book.html / "exercises" / target).is_file()
    assert stub.find("a", href=target), "a link for readers whose browser waits"
    # The only script is the quick exit's, whose hash the policy allows.
    (script,) = stub.find_all("script")
    assert "quick-exit" in script.string
    assert old not in EXERCISES


def test_two_builds_of_one_commit_are_byte_identical(book, tmp_path):
    """The whole book built again from the same commit, into a fresh folder,
    as ``nox -s build`` builds it: the site (with the downloads it carries),
    every PDF and the EPUB are the same to the byte. The session's one
    second build: every byte-identity check is here."""
    assert build_book.build_book(tmp_path, []) == 0
    differing: list[str] = []

    def collect(cmp: filecmp.dircmp, prefix: str) -> None:
        differing.extend(prefix + name for name in cmp.left_only + cmp.right_only)
        _, mismatch, errors = filecmp.cmpfiles(
            cmp.left, cmp.right, cmp.common_files, shallow=False
        )
        differing.extend(prefix + name for name in mismatch + errors)
        for name, sub in cmp.subdirs.items():
            collect(sub, f"{prefix}{name}/")

    for folder in (book.html, book.pdf, book.epub):
        collect(filecmp.dircmp(folder, tmp_path / folder.name), f"{folder.name}/")
    assert differing == [], differing
    assert (tmp_path / "pdf" / "emotional-intimacy-handbook.pdf").is_file()
    assert (tmp_path / "epub" / EPUB).is_file()


def test_the_epub_is_dated_from_the_last_commit(book):
    commit = head_commit_time()
    if commit is None:
        pytest.skip("not a git checkout: the EPUB is dated from the build")
    with zipfile.ZipFile(book.epub / EPUB) as epub:
        opf = epub.read("content.opf").decode("utf-8")
        stamps = {info.date_time for info in epub.infolist()}
        mimetype = epub.infolist()[0]
    date = re.search(r"<dc:date>([^<]+)</dc:date>", opf).group(1)
    assert dt.datetime.fromisoformat(date.replace("Z", "+00:00")) == commit
    # A zip keeps times to two seconds.
    year, month, day, hour, minute, second = commit.timetuple()[:6]
    assert stamps == {(year, month, day, hour, minute, second - second % 2)}
    assert mimetype.filename == "mimetype"
    assert mimetype.compress_type == zipfile.ZIP_STORED


def test_build_script_dates_everything_from_the_last_commit(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    commit = head_commit_time()
    epoch = build_book.commit_epoch(ROOT)
    if commit is None:
        assert epoch == ""
    else:
        assert int(epoch) == int(commit.timestamp())


def test_the_bylines_wording_reaches_the_message_catalogue(catalogue):
    """Reader-facing text in templates is extracted by Sphinx's gettext
    builder (nox -s gettext), so a translation needs a catalogue, not code."""
    catalogue = (catalogue / "sphinx.pot").read_text(encoding="utf-8")
    template = (DOCS / "_templates" / "handbook" / "byline.html").read_text()
    sentences = re.findall(r"{% trans[^%]*%}(.*?){% endtrans %}", template)
    assert len(sentences) >= 5
    for sentence in sentences:
        msgid = re.sub(r"{{ (\w+) }}", r"%(\1)s", sentence).replace('"', '\\"')
        assert f'msgid "{msgid}"' in catalogue, sentence
