"""Reader-facing wording, kept in Jinja templates and marked for translation.

The words a reader sees that no page's Markdown holds (the byline and review
status, the print edition's cover, copyright and safety pages, the handouts'
footers) live in templates under ``docs/_templates/``, not in Python, so that
changing a sentence is not a code change. Every sentence is wrapped in
``{% trans %}``: Sphinx's gettext builder (``nox -s gettext``) extracts
templates' messages into ``sphinx.pot``, and at build time they are looked
up in Sphinx's own catalogue, which takes the translations in
``locale_dirs`` too. Values are escaped (autoescape).

The templates are found beside this module (``docs/_templates``) whatever
the project's ``templates_path``, so that a test project with another theme
gets the same wording.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader
from jinja2.sandbox import SandboxedEnvironment
from sphinx.locale import get_translator

TEMPLATES = Path(__file__).resolve().parent.parent / "_templates"


def _gettext(message: str) -> str:
    return get_translator().gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return get_translator().ngettext(singular, plural, n)


@functools.cache
def environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader(TEMPLATES),
        extensions=["jinja2.ext.i18n"],
        autoescape=True,
        keep_trailing_newline=True,
    )
    # Looked up at render time: the translator is Sphinx's for the build's
    # language (sphinx.locale.init runs when each build starts).
    env.install_gettext_callables(_gettext, _ngettext)
    return env


def render(name: str, context: dict[str, Any]) -> str:
    """The template ``name`` (relative to ``docs/_templates``), rendered."""
    return environment().get_template(name).render(context)
