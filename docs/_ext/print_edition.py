"""The print edition: the handbook, each chapter and each exercise as PDFs.

``sphinx-build -b print docs build/pdf`` assembles the whole book as Sphinx's
single-page HTML, splits it into its documents, and has WeasyPrint render:

- ``emotional-intimacy-handbook.pdf``: cover, copyright and licence,
  safety page, contents with page numbers, the guides (``start-here`` and
  the six-week path), every chapter, the exercises with writing lines, and
  the back matter (for therapists, glossary, references, the author page);
- ``chapters/<chapter>.pdf``: each chapter on its own;
- ``handouts/<exercise id>.pdf``: each exercise as a fillable worksheet
  (two answer fields a prompt, one per partner, when the exercise is done
  together), and ``handouts/all-handouts.pdf`` with every one of them;
- ``handouts/six-week-path.pdf``: the six-week path with a tick box a week;
- ``packets/<name>.pdf``: each therapist's packet of ``handbook_packets``
  (``packets.py``): a cover page and its worksheets.

No TeX: WeasyPrint needs only Pango from the system. Every PDF is tagged
(PDF/UA-1), carries the title, author, subject and keywords from the site
block in conf.py, embeds subset fonts from ``_static/fonts`` and is
byte-identical for the same commit (its dates come from SOURCE_DATE_EPOCH or
the last commit). The PDFs are rendered in parallel, one process a CPU core,
largest first; warnings come out in a fixed order whatever finishes first.

Reader text lives in Jinja templates under ``_templates/print/`` (the cover,
the copyright and safety pages, the contents heading, the running header and
footer, the packet cover), rendered with Sphinx's template bridge, each
sentence in ``{% trans %}`` so that ``sphinx-build -b gettext`` extracts it
into ``sphinx.pot``. The few words built here (title suffixes, "Partner A",
a tick box's name) go through ``get_translation("handbook")``.

Config values:

``handbook_paper_size`` (str)
    ``"letter"`` (default) or ``"a4"``.
``handbook_print_css`` (str)
    The print stylesheet, relative to the source folder.
``handbook_print_front`` (list of docnames)
    Pages printed after the contents and before the chapters
    (default: ``start-here`` and ``six-week-path``).
``handbook_print_back`` (list of docnames)
    Pages printed after the exercises (default: ``for-therapists``,
    ``glossary``, ``references``, ``about``).
``handbook_path_page`` (str)
    The docname of the six-week path, printed as a handout with a tick box
    at the end of each week (see ``add_tick_boxes``); ``""`` for none.
``handbook_print_workers`` (int)
    Processes rendering PDFs; ``0`` (default) is one per CPU core, ``1``
    renders in the build's own process.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging as std_logging
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from lxml import etree
from lxml import html as lxml_html
from packets import packet_contents
from sphinx.builders.singlehtml import SingleFileHTMLBuilder
from sphinx.errors import ConfigError
from sphinx.locale import get_translation
from sphinx.util import logging

import reader_text
from edition import edition_time
from exercises import env_exercises, exercises_by_id
from page_limits import inside
from safety import tel
from site_metadata import month_and_year

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)
_ = get_translation("handbook")

# The print templates are ``_templates/print/*.html`` (reader_text.py); a
# project's own ``templates_path`` may override any of them.
PAPER_SIZES = {"letter": "letter", "a4": "A4"}
HANDBOOK_PDF = "emotional-intimacy-handbook.pdf"
BUNDLE_PDF = "all-handouts.pdf"
HEADING = "self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6"
# Pages whose links are dropped (not printed as URLs) in single-chapter PDFs
# and handouts.
UNLINKED_IN_PARTS = frozenset({"glossary", "references"})


def partners() -> tuple[tuple[str, str], ...]:
    """The two people of a worksheet for two: (field name suffix, label)."""
    return (("partner-a", str(_("Partner A"))), ("partner-b", str(_("Partner B"))))


@dataclass
class BookPart:
    """One document of the book, cut out of the single-page HTML."""

    docname: str
    title: str
    element: Any  # an lxml <section>


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
    section: Any, *, anchors: dict[str, str], base_url: str, local: set[str]
) -> None:
    """Send links whose target is not in this PDF (``local``) to the website.

    ``anchors`` maps every id in the book to its docname.
    """
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


def add_answer_fields(section: Any, *, field_prefix: str, together: bool) -> None:
    """Give every reflection prompt a text field a client can type into; two
    side by side, one a partner, when the exercise is done ``together``.

    Field names start with ``field_prefix`` (unique within one PDF: fields
    of the same name are one field). Each field's accessible name (``title``,
    which WeasyPrint writes as the field's /TU) is its prompt, and the
    partner's label for the second kind.
    """
    prompts = section.xpath('.//*[contains(@class, "exercise-prompts")]//li')
    for number, item in enumerate(prompts, 1):
        field_id = f"{field_prefix}-prompt-{number}"
        prompt = " ".join(item.text_content().split())
        item.set("id", f"{field_id}-label")
        if not together:
            text_field(item, name=field_id, title=prompt, labelledby=item.get("id"))
            continue
        pair = etree.SubElement(item, "div")
        pair.set("class", "answer-pair")
        for suffix, partner in partners():
            name = f"{field_id}-{suffix}"
            answer = etree.SubElement(pair, "div")
            answer.set("class", "answer")
            label = etree.SubElement(answer, "label")
            label.set("for", name)
            label.set("id", f"{name}-label")
            label.text = partner
            text_field(
                answer,
                name=name,
                title=str(_("{partner}: {prompt}")).format(
                    partner=partner, prompt=prompt
                ),
                labelledby=f"{field_id}-label {name}-label",
            )


def text_field(parent: Any, *, name: str, title: str, labelledby: str) -> None:
    area = etree.SubElement(parent, "textarea")
    area.set("name", name)
    area.set("id", name)
    area.set("title", title)
    area.set("aria-labelledby", labelledby)
    area.text = ""


def add_tick_boxes(section: Any, *, field_prefix: str, fillable: bool) -> int:
    """Mark each week's tick line; in a fillable PDF, add a check box to it.

    A tick line is a week's last paragraph when it ends with a colon and
    nothing follows it ("Done this week:"). The box's accessible name is the
    week's heading up to its colon ("Week 1") and "done". Returns how many.
    """
    count = 0
    for week in section.xpath("./section"):
        last = week.xpath("./*[last()]")
        if not last or last[0].tag != "p":
            continue
        line = last[0]
        if not line.text_content().strip().endswith(":"):
            continue
        count += 1
        line.set("class", f"{line.get('class', '')} tick-line".strip())
        week.set("class", f"{week.get('class', '')} week".strip())
        if not fillable:
            continue
        heading = week.xpath(f"./*[{HEADING}]")
        name = heading[0].text_content().split(":", 1)[0].strip() if heading else ""
        box = etree.SubElement(line, "input")
        box.set("type", "checkbox")
        box.set("name", f"{field_prefix}-week-{count}-done")
        box.set("id", f"{field_prefix}-week-{count}-done")
        box.set("title", str(_("{week} done")).format(week=name or str(count)))
    return count


def to_html(element: Any) -> str:
    return lxml_html.tostring(element, encoding="unicode")


@dataclass(frozen=True)
class PrintMetadata:
    """What every PDF says about itself (from the site block in conf.py)."""

    title: str
    author: str
    copyright_holder: str
    subject: str
    keywords: list[str]
    base_url: str
    licence: dict[str, str]  # name, url
    crisis: dict[str, str]  # see handbook_crisis in conf.py
    edition: dt.datetime  # the PDFs' own dates (byte-identical rebuilds)
    edition_date: dt.date  # the edition printed on the cover (edition.py)
    version: str  # the edition's version, Sphinx's ``release``
    paper: str
    language: str  # Sphinx's ``language``, for dates and messages
    lang: str  # the document's language tag, like en-US

    def template_context(self) -> dict[str, Any]:
        """What the templates under ``_templates/print/`` may print."""
        return {
            "site_title": self.title,
            "author": self.author,
            "copyright_holder": self.copyright_holder,
            "base_url": self.base_url,
            "licence_name": self.licence["name"],
            "licence_url": self.licence["url"],
            "licence_link_text": self.licence["url"].split("://", 1)[-1].rstrip("/"),
            "crisis": self.crisis,
            "crisis_tel": {key: tel(value) for key, value in self.crisis.items()},
            "edition_year": self.edition_date.year,
            "edition_version": self.version,
            "edition_month": month_and_year(self.edition_date, self.language),
        }


@dataclass(frozen=True)
class PrintJob:
    """One PDF to render: what it holds and where it goes."""

    docname: str  # the document a warning about this PDF names
    title: str
    body: str  # "" for a PDF made only of others' pages
    body_class: str
    target: Path
    forms: bool
    # PDFs whose pages follow this one's own (the bundle, a packet).
    combine: tuple[Path, ...] = ()


class WeasyPrintProblems(std_logging.Handler):
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


class WeasyPrint:
    """WeasyPrint for one process: the fetcher, fonts and stylesheet of one
    group of PDFs, and their problems, each PDF's apart."""

    def __init__(self, *, base_url: str, stylesheet: str, roots: tuple[str, ...]):
        self.base_url = base_url
        with self.problems() as found:
            # Imported late (the HTML builds never need WeasyPrint), and
            # inside problems(): importing it logs progress messages, which
            # would be printed (accessible-pygments, loaded for furo's code
            # style, configures the root logger; README, "Workarounds").
            self.fetcher = local_only_fetcher(tuple(Path(root) for root in roots))
            from weasyprint import CSS
            from weasyprint.text.fonts import FontConfiguration

            self.fonts = FontConfiguration()  # without it, @font-face is ignored
            self.stylesheet = CSS(
                filename=stylesheet, font_config=self.fonts, url_fetcher=self.fetcher
            )
        # Reported with the group's first PDF.
        self.stylesheet_problems = found

    @contextmanager
    def problems(self):
        """Collect WeasyPrint's errors while the block runs (each once).

        For the block only, WeasyPrint's log goes to the collector alone (not
        to the process's other handlers) and its progress messages (INFO)
        are not produced; both settings are put back afterwards."""
        handler = WeasyPrintProblems()
        weasy_logger = std_logging.getLogger("weasyprint")
        progress = std_logging.getLogger("weasyprint.progress")
        saved = weasy_logger.propagate, progress.level
        weasy_logger.addHandler(handler)
        weasy_logger.propagate = False
        progress.setLevel(std_logging.WARNING)
        messages: list[str] = []
        try:
            yield messages
        finally:
            weasy_logger.removeHandler(handler)
            weasy_logger.propagate, level = saved
            progress.setLevel(level)
            messages.extend(dict.fromkeys(handler.messages))

    def layout(self, document: str, *, forms: bool) -> Any:
        from weasyprint import HTML

        return HTML(
            string=document, base_url=self.base_url, url_fetcher=self.fetcher
        ).render(
            font_config=self.fonts,
            stylesheets=[self.stylesheet],
            pdf_variant="pdf/ua-1",
            pdf_forms=forms,
        )

    def write(self, laid_out: Any, target: str, *, forms: bool) -> None:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        laid_out.write_pdf(
            target,
            pdf_variant="pdf/ua-1",
            pdf_forms=forms,
            # Same input, same file: no random identifier.
            pdf_identifier=b"emotional-intimacy-handbook",
            custom_metadata=True,
        )


