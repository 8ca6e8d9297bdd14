"""The EPUB, byte-identical for one commit.

Sphinx's EPUB builder dates the book (``dc:date`` in ``content.opf``) from
``SOURCE_DATE_EPOCH`` when it is set, and ``scripts/build_book.py`` and the
nox sessions set it to the last commit's time. The archive's entries,
though, carry the time each file was written, so two builds of one commit
would still differ. Once the EPUB is written, this module rewrites the
archive with every entry dated from the edition (``SOURCE_DATE_EPOCH``, else
the last commit), in the same order, with ``mimetype`` first and stored
uncompressed as the EPUB format requires. The contents do not change.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from edition import edition_time

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)  # the earliest a zip can say


def redate_archive(path: Path, when: dt.datetime) -> None:
    """Give every entry of the zip archive at ``path`` the time ``when``."""
    stamp = max(when, ZIP_EPOCH).timetuple()[:6]
    with zipfile.ZipFile(path) as old:
        entries = [(info, old.read(info)) for info in old.infolist()]
    rewritten = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(rewritten, "w") as new:
        for info, data in entries:
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = info.compress_type
            entry.external_attr = 0o644 << 16  # rw-r--r--, whatever the umask
            new.writestr(entry, data)
    rewritten.replace(path)


def redate_epub(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.name == "epub":
        epub = Path(app.outdir) / f"{app.config.epub_basename}.epub"
        if epub.is_file():
            redate_archive(epub, edition_time(Path(app.srcdir)))


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("build-finished", redate_epub)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
