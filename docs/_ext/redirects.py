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

Config values:

``handbook_redirects`` (dict: old docname -> new address, relative to it)
    For example ``{"exercises/appreciation": "turning-toward-bids.html"}``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)
TEMPLATE = "handbook/redirect.html"


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
        config.sitemap_excludes = [*config.sitemap_excludes, *sorted(stub_files(config))]


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("handbook_redirects", {}, "html", types=frozenset({dict}))
    app.connect("config-inited", leave_out_of_sitemap, priority=900)
    app.connect("html-collect-pages", collect_stubs)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
