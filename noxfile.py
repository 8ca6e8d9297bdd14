"""The one front door for every task on the handbook.

Usage (with nothing but Python 3.11+ installed)::

    python3 -m pip install nox
    nox -s build          # the website, the PDFs and the EPUB, into build/
    nox -s tests          # build the book in a temporary folder and test it

Other sessions: ``html``, ``pdf``, ``epub``, ``serve`` (live preview),
``lint``, ``readability``, ``bench``, ``linkcheck``. Arguments after ``--``
go to the underlying tool, for example ``nox -s tests -- -k sitemap`` or
``nox -s pdf -- a4``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "scripts"))
import locked  # noqa: E402

DOCS = ROOT / "docs"
BUILD = ROOT / "build"
REQUIREMENTS = ROOT / "requirements"
# The lock: one file of exact versions with hashes per environment, written
# by `nox -s lock` from pyproject.toml (the book's dependencies and the
# dependency groups). Every session installs from one of these with hash
# checking, so what CI tests is what is built and deployed.
LOCKS: dict[str, tuple[bool, tuple[str, ...]]] = {
    # name: (with the book's dependencies?, dependency groups)
    "book": (True, ()),
    "tests": (True, ("test",)),
    "serve": (True, ("serve",)),
    "bench": (True, ("bench", "serve")),
    "lint": (False, ("lint",)),
    "readability": (False, ("readability",)),
    "assets": (False, ("assets",)),
    "lock": (False, ("lock",)),
    "nox": (False, ("nox",)),
}
# Python versions the lock resolves for (CI tests the lowest and highest).
PYTHON_VERSIONS = ("3.11", "3.12", "3.13")

nox.options.sessions = ["build"]
nox.options.default_venv_backend = "venv"
# Reuse environments between runs; a changed pin reinstalls (session.install).
nox.options.reuse_venv = "yes"

# Prints what a session's Python has installed and its environment markers.
PROBE = ROOT / "scripts" / "environment_probe.py"


def install_locked(session: nox.Session, name: str) -> None:
    """Install exactly the locked set ``requirements/<name>.txt``, checking
    every file's hash, and remove what an older lock left in a reused
    environment."""
    lock = REQUIREMENTS / f"{name}.txt"
    session.install("--require-hashes", "--no-deps", "-r", str(lock))
    if session.virtualenv.venv_backend == "none":
        return
    output = session.run("python", str(PROBE), silent=True)
    if not output:  # nox --install-only runs no commands
        return
    probe = json.loads(output.strip().splitlines()[-1])
    _, _, extra = locked.compare(
        probe["installed"], locked.read_lock(lock, probe["environment"])
    )
    if extra:
        session.run("python", "-m", "pip", "uninstall", "--yes", "--quiet", *extra)


def install_book(session: nox.Session) -> None:
    install_locked(session, "book")


def paper_override(session: nox.Session) -> list[str]:
    """``nox -s pdf -- a4`` prints on A4 instead of US Letter."""
    sizes = [arg for arg in session.posargs if arg.lower() in ("a4", "letter")]
    return ["-D", f"handbook_paper_size={sizes[-1].lower()}"] if sizes else []


NPM_TOOLS = REQUIREMENTS / "npm"


def install_npm_tools(session: nox.Session) -> None:
    """Node tools from the committed package-lock.json (npm ci), scripts off."""
    if shutil.which("npm"):
        session.run(
            "npm",
            "ci",
            "--ignore-scripts",
            "--silent",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(NPM_TOOLS),
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
    install_locked(session, "serve")
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
    install_locked(session, "tests")
    # The Nu HTML Checker (and Lighthouse, for the benchmark) from npm, at
    # the versions in requirements/npm/package-lock.json, with no install
    # scripts run. Without npm the HTML validity test is skipped and says why.
    install_npm_tools(session)
    session.run("pytest", *session.posargs)


@nox.session
def gettext(session: nox.Session) -> None:
    """Every reader-facing string, into message catalogues in build/gettext.

    Sphinx's gettext builder extracts the pages and the templates'
    ``{% trans %}`` sentences (print edition, byline) into ``*.pot``; Babel
    extracts what our extensions mark with ``_()`` into ``handbook.pot``.
    """
    install_book(session)
    out = BUILD / "gettext"
    session.run("sphinx-build", "-q", "-b", "gettext", str(DOCS), str(out))
    session.run(
        "pybabel",
        "--quiet",
        "extract",
        "--no-location",
        "--omit-header",
        "-o",
        str(out / "handbook.pot"),
        str(DOCS / "_ext"),
    )
    session.log(f"Message catalogues: {out}")


@nox.session
def lock(session: nox.Session) -> None:
    """Write the lock files in requirements/ from pyproject.toml, with hashes,
    for Python 3.11 to 3.13 (uv pip compile --universal). ``-- --upgrade``
    moves every pin to the newest version the bounds allow."""
    install_locked(session, "lock")
    REQUIREMENTS.mkdir(exist_ok=True)
    for name, (with_book, groups) in LOCKS.items():
        session.run(
            "uv",
            "pip",
            "compile",
            *(["pyproject.toml"] if with_book else []),
            *(arg for group in groups for arg in ("--group", group)),
            "--universal",
            "--python-version",
            PYTHON_VERSIONS[0],
            "--generate-hashes",
            "--quiet",
            "--custom-compile-command",
            "python3 -m nox -s lock",
            "-o",
            str(REQUIREMENTS / f"{name}.txt"),
            *session.posargs,
        )


@nox.session(venv_backend="none")
def review(session: nox.Session) -> None:
    """Pages by clinical review status; ``-- sign PAGE --by "Name, LMFT"``."""
    session.run(sys.executable, "scripts/review_pages.py", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff on the code; codespell on the pages."""
    install_locked(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("codespell", "docs", "README.md", "CONTRIBUTING.md", "scripts", "tests")


@nox.session
def readability(session: nox.Session) -> None:
    """Reading grade of every chapter on the built site (build it first)."""
    install_locked(session, "readability")
    session.run(
        "python", "scripts/readability.py", str(BUILD / "html"), *session.posargs
    )


@nox.session
def bench(session: nox.Session) -> None:
    """Live preview, build times, page weight and Lighthouse, into build/bench."""
    install_locked(session, "bench")
    install_npm_tools(session)  # Lighthouse, at the locked version
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
