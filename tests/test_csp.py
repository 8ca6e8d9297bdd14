"""The policy check reads pages with a parser: what it refuses and allows.

The real book's pages are checked in test_reader_safety.py and in the
browser (test_browser.py); these are the cases a hostile page could try.
"""

from __future__ import annotations

import pytest

from csp import page_problems, source_hash

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
        (page(body="<script src='https://cdn.example.org/x.js'></script>"), "a script from elsewhere"),
        (page(head="<meta http-equiv='refresh' content='0; url=https://example.org/'>"), "'refresh'"),
        (
            page(head="<meta http-equiv='Content-Security-Policy' content='script-src *'>"),
            "does not carry the site's policy exactly once",
        ),
        (page(body="<p style='display:none'>x</p>"), "an inline style on <p>"),
        (page(body="<style>.quick-exit{display:none}</style>"), "a <style> element"),
        (page(body="<img src='x.png' onerror='alert(1)'>"), "an event handler 'onerror'"),
        (page(body="<a href='javascript:alert(1)'>x</a>"), "<a href='javascript:alert(1)'"),
        (page(body="<div id='quick-exit'></div><a id='quick-exit'></a>"), "'quick-exit' is used twice"),
        (b"<html><head></head><body><p>A page without it.</p></body></html>", "exactly once"),
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
        rootdir / "test-minimal", tmp_path / "out", "html", "-D", "handbook_csp_enabled=1"
    )
    assert result.returncode != 0
    assert (
        "index.html: the page's head does not carry the site's policy exactly once"
        in result.warnings
    )
    assert "chapters/one.html: an inline style on" in result.warnings
