"""The safety box: one per page, with the crisis lines from ``conf.py``.

A page that asks readers to open up, or that talks about danger, carries one
``safety`` box::

    :::{safety}
    Skip this talk if your partner frightens you.
    :::

The page's own words come first (they may be empty); the box then adds the
crisis lines from ``handbook_crisis`` (tap-to-call on the web, with the
Hotline's TTY and chat) and a link to the safety page. An exercise's
``when-not-to-use`` part is the same box (``exercises.py``), so a reader
meets one warning per page, and the footer.

A second safety box on one page is a warning naming the file and line: a
warning repeated until it is skimmed protects nobody.

The wording of the crisis line is in ``crisis_line.md`` beside this module's
templates (``docs/_templates/safety/``), so that it can change without a
code change; numbers come only from ``handbook_crisis``.

Config values:

``handbook_crisis`` (dict, in conf.py)
    ``emergency``, ``crisis_line``, ``crisis_chat``, ``dv_hotline``,
    ``dv_tty``, ``dv_text``, ``dv_chat``.
``handbook_safety_page`` (str, exercises.py)
    The docname every box links to.
``handbook_quick_exit_url`` (str)
    The neutral site that "Leave this site" opens in place of the page
    (``_templates/handbook/quick-exit.html``).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.locale import get_translation
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)
_ = get_translation("handbook")

TEMPLATE = Path(__file__).resolve().parent.parent / "_templates" / "safety"


# The options of the handbook's box and card directives, as docutils' own
# directives have them. Declared, so that an unknown option is an error naming
# the file and line (with no options declared, MyST prints an option line as
# part of the text).
STANDARD_OPTIONS = {"class": directives.class_option, "name": directives.unchanged}


def tel(number: str) -> str:
    """The ``tel:`` address of a US number as printed ("1-800-799-7233")."""
    digits = re.sub(r"\D", "", number)
    if len(digits) == 11 and digits.startswith("1"):
        return f"tel:+{digits}"
    return f"tel:{digits}"


@functools.cache
def crisis_lines(crisis: tuple[tuple[str, str], ...], safety_page: str) -> list[str]:
    """The crisis line as MyST Markdown, every number tap-to-call; its last
    paragraph links to the safety page. Formatted once per build."""
    template = (TEMPLATE / "crisis_line.md").read_text(encoding="utf-8")
    values = dict(crisis)
    values.update({f"{key}_tel": tel(value) for key, value in crisis})
    values["safety_page"] = "/" + safety_page.lstrip("/")
    return template.format(**values).strip().splitlines()


def crisis_markdown(
    crisis: dict[str, str], safety_page: str, docname: str
) -> list[str]:
    lines = crisis_lines(tuple(sorted(crisis.items())), safety_page)
    if docname == safety_page:  # no link from the safety page to itself
        return lines[: len(lines) - 1 - lines[::-1].index("")]
    return lines


def safety_box(
    directive: SphinxDirective, title: str, content: list[str], offset: int
) -> nodes.admonition:
    """A safety box: the page's own words, then the crisis line."""
    box = nodes.admonition(classes=["safety-box"])
    directive.set_source_info(box)
    heading = nodes.title(title, title)
    if not directive.arguments:  # the handbook's words (_()), not the page's
        heading["translatable"] = False
    box += heading
    if content:
        directive.state.nested_parse(content, offset, box)
    line = nodes.container(classes=["safety-crisis"])
    directive.state.nested_parse(
        crisis_markdown(
            directive.config.handbook_crisis,
            directive.config.handbook_safety_page,
            directive.env.docname,
        ),
        offset,
        line,
    )
    box += line.children
    count = directive.env.temp_data.get("handbook_safety_boxes", 0) + 1
    directive.env.temp_data["handbook_safety_boxes"] = count
    if count > 1:
        logger.warning(
            "a page holds one safety box; this is the second (merge them)",
            location=directive.get_location(),
            type="handbook",
            subtype="safety",
        )
    return box


class SafetyDirective(SphinxDirective):
    """``safety``: the page's one safety box."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    # No options: the box takes no class that could hide or restyle it.
    option_spec: ClassVar[dict[str, object]] = {}

    def run(self) -> list[nodes.Node]:
        title = self.arguments[0] if self.arguments else _("If you are not safe")
        return [safety_box(self, title, list(self.content), self.content_offset)]


def template_context(app: Sphinx, config: Config) -> None:
    """Tap-to-call addresses and the quick exit for the templates, once."""
    config.html_context = {
        **config.html_context,
        "handbook_crisis_tel": {
            key: tel(value) for key, value in config.handbook_crisis.items()
        },
        "handbook_quick_exit_url": config.handbook_quick_exit_url,
    }


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value(
        "handbook_quick_exit_url",
        "https://www.google.com/",
        "html",
        types=frozenset({str}),
    )
    app.add_directive("safety", SafetyDirective)
    app.connect("config-inited", template_context)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
