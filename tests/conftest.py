"""Shared fixtures: the real book built once per session, and tiny test roots.

Read once, assert many times (CONTRIBUTING.md, "Where a test goes"):

- ``book``: the handbook built exactly as ``nox -s build`` builds it (strict,
  with -n -W) into a temporary folder, as a website, a print edition and an
  EPUB. Every test of the real output reads this one build.
- ``page_soup(path)``: a page of that build, parsed once a session.
- ``pdf_text``: the text of a PDF of that build, extracted once a session
  (``pdf_pages`` extracts it).
- ``catalogue``: the real book's message catalogues, extracted once as
  ``nox -s gettext`` extracts them.
- ``mistakes``: one build of ``tests/roots/test-build-checks``, which holds
  one page per contributor's mistake; tests assert on its warnings.

Test roots under ``tests/roots/test-*`` are small Sphinx projects sharing
``tests/roots/refs.bib`` (through ``tests/root_conf.py``), used with
``@pytest.mark.sphinx(testroot=...)`` or ``strict_build``. The only other
builds of the whole book are the byte-identity check
(test_trusted_builds.py) and the hostile pages (test_page_limits.py).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from sphinx.cmd.build import build_main

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
# The handbook's own extensions, importable by the test roots' conf.py.
sys.path.insert(0, str(DOCS / "_ext"))
sys.path.insert(0, str(ROOT / "scripts"))

pytest_plugins = ["sphinx.testing.fixtures"]

STRICT = ["-n", "-W", "--keep-going", "-q"]


def pytest_collection_modifyitems(config, items) -> None:
    """``HANDBOOK_SKIP_BROWSER=1`` skips the tests marked ``browser``: CI runs
    them on one Python only (.github/workflows/ci.yml), since the browser
    sees the same site whichever Python built it."""
    if os.environ.get("HANDBOOK_SKIP_BROWSER", "") not in ("", "0"):
        skip = pytest.mark.skip(
            reason="HANDBOOK_SKIP_BROWSER is set: the browser tests run on one "
            "Python in CI"
        )
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return Path(__file__).resolve().parent / "roots"


@dataclass(frozen=True)
class BuildResult:
    returncode: int
    warnings: str
    outdir: Path


def run_strict_build(
    srcdir: Path, outdir: Path, builder: str = "html", *extra: str
) -> BuildResult:
    """sphinx-build with the handbook's strict flags; warnings go to a file."""
    warnings = outdir.with_name(outdir.name + "-warnings.txt")
    code = build_main(
        [*STRICT, "-w", str(warnings), "-b", builder, *extra, str(srcdir), str(outdir)]
    )
    text = warnings.read_text(encoding="utf-8") if warnings.exists() else ""
    return BuildResult(returncode=code, warnings=text, outdir=outdir)


@pytest.fixture
def strict_build(rootdir: Path, tmp_path: Path):
    """Build a copy of ``tests/roots/test-<name>`` strictly; return the result."""

    def build(name: str, builder: str = "html", *extra: str) -> BuildResult:
        src = tmp_path / name
        shutil.copytree(rootdir / f"test-{name}", src)
        return run_strict_build(src, tmp_path / f"{name}-out", builder, *extra)

    return build


TRANSLATION_FOLDERS = frozenset({"es"})


@dataclass(frozen=True)
class Book:
    html: Path
    pdf: Path
    epub: Path

    def every_page(self) -> list[Path]:
        """Every HTML page of the English site, the redirect stubs included."""
        return sorted(
            p
            for p in self.html.rglob("*.html")
            if "downloads" not in p.parts and not self.translated(p)
        )

    def pages(self) -> list[Path]:
        """The English site's pages: not the downloads, nor the stubs that
        redirect an old address (redirects.py) to its new page. The Spanish
        pages (``es/``) are ``all_pages()``; tests/test_spanish.py reads them."""
        return [p for p in self.all_pages() if not self.translated(p)]

    def all_pages(self) -> list[Path]:
        """The pages of the site in every language (the browser walks them)."""
        return sorted(
            path
            for path in self.html.rglob("*.html")
            if "downloads" not in path.parts
            and 'http-equiv="refresh"' not in path.read_text(encoding="utf-8")
        )

    def translated(self, path: Path) -> bool:
        """A page of a translation (a language's folder, like ``es/``)."""
        return path.relative_to(self.html).parts[0] in TRANSLATION_FOLDERS


