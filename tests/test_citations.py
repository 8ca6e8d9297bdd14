"""The "handbook" citation style (docs/_ext/citations.py): pybtex's plain
style, formatting an unchanged entry once and reusing it on the next build."""

from __future__ import annotations

import shutil

import citations
import pybtex.database
import pytest
from pybtex.plugin import find_plugin
from pybtex.style.formatting.plain import Style as PlainStyle

from conftest import run_strict_build

BIB = """
@article{ainsworth1978,
  author  = {Ainsworth, Mary D. Salter and Blehar, Mary C. and Waters, Everett},
  title   = {Patterns of Attachment},
  journal = {Child Development},
  year    = {1978},
  volume  = {49},
  pages   = {1--10}
}
@book{johnson2008,
  author    = {Johnson, Sue},
  title     = {Hold Me Tight: Seven Conversations for a Lifetime of Love},
  publisher = {Little, Brown},
  year      = {2008}
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

    entries[1].fields["title"] = "Hold Me Tight"
    monkeypatch.setattr(citations, "ACTIVE", citations.Memory(remembered))
    second = {e.key: e for e in citations.HandbookStyle().format_entries(entries)}
    assert second["ainsworth1978"] is first["ainsworth1978"]
    assert second["johnson2008"] is not first["johnson2008"]
    assert second["johnson2008"].text.render_as("text").startswith(
        "Sue Johnson. Hold Me Tight."
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
