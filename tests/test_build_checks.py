"""Contributors' mistakes fail the build with a message naming file and line.

Every mistake is one page of ``tests/roots/test-build-checks``, built once
with the handbook's strict flags (-n -W --keep-going); each test reads the
warnings of that one build. ``tests/roots/test-minimal`` is the valid root.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from conftest import DOCS, run_strict_build


def test_a_valid_root_builds_cleanly(strict_build):
    result = strict_build("minimal")
    assert result.returncode == 0, result.warnings
    assert result.warnings == ""
    card = BeautifulSoup(
        (result.outdir / "exercises" / "good.html").read_text(), "lxml"
    )
    assert card.select_one(".exercise-card .exercise-steps ol li")
    assert card.select_one(
        ".safety-box.exercise-when-not-to-use a[href='../index.html']"
    )
    chapter = BeautifulSoup(
        (result.outdir / "chapters" / "one.html").read_text(), "lxml"
    )
    assert (
        chapter.select_one(".chapter-exercises a")["href"] == "../exercises/good.html"
    )
    # A page's own social image replaces the site's card, with its alt text.
    assert (
        chapter.find("meta", property="og:image")["content"]
        == "https://example.org/card.png"
    )
    assert (
        chapter.find("meta", property="og:image:alt")["content"]
        == "A plain white square"
    )
    home = BeautifulSoup((result.outdir / "index.html").read_text(), "lxml")
    assert (
        home.find("meta", property="og:image")["content"]
        == "https://example.org/site-card.png"
    )


def test_malformed_exercises_fail_with_file_and_line(mistakes):
    result = mistakes
    assert result.returncode != 0
    assert (
        "bad.md:10: WARNING: exercise is missing the field(s) time" in result.warnings
    )
    assert (
        "noparts.md:14: WARNING: 'exercise': Invalid option value for 'who'"
        in result.warnings
    )
    assert (
        "noparts.md:15: WARNING: 'exercise': Unknown option key: 'colour'"
        in result.warnings
    )


def test_exercise_parts_are_checked(mistakes):
    result = mistakes
    assert result.returncode != 0
    warnings = result.warnings
    assert (
        "partial.md:9: WARNING: exercise needs exactly one 'prompts' part, found 0"
        in warnings
    )
    assert (
        "partial.md:9: WARNING: exercise needs exactly one 'when-not-to-use' part"
        in warnings
    )
    assert (
        "unlisted.md:9: WARNING: the 'steps' part must hold a numbered list" in warnings
    )
    assert (
        "wrong-chapter.md:9: WARNING: exercise names chapter 'chapters/none', which is not a page"
        in warnings
    )


def test_missing_description_names_the_page(mistakes):
    result = mistakes
    assert result.returncode != 0
    assert "nodesc.md:1: WARNING: front matter has no 'description'" in result.warnings


def test_broken_front_matter_names_the_page(mistakes):
    result = mistakes
    assert result.returncode != 0
    assert "broken.md:1: WARNING: Malformed YAML" in result.warnings


def test_unknown_citation_key_fails(mistakes):
    result = mistakes
    assert result.returncode != 0
    assert (
        'unknown-citation.md:7: WARNING: could not find bibtex key "nosuchkey2020"'
        in result.warnings
    )


def test_broken_cross_reference_fails(mistakes):
    result = mistakes
    assert result.returncode != 0
    assert (
        "broken-xref.md:7: WARNING: unknown document: 'missing-page'" in result.warnings
    )
    assert "no-such-anchor" in result.warnings


def test_duplicate_label_fails(mistakes):
    result = mistakes
    assert result.returncode != 0
    assert (
        'duplicate-label.md:12: WARNING: Duplicate explicit target name: "same-label"'
        in result.warnings
    )


def test_orphan_page_fails(mistakes):
    result = mistakes
    assert result.returncode != 0
    assert (
        "forgotten.md: WARNING: document isn't included in any toctree"
        in result.warnings
    )


def test_seo_checks_name_each_page(mistakes):
    result = mistakes
    assert result.returncode != 0
    warnings = result.warnings
    assert "short.md:1: WARNING: description is 10 characters" in warnings
    assert "long-title.md:1: WARNING: title tag" in warnings
    assert "twin.md:1: WARNING: same description as long-title" in warnings
    assert "no-alt.md:7: WARNING: image 'pixel.png' has no alt text" in warnings
    assert (
        "own-image.md:1: WARNING: social image 'pixel.png' has no 'image_alt' text"
        in warnings
    )


def test_base_url_must_be_https(strict_build):
    result = strict_build(
        "minimal", "html", "-D", "handbook_base_url=http://example.org/"
    )
    assert result.returncode != 0
    assert "handbook_base_url must start with https://" in result.warnings


@pytest.mark.sphinx("html", testroot="minimal", parallel=2)
def test_extensions_are_parallel_safe(app):
    # Every extension (a module with a setup(); the others are helpers).
    ours = {
        path.stem
        for path in (DOCS / "_ext").glob("*.py")
        if "\ndef setup(" in path.read_text(encoding="utf-8")
    }
    assert ours <= app.extensions.keys(), "the test root must load every extension"
    for name in ours:
        assert app.extensions[name].parallel_read_safe is True, name
        assert app.extensions[name].parallel_write_safe is True, name
    app.build()
    assert app.statuscode == 0
    assert app.is_parallel_allowed("read") and app.is_parallel_allowed("write")
    assert "good" in app.env.handbook_exercises.get("exercises/good", {}).get("id", "")
    html = (app.outdir / "chapters" / "one.html").read_text()
    assert "min read" in html and "Good Exercise" in html


def minimal_with(tmp_path, rootdir, name: str, data: bytes):
    """A copy of the minimal root with one more page, listed in its toctree."""
    import shutil

    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-minimal", src)
    (src / f"{name}.md").write_bytes(data)
    index = src / "index.md"
    index.write_text(
        index.read_text().replace("exercises/good\n", f"exercises/good\n{name}\n")
    )
    return src


def test_an_unknown_directive_option_fails_with_file_and_line(tmp_path, rootdir):
    page = (
        b'---\ndescription: "A page with a phrase card whose option is misspelled."\n'
        b"---\n# Options\n\n:::{phrase} A label\n:colour: red\nWords to say.\n:::\n"
    )
    src = minimal_with(tmp_path, rootdir, "options", page)
    result = run_strict_build(src, tmp_path / "out")
    assert result.returncode != 0
    assert "options.md:7" in result.warnings
    assert "Unknown option key: 'colour'" in result.warnings
    # A declared option is honoured, not printed in the card.
    good = page.replace(b":colour: red", b":class: highlight")
    src2 = minimal_with(tmp_path / "2", rootdir, "options", good)
    # A class a page may use is one listed in handbook_page_classes.
    result = run_strict_build(
        src2, tmp_path / "out2", "html", "-D", "handbook_page_classes=highlight"
    )
    assert result.returncode == 0, result.warnings
    card = BeautifulSoup((tmp_path / "out2" / "options.html").read_text(), "lxml")
    assert "highlight" in card.select_one(".phrase-card")["class"]
    assert ":class:" not in card.select_one(".phrase-card").get_text()


def test_a_page_not_in_utf8_is_named_with_its_line_under_parallel_reading(
    tmp_path, rootdir
):
    latin = (
        '---\ndescription: "A page saved as Latin-1 by mistake, read by two workers."\n'
        "---\n# Café\n\nNaïve words.\n"
    ).encode("latin-1")
    src = minimal_with(tmp_path, rootdir, "latin", latin)
    result = run_strict_build(src, tmp_path / "out", "html", "-j", "2")
    assert result.returncode != 0
    assert "latin.md:4" in result.warnings
    assert "not saved as UTF-8" in result.warnings
