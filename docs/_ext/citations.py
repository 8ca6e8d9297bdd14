"""Citations without the slow part: pybtex plugins looked up once.

sphinxcontrib-bibtex asks pybtex for its "plaintext" backend on every
citation (for the link's tooltip), and pybtex answers by scanning the entry
points of every installed package each time: most of the HTML build's time
went there. pybtex checks its runtime registry first, so this module
registers the few plugins the build uses, once, through pybtex's public
``register_plugin``. The output does not change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pybtex.plugin

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

# (group, name) pairs sphinxcontrib-bibtex looks up per citation or page.
REPEATED_LOOKUPS = (
    ("pybtex.backends", "plaintext"),
    ("pybtex.backends", "docutils"),
    ("pybtex.style.names", "last"),
)


def register_once() -> None:
    for group, name in REPEATED_LOOKUPS:
        plugin = pybtex.plugin.find_plugin(group, name)
        pybtex.plugin.register_plugin(group, name, plugin, force=True)


def setup(app: Sphinx) -> ExtensionMetadata:
    register_once()
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
