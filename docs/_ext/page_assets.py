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
  stylesheet (made for code blocks) never: handbook.css styles the button;
- the theme's indentation is taken out of the HTML (not inside script,
  style, pre or textarea elements, where white space matters);
- furo's stylesheet loses, once the build is done, every rule whose
  selectors name a class, id or element that no built page and no script
  uses (the approach of PurgeCSS: conservative, so that classes a script adds
  later are kept because the script names them);
- each page loses the icons of furo's inline SVG sprite that it never uses
  (the edit and view-source icons: the handbook shows neither button);
- the stylesheets and scripts under ``_static`` are minified (rcssmin and
  rjsmin; files already named ``.min.`` are left alone).

Config value:

``handbook_dropped_assets`` (list of str)
    Files under ``_static/`` that no page loads.
``handbook_purged_stylesheets`` (list of str)
    Stylesheets in the output to purge of unused rules.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import rcssmin
import rjsmin
import tinycss2
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


# -- Purging unused CSS rules --------------------------------------------------

CLASS_OR_ID = re.compile(r"[.#](-?[_a-zA-Z][-\w]*)")
NEGATION = re.compile(r":not\([^)]*\)")
NOT_A_TYPE = re.compile(r"\[[^\]]*\]|::?[-\w]+(\([^)]*\))?")
TYPE = re.compile(r"(?:^|[\s>+~])([a-z][a-z0-9]*)")
MARKUP_NAMES = re.compile(r'\b(?:class|id)="([^"]*)"')
MARKUP_TAGS = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)")
SCRIPT_WORDS = re.compile(r"[A-Za-z_][-A-Za-z0-9_]*")


def used_names(*, pages: list[str], scripts: list[str]) -> tuple[set[str], set[str]]:
    """Class and id names, and element names, that the site can produce."""
    names: set[str] = set()
    tags = {"html", "body"}
    for page in pages:
        for match in MARKUP_NAMES.finditer(page):
            names.update(match.group(1).split())
        tags.update(tag.lower() for tag in MARKUP_TAGS.findall(page))
    for script in scripts:
        names.update(SCRIPT_WORDS.findall(script))
    return names, tags


def selector_can_match(selector: str, *, names: set[str], tags: set[str]) -> bool:
    positive = NEGATION.sub("", selector)
    types = TYPE.findall(NOT_A_TYPE.sub("", positive).strip())
    return all(n in names for n in CLASS_OR_ID.findall(positive)) and all(
        t in tags for t in types
    )


def purged_css(css: str, *, names: set[str], tags: set[str]) -> str:
    """The stylesheet without the rules that can match nothing."""

    def keep(rules: list) -> list[str]:
        kept = []
        for rule in rules:
            if rule.type == "qualified-rule":
                selectors = tinycss2.serialize(rule.prelude).split(",")
                if any(
                    selector_can_match(s, names=names, tags=tags) for s in selectors
                ):
                    kept.append(tinycss2.serialize([rule]))
            elif (
                rule.type == "at-rule"
                and rule.content is not None
                and rule.lower_at_keyword in ("media", "supports")
            ):
                inner = keep(
                    tinycss2.parse_rule_list(
                        rule.content, skip_whitespace=True, skip_comments=True
                    )
                )
                if inner:
                    kept.append(
                        f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{''.join(inner)}}}"
                    )
            elif rule.type != "comment":
                kept.append(tinycss2.serialize([rule]))
        return kept

    return "".join(
        keep(tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True))
    )


PRESERVED = re.compile(r"<(script|style|pre|textarea)\b.*?</\1>", re.S | re.I)
INDENTATION = re.compile(r"\n[ \t]+")


def without_indentation(html: str) -> str:
    """The page without leading white space on its lines, where it is inert."""
    kept, position = [], 0
    for match in PRESERVED.finditer(html):
        kept += [INDENTATION.sub("\n", html[position : match.start()]), match.group(0)]
        position = match.end()
    kept.append(INDENTATION.sub("\n", html[position:]))
    return "".join(kept)


SYMBOL = re.compile(r'<symbol id="([^"]+)".*?</symbol>\s*', re.S)


def without_unused_symbols(html: str) -> str:
    """The page without the SVG sprite's symbols that nothing refers to."""
    return SYMBOL.sub(lambda m: m.group(0) if f'"#{m.group(1)}"' in html else "", html)


def minify_static(static: Path) -> None:
    """Minify the stylesheets and scripts in place (idempotent)."""
    for pattern, minify in (("*.css", rcssmin.cssmin), ("*.js", rjsmin.jsmin)):
        for path in static.rglob(pattern):
            if ".min." in path.name:
                continue
            text = path.read_text(encoding="utf-8")
            smaller = minify(text)
            if smaller != text:
                path.write_text(smaller, encoding="utf-8")


def finish_pages(app: Sphinx, exception: Exception | None) -> None:
    """One pass over the built pages: trim their indentation and unused icons,
    then purge the stylesheets of rules that none of them (nor any script)
    can use, and minify the stylesheets and scripts."""
    if exception or app.builder.name != "html":
        return
    outdir = Path(app.outdir)
    pages = []
    for path in outdir.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        trimmed = without_unused_symbols(without_indentation(html))
        if trimmed != html:
            path.write_text(trimmed, encoding="utf-8")
        pages.append(trimmed)
    # The search index is a script too: search results use its names.
    scripts = [*(outdir / "_static").rglob("*.js"), outdir / "searchindex.js"]
    names, tags = used_names(
        pages=pages,
        scripts=[p.read_text(encoding="utf-8") for p in scripts if p.exists()],
    )
    for name in app.config.handbook_purged_stylesheets:
        path = outdir / name
        path.write_text(
            purged_css(path.read_text(encoding="utf-8"), names=names, tags=tags),
            encoding="utf-8",
        )
    minify_static(outdir / "_static")


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
        ],
        "html",
        types=frozenset({list}),
    )
    app.add_config_value(
        "handbook_purged_stylesheets",
        ["_static/styles/furo.css"],
        "html",
        types=frozenset({list}),
    )
    # After furo and sphinx-copybutton have added their files.
    app.add_js_file("js/search-keeps-nothing.js")
    app.connect("html-page-context", trim_assets, priority=900)
    # After furo has written its stylesheets at the end of the build.
    app.connect("build-finished", finish_pages, priority=900)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
