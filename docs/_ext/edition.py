"""Which edition this is: its version and date, from git.

An edition is a git tag ``v<version>`` (``v1.1.0``). A build of the tagged
commit is that edition, dated from the tag's commit. A build of a later
commit is a draft of the next one: ``1.1.0+3`` (three commits after the tag)
dated from its last commit. Without a tag, or outside a git checkout, the
version is ``pyproject.toml``'s and the date is the last commit's (or
``SOURCE_DATE_EPOCH``'s). conf.py sets ``release`` and
``handbook_edition_date`` from here; the cover, the copyright page and the
site's footer show them, and ``docs/changelog.md`` has a heading for each
edition.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path


def git(root: Path, *args: str) -> str:
    """What ``git args...`` prints in ``root``, or "" outside a checkout."""
    try:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def commit_epoch(root: Path) -> str:
    """The last commit's time in seconds, or "" outside a git checkout."""
    return git(root, "log", "-1", "--format=%ct")


def edition_time(root: Path) -> dt.datetime:
    """The time of this edition's files (the PDFs' dates, the EPUB's
    entries): SOURCE_DATE_EPOCH, else the last commit. Outside a git
    checkout and without SOURCE_DATE_EPOCH a build still works, but two
    builds are no longer byte-identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH") or commit_epoch(root)
    if not epoch:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC)


def edition(root: Path, fallback_version: str) -> tuple[str, dt.date]:
    """(version, date) of the edition being built from ``root``."""
    described = git(root, "describe", "--tags", "--match", "v[0-9]*", "--long")
    date = edition_time(root).date()
    if not described:
        return fallback_version, date
    # v1.1.0-3-gabc1234: the tag, the commits since it, the commit.
    tag, since, _commit = described.rsplit("-", 2)
    version = tag.removeprefix("v")
    return (version if since == "0" else f"{version}+{since}"), date
