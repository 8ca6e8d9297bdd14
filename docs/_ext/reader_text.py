"""Reader-facing wording, kept in Jinja templates and marked for translation.

The words a reader sees that no page's Markdown holds (the byline and review
status, the print edition's cover, copyright and safety pages, the handouts'
footers) live in templates under ``docs/_templates/``, not in Python, so that
changing a sentence is not a code change. Every sentence is wrapped in
``{% trans %}``: Sphinx's gettext builder (``nox -s gettext``) extracts
templates' messages into ``sphinx.pot``.

They are rendered with Sphinx's own template environment for the builder
(its translations, which take ``locale_dirs`` too, and its filters; the
project's ``templates_path`` first), falling back to the templates beside
this module, so that a test project with another theme gets the same
wording. Like Sphinx's own templates, they escape values with ``|e``.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import ChoiceLoader, FileSystemLoader

if TYPE_CHECKING:
    from jinja2 import Environment
    from sphinx.builders.html import StandaloneHTMLBuilder

TEMPLATES = Path(__file__).resolve().parent.parent / "_templates"


@functools.lru_cache(maxsize=4)
def environment(builder: StandaloneHTMLBuilder) -> Environment:
    """The builder's template environment, with ``docs/_templates`` as the
    last place to look (made once per build)."""
    bridge = builder.templates.environment
    return bridge.overlay(
        loader=ChoiceLoader([bridge.loader, FileSystemLoader(TEMPLATES)])
    )


def render(builder: StandaloneHTMLBuilder, name: str, context: dict[str, Any]) -> str:
    """The template ``name`` (relative to ``docs/_templates``), rendered."""
    return environment(builder).get_template(name).render(context)
