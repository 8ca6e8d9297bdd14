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
into ``sphinx.pot``. The facts they print (title, author, town, licence,
crisis lines) come from conf.py's site block (``PrintMetadata``). The few
words built in Python (title suffixes, "Partner A", a tick box's name) go
through ``get_translation("handbook")``.

This module is the builder, its configuration and the PDFs' metadata; the
work is done by three helpers: ``print_html.py`` (the HTML transforms),
``print_jobs.py`` (the book's documents planned as PDF jobs) and
``print_render.py`` (the WeasyPrint pool: workers, the local-only fetcher,
WeasyPrint's messages).

Config values:

``handbook_paper_size`` (str)
    ``"letter"`` (default) or ``"a4"``; anything else is a ``ConfigError``.
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
    renders in the build's own process; a negative number is a
    ``ConfigError``.
``handbook_print_table_scope`` (bool)
    ``True`` (default): give every table header cell of every PDF its
    ``/Scope`` after WeasyPrint writes it (``print_table_scope.py``, a
    workaround for WeasyPrint issue #2508); ``False`` leaves WeasyPrint's
    PDFs as they are, for when WeasyPrint writes the scope itself.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from languages import is_translation
from sphinx.builders.singlehtml import SingleFileHTMLBuilder
from sphinx.errors import ConfigError, ExtensionError
from sphinx.util import logging

from edition import edition_time
from print_jobs import PAPER_SIZES, PrintEdition
from print_render import render_all, render_groups
from safety import tel
from site_metadata import month_and_year

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrintMetadata:
    """What every PDF says about itself (from the site block in conf.py)."""

    title: str  # "Title: Subtitle", as the cover splits it
    author: str
    copyright_holder: str
    locality: str  # the practice's town, for the cover
    region: str  # its region as readers write it (region_name, or region)
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
    translation: bool = False  # a translation awaiting a bilingual clinician

    def template_context(self) -> dict[str, Any]:
        """What the templates under ``_templates/print/`` may print."""
        return {
            "site_title": self.title,
            "cover_title": self.title.partition(": ")[0],
            "cover_subtitle": self.title.partition(": ")[2],
            "author": self.author,
            "locality": self.locality,
            "region": self.region,
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
            "is_translation": self.translation,
        }


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
    """The PDFs' facts, from conf.py's site block."""
    config = builder.config
    author = config.handbook_author
    practice = config.handbook_practice
    name = author.get("name", config.author)
    edition = edition_time(Path(builder.srcdir))
    return PrintMetadata(
        title=config.handbook_site_name or config.project,
        author=f"{name}, {author.get('credential', '')}".strip(", "),
        copyright_holder=name,
        locality=practice.get("locality", ""),
        region=practice.get("region_name") or practice.get("region", ""),
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
        translation=is_translation(config),
    )


def written_pdfs(builder: PrintEditionBuilder, pdf_dir: Path) -> list[Path]:
    """Render every PDF of the print edition and return their paths.

    A problem WeasyPrint reports (a broken anchor, a missing font) becomes a
    warning naming the document, so ``-W`` fails the build; warnings come in
    the order of the jobs, whichever process finishes first.
    """
    edition = PrintEdition(
        builder, body=builder.book_body, meta=print_metadata(builder)
    )
    jobs = edition.jobs(pdf_dir)
    missing = {t for job in jobs for t in job.combine} - {job.target for job in jobs}
    if missing:
        # A mistake in print_jobs.py, not in the book or its configuration.
        raise ExtensionError(f"combined PDFs of no job: {sorted(map(str, missing))}")
    workers = builder.config.handbook_print_workers or os.cpu_count() or 1
    problems_of = render_all(
        render_groups(jobs),
        base_url=Path(builder.srcdir),
        stylesheet=Path(builder.srcdir) / builder.config.handbook_print_css,
        roots=(Path(builder.srcdir), Path(builder.outdir)),
        workers=workers,
        table_scope=builder.config.handbook_print_table_scope,
    )
    for job in jobs:
        for problem in problems_of[job.target]:
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
    """Settings every builder reads: a bad one stops the build at once."""
    if config.handbook_paper_size not in PAPER_SIZES:
        raise ConfigError(
            f"handbook_paper_size must be one of {', '.join(PAPER_SIZES)}, "
            f"not {config.handbook_paper_size!r}: set HANDBOOK_PAPER or "
            "handbook_paper_size in conf.py to one of them."
        )
    if config.handbook_print_workers < 0:
        raise ConfigError(
            "handbook_print_workers must be 0 (one a CPU core) or a positive "
            f"number of processes, not {config.handbook_print_workers}: "
            "change it in conf.py."
        )


def check_print_stylesheet(app: Sphinx) -> None:
    """The print builder needs its stylesheet (other builders do not)."""
    if app.builder.name != PrintEditionBuilder.name:
        return
    stylesheet = Path(app.srcdir) / app.config.handbook_print_css
    if not stylesheet.is_file():
        raise ConfigError(
            f"handbook_print_css names {stylesheet}, which is not a file: give "
            "the print stylesheet's path, relative to the source folder, in "
            "conf.py."
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
    app.add_config_value(
        "handbook_print_table_scope", True, "", types=frozenset({bool})
    )
    app.setup_extension("site_metadata")
    # The packets' config, checks and download list on the website.
    app.setup_extension("packets")
    app.add_builder(PrintEditionBuilder)
    app.connect("config-inited", check_print_config)
    app.connect("builder-inited", check_print_stylesheet)
    # After the theme's own build-finished handlers, which write into _static.
    app.connect("build-finished", drop_theme_files, priority=900)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
