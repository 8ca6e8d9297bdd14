"""A page's source is text and data, never configuration or code.

MyST lets a page's front matter reconfigure the parser for that page: a
``myst:`` block can switch on extensions (the substitution extension runs a
template engine over the page), add URL schemes, or write ``<meta>`` tags
(``html_meta``), and MyST removes those keys before any Sphinx event sees
them. So the handbook reads pages through ``GuardedMystParser``, MyST's own
parser registered for ``.md`` in its place (Sphinx's documented
``add_source_parser(..., override=True)``), which first checks the source:

- front matter may hold only the keys the handbook documents
  (``page_metadata.KNOWN_FIELDS``), each a plain value or a flat list of
  plain values, with no YAML anchors or aliases. Any other key (``myst``,
  ``html_meta``, ``substitutions``...) is a warning naming the file and the
  key's line, and its lines are blanked before MyST reads the page, so even
  a lenient build never applies it;
- directives and roles come from allow-lists (``handbook_page_directives``,
  ``handbook_page_roles``): anything else (``eval-rst``, which reaches every
  docutils directive at once; ``meta``; ``class`` and ``container``, which
  set classes; ``raw``; ``math``, which loads a script from elsewhere...) is
  a warning naming its line, and is renamed so that MyST drops it;
- a ``:class:`` option takes only classes listed in ``handbook_page_classes``
  (so no page can dress text up as the safety box, hide it, or cover the
  quick exit with the theme's or the project's own classes), and a
  ``:name:`` option may not take an id the site itself uses
  (``handbook_reserved_ids``); the option's line is blanked;
- a page nested so deeply that parsing it exhausts Python's recursion limit
  (hundreds of directives inside each other) stops the build with an error
  naming the page, instead of a traceback that names none.

No template engine ever runs over page text: ``{{ ... }}`` in a page is
printed as it is written (``tests/roots/test-hostile/template-text.md``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import yaml
from docutils import nodes
from docutils.nodes import make_id
from myst_parser.parsers.sphinx_ import MystParser
from sphinx.errors import SphinxError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from page_metadata import KNOWN_FIELDS, field_messages

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

# A directive's opening fence, and a role: ```{name}, :::{name}, {name}`text`.
DIRECTIVE = re.compile(r"^(\s*(?:`{3,}|~{3,}|:{3,})\s*)\{([^}\s]*)\}", re.M)
ROLE = re.compile(r"(?<![\w`])\{([^}\s`]+)\}(?=`)")
# A directive option that sets classes or an id, in either of MyST's forms
# (":class: a b" or, in a "---" block, "class: a b").
CLASS_OPTION = re.compile(r"^\s*:?class:[ \t]*(.*)$", re.M)
NAME_OPTION = re.compile(r"^\s*:?name:[ \t]*(.*)$", re.M)


# What pages may use when conf.py says nothing else: the handbook's own
# directives and roles, and the plain ones of docutils, Sphinx and
# sphinxcontrib-bibtex that only arrange text.
PAGE_DIRECTIVES = (
    "toctree",
    "glossary",
    "bibliography",
    "admonition",
    "note",
    "tip",
    "important",
    "hint",
    "attention",
    "caution",
    "warning",
    "seealso",
    "figure",
    "image",
    "table",
    "list-table",
    "epigraph",
    "rubric",
    "topic",
    "safety",
    "exercise",
    "steps",
    "prompts",
    "when-not-to-use",
    "phrase",
    "exercise-index",
    "packet-list",
    "consultation-invitation",
)
PAGE_ROLES = (
    "term",
    "doc",
    "ref",
    "download",
    "abbr",
    "sub",
    "sup",
    "cite:p",
    "cite:t",
    "cite:ps",
    "cite:ts",
    "quick-exit",
)
# Ids of the page around the content: the quick exit, furo's layout.
RESERVED_IDS = (
    "quick-exit",
    "furo-main-content",
    "__navigation",
    "__toc",
    "furo-sidebar",
    "sidebar",
    "toc",
    "content",
    "main",
    "search",
)


def _warn(message: str, docname: str, line: int) -> None:
    logger.warning(
        message, location=(docname, line), type="handbook", subtype="page_source"
    )


def front_matter_span(lines: list[str]) -> tuple[int, int] | None:
    """The indices of the front matter's opening and closing ``---``."""
    if not lines or lines[0].rstrip() != "---":
        return None
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            return 0, index
    return None


