"""Front matter of each page: checked, summarised and shown to the reader.

Every page starts with YAML front matter. This module reads it (MyST has
already put it in ``env.metadata``), checks it, and adds under the title of
each health page a byline: the author, the reading time (from MyST's word
count, ``myst_words_per_minute``), when the page was last reviewed and by
whom, when it last changed (the last commit that touched it, from
sphinx-last-updated-by-git) and when the next review is due. The wording is
``_templates/handbook/byline.html``, marked for translation; dates are
written as the page's language writes them.

Front-matter fields:

``description`` (every page)
    One or two sentences for search results, 50 to 160 characters.
``keywords`` (optional)
    A YAML list of search phrases.
``search_terms`` (chapters, exercises and guides; see ``search_terms.py``)
    The words readers type for the page's subject, a YAML list or a
    comma-separated string; the site's search weighs them above the text.
``last_reviewed``, ``next_review`` (pages matched by ``handbook_reviewed_pages``)
    ISO dates (``2026-11-25``). The next review is usually three years later.

Who reviewed a page clinically is not front matter: ``review.py`` reads it
from the sign-off file, and says "Draft" or "Changed since review" where no
sign-off holds.

Config values:

``handbook_reviewed_pages`` (list of glob patterns)
    Pages that are health information and so carry a byline and review dates.

Problems are logged as warnings naming the file and line, so ``-W`` fails the
build.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import babel.dates
import review
import yaml
from docutils import nodes
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util import logging
from sphinx.util.matching import Matcher

import reader_text

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

KNOWN_FIELDS = frozenset(
    {
        "description",
        "keywords",
        "search_terms",
        "last_reviewed",
        "next_review",
        "image",
        "image_alt",
        "orphan",
        "nosearch",
        "tocdepth",
    }
)
# Keys that MyST and this module add to env.metadata themselves.
ADDED_BY_TOOLS = frozenset({"wordcount", "myst_slugs"})
DATE_FIELDS = ("last_reviewed", "next_review")
# Fields holding a list: a YAML list or a comma-separated string.
LIST_FIELDS = ("keywords", "search_terms")
FRONT_MATTER_LINE = 1  # MyST front matter always starts the file


# Front-matter fields a reader meets, translated with the page: each becomes a
# message of the page's catalogue (a hidden ``meta`` node, which Sphinx's
# gettext builder extracts and its Locale transform translates); lists are
# one message, their items separated by commas.
TRANSLATED_FIELDS = ("description", "keywords", "search_terms", "image_alt")
FIELD_NODE = "handbook_field"


def field_messages(source: str, document: nodes.document) -> None:
    """Add the page's translatable front-matter fields to its doctree, as
    ``meta`` nodes that name the field and its line (called by the parser,
    before Sphinx's transforms)."""
    lines = source.splitlines()
    if not lines or lines[0].rstrip() != "---":
        return
    end = next(
        (i for i, line in enumerate(lines[1:], 1) if line.rstrip() in ("---", "...")),
        None,
    )
    try:  # any value YAML allows: one line, folded, or a block list
        block = "\n".join(lines[1:end])
        tree, data = yaml.compose(block, Loader=yaml.SafeLoader), yaml.safe_load(block)
    except yaml.YAMLError:  # page_source.py has named the problem
        return
    if not isinstance(tree, yaml.MappingNode) or not isinstance(data, dict):
        return
    for key, _value in tree.value:
        field = key.value
        if field not in TRANSLATED_FIELDS or not data.get(field):
            continue
        value = data[field]
        text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        node = nodes.meta(name=field, content=" ".join(text.split()))
        node[FIELD_NODE] = field
        # The field's line, for the catalogue (the front matter starts line 1).
        node.source, node.line = document["source"], key.start_mark.line + 2
        document += node


def translated_fields(app: Sphinx, doctree: nodes.document) -> None:
    """Take the field messages out of the doctree; in a translation, the
    translated ones replace the page's front matter for every later reader
    (title and description tags, search, JSON-LD)."""
    if app.builder.name == "gettext":  # it extracts them, from the doctree
        return
    metadata = app.env.metadata[app.env.docname]
    for node in list(doctree.findall(nodes.meta)):
        field = node.get(FIELD_NODE)
        if not field:
            continue
        if node.get("translated"):
            value = node["content"]
            if field in LIST_FIELDS:
                value = json.dumps([v.strip() for v in value.split(",") if v.strip()])
            metadata[field] = value
        node.parent.remove(node)


def page_front_matter(env: BuildEnvironment, docname: str) -> dict[str, Any]:
    """Return the page's front matter with lists and dates parsed.

    MyST stores every value as a string; lists arrive as JSON.
    """
    raw = env.metadata.get(docname, {})
    data: dict[str, Any] = dict(raw)
    for field in LIST_FIELDS:
        data[field] = list_field(raw.get(field, ""))
    for field in DATE_FIELDS:
        value = raw.get(field)
        data[field] = _parse_date(value) if value else None
    return data


def list_field(value: object) -> list[str]:
    """A list field as written: a YAML list (MyST passes it as JSON) or one
    string of comma-separated values."""
    if isinstance(value, str) and value.startswith("["):
        value = json.loads(value)
    elif isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    return [str(v).strip() for v in value]


def _parse_date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def reading_minutes(wordcount: dict[str, int] | None) -> int:
    """Minutes to read the page, from MyST's word count; at least one."""
    return max(1, int((wordcount or {}).get("minutes", 0)))


def format_date(date: dt.date, language: str | None) -> str:
    """A date as the page's language writes it ("November 25, 2026" in
    English), through Babel's locale data."""
    return babel.dates.format_date(date, format="long", locale=language or "en")


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


class page_byline(nodes.General, nodes.Element):
    """Where the byline goes; written from a template once the last-changed
    date is known (at ``doctree-resolved``)."""


def check_and_annotate(app: Sphinx, doctree: nodes.document) -> None:
    """Check the front matter and mark the place for the byline."""
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
    signoffs = app.config.handbook_reviews_file
    if reviewed and signoffs and Path(app.confdir, signoffs).is_file():
        # A new sign-off re-reads the page, so its byline is rewritten.
        env.note_dependency(app.config.handbook_reviews_file)
    section = next(iter(doctree.findall(nodes.section)), None)
    if reviewed and section is not None and isinstance(section[0], nodes.title):
        section.insert(1, page_byline(docname=docname))


def byline_context(app: Sphinx, docname: str, fromdocname: str) -> dict[str, Any]:
    """What the byline template shows for one page."""
    env, config = app.env, app.config
    data = page_front_matter(env, docname)
    author = config.handbook_author
    changed = (env.git_last_updated.get(docname) or (None, False))[0]
    language = config.language

    def date(value: dt.date | None) -> str:
        return format_date(value, language) if value else ""

    signoff = review.page_review(app, docname)
    return {
        **signoff,
        "signed_on": date(signoff["signed_on"]),
        "author": f"{author['name']}, {author['credential']}",
        "author_url": app.builder.get_relative_uri(fromdocname, author["profile_page"]),
        "minutes": reading_minutes(data.get("wordcount")),
        "last_reviewed": date(data["last_reviewed"]),
        "next_review": date(data["next_review"]),
        "last_changed": date(
            dt.datetime.fromtimestamp(int(changed), dt.UTC).date() if changed else None
        ),
    }


def write_bylines(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    """Replace each byline placeholder with ``handbook/byline.html``.

    The wording lives in the template, marked for translation; builders
    without templates (text, gettext) get no byline.
    """
    for node in list(doctree.findall(page_byline)):
        if not isinstance(app.builder, StandaloneHTMLBuilder):
            node.parent.remove(node)
            continue
        html = reader_text.render(
            app.builder,
            "handbook/byline.html",
            byline_context(app, node["docname"], fromdocname),
        )
        node.replace_self(nodes.raw("", html, format="html"))


# Outside a git checkout (a downloaded archive, a test folder), without git,
# or in a clone too shallow to date a page, pages show no "last changed"
# date; that is not a mistake in the book, so not a warning.
GIT_WARNINGS = ("git.subprocess_error", "git.command_not_found", "git.too_shallow")


def quiet_without_git(app: Sphinx, config: Config) -> None:
    config.suppress_warnings = [*config.suppress_warnings, *GIT_WARNINGS]


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value(
        "handbook_reviewed_pages",
        ["chapters/*", "exercises/*"],
        "env",
        types=frozenset({list}),
    )
    app.setup_extension("site_metadata")  # handbook_author
    app.setup_extension("review")  # who signed each page off
    # The date of the last commit that changed each page (and what it
    # includes): env.git_last_updated.
    app.setup_extension("sphinx_last_updated_by_git")
    app.connect("config-inited", quiet_without_git)
    app.add_node(page_byline)
    # After Sphinx's MetadataCollector (priority 500) has read the front matter.
    app.connect("doctree-read", translated_fields, priority=550)
    app.connect("doctree-read", check_and_annotate, priority=600)
    app.connect("doctree-resolved", write_bylines)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
