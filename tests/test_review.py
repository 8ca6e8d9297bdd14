"""Clinical sign-offs (review.py, scripts/review.py, nox -s review).

A page signed off says who reviewed it; the same page edited afterwards says
"Changed since review" on the site, in the PDF and in its JSON-LD, until it
is signed again.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess

import pytest
import review
from bs4 import BeautifulSoup

from conftest import pdf_pages, run_strict_build

SIGNED_ON = dt.date(2026, 12, 1)


def sign(path, page, source):
    review.write_signoffs(
        path,
        {
            page: review.SignOff(
                by="Jane Doe, PhD, LMFT",
                date=SIGNED_ON,
                fingerprint=review.fingerprint(source),
                commit="",
            )
        },
    )


def test_the_fingerprint_ignores_line_endings_and_trailing_space_only():
    text = "# Title\n\nA line.\n"
    assert review.fingerprint(text) == review.fingerprint(
        "# Title  \r\n\r\nA line.\n\n"
    )
    assert review.fingerprint(text) != review.fingerprint("# Title\n\nA line!\n")


def test_the_sign_off_file_reads_back_what_was_written(tmp_path):
    path = tmp_path / "reviews.toml"
    sign(path, "chapters/one", "text")
    (entry,) = review.read_signoffs(path).values()
    assert entry.by == "Jane Doe, PhD, LMFT" and entry.date == SIGNED_ON
    assert review.status(entry, "text") == "reviewed"
    assert review.status(entry, "text, edited") == "changed"
    assert review.status(None, "text") == "draft"


@pytest.fixture
def signed_root(rootdir, tmp_path):
    src = tmp_path / "minimal"
    shutil.copytree(rootdir / "test-minimal", src)
    signoffs = tmp_path / "reviews.toml"
    page = src / "chapters" / "one.md"
    sign(signoffs, "chapters/one", page.read_text(encoding="utf-8"))
    return src, signoffs, page


def byline_and_graph(out):
    soup = BeautifulSoup((out / "chapters" / "one.html").read_bytes(), "lxml")
    status = soup.select_one(".page-byline .review-status").get_text(" ", strip=True)
    (ld,) = soup.find_all("script", type="application/ld+json")
    nodes = json.loads(ld.string)["@graph"]
    pages = [n for n in nodes if n["@type"] == "MedicalWebPage"]
    assert len(pages) == 1, ([n["@type"] for n in nodes], status)
    return status, pages[0]


def test_a_signed_page_says_who_reviewed_it_until_it_changes(signed_root, tmp_path):
    src, signoffs, page = signed_root
    override = ["-D", f"handbook_reviews_file={signoffs}"]
    signed = run_strict_build(src, tmp_path / "signed", "html", *override)
    assert signed.returncode == 0, signed.warnings
    status, graph = byline_and_graph(signed.outdir)
    assert "Reviewed by Jane Doe, PhD, LMFT on December 1, 2026." in status
    assert "Draft" not in status and "Changed" not in status
    assert graph["reviewedBy"]["name"] == "Jane Doe, PhD, LMFT"
    assert graph["lastReviewed"] == "2026-12-01"

    page.write_text(page.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
    changed = run_strict_build(src, tmp_path / "changed", "html", *override)
    assert changed.returncode == 0, changed.warnings
    status, graph = byline_and_graph(changed.outdir)
    assert "Changed since review on December 1, 2026" in status
    assert "Reviewed by" not in status
    assert "reviewedBy" not in graph and "lastReviewed" not in graph
    assert graph["creativeWorkStatus"] == "Changed since review on 2026-12-01"

    pdf = run_strict_build(src, tmp_path / "pdf", "print", *override)
    assert pdf.returncode == 0, pdf.warnings
    text = "".join(pdf_pages(pdf.outdir / "chapters" / "one.pdf"))
    assert "Changed since review on December 1, 2026" in " ".join(text.split())
    assert "Reviewed by" not in text


def test_a_page_never_signed_is_a_draft(rootdir, tmp_path):
    result = run_strict_build(rootdir / "test-minimal", tmp_path / "out")
    status, graph = byline_and_graph(result.outdir)
    assert "Draft: awaiting review by a licensed clinician." in status
    assert graph["creativeWorkStatus"] == "Draft awaiting clinical review"
    assert "reviewedBy" not in graph


def test_front_matter_cannot_claim_a_review(rootdir, tmp_path):
    src = tmp_path / "minimal"
    shutil.copytree(rootdir / "test-minimal", src)
    page = src / "chapters" / "one.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("---\n", '---\nreviewed_by: "Dr Fake"\n', 1), "utf-8")
    result = run_strict_build(src, tmp_path / "out")
    assert result.returncode != 0
    assert "one.md:2: WARNING: front-matter key 'reviewed_by' is not allowed" in (
        result.warnings
    )
    status, _ = byline_and_graph(result.outdir)
    assert "Dr Fake" not in status


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A tiny git repository shaped like the handbook's, for the CLI."""
    import importlib

    docs = tmp_path / "docs" / "chapters"
    docs.mkdir(parents=True)
    (docs / "one.md").write_text("# One\n\nText.\n", encoding="utf-8")
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git[:3], "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "one"], check=True)
    script = importlib.import_module("review_pages")
    monkeypatch.setattr(script, "ROOT", tmp_path)
    monkeypatch.setattr(script, "DOCS", tmp_path / "docs")
    monkeypatch.setattr(script, "SIGNOFFS", tmp_path / "reviews.toml")
    monkeypatch.setattr(script, "PATTERNS", ("chapters/*",))
    return script, tmp_path, git


def test_nox_review_signs_lists_and_shows_the_diff(repo, capsys):
    script, root, git = repo
    assert script.main(["sign", "chapters/one", "--by", "Jane Doe, LMFT"]) == 0
    assert 'by = "Jane Doe, LMFT"' in (root / "reviews.toml").read_text()
    assert script.main([]) == 0
    listed = capsys.readouterr().out
    assert "reviewed (1)\n  chapters/one  signed" in listed
    page = root / "docs" / "chapters" / "one.md"
    page.write_text("# One\n\nText, changed.\n", encoding="utf-8")
    # An uncommitted change cannot be signed.
    assert script.main(["sign", "chapters/one", "--by", "Jane Doe, LMFT"]) == 2
    subprocess.run([*git, "commit", "-qam", "edit"], check=True)
    capsys.readouterr()
    script.main([])
    listed = capsys.readouterr().out
    assert "changed since review (1)" in listed
    assert "+Text, changed." in listed  # the diff since the sign-off
    script.main(["--today", "2031-01-01"])
    assert "review overdue (0)" in capsys.readouterr().out
    assert script.main(["sign", "chapters/one", "--by", "Jane Doe, LMFT"]) == 0
    script.main(["--today", "2031-01-01", "--no-diff"])
    assert "review overdue (1)" in capsys.readouterr().out
    assert script.main(["sign", "chapters/two", "--by", "Jane Doe, LMFT"]) == 2
    assert script.main(["sign", "chapters/one", "--by", "Jane"]) == 2