def _plain(node: yaml.Node) -> bool:
    if isinstance(node, yaml.ScalarNode):
        return True
    if isinstance(node, yaml.SequenceNode):
        return all(isinstance(item, yaml.ScalarNode) for item in node.value)
    return False


def _has_alias_or_anchor(text: str) -> bool:
    return any(
        isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None)
        for event in yaml.parse(text, Loader=yaml.SafeLoader)
    )


def front_matter_problems(
    block: str, first_line: int
) -> tuple[list[tuple[int, str]], list[tuple[int, int]]]:
    """Problems in one page's front matter, each with its file line, and the
    line ranges (file lines, inclusive) to blank out."""
    try:
        if _has_alias_or_anchor(block):
            return [(first_line, "front matter may not use YAML anchors or aliases")], [
                (first_line, first_line + block.count("\n"))
            ]
        root = yaml.compose(block, Loader=yaml.SafeLoader)
    except RecursionError:
        return [(first_line, "front matter is nested too deeply")], [
            (first_line, first_line + block.count("\n"))
        ]
    except yaml.YAMLError:
        return [], []  # MyST reports malformed YAML with the page's line
    if root is None:
        return [], []
    if not isinstance(root, yaml.MappingNode):
        return [(first_line, "front matter must be a list of 'key: value' lines")], [
            (first_line, first_line + block.count("\n"))
        ]
    problems, blank = [], []
    for key, value in root.value:
        line = first_line + key.start_mark.line
        last = first_line + value.end_mark.line - (value.end_mark.column == 0)
        name = key.value if isinstance(key, yaml.ScalarNode) else str(key.tag)
        if name not in KNOWN_FIELDS:
            problems.append(
                (
                    line,
                    f"front-matter key {name!r} is not allowed in a page (pages "
                    f"may set: {', '.join(sorted(KNOWN_FIELDS))})",
                )
            )
            blank.append((line, max(line, last)))
        elif not _plain(value):
            problems.append(
                (line, f"front-matter key {name!r} must be a value or a list of values")
            )
            blank.append((line, max(line, last)))
    return problems, blank


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def checked_source(text: str, docname: str, config: Config) -> str:
    """The page's source with refused front matter, directives, roles and
    options made inert, each named with its line."""
    lines = text.split("\n")
    span = front_matter_span(lines)
    if span:
        start, end = span
        block = "\n".join(lines[start + 1 : end])
        problems, blank = front_matter_problems(block, first_line=start + 2)
        for line, message in problems:
            _warn(message, docname, line)
        for first, last in blank:
            for index in range(first - 1, min(last, end)):
                lines[index] = ""
    text = "\n".join(lines)
    directives = set(config.handbook_page_directives)
    roles = set(config.handbook_page_roles)
    classes = set(config.handbook_page_classes)
    reserved = set(config.handbook_reserved_ids)

    def listed(kind: str, allowed: set[str], group: int, inert: str):
        """A replacement that keeps a listed directive or role and makes any
        other inert, naming its line."""

        def replace(match: re.Match[str]) -> str:
            name = match.group(group)
            if name in allowed:
                return match.group(0)
            _warn(
                f"the {kind} {{{name}}} is not allowed in a page (allowed: "
                f"{', '.join(sorted(allowed))})",
                docname,
                _line(text, match.start()),
            )
            return match.group(0)[: match.start(group) - match.start() - 1] + inert

        return replace

    def class_option(match: re.Match[str]) -> str:
        asked = [c for c in re.split(r"[\s,\[\]'\"]+", match.group(1)) if c]
        refused = [c for c in asked if c not in classes]
        if not refused:
            return match.group(0)
        _warn(
            f"class {', '.join(refused)} is not allowed in a page (allowed: "
            f"{', '.join(sorted(classes)) or 'none'}; handbook_page_classes)",
            docname,
            _line(text, match.start()),
        )
        return ""

    def name_option(match: re.Match[str]) -> str:
        name = match.group(1).strip().strip("'\"")
        if make_id(name) not in reserved:
            return match.group(0)
        _warn(
            f"the name {name!r} is an id the site itself uses; choose another",
            docname,
            _line(text, match.start()),
        )
        return ""

    text = DIRECTIVE.sub(
        listed("directive", directives, 2, "{refused-directive}"), text
    )
    text = ROLE.sub(listed("role", roles, 1, "{refused-role}"), text)
    text = CLASS_OPTION.sub(class_option, text)
    return NAME_OPTION.sub(name_option, text)


