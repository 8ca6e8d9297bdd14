"""The print edition: the handbook PDF, chapter PDFs and fillable handouts."""

from __future__ import annotations

import multiprocessing
import os
import runpy
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from urllib.parse import urlsplit

import pikepdf
import pytest
from bs4 import BeautifulSoup

from conftest import DOCS, pdf_pages, run_strict_build
from handbook_spec import (
    CHAPTERS,
    CRISIS_NUMBERS,
    EXERCISES,
    PATH_WEEKS,
    PRINT_TEMPLATE_SENTENCES,
)

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
    """Text as a reader's tool extracts it (conftest.pdf_pages)."""
    return "\n".join(pdf_pages(pdf_path))


def fields_of(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    return list(pdf.Root.AcroForm.Fields) if "/AcroForm" in pdf.Root else []


def rect(field: pikepdf.Dictionary) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of a field's widget on its page."""
    x1, y1, x2, y2 = (float(v) for v in field.Rect)
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def is_tagged_pdf_ua(pdf: pikepdf.Pdf) -> bool:
    return (
        "/StructTreeRoot" in pdf.Root
        and pdf.Root.MarkInfo.Marked is True
        and pdf.open_metadata().get("pdfuaid:part") == "1"
    )


def exercise_card(book, exercise: str) -> tuple[str, list[str]]:
    """``who`` and the reflection prompts of an exercise, from its web page."""
    soup = BeautifulSoup(
        (book.html / "exercises" / f"{exercise}.html").read_text(encoding="utf-8"),
        "lxml",
    )
    card = soup.select_one(".exercise-card")
    who = next(
        dt.find_next_sibling("dd").get_text(" ", strip=True)
        for dt in card.select(".exercise-summary dt")
        if dt.get_text(strip=True) == "Who"
    )
    prompts = [
        " ".join(li.get_text().split())
        for li in card.select(".exercise-prompts ul > li")
    ]
    return who.lower(), prompts


def from_conf(name: str):
    return runpy.run_path(str(DOCS / "conf.py"))[name]


def packets_in_conf() -> dict:
    return from_conf("handbook_packets")


# Three lines of 11pt text, set solid at 1.15, fit in a field this tall.
THREE_LINES = 3 * 11 * 1.15


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
    for back in ("Exercises for Couples", "Glossary", "References", "For Therapists"):
        assert back in titles


def test_handbook_holds_start_here_and_the_six_week_path(book, handbook, pdf_text):
    titles = outline_titles(handbook)
    assert "Start Here" in titles
    assert "A Six-Week Path" in titles
    # After the contents and before the first chapter, in this order.
    first_chapter = next(iter(CHAPTERS.values()))
    order = [
        next(i for i, t in enumerate(titles) if title in t)
        for title in ("Start Here", "A Six-Week Path", first_chapter)
    ]
    assert order == sorted(order), titles[:8]
    text = pdf_text(book.pdf / "emotional-intimacy-handbook.pdf")
    for week in PATH_WEEKS:
        assert week in text
    assert "I am not safe, or I am afraid of my partner" in text


def test_handbook_metadata_comes_from_conf(handbook):
    info = handbook.docinfo
    assert str(info["/Title"]) == "Emotional Intimacy: A Handbook for Couples"
    assert str(info["/Author"]) == "Susan Cole Rome, LMFT"
    assert "emotional safety" in str(info["/Subject"])
    assert "attachment theory" in str(info["/Keywords"])


def test_the_cover_prints_title_author_and_town_from_conf(book):
    cover = " ".join(
        pdf_pages(book.pdf / "emotional-intimacy-handbook.pdf", first=1)[0].split()
    )
    title, subtitle = from_conf("handbook_site_name").split(": ")
    author = from_conf("handbook_author")
    practice = from_conf("handbook_practice")
    assert title in cover and subtitle in cover
    assert f"{author['name']}, {author['credential']}" in cover
    town = f"{practice['locality']}, {practice['region_name']}"
    assert f"Couples therapy in {town}" in cover


@pytest.mark.parametrize(
    ("setting", "value"),
    [("handbook_paper_size", "b5"), ("handbook_print_workers", -1)],
)
def test_bad_print_settings_are_config_errors_naming_the_setting(setting, value):
    from types import SimpleNamespace

    from sphinx.errors import ConfigError

    from print_edition import check_print_config

    config = SimpleNamespace(
        **{"handbook_paper_size": "letter", "handbook_print_workers": 0, setting: value}
    )
    with pytest.raises(ConfigError, match=f"^{setting} must be .*conf.py"):
        check_print_config(None, config)


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


def test_handbook_text_has_every_chapter_and_the_crisis_numbers(book, pdf_text):
    text = pdf_text(book.pdf / "emotional-intimacy-handbook.pdf")
    for title in CHAPTERS.values():
        assert title in text, title
    for number in CRISIS_NUMBERS:
        assert number in text
    assert "CC BY-NC-ND 4.0" in text
    # Web-only furniture never prints.
    assert "Skip to content" not in text
    assert "Download the fillable handout" not in text
    # Where an editor checked a source stays in references.bib.
    assert "Verified" not in text


@pytest.mark.parametrize("slug", CHAPTERS)
def test_each_chapter_has_its_own_pdf(book, pdf_text, slug):
    path = book.pdf / "chapters" / f"{slug}.pdf"
    with pikepdf.open(path) as pdf:
        assert page_size(pdf) == LETTER
        assert "/StructTreeRoot" in pdf.Root
    assert CHAPTERS[slug] in pdf_text(path)


def check_answer_fields(book, exercise, fields, *, page_width):
    """One field a prompt (two side by side, one a partner, when the
    exercise is done together), each named after its prompt and big enough
    for three lines of writing."""
    who, prompts = exercise_card(book, exercise)
    per_prompt = 2 if who == "together" else 1
    assert len(fields) == per_prompt * len(prompts), (exercise, who, len(fields))
    assert all(f.FT == "/Tx" for f in fields)  # text fields
    for number, prompt in enumerate(prompts, 1):
        mine = [f for f in fields if str(f.T).startswith(f"{exercise}-prompt-{number}")]
        assert len(mine) == per_prompt, (exercise, number)
        for field in mine:
            assert prompt in str(field.TU), (str(field.TU), prompt)
            left, bottom, right, top = rect(field)
            assert top - bottom >= THREE_LINES, (str(field.T), top - bottom)
            assert 0 < left < right < page_width
        if per_prompt == 2:
            a, b = sorted(mine, key=lambda f: rect(f)[0])
            assert str(a.TU).startswith("Partner A") and str(b.TU).startswith(
                "Partner B"
            )
            assert str(a.T).endswith("-partner-a") and str(b.T).endswith("-partner-b")
            # Side by side: one row, the second field right of the first.
            assert abs(rect(a)[3] - rect(b)[3]) < 1
            assert rect(a)[2] < rect(b)[0]
            assert a.P.objgen == b.P.objgen  # on the same page


@pytest.mark.parametrize("exercise", EXERCISES)
def test_each_handout_has_a_field_per_prompt_and_partner(book, pdf_text, exercise):
    who, prompts = exercise_card(book, exercise)
    assert prompts
    path = book.pdf / "handouts" / f"{exercise}.pdf"
    with pikepdf.open(path) as pdf:
        # The deeper exercises and the full crisis box take up to three.
        assert 1 <= len(pdf.pages) <= 3, f"{exercise}: {len(pdf.pages)} pages"
        fields = fields_of(pdf)
        assert all(str(f.T).startswith(f"{exercise}-prompt-") for f in fields)
        check_answer_fields(book, exercise, fields, page_width=page_size(pdf)[0])
        assert is_tagged_pdf_ua(pdf)
    text = pdf_text(path)
    for number in CRISIS_NUMBERS:
        assert number in text
    assert "CC BY-NC-ND 4.0" in text
    if who == "together":
        assert "Partner A" in text and "Partner B" in text


def test_some_handouts_are_for_two_and_some_for_one(book):
    """Both kinds are in the book, so the test above checks both."""
    kinds = {exercise_card(book, e)[0] for e in EXERCISES}
    assert "together" in kinds
    assert kinds - {"together"}


def test_six_week_path_handout_has_a_tick_box_a_week(book, pdf_text):
    path = book.pdf / "handouts" / "six-week-path.pdf"
    with pikepdf.open(path) as pdf:
        assert is_tagged_pdf_ua(pdf)
        assert page_size(pdf) == LETTER
        boxes = [f for f in fields_of(pdf) if f.FT == "/Btn"]
        assert len(boxes) == len(PATH_WEEKS) == 6
        assert len(fields_of(pdf)) == len(boxes)
        names = [str(f.TU) for f in boxes]
        assert names == [f"{week} done" for week in PATH_WEEKS]
        assert len({str(f.T) for f in boxes}) == len(boxes)
    text = pdf_text(path)
    assert "A Six-Week Path" in text
    for week in PATH_WEEKS:
        assert week in text
    for number in CRISIS_NUMBERS:
        assert number in text
    # Links to the chapters and exercises go to the website.
    with pikepdf.open(path) as pdf:
        uris = {
            str(annot.A.URI)
            for page in pdf.pages
            for annot in page.get("/Annots", [])
            if "/A" in annot and "/URI" in annot.A
        }
    assert any(u.endswith("exercises/daily-check-in.html") for u in uris), uris


@pytest.mark.parametrize("name", sorted(packets_in_conf()))
def test_each_packet_has_a_cover_and_its_worksheets(book, name):
    packet = packets_in_conf()[name]
    path = book.pdf / "packets" / f"{name}.pdf"
    with pikepdf.open(path) as pdf:
        assert is_tagged_pdf_ua(pdf)
        fields = fields_of(pdf)
        names = [str(f.T) for f in fields]
        assert len(names) == len(set(names)), "a field name twice links fields"
        for exercise in packet["exercises"]:
            # A worksheet is in a packet once: its fields keep their names.
            mine = [f for f in fields if str(f.T).startswith(f"{exercise}-prompt-")]
            check_answer_fields(book, exercise, mine, page_width=page_size(pdf)[0])
        cards = [exercise_card(book, e) for e in packet["exercises"]]
        assert len(names) == sum(
            (2 if who == "together" else 1) * len(prompts) for who, prompts in cards
        )
    cover = pdf_pages(path, first=1)[0]
    assert packet["title"] in cover
    for exercise in packet["exercises"]:
        title = BeautifulSoup(
            (book.html / "exercises" / f"{exercise}.html").read_text(encoding="utf-8"),
            "lxml",
        ).h1.get_text(strip=True)
        assert title.rstrip("#") in " ".join(cover.split()), (name, title)
    for number in CRISIS_NUMBERS:
        assert number in cover
    assert "CC BY-NC-ND 4.0" in cover
    # The website's address, as printed (a line may break at a hyphen).
    host = urlsplit(from_conf("handbook_base_url")).netloc
    assert host.replace("-", "") in cover.replace("-", "").replace("\n", "")


def test_for_therapists_links_every_packet(book):
    page = book.html / "for-therapists.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
    for name, packet in packets_in_conf().items():
        (link,) = soup.select(f'a[href="downloads/packets/{name}.pdf"]')
        assert packet["title"] in link.get_text()
        assert (book.html / "downloads" / "packets" / f"{name}.pdf").is_file()


def test_together_steps_for_one_person_fail_with_file_and_line(mistakes):
    result = mistakes
    assert result.returncode != 0
    assert (
        "one-person.md:17: WARNING: this exercise is done 'together' but its steps "
        "are written for one person" in result.warnings
    )
    # Steps for two, and steps for one in an exercise done alone, are fine.
    assert "for-two.md" not in result.warnings
    assert "on-your-own.md" not in result.warnings


def test_unknown_or_empty_packets_fail_naming_conf_py(mistakes):
    result = mistakes
    assert result.returncode != 0
    assert (
        "conf.py:7: WARNING: packet 'unknown' lists unknown exercise id(s) "
        "'no-such-exercise'" in result.warnings
    )
    assert "conf.py:8: WARNING: packet 'empty' is empty" in result.warnings
    assert "'good'" not in result.warnings
    home = (result.outdir / "index.html").read_text(encoding="utf-8")
    assert 'href="downloads/packets/good.pdf"' in home


def test_print_sentences_are_in_templates_and_the_catalogue(book, catalogue, pdf_text):
    """The reader text of the print edition is in templates marked for
    translation: Sphinx's gettext builder extracts it, and the PDFs print it."""
    entries = (catalogue / "sphinx.pot").read_text(encoding="utf-8").split("\n\n")
    handbook_text = " ".join(
        pdf_text(book.pdf / "emotional-intimacy-handbook.pdf").split()
    )
    handout_text = " ".join(pdf_text(book.pdf / "handouts" / "good-news.pdf").split())
    for sentence, where in PRINT_TEMPLATE_SENTENCES:
        (entry,) = [e for e in entries if f'msgid "{sentence}' in e]
        assert f"_templates/print/{where}" in entry, entry
        printed = sentence.split("%(")[0]
        assert printed in handbook_text or printed in handout_text, sentence


def test_bundle_holds_every_handout(book):
    with pikepdf.open(book.pdf / "handouts" / "all-handouts.pdf") as pdf:
        names = {str(f.T).rsplit("-prompt-", 1)[0] for f in pdf.Root.AcroForm.Fields}
    assert names == set(EXERCISES)


# A small path page for the A4 root: two weeks, each ending in a tick line.
A4_PATH = """---
description: "A two-week path that exists only so the tests can print it on A4 paper."
---

# A Two-Week Path

## Week 1: Notice

Read the chapter.

Done this week:

## Week 2: Try

Do the exercise together.

Done this week:
"""


def test_a4_switch(rootdir, tmp_path):
    """``-D handbook_paper_size=a4`` on a small root (a chapter, an exercise
    for two and a path page): every PDF is A4, and the worksheet for two
    still holds both partners' fields side by side."""
    import shutil
    from types import SimpleNamespace

    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-minimal", src)
    (src / "path.md").write_text(A4_PATH, encoding="utf-8")
    index = src / "index.md"
    index.write_text(
        index.read_text().replace("exercises/good\n", "exercises/good\npath\n")
    )
    a4 = ["-D", "handbook_paper_size=a4", "-D", "handbook_path_page=path"]
    a4 += ["-d", str(tmp_path / "doctrees")]
    html = run_strict_build(src, tmp_path / "html", "html", *a4)
    assert html.returncode == 0, html.warnings
    result = run_strict_build(src, tmp_path / "pdf", "print", *a4)
    assert result.returncode == 0, result.warnings
    pdfs = sorted((tmp_path / "pdf").rglob("*.pdf"))
    assert {p.name for p in pdfs} >= {"good.pdf", "path.pdf", "one.pdf"}, pdfs
    for path in pdfs:
        with pikepdf.open(path) as pdf:
            assert page_size(pdf) == A4, path.name
    small = SimpleNamespace(html=tmp_path / "html")
    assert exercise_card(small, "good")[0] == "together"
    with pikepdf.open(tmp_path / "pdf" / "handouts" / "good.pdf") as pdf:
        check_answer_fields(small, "good", fields_of(pdf), page_width=A4[0])
    with pikepdf.open(tmp_path / "pdf" / "handouts" / "path.pdf") as pdf:
        assert len([f for f in fields_of(pdf) if f.FT == "/Btn"]) == 2


def test_starting_weasyprint_prints_nothing_under_a_chatty_root_logger():
    """furo's code style loads accessible-pygments, which sets the root logger
    to INFO; WeasyPrint's start-up messages must still not reach the build's
    output."""
    code = "\n".join(
        [
            "import logging, sys",
            "logging.basicConfig(level=logging.INFO)  # as accessible-pygments",
            f"sys.path.insert(0, {str(DOCS / '_ext')!r})",
            "import print_render",
            "print_render.WeasyPrint(",
            f"    base_url={str(DOCS)!r},",
            f"    stylesheet={str(DOCS / '_static/css/print.css')!r},",
            f"    roots=({str(DOCS)!r},),",
            ")",
        ]
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert (result.stdout, result.stderr) == ("", "")


# -- The independent check: pdfua, the machine-checkable part of PDF/UA-1 --

# pdfua 0.1.3's empty-heading rule stops on its own error for every PDF
# (CONTRIBUTING, "Upstream reports": pdfua); any other rule that cannot run
# fails the test.
PDFUA_KNOWN_SKIPS = {"UA-14-001"}
# A table's header cells: WeasyPrint 70 ties each data cell to its headers
# with /Headers and /IDs but writes no /Scope, and pdfua 0.1.3 looks for
# /Scope or /Headers on the header cells only (CONTRIBUTING, "Upstream
# reports": WeasyPrint and pdfua). print_table_scope.py adds the /Scope
# (handbook_print_table_scope; its own tests: test_print_table_scope.py).
PDFUA_TABLE_HEADERS = "UA-15-003"


@pytest.fixture(scope="module")
def pdfua_reports(book):
    """pdfua's report on every PDF the book builds: the handbook, chapters,
    handouts and packets, in both languages; one process a core (spawned:
    no fork of a process that has run the browser)."""
    from pdfua import validate

    paths = sorted(book.pdf.rglob("*.pdf"))
    assert len(paths) > len(CHAPTERS) + len(EXERCISES)
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(os.cpu_count(), mp_context=spawn) as pool:
        reports = pool.map(validate, map(str, paths))
        return {
            path.relative_to(book.pdf).as_posix(): report
            for path, report in zip(paths, reports, strict=True)
        }


def findings(report, *, table_headers: bool) -> list[str]:
    return [
        f"{f.rule_id} page {f.location.page}: {f.message}"
        for f in report.findings
        if (f.rule_id == PDFUA_TABLE_HEADERS) is table_headers
    ]


def test_pdfua_finds_nothing_in_any_pdf(pdfua_reports):
    for name, report in pdfua_reports.items():
        assert findings(report, table_headers=False) == [], name
        skipped = {outcome.rule_id for outcome in report.skipped}
        assert skipped <= PDFUA_KNOWN_SKIPS, (name, skipped)


def test_pdfua_finds_every_table_header_cell_scoped(pdfua_reports):
    """The cycle map's table (in the handbook, its handout, the bundle and
    a packet) has header cells; each has its /Scope."""
    for name, report in pdfua_reports.items():
        assert findings(report, table_headers=True) == [], name


def test_every_pdf_keeps_the_identifier_it_was_given(book):
    """Adding the scopes saves the PDFs again (pikepdf): the trailer's /ID
    still starts with the identifier WeasyPrint was given, and its second
    part comes from the content (test_rebuild_is_byte_identical)."""
    for path in sorted(book.pdf.rglob("*.pdf")):
        with pikepdf.open(path) as pdf:
            assert bytes(pdf.trailer.ID[0]) == b"emotional-intimacy-handbook", path


def test_pdfua_can_fail(book, tmp_path):
    """The independent check has teeth: a handout without its language and
    its document title shown fails it."""
    from pdfua import validate

    broken = tmp_path / "broken.pdf"
    with pikepdf.open(book.pdf / "handouts" / f"{EXERCISES[0]}.pdf") as pdf:
        del pdf.Root["/Lang"]
        del pdf.Root.ViewerPreferences["/DisplayDocTitle"]
        pdf.save(broken)
    rules = {finding.rule_id for finding in validate(str(broken)).findings}
    assert len(rules) >= 2, rules
