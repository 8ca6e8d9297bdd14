"""docs/_templates/page.html: the one place that rewrites furo's markup.

The template is rendered here with Jinja over the installed furo, as Sphinx
renders it (our templates first, then furo's, then Sphinx's basic theme),
without building the book. Each rewrite's markup must be on furo's rendered
page, or the template warns; a furo whose markup changed is simulated by
editing a copy of its templates.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import furo
import jinja2
import jinja2.nodes
import pytest
import sphinx
from bs4 import BeautifulSoup

DOCS = Path(__file__).resolve().parents[1] / "docs"
TEMPLATES = DOCS / "_templates"
FURO = Path(furo.__file__).parent / "theme" / "furo"
BASIC = Path(sphinx.__file__).parent / "themes" / "basic"

# Where each entry of FURO_MARKUP comes from in furo's sources, and an edit
# that takes that markup away, as a furo release might.
FURO_SOURCES = {
    "skip link": ("page.html", 'href="#furo-main-content"', 'href="#main"'),
    "sprite style": ("partials/icons.html", 'style="display: none;"', "hidden"),
    "icon opacity": ("partials/icons.html", 'style="opacity: 50%"', 'opacity="0.5"'),
    "sidebar aside": ("page.html", '<aside class="sidebar-drawer">', "<nav>"),
    "toc aside": ("page.html", '<aside class="toc-drawer', '<aside class="toc'),
    "first toggle": (
        "page.html",
        'class="sidebar-toggle" name="__navigation"',
        'name="n"',
    ),
    "last toggle": ("page.html", 'aria-label="Toggle table of contents sidebar"', ""),
    "menu label": (
        "page.html",
        'aria-label="Toggle site navigation sidebar"',
        'aria-label="Menu"',
    ),
    "contents label": (
        "page.html",
        'aria-label="Toggle table of contents sidebar"',
        'aria-label="Contents"',
    ),
    "theme label": (
        "page.html",
        'aria-label="Toggle Light / Dark / Auto color theme"',
        'aria-label="Theme"',
    ),
}


class ThemeLoader(jinja2.BaseLoader):
    """Sphinx's lookup: ``name`` in our templates, then the themes;
    ``!name`` in the themes only."""

    def __init__(self, themes: list[Path]) -> None:
        self.themes = themes

    def get_source(self, environment, template):
        folders = self.themes if template.startswith("!") else [TEMPLATES, *self.themes]
        name = template.removeprefix("!")
        for folder in folders:
            path = folder / name
            if path.is_file():
                return path.read_text(encoding="utf-8"), str(path), lambda: True
        raise jinja2.TemplateNotFound(template)


def render_page(furo_dir: Path = FURO) -> tuple[str, list[str]]:
    """A page as our page.html renders it over ``furo_dir``, and the
    template's warnings."""
    warnings: list[str] = []
    env = jinja2.Environment(
        loader=ThemeLoader([furo_dir, BASIC]),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.ChainableUndefined,
    )
    env.install_null_translations()
    env.globals["warning"] = lambda message, *args: warnings.append(message) or ""
    html = env.get_template("page.html").render(
        pagename="chapters/the-cycle",
        title="The Cycle",
        body='<section><h1>The Cycle</h1><p class="caption" role="heading">'
        '<span class="caption-text">Chapters</span></p></section>',
        toc="<ul></ul>",
        sidebars=[],
        css_files=[],
        script_files=[],
        language="en",
        master_doc="index",
        theme_top_of_page_button="edit",
        theme_top_of_page_buttons=[],
        furo_hide_toc=False,
        pathto=lambda *args: "#",
        hasdoc=lambda name: False,
        css_tag=str,
        js_tag=str,
    )
    return html, warnings


@pytest.fixture(scope="module")
def page() -> tuple[str, list[str]]:
    return render_page()


def furo_markup_entries() -> int:
    """How many entries page.html's FURO_MARKUP table has."""
    tree = jinja2.Environment(extensions=["jinja2.ext.i18n"]).parse(
        (TEMPLATES / "page.html").read_text(encoding="utf-8")
    )
    (table,) = [
        node.node
        for node in tree.find_all(jinja2.nodes.Assign)
        if isinstance(node.target, jinja2.nodes.Name)
        and node.target.name == "furo_markup"
    ]
    return len(table.items)


def test_every_rewrite_finds_its_markup_on_furos_page(page):
    html, warnings = page
    assert warnings == []
    assert '<div class="page">' in html  # furo's page was really rendered


def test_the_test_knows_every_entry_of_the_table():
    assert furo_markup_entries() == len(FURO_SOURCES)


@pytest.mark.parametrize("entry", FURO_SOURCES)
def test_a_changed_furo_fails_loudly(tmp_path, entry):
    name, theirs, ours = FURO_SOURCES[entry]
    changed = tmp_path / "furo"
    shutil.copytree(FURO, changed)
    source = (changed / name).read_text(encoding="utf-8")
    assert theirs in source
    (changed / name).write_text(source.replace(theirs, ours), encoding="utf-8")
    _, warnings = render_page(changed)
    assert len(warnings) >= 1
    assert all("furo's markup changed" in warning for warning in warnings)


def test_the_rewritten_page_is_what_the_handbook_needs(page):
    html, _ = page
    root = BeautifulSoup(html, "html.parser")
    skip = root.select_one("a.skip-to-content")
    assert skip.find_next_sibling().get("class") == ["quick-exit-region"]
    assert not root.select("[style]")
    labels = {aside.get("aria-label") for aside in root.select("aside")}
    assert {"Handbook contents", "On this page"} <= labels
    toggles = root.select("div.drawer-toggles[role=region] > input.sidebar-toggle")
    assert len(toggles) == 2
    assert root.select('article p.caption[role=heading][aria-level="2"]')


def test_sphinx_and_docutils_still_write_what_the_content_rewrite_expects(book):
    """CONTENT_MARKUP's entries occur on some pages only, so the template
    cannot require them; the built book shows each one took effect."""
    index = (book.html / "index.html").read_text(encoding="utf-8")
    assert 'role="heading" aria-level="2">' in index
    references = (book.html / "references.html").read_text(encoding="utf-8")
    assert 'role="listitem"' in references
    for path in book.pages():
        html = path.read_text(encoding="utf-8")
        assert 'role="doc-biblioentry"' not in html, path.name
        assert 'role="heading">' not in html, path.name