class RefusedDirective(SphinxDirective):
    """Where ``checked_source`` refused a directive: nothing is published
    (the warning naming the line was given already)."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True

    def run(self) -> list[nodes.Node]:
        return []


def refused_role(
    name: str, rawtext: str, text: str, lineno: int, inliner: object, *args: object
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    """Where ``checked_source`` refused a role: its text, as plain text."""
    return [nodes.Text(text)], []


class GuardedMystParser(MystParser):
    """MyST's parser, reading only what ``checked_source`` lets through."""

    def parse(self, inputstring: str, document: nodes.document) -> None:
        env = document.settings.env
        source = checked_source(inputstring, env.docname, env.config)
        try:
            super().parse(source, document)
            if not str(document.get("source", "")).endswith("<translated>"):
                field_messages(source, document)
                cells_with_lines(document)
                document["handbook_wordcount"] = env.metadata[env.docname].get(
                    "wordcount"
                )
        except RecursionError:
            raise SphinxError(
                f"{env.doc2path(env.docname)}: the page nests blocks too deeply "
                "to be read (directives or quotes inside each other); flatten it"
            ) from None


def cells_with_lines(document: nodes.document) -> None:
    """Workaround: MyST gives a table cell's paragraph no source or line, and
    Sphinx's gettext skips text without them, so a table's words could not be
    translated. Each cell's paragraph takes its table's place in the page.
    Upstream report: docs-dev/upstream-reports.md ("myst-parser: table
    cells")."""
    for table in document.findall(nodes.table):
        source, line = table.source or document["source"], table.line
        for entry in table.findall(nodes.entry):
            for paragraph in entry.findall(nodes.paragraph):
                if paragraph.source is None and paragraph.rawsource:
                    paragraph.source, paragraph.line = source, line


def keep_page_slugs(app: Sphinx, doctree: nodes.document) -> None:
    """Workaround: Sphinx's Locale transform parses each translated message
    of a page as a document of its own, and MyST then replaces the page's
    heading slugs and word count (``env.metadata[docname]``) with that
    message's: a translated title leaves the page with one slug, and links to
    its other sections fail. The page's own slugs (MyST keeps them on the
    page's document too) are put back. Upstream report:
    docs-dev/upstream-reports.md ("myst-parser: translated titles")."""
    metadata = app.env.metadata[app.env.docname]
    slugs = getattr(doctree, "myst_slugs", None)
    if slugs:
        metadata["myst_slugs"] = slugs
    if doctree.get("handbook_wordcount"):  # the reading time, likewise
        metadata["wordcount"] = doctree["handbook_wordcount"]


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("myst_parser")
    app.add_config_value(
        "handbook_page_directives",
        list(PAGE_DIRECTIVES),
        "env",
        types=frozenset({list}),
    )
    app.add_config_value(
        "handbook_page_roles", list(PAGE_ROLES), "env", types=frozenset({list})
    )
    app.add_config_value("handbook_page_classes", [], "env", types=frozenset({list}))
    app.add_config_value(
        "handbook_reserved_ids", list(RESERVED_IDS), "env", types=frozenset({list})
    )
    app.add_source_parser(GuardedMystParser, override=True)
    app.connect("doctree-read", keep_page_slugs, priority=100)
    app.add_directive("refused-directive", RefusedDirective)
    app.add_role("refused-role", refused_role)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
