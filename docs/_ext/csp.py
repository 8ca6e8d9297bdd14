"""A Content-Security-Policy for every HTML page, with hashed inline scripts.

The policy allows only the site's own files: no third-party scripts, styles,
fonts, images or connections, and no inline script except the few the theme
needs (furo's colour-scheme switch), each allowed by its SHA-256 hash, so
that ``'unsafe-inline'`` is never needed for scripts. Styles keep
``'unsafe-inline'``: furo writes its CSS variables and SVG sprites inline.

The policy goes in a ``<meta http-equiv>`` tag, written when the HTML build
has finished, because only then is every inline script known. Config value:

``handbook_csp`` (dict of directive to list of sources)
    The policy without the script hashes, which are added per page.
``handbook_csp_enabled`` (bool)
    False for the live preview (``nox -s serve``), whose reload script
    sphinx-autobuild injects inline after the build.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>(.*?)</script>", re.S
)
CHARSET = '<meta charset="utf-8">'


def script_hashes(html: str) -> list[str]:
    """CSP sources for every inline script of a page, in order."""
    hashes = []
    for body in INLINE_SCRIPT.findall(html):
        digest = hashlib.sha256(body.encode("utf-8")).digest()
        source = f"'sha256-{base64.b64encode(digest).decode()}'"
        if source not in hashes:
            hashes.append(source)
    return hashes


def policy_for(html: str, policy: dict[str, list[str]]) -> str:
    directives = {name: list(sources) for name, sources in policy.items()}
    directives["script-src"] = directives.get("script-src", ["'self'"]) + script_hashes(
        html
    )
    return "; ".join(
        f"{name} {' '.join(sources)}" for name, sources in directives.items()
    )


def with_policy(html: str, policy: dict[str, list[str]]) -> str:
    """The page with its CSP meta tag right after the charset."""
    tag = f'<meta http-equiv="Content-Security-Policy" content="{policy_for(html, policy)}">'
    return html.replace(CHARSET, f"{CHARSET}\n{tag}", 1)


def add_policy(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.name != "html" or not app.config.handbook_csp_enabled:
        return
    for path in Path(app.outdir).rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        if "Content-Security-Policy" not in html:
            path.write_text(
                with_policy(html, app.config.handbook_csp), encoding="utf-8"
            )


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("handbook_csp", POLICY, "html", types=frozenset({dict}))
    app.add_config_value("handbook_csp_enabled", True, "html", types=frozenset({bool}))
    app.connect("build-finished", add_policy)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