@pytest.fixture(scope="session")
def book(tmp_path_factory: pytest.TempPathFactory) -> Book:
    """The real handbook, built once for the whole test session, exactly as
    ``nox -s build`` builds it (scripts/build_book.py: strict, one staging
    folder, the downloads copied into the site)."""
    import build_book

    out = tmp_path_factory.mktemp("book")
    code = build_book.build_book(out, [])
    assert code == 0, "the book's build failed; its warnings are in the output above"
    return Book(html=out / "html", pdf=out / "pdf", epub=out / "epub")


def pdf_pages(path: Path, first: int | None = None) -> list[str]:
    """The text of each page of a PDF (of its ``first`` pages only, if
    given) as a reader's tool extracts it: PDFium, the PDF engine of
    Chromium's viewer. PDFium marks a word broken at a hyphen at the end of
    a line with U+FFFE and joins the line; the hyphen is put back."""
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    try:
        count = len(document) if first is None else min(first, len(document))
        return [
            document[i].get_textpage().get_text_range().replace("\ufffe", "-")
            for i in range(count)
        ]
    finally:
        document.close()


@functools.cache
def page_soup(path: Path):
    """A built page, parsed (lxml) once a session for every test that reads
    it. Shared: read it, never change it."""
    from bs4 import BeautifulSoup

    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


@pytest.fixture(scope="session")
def pdf_text():
    """``pdf_text(path)``: the text of one of the book's PDFs (pdf_pages),
    extracted once per session however many tests read it."""
    return functools.cache(lambda path: "\n".join(pdf_pages(path)))


@pytest.fixture(scope="session")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The book's message catalogues, extracted once as ``nox -s gettext``
    extracts them: Sphinx's gettext builder (the pages, one catalogue a
    page, and the templates into ``sphinx.pot``), then Babel (what the
    extensions mark with ``_()`` and conf.py with ``N_()``, into
    ``handbook.pot``). Returns the folder of ``*.pot``."""
    out = tmp_path_factory.mktemp("gettext")
    result = run_strict_build(DOCS, out / "pot", "gettext", "-d", str(out / "doctrees"))
    assert result.returncode == 0, result.warnings
    pybabel = Path(sys.executable).with_name("pybabel")
    options = ["--quiet", "extract", "--no-location", "--omit-header", "-k", "N_"]
    handbook = ["-o", str(out / "pot" / "handbook.pot"), str(DOCS / "_ext")]
    subprocess.run([pybabel, *options, *handbook, str(DOCS / "conf.py")], check=True)
    return out / "pot"


@pytest.fixture(scope="session")
def mistakes(rootdir: Path, tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """One build of ``tests/roots/test-build-checks``: every contributor's
    mistake on a page of its own (or in its conf.py), each expected to fail
    the build with a warning naming its file and line."""
    out = tmp_path_factory.mktemp("build-checks")
    result = run_strict_build(rootdir / "test-build-checks", out / "html")
    assert result.returncode != 0
    return result


# -- The site in Chromium (test_browser.py, test_search.py) -------------------
# Module scope, as before: a browser and a server kept for the whole session
# would still be running when later tests fork the print edition's workers,
# and a fork of a process with Playwright's threads can hang.


@pytest.fixture(scope="module")
def site(book):
    """The built site on a loopback port."""
    from bench_pages import serve

    server, base = serve(book.html)
    yield base
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium from the system (never a downloaded browser)."""
    from bench_pages import CHROMIUM_FLAGS, find_chromium

    executable = find_chromium()
    if executable is None:
        pytest.skip(
            "no Chromium installed (apt-get install chromium); CI always has it"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()
