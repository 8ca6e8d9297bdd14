"""The print edition's WeasyPrint pool: PDF jobs rendered in worker processes.

Not an extension: ``print_edition.py`` plans the jobs and reports what this
module returns. A ``PrintJob`` is one PDF: the whole HTML document to lay
out, its target and, for a PDF made of others' pages (the bundle of
worksheets, a packet), the targets whose pages follow its own. The jobs are
grouped (``render_groups``: a combined PDF shares a process with the PDFs
it holds, so their laid-out pages are reused) and the groups rendered one
process a CPU core, largest first (``render_all``); each job's problems come
back in the order given, whoever finishes first.

WeasyPrint fetches through ``local_only_fetcher``: ``data:`` URLs and files
inside ``docs/`` and the build only. Its errors (a missing anchor, font or
image, a refused URL) are collected for each PDF apart (``WeasyPrint``),
and WeasyPrint's own log is kept out of the build's output.

Each PDF's table header cells get their ``/Scope`` before the file is
written (``print_table_scope.py``: a workaround for WeasyPrint issue
#2508), unless ``handbook_print_table_scope`` is ``False``.
"""

from __future__ import annotations

import copy
import logging as std_logging
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from page_limits import inside


@dataclass(frozen=True)
class PrintJob:
    """One PDF to render: what it holds and where it goes. Frozen and made
    of plain values, so that it pickles to a worker process as it is."""

    docname: str  # the document a warning about this PDF names
    title: str
    # The whole HTML document WeasyPrint lays out; "" for a PDF made only of
    # others' pages.
    document: str
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

    def __init__(
        self,
        *,
        base_url: str,
        stylesheet: str,
        roots: tuple[str, ...],
        table_scope: bool = True,
    ):
        self.base_url = base_url
        self.table_scope = table_scope
        with self.problems() as found:
            # Imported late (the HTML builds never need WeasyPrint), and
            # inside problems(): importing it logs progress messages, which
            # would be printed (accessible-pygments, loaded for furo's code
            # style, configures the root logger; docs-dev/upstream-reports.md).
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

    def write(self, laid_out: Any, target: Path, *, forms: bool) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        pdf = laid_out.write_pdf(
            pdf_variant="pdf/ua-1",
            pdf_forms=forms,
            # Same input, same file: no random identifier.
            pdf_identifier=b"emotional-intimacy-handbook",
            custom_metadata=True,
        )
        if self.table_scope:
            # Imported here, in the workers: pikepdf costs every build's
            # start (the live preview's too) some 60 ms otherwise.
            from print_table_scope import scope_table_headers

            pdf = scope_table_headers(pdf)
        target.write_bytes(pdf)


def render_group(
    jobs: tuple[PrintJob, ...],
    *,
    base_url: str,
    stylesheet: str,
    roots: tuple[str, ...],
    table_scope: bool = True,
) -> list[list[str]]:
    """Render one group of PDFs in one process; return each job's problems,
    in the order of ``jobs``.

    A job without ``combine`` is laid out once and written to its target. A
    job with ``combine`` (after the jobs it names, in the same group) is a
    PDF of its own document's pages, if any, then the pages of those PDFs as
    laid out already (WeasyPrint's documented way to combine documents), so
    the bundle of worksheets and the packets cost no second layout. This
    runs in a worker process and builds its own fetcher.
    """
    weasy = WeasyPrint(
        base_url=base_url, stylesheet=stylesheet, roots=roots, table_scope=table_scope
    )
    results: list[list[str]] = []
    laid_out: dict[Path, Any] = {}
    for job in jobs:
        with weasy.problems() as problems:
            if not job.combine:
                laid_out[job.target] = weasy.layout(job.document, forms=job.forms)
                weasy.write(laid_out[job.target], job.target, forms=job.forms)
            else:
                own = (
                    weasy.layout(job.document, forms=job.forms)
                    if job.document
                    else None
                )
                first = own or laid_out[job.combine[0]]
                pages = (own.pages if own else []) + [
                    page for target in job.combine for page in laid_out[target].pages
                ]
                whole = first.copy(pages)
                # The first document's metadata, with this PDF's own title.
                whole.metadata = copy.copy(first.metadata)
                whole.metadata.title = job.title
                weasy.write(whole, job.target, forms=job.forms)
        # The stylesheet's problems are reported with the group's first PDF.
        results.append((weasy.stylesheet_problems if not results else []) + problems)
    return results


def render_groups(jobs: list[PrintJob]) -> list[tuple[PrintJob, ...]]:
    """The jobs as groups for ``render_group``.

    A PDF made of others' pages is in one group with them (laid-out pages
    stay in their process), after them; every other PDF is a group of its
    own. Every target a job combines must be another job's.
    """
    members = {target for job in jobs for target in job.combine}
    together = tuple(job for job in jobs if job.target in members) + tuple(
        job for job in jobs if job.combine
    )
    alone = [(job,) for job in jobs if job.target not in members and not job.combine]
    return ([together] if together else []) + alone


def render_all(
    groups: list[tuple[PrintJob, ...]],
    *,
    base_url: Path,
    stylesheet: Path,
    roots: tuple[Path, ...],
    workers: int,
    table_scope: bool = True,
) -> dict[Path, list[str]]:
    """Render every group, one process a core; return each PDF's problems by
    its target. The caller reports them in its own order (the order of the
    log, whoever finishes first).

    The largest groups start first, so that the handbook (a third of the
    work) does not start last and leave the other cores idle.
    """
    settings = {
        "base_url": str(base_url),
        "stylesheet": str(stylesheet),
        "roots": tuple(str(root) for root in roots),
        "table_scope": table_scope,
    }
    if workers == 1 or len(groups) < 2:
        results = [render_group(group, **settings) for group in groups]
    else:
        order = sorted(
            range(len(groups)),
            key=lambda i: sum(len(job.document) for job in groups[i]),
            reverse=True,
        )
        with ProcessPoolExecutor(max_workers=min(workers, len(groups))) as pool:
            futures = {
                i: pool.submit(render_group, groups[i], **settings) for i in order
            }
            results = [futures[i].result() for i in range(len(groups))]
    return {
        job.target: problems
        for group, group_problems in zip(groups, results, strict=True)
        for job, problems in zip(group, group_problems, strict=True)
    }
