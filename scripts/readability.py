"""Measure how easy each chapter is to read, on the built site.

Usage::

    python scripts/readability.py [build/html] [--pages chapters/ exercises/]

    python scripts/readability.py [build/html] --language es

Prints a table of words, sentences, Flesch-Kincaid grade, Flesch reading
ease, words a sentence and the share of short sentences per page and for the
pages together, and exits non-zero when a page misses a band below (plain
prose for adults, as CONTRIBUTING.md says; tests/test_content.py enforces
the same bands on every chapter).

The text is taken from each page's main article, as a reader sees it: the
byline, the reference list and permalink signs are left out, and every
heading, list item and table cell counts as its own sentence.

textstat is pinned to 0.7.8: later versions download a dictionary at run
time, and the build never touches the network.

With ``--language es`` it measures the Spanish pages (``build/html/es``) on
the INFLESZ scale of textstat's Szigriszt-Pazos index: each chapter 55 or
more, the chapters together 60 or more (tests/test_spanish.py enforces it).
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import textstat
from bs4 import BeautifulSoup

BLOCKS = (
    "p",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "dt",
    "dd",
    "td",
    "th",
    "caption",
)
# A block already ending like a sentence (closing quotes included) is kept.
SENTENCE_ENDS = ".!?:;\u2026\"\u201d\u2019'"
LEFT_OUT = (
    ".page-byline",
    ".headerlink",
    ".bibliography",
    ".citation",
    ".chapter-exercises",
    ".exercise-links",
    "script",
    "style",
)


# A sentence ends at . ! ? : ; or an ellipsis (and any closing quote or
# bracket), but not at the "et al." of a citation.
SENTENCE = re.compile(r"(?<!\bet al\.)(?<=[.!?:;\u2026])[\"\u201d\u2019')\]]*\s+")
SHORT = 8  # a sentence of fewer words than this counts as short
PAGE_GRADE = (5.5, 8.5)
BOOK_GRADE = (6.0, 8.0)
WORDS_PER_SENTENCE = (12.0, 17.0)
MAX_SHORT_SHARE = 0.20


@dataclass(frozen=True)
class PageReading:
    page: str
    words: int
    sentences: int
    grade: float
    ease: float
    words_per_sentence: float
    short_share: float  # share of sentences under SHORT words


def page_text(html: str) -> str:
    """The article's prose, one sentence-ending mark per block."""
    soup = BeautifulSoup(html, "html.parser")
    article = soup.find("article") or soup.body or soup
    for selector in LEFT_OUT:
        for node in article.select(selector):
            node.decompose()
    pieces = []
    for block in article.find_all(BLOCKS):
        # Only the innermost blocks, so that a list item's paragraph is not
        # counted twice.
        if block.find(BLOCKS):
            continue
        text = " ".join(block.get_text(" ", strip=True).split())
        if not text:
            continue
        if text[-1] not in SENTENCE_ENDS:
            text += "."
        pieces.append(text)
    return "\n".join(pieces)


def sentence_lengths(text: str) -> list[int]:
    """Words in each sentence (each block already ends like one)."""
    lengths = []
    for line in text.splitlines():
        for sentence in SENTENCE.split(line):
            words = len(sentence.split())
            if words:
                lengths.append(words)
    return lengths


def measure(page: str, text: str) -> PageReading:
    lengths = sentence_lengths(text) or [0]
    return PageReading(
        page=page,
        words=textstat.lexicon_count(text),
        sentences=textstat.sentence_count(text),
        grade=textstat.flesch_kincaid_grade(text),
        ease=textstat.flesch_reading_ease(text),
        words_per_sentence=sum(lengths) / len(lengths),
        short_share=sum(n < SHORT for n in lengths) / len(lengths),
    )


def measure_site(
    html_dir: Path, prefixes: list[str]
) -> tuple[list[PageReading], PageReading]:
    """Each page under the prefixes, and all of them together."""
    readings, texts = [], []
    for path in sorted(html_dir.rglob("*.html")):
        page = path.relative_to(html_dir).with_suffix("").as_posix()
        if not any(page.startswith(prefix) for prefix in prefixes):
            continue
        text = page_text(path.read_text(encoding="utf-8"))
        readings.append(measure(page, text))
        texts.append(text)
    return readings, measure("(all together)", "\n".join(texts))