def render_group(
    documents: list[tuple[str, str, bool]],
    combined: list[tuple[str, str, str, list[int]]],
    *,
    base_url: str,
    stylesheet: str,
    roots: tuple[str, ...],
) -> list[list[str]]:
    """Render one group of PDFs in one process; return each one's problems.

    ``documents`` are (HTML, target, forms): each is laid out once and
    written to its target. ``combined`` are (title, cover HTML or "",
    target, indexes into ``documents``): a PDF of the cover's pages, then the
    pages of those documents, as laid out already (WeasyPrint's documented
    way to combine documents), so the bundle of worksheets and the packets
    cost no second layout. Plain strings in and out: this runs in a worker
    process, and builds its own fetcher.
    """
    weasy = WeasyPrint(base_url=base_url, stylesheet=stylesheet, roots=roots)
    results: list[list[str]] = []
    laid_out = []
    for index, (document, target, forms) in enumerate(documents):
        with weasy.problems() as problems:
            page_set = weasy.layout(document, forms=forms)
            weasy.write(page_set, target, forms=forms)
        laid_out.append(page_set)
        results.append((weasy.stylesheet_problems if index == 0 else []) + problems)
    for title, cover, target, indexes in combined:
        with weasy.problems() as problems:
            first = weasy.layout(cover, forms=True) if cover else laid_out[indexes[0]]
            pages = (first.pages if cover else []) + [
                page for i in indexes for page in laid_out[i].pages
            ]
            whole = first.copy(pages)
            # The first document's metadata, with this PDF's own title.
            whole.metadata = copy.copy(first.metadata)
            whole.metadata.title = title
            weasy.write(whole, target, forms=True)
        results.append(problems)
    return results


