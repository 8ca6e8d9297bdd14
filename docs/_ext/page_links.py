"""Links and numbers a page may print: checked, so a reader in danger is
never sent to the wrong place.

Every link target in a page (links, images' targets, figures, toctree
entries) and in the bibliography is ``https:``, ``mailto:``, ``tel:`` or a
page of the handbook. Beyond that:

- a toctree entry that is a web address is refused unless it is listed in
  ``handbook_toctree_urls`` (the entry would sit in every page's menu);
- a ``tel:`` link goes only to a number configured in ``conf.py``: the
  crisis lines (``handbook_crisis``), the practice's phone, and the checked
  help lines (``handbook_help_lines``); a link whose text is a phone number
  calls that same number;
- a link whose text names a help line (``names`` in ``handbook_help_lines``,
  such as "988" or "Domestic Violence Hotline") points to one of that
  line's own addresses: its numbers, or a page under its web address;
- a phone-like number anywhere in a page's text (a ten-digit number in any
  common layout, or a short number after "call", "text" or "dial") must be
  one of the configured numbers, so that a wrong or retired number cannot be
  published by accident either.

Each problem is a warning naming the file and line (so ``-W`` fails the
build), and the link is turned into plain text, so even a lenient build
sends nobody anywhere. ``references.bib`` is checked line by line when the
build starts: a ``url`` that is not https names the file and line.

Config values:

``handbook_help_lines`` (dict: name -> {"names", "numbers", "web"})
    The help lines pages may name and print, checked against
    ``shared/helplines.md``.
``handbook_toctree_urls`` (list of str)
    Web addresses allowed as toctree entries (none by default).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

ALLOWED_SCHEMES = ("https", "mailto", "tel")
SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")
# A North American number in any common layout: 1-800-799-7233,
# (800) 799-7233, 800.799.7233, +1 800 799 7233, 18007997233.
LONG_NUMBER = re.compile(
    r"(?<![\w/-])(?:\+?1[\s.\u2010-\u2013-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.\u2010-\u2013-])"
    r"\d{3}[\s.\u2010-\u2013-]\d{4}(?![\w-])|(?<![\w/.-])1?\d{10}(?![\w-])"
)
# A short number a reader is told to call, text or dial ("text START to 88788").
SHORT_NUMBER = re.compile(
    r"\b(?:call|calling|text|texting|dial|dialing|phone|ring)\b"
    r"(?:\s+[A-Za-z]+){0,3}\s+(\d{3,6})\b",
    re.I,
)


def digits(number: str) -> str:
    found = re.sub(r"\D", "", number)
    return found[1:] if len(found) == 11 and found.startswith("1") else found


def scheme_of(uri: str) -> str | None:
    match = SCHEME.match(uri)
    return match.group(1).lower() if match else None


def allowed_numbers(config: Config) -> set[str]:
    numbers = {
        value
        for value in config.handbook_crisis.values()
        if not str(value).startswith("https:")
    }
    numbers.add(config.handbook_practice.get("phone", ""))
    for line in config.handbook_help_lines.values():
        numbers.update(line.get("numbers", []))
    return {digits(n) for n in numbers if digits(n)}


def numbers_in(text: str) -> list[str]:
    found = [match.group(0) for match in LONG_NUMBER.finditer(text)]
    found += [match.group(1) for match in SHORT_NUMBER.finditer(text)]
    return found


def named_line(text: str, help_lines: dict[str, Any]) -> tuple[str, dict] | None:
    """The help line a link's text names, if any."""
    for title, line in help_lines.items():
        for name in line.get("names", []):
            if re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", text, re.I):
                return title, line
    return None


def points_to_line(uri: str, line: dict[str, Any]) -> bool:
    if scheme_of(uri) == "tel":
        return digits(uri) in {digits(n) for n in line.get("numbers", [])}
    return any(uri.startswith(web) for web in line.get("web", []))


