"""A Content-Security-Policy on every page that a page's content cannot widen.

The policy allows only the site's own files: no third-party scripts, styles,
fonts, images or connections, and no inline style at all. Inline scripts
are allowed only by SHA-256 hash, and the hashes are computed from the files
the theme and this project ship, never from what a built page contains:

- every ``<script>`` in the theme's templates that holds no template code
  (furo's colour-scheme switch);
- every ``*.js`` file in the project's ``templates_path``, which templates
  include inline (the quick exit, ``_templates/handbook/quick-exit.js``).

The hashes are computed when the builder starts, before any page is read,
and the policy goes into every page's head through the ``site_meta`` block
of ``_templates/base.html`` (redirect stubs: ``handbook/redirect.html``),
so it is always written and no page text decides whether it is.

When the HTML build has finished, every page is parsed (lxml, not
patterns) and each of these is a warning naming the page, so ``-W`` fails
the build: the policy not exactly once in the head; any other
``http-equiv`` tag (a redirect stub's refresh excepted); a script from
elsewhere; an inline script whose hash is not allowed; a ``<style>``
element, a ``style`` attribute or an event-handler attribute; a
``javascript:`` address; an id used twice on one page (which would let
page content stand in for the quick exit).

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

import lxml.html

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
TEMPLATE_CODE = re.compile(r"\{\{|\{%")
SCHEME = re.compile(r"^\s*[a-zA-Z][a-zA-Z0-9+.-]*:")
POLICY_HEADER = "content-security-policy"


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


def page_problems(
    html: bytes, *, policy: str, allowed: set[str], may_redirect: bool
) -> list[str]:
    """What on one built page breaks the policy, read with an HTML parser."""
    root = lxml.html.document_fromstring(html)
    problems = []
    head = root.find("head")
    equivs = [] if head is None else head.findall("meta[@http-equiv]")
    policies = [m for m in equivs if m.get("http-equiv", "").lower() == POLICY_HEADER]
    if len(policies) != 1 or policies[0].get("content") != policy:
        problems.append("the page's head does not carry the site's policy exactly once")
    for meta in root.iter("meta"):
        kind = (meta.get("http-equiv") or "").lower()
        if kind and kind != POLICY_HEADER and not (may_redirect and kind == "refresh"):
            problems.append(f"a <meta http-equiv={kind!r}> tag the site does not write")
        if kind and meta.getparent() is not head:
            problems.append(f"a <meta http-equiv={kind!r}> tag outside the head")
    for script in root.iter("script"):
        kind = (script.get("type") or "").lower()
        if script.get("src") is not None:
            src = script.get("src")
            if SCHEME.match(src) or src.startswith("//"):
                problems.append(f"a script from elsewhere: {src!r}")
        elif kind != "application/ld+json":
            body = script.text or ""
            if source_hash(body) not in allowed:
                problems.append(
                    f"inline script {body.strip()[:40]!r} is not one the theme or "
                    "the project ships"
                )
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "style":
            problems.append("a <style> element, which the policy blocks")
        for name, value in element.attrib.items():
            if name == "style":
                problems.append(f"an inline style on <{element.tag}>")
            elif name.startswith("on"):
                problems.append(f"an event handler {name!r} on <{element.tag}>")
            elif name in ("href", "src", "action", "formaction") and (
                value.strip().lower().startswith(("javascript:", "data:text", "vbscript:"))
            ):
                problems.append(f"<{element.tag} {name}={value[:40]!r}>")
    ids = [e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")]
    for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"the id {duplicate!r} is used twice on the page")
    return problems


def prepare_policy(app: Sphinx) -> None:
    """Hash the project's and the theme's inline scripts before any page is
    read, and hand the policy to the templates (``base.html``'s head)."""
    if app.builder.format != "html" or not app.config.handbook_csp_enabled:
        return
    confdir = Path(app.confdir)
    theme_dirs = [Path(d) for d in app.builder.theme.get_theme_dirs()] if hasattr(
        app.builder, "theme"
    ) and app.builder.theme else []
    hashes = shipped_inline_scripts(
        theme_dirs, [confdir / d for d in app.config.templates_path]
    )
    app.config.html_context = {
        **app.config.html_context,
        "handbook_csp_policy": policy_text(app.config.handbook_csp, hashes),
        "handbook_csp_hashes": hashes,
    }


def check_pages(app: Sphinx, exception: Exception | None) -> None:
    """Every page of the finished build, parsed: the policy once in its head,
    and nothing on it that the policy would have to block."""
    context = app.config.html_context
    if exception or app.builder.format != "html" or "handbook_csp_policy" not in context:
        return
    policy, allowed = context["handbook_csp_policy"], set(context["handbook_csp_hashes"])
    outdir = Path(app.outdir)
    redirects = {f"{old}.html" for old in getattr(app.config, "handbook_redirects", {})}
    for path in sorted(outdir.rglob("*.html")):
        rel = path.relative_to(outdir).as_posix()
        for problem in page_problems(
            path.read_bytes(), policy=policy, allowed=allowed, may_redirect=rel in redirects
        ):
            logger.warning("%s: %s", rel, problem, type="handbook", subtype="csp")


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("handbook_csp", POLICY, "html", types=frozenset({dict}))
    app.add_config_value("handbook_csp_enabled", True, "html", types=frozenset({bool}))
    app.connect("builder-inited", prepare_policy)
    app.connect("build-finished", check_pages)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