def render_all(
    groups: list[
        tuple[list[tuple[str, str, bool]], list[tuple[str, str, str, list[int]]]]
    ],
    *,
    base_url: Path,
    stylesheet: Path,
    roots: tuple[Path, ...],
    workers: int,
) -> list[list[list[str]]]:
    """Render every group, one process a core; return the problems of each
    group, in the order given (the order of the log, whoever finishes first).

    The largest groups start first, so that the handbook (a third of the
    work) does not start last and leave the other cores idle.
    """
    settings = {
        "base_url": str(base_url),
        "stylesheet": str(stylesheet),
        "roots": tuple(str(root) for root in roots),
    }
    if workers == 1 or len(groups) < 2:
        return [render_group(*group, **settings) for group in groups]

    def size(index: int) -> int:
        documents, combined = groups[index]
        return sum(len(d[0]) for d in documents) + sum(len(c[1]) for c in combined)

    order = sorted(range(len(groups)), key=size, reverse=True)
    with ProcessPoolExecutor(max_workers=min(workers, len(groups))) as pool:
        futures = {i: pool.submit(render_group, *groups[i], **settings) for i in order}
        return [futures[i].result() for i in range(len(groups))]


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
    name = author.get("name", config.author)
    edition = edition_time(Path(builder.srcdir))
    return PrintMetadata(
        title=config.handbook_site_name,
        author=f"{name}, {author.get('credential', '')}".strip(", "),
        copyright_holder=name,
        subject=config.handbook_description,
        keywords=list(config.handbook_keywords),
        base_url=config.handbook_base_url,
        licence=dict(config.handbook_licence),
        crisis=dict(config.handbook_crisis),
        edition=edition,
        edition_date=config.handbook_edition_date or edition.date(),
        version=config.release,
        paper=config.handbook_paper_size,
        language=config.language or "en",
        lang=config.handbook_locale.replace("_", "-"),
    )


