"""Search that understands readers' words (issue 24).

Readers search in their own words ("he shuts down", "dead bedroom"), not the
handbook's. Each chapter, exercise and guide page declares those words in
its front matter::

    search_terms: [cheated, cheating, affair, jealous, he cheated on me]

(a YAML list, or one string of comma-separated terms), and the search page
weighs them above the page's text.

The engine stays Sphinx's own: its index (``searchindex.js``, built with the
stemmer and stop words of the book's ``language``, so a Spanish edition
stems Spanish) and its search page. This module adds, for the search page
only, ``_static/search-terms.js``: every searchable page's title, its
one-line description and its search terms, each term already stemmed by
the same stemmer that built Sphinx's index; and the danger phrases
(``handbook_search_danger_words``) stemmed the same way. The ranking, the
result list, the no-results help and the safety-first answer to danger
words are ``_static/js/handbook-search.js``. README.md, "Search", says why
this engine and not Pagefind.

Search terms are page data and pages are untrusted (CONTRIBUTING, "What a
page may hold"): each term is plain words (letters, spaces, hyphens and
apostrophes), at most ``MAX_WORDS`` words; a page holds at most
``MAX_TERMS``. Anything else is a warning naming the page, so ``-W`` fails
the build, and such a term stays out of the search. The data file is
written with ``json.dumps`` (ASCII only, "<", ">" and "&" escaped), so no
description or term can become code or markup.

Config values:

``handbook_search_terms_pages`` (list of glob patterns)
    Pages that must declare ``search_terms``.
``handbook_search_danger_words`` (list of str)
    Words and phrases that put ``handbook_safety_page`` first in the
    results, with the crisis lines above them. Translate them with the book.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.util import logging
from sphinx.util.matching import Matcher

from page_metadata import page_front_matter

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

DATA_FILE = "_static/search-terms.js"
MAX_TERMS = 60
MAX_WORDS = 6
# Letters (any script), joined by single spaces, hyphens or apostrophes.
PLAIN_TERM = re.compile(r"^[^\W\d_]+(?:(?: |-|'|\u2019)[^\W\d_]+)*$")
WORD = re.compile(r"[^\W_]+")
# "doesn't", "won't": split at the apostrophe, they leave a fragment.
CONTRACTION = re.compile(r"n['\u2019]t\b", re.I)

DANGER_WORDS = [
    # Violence and threats
    "hit",
    "hits me",
    "punch",
    "slap",
    "kick",
    "shove",
    "choke",
    "choking",
    "strangle",
    "beat me",
    "beats me",
    "hurt me",
    "hurts me",
    "hurting me",
    "threaten",
    "threatens",
    "threat",
    "weapon",
    "gun",
    "knife",
    "abuse",
    "abusive",
    "violence",
    "violent",
    "rape",
    "forced me",
    "stalk",
    "stalking",
    # Fear
    "scared",
    "afraid",
    "frightened",
    "terrified",
    "not safe",
    "unsafe",
    "danger",
    "in danger",
    # Suicide and self-harm
    "kill",
    "kill myself",
    "kill me",
    "suicide",
    "suicidal",
    "want to die",
    "end my life",
    "self harm",
    "hurt myself",
]


def page_terms(env: BuildEnvironment, docname: str) -> list[str]:
    return page_front_matter(env, docname)["search_terms"]


def term_problems(terms: list[str]) -> list[str]:
    """A sentence for each problem in one page's search terms."""
    problems = []
    if len(terms) > MAX_TERMS:
        problems.append(f"{len(terms)} search terms; a page holds at most {MAX_TERMS}")
    seen: set[str] = set()
    for term in terms:
        if not PLAIN_TERM.match(term):
            problems.append(
                f"search term {term!r} is not plain words (letters, spaces, "
                "hyphens, apostrophes)"
            )
        elif CONTRACTION.search(term):
            problems.append(
                f"search term {term!r}: write the words out ('does not'); the "
                "search splits words at apostrophes, and the piece left "
                "('doesn') would match every term that has it"
            )
        elif len(term.split()) > MAX_WORDS:
            problems.append(
                f"search term {term!r} has more than {MAX_WORDS} words; "
                "write the words a reader types"
            )
        if term.lower() in seen:
            problems.append(f"search term {term!r} is there twice")
        seen.add(term.lower())
    return problems


