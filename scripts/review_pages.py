"""Clinical review of the handbook's pages: who signed what, and what changed.

Usage (through nox, which runs it with nothing but Python)::

    nox -s review                                   # every page by status
    nox -s review -- sign chapters/the-cycle --by "Jane Doe, PhD, LMFT"
    nox -s review -- sign chapters/the-cycle chapters/empathy --by "..."
    nox -s review -- --language es                  # the Spanish translation
    nox -s review -- --language es sign chapters/the-cycle --by "Ana Ruiz, PsyD"

A translation is signed off page by page by a bilingual licensed clinician:
the fingerprint then covers the English page and its catalogue in that
language (docs/locales/<language>/LC_MESSAGES/<page>.po), so that a change
to either withdraws the sign-off, and until then the page says its
translation awaits review.

The list shows each health page as never reviewed, reviewed, changed since
review (with the diff since the commit that was signed) or review overdue.
Signing records, in ``reviews.toml``, the reviewer, today's date, the
commit and a fingerprint of the page's source (``docs/_ext/review.py``);
commit that file with the page. A page edited later loses its "Reviewed by"
on the site, in the PDFs and in its JSON-LD until it is signed again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fnmatch
import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS / "_ext"))

import review  # noqa: E402

# The sign-off file and the health pages, as conf.py declares them.
CONF = runpy.run_path(str(DOCS / "conf.py"))
SIGNOFFS = Path(CONF["handbook_reviews_file"])
PATTERNS = tuple(CONF["handbook_reviewed_pages"])
LABELS = {
    "draft": "never reviewed",
    "reviewed": "reviewed",
    "changed": "changed since review",
    "overdue": "review overdue",
}


def health_pages() -> list[str]:
    pages = (p.relative_to(DOCS).with_suffix("").as_posix() for p in DOCS.rglob("*.md"))
    return sorted(
        p
        for p in pages
        if any(fnmatch.fnmatch(p, pattern) for pattern in PATTERNS)
        and not p.startswith("_")
        and p != "exercises/index"
    )


def git(*args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return done.stdout if done.returncode == 0 else ""


def catalogue(page: str, language: str) -> Path:
    return DOCS / "locales" / language / "LC_MESSAGES" / f"{page}.po"


def translated_pages(language: str) -> list[str]:
    pages = (p.relative_to(DOCS).with_suffix("").as_posix() for p in DOCS.rglob("*.md"))
    return sorted(
        p
        for p in pages
        if not p.startswith(("_", "locales")) and catalogue(p, language).is_file()
    )


def signed_text(page: str, language: str) -> str:
    """What a sign-off covers: the page, and in a translation its catalogue."""
    source = (DOCS / f"{page}.md").read_text(encoding="utf-8")
    if not language:
        return source
    return review.translation_source(
        source, catalogue(page, language).read_text(encoding="utf-8")
    )


def page_status(
    page: str, signoff: review.SignOff | None, today: dt.date, language: str = ""
) -> str:
    state = review.status(signoff, signed_text(page, language))
    if state == "reviewed" and signoff is not None:
        due = signoff.date + dt.timedelta(days=review.INTERVAL_DAYS)
        if today > due:
            return "overdue"
    return state


def list_pages(today: dt.date, show_diff: bool, language: str = "") -> int:
    signoffs = review.read_signoffs(SIGNOFFS, language)
    pages = translated_pages(language) if language else health_pages()
    by_status: dict[str, list[str]] = {key: [] for key in LABELS}
    for page in pages:
        by_status[page_status(page, signoffs.get(page), today, language)].append(page)
    for key, label in LABELS.items():
        pages = by_status[key]
        print(f"\n{label} ({len(pages)})")
        for page in pages:
            signoff = signoffs.get(page)
            signed = f"  signed {signoff.date} by {signoff.by}" if signoff else ""
            print(f"  {page}{signed}")
            if key == "changed" and show_diff and signoff and signoff.commit:
                paths = [f"docs/{page}.md"]
                if language:
                    paths.append(str(catalogue(page, language).relative_to(ROOT)))
                diff = git("diff", signoff.commit, "--", *paths)
                print(
                    "    " + (diff.replace("\n", "\n    ") or "(no commit to compare)")
                )
    return 0


def sign(pages: list[str], by: str, today: dt.date, language: str = "") -> int:
    if len(by.strip()) < 5 or "," not in by:
        print('Give your name and credentials: --by "Jane Doe, PhD, LMFT"')
        return 2
    known = set(translated_pages(language) if language else health_pages())
    unknown = [p for p in pages if p.removesuffix(".md") not in known]
    if unknown:
        kind = f"page translated into {language!r}" if language else "health page"
        print(f"Not a {kind} of the handbook: {', '.join(unknown)}")
        return 2
    signoffs = review.read_signoffs(SIGNOFFS)
    languages = {
        code: review.read_signoffs(SIGNOFFS, code)
        for code in CONF["handbook_languages"]
    }
    table = languages[language] if language else signoffs
    commit = git("rev-parse", "HEAD").strip()
    for page in (p.removesuffix(".md") for p in pages):
        paths = [DOCS / f"{page}.md"] + (
            [catalogue(page, language)] if language else []
        )
        if git("status", "--porcelain", "--", *map(str, paths)).strip():
            print(f"{page}: commit your changes first, then sign")
            return 2
        table[page] = review.SignOff(
            by=by.strip(),
            date=today,
            fingerprint=review.fingerprint(signed_text(page, language)),
            commit=commit,
        )
        print(f"signed {page} ({today}, {by.strip()})")
    review.write_signoffs(SIGNOFFS, signoffs, {k: v for k, v in languages.items() if v})
    print(f"Now commit {SIGNOFFS.name}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today())
    parser.add_argument("--no-diff", action="store_true", help="list without diffs")
    parser.add_argument(
        "--language", default="", help="a translation (es): its pages and sign-offs"
    )
    sub = parser.add_subparsers(dest="command")
    signing = sub.add_parser("sign", help="sign pages off")
    signing.add_argument("pages", nargs="+", help="e.g. chapters/the-cycle")
    signing.add_argument("--by", required=True, help='"Name, credentials"')
    args = parser.parse_args(argv)
    if args.command == "sign":
        return sign(args.pages, args.by, args.today, args.language)
    return list_pages(args.today, show_diff=not args.no_diff, language=args.language)


if __name__ == "__main__":
    sys.exit(main())
