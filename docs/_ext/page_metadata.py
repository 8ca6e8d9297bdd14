"""Front matter of each page: checked, summarised and shown to the reader.

Every page starts with YAML front matter. This module reads it (MyST has
already put it in ``env.metadata``), checks it, and adds under the page title
an author byline, an estimated reading time and the page's review status.

Front-matter fields:

``description`` (every page)
    One or two sentences for search results, 50 to 160 characters.
``keywords`` (optional)
    A YAML list of search phrases.
``last_reviewed``, ``next_review`` (pages matched by ``handbook_reviewed_pages``)
    ISO dates (``2026-11-25``). The next review is usually three years later.
``reviewed_by`` (optional)
    The clinician who reviewed the page. While empty, the page says plainly
    that it is a draft awaiting clinical review.

Config values:

``handbook_reviewed_pages`` (list of glob patterns)
    Pages that are health information and so carry a byline and review dates.
``handbook_words_per_minute`` (int)
    Reading speed used for the reading-time estimate.

Problems are logged as warnings naming the file and line, so ``-W`` fails the
build.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.matching import Matcher

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

KNOWN_FIELDS = frozenset(
    {
        "description",
        "keywords",
        "last_reviewed",
        "next_review",
        "reviewed_by",
        "image",
        "image_alt",
        "orphan",
        "nosearch",
        "tocdepth",
    }
)
# Keys that MyST and this module add to env.metadata themselves.
ADDED_BY_TOOLS = frozenset({"wordcount", "myst_slugs", "handbook_reading_minutes"})
DATE_FIELDS = ("last_reviewed", "next_review")
FRONT_MATTER_LINE = 1  # MyST front matter always starts the file
WORD = re.compile(r"[A-Za-z0-9\u2019'-]+")


def page_front_matter(env: BuildEnvironment, docname: str) -> dict[str, Any]:
    """Return the page's front matter with lists and dates parsed.

    MyST stores every value as a string; lists arrive as JSON.
    """
    raw = env.metadata.get(docname, {})
    data: dict[str, Any] = dict(raw)
    keywords = raw.get("keywords", "")
    if isinstance(keywords, str) and keywords.startswith("["):
        keywords = json.loads(keywords)
    elif isinstance(keywords, str):
        keywords = [k.strip() for k in keywords.split(",") if k.strip()]
    data["keywords"] = list(keywords)
    for field in DATE_FIELDS:
        value = raw.get(field)
        data[field] = _parse_date(value) if value else None
    data["reviewed_by"] = str(raw.get("reviewed_by") or "").strip()
    return data


def _parse_date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def reading_minutes(*, words: int, words_per_minute: int) -> int:
    """Minutes to read ``words`` words, rounded up, at least one."""
    return max(1, math.ceil(words / words_per_minute))


def format_date(date: dt.date) -> str:
    """A date as readers in the US write it: November 25, 2026."""
    return f"{date:%B} {date.day}, {date.year}"


def front_matter_problems(
    *, raw: dict[str, Any], needs_review_dates: bool, needs_description: bool = True
) -> list[str]:
    """Return a sentence for each problem in one page's front matter."""
    problems = []
    if needs_description and not str(raw.get("description", "")).strip():
        problems.append(
            "front matter has no 'description' (one or two sentences for "
            "search results)"
        )
    unknown = sorted(set(raw) - KNOWN_FIELDS - ADDED_BY_TOOLS)
    for field in unknown:
        problems.append(
            f"unknown front-matter field {field!r} (known: "
            f"{', '.join(sorted(KNOWN_FIELDS))})"
        )
    for field in DATE_FIELDS:
        value = raw.get(field)
        if value is None or str(value).strip() == "":
            if needs_review_dates:
                problems.append(f"front matter has no {field!r} (a date, YYYY-MM-DD)")
        elif _parse_date(value) is None:
            problems.append(
                f"{field!r} is not a date in the form YYYY-MM-DD: {value!r}"
            )
    last, due = (_parse_date(raw.get(f) or "") for f in DATE_FIELDS)
    if last and due and due <= last:
        problems.append("'next_review' must come after 'last_reviewed'")
    return problems


def check_and_annotate(app: Sphinx, doctree: nodes.document) -> None:
    """Check the front matter and add the byline under the title."""
    env = app.env
    docname = env.docname
    raw = env.metadata.get(docname, {})
    reviewed = Matcher(app.config.handbook_reviewed_pages)(docname)
    # The home page may fall back on handbook_description from conf.py.
    is_home = docname == app.config.root_doc
    for problem in front_matter_problems(
        raw=raw, needs_review_dates=reviewed, needs_description=not is_home
    ):
        logger.warning(
            problem,
            location=(docname, FRONT_MATTER_LINE),
            type="handbook",
            subtype="front_matter",
        )
    words = len(WORD.findall(doctree.astext()))
    minutes = reading_minutes(
        words=words, words_per_minute=app.config.handbook_words_per_minute
    )
    env.metadata[docname]["handbook_reading_minutes"] = minutes
    if reviewed:
        _insert_byline(
            doctree,
            data=page_front_matter(env, docname),
            minutes=minutes,
            author=app.config.handbook_author,
        )


def _insert_byline(
    doctree: nodes.document, *, data: dict[str, Any], minutes: int, author: dict
) -> None:
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not isinstance(section[0], nodes.title):
        return
    byline = nodes.container(classes=["page-byline"])
    line = nodes.paragraph(classes=["byline"])
    line += nodes.Text("By ")
    ref = addnodes.pending_xref(
        "",
        refdomain="std",
        reftype="doc",
        reftarget="/" + author["profile_page"],
        refexplicit=True,
        refwarn=True,
    )
    ref += nodes.inline("", f"{author['name']}, {author['credential']}")
    line += ref
    line += nodes.Text(f" · {minutes} min read")
    byline += line
    review = nodes.paragraph(classes=["review-status"])
    if data["last_reviewed"]:
        review += nodes.Text(f"Last reviewed {format_date(data['last_reviewed'])}")
        if data["reviewed_by"]:
            review += nodes.Text(f" by {data['reviewed_by']}")
        review += nodes.Text(".")
    if data["next_review"]:
        review += nodes.Text(f" Next review due {format_date(data['next_review'])}.")
    if not data["reviewed_by"]:
        draft = nodes.strong(classes=["draft-notice"])
        draft += nodes.Text(" Draft: awaiting review by a licensed clinician.")
        review += draft
    byline += review
    section.insert(1, byline)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value(
        "handbook_reviewed_pages",
        ["chapters/*", "exercises/*"],
        "env",
        types=frozenset({list}),
    )
    app.add_config_value(
        "handbook_words_per_minute", 200, "env", types=frozenset({int})
    )
    app.setup_extension("site_metadata")  # handbook_author
    # After Sphinx's MetadataCollector (priority 500) has moved the front
    # matter out of the doctree, so it is not counted as words.
    app.connect("doctree-read", check_and_annotate, priority=600)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