def check_terms(app: Sphinx, env: BuildEnvironment) -> None:
    must = Matcher(app.config.handbook_search_terms_pages)
    for docname in sorted(env.found_docs):
        raw = env.metadata.get(docname, {})
        if "search_terms" not in raw:
            if must(docname):
                logger.warning(
                    "front matter has no 'search_terms' (the words readers "
                    "search for this page's subject)",
                    location=(docname, 1),
                    type="handbook",
                    subtype="search",
                )
            continue
        for problem in term_problems(page_terms(env, docname)):
            logger.warning(
                problem, location=(docname, 1), type="handbook", subtype="search"
            )


def stems(text: str, stem) -> list[str]:
    """The words of ``text``, lower-cased and stemmed as Sphinx's index
    stems them (``IndexBuilder.feed``)."""
    return [stem(word.lower()).lower() for word in WORD.findall(text)]


def search_data(app: Sphinx) -> dict[str, Any]:
    """What the search page knows about every searchable page."""
    env = app.env
    lang = app.builder.indexer.lang
    keep = lang.word_filter

    def index_form(word: str) -> str | None:
        # As IndexBuilder.feed keeps a word: stemmed, else as written.
        stemmed = lang.stem(word).lower()
        if keep(stemmed):
            return stemmed
        return word if keep(word) else None

    def term_stems(text: str) -> list[str]:
        forms = (index_form(word.lower()) for word in WORD.findall(text))
        return [form for form in forms if form]

    pages = []
    for docname in sorted(env.found_docs):
        meta = env.metadata.get(docname, {})
        if "nosearch" in meta or docname not in env.titles:
            continue
        front = page_front_matter(env, docname)
        # Only plain terms (a refused one has been named already).
        plain = [t for t in front["search_terms"] if PLAIN_TERM.match(t)]
        terms = [t for t in (term_stems(term) for term in plain) if t]
        # Each term as typed, every word stemmed and none left out, for a
        # match of the whole phrase ("where are we", "how close are we").
        phrases = [s for s in (stems(term, lang.stem) for term in plain) if len(s) > 1]
        pages.append(
            {
                "page": docname,
                "title": env.titles[docname].astext(),
                "description": str(front.get("description", "")),
                "terms": terms,
                "phrases": phrases,
            }
        )
    return {
        "pages": pages,
        "safety": app.config.handbook_safety_page.strip("/"),
        "danger": [
            s
            for s in (
                stems(phrase, lang.stem)
                for phrase in app.config.handbook_search_danger_words
            )
            if s
        ],
        "words": result_words(),
    }


# What the results say, from Sphinx's own catalogue (the messages its
# searchtools.js uses). The page does not load Sphinx's translations.js:
# its loader builds a function from a string (new Function), which the
# Content-Security-Policy forbids (csp.py); the words come with the data.
RESULTS = "Search Results"
FOUND = (
    "Search finished, found one page matching the search query.",
    "Search finished, found ${resultCount} pages matching the search query.",
)


def result_words() -> dict[str, str]:
    from sphinx.locale import get_translator

    translator = get_translator("sphinx")
    return {
        "results": translator.gettext(RESULTS),
        # Two messages, not one plural: the handbook's catalogue lists them
        # (_templates/handbook/theme-words.html), as Sphinx's Spanish lacks them.
        "one": translator.gettext(FOUND[0]),
        "many": translator.gettext(FOUND[1]),
    }


def write_search_data(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: Any,
) -> None:
    """With the search page, its data (every page is read by now)."""
    if app.builder.name != "html" or pagename != "search":
        return
    if getattr(app.builder, "indexer", None) is None:
        return
    text = json.dumps(search_data(app), ensure_ascii=True, separators=(",", ":"))
    # Data, never markup, wherever it is read: no "<", ">" or "&" as such.
    for char in "<>&":
        text = text.replace(char, f"\\u{ord(char):04x}")
    path = Path(app.outdir, DATA_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "// The handbook's search data (docs/_ext/search_terms.py).\n"
        f"var HandbookSearchData = {text};\n",
        encoding="utf-8",
    )
    context["handbook_search_data"] = DATA_FILE
    context["handbook_safety_page"] = app.config.handbook_safety_page.strip("/")


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value(
        "handbook_search_terms_pages",
        [],
        "env",
        types=frozenset({list}),
    )
    app.add_config_value(
        "handbook_search_danger_words",
        DANGER_WORDS,
        "html",
        types=frozenset({list}),
    )
    app.connect("env-check-consistency", check_terms)
    app.connect("html-page-context", write_search_data)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
