"""The print edition: the handbook, each chapter and each exercise as PDFs.

``sphinx-build -b print docs build/pdf`` assembles the whole book as Sphinx's
single-page HTML, splits it into its documents, and has WeasyPrint render:

- ``emotional-intimacy-handbook.pdf``: cover, copyright and licence,
  safety page, contents with page numbers, every chapter, the exercises with
  writing lines, glossary, references and the author page;
- ``chapters/<chapter>.pdf``: each chapter on its own;
- ``handouts/<exercise id>.pdf``: each exercise as a fillable
  worksheet, and ``handouts/all-handouts.pdf`` with every one of them.

No TeX: WeasyPrint needs only Pango from the system. Every PDF is tagged
(PDF/UA-1), carries the title, author, subject and keywords from the site
block in conf.py, embeds subset fonts from ``_static/fonts`` and is
byte-identical for the same commit (its dates come from SOURCE_DATE_EPOCH or
the last commit).

Config values:

``handbook_paper_size`` (str)
    ``"letter"`` (default) or ``"a4"``.
``handbook_print_css`` (str)
    The print stylesheet, relative to the source folder.
"""

from __future__ import annotations

import datetime as dt
import html
import logging as std_logging
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from lxml import etree
from lxml import html as lxml_html
from sphinx.builders.singlehtml import SingleFileHTMLBuilder
from sphinx.errors import ConfigError
from sphinx.util import logging

from page_limits import inside
from safety import tel

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)
# WeasyPrint reports each rendering step at INFO level; only problems matter.
std_logging.getLogger("weasyprint.progress").setLevel(std_logging.WARNING)

PAPER_SIZES = {"letter": "letter", "a4": "A4"}
HANDBOOK_PDF = "emotional-intimacy-handbook.pdf"
BUNDLE_PDF = "all-handouts.pdf"
HEADING = "self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6"
# Pages whose links are dropped (not printed as URLs) in single-chapter PDFs
# and handouts.
UNLINKED_IN_PARTS = frozenset({"glossary", "references"})


@dataclass
class BookPart:
    """One document of the book, cut out of the single-page HTML."""

    docname: str
    title: str
    element: Any  # an lxml <section>


def edition_time(srcdir: Path) -> dt.datetime:
    """The time printed in the PDFs: SOURCE_DATE_EPOCH, else the last commit."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        try:
            epoch = subprocess.run(
                ["git", "log", "-1", "--format=%ct"],
                cwd=srcdir,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            epoch = ""
    if not epoch:
        # Outside a git checkout and without SOURCE_DATE_EPOCH: a build still
        # works, but two builds are no longer byte-identical.
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC)


def split_book(body: str) -> list[BookPart]:
    """Cut the single-page body into its documents, in reading order."""
    root = lxml_html.fragment_fromstring(body, create_parent="div")
    for link in root.xpath('.//a[contains(@class, "headerlink")]'):
        link.drop_tree()
    for link in root.xpath('.//a[starts-with(@href, "#document-")]'):
        # Some references keep the document's name before the anchor.
        href = link.get("href")
        if href.count("#") > 1:
            link.set("href", href[href.rfind("#") :])
    parts = []
    for marker in root.xpath('.//span[starts-with(@id, "document-")]'):
        section = marker.getnext()
        if section is None or section.tag != "section":
            continue
        docname = marker.get("id").removeprefix("document-")
        heading = section.xpath(f"./*[{HEADING}]")
        title = heading[0].text_content().strip() if heading else docname
        # The marker's own id is the target of links to the whole document.
        section.set("data-docname", docname)
        section.set("data-doc-anchor", marker.get("id"))
        anchor = etree.Element("span", id=marker.get("id"))
        section.insert(0, anchor)
        parts.append(BookPart(docname=docname, title=title, element=section))
    for part in parts:
        part.element.getparent().remove(part.element)
    return parts


def set_heading_levels(section: Any, *, top: int) -> None:
    """Make the document's title ``h<top>`` and shift its other headings."""
    headings = section.xpath(f".//*[{HEADING}]")
    titles = [h for h in headings if "exercise-heading" not in h.get("class", "")]
    if not titles:
        return
    shift = top - int(titles[0].tag[1])
    for heading in titles:
        heading.tag = f"h{min(6, max(1, int(heading.tag[1]) + shift))}"
    for rubric in headings:
        if "exercise-heading" not in rubric.get("class", ""):
            continue
        owner = rubric.xpath(f"ancestor::section[1]/*[{HEADING}][1]")
        level = int(owner[0].tag[1]) + 1 if owner else top + 1
        rubric.tag = f"h{min(6, level)}"


