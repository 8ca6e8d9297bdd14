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


def read_signoffs(path: Path | None) -> dict[str, SignOff]:
    if not path or not path.is_file():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    signoffs = {}
    for page, entry in data.get("pages", {}).items():
        date = entry["date"]
        signoffs[page] = SignOff(
            by=str(entry["by"]),
            date=date if isinstance(date, dt.date) else dt.date.fromisoformat(date),
            fingerprint=str(entry["fingerprint"]),
            commit=str(entry.get("commit", "")),
        )
    return signoffs


def write_signoffs(path: Path, signoffs: dict[str, SignOff]) -> None:
    parts = [HEADER]
    for page in sorted(signoffs):
        entry = signoffs[page]
        parts.append(
            f"\n[pages.{json.dumps(page)}]\n"
            f"by = {json.dumps(entry.by, ensure_ascii=False)}\n"
            f"date = {entry.date.isoformat()}\n"
            f"fingerprint = {json.dumps(entry.fingerprint)}\n"
            f"commit = {json.dumps(entry.commit)}\n"
        )
    path.write_text("".join(parts), encoding="utf-8")


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
def _signoffs_as_of(path: Path, stamp: int) -> dict[str, SignOff]:
    return read_signoffs(path)


@functools.cache
def _review_as_of(source: Path, stamp: int, signoff: SignOff | None) -> dict[str, Any]:
    return review_context(signoff, source.read_text(encoding="utf-8"))


def _stamp(path: Path) -> int:
    return path.stat().st_mtime_ns if path.is_file() else 0


def page_review(app: Sphinx, docname: str) -> dict[str, Any]:
    """The review of one page, from the sign-off file and its source. Both
    are read once while unchanged (the byline and the JSON-LD both ask)."""
    name = app.config.handbook_reviews_file
    path = Path(app.confdir, name) if name else None
    signoffs = _signoffs_as_of(path, _stamp(path)) if path else {}
    source = Path(app.env.doc2path(docname))
    return dict(_review_as_of(source, _stamp(source), signoffs.get(docname)))


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
