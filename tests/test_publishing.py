"""``nox -s build`` publishes all of the book or none of it
(scripts/build_book.py): one staging folder for the site, the PDFs and the
EPUB, swapped in only when every build succeeded."""

from __future__ import annotations

import shutil

import pytest

import build_book

FOLDERS = ("html", "pdf", "epub")


@pytest.fixture
def site(tmp_path, rootdir, monkeypatch):
    """A build folder holding a last good build, and a way to build a test
    root into it."""
    out = tmp_path / "build"
    for folder in FOLDERS:
        (out / folder).mkdir(parents=True)
        (out / folder / "index.html").write_text("the last good build")

    def build(root: str) -> int:
        src = tmp_path / root
        shutil.copytree(rootdir / f"test-{root}", src)
        # The print edition links the byline and the safety box to pages of
        # the book; the home page is not one of them.
        with (src / "conf.py").open("a") as conf:
            # A new dict: root_conf's own is shared by every root built later
            # in this process.
            conf.write(
                'handbook_author = {**handbook_author, "profile_page": "chapters/one"}\n'
            )
            conf.write('handbook_safety_page = "chapters/one"\n')
            conf.write('copyright = "2026, Test Author"\nversion = "1.0"\n')
        monkeypatch.setattr(build_book, "DOCS", src)
        return build_book.build_book(out, [])

    return out, build


def test_a_failed_build_publishes_nothing(site, capsys):
    out, build = site
    assert build("build-checks") != 0  # every mistake of tests/roots
    for folder in FOLDERS:
        assert (out / folder / "index.html").read_text() == "the last good build"
    assert "unknown document: 'missing-page'" in capsys.readouterr().err


def test_a_good_build_replaces_site_pdfs_and_epub_together(site):
    out, build = site
    assert build("minimal") == 0
    assert "the last good build" not in (out / "html" / "index.html").read_text()
    assert not (out / "pdf" / "index.html").exists()
    assert (out / "html" / "exercises" / "good.html").is_file()
    # The site carries the PDFs and the EPUB it links to.
    pdfs = sorted(p.relative_to(out / "pdf") for p in (out / "pdf").rglob("*.pdf"))
    assert pdfs
    for pdf in pdfs:
        assert (out / "html" / "downloads" / pdf).is_file()
    epubs = list((out / "epub").glob("*.epub"))
    assert len(epubs) == 1
    assert (out / "html" / "downloads" / epubs[0].name).is_file()
    assert not (out / ".staging").exists()