class PrintEdition:
    """Turns the book's parts into the print edition's PDF jobs."""

    def __init__(self, builder: PrintEditionBuilder) -> None:
        self.builder = builder
        self.config = builder.config
        self.meta = print_metadata(builder)
        self.context = self.meta.template_context()
        self.exercises = env_exercises(builder.env)
        self.parts = split_book(builder.book_body)
        self.by_docname = {part.docname: part for part in self.parts}
        self.anchors = {
            anchor: part.docname
            for part in self.parts
            for anchor in part.element.xpath(".//@id")
        }

    def render(self, template: str, **context: Any) -> str:
        return reader_text.render(
            self.builder, f"print/{template}", {**self.context, **context}
        )

    def document(self, job: PrintJob) -> str:
        """The whole HTML document WeasyPrint renders for ``job``."""
        return self.render(
            "document.html",
            lang=self.meta.lang,
            title=job.title,
            author=self.meta.author,
            subject=self.meta.subject,
            keywords=self.meta.keywords,
            stamp=self.meta.edition.strftime("%Y-%m-%dT%H:%M:%SZ"),
            paper=PAPER_SIZES[self.meta.paper],
            body_class=job.body_class,
            body=job.body,
        )

    def framed(self, body: str) -> str:
        """Header and footer (safety line, licence) around a PDF that holds
        part of the book."""
        return self.render("frame.html", body=body)

    def standalone(self, part: BookPart, *, top: int) -> Any:
        """A copy of one document whose links outside it go to the website."""
        copy = lxml_html.fromstring(to_html(part.element))
        set_heading_levels(copy, top=top)
        point_links_at_site(
            copy,
            anchors=self.anchors,
            base_url=self.meta.base_url,
            local=set(copy.xpath(".//@id")),
        )
        return copy

    def worksheet(self, part: BookPart, *, field_prefix: str) -> Any:
        """One exercise as a fillable worksheet."""
        copy = self.standalone(part, top=1)
        # A worksheet keeps the exercise; longer tips stay in the handbook.
        for tips in copy.xpath("./section"):
            tips.drop_tree()
        together = self.exercises[part.docname]["who"] == "together"
        add_answer_fields(copy, field_prefix=field_prefix, together=together)
        return copy

    def parts_named(self, docnames: list[str]) -> list[BookPart]:
        return [self.by_docname[d] for d in docnames if d in self.by_docname]

    def jobs(self, pdf_dir: Path) -> list[PrintJob]:
        """Every PDF of the print edition, in the order they are reported."""
        meta = self.meta
        exercises = self.exercises
        chapters = [p for p in self.parts if p.docname.startswith("chapters/")]
        exercise_parts = [p for p in self.parts if p.docname in exercises]
        exercise_intro = self.parts_named(["exercises/index"])
        front = self.parts_named(list(self.config.handbook_print_front))
        back = self.parts_named(list(self.config.handbook_print_back))
        for part, kind, top in (
            *((p, "guide", 1) for p in front),
            *((p, "chapter", 1) for p in chapters),
            *((p, "back-matter", 1) for p in exercise_intro + back),
            *((p, "exercise-page", 2) for p in exercise_parts),
        ):
            part.element.set("class", kind)
            set_heading_levels(part.element, top=top)
        jobs: list[PrintJob] = []

        for part in chapters:
            body = self.framed(to_html(self.standalone(part, top=1)))
            name = part.docname.rsplit("/", 1)[-1]
            jobs.append(
                PrintJob(
                    part.docname,
                    f"{part.title} · {meta.title}",
                    body,
                    "single-chapter",
                    pdf_dir / "chapters" / f"{name}.pdf",
                    False,
                )
            )

        worksheets: dict[str, str] = {}  # exercise id -> worksheet HTML
        for part in exercise_parts:
            exercise_id = exercises[part.docname]["id"]
            worksheets[exercise_id] = to_html(
                self.worksheet(part, field_prefix=exercise_id)
            )
            jobs.append(
                PrintJob(
                    part.docname,
                    str(_("{title} · Worksheet · {site}")).format(
                        title=part.title, site=meta.title
                    ),
                    self.framed(worksheets[exercise_id]),
                    "handout",
                    pdf_dir / "handouts" / f"{exercise_id}.pdf",
                    True,
                )
            )
        if worksheets:
            # Made of the worksheets' own pages: each keeps its page numbers.
            jobs.append(
                PrintJob(
                    "exercises/index",
                    str(_("All Worksheets · {site}")).format(site=meta.title),
                    "",
                    "handout bundle",
                    pdf_dir / "handouts" / BUNDLE_PDF,
                    True,
                    combine=tuple(
                        pdf_dir / "handouts" / f"{i}.pdf" for i in worksheets
                    ),
                )
            )

        path_page = self.config.handbook_path_page
        if path_page in self.by_docname:
            part = self.by_docname[path_page]
            copy = self.standalone(part, top=1)
            name = path_page.rsplit("/", 1)[-1]
            if not add_tick_boxes(copy, field_prefix=name, fillable=True):
                logger.warning(
                    "the path page has no tick lines (a week's last paragraph, "
                    "ending with a colon), so its handout has no tick boxes",
                    location=path_page,
                    type="handbook",
                    subtype="print",
                )
            add_tick_boxes(part.element, field_prefix=name, fillable=False)
            jobs.append(
                PrintJob(
                    path_page,
                    str(_("{title} · Handout · {site}")).format(
                        title=part.title, site=meta.title
                    ),
                    self.framed(to_html(copy)),
                    "handout path",
                    pdf_dir / "handouts" / f"{name}.pdf",
                    True,
                )
            )

        jobs.extend(self.packet_jobs(pdf_dir))

        book = front + chapters + exercise_intro + exercise_parts + back
        body = self.render(
            "front-matter.html",
            contents=[
                {
                    "kind": kind,
                    "anchor": part.element.get("data-doc-anchor"),
                    "title": part.title,
                }
                for kind, items in (
                    ("front", front),
                    ("chapter", chapters),
                    ("back", exercise_intro + back),
                )
                for part in items
            ],
        ) + "".join(to_html(p.element) for p in book)
        handbook = lxml_html.fragment_fromstring(body, create_parent="div")
        # A page left out of the handbook (privacy, consultation) is a link
        # to the website, as in the chapter PDFs.
        point_links_at_site(
            handbook,
            anchors=self.anchors,
            base_url=meta.base_url,
            local=set(handbook.xpath(".//@id")),
        )
        jobs.append(
            PrintJob(
                self.config.root_doc,
                meta.title,
                "".join(to_html(child) for child in handbook),
                "handbook",
                pdf_dir / HANDBOOK_PDF,
                False,
            )
        )
        return jobs

    def packet_jobs(self, pdf_dir: Path) -> list[PrintJob]:
        """Each packet of ``handbook_packets``: a cover, then the pages of its
        worksheets. A worksheet is in a packet once (packets.py), so the
        field names (the exercise's id and the prompt's number) are unique
        in it: fields of one name in one PDF would be one field."""
        by_id = exercises_by_id(self.builder.env)
        jobs = []
        for name, title, exercise_ids in packet_contents(
            self.config.handbook_packets, set(by_id)
        ):
            parts = [self.by_docname[by_id[i]] for i in exercise_ids]
            cover = self.render(
                "packet-cover.html",
                packet_title=title,
                worksheets=[
                    {
                        "title": part.title,
                        "who": self.exercises[part.docname]["who"].capitalize(),
                        "time": self.exercises[part.docname]["time"],
                    }
                    for part in parts
                ],
            )
            jobs.append(
                PrintJob(
                    self.config.root_doc,
                    str(_("{title} · Worksheet Packet · {site}")).format(
                        title=title, site=self.meta.title
                    ),
                    self.framed(cover),
                    "handout packet",
                    pdf_dir / "packets" / f"{name}.pdf",
                    True,
                    combine=tuple(
                        pdf_dir / "handouts" / f"{i}.pdf" for i in exercise_ids
                    ),
                )
            )
        return jobs


