"""The print edition: the handbook PDF, chapter PDFs and fillable handouts."""

from __future__ import annotations

import pikepdf
import pytest

from conftest import DOCS, run_strict_build
from handbook_spec import CHAPTERS, CRISIS_NUMBERS, EXERCISES

LETTER = (612, 792)
A4 = (595, 842)


def page_size(pdf: pikepdf.Pdf) -> tuple[int, int]:
    box = pdf.pages[0].mediabox
    return round(float(box[2])), round(float(box[3]))


def outline_titles(pdf: pikepdf.Pdf) -> list[str]:
    titles = []

    def walk(items):
        for item in items:
            titles.append(item.title)
            walk(item.children)

    with pdf.open_outline() as outline:
        walk(outline.root)
    return titles


def text_of(pdf_path) -> str:
    """Text as a reader's tool extracts it (pdftotext would do the same)."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(pdf_path).pages)


@pytest.fixture(scope="module")
def handbook(book):
    with pikepdf.open(book.pdf / "emotional-intimacy-handbook.pdf") as pdf:
        yield pdf


def test_handbook_is_us_letter(handbook):
    assert page_size(handbook) == LETTER


def test_handbook_has_a_bookmark_for_every_chapter(handbook):
    titles = outline_titles(handbook)
    for title in CHAPTERS.values():
        assert any(title in t for t in titles), title
    for back in ("Exercises for Couples", "Glossary", "References"):
        assert back in titles


def test_handbook_metadata_comes_from_conf(handbook):
    info = handbook.docinfo
    assert str(info["/Title"]) == "Emotional Intimacy: A Handbook for Couples"
    assert str(info["/Author"]) == "Susan Cole Rome, LMFT"
    assert "emotional safety" in str(info["/Subject"])
    assert "attachment theory" in str(info["/Keywords"])


def test_handbook_is_tagged_pdf_ua_in_english(handbook):
    root = handbook.Root
    assert "/StructTreeRoot" in root
    assert root.MarkInfo.Marked is True
    assert str(root.Lang).startswith("en")
    assert root.ViewerPreferences.DisplayDocTitle is True
    xmp = handbook.open_metadata()
    assert xmp.get("pdfuaid:part") == "1"


def test_handbook_embeds_subset_atkinson_fonts_only(handbook):
    fonts = set()
    for obj in handbook.objects:
        if (
            isinstance(obj, pikepdf.Dictionary)
            and obj.get("/Type") == "/FontDescriptor"
        ):
            assert any(k in obj for k in ("/FontFile", "/FontFile2", "/FontFile3")), (
                obj.FontName
            )
            fonts.add(str(obj.FontName))
    assert fonts, "no embedded fonts"
    for name in fonts:
        prefix, _, family = name.lstrip("/").partition("+")
        assert len(prefix) == 6 and prefix.isupper(), f"{name} is not a subset"
        assert family.replace("-", "").startswith("AtkinsonHyperlegible"), name


def test_handbook_text_has_every_chapter_and_the_crisis_numbers(book):
    text = text_of(book.pdf / "emotional-intimacy-handbook.pdf")
    for title in CHAPTERS.values():
        assert title in text, title
    for number in CRISIS_NUMBERS:
        assert number in text
    assert "CC BY-NC-ND 4.0" in text
    # Web-only furniture never prints.
    assert "Skip to content" not in text
    assert "Download the fillable handout" not in text


@pytest.mark.parametrize("slug", CHAPTERS)
def test_each_chapter_has_its_own_pdf(book, slug):
    path = book.pdf / "chapters" / f"{slug}.pdf"
    with pikepdf.open(path) as pdf:
        assert page_size(pdf) == LETTER
        assert "/StructTreeRoot" in pdf.Root
    assert CHAPTERS[slug] in text_of(path)


@pytest.mark.parametrize("exercise", EXERCISES)
def test_each_handout_has_a_text_field_per_prompt(book, exercise):
    path = book.pdf / "handouts" / f"{exercise}.pdf"
    with pikepdf.open(path) as pdf:
        # The deeper exercises and the full crisis box take up to three.
        assert 1 <= len(pdf.pages) <= 3, f"{exercise}: {len(pdf.pages)} pages"
        fields = pdf.Root.AcroForm.Fields
        names = [str(f.T) for f in fields]
        assert names, "no form fields"
        assert all(n.startswith(f"{exercise}-prompt-") for n in names)
        assert all(f.FT == "/Tx" for f in fields)  # text fields
        assert "/StructTreeRoot" in pdf.Root
    text = text_of(path)
    for number in CRISIS_NUMBERS:
        assert number in text
    assert "CC BY-NC-ND 4.0" in text


def test_bundle_holds_every_handout(book):
    with pikepdf.open(book.pdf / "handouts" / "all-handouts.pdf") as pdf:
        names = {str(f.T).rsplit("-prompt-", 1)[0] for f in pdf.Root.AcroForm.Fields}
    assert names == set(EXERCISES)


def test_rebuild_is_byte_identical(book, tmp_path):
    again = run_strict_build(
        DOCS, tmp_path / "pdf", "print", "-d", str(tmp_path / "doctrees")
    )
    assert again.returncode == 0, again.warnings
    for path in sorted(book.pdf.rglob("*.pdf")):
        twin = tmp_path / "pdf" / path.relative_to(book.pdf)
        assert twin.read_bytes() == path.read_bytes(), path.name


def test_a4_switch(tmp_path):
    result = run_strict_build(
        DOCS,
        tmp_path / "pdf",
        "print",
        "-D",
        "handbook_paper_size=a4",
        "-d",
        str(tmp_path / "d"),
    )
    assert result.returncode == 0, result.warnings
    with pikepdf.open(tmp_path / "pdf" / "emotional-intimacy-handbook.pdf") as pdf:
        assert page_size(pdf) == A4
