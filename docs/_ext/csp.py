"""A Content-Security-Policy on every page that a page's content cannot widen.

The policy allows only the site's own files: no third-party scripts, styles,
fonts, images or connections, and no inline style at all. Inline scripts
are allowed only by SHA-256 hash, and the hashes are computed from the files
the theme and this project ship, never from what a built page contains:

- the theme's inline scripts, pinned by hash in ``THEME_INLINE_SCRIPTS``
  below for the furo release in ``THEME_VERSION`` (furo's colour-scheme
  switch, on every page);
- every ``*.js`` file in the project's ``templates_path``, which templates
  include inline (the quick exit, ``_templates/handbook/quick-exit.js``).

Why the theme's scripts are pinned rather than found: a hash in the policy
lets a script run, so each one should be a decision someone reviewed, not
whatever a regular expression finds in the installed theme's template
sources. With the pin, a furo release that changes or adds an inline script
cannot widen the policy by itself: the build warns that the installed furo
is not the pinned one, and the page check below names any inline script the
policy does not allow, so ``-W`` fails until the pin is reviewed.
``tests/test_csp.py`` compares the pin with the scripts in the installed
theme's templates and with the inline scripts of a rendered page, so the
scan lives in a test, where a mistake fails loudly.

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
of frames, and ``docs-dev/safety-and-privacy.md`` lists the headers a host
should send.

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
import importlib.metadata
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
# The inline scripts of the theme's templates (furo, and Sphinx's basic
# theme that furo extends), by the template that holds them. Only furo's
# colour-scheme switch is on the site's pages; the others belong to
# templates this site never renders (the domain index, the sidebar search
# box) and are kept so that this change leaves the policy, and so every
# page, byte-identical; dropping them is a policy change of its own.
# After a furo or Sphinx update: run tests/test_csp.py, review each new
# script, then update the hashes and THEME_VERSION.
THEME_VERSION = "2025.12.19"
THEME_INLINE_SCRIPTS = {
    "furo/base.html": "'sha256-ySvT2PEZeueHGC1y2crNuNTfphBynFPP7i+U21fEgX0='",
    "furo/domainindex.html": "'sha256-Gke5bo3Lgoj0gtCNed5h2loaTjz9BQ8yOm9xoghqLfw='",
    "basic/domainindex.html": "'sha256-QQp1+yQ44jXFkCG947LSh3deVmGtOx53zKNwtOtG3+4='",
    "basic/searchbox.html": "'sha256-zj7JiAWUmJUmuXstiRyFPrIwRDuFhv++7c0NjNrUxos='",
    "basic/searchfield.html": "'sha256-zj7JiAWUmJUmuXstiRyFPrIwRDuFhv++7c0NjNrUxos='",
}
SCHEME = re.compile(r"^\s*[a-zA-Z][a-zA-Z0-9+.-]*:")
POLICY_HEADER = "content-security-policy"


def source_hash(body: str) -> str:
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def shipped_inline_scripts(template_dirs: list[Path]) -> list[str]:
    """The hashes of the inline scripts the theme and the project ship: the
    theme's as pinned, then every ``*.js`` file in the template folders."""
    hashes = list(THEME_INLINE_SCRIPTS.values())
    for folder in template_dirs:
        for script in sorted(folder.rglob("*.js")):
            # Jinja drops the file's final newline when it includes it.
            text = script.read_text(encoding="utf-8").removesuffix("\n")
            hashes.append(source_hash(text))
    return list(dict.fromkeys(hashes))


def theme_version() -> str | None:
    try:
        return importlib.metadata.version("furo")
    except importlib.metadata.PackageNotFoundError:
        return None


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
                value.strip()
                .lower()
                .startswith(("javascript:", "data:text", "vbscript:"))
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
    if (installed := theme_version()) != THEME_VERSION:
        logger.warning(
            "csp.py pins the inline scripts of furo %s, but furo %s is "
            "installed: review its inline scripts and update THEME_INLINE_SCRIPTS "
            "and THEME_VERSION (tests/test_csp.py shows the difference)",
            THEME_VERSION,
            installed,
            type="handbook",
            subtype="csp",
        )
    confdir = Path(app.confdir)
    hashes = shipped_inline_scripts([confdir / d for d in app.config.templates_path])
    app.config.html_context = {
        **app.config.html_context,
        "handbook_csp_policy": policy_text(app.config.handbook_csp, hashes),
        "handbook_csp_hashes": hashes,
    }


def check_pages(app: Sphinx, exception: Exception | None) -> None:
    """Every page of the finished build, parsed: the policy once in its head,
    and nothing on it that the policy would have to block."""
    context = app.config.html_context
    if (
        exception
        or app.builder.format != "html"
        or "handbook_csp_policy" not in context
    ):
        return
    policy, allowed = (
        context["handbook_csp_policy"],
        set(context["handbook_csp_hashes"]),
    )
    outdir = Path(app.outdir)
    redirects = {f"{old}.html" for old in getattr(app.config, "handbook_redirects", {})}
    for path in sorted(outdir.rglob("*.html")):
        rel = path.relative_to(outdir).as_posix()
        for problem in page_problems(
            path.read_bytes(),
            policy=policy,
            allowed=allowed,
            may_redirect=rel in redirects,
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
