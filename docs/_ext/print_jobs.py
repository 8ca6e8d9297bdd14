"""The print edition's jobs: the book's documents planned as PDFs.

Not an extension: ``print_edition.py`` builds a ``PrintEdition`` from the
single-page book and its ``PrintMetadata``, and hands ``PrintEdition.jobs``
to the WeasyPrint pool (``print_render.py``). In the order they are
reported:

- ``chapters/<chapter>.pdf``, each chapter on its own;
- ``handouts/<exercise id>.pdf``, each exercise as a fillable worksheet, and
  ``handouts/all-handouts.pdf`` made of their pages;
- ``handouts/<path page>.pdf``, the six-week path with a tick box a week;
- ``packets/<name>.pdf``, each packet of ``handbook_packets``: a cover and
  its worksheets' pages;
- the handbook: the front matter (``_templates/print/front-matter.html``),
  the front pages, the chapters, the exercises and the back pages.

Reader text comes from the templates under ``_templates/print/`` (rendered
with ``reader_text.py``) and, for the PDFs' titles, from
``get_translation("handbook")``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import html as lxml_html
from packets import packet_contents
from sphinx.errors import ConfigError
from sphinx.locale import get_translation
from sphinx.util import logging

import reader_text
from exercise_lists import who_text
from exercises import env_exercises, exercises_by_id
from print_html import (
    BookPart,
    add_answer_fields,
    add_tick_boxes,
    point_links_at_site,
    set_heading_levels,
    split_book,
    to_html,
)
from print_render import PrintJob

if TYPE_CHECKING:
    from sphinx.builders.html import StandaloneHTMLBuilder

    from print_edition import PrintMetadata

logger = logging.getLogger(__name__)
_ = get_translation("handbook")

# The value of handbook_paper_size -> the CSS page size.
PAPER_SIZES = {"letter": "letter", "a4": "A4"}
HANDBOOK_PDF = "emotional-intimacy-handbook.pdf"
BUNDLE_PDF = "all-handouts.pdf"


class PrintEdition:
    """Turns the book's parts into the print edition's PDF jobs."""

    def __init__(
        self, builder: StandaloneHTMLBuilder, *, body: str, meta: PrintMetadata
    ) -> None:
        self.builder = builder
        self.config = builder.config
        self.meta = meta
        self.context = meta.template_context()
        self.exercises = env_exercises(builder.env)
        self.parts = split_book(body)
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

    def job(
        self,
        docname: str,
        title: str,
        *,
        body: str,
        body_class: str,
        target: Path,
        forms: bool,
        combine: tuple[Path, ...] = (),
    ) -> PrintJob:
        """A job for ``body`` in the whole HTML document WeasyPrint renders
        (``_templates/print/document.html``); an empty body stays empty."""
        document = body and self.render(
            "document.html",
            lang=self.meta.lang,
            title=title,
            author=self.meta.author,
            subject=self.meta.subject,
            keywords=self.meta.keywords,
            stamp=self.meta.edition.strftime("%Y-%m-%dT%H:%M:%SZ"),
            paper=PAPER_SIZES[self.meta.paper],
            body_class=body_class,
            body=body,
        )
        return PrintJob(docname, title, document, target, forms, combine)

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
        chapters = [p for p in self.parts if p.docname.startswith("chapters/")]
        exercise_parts = [p for p in self.parts if p.docname in self.exercises]
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
        return [
            *self.chapter_jobs(chapters, pdf_dir),
            *self.worksheet_jobs(exercise_parts, pdf_dir),
            *self.path_jobs(pdf_dir),
            *self.packet_jobs(pdf_dir),
            self.handbook_job(
                front=front,
                chapters=chapters,
                exercise_intro=exercise_intro,
                exercises=exercise_parts,
                back=back,
                pdf_dir=pdf_dir,
            ),
        ]

    def chapter_jobs(self, chapters: list[BookPart], pdf_dir: Path) -> list[PrintJob]:
        """Each chapter on its own."""
        return [
            self.job(
                part.docname,
                f"{part.title} · {self.meta.title}",
                body=self.framed(to_html(self.standalone(part, top=1))),
                body_class="single-chapter",
                target=pdf_dir / "chapters" / f"{part.docname.rsplit('/', 1)[-1]}.pdf",
                forms=False,
            )
            for part in chapters
        ]

    def worksheet_jobs(self, parts: list[BookPart], pdf_dir: Path) -> list[PrintJob]:
        """Each exercise's worksheet, then the bundle of them all."""
        jobs = []
        for part in parts:
            exercise_id = self.exercises[part.docname]["id"]
            worksheet = to_html(self.worksheet(part, field_prefix=exercise_id))
            jobs.append(
                self.job(
                    part.docname,
                    str(_("{title} · Worksheet · {site}")).format(
                        title=part.title, site=self.meta.title
                    ),
                    body=self.framed(worksheet),
                    body_class="handout",
                    target=pdf_dir / "handouts" / f"{exercise_id}.pdf",
                    forms=True,
                )
            )
        if jobs:
            # Made of the worksheets' own pages: each keeps its page numbers.
            jobs.append(
                self.job(
                    "exercises/index",
                    str(_("All Worksheets · {site}")).format(site=self.meta.title),
                    body="",
                    body_class="handout bundle",
                    target=pdf_dir / "handouts" / BUNDLE_PDF,
                    forms=True,
                    combine=tuple(job.target for job in jobs),
                )
            )
        return jobs

    def path_jobs(self, pdf_dir: Path) -> list[PrintJob]:
        """The six-week path as a handout with a tick box a week (none when
        ``handbook_path_page`` is not in the book)."""
        path_page = self.config.handbook_path_page
        if path_page not in self.by_docname:
            return []
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
        return [
            self.job(
                path_page,
                str(_("{title} · Handout · {site}")).format(
                    title=part.title, site=self.meta.title
                ),
                body=self.framed(to_html(copy)),
                body_class="handout path",
                target=pdf_dir / "handouts" / f"{name}.pdf",
                forms=True,
            )
        ]

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
            unprinted = [i for i in exercise_ids if by_id[i] not in self.by_docname]
            if unprinted:
                raise ConfigError(
                    f"handbook_packets: packet {name!r} lists "
                    f"{', '.join(unprinted)}, whose pages are not in the book's "
                    "table of contents; add them to a toctree or take them "
                    "out of the packet."
                )
            parts = [self.by_docname[by_id[i]] for i in exercise_ids]
            cover = self.render(
                "packet-cover.html",
                packet_title=title,
                worksheets=[
                    {
                        "title": part.title,
                        # In the reader's language, as on the exercise's page.
                        "who": who_text(
                            self.exercises[part.docname]["who"]
                        ).capitalize(),
                        "time": self.exercises[part.docname]["time"],
                    }
                    for part in parts
                ],
            )
            jobs.append(
                self.job(
                    self.config.root_doc,
                    str(_("{title} · Worksheet Packet · {site}")).format(
                        title=title, site=self.meta.title
                    ),
                    body=self.framed(cover),
                    body_class="handout packet",
                    target=pdf_dir / "packets" / f"{name}.pdf",
                    forms=True,
                    combine=tuple(
                        pdf_dir / "handouts" / f"{i}.pdf" for i in exercise_ids
                    ),
                )
            )
        return jobs

    def handbook_job(
        self,
        *,
        front: list[BookPart],
        chapters: list[BookPart],
        exercise_intro: list[BookPart],
        exercises: list[BookPart],
        back: list[BookPart],
        pdf_dir: Path,
    ) -> PrintJob:
        """The whole handbook: front matter and contents, the front pages,
        the chapters, the exercises' introduction, the exercises and the back
        pages. The contents list the exercises' introduction with the back
        pages, not each exercise."""
        book = front + chapters + exercise_intro + exercises + back
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
            base_url=self.meta.base_url,
            local=set(handbook.xpath(".//@id")),
        )
        return self.job(
            self.config.root_doc,
            self.meta.title,
            body="".join(to_html(child) for child in handbook),
            body_class="handbook",
            target=pdf_dir / HANDBOOK_PDF,
            forms=False,
        )