def point_links_at_site(
    section: Any, *, anchors: dict[str, str], base_url: str
) -> None:
    """In a PDF that holds only part of the book, send other links to the web.

    ``anchors`` maps every id in the book to its docname.
    """
    local = set(section.xpath(".//@id"))
    for link in section.xpath(".//a[starts-with(@href, '#')]"):
        target = link.get("href")[1:]
        if target in local:
            continue
        docname = anchors.get(target)
        if docname in UNLINKED_IN_PARTS:
            # A citation or glossary term: the words are enough on paper.
            del link.attrib["href"]
        elif docname is None:
            link.set("href", base_url)
        elif target.startswith("document-"):
            link.set("href", f"{base_url}{docname}.html")
        else:
            link.set("href", f"{base_url}{docname}.html#{target}")


def add_form_fields(section: Any, *, exercise_id: str) -> None:
    """Give every reflection prompt a text field a client can type into."""
    for number, item in enumerate(
        section.xpath('.//*[contains(@class, "exercise-prompts")]//li'), 1
    ):
        field_id = f"{exercise_id}-prompt-{number}"
        label_text = item.text_content().strip()
        item.set("id", f"{field_id}-label")
        area = etree.SubElement(item, "textarea")
        area.set("name", field_id)
        area.set("id", field_id)
        area.set("title", label_text)
        area.set("aria-labelledby", f"{field_id}-label")
        area.text = ""


def to_html(element: Any) -> str:
    return lxml_html.tostring(element, encoding="unicode")


@dataclass(frozen=True)
class PrintMetadata:
    """What every PDF says about itself (from the site block in conf.py)."""

    title: str
    author: str
    subject: str
    keywords: list[str]
    base_url: str
    licence: dict[str, str]  # name, url
    crisis: dict[str, str]  # see handbook_crisis in conf.py
    edition: dt.datetime
    paper: str


def print_document(
    *, meta: PrintMetadata, title: str, body: str, body_class: str
) -> str:
    """A whole HTML document for WeasyPrint."""
    stamp = meta.edition.strftime("%Y-%m-%dT%H:%M:%SZ")
    esc = html.escape
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-US">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(title)}</title>\n"
        f'<meta name="author" content="{esc(meta.author)}">\n'
        f'<meta name="description" content="{esc(meta.subject)}">\n'
        f'<meta name="keywords" content="{esc(", ".join(meta.keywords))}">\n'
        f'<meta name="generator" content="Sphinx and WeasyPrint">\n'
        f'<meta name="dcterms.created" content="{stamp}">\n'
        f'<meta name="dcterms.modified" content="{stamp}">\n'
        f"<style>@page {{ size: {PAPER_SIZES[meta.paper]}; }}</style>\n"
        "</head>\n"
        f'<body class="{body_class}">\n{body}\n</body>\n</html>\n'
    )


