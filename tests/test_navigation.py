"""The fast sidebar tree (docs/_ext/navigation.py) is exactly Sphinx's.

The test root has the handbook's navigation shape in small: captioned and
numbered toctrees, a section page with a hidden toctree of its own, an
explicit title, a link out, titles with characters that need escaping, and
the 404 page with absolute links.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from docutils import nodes

import navigation
from conftest import run_strict_build


def sidebar_trees(outdir: Path) -> dict[str, str]:
    trees = {}
    for path in sorted(outdir.rglob("*.html")):
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        tree = page.select_one(".sidebar-tree")
        trees[path.relative_to(outdir).as_posix()] = str(tree)
    return trees


def test_every_page_gets_the_same_tree_as_from_sphinx(rootdir, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-navigation", src)
    fast = run_strict_build(src, tmp_path / "fast", "html")
    slow = run_strict_build(
        src, tmp_path / "slow", "html", "-D", "handbook_fast_navigation=0"
    )
    assert fast.returncode == 0, fast.warnings
    assert slow.returncode == 0, slow.warnings

    fast_trees, slow_trees = sidebar_trees(fast.outdir), sidebar_trees(slow.outdir)
    assert fast_trees.keys() == slow_trees.keys()
    assert {"index.html", "practice/first.html", "404.html"} <= fast_trees.keys()
    for page, tree in fast_trees.items():
        assert tree == slow_trees[page], page

    # The comparison is not empty: the tree has what the root put in it.
    first = BeautifulSoup(fast_trees["practice/first.html"], "html.parser")
    current = first.select_one("li.current-page > a")
    assert current.get_text() == "The First Practice" and current["href"] == "#"
    assert [a.get_text() for a in first.select(".toctree-l1 > a")] == [
        "1. One: First & Foremost",
        "2. Two: \u201cQuoted\u201d & Co.",
        "Practice",
        "The Author",
        "Elsewhere",
    ]
    missing = BeautifulSoup(fast_trees["404.html"], "html.parser")
    assert missing.select_one("a[href='/part/one.html']") is not None


@pytest.mark.sphinx("html", testroot="navigation")
def test_the_shape_is_read_once_from_the_toctrees(app):
    app.build()
    shape = navigation.read_shape(app.env)
    assert shape is not None, "the fast path was not taken for the test root"
    assert [tree.caption for tree in shape] == [
        "Parts",
        "Practice",
        "More &amp; &quot;extras&quot;",
    ]
    practice = shape[1].entries[0]
    assert [child.target for child in practice.children] == [
        "practice/first",
        "practice/second",
    ]


@pytest.mark.sphinx("html", testroot="navigation")
def test_a_title_with_markup_is_left_to_sphinx(app):
    app.build()
    reference = next(app.env.tocs["part/one"].findall(nodes.reference))
    reference.append(nodes.emphasis("", "now"))
    assert navigation.read_shape(app.env) is None
