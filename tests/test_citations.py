"""The "handbook" citation style (docs/_ext/citations.py): pybtex's plain
style, formatting an unchanged entry once and reusing it on the next build."""

from __future__ import annotations

import shutil

import pybtex.database
import pytest
from pybtex.plugin import find_plugin
from pybtex.style.formatting.plain import Style as PlainStyle

import citations
from conftest import run_strict_build

# Made-up entries (test data, not sources): an article and a book.
BIB = """
@article{example2020,
  author  = {Example, Ann B. and Sample, Cal and von Test, Dee},
  title   = {A Made-Up Article for Tests},
  journal = {Journal of Test Data},
  year    = {2020},
  volume  = {1},
  pages   = {1--10}
}
@book{sample2021,
  author    = {Sample, Cal},
  title     = {A Made-Up Book: Its Subtitle},
  publisher = {Test Press},
  year      = {2021}
}
"""


@pytest.fixture
def entries():
    return list(pybtex.database.parse_string(BIB, "bibtex").entries.values())


def formatted(style, entries):
    return [
        (entry.key, entry.label, entry.text.render_as("text"))
        for entry in style.format_entries(entries)
    ]


def test_handbook_style_formats_exactly_as_plain(entries, monkeypatch):
    monkeypatch.setattr(citations, "ACTIVE", citations.Memory({}))
    assert formatted(citations.HandbookStyle(), entries) == formatted(
        PlainStyle(), entries
    )


def test_an_unchanged_entry_is_reused_and_a_changed_one_formatted_again(
    entries, monkeypatch
):
    monkeypatch.setattr(citations, "ACTIVE", citations.Memory({}))
    first = {e.key: e for e in citations.HandbookStyle().format_entries(entries)}
    remembered = citations.ACTIVE.current
    assert len(remembered) == 2

    entries[1].fields["title"] = "A Made-Up Book"
    monkeypatch.setattr(citations, "ACTIVE", citations.Memory(remembered))
    second = {e.key: e for e in citations.HandbookStyle().format_entries(entries)}
    assert second["example2020"] is first["example2020"]
    assert second["sample2021"] is not first["sample2021"]
    assert (
        second["sample2021"]
        .text.render_as("text")
        .startswith("Cal Sample. A Made-Up Book.")
    )
    # Only what this build used is kept: the old title's entry is gone.
    assert len(citations.ACTIVE.current) == 2


def test_a_second_build_formats_no_entry_again(rootdir, tmp_path, monkeypatch):
    """Build the minimal root, change a page, build again: the citation is
    the same, and pybtex formatted it in the first build only."""
    calls: list[str] = []
    real = PlainStyle.format_entry

    def counting(self, label, entry, bib_data=None):
        calls.append(entry.key)
        return real(self, label, entry, bib_data=bib_data)

    monkeypatch.setattr(PlainStyle, "format_entry", counting)
    src, out = tmp_path / "src", tmp_path / "out"
    shutil.copytree(rootdir / "test-minimal", src)
    assert run_strict_build(src, out).returncode == 0
    assert calls == ["real2020"]
    assert find_plugin("pybtex.style.formatting", "handbook") is citations.HandbookStyle
    page = out / "chapters" / "one.html"
    before = page.read_text(encoding="utf-8")

    chapter = src / "chapters" / "one.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nOne more line.\n")
    assert run_strict_build(src, out).returncode == 0
    after = page.read_text(encoding="utf-8")
    assert calls == ["real2020"], "the unchanged entry was formatted again"
    assert "One more line." in after
    assert after.replace("<p>One more line.</p>\n", "") == before
