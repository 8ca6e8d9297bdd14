"""A hostile contributor's pull request that changes pages only.

``tests/roots/test-hostile`` holds one page per trick. The fixture copies
the real ``docs/`` folder (its conf.py, templates, extensions and pages),
adds the hostile pages to the book's contents, and builds the website and
the EPUB with the handbook's strict flags. Each trick must fail the build
with a warning naming the file and line, and even the lenient output
(``--keep-going``) must carry nothing of it. Tricks that stop a build at
once (a symbolic link, an unlisted static file) each get a build of their
own; nesting too deep to read is tried on the small root.
"""

from __future__ import annotations

import json
import shutil
import warnings
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

from conftest import DOCS, pdf_pages, run_strict_build

SECRET = "SECRET-TOKEN-from-outside-docs"
PAGES = Path(__file__).parent / "roots" / "test-hostile"


def copy_of_the_book(base: Path) -> Path:
    src = base / "docs"
    shutil.copytree(DOCS, src, ignore=shutil.ignore_patterns("__pycache__"))
    # conf.py reads the version from pyproject.toml beside docs/.
    shutil.copy2(DOCS.parent / "pyproject.toml", base / "pyproject.toml")
    return src


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    Path("/tmp/hostile-shell-marker").unlink(missing_ok=True)
    base = tmp_path_factory.mktemp("hostile")
    src = copy_of_the_book(base)
    # Each hostile page is a chapter (chapters/hostile-*.md), so that the
    # site, the EPUB, the handbook PDF and the chapter PDFs all hold it.
    names = []
    for path in sorted(PAGES.iterdir()):
        if path.suffix == ".md":
            names.append(f"hostile-{path.stem}")
            shutil.copy2(path, src / "chapters" / f"hostile-{path.name}")
        else:
            shutil.copy2(path, src / "chapters" / path.name)
    index = (src / "index.md").read_text(encoding="utf-8")
    last = "chapters/getting-help\n"
    assert last in index
    index = index.replace(last, last + "".join(f"chapters/{n}\n" for n in names))
    (src / "index.md").write_text(index, encoding="utf-8")
    (base / "outside.txt").write_text(f"{SECRET}\n", encoding="utf-8")
    shutil.copy2(DOCS / "_static" / "images" / "social-card.png", base / "outside.png")
    # A 6 MB "PDF": over the cap on a page's file.
    (src / "chapters" / "big.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * 6_000_000)
    doctrees = ["-d", str(base / "doctrees")]
    html = run_strict_build(src, base / "html", "html", *doctrees)
    # The EPUB reads the pages itself, so that its build fails on its own.
    epub = run_strict_build(src, base / "epub", "epub")
    # The print edition prints the pages the website's build read; its PDFs
    # are checked below.
    run_strict_build(src, base / "pdf", "print", *doctrees)
    return html, epub, base


def warnings_of(hostile) -> str:
    return hostile[0].warnings.replace(
        str(hostile[2] / "docs" / "chapters") + "/hostile-", ""
    )


def page(hostile, name: str) -> Path:
    return hostile[0].outdir / "chapters" / f"hostile-{name}.html"


def test_the_build_fails(hostile):
    assert hostile[0].returncode != 0
    assert hostile[1].returncode != 0


@pytest.mark.parametrize(
    "expected",
    [
        # Raw HTML, styles and frames.
        "script-block.md:7: WARNING: raw HTML is not allowed in a page",
        "title-tag.md:5: WARNING: raw HTML is not allowed in a page",
        "style-and-frame.md:7: WARNING: raw HTML is not allowed in a page",
        "style-and-frame.md:9: WARNING: raw HTML is not allowed in a page",
        "style-and-frame.md:11: WARNING: raw HTML is not allowed in a page",
        # Directives that reach code, files or classes.
        "raw-directive.md:6: WARNING: the directive {raw} is not allowed",
        "raw-directive.md:10: WARNING: the directive {raw} is not allowed",
        "eval-rst.md:6: WARNING: the directive {eval-rst} is not allowed",
        "file-insertion.md:6: WARNING: the directive {include} is not allowed",
        "file-insertion.md:9: WARNING: the directive {literalinclude} is not allowed",
        "file-insertion.md:12: WARNING: the directive {csv-table} is not allowed",
        "meta-tags.md:6: WARNING: the directive {meta} is not allowed",
        "hide-safety.md:17: WARNING: the directive {container} is not allowed",
        "math.md:6: WARNING: the directive {math} is not allowed",
        "math.md:11: WARNING: the role {math} is not allowed",
        # Front matter is data.
        "myst-config.md:3: WARNING: front-matter key 'myst' is not allowed",
        "myst-config.md:6: WARNING: front-matter key 'html_meta' is not allowed",
        "myst-config.md:8: WARNING: front-matter key 'substitutions' is not allowed",
        "yaml-bomb.md:2: WARNING: front matter may not use YAML anchors or aliases",
        "yaml-shapes.md:3: WARNING: front-matter key 'keywords' must be a value",
        # Files from outside, and active or huge files.
        "outside-files.md:7: WARNING: image '../../outside.png' is not a file inside",
        "outside-files.md:9: WARNING: image 'https://example.org/HOSTILE-PIXEL.png'",
        "outside-files.md:11: WARNING: download '../../outside.txt' is not a file",
        "active-files.md:7: WARNING: image 'drawing.svg': a page may publish only",
        "active-files.md:9: WARNING: download 'attack.html': a page may publish only",
        "active-files.md:9: WARNING: download 'big.pdf': 5.7 MiB is over the 5 MiB",
        # Links.
        "http-link.md:7: WARNING: link 'http://example.org/' uses http: write https:",
        # (Markdown's own [text](javascript:...) is not a link at all: its
        # parser refuses the scheme, and the output test finds no such href.)
        "javascript-links.md:16: WARNING: toctree contains reference to nonexisting",
        "javascript-links.md:9: WARNING: link target \"javascript:alert('HOSTILE-IMAGE')\"",
        "javascript-links.md:16: WARNING: toctree entry 'https://example.org/HOSTILE-TOC-URL'",
        # Numbers and help lines.
        "crisis-numbers.md:7: WARNING: the number '1-800-555-0199' is not one of",
        "crisis-numbers.md:9: WARNING: the number '55555' is not one of",
        "crisis-numbers.md:11: WARNING: tel: link 'tel:+18005550100' calls a number",
        "crisis-numbers.md:11: WARNING: link text '1-800-799-7233' shows a number",
        "crisis-numbers.md:13: WARNING: link text 'National Domestic Violence Hotline'"
        " names National Domestic Violence Hotline but points to "
        "'https://example.org/HOSTILE-HOTLINE'",
        "crisis-numbers.md:15: WARNING: link text '988' names 988 Suicide",
        # Search terms are plain words (search_terms.py).
        "search-terms.md:1: WARNING: search term \"</script><script>alert('HOSTILE-TERM')"
        '</script>" is not plain words',
        "search-terms.md:1: WARNING: search term 'call 555 0199' is not plain words",
        # Safety elements.
        "hide-safety.md:8: WARNING: class hidden is not allowed in a page",
        "hide-safety.md:13: WARNING: class quick-exit, safety-box is not allowed",
        "hide-safety.md:13: WARNING: the name 'quick-exit' is an id the site itself",
        "hide-safety.md:21: WARNING: the id 'quick-exit' is one the site itself uses",
    ],
)
def test_each_trick_is_named_with_file_and_line(hostile, expected):
    assert expected in warnings_of(hostile), warnings_of(hostile)


def test_front_matter_is_escaped_not_refused(hostile):
    assert "front-matter.md" not in warnings_of(hostile)
    soup = BeautifulSoup(page(hostile, "front-matter").read_bytes(), "lxml")
    description = soup.find("meta", attrs={"name": "description"})["content"]
    assert "</script><script>alert('HOSTILE-META')" in description
    for ld in soup.find_all("script", type="application/ld+json"):
        assert "<" not in ld.string
        json.loads(ld.string)
    # The text is data inside the JSON-LD block, in no script that runs.
    assert not [
        s
        for s in soup.find_all("script")
        if "HOSTILE" in (s.string or "") and s.get("type") != "application/ld+json"
    ]


def test_template_expressions_in_a_page_are_printed_as_text(hostile):
    text = BeautifulSoup(page(hostile, "template-text").read_bytes(), "lxml")
    text = text.get_text(" ")
    assert "{{ 7 * 191 }}" in text and "{% for x in range(3) %}" in text
    assert "1337" not in text
    assert text.count("HOSTILE-LOOP") == 1


def test_myst_front_matter_changes_nothing(hostile):
    soup = BeautifulSoup(page(hostile, "myst-config").read_bytes(), "lxml")
    text = soup.get_text(" ")
    assert "HOSTILE-SUBSTITUTION" not in text  # no substitution ran
    assert "{{ who }}" in text
    assert not soup.find("meta", attrs={"http-equiv": "refresh"})
    assert "os.popen" in text  # printed as text: no template engine ran
    assert not Path("/tmp/hostile-shell-marker").exists()


def test_every_page_keeps_one_policy_and_its_quick_exit(hostile):
    out = hostile[0].outdir
    for path in sorted((out / "chapters").glob("hostile-*.html")):
        soup = BeautifulSoup(path.read_bytes(), "lxml")
        policies = soup.head.find_all("meta", attrs={"http-equiv": True})
        kinds = [m["http-equiv"].lower() for m in policies]
        assert kinds == ["content-security-policy"], (path.name, kinds)
        exits = soup.find_all(id="quick-exit")
        assert len(exits) == 1 and exits[0].name == "a", path.name
        assert "quick-exit" in exits[0]["class"]
        # Nothing else on the page wears the quick exit's or a safety box's
        # class unless the handbook put it there.
        for tag in soup.select(".quick-exit"):
            assert tag is exits[0], path.name
        fakes = [b for b in soup.select(".safety-box") if "HOSTILE" in b.get_text()]
        assert not fakes, path.name


def test_nothing_of_it_reaches_the_output(hostile):
    html, epub, _ = hostile
    published = [p for p in html.outdir.rglob("*") if p.is_file()]
    with zipfile.ZipFile(next(epub.outdir.glob("*.epub"))) as archive:
        epub_files = {name: archive.read(name) for name in archive.namelist()}
    for name, data in [
        *((p.relative_to(html.outdir).as_posix(), p.read_bytes()) for p in published),
        *epub_files.items(),
    ]:
        assert SECRET.encode() not in data, name
        assert b"HOSTILE-SVG" not in data and b"HOSTILE-HTML" not in data, name
        if not name.endswith((".html", ".xhtml")):
            continue
        # The EPUB's XHTML read as HTML too, as a reading system shows it.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
            soup = BeautifulSoup(data, "lxml")
        for tag in soup.find_all(["script", "style", "iframe"]):
            if tag.get("type") == "application/ld+json":
                assert "<" not in tag.string, name  # data, escaped
                continue
            assert "HOSTILE" not in str(tag), (name, str(tag)[:80])
        for tag in soup.find_all(True):
            assert not any(attr.startswith("on") for attr in tag.attrs), name
            for attr in ("href", "src"):
                value = str(tag.get(attr, "")).strip().lower()
                assert not value.startswith("javascript:"), (name, str(tag)[:80])
            if tag.get("href", "").startswith("tel:"):
                assert "555" not in tag["href"], (name, str(tag))
        assert not soup.find("meta", attrs={"http-equiv": "refresh"}) or (
            "moved" in soup.get_text()
        ), name
        assert "HOSTILE-CONTAINER" not in soup.get_text(), name
    kinds = {p.suffix for p in (html.outdir / "_images").glob("*")} | {
        p.suffix for p in (html.outdir / "_downloads").rglob("*") if p.is_file()
    }
    assert kinds <= {".png", ".jpg", ".jpeg", ".webp", ".gif", ".pdf"}, kinds
    assert not list(html.outdir.rglob("big.pdf"))


def test_nothing_of_it_reaches_the_pdfs(hostile):
    import pikepdf

    pdfs = sorted((hostile[2] / "pdf").rglob("*.pdf"))
    assert pdfs
    handbook = next(p for p in pdfs if p.parent.name == "pdf")
    text = "".join(pdf_pages(handbook))
    assert "Template {{ 7 * 191 }} Text" in text  # the hostile pages are in it
    assert SECRET not in text and "HOSTILE-CONTAINER" not in text
    for path in pdfs:
        with pikepdf.open(path) as pdf:
            for page in pdf.pages:
                for annot in page.get("/Annots", []):
                    action = annot.get("/A")
                    uri = str(action.get("/URI", "")) if action is not None else ""
                    assert not uri.lower().startswith("javascript:"), (path, uri)
                    assert not uri.startswith("tel:+1800555"), (path, uri)
                    assert "HOSTILE-HOTLINE" not in uri, (path, uri)


def test_the_crisis_numbers_a_page_gets_wrong_are_not_published(hostile):
    soup = BeautifulSoup(page(hostile, "crisis-numbers").read_bytes(), "lxml")
    main = soup.select_one("article") or soup.body
    hrefs = [a["href"] for a in main.find_all("a", href=True)]
    assert "https://example.org/HOSTILE-HOTLINE" not in hrefs
    assert not [h for h in hrefs if h.startswith("tel:+1800555")]


def build_with(tmp_path: Path, change) -> tuple[int, str, Path]:
    src = copy_of_the_book(tmp_path)
    change(src, tmp_path)
    result = run_strict_build(src, tmp_path / "out")
    return result.returncode, result.warnings, result.outdir


def test_a_symbolic_link_stops_the_build_before_anything_is_copied(tmp_path):
    def change(src, base):
        secret = base / "secret-folder"
        secret.mkdir()
        (secret / "key.txt").write_text(SECRET, encoding="utf-8")
        (src / "_static" / "linked").symlink_to(secret, target_is_directory=True)

    code, warnings, out = build_with(tmp_path, change)
    assert code != 0
    assert "symbolic link under docs/" in warnings and "_static/linked" in warnings
    copied = [p for p in out.rglob("*") if p.is_file()] if out.exists() else []
    assert not copied  # stopped before reading, writing or copying
    assert not any(SECRET in p.read_text(errors="ignore") for p in copied)


def test_an_unlisted_static_file_stops_the_build(tmp_path):
    def change(src, base):
        (src / "_static" / "js" / "tracker.js").write_text("alert(1)\n", "utf-8")

    code, warnings, out = build_with(tmp_path, change)
    assert code != 0
    assert "_static/js/tracker.js is not one of the project's static files" in warnings
    assert not list(out.rglob("tracker.js")) if out.exists() else True


def test_nesting_too_deep_to_read_names_the_page(rootdir, tmp_path, capsys):
    """On the small root: the check (page_source.py) reads one page's
    source, whichever book holds it."""
    import shutil

    depth = 300
    opens = "".join(":" * (3 + depth - i) + "{tip}\n" for i in range(depth))
    closes = "".join(":" * (4 + i) + "\n" for i in range(depth))
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-minimal", src)
    (src / "chapters" / "one.md").write_text(
        '---\ndescription: "A page that nests a tip in a tip, three hundred deep."\n'
        "last_reviewed: 2026-11-25\nnext_review: 2029-11-25\n---\n\n"
        f"# One\n\n{opens}deep\n{closes}",
        encoding="utf-8",
    )
    result = run_strict_build(src, tmp_path / "out")
    assert result.returncode != 0
    printed = capsys.readouterr()
    assert "chapters/one.md: the page nests blocks too deeply" in (
        printed.err + printed.out + result.warnings
    )


def test_the_print_edition_fetches_only_local_files(tmp_path):
    from print_render import local_only_fetcher

    inside = tmp_path / "docs"
    inside.mkdir()
    (inside / "ok.css").write_text("p {}", encoding="utf-8")
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    fetcher = local_only_fetcher((inside,))
    response = fetcher.fetch((inside / "ok.css").as_uri())
    assert response.read() == b"p {}"
    for url in (
        (tmp_path / "secret.txt").as_uri(),
        (inside / ".." / "secret.txt").as_uri(),
        "https://example.org/pixel.png",
        "http://127.0.0.1:9/",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_the_search_data_holds_no_markup_and_no_refused_term(hostile):
    data = (hostile[0].outdir / "_static" / "search-terms.js").read_text(
        encoding="utf-8"
    )
    assert "<" not in data and ">" not in data
    assert "HOSTILE-TERM" not in data
    assert "hostile-front-matter" in data  # the page is there, its text escaped
