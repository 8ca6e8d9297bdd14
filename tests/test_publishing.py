"""A failed build never replaces the last good output (noxfile.sphinx_build)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT))
noxfile = pytest.importorskip("noxfile")


class LocalSession:
    """Just enough of nox.Session to run sphinx-build in this interpreter."""

    def run(self, command: str, *args: str, **kwargs) -> None:
        assert command == "sphinx-build"
        # The test roots import root_conf and the handbook's extensions.
        path = os.pathsep.join([str(ROOT / "tests"), str(ROOT / "docs" / "_ext")])
        subprocess.run(
            [sys.executable, "-m", "sphinx", *args],
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONPATH": path},
        )


@pytest.fixture
def site(tmp_path, rootdir, monkeypatch):
    monkeypatch.setattr(noxfile, "BUILD", tmp_path / "build")
    out = tmp_path / "build" / "html"
    out.mkdir(parents=True)
    (out / "index.html").write_text("the last good build")

    def build(root: str) -> None:
        src = tmp_path / root
        shutil.copytree(rootdir / f"test-{root}", src, dirs_exist_ok=True)
        monkeypatch.setattr(noxfile, "DOCS", src)
        noxfile.sphinx_build(LocalSession(), "html", out)

    return out, build


def test_a_failed_build_leaves_the_last_good_output(site):
    out, build = site
    with pytest.raises(subprocess.CalledProcessError) as failure:
        build("broken-xref")
    assert "unknown document: 'missing-page'" in failure.value.stderr.decode()
    assert (out / "index.html").read_text() == "the last good build"


def test_a_good_build_replaces_it(site):
    out, build = site
    build("minimal")
    assert "the last good build" not in (out / "index.html").read_text()
    assert (out / "exercises" / "good.html").is_file()
