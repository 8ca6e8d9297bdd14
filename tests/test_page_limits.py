"""A hostile contributor's page: no code, no styles, no outside files.

The test root ``test-hostile`` holds one page per trick. Built with the
handbook's strict flags, each trick must fail the build with a warning that
names the file (and the line, where there is one), and even the lenient
output (``--keep-going``) must carry nothing of it.
"""

from __future__ import annotations

import json
import shutil

import pytest
from bs4 import BeautifulSoup

from conftest import DOCS, run_strict_build

SECRET = "SECRET-TOKEN-from-outside-docs"


@pytest.fixture(scope="module")
def hostile(rootdir, tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    src = base / "docs"
    shutil.copytree(rootdir / "test-hostile", src)
    # The handbook's own docutils settings, as the real build reads them.
    shutil.copy2(DOCS / "docutils.conf", src / "docutils.conf")
    (base / "outside.txt").write_text(f"{SECRET}\n", encoding="utf-8")
    shutil.copy2(DOCS / "_static" / "images" / "social-card.png", base / "outside.png")
    (src / "linked.txt").symlink_to(base / "outside.txt")
    return run_strict_build(src, base / "out")


def test_the_build_fails(hostile):
    assert hostile.returncode != 0


@pytest.mark.parametrize(
    "expected",
    [
        "script-block.md:7: WARNING: raw HTML is not allowed in a page",
        "title-tag.md:5: WARNING: raw HTML is not allowed in a page",
        "style-and-frame.md:7: WARNING: raw HTML is not allowed in a page",
        "style-and-frame.md:9: WARNING: raw HTML is not allowed in a page",
        "style-and-frame.md:11: WARNING: raw HTML is not allowed in a page",
        'raw-directive.md:7: WARNING: "raw" directive disabled',
        'raw-directive.md:11: WARNING: "raw" directive disabled',
        'eval-rst.md:8: WARNING: "raw" directive disabled',
        "file-insertion.md:7:",
        "file-insertion.md:10: WARNING: File insertion disabled",
        "file-insertion.md:13:",
        "outside-files.md:7: WARNING: image '../outside.png' is not a file inside docs/",
        "outside-files.md:9: WARNING: image 'https://example.org/HOSTILE-PIXEL.png'",
        "outside-files.md:11: WARNING: download '../outside.txt' is not a file inside docs/",
        "http-link.md:7: WARNING: link 'http://example.org/' uses http: write https:",
        "WARNING: symbolic link under docs/ (its target would be published): /",
    ],
)
def test_each_trick_is_named_with_file_and_line(hostile, expected):
    assert expected in hostile.warnings, hostile.warnings


def test_the_symbolic_link_is_named(hostile):
    (line,) = [w for w in hostile.warnings.splitlines() if "symbolic link" in w]
    assert line.endswith("docs/linked.txt [handbook.page_limits]")


def test_front_matter_is_escaped_not_refused(hostile):
    assert "front-matter.md" not in hostile.warnings
    page = (hostile.outdir / "front-matter.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(page, "lxml")
    description = soup.find("meta", attrs={"name": "description"})["content"]
    assert "</script><script>alert('HOSTILE-META')" in description
    (ld,) = soup.find_all("script", type="application/ld+json")
    assert "<" not in ld.string
    assert "HOSTILE-META" in json.dumps(json.loads(ld.string))
    # The text is data inside the JSON-LD block, in no script that runs.
    assert not [
        s
        for s in soup.find_all("script")
        if "HOSTILE" in (s.string or "") and s.get("type") != "application/ld+json"
    ]


def test_nothing_of_it_reaches_the_output(hostile):
    published = [
        path
        for path in hostile.outdir.rglob("*")
        if path.is_file() and path.suffix in {".html", ".txt", ".png", ".js", ".css"}
    ]
    assert published
    for path in published:
        data = path.read_bytes()
        assert SECRET.encode() not in data, path
        if path.suffix == ".html" and path.name != "front-matter.html":
            soup = BeautifulSoup(data, "lxml")
            for tag in soup.find_all(["script", "style", "iframe"]):
                assert "HOSTILE" not in str(tag), (path.name, str(tag)[:80])
            for tag in soup.find_all(True):
                assert not any(name.startswith("on") for name in tag.attrs), (
                    path.name,
                    str(tag)[:80],
                )
    assert not (hostile.outdir / "_downloads").exists()
    images = hostile.outdir / "_images"
    assert not images.exists() or not any(images.iterdir())


def test_the_print_edition_fetches_only_local_files(tmp_path):
    from print_edition import local_only_fetcher

    inside = tmp_path / "docs"
    inside.mkdir()
    (inside / "ok.css").write_text("p {}", encoding="utf-8")
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    fetcher = local_only_fetcher((inside,))
    response = fetcher.fetch((inside / "ok.css").as_uri())
    assert response.read() == b"p {}"
    for url in (
        (tmp_path / "secret.txt").as_uri(),
        (inside / ".." / "secret.txt").as_uri(),
        "https://example.org/pixel.png",
        "http://127.0.0.1:9/",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
