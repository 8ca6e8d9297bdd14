"""The one front door for every task on the handbook.

Usage (with nothing but Python 3.11+ installed)::

    python3 -m pip install --require-hashes -r requirements/nox.txt  # nox, uv
    nox -s build          # the website, the PDFs and the EPUB, into build/
    nox -s tests          # build the book in a temporary folder and test it

Other sessions: ``html``, ``pdf``, ``epub``, ``serve`` (live preview),
``lint``, ``readability``, ``bench``, ``linkcheck``. Arguments after ``--``
go to the underlying tool, for example ``nox -s tests -- -k sitemap`` or
``nox -s pdf -- a4``.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
DOCS = ROOT / "docs"
BUILD = ROOT / "build"
REQUIREMENTS = ROOT / "requirements"
# uv came with nox (requirements/nox.txt) and runs from nox's own Python.
UV = (sys.executable, "-m", "uv")
# The lock is uv.lock, written by `nox -s lock` from pyproject.toml (the
# book's dependencies and the dependency groups) for every Python the book
# supports; requirements/nox.txt is exported from it for the first step of
# the README's commands, which has only pip.
NOX_EXPORT = ("export", "--frozen", "--only-group", "nox", "--quiet")

nox.options.sessions = ["build"]
# Environments made by uv (nox finds the uv that came with it).
nox.options.default_venv_backend = "uv"
# Reuse environments between runs; `uv sync` brings a reused one to the lock.
nox.options.reuse_venv = "yes"


def install(session: nox.Session, *groups: str, book: bool = True) -> None:
    """Install exactly what uv.lock holds for the book's dependencies (unless
    ``book`` is false) and the dependency ``groups``, each file checked
    against the lock's hash. ``uv sync`` also removes what an older lock left
    in a reused environment, and ``--locked`` fails when pyproject.toml has
    changed without `nox -s lock`."""
    option = "--group" if book else "--only-group"
    session.run_install(
        *UV,
        "sync",
        "--locked",
        "--quiet",
        # Bytecode written at install, as pip does: otherwise, where
        # PYTHONDONTWRITEBYTECODE is set, every Sphinx start compiles some
        # 500 modules again (0.7 s of each live-preview rebuild).
        "--compile-bytecode",
        *(arg for group in groups for arg in (option, group)),
        env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location},
        external=True,
    )


def install_book(session: nox.Session) -> None:
    install(session)


def paper_override(session: nox.Session) -> list[str]:
    """``nox -s pdf -- a4`` prints on A4 instead of US Letter."""
    sizes = [arg for arg in session.posargs if arg.lower() in ("a4", "letter")]
    return ["-D", f"handbook_paper_size={sizes[-1].lower()}"] if sizes else []


# Node tools, each folder with its own package-lock.json: the tests need only
# the Nu HTML Checker (vnu-jar); Lighthouse is for the benchmark alone.
NPM_BENCH = REQUIREMENTS / "npm"
NPM_HTML_CHECKER = REQUIREMENTS / "vnu"


def installed_as_locked(folder: Path) -> bool:
    """npm ci already put exactly the lock's packages in this folder (npm
    writes what it installed to node_modules/.package-lock.json)."""
    import json

    try:
        lock = json.loads((folder / "package-lock.json").read_text())
        done = json.loads((folder / "node_modules" / ".package-lock.json").read_text())
    except (OSError, ValueError):
        return False
    wanted = {k: v for k, v in lock["packages"].items() if k}
    return wanted == done.get("packages")


def install_npm_tools(session: nox.Session, folder: Path) -> None:
    """Node tools from the folder's committed package-lock.json (npm ci),
    scripts off; nothing to do (and no network) when they are installed."""
    if shutil.which("npm") and not installed_as_locked(folder):
        session.run(
            "npm",
            "ci",
            "--ignore-scripts",
            "--silent",
            "--no-audit",
            "--no-fund",
            "--prefer-offline",
            "--prefix",
            str(folder),
            external=True,
        )


def build_one(session: nox.Session, builder: str, *extra: str) -> None:
    """One of the builds of scripts/build_book.py, published on success."""
    session.run(
        "python", "scripts/build_book.py", str(BUILD), "--only", builder, *extra
    )


@nox.session
def build(session: nox.Session) -> None:
    """Build the website, the handbook and handout PDFs, and the EPUB.

    All of them go to one staging folder first and replace build/html,
    build/pdf and build/epub only when every build succeeded
    (scripts/build_book.py).
    """
    install_book(session)
    session.run("python", "scripts/build_book.py", str(BUILD), *paper_override(session))


@nox.session
def release(session: nox.Session) -> None:
    """Build, then gather every PDF, the EPUB and the release notes into
    build/release/ (the release workflow runs this on a tag; run locally, it
    is the dry run). ``-- --tag v1.1.0`` checks the tag against the version."""
    install_book(session)
    session.run("python", "scripts/build_book.py", str(BUILD))
    session.run("python", "scripts/release.py", str(BUILD), *session.posargs)


@nox.session
def html(session: nox.Session) -> None:
    """Build only the website, into build/html."""
    install_book(session)
    build_one(session, "html")


@nox.session
def pdf(session: nox.Session) -> None:
    """Build only the PDFs (handbook, chapters, handouts, packets), into
    build/pdf."""
    install_book(session)
    build_one(session, "print", *paper_override(session))


@nox.session
def epub(session: nox.Session) -> None:
    """Build only the EPUB, into build/epub."""
    install_book(session)
    build_one(session, "epub")


@nox.session
def serve(session: nox.Session) -> None:
    """Live preview on http://127.0.0.1:8000, rebuilt on every save."""
    install(session, "serve")
    session.run(
        "sphinx-autobuild",
        "--host",
        "127.0.0.1",
        "--port",
        "8000",
        "-d",
        str(BUILD / ".doctrees" / "serve"),
        "-n",
        "--keep-going",
        "-q",
        # sphinx-autobuild injects its reload script inline, which the
        # Content-Security-Policy would block (_ext/csp.py).
        "-D",
        "handbook_csp_enabled=0",
        str(DOCS),
        str(BUILD / "serve"),
        *session.posargs,
    )