def link_problems(uri: str, text: str, config: Config, numbers: set[str]) -> list[str]:
    """What is wrong with one link, as sentences; ``numbers`` are the
    configured ones (``allowed_numbers``)."""
    scheme = scheme_of(uri)
    if scheme is None:
        return []  # a page, an anchor or a file of the handbook
    if scheme == "http":
        return [f"link {uri!r} uses http: write https:"]
    if scheme not in ALLOWED_SCHEMES:
        return [f"link target {uri!r} is not https:, mailto:, tel: or a page"]
    problems = []
    if scheme == "tel":
        if digits(uri) not in numbers:
            problems.append(
                f"tel: link {uri!r} calls a number that is not configured in "
                "conf.py (handbook_crisis, handbook_practice, handbook_help_lines)"
            )
        shown = numbers_in(text)
        if shown and {digits(n) for n in shown} != {digits(uri)}:
            problems.append(
                f"link text {text!r} shows a number that {uri!r} does not call"
            )
    named = named_line(text, config.handbook_help_lines)
    if named and not points_to_line(uri, named[1]):
        problems.append(
            f"link text {text!r} names {named[0]} but points to {uri!r}, which "
            "is not one of its addresses in conf.py (handbook_help_lines)"
        )
    return problems


def _warn(message: str, node: nodes.Node | None, docname: str) -> None:
    location = node if node is not None and node.line else docname
    logger.warning(message, location=location, type="handbook", subtype="links")


def _unlink(node: nodes.reference) -> None:
    node.replace_self(nodes.inline(node.astext(), node.astext()))


def check_page(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Links, images' targets and printed numbers of one page."""
    config = app.config
    allowed = allowed_numbers(config)
    for node in list(doctree.findall(nodes.reference)):
        problems = link_problems(node.get("refuri", ""), node.astext(), config, allowed)
        for problem in problems:
            _warn(problem, node, docname)
        if problems:
            _unlink(node)
    for text in list(doctree.findall(nodes.Text)):
        if isinstance(text.parent, nodes.reference):
            continue  # checked with its link above
        for number in numbers_in(str(text)):
            if digits(number) not in allowed:
                _warn(
                    f"the number {number!r} is not one of the numbers configured "
                    "in conf.py (handbook_crisis, handbook_practice, "
                    "handbook_help_lines); check it and add it there",
                    text.parent,
                    docname,
                )


def check_read(app: Sphinx, doctree: nodes.document) -> None:
    """As a page is read: its own links and numbers (with their lines), and
    toctree entries that are web addresses."""
    docname = app.env.docname
    for toctree in doctree.findall(addnodes.toctree):
        kept = []
        for title, ref in toctree["entries"]:
            if scheme_of(ref) and ref not in app.config.handbook_toctree_urls:
                _warn(
                    f"toctree entry {ref!r} is a web address; list pages only "
                    "(or add it to handbook_toctree_urls in conf.py)",
                    toctree,
                    docname,
                )
            else:
                kept.append((title, ref))
        toctree["entries"] = kept
    check_page(app, doctree, docname)


def check_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Links made after reading (the bibliography's): schemes only, since
    their lines are in references.bib, which ``check_bibliography`` reads."""
    for node in list(doctree.findall(nodes.reference)):
        uri = node.get("refuri", "")
        if scheme_of(uri) not in (None, *ALLOWED_SCHEMES):
            _warn(
                f"link target {uri!r} is not https:, mailto:, tel: or a page",
                node,
                docname,
            )
            _unlink(node)


BIB_URL = re.compile(
    r"^\s*(url|doi|howpublished|eprint)\s*=\s*[{\"](.*?)[}\"]\s*,?\s*$", re.I
)


def bibliography_problems(path: Path) -> list[tuple[int, str]]:
    problems = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = BIB_URL.match(line)
        if not match:
            continue
        field, value = match.group(1).lower(), match.group(2)
        inner = re.sub(r"^\\url\{(.*)\}$", r"\1", value.strip())
        scheme = scheme_of(inner)
        if field == "url" and scheme != "https":
            problems.append((number, f"url {inner!r} must start with https:"))
        elif field != "url" and scheme not in (None, "https"):
            problems.append((number, f"{field} {inner!r} must be https: or plain text"))
    return problems


def check_bibliography(app: Sphinx) -> None:
    for name in getattr(app.config, "bibtex_bibfiles", []):
        path = Path(app.srcdir, name)
        for line, problem in bibliography_problems(path):
            logger.warning(
                problem, location=f"{path}:{line}", type="handbook", subtype="links"
            )


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("handbook_help_lines", {}, "env", types=frozenset({dict}))
    app.add_config_value("handbook_toctree_urls", [], "env", types=frozenset({list}))
    app.connect("builder-inited", check_bibliography)
    # Before Sphinx's TocTreeCollector (priority 500) records the entries.
    app.connect("doctree-read", check_read, priority=400)
    app.connect("doctree-resolved", check_resolved)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
