"""A Content-Security-Policy on every page that a page's content cannot widen.

The policy allows only the site's own files: no third-party scripts, styles,
fonts, images or connections, and no inline style at all. Inline scripts
are allowed only by SHA-256 hash, and the hashes are computed from the files
the theme and this project ship, never from what a built page contains:

- every ``<script>`` in the theme's templates that holds no template code
  (furo's colour-scheme switch);
- every ``*.js`` file in the project's ``templates_path``, which templates
  include inline (the quick exit, ``_templates/handbook/quick-exit.js``).

So a script smuggled into a page (``page_limits.py`` refuses raw HTML
already) is blocked by the browser, and the build says so: when the HTML
build has finished, every page is checked, and an inline script whose hash
is not allowed, a ``<style>`` element or a ``style`` attribute is a warning
naming the page. The policy then goes into a ``<meta http-equiv>`` tag.

A meta tag cannot set ``frame-ancestors``: the quick-exit script breaks out
of frames, and the README lists the headers a host should send.

Config values:

``handbook_csp`` (dict of directive to list of sources)
    The policy without the script hashes, which are added to ``script-src``.
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

from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "frame-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}
# An executable inline script: no src, and not a data block such as JSON-LD.
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>(.*?)</script>",
    re.S | re.I,
)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.I)
TEMPLATE_CODE = re.compile(r"\{\{|\{%")
CHARSET = '<meta charset="utf-8">'


def source_hash(body: str) -> str:
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def shipped_inline_scripts(
    theme_dirs: list[Path], template_dirs: list[Path]
) -> list[str]:
    """The hashes of the inline scripts the theme and the project ship."""
    hashes = []
    for folder in theme_dirs:
        for template in sorted(folder.rglob("*.html")):
            text = template.read_text(encoding="utf-8")
            for body in INLINE_SCRIPT.findall(text):
                if body.strip() and not TEMPLATE_CODE.search(body):
                    hashes.append(source_hash(body))
    for folder in template_dirs:
        for script in sorted(folder.rglob("*.js")):
            # Jinja drops the file's final newline when it includes it.
            text = script.read_text(encoding="utf-8").removesuffix("\n")
            hashes.append(source_hash(text))
    return list(dict.fromkeys(hashes))


def policy_text(policy: dict[str, list[str]], script_hashes: list[str]) -> str:
    directives = {name: list(sources) for name, sources in policy.items()}
    directives["script-src"] = directives.get("script-src", ["'self'"]) + script_hashes
    return "; ".join(
        f"{name} {' '.join(sources)}" for name, sources in directives.items()
    )


def page_problems(html: str, allowed: set[str]) -> list[str]:
    """What on a built page the policy would block."""
    problems = [
        f"inline script {body.strip()[:40]!r} is not one the theme or the project ships"
        for body in INLINE_SCRIPT.findall(html)
        if source_hash(body) not in allowed
    ]
    if match := INLINE_STYLE.search(html):
        start = max(match.start() - 30, 0)
        problems.append(
            f"inline style, which the policy blocks: {html[start : match.end() + 30]!r}"
        )
    return problems


def with_policy(html: str, policy: str) -> str:
    """The page with its CSP meta tag right after the charset."""
    tag = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    return html.replace(CHARSET, f"{CHARSET}\n{tag}", 1)


def add_policy(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.name != "html" or not app.config.handbook_csp_enabled:
        return
    confdir = Path(app.confdir)
    hashes = shipped_inline_scripts(
        [Path(d) for d in app.builder.theme.get_theme_dirs()],
        [confdir / d for d in app.config.templates_path],
    )
    policy, allowed = policy_text(app.config.handbook_csp, hashes), set(hashes)
    outdir = Path(app.outdir)
    for path in sorted(outdir.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        if "Content-Security-Policy" in html:
            continue
        for problem in page_problems(html, allowed):
            logger.warning(
                "%s: %s",
                path.relative_to(outdir).as_posix(),
                problem,
                type="handbook",
                subtype="csp",
            )
        path.write_text(with_policy(html, policy), encoding="utf-8")


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
