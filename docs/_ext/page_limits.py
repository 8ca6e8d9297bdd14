"""Pages carry text, not code or other files.

A page of this handbook is read by people who may be at risk from a
partner, so a contributor's page must not be able to run code on the site,
restyle the crisis lines, or publish files from outside ``docs/``. Each of
these is a warning naming the file and line (so ``-W`` fails the build), and
the offending node is dropped, so that even a lenient build publishes
nothing of it:

- raw HTML in any form: Markdown HTML blocks and inline tags, and the
  ``raw`` directive (``docutils.conf`` also switches ``raw`` off, together
  with file insertion: ``include``, ``literalinclude``, ``csv-table :file:``
  and every ``:url:``, which docutils and Sphinx then refuse with a
  warning of their own);
- images and downloads that are not files inside ``docs/`` (a path that
  climbs out, an absolute path, or a web address: the site makes no
  third-party requests);
- links with ``http:`` (the site links over https only);
- images and downloads of a type that can carry code (HTML, SVG, XML,
  JavaScript...): pages publish only the passive types in
  ``handbook_page_file_types``, each at most ``handbook_page_file_max_bytes``;
- ``<meta>`` tags (a refresh that sends the reader elsewhere, a second
  policy) and math (which would load a script from elsewhere);
- an id the site itself uses (``handbook_reserved_ids``, from a heading or
  a name), which would hide or stand in for the quick exit or the layout;
- symbolic links anywhere under ``docs/``, which Sphinx would follow: the
  build stops before anything is copied (``published_files.py``);
- a page that is not UTF-8 (saved as Latin-1, say): it is named with the
  line of its first bad byte, and the build stops before reading. Sphinx
  itself would stop with a decoding error that names no file (with ``-j``,
  a ``SphinxParallelError``).

``print_edition.py`` gives WeasyPrint a fetcher that only opens files in
``docs/`` and the build's own output (see ``local_only_fetcher``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes
from sphinx.errors import SphinxError
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def _warn(message: str, node: nodes.Node) -> None:
    logger.warning(message, location=node, type="handbook", subtype="page_limits")


class PageLimits(SphinxTransform):
    """Drop raw HTML and outside files from a page as it is read."""

    # Before Sphinx's own transforms look at titles, images and downloads.
    default_priority = 100

    def apply(self, **kwargs: object) -> None:
        srcdir = Path(self.env.srcdir)
        docdir = Path(self.env.doc2path(self.env.docname)).parent
        for node in list(self.document.findall(nodes.raw)):
            snippet = " ".join(node.astext().split())[:60]
            _warn(f"raw HTML is not allowed in a page: {snippet!r}", node)
            node.parent.remove(node)
        config = self.config
        for node in list(self.document.findall(nodes.image)):
            why = self._refusal(
                node["uri"],
                srcdir,
                docdir,
                config,
                outside=" (pages show only the handbook's own images)",
            )
            if why:
                _warn(f"image {node['uri']!r}{why}", node)
                node.parent.remove(node)
        for node in list(self.document.findall(addnodes.download_reference)):
            if why := self._refusal(node["reftarget"], srcdir, docdir, config):
                _warn(f"download {node['reftarget']!r}{why}", node)
                node.parent.replace(node, nodes.Text(node.astext()))
        for node in list(self.document.findall(meta_node)):
            if node.get("handbook_field"):  # a front-matter field (page_metadata.py)
                continue
            _warn("a <meta> tag is not allowed in a page", node)
            node.parent.remove(node)
        for node in list(self.document.findall(math_node)):
            _warn("math is not supported in a page (it would load a script)", node)
            node.parent.remove(node)
        reserved = set(config.handbook_reserved_ids)
        for node in self.document.findall(nodes.Element):
            taken = reserved.intersection(node.get("ids", []))
            if taken:
                _warn(
                    f"the id {sorted(taken)[0]!r} is one the site itself uses "
                    "(rename the heading or the name)",
                    node,
                )
                node["ids"] = [f"page-{i}" if i in reserved else i for i in node["ids"]]

    @classmethod
    def _refusal(
        cls, uri: str, srcdir: Path, docdir: Path, config: object, outside: str = ""
    ) -> str | None:
        """Why a page may not show or publish ``uri`` (or None)."""
        if not cls._local(uri, srcdir, docdir):
            return f" is not a file inside docs/{outside}"
        if problem := file_problem(uri, srcdir, docdir, config):
            return f": {problem}"
        return None

    @staticmethod
    def _local(uri: str, srcdir: Path, docdir: Path) -> bool:
        if SCHEME.match(uri) or uri.startswith("//"):
            return False
        base = srcdir if uri.startswith("/") else docdir
        return inside(base / uri.lstrip("/"), srcdir)


def math_node(node: nodes.Node) -> bool:
    return isinstance(node, (nodes.math, nodes.math_block))


def meta_node(node: nodes.Node) -> bool:
    return type(node).__name__ == "meta"


def file_problem(uri: str, srcdir: Path, docdir: Path, config: object) -> str | None:
    """Why a page may not publish the file at ``uri`` (or None)."""
    if "*" in uri:
        return None  # Sphinx picks one of the files the glob names
    path = (srcdir if uri.startswith("/") else docdir) / uri.lstrip("/")
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in config.handbook_page_file_types:
        return (
            f"a page may publish only {', '.join(config.handbook_page_file_types)}"
            " files (other types can carry code)"
        )
    if path.is_file() and path.stat().st_size > config.handbook_page_file_max_bytes:
        size = path.stat().st_size / 2**20
        limit = config.handbook_page_file_max_bytes / 2**20
        return f"{size:.1f} MiB is over the {limit:.0f} MiB a page's file may be"
    return None


def symlinks_under(root: Path) -> list[Path]:
    found = []
    for folder, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            path = Path(folder) / name
            if path.is_symlink():
                found.append(path)
    return sorted(found)


def check_symlinks(app: Sphinx, config: object) -> None:
    """Stop before anything is read or copied if docs/ holds a symbolic link
    (Sphinx would follow it and copy its target into the output)."""
    found = symlinks_under(Path(app.srcdir))
    for path in found:
        logger.warning(
            "symbolic link under docs/ (its target would be published): %s",
            path,
            type="handbook",
            subtype="page_limits",
        )
    if found:
        raise SphinxError(
            f"{len(found)} symbolic link(s) under docs/, named above; replace "
            "each with the file itself"
        )


def decoding_problem(data: bytes, encoding: str) -> tuple[int, str] | None:
    """The line of the first byte that ``encoding`` cannot decode, and why."""
    try:
        data.decode(encoding)
    except UnicodeDecodeError as error:
        return data.count(b"\n", 0, error.start) + 1, error.reason
    return None


def check_encoding(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Name each page about to be read that is not in the source encoding,
    with the line of its first bad byte, then stop the build (before the
    readers start, so also under -j)."""
    encoding = env.settings.get("input_encoding", "utf-8-sig")
    bad = 0
    for docname in docnames:
        problem = decoding_problem(env.doc2path(docname).read_bytes(), encoding)
        if problem:
            bad += 1
            line, reason = problem
            logger.warning(
                "the page is not saved as UTF-8 (%s); save it as UTF-8",
                reason,
                location=(docname, line),
                type="handbook",
                subtype="page_limits",
            )
    if bad:
        raise SphinxError(f"{bad} page(s) not saved as UTF-8, named above")


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value(
        "handbook_page_file_types",
        ["png", "jpg", "jpeg", "webp", "gif", "pdf"],
        "env",
        types=frozenset({list}),
    )
    app.add_config_value(
        "handbook_page_file_max_bytes", 5 * 2**20, "env", types=frozenset({int})
    )
    app.setup_extension("page_source")  # handbook_reserved_ids
    app.add_transform(PageLimits)
    # config-inited comes before the builder copies or reads anything.
    app.connect("config-inited", check_symlinks)
    app.connect("env-before-read-docs", check_encoding)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
