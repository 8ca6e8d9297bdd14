"""Gather a built edition into ``build/release/``, ready to attach to a
GitHub release.

Usage (``nox -s release`` builds the book first, then runs this)::

    python scripts/release.py [BUILD] [--tag v1.1.0]

``BUILD`` holds ``pdf/`` and ``epub/`` as ``scripts/build_book.py`` writes
them (default ``build``). Into ``BUILD/release/`` go, under flat names (a
release's files have no folders): the handbook PDF, the EPUB, every chapter
PDF, every worksheet, the bundle of worksheets, every therapist packet, and
``notes.md``: the edition's section of ``docs/changelog.md``, used as the
release's description.

It fails, saying why, when the tag does not match the book's version or the
changelog has no section for the edition. The release workflow runs it on
every tag; run locally it is the dry run.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHANGELOG = ROOT / "docs" / "changelog.md"
# (folder under pdf/, prefix of the release file's name)
GROUPS = (("chapters", "chapter-"), ("handouts", "worksheet-"), ("packets", "packet-"))


def book_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)["project"]["version"]


def release_notes(changelog: str, version: str) -> str:
    """The changelog's section for ``version``, without its heading."""
    pattern = rf"^## Edition {re.escape(version)} \(.*?\)\n(.*?)(?=^## |\Z)"
    match = re.search(pattern, changelog, re.M | re.S)
    if not match:
        raise SystemExit(
            f"docs/changelog.md has no section '## Edition {version} (date)'; "
            "add one that says what changed for readers"
        )
    return match.group(1).strip() + "\n"


def release_files(build: Path) -> dict[str, Path]:
    """Release file name -> built file, for every PDF and the EPUB."""
    pdf = build / "pdf"
    files = {path.name: path for path in sorted(pdf.glob("*.pdf"))}
    files |= {path.name: path for path in sorted((build / "epub").glob("*.epub"))}
    for folder, prefix in GROUPS:
        for path in sorted((pdf / folder).glob("*.pdf")):
            files[prefix + path.name] = path
    return files


def gather(build: Path, tag: str | None) -> Path:
    version = book_version()
    if tag and tag.removeprefix("v") != version:
        raise SystemExit(
            f"tag {tag} does not match the book's version {version} "
            "(pyproject.toml); tag v" + version
        )
    notes = release_notes(CHANGELOG.read_text(encoding="utf-8"), version)
    files = release_files(build)
    if not any(name.endswith(".epub") for name in files):
        raise SystemExit(f"nothing built in {build}: run scripts/build_book.py first")
    out = build / "release"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for name, path in files.items():
        shutil.copy2(path, out / name)
    (out / "notes.md").write_text(notes, encoding="utf-8")
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build", nargs="?", default=str(ROOT / "build"))
    parser.add_argument("--tag", help="the git tag being released, e.g. v1.1.0")
    args = parser.parse_args(argv)
    out = gather(Path(args.build), args.tag)
    count = len(list(out.iterdir())) - 1
    print(f"{count} files and notes.md in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
