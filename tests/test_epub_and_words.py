"""The EPUB for e-readers, and spelling across the pages."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile

from conftest import ROOT
from handbook_spec import CHAPTERS


def test_epub_has_metadata_cover_and_every_chapter(book):
    path = book.epub / "emotional-intimacy-handbook.epub"
    with zipfile.ZipFile(path) as epub:
        names = epub.namelist()
        assert names[0] == "mimetype"
        opf = epub.read("content.opf").decode("utf-8")
        text = " ".join(
            epub.read(n).decode("utf-8")
            for n in names
            if n.startswith("chapters/") and n.endswith(".xhtml")
        )
    assert "<dc:title>Emotional Intimacy: A Handbook for Couples</dc:title>" in opf
    assert re.search(r"<dc:creator[^>]*>Susan Cole Rome, LMFT</dc:creator>", opf)
    assert "<dc:language>en</dc:language>" in opf
    assert 'name="cover"' in opf
    for title in CHAPTERS.values():
        assert title in text, title
    # The web-only download links and search are not in the e-book.
    assert "Download the fillable handout" not in text


def test_codespell_finds_no_misspelling():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "codespell_lib",
            "docs",
            "docs-dev",
            "README.md",
            "CONTRIBUTING.md",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_epub_carries_the_crisis_lines_with_the_tty(book):
    with zipfile.ZipFile(book.epub / "emotional-intimacy-handbook.epub") as epub:
        text = " ".join(
            epub.read(name).decode("utf-8")
            for name in epub.namelist()
            if name.endswith(".xhtml")
        )
    for needle in ("tel:+18007997233", "tel:+18007873224", "tel:988", "88788"):
        assert needle in text, needle
