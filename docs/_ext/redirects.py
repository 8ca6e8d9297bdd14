"""Old addresses of pages that moved keep working, as pages like the others.

Printed handouts and old links point at addresses that later moved. For each
entry of ``handbook_redirects`` the HTML build writes a small page at the old
address from ``_templates/handbook/redirect.html``: a refresh and a link to
the new address, under the same Content-Security-Policy, quick exit and
crisis lines as every page. It goes through Sphinx's documented
``html-collect-pages`` event, so the template sees the same context as every
page (the policy, the crisis lines, translations); no inline script, so the
policy needs nothing more.

These stubs replace sphinx-reredirects, whose stubs are plain
``string.Template`` files that could carry neither the policy nor the quick
exit.

An address that leads nowhere gets sphinx-notfound-page's 404 page; its
words come from ``_templates/handbook/not-found.html`` (marked for
translation) and its title through ``_()``, not from ``notfound_context``
in conf.py, so that a translation reaches them.

Config values:

``handbook_redirects`` (dict: old docname -> new address, relative to it)
    For example ``{"exercises/appreciation": "turning-toward-bids.html"}``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.locale import get_translation
from sphinx.util import logging

import reader_text

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)
_ = get_translation("handbook")
TEMPLATE = "handbook/redirect.html"
NOT_FOUND = "handbook/not-found.html"


def stub_files(config: Config) -> set[str]:
    """The output files of the stubs, relative to the HTML folder."""
    return {f"{old}.html" for old in config.handbook_redirects}


def collect_stubs(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    if app.builder.format != "html" or app.builder.name == "epub":
        return
    for old, new in sorted(app.config.handbook_redirects.items()):
        if old in app.env.all_docs:
            logger.warning(
                "handbook_redirects: %r is a page of the handbook; a redirect "
                "from it would replace the page",
                old,
                type="handbook",
                subtype="redirects",
            )
            continue
        yield old, {"handbook_redirect_to": new}, TEMPLATE


def leave_out_of_sitemap(app: Sphinx, config: Config) -> None:
    if hasattr(config, "sitemap_excludes"):
        config.sitemap_excludes = [
            *config.sitemap_excludes,
            *sorted(stub_files(config)),
        ]


def not_found_words(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: Any,
) -> None:
    """The 404 page's title and body, in the reader's language."""
    if pagename != getattr(app.config, "notfound_pagename", None) or not isinstance(
        app.builder, StandaloneHTMLBuilder
    ):
        return
    home = app.config.notfound_urls_prefix + f"{app.config.root_doc}.html"
    context["title"] = str(_("Page not found"))
    context["body"] = reader_text.render(app.builder, NOT_FOUND, {"home": home})


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("handbook_redirects", {}, "html", types=frozenset({dict}))
    app.connect("config-inited", leave_out_of_sitemap, priority=900)
    app.connect("html-collect-pages", collect_stubs)
    # Before seo.py (500) writes the title tag from the page's title.
    app.connect("html-page-context", not_found_words, priority=450)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