def front_matter_html(
    *, meta: PrintMetadata, chapters: list[BookPart], back: list[BookPart]
) -> str:
    """Cover, copyright page, safety page and contents of the handbook."""
    esc = html.escape
    edition = f"{meta.edition:%B} {meta.edition.year}"
    contents = "".join(
        f'<li class="toc-{kind}"><a href="#{esc(part.element.get("data-doc-anchor"))}">'
        f"{esc(part.title)}</a></li>\n"
        for kind, items in (("chapter", chapters), ("back", back))
        for part in items
    )
    c = {key: esc(value) for key, value in meta.crisis.items()}
    t = tel_links(meta.crisis)
    link_text = meta.licence["url"].split("://", 1)[-1].rstrip("/")
    return f"""
<section class="cover" aria-label="Cover">
  <p class="cover-title">Emotional Intimacy</p>
  <p class="cover-subtitle">A Handbook for Couples</p>
  <p class="cover-author">{esc(meta.author)}</p>
  <p class="cover-practice">Couples therapy in Calabasas, California</p>
  <p class="cover-edition">Edition of {esc(edition)}</p>
</section>
<section class="copyright-page" aria-label="Copyright and licence">
  <p><strong>{esc(meta.title)}</strong></p>
  <p>Copyright © {meta.edition.year} Susan Cole Rome. {esc(licence_line(meta))}</p>
  <p>You may copy and share this handbook, unchanged and with credit, for
  non-commercial purposes. The licence is at
  <a href="{esc(meta.licence["url"])}">{esc(link_text)}</a>.</p>
  <p>The online edition, with the latest review dates, is at
  <a href="{esc(meta.base_url)}">{esc(meta.base_url)}</a>.</p>
  <p>Set in Atkinson Hyperlegible (SIL Open Font License), a typeface made
  by the Braille Institute for readers with low vision.</p>
  <p>Edition of {esc(edition)}.</p>
</section>
<section class="safety-page" aria-label="Before you begin">
  <h1 class="unnumbered">Before You Begin</h1>
  <p>This handbook is for learning. It is not therapy, and it does not replace
  care from a licensed professional.</p>
  <p>The exercises ask you and your partner to open up to each other. They
  are not safe where there is violence, threats or control. If you feel
  afraid of your partner, skip them and reach out for support first.</p>
  <ul class="crisis-list">
    <li>In immediate danger: call <strong>{t["emergency"]}</strong>.</li>
    <li>Thinking about suicide, or worried about your partner: call or text
    <strong>{t["crisis_line"]}</strong> (988 Suicide &amp; Crisis Lifeline).</li>
    <li>Afraid of your partner: National Domestic Violence Hotline,
    <strong>{t["dv_hotline"]}</strong> (TTY {t["dv_tty"]}), text
    <strong>START</strong> to <strong>{c["dv_text"]}</strong>, or chat at
    <a href="{c["dv_chat"]}">{esc(c["dv_chat"].split("://", 1)[-1].rstrip("/"))}</a>.</li>
    <li>Drinking or drug use, finding treatment: SAMHSA National Helpline,
    <strong>{t["samhsa"]}</strong>.</li>
  </ul>
</section>
<nav class="print-toc" aria-label="Contents">
  <h1 class="unnumbered">Contents</h1>
  <ol>
{contents}  </ol>
</nav>
"""


def tel_links(crisis: dict[str, str]) -> dict[str, str]:
    """Each crisis number as a link a phone can call from the PDF."""
    return {
        key: f'<a href="{tel(value)}">{html.escape(value)}</a>'
        for key, value in crisis.items()
    }


def licence_line(meta: PrintMetadata) -> str:
    return f"Text licensed under {meta.licence['name']}."


def standalone_frame(*, meta: PrintMetadata, body: str) -> str:
    """Header and footer (safety line, licence) around a PDF that holds part of
    the book: one chapter, one handout or the bundle of handouts."""
    esc = html.escape
    c = {key: esc(value) for key, value in meta.crisis.items()}
    t = tel_links(meta.crisis)
    return f"""
<header class="handout-header"><p>{esc(meta.title)}</p></header>
<footer class="handout-footer">
  <p>Not safe where there is violence, threats or control. In danger: {t["emergency"]}.
  Suicide: call or text {t["crisis_line"]}. Domestic Violence Hotline: {t["dv_hotline"]}
  (TTY {t["dv_tty"]}), or text START to {c["dv_text"]}.</p>
  <p>© {meta.edition.year} Susan Cole Rome. {esc(licence_line(meta))} · {esc(meta.base_url)}</p>
</footer>
{body}
"""


