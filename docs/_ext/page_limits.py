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
- symbolic links anywhere under ``docs/``, which Sphinx would follow;
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
        for node in list(self.document.findall(nodes.image)):
            if not self._local(node["uri"], srcdir, docdir):
                _warn(
                    f"image {node['uri']!r} is not a file inside docs/ "
                    "(pages show only the handbook's own images)",
                    node,
                )
                node.parent.remove(node)
        for node in list(self.document.findall(addnodes.download_reference)):
            if not self._local(node["reftarget"], srcdir, docdir):
                _warn(
                    f"download {node['reftarget']!r} is not a file inside docs/", node
                )
                node.parent.replace(node, nodes.Text(node.astext()))
        for node in self.document.findall(nodes.reference):
            if node.get("refuri", "").lower().startswith("http:"):
                _warn(f"link {node['refuri']!r} uses http: write https:", node)

    @staticmethod
    def _local(uri: str, srcdir: Path, docdir: Path) -> bool:
        if SCHEME.match(uri) or uri.startswith("//"):
            return False
        base = srcdir if uri.startswith("/") else docdir
        return inside(base / uri.lstrip("/"), srcdir)


def symlinks_under(root: Path) -> list[Path]:
    found = []
    for folder, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            path = Path(folder) / name
            if path.is_symlink():
                found.append(path)
    return sorted(found)


def check_symlinks(app: Sphinx) -> None:
    for path in symlinks_under(Path(app.srcdir)):
        logger.warning(
            "symbolic link under docs/ (its target would be published): %s",
            path,
            type="handbook",
            subtype="page_limits",
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
    app.add_transform(PageLimits)
    app.connect("builder-inited", check_symlinks)
    app.connect("env-before-read-docs", check_encoding)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
