"""Clinical sign-offs that a later edit withdraws.

A licensed clinician signs a page off with ``nox -s review -- sign PAGE --by
"Name, credentials"`` (``scripts/review_pages.py``). The sign-off goes into
``reviews.toml`` at the top of the repository: who, when, the commit, and a
fingerprint of the page's source (SHA-256 of its text, line endings and
trailing spaces aside). A page's front matter cannot claim a review: the
``reviewed_by`` field is gone, and only ``reviews.toml`` (whose changes
CODEOWNERS sends to the clinician) says who reviewed what.

Every health page (``handbook_reviewed_pages``) then has one of three
statuses, shown in its byline on the site and in the PDFs, and in its
JSON-LD (``creativeWorkStatus``, and ``reviewedBy`` only when reviewed):

``reviewed``
    signed off, and the page's source is what was signed;
``changed``
    signed off, but the source changed since: "Changed since review on
    DATE", until it is signed again;
``draft``
    never signed off: "Draft: awaiting review by a licensed clinician".

``nox -s review`` lists every page by status, with the diff since its
sign-off and the reviews that are due.

This module needs only the standard library, so that ``scripts/review_pages.py``
runs without the book's dependencies; ``setup()`` is the Sphinx side.

Config values:

``handbook_reviews_file`` (str)
    The sign-off file; empty for none (every page is then a draft).
``handbook_review_interval_days`` (int)
    How long a sign-off holds before the review is due again (1096).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

INTERVAL_DAYS = 1096  # three years
HEADER = """\
# Clinical sign-offs of the handbook's pages, one table a page.
# Written by `python3 -m nox -s review -- sign PAGE --by "Name, credentials"`;
# never edit by hand. A page whose source no longer matches its fingerprint
# shows "changed since review" until it is signed again (docs/_ext/review.py).
"""


@dataclass(frozen=True)
class SignOff:
    by: str
    date: dt.date
    fingerprint: str
    commit: str


def fingerprint(text: str) -> str:
    """The page's source, as a reader meets it, hashed: line endings,
    trailing spaces and trailing blank lines do not count."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    normal = "\n".join(lines).strip("\n") + "\n"
    return "sha256:" + hashlib.sha256(normal.encode("utf-8")).hexdigest()


def read_signoffs(path: Path | None, language: str = "") -> dict[str, SignOff]:
    """The sign-offs of the source pages, or with ``language`` those of that
    language's translations (``[translations.<language>."<page>"]``)."""
    if not path or not path.is_file():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    table = (
        data.get("translations", {}).get(language, {})
        if language
        else data.get("pages", {})
    )
    signoffs = {}
    for page, entry in table.items():
        date = entry["date"]
        signoffs[page] = SignOff(
            by=str(entry["by"]),
            date=date if isinstance(date, dt.date) else dt.date.fromisoformat(date),
            fingerprint=str(entry["fingerprint"]),
            commit=str(entry.get("commit", "")),
        )
    return signoffs


def write_signoffs(
    path: Path,
    signoffs: dict[str, SignOff],
    translations: dict[str, dict[str, SignOff]] | None = None,
) -> None:
    parts = [HEADER]
    tables = [("pages", signoffs)] + [
        (f"translations.{language}", table)
        for language, table in sorted((translations or {}).items())
    ]
    for prefix, table in tables:
        for page in sorted(table):
            parts.append(_entry(prefix, page, table[page]))
    path.write_text("".join(parts), encoding="utf-8")


def _entry(prefix: str, page: str, entry: SignOff) -> str:
    return (
        f"\n[{prefix}.{json.dumps(page)}]\n"
        f"by = {json.dumps(entry.by, ensure_ascii=False)}\n"
        f"date = {entry.date.isoformat()}\n"
        f"fingerprint = {json.dumps(entry.fingerprint)}\n"
        f"commit = {json.dumps(entry.commit)}\n"
    )


def translation_source(page_source: str, catalogue: str) -> str:
    """What a translation's sign-off covers: the English page and its
    catalogue in that language, both as they stand."""
    return page_source + "\n\f\n" + catalogue


def status(signoff: SignOff | None, source: str) -> str:
    if signoff is None:
        return "draft"
    return "reviewed" if fingerprint(source) == signoff.fingerprint else "changed"


def review_context(signoff: SignOff | None, source: str) -> dict[str, Any]:
    """What the byline and the JSON-LD say about one page's review."""
    state = status(signoff, source)
    return {
        "review_status": state,
        "reviewed_by": signoff.by if signoff and state == "reviewed" else "",
        "signed_on": signoff.date if signoff else None,
    }


# -- Sphinx ------------------------------------------------------------------


@functools.cache
def _signoffs_as_of(path: Path, stamp: int, language: str) -> dict[str, SignOff]:
    return read_signoffs(path, language)


@functools.cache
def _review_as_of(
    source: Path,
    catalogue: Path | None,
    stamps: tuple[int, int],
    signoff: SignOff | None,
) -> dict[str, Any]:
    text = source.read_text(encoding="utf-8")
    if catalogue is not None:  # a translation: the page and its catalogue
        if not catalogue.is_file():
            return review_context(None, "")
        text = translation_source(text, catalogue.read_text(encoding="utf-8"))
    return review_context(signoff, text)


def _stamp(path: Path | None) -> int:
    return path.stat().st_mtime_ns if path and path.is_file() else 0


def catalogue_path(app: Sphinx, docname: str, language: str) -> Path:
    """The page's catalogue in a language (one catalogue a page)."""
    return Path(
        app.srcdir, app.config.locale_dirs[0], language, "LC_MESSAGES", docname + ".po"
    )


def page_review(app: Sphinx, docname: str, language: str = "") -> dict[str, Any]:
    """The review of one page, from the sign-off file and its source; with
    ``language``, of its translation (signed off by a bilingual clinician
    while the English page and its catalogue are what was signed). Each file
    is read once while unchanged (the byline and the JSON-LD both ask)."""
    name = app.config.handbook_reviews_file
    path = Path(app.confdir, name) if name else None
    signoffs = _signoffs_as_of(path, _stamp(path), language) if path else {}
    source = Path(app.env.doc2path(docname))
    catalogue = catalogue_path(app, docname, language) if language else None
    stamps = (_stamp(source), _stamp(catalogue))
    return dict(_review_as_of(source, catalogue, stamps, signoffs.get(docname)))


def check_signoffs(app: Sphinx) -> None:
    from sphinx.util import logging

    path = app.config.handbook_reviews_file
    if not path:
        return
    for page in read_signoffs(Path(app.confdir, path)):
        if page not in app.env.found_docs:
            logging.getLogger(__name__).warning(
                "%s signs off %r, which is not a page of the handbook",
                path,
                page,
                type="handbook",
                subtype="review",
            )


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("handbook_reviews_file", "", "env", types=frozenset({str}))
    app.add_config_value(
        "handbook_review_interval_days", INTERVAL_DAYS, "env", types=frozenset({int})
    )
    app.connect("env-updated", lambda app, env: check_signoffs(app))
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