class _WeasyPrintProblems(std_logging.Handler):
    """Collects WeasyPrint's errors (a missing anchor, font or image)."""

    def __init__(self) -> None:
        super().__init__(level=std_logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: std_logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def local_only_fetcher(roots: tuple[Path, ...]):
    """A WeasyPrint URL fetcher that opens only ``data:`` URLs and files
    inside ``roots`` (``docs/`` and the build's output): a page cannot pull
    a file from elsewhere on the machine, or anything from the network, into
    a PDF. A refused URL is an error WeasyPrint reports, so a warning."""
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: dict[str, str] | None = None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "file":
                path = Path(url2pathname(urlsplit(url).path))
                if not any(inside(path, root) for root in roots):
                    raise ValueError(f"file outside docs/ and the build: {url}")
            elif scheme != "data":
                raise ValueError(f"the print edition fetches nothing remote: {url}")
            return super().fetch(url, headers)

    return LocalOnlyFetcher(allowed_protocols={"file", "data"})


def render_pdf(
    document: str,
    *,
    target: Path,
    base_url: Path,
    stylesheet: Path,
    forms: bool,
    fetcher: Any,
) -> list[str]:
    """Render one HTML document to a tagged PDF/UA-1 file.

    Returns WeasyPrint's error messages (each distinct one once).
    """
    # Imported late: the HTML builds never need WeasyPrint.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    target.parent.mkdir(parents=True, exist_ok=True)
    fonts = FontConfiguration()  # without it, @font-face rules are ignored
    problems = _WeasyPrintProblems()
    weasy_logger = std_logging.getLogger("weasyprint")
    weasy_logger.addHandler(problems)
    weasy_logger.propagate = False
    try:
        HTML(string=document, base_url=str(base_url), url_fetcher=fetcher).write_pdf(
            target,
            font_config=fonts,
            stylesheets=[
                CSS(filename=str(stylesheet), font_config=fonts, url_fetcher=fetcher)
            ],
            pdf_variant="pdf/ua-1",
            pdf_forms=forms,
            # Same input, same file: no random identifier.
            pdf_identifier=b"emotional-intimacy-handbook",
            custom_metadata=True,
        )
    finally:
        weasy_logger.removeHandler(problems)
    return list(dict.fromkeys(problems.messages))


class PrintEditionBuilder(SingleFileHTMLBuilder):
    """Sphinx's single-page HTML, handed to WeasyPrint instead of a theme."""

    name = "print"
    epilog = "The print edition (PDF) is in %(outdir)s."
    book_body = ""

    def handle_page(
        self,
        pagename: str,
        addctx: dict,
        templatename: str = "page.html",
        outfilename: str | None = None,
        event_arg: Any = None,
    ) -> None:
        # Only the book itself is wanted; no search page, index or 404.
        if pagename == self.config.root_doc:
            self.book_body = addctx["body"]

    def finish(self) -> None:
        self.copy_image_files()
        pdf_dir = Path(self.outdir)
        for path in written_pdfs(self, pdf_dir):
            logger.info("wrote %s", path.relative_to(pdf_dir))


def print_metadata(builder: PrintEditionBuilder) -> PrintMetadata:
    config = builder.config
    author = config.handbook_author
    return PrintMetadata(
        title=config.handbook_site_name,
        author=f"{author.get('name', config.author)}, {author.get('credential', '')}".strip(
            ", "
        ),
        subject=config.handbook_description,
        keywords=list(config.handbook_keywords),
        base_url=config.handbook_base_url,
        licence=dict(config.handbook_licence),
        crisis=dict(config.handbook_crisis),
        edition=edition_time(Path(builder.srcdir)),
        paper=config.handbook_paper_size,
    )


def written_pdfs(builder: PrintEditionBuilder, pdf_dir: Path) -> list[Path]:
    """Render every PDF of the print edition and return their paths.

    A problem WeasyPrint reports (a broken anchor, a missing font) becomes a
    warning naming the document, so ``-W`` fails the build.
    """
    meta = print_metadata(builder)
    stylesheet = Path(builder.srcdir) / builder.config.handbook_print_css
    fetcher = local_only_fetcher((Path(builder.srcdir), Path(builder.outdir)))
    written: list[Path] = []

    def render(
        docname: str, title: str, body: str, body_class: str, target: Path, forms: bool
    ) -> None:
        document = print_document(
            meta=meta, title=title, body=body, body_class=body_class
        )
        for problem in render_pdf(
            document,
            target=target,
            base_url=Path(builder.srcdir),
            stylesheet=stylesheet,
            forms=forms,
            fetcher=fetcher,
        ):
            logger.warning(
                "%s: %s",
                target.name,
                problem,
                location=docname,
                type="handbook",
                subtype="print",
            )
        written.append(target)

    parts = split_book(builder.book_body)
    anchors = {
        anchor: part.docname
        for part in parts
        for anchor in part.element.xpath(".//@id")
    }
    exercises = builder.env.handbook_exercises
    chapters = [p for p in parts if p.docname.startswith("chapters/")]
    exercise_parts = [p for p in parts if p.docname in exercises]
    exercise_intro = [p for p in parts if p.docname == "exercises/index"]
    back = [p for p in parts if p.docname in ("glossary", "references", "about")]
    for part, kind, top in (
        *((p, "chapter", 1) for p in chapters),
        *((p, "back-matter", 1) for p in exercise_intro + back),
        *((p, "exercise-page", 2) for p in exercise_parts),
    ):
        part.element.set("class", kind)
        set_heading_levels(part.element, top=top)

    def standalone(part: BookPart, *, top: int) -> Any:
        """A copy of one document whose links outside it go to the website."""
        copy = lxml_html.fromstring(to_html(part.element))
        set_heading_levels(copy, top=top)
        point_links_at_site(copy, anchors=anchors, base_url=meta.base_url)
        return copy

    for part in chapters:
        body = standalone_frame(meta=meta, body=to_html(standalone(part, top=1)))
        name = part.docname.rsplit("/", 1)[-1]
        render(
            part.docname,
            f"{part.title} · {meta.title}",
            body,
            "single-chapter",
            pdf_dir / "chapters" / f"{name}.pdf",
            False,
        )

    handouts = []
    for part in exercise_parts:
        exercise_id = exercises[part.docname]["id"]
        copy = standalone(part, top=1)
        # A worksheet keeps the exercise; longer tips stay in the handbook.
        for tips in copy.xpath("./section"):
            tips.drop_tree()
        add_form_fields(copy, exercise_id=exercise_id)
        handouts.append(to_html(copy))
        body = standalone_frame(meta=meta, body=handouts[-1])
        render(
            part.docname,
            f"{part.title} · Worksheet · {meta.title}",
            body,
            "handout",
            pdf_dir / "handouts" / f"{exercise_id}.pdf",
            True,
        )
    if handouts:
        body = standalone_frame(meta=meta, body="\n".join(handouts))
        render(
            "exercises/index",
            f"All Worksheets · {meta.title}",
            body,
            "handout bundle",
            pdf_dir / "handouts" / BUNDLE_PDF,
            True,
        )

    body = front_matter_html(
        meta=meta, chapters=chapters, back=exercise_intro + back
    ) + "".join(
        to_html(p.element) for p in chapters + exercise_intro + exercise_parts + back
    )
    render(
        builder.config.root_doc,
        meta.title,
        body,
        "handbook",
        pdf_dir / HANDBOOK_PDF,
        False,
    )
    return written


def drop_theme_files(app: Sphinx, exception: Exception | None) -> None:
    """The PDFs embed what they need; the HTML machinery's _static is litter."""
    if exception is None and app.builder.name == PrintEditionBuilder.name:
        shutil.rmtree(Path(app.outdir) / "_static", ignore_errors=True)


def check_paper_size(app: Sphinx, config: Any) -> None:
    if config.handbook_paper_size not in PAPER_SIZES:
        raise ConfigError(
            f"handbook_paper_size must be one of {', '.join(PAPER_SIZES)}, "
            f"not {config.handbook_paper_size!r} (set HANDBOOK_PAPER or conf.py)"
        )


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("handbook_paper_size", "letter", "env", types=frozenset({str}))
    app.add_config_value(
        "handbook_print_css", "_static/css/print.css", "env", types=frozenset({str})
    )
    app.setup_extension("site_metadata")
    app.add_builder(PrintEditionBuilder)
    app.connect("config-inited", check_paper_size)
    # After the theme's own build-finished handlers, which write into _static.
    app.connect("build-finished", drop_theme_files, priority=900)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
