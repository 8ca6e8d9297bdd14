"""The policy check reads pages with a parser: what it refuses and allows.

The real book's pages are checked in test_reader_safety.py and in the
browser (test_browser.py); these are the cases a hostile page could try.
"""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import furo
import pytest
import sphinx

import csp
from conftest import page_soup
from csp import page_problems, source_hash

DOCS = Path(__file__).resolve().parents[1] / "docs"

POLICY = "default-src 'self'; script-src 'self' 'sha256-x'"
OURS = "console.log('ours')"


def page(head: str = "", body: str = "") -> bytes:
    policy = POLICY.replace("'", "&#39;")
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
        f"{head}</head><body>{body}<script>{OURS}</script></body></html>"
    ).encode()


def problems(html: bytes, *, may_redirect: bool = False) -> list[str]:
    return page_problems(
        html, policy=POLICY, allowed={source_hash(OURS)}, may_redirect=may_redirect
    )


def test_a_clean_page_passes():
    assert problems(page(body="<p>The Content-Security-Policy, in words.</p>")) == []


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (page(body="<script>alert(1)</script>"), "inline script 'alert(1)'"),
        (
            page(body="<script src='https://cdn.example.org/x.js'></script>"),
            "a script from elsewhere",
        ),
        (
            page(
                head="<meta http-equiv='refresh' content='0; url=https://example.org/'>"
            ),
            "'refresh'",
        ),
        (
            page(
                head="<meta http-equiv='Content-Security-Policy' content='script-src *'>"
            ),
            "does not carry the site's policy exactly once",
        ),
        (page(body="<p style='display:none'>x</p>"), "an inline style on <p>"),
        (page(body="<style>.quick-exit{display:none}</style>"), "a <style> element"),
        (
            page(body="<img src='x.png' onerror='alert(1)'>"),
            "an event handler 'onerror'",
        ),
        (
            page(body="<a href='javascript:alert(1)'>x</a>"),
            "<a href='javascript:alert(1)'",
        ),
        (
            page(body="<div id='quick-exit'></div><a id='quick-exit'></a>"),
            "'quick-exit' is used twice",
        ),
        (
            b"<html><head></head><body><p>A page without it.</p></body></html>",
            "exactly once",
        ),
    ],
)
def test_what_a_page_may_not_carry(html, expected):
    found = problems(html)
    assert any(expected in problem for problem in found), found


def test_a_redirect_stub_may_refresh():
    stub = page(head="<meta http-equiv='refresh' content='0; url=new.html'>")
    assert problems(stub, may_redirect=True) == []


def test_the_build_parses_every_page_it_wrote(rootdir, tmp_path):
    """The check runs on the finished build: the minimal root's basic theme
    writes no policy and inline styles, and the build names each page."""
    from conftest import run_strict_build

    result = run_strict_build(
        rootdir / "test-minimal",
        tmp_path / "out",
        "html",
        "-D",
        "handbook_csp_enabled=1",
    )
    assert result.returncode != 0
    assert (
        "index.html: the page's head does not carry the site's policy exactly once"
        in result.warnings
    )
    assert "chapters/one.html: an inline style on" in result.warnings


# -- The theme's inline scripts, pinned in csp.py ------------------------------
# csp.py allows the theme's inline scripts by hashes pinned for one furo
# release. Here, and only here, the installed theme's templates are scanned,
# so that a furo or Sphinx update that changes a script fails a test instead
# of widening the policy unseen.

THEMES = {
    "furo": Path(furo.__file__).parent / "theme" / "furo",
    "basic": Path(sphinx.__file__).parent / "themes" / "basic",
}


def theme_inline_scripts() -> dict[str, str]:
    """Every inline script without template code in the installed themes'
    templates, by template, read with an HTML parser."""
    found = {}
    for theme, folder in THEMES.items():
        for template in sorted(folder.rglob("*.html")):
            parser = InlineScripts()
            parser.feed(template.read_text(encoding="utf-8"))
            for body in parser.bodies:
                if body.strip() and "{{" not in body and "{%" not in body:
                    key = f"{theme}/{template.relative_to(folder).as_posix()}"
                    assert key not in found, f"{key} holds two inline scripts"
                    found[key] = source_hash(body)
    return found


class InlineScripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.bodies: list[str] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if (
            tag == "script"
            and "src" not in names
            and names.get("type") != "application/ld+json"
        ):
            self._inside = True
            self.bodies.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.bodies[-1] += data


def test_the_pin_is_for_the_installed_furo():
    assert furo.__version__ == csp.THEME_VERSION
    assert csp.theme_version() == furo.__version__


def test_the_pinned_hashes_are_the_installed_themes_inline_scripts():
    assert theme_inline_scripts() == csp.THEME_INLINE_SCRIPTS


def test_the_scan_finds_a_new_script(tmp_path, monkeypatch):
    """The test above can fail: a theme with one more inline script."""
    changed = tmp_path / "furo"
    shutil.copytree(THEMES["furo"], changed)
    (changed / "partials" / "extra.html").write_text("<script>alert(1)</script>")
    monkeypatch.setitem(THEMES, "furo", changed)
    assert theme_inline_scripts() != csp.THEME_INLINE_SCRIPTS


def test_the_policy_allows_exactly_the_built_pages_theme_scripts(book):
    """Of the pinned hashes, the built pages use furo's colour-scheme switch;
    every other inline script on them is the project's (quick-exit.js)."""
    ours = set(csp.shipped_inline_scripts([DOCS / "_templates"])) - set(
        csp.THEME_INLINE_SCRIPTS.values()
    )
    theme_scripts = set()
    for path in book.every_page():
        page = page_soup(path)
        for script in page.find_all("script"):
            if (
                script.get("src") is None
                and script.get("type") != "application/ld+json"
            ):
                digest = source_hash(script.string or "")
                if digest not in ours:
                    theme_scripts.add(digest)
    assert theme_scripts == {csp.THEME_INLINE_SCRIPTS["furo/base.html"]}


def test_another_furo_is_a_warning(monkeypatch, tmp_path):
    warnings = []
    monkeypatch.setattr(csp, "theme_version", lambda: "2099.1.1")
    monkeypatch.setattr(
        csp.logger, "warning", lambda *args, **kwargs: warnings.append(args)
    )
    config = SimpleNamespace(
        handbook_csp_enabled=True,
        handbook_csp=csp.POLICY,
        templates_path=[],
        html_context={},
    )
    app = SimpleNamespace(
        builder=SimpleNamespace(format="html"), config=config, confdir=tmp_path
    )
    csp.prepare_policy(app)
    assert len(warnings) == 1
    assert "2099.1.1" in warnings[0]
    assert "sha256-ySvT2PEZ" in config.html_context["handbook_csp_policy"]