def render_groups(
    jobs: list[PrintJob], document: Callable[[PrintJob], str]
) -> list[tuple[list[tuple[str, str, bool]], list[tuple[str, str, str, list[int]]]]]:
    """The jobs as groups for ``render_group``, with the job of each result.

    A PDF made of others' pages is in one group with them (laid-out pages
    stay in their process); every other PDF is a group of its own.
    """
    members = {target for job in jobs for target in job.combine}
    own = [job for job in jobs if job.target in members]
    index = {job.target: i for i, job in enumerate(own)}
    together = (
        [(document(job), str(job.target), job.forms) for job in own],
        [
            (
                job.title,
                document(job) if job.body else "",
                str(job.target),
                [index[target] for target in job.combine],
            )
            for job in jobs
            if job.combine
        ],
    )
    groups = [
        ([(document(job), str(job.target), job.forms)], [])
        for job in jobs
        if job.target not in members and not job.combine
    ]
    return ([together] if own else []) + groups


def written_pdfs(builder: PrintEditionBuilder, pdf_dir: Path) -> list[Path]:
    """Render every PDF of the print edition and return their paths.

    A problem WeasyPrint reports (a broken anchor, a missing font) becomes a
    warning naming the document, so ``-W`` fails the build; warnings come in
    the order of the jobs, whichever process finishes first.
    """
    edition = PrintEdition(builder)
    jobs = edition.jobs(pdf_dir)
    missing = {t for job in jobs for t in job.combine} - {job.target for job in jobs}
    if missing:
        raise ValueError(f"combined PDFs of no job: {sorted(map(str, missing))}")
    groups = render_groups(jobs, edition.document)
    workers = builder.config.handbook_print_workers or os.cpu_count() or 1
    results = render_all(
        groups,
        base_url=Path(builder.srcdir),
        stylesheet=Path(builder.srcdir) / builder.config.handbook_print_css,
        roots=(Path(builder.srcdir), Path(builder.outdir)),
        workers=workers,
    )
    problems_of: dict[str, list[str]] = {}
    for (documents, combined), problems in zip(groups, results, strict=True):
        targets = [d[1] for d in documents] + [c[2] for c in combined]
        problems_of.update(zip(targets, problems, strict=True))
    for job in jobs:
        for problem in problems_of[str(job.target)]:
            logger.warning(
                "%s: %s",
                job.target.name,
                problem,
                location=job.docname,
                type="handbook",
                subtype="print",
            )
    return [job.target for job in jobs]


