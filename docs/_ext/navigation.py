"""The sidebar's navigation tree, written in one pass instead of resolved per page.

furo asks every page for the whole toctree (``toctree(collapse=False,
titles_only=True, maxdepth=-1, includehidden=True)``). Sphinx answers by
deep-copying and resolving every toctree of the book and rendering the result
through the docutils writer, once per page: on this handbook that was about a
quarter of a clean HTML build.

The tree has the same shape on every page; only the links (relative to the
page) and the ``current`` marks change. This module reads the shape once per
build process from the root document and the table of contents Sphinx already
collected, then writes Sphinx's exact markup for each page with plain string
formatting. furo still adds its own checkboxes and labels, as before.

Only that one call is answered here, only by the ``html`` and ``dirhtml``
builders, and only for trees this module can reproduce exactly: plain-text
titles and documents with one top-level section. Anything else (another theme's call, ``only`` blocks in a table of
contents, a title with markup) goes to Sphinx's own ``toctree()``. A test
builds a test root both ways and compares every page.

Config value:

``handbook_fast_navigation`` (bool, default True)
    False gives every call to Sphinx, for comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from docutils import nodes
from sphinx import addnodes
from sphinx.util import url_re

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

# The one call furo makes for its sidebar.
FURO_CALL = {
    "collapse": False,
    "titles_only": True,
    "maxdepth": -1,
    "includehidden": True,
}
# docutils' HTML writer escapes these in text and attribute values.
_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", '"': "&quot;", ">": "&gt;", "@": "&#64;"}
)


class Unsupported(Exception):
    """The tree has something this module does not reproduce."""


@dataclass
class Entry:
    target: str  # a docname, or a URL when ``external``
    title: str  # HTML, section number included
    external: bool = False
    children: list[Entry] = field(default_factory=list)


@dataclass
class Tree:
    caption: str  # HTML, may be empty
    entries: list[Entry]


def _escape(text: str) -> str:
    return text.translate(_ESCAPES)


def _entries(
    env: BuildEnvironment, toctree: addnodes.toctree, parents: tuple[str, ...]
) -> list[Entry]:
    entries = []
    for title, ref in toctree["entries"]:
        if url_re.match(ref):
            entries.append(Entry(ref, _escape(title or ref), external=True))
            continue
        if ref == "self" or ref in parents or ref not in env.tocs:
            raise Unsupported(ref)
        toc = env.tocs[ref]
        if len(toc) != 1 or list(toc.findall(addnodes.only)):
            raise Unsupported(ref)
        reference = next(iter(toc.findall(nodes.reference)))
        if title:
            text = title
        elif all(isinstance(child, nodes.Text) for child in reference.children):
            text = reference.astext()
        else:
            raise Unsupported(ref)
        number = reference.get("secnumber")
        prefix = (
            ".".join(map(str, number)) + env.config.html_secnumber_suffix
            if number
            else ""
        )
        children = [
            entry
            for sub in toc.findall(addnodes.toctree)
            for entry in _entries(env, sub, (*parents, ref))
        ]
        entries.append(Entry(ref, prefix + _escape(text), children=children))
    return entries


def read_shape(env: BuildEnvironment) -> list[Tree] | None:
    """The book's navigation, read once; None when it cannot be reproduced."""
    try:
        return [
            Tree(_escape(node.get("caption") or ""), _entries(env, node, ()))
            for node in env.master_doctree.findall(addnodes.toctree)
        ]
    except Unsupported:
        return None


def _contains(entry: Entry, docname: str) -> bool:
    return (not entry.external and entry.target == docname) or any(
        _contains(child, docname) for child in entry.children
    )


def _render_list(
    entries: list[Entry],
    level: int,
    docname: str,
    pathto: Callable[[str], str],
) -> str:
    on_path = [_contains(entry, docname) for entry in entries]
    out = ['<ul class="current">\n' if any(on_path) else "<ul>\n"]
    for entry, current in zip(entries, on_path, strict=True):
        item_classes = f"toctree-l{level}" + (" current" if current else "")
        if entry.external:
            link = f'<a class="reference external" href="{_escape(entry.target)}">'
        else:
            here = entry.target == docname
            kind = "current reference internal" if here else "reference internal"
            link = f'<a class="{kind}" href="{_escape(pathto(entry.target))}">'
        out.append(f'<li class="{item_classes}">{link}{entry.title}</a>')
        if entry.children:
            out.append(_render_list(entry.children, level + 1, docname, pathto))
        out.append("</li>\n")
    out.append("</ul>\n")
    return "".join(out)


def render(shape: list[Tree], docname: str, pathto: Callable[[str], str]) -> str:
    """Sphinx's HTML for the whole toctree, as seen from ``docname``."""
    out = []
    for tree in shape:
        if not tree.entries:
            continue
        if tree.caption:
            out.append(
                '<p class="caption" role="heading"><span class="caption-text">'
                f"{tree.caption}</span></p>\n"
            )
        out.append(_render_list(tree.entries, 1, docname, pathto))
    return "".join(out)


_shapes: WeakKeyDictionary[Any, list[Tree] | None] = WeakKeyDictionary()


def answer_navigation_call(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    """Answer furo's toctree() call from the shape; pass others to Sphinx."""
    sphinx_toctree = context.get("toctree")
    if (
        not app.config.handbook_fast_navigation
        or sphinx_toctree is None
        # singlehtml (and the print builder on it) links within one page.
        or app.builder.name not in {"html", "dirhtml"}
    ):
        return
    if app.env not in _shapes:
        _shapes[app.env] = read_shape(app.env)
    shape = _shapes[app.env]
    if shape is None:
        return
    pathto = context["pathto"]  # relative, or absolute on the 404 page

    def toctree(**kwargs: Any) -> str:
        if kwargs == FURO_CALL:
            return render(shape, pagename, pathto)
        return sphinx_toctree(**kwargs)

    context["toctree"] = toctree


def forget_shape(app: Sphinx, env: BuildEnvironment) -> None:
    """The toctrees may have changed: read them again for this build."""
    _shapes.pop(env, None)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value(
        "handbook_fast_navigation", True, "html", types=frozenset({bool})
    )
    # After sphinx-notfound-page (400) swaps in absolute links on the 404 page,
    # before furo (500) asks for the tree.
    app.connect("html-page-context", answer_navigation_call, priority=450)
    app.connect("env-updated", forget_shape)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
