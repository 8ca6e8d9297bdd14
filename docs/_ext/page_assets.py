"""Each page loads only the stylesheets and scripts it uses.

Readers are often on a phone, so every request and kilobyte counts:

- no page has code, so Pygments' stylesheet and furo's extension styles (for
  tabs, code and other extensions we do not use) are never loaded;
- Sphinx's search helpers load only on the search page, which needs them;
  its search-term highlighting never, because it keeps the words searched
  for in the browser's storage (``js/search-keeps-nothing.js`` switches
  that off on the search page), and the documentation options only
  there and beside the copy button, which reads the page language from them;
- sphinx-copybutton's scripts load only on pages with a phrase card, and its
  stylesheet (made for code blocks) never: handbook.css styles the button.

Nothing is rewritten after the build: the host compresses the files
(gzip), which does what minifying and trimming once did here, and a
stylesheet purged by guessing which class names a script builds could lose a
rule silently.

Config value:

``handbook_dropped_assets`` (list of str)
    Files under ``_static/`` that no page loads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

SEARCH_ONLY = frozenset({"_static/doctools.js", "_static/js/search-keeps-nothing.js"})
# copybutton.js reads the page language from documentation_options.js.
COPY_BUTTON = frozenset(
    {
        "_static/clipboard.min.js",
        "_static/copybutton.js",
        "_static/documentation_options.js",
    }
)


def has_phrase_card(doctree: nodes.document | None) -> bool:
    if doctree is None:
        return False
    return any(
        "phrase-card" in node.get("classes", ())
        for node in doctree.findall(nodes.container)
    )


def unwanted_assets(
    *, pagename: str, has_phrases: bool, always_dropped: frozenset[str]
) -> frozenset[str]:
    """The _static files this page does not need."""
    unwanted = set(always_dropped)
    if pagename != "search":
        unwanted |= SEARCH_ONLY
        if not has_phrases:
            unwanted |= COPY_BUTTON
    else:  # no phrase card; Sphinx's search reads the documentation options
        unwanted |= COPY_BUTTON - {"_static/documentation_options.js"}
    return frozenset(unwanted)


def trim_assets(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    if app.builder.name != "html":
        return
    unwanted = unwanted_assets(
        pagename=pagename,
        has_phrases=has_phrase_card(doctree),
        always_dropped=frozenset(app.config.handbook_dropped_assets),
    )
    for key in ("css_files", "script_files"):
        context[key] = [
            asset
            for asset in context.get(key, [])
            if getattr(asset, "filename", asset) not in unwanted
        ]


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value(
        "handbook_dropped_assets",
        [
            "_static/pygments.css",
            "_static/styles/furo-extensions.css",
            # Styled for code blocks; handbook.css styles the phrase cards' button.
            "_static/copybutton.css",
            # Keeps search terms in localStorage; see SEARCH_ONLY.
            "_static/sphinx_highlight.js",
            # A translation's messages for Sphinx's scripts: its loader builds
            # a function from a string, which the policy forbids (csp.py);
            # the search's words come with its data (search_terms.py).
            "_static/translations.js",
        ],
        "html",
        types=frozenset({list}),
    )
    # After furo and sphinx-copybutton have added their files.
    app.add_js_file("js/search-keeps-nothing.js")
    app.connect("html-page-context", trim_assets, priority=900)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