def drop_theme_files(app: Sphinx, exception: Exception | None) -> None:
    """The PDFs embed what they need; the HTML machinery's _static is litter."""
    if exception is None and app.builder.name == PrintEditionBuilder.name:
        shutil.rmtree(Path(app.outdir) / "_static", ignore_errors=True)


def check_print_config(app: Sphinx, config: Any) -> None:
    if config.handbook_paper_size not in PAPER_SIZES:
        raise ConfigError(
            f"handbook_paper_size must be one of {', '.join(PAPER_SIZES)}, "
            f"not {config.handbook_paper_size!r} (set HANDBOOK_PAPER or conf.py)"
        )
    if config.handbook_print_workers < 0:
        raise ConfigError(
            "handbook_print_workers must be 0 (one a CPU core) or a positive "
            f"number of processes, not {config.handbook_print_workers}"
        )


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("handbook_paper_size", "letter", "env", types=frozenset({str}))
    app.add_config_value(
        "handbook_print_css", "_static/css/print.css", "env", types=frozenset({str})
    )
    app.add_config_value(
        "handbook_print_front",
        ["start-here", "six-week-path"],
        "env",
        types=frozenset({list, tuple}),
    )
    app.add_config_value(
        "handbook_print_back",
        ["for-therapists", "glossary", "references", "about"],
        "env",
        types=frozenset({list, tuple}),
    )
    app.add_config_value(
        "handbook_path_page", "six-week-path", "env", types=frozenset({str})
    )
    app.add_config_value("handbook_print_workers", 0, "", types=frozenset({int}))
    app.setup_extension("site_metadata")
    # The packets' config, checks and download list on the website.
    app.setup_extension("packets")
    app.add_builder(PrintEditionBuilder)
    app.connect("config-inited", check_print_config)
    # After the theme's own build-finished handlers, which write into _static.
    app.connect("build-finished", drop_theme_files, priority=900)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
