"""The Nu HTML Checker finds no errors in the built pages and CSS.

vnu.jar comes from the npm package vnu-jar, which ``nox -s tests`` installs
from requirements/vnu/package-lock.json when npm is present (Lighthouse,
in requirements/npm, is for the benchmark only); it runs on Java. Skipped,
with the reason, where either is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def find_vnu() -> Path | None:
    for candidate in (
        os.environ.get("HANDBOOK_VNU_JAR"),
        ROOT
        / "requirements"
        / "vnu"
        / "node_modules"
        / "vnu-jar"
        / "build"
        / "dist"
        / "vnu.jar",
    ):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def test_nu_html_checker_reports_no_errors(book):
    jar, java = find_vnu(), shutil.which("java")
    if jar is None or java is None:
        pytest.skip("vnu.jar or Java missing (nox -s tests installs vnu-jar with npm)")
    pages = [
        str(p) for p in sorted(book.html.rglob("*.html")) if "downloads" not in p.parts
    ]
    css = [str(book.html / "_static" / "css" / "handbook.css")]
    result = subprocess.run(
        [
            java,
            "-jar",
            str(jar),
            "--errors-only",
            "--format",
            "json",
            "--also-check-css",
            *pages,
            *css,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stderr or "{}").get("messages", [])
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')}"
        for m in messages
        if m.get("type") == "error"
    ]
    assert not errors, "\n".join(errors[:40])