@nox.session
def tests(session: nox.Session) -> None:
    """Build the book into a temporary folder and test what was built."""
    install(session, "test")
    # The Nu HTML Checker from npm, at the version in
    # requirements/vnu/package-lock.json, with no install scripts run.
    # Without npm the HTML validity test is skipped and says why.
    install_npm_tools(session, NPM_HTML_CHECKER)
    session.run("pytest", *session.posargs)


def extract_messages(session: nox.Session) -> Path:
    """Every reader-facing string, into message catalogues in build/gettext:
    Sphinx's gettext builder extracts the pages (one catalogue a page) and
    the templates' ``{% trans %}`` and ``_()`` into ``*.pot``; Babel extracts
    what the extensions mark with ``_()`` and conf.py with ``N_()`` into
    ``handbook.pot``."""
    out = BUILD / "gettext"
    shutil.rmtree(out, ignore_errors=True)
    session.run("sphinx-build", "-q", "-b", "gettext", str(DOCS), str(out))
    session.run(
        "pybabel",
        "--quiet",
        "extract",
        "--no-location",
        "--omit-header",
        "-k",
        "N_",
        "-o",
        str(out / "handbook.pot"),
        str(DOCS / "_ext"),
        str(DOCS / "conf.py"),
    )
    return out


@nox.session
def gettext(session: nox.Session) -> None:
    """Every reader-facing string, into message catalogues in build/gettext."""
    install_book(session)
    session.log(f"Message catalogues: {extract_messages(session)}")


@nox.session
def translations(session: nox.Session) -> None:
    """Bring every translation's catalogues (docs/locales/<lang>) in step with
    the English, and list what is missing or out of date.

    An English paragraph that changed comes back "fuzzy" (its old translation
    kept as a hint), a new one empty; until a translator fills it, the page
    shows it in English, marked, with a notice (docs/_ext/languages.py).
    ``-- check`` only reports, and fails while anything is left.
    """
    install(session, "translate")
    pots = extract_messages(session)
    check = "check" in session.posargs
    for language in translated_languages():
        if not check:
            session.run(
                "sphinx-intl",
                "update",
                "-w",
                "79",
                "-p",
                str(pots),
                "-d",
                str(DOCS / "locales"),
                "-l",
                language,
            )
        session.run(
            "python", "scripts/translation_status.py", language, *session.posargs
        )


def translated_languages() -> list[str]:
    """The languages of handbook_languages in conf.py, the source aside (conf.py
    needs only the standard library, as scripts/review_pages.py reads it)."""
    import runpy

    conf = runpy.run_path(str(DOCS / "conf.py"))
    return list(conf.get("handbook_languages", {}))[1:]


@nox.session(venv_backend="none")
def lock(session: nox.Session) -> None:
    """Update uv.lock from pyproject.toml (``uv lock``, with hashes, for every
    Python the book supports) and export requirements/nox.txt from it.
    ``-- --upgrade`` moves every pin to the newest version the bounds allow."""
    session.run(*UV, "lock", *session.posargs, external=True)
    session.run(*UV, *NOX_EXPORT, "-o", str(REQUIREMENTS / "nox.txt"), external=True)


@nox.session(venv_backend="none")
def review(session: nox.Session) -> None:
    """Pages by clinical review status; ``-- sign PAGE --by "Name, LMFT"``."""
    session.run(sys.executable, "scripts/review_pages.py", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff on the code; codespell on the pages."""
    install(session, "lint", book=False)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run(
        "codespell",
        "docs",
        "docs-dev",
        "README.md",
        "CONTRIBUTING.md",
        "scripts",
        "tests",
    )
    # The lock matches pyproject.toml (tests/test_repository.py checks it too).
    session.run(*UV, "lock", "--check", "--offline", "--quiet", external=True)


@nox.session
def readability(session: nox.Session) -> None:
    """Reading grade of every chapter on the built site (build it first), and
    the Spanish chapters' INFLESZ score."""
    install(session, "readability", book=False)
    html = str(BUILD / "html")
    session.run("python", "scripts/readability.py", html, *session.posargs)
    for language in translated_languages():
        session.run(
            "python",
            "scripts/readability.py",
            html,
            "--language",
            language,
            *session.posargs,
        )


@nox.session
def bench(session: nox.Session) -> None:
    """Live preview, build times, page weight and Lighthouse, into build/bench."""
    install(session, "bench", "serve")
    install_npm_tools(session, NPM_BENCH)  # Lighthouse, at the locked version
    session.run("python", "scripts/bench.py", *session.posargs)


@nox.session
def linkcheck(session: nox.Session) -> None:
    """Check external links (needs the network; not part of the tests)."""
    install_book(session)
    session.run(
        "sphinx-build",
        "-b",
        "linkcheck",
        str(DOCS),
        str(BUILD / "linkcheck"),
        *session.posargs,
        env={"HANDBOOK_LINKCHECK": "1", **os.environ},
    )