def problems(reading: PageReading, whole_book: bool) -> list[str]:
    """What puts a page (or the book) outside its bands."""
    found = []
    low, high = BOOK_GRADE if whole_book else PAGE_GRADE
    if not low <= reading.grade <= high:
        found.append(f"grade {reading.grade:.1f} (aim for {low} to {high})")
    low, high = WORDS_PER_SENTENCE
    if not low <= reading.words_per_sentence <= high:
        found.append(
            f"{reading.words_per_sentence:.1f} words a sentence "
            f"(aim for {low:.0f} to {high:.0f})"
        )
    if reading.short_share > MAX_SHORT_SHARE:
        found.append(
            f"{reading.short_share:.0%} of sentences under {SHORT} words "
            f"(at most {MAX_SHORT_SHARE:.0%}: join the ones that belong together)"
        )
    return found


# Spanish: the INFLESZ scale (Barrio-Cantalejo et al., 2008) of the
# Szigriszt-Pazos index, which textstat 0.7.8 computes for "es". 55 and more
# is "normal" for each chapter; the book together should reach 60.
INFLESZ_PAGE, INFLESZ_BOOK = 55.0, 60.0


def inflesz(text: str) -> float:
    textstat.set_lang("es")
    try:
        return textstat.szigriszt_pazos(text)
    finally:
        textstat.set_lang("en_US")


def measure_spanish(
    html_dir: Path, prefixes: list[str]
) -> list[tuple[str, int, float]]:
    """(page, words, INFLESZ) for each page under the prefixes in a Spanish
    site folder, then the pages together."""
    rows, texts = [], []
    for path in sorted(html_dir.rglob("*.html")):
        page = path.relative_to(html_dir).with_suffix("").as_posix()
        if not any(page.startswith(prefix) for prefix in prefixes):
            continue
        text = page_text(path.read_text(encoding="utf-8"))
        rows.append((page, len(text.split()), inflesz(text)))
        texts.append(text)
    together = "\n".join(texts)
    rows.append(("(all together)", len(together.split()), inflesz(together)))
    return rows


def spanish_problem(page: str, score: float) -> str:
    low = INFLESZ_BOOK if page == "(all together)" else INFLESZ_PAGE
    return f"INFLESZ {score:.1f} (at least {low:.0f})" if score < low else ""


def main_spanish(html_dir: Path, pages: list[str]) -> int:
    rows = measure_spanish(html_dir, pages)
    if len(rows) == 1:
        print(f"no pages under {pages} in {html_dir}", file=sys.stderr)
        return 2
    print(f"{'página':40} {'palabras':>8} {'INFLESZ':>8}")
    failed = False
    for page, words, score in rows:
        problem = spanish_problem(page, score)
        failed |= bool(problem)
        print(f"{page:40} {words:8} {score:8.1f}{'  <- ' + problem if problem else ''}")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html_dir", nargs="?", default="build/html", type=Path)
    parser.add_argument("--pages", nargs="+", default=["chapters/"])
    parser.add_argument(
        "--language",
        default="en",
        help="es: the Spanish site (HTML_DIR/es), measured on the INFLESZ scale",
    )
    args = parser.parse_args(argv)
    if args.language == "es":
        return main_spanish(args.html_dir / "es", args.pages)
    if not args.html_dir.is_dir():
        parser.error(
            f"{args.html_dir} is not a folder: build the site first (nox -s html)"
        )
    readings, together = measure_site(args.html_dir, args.pages)
    if not readings:
        parser.error(f"no pages under {args.pages} in {args.html_dir}")
    print(
        f"{'page':40} {'words':>6} {'sent.':>6} {'grade':>6} {'ease':>6}"
        f" {'w/sent':>6} {'short':>6}"
    )
    failed = False
    for r in [*readings, together]:
        mark = "".join(f"  <- {problem}" for problem in problems(r, r is together))
        failed |= bool(mark)
        print(
            f"{r.page:40} {r.words:6} {r.sentences:6} {r.grade:6.1f} {r.ease:6.1f}"
            f" {r.words_per_sentence:6.1f} {r.short_share:6.0%}{mark}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
