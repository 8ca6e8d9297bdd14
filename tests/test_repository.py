"""Editions a therapist can trust and changes a reviewer can see: the lock,
the workflows, the release, the citation file, the changelog and the report
link, checked on the real files and the built book."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import distributions
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from packaging.requirements import Requirement

import locked
import release
from conftest import DOCS, ROOT

REQUIREMENTS = ROOT / "requirements"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
BIN = Path(sys.executable).parent


def test_the_test_environment_holds_exactly_its_lock():
    """nox -s tests installed requirements/tests.txt with hash checking and
    nothing else (a reused environment is cleaned of older pins)."""
    installed = {d.metadata["Name"]: d.version for d in distributions()}
    missing, different, extra = locked.compare(
        installed, locked.read_lock(REQUIREMENTS / "tests.txt")
    )
    assert (missing, different, extra) == ([], [], [])


def noxfile_locks() -> dict[str, tuple[bool, tuple[str, ...]]]:
    """``LOCKS`` of noxfile.py (name: (with the book's dependencies?, groups)),
    read without importing nox."""
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    value = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "LOCKS"
    )
    return ast.literal_eval(value)


@pytest.mark.parametrize(("lock", "spec"), noxfile_locks().items())
def test_each_lock_satisfies_pyproject_and_has_hashes(lock, spec):
    """A bound changed in pyproject.toml without `nox -s lock` fails here."""
    with_book, groups = spec
    text = (REQUIREMENTS / f"{lock}.txt").read_text(encoding="utf-8")
    for python in ("3.11", "3.13"):
        env = {"python_version": python, "python_full_version": f"{python}.0"}
        pins = locked.locked_versions(text, {**_environment(), **env})
        wanted = list(PYPROJECT["project"]["dependencies"]) if with_book else []
        for group in groups:
            wanted += PYPROJECT["dependency-groups"][group]
        for line in wanted:
            requirement = Requirement(line)
            name = locked.canonicalize_name(requirement.name)
            assert name in pins, f"{name} is not in {lock}.txt for Python {python}"
            assert requirement.specifier.contains(pins[name], prereleases=True), (
                f"{lock}.txt pins {name} {pins[name]}, outside {requirement.specifier}"
            )
    pinned = re.findall(r"^\S+==\S+", text, re.M)
    assert len(pinned) == text.count("--hash=sha256:") - _extra_hashes(text)
    assert "--hash=sha256:" in text


def _environment() -> dict[str, str]:
    from packaging.markers import default_environment

    return default_environment()


def _extra_hashes(text: str) -> int:
    """Hashes beyond the first of each pin (one file per platform or sdist)."""
    blocks = re.split(r"^\S+==\S+.*$", text, flags=re.M)[1:]
    return sum(max(block.count("--hash="), 1) - 1 for block in blocks)


def test_every_package_our_code_imports_is_declared():
    declared = {
        locked.canonicalize_name(Requirement(line).name)
        for line in PYPROJECT["project"]["dependencies"]
        + [dep for group in PYPROJECT["dependency-groups"].values() for dep in group]
    }
    imports = {
        "docutils": "docutils",
        "jinja2": "jinja2",
        "babel": "babel",
        "pybtex": "pybtex",
        "lxml": "lxml",
        "weasyprint": "weasyprint",
        "PIL": "pillow",
        "fontTools": "fonttools",
        "bs4": "beautifulsoup4",
        "pikepdf": "pikepdf",
        "playwright": "playwright",
    }
    sources = "\n".join(
        path.read_text(encoding="utf-8")
        for folder in ("docs/_ext", "scripts", "tests")
        for path in (ROOT / folder).glob("*.py")
    )
    for module, package in imports.items():
        if re.search(rf"^\s*(from|import) {module}\b", sources, re.M):
            assert package in declared, f"{module} is imported but {package} undeclared"


def test_deprecation_filter_is_limited_to_other_peoples_modules():
    filters = PYPROJECT["tool"]["pytest"]["ini_options"]["filterwarnings"]
    for entry in filters:
        if "Removed" in entry:
            module = entry.split(":")[3] if entry.count(":") >= 3 else ""
            assert module, f"{entry!r} silences the warning for our own code too"
            assert not module.startswith(("page_", "seo", "safety", "exercises"))


def test_workflows_are_valid_and_pass_zizmor():
    """zizmor checks each workflow against GitHub's schema (an invalid one is
    an error) and audits it for unsafe patterns: template injection, tokens
    left in checkouts, unpinned actions, broad permissions."""
    zizmor = shutil.which("zizmor", path=str(BIN)) or shutil.which("zizmor")
    assert zizmor, "zizmor is in the test dependency group"
    result = subprocess.run(
        [zizmor, "--offline", "--no-progress", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(WORKFLOWS) >= 2


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_job_has_a_timeout_and_installs_from_the_lock(workflow):
    data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    for name, job in data["jobs"].items():
        assert "timeout-minutes" in job, f"{workflow.name}: job {name}"
        for step in job.get("steps", []):
            run = step.get("run", "")
            if "pip install" in run:
                assert "--require-hashes -r requirements/" in run, run
            if "uses" in step:
                assert re.search(r"@[0-9a-f]{40}\b", step["uses"]), step["uses"]


def test_a_running_deploy_is_never_cancelled():
    data = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text())
    deploy = data["jobs"]["deploy"]
    assert deploy["concurrency"]["cancel-in-progress"] is False
    assert deploy["concurrency"]["group"] != data["concurrency"]["group"]
    assert set(deploy["permissions"]) == {"pages", "id-token"}
    assert data["permissions"] == {"contents": "read"}


def test_ci_tests_the_lowest_and_highest_python():
    data = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text())
    assert data["jobs"]["tests"]["strategy"]["matrix"]["python"] == ["3.11", "3.13"]


def test_codeowners_covers_every_path():
    rules = [
        line.split()
        for line in (ROOT / ".github/CODEOWNERS").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert ["*", "@handbook-author"] in rules


def test_citation_file_validates():
    cffconvert = shutil.which("cffconvert", path=str(BIN)) or shutil.which("cffconvert")
    assert cffconvert, "cffconvert is in the test dependency group"
    result = subprocess.run(
        [cffconvert, "--validate", "-i", str(ROOT / "CITATION.cff")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert citation["version"] == PYPROJECT["project"]["version"]


def test_the_changelog_names_this_edition(book):
    version = PYPROJECT["project"]["version"]
    changelog = (DOCS / "changelog.md").read_text(encoding="utf-8")
    assert re.search(
        rf"^## Edition {re.escape(version)} \(\d{{4}}-\d\d-\d\d\)$", changelog, re.M
    )
    notes = release.release_notes(changelog, version)
    assert "### For readers" in notes and "Safety information" in notes
    footer = BeautifulSoup((book.html / "index.html").read_text(), "lxml").select_one(
        ".footer-edition"
    )
    assert re.search(
        rf"Edition {re.escape(version)}(\+\d+)?, \w+ \d{{4}}\.", footer.text
    )


def test_a_tag_builds_a_release_with_every_pdf_and_the_epub(book):
    """The release workflow's step, run locally into build/release (a dry run)."""
    out = release.gather(book.pdf.parent, f"v{PYPROJECT['project']['version']}")
    names = {path.name for path in out.iterdir()}
    assert "emotional-intimacy-handbook.pdf" in names
    assert "emotional-intimacy-handbook.epub" in names
    built = {
        prefix + path.name
        for folder, prefix in release.GROUPS
        for path in (book.pdf / folder).glob("*.pdf")
    }
    assert built and built <= names
    assert any(name.startswith("worksheet-") for name in names)
    assert "What Changed" not in (out / "notes.md").read_text()
    assert (out / "notes.md").read_text().startswith("### For readers")
    with pytest.raises(SystemExit, match="does not match"):
        release.gather(book.pdf.parent, "v0.0.1")


def test_every_page_links_to_report_a_problem_and_the_accessibility_page(book):
    for path in book.pages():
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        report = page.select_one(".footer-report")
        assert report is not None, path
        links = {a.get_text(): a["href"] for a in report.select("a")}
        assert "Report a problem with this page" in links, path
        href = links["Report a problem with this page"]
        canonical = page.find("link", rel="canonical")
        if href.startswith("https://github.com/"):
            assert "template=report-a-problem.yml" in href
            if canonical:
                assert canonical["href"].replace(":", "%3A") in href
        elif path.name == "accessibility.html":  # its own section
            assert href == "#another-format", href
        else:  # no repository known: the accessibility page says how to ask
            assert href.endswith("accessibility.html#another-format"), href
        own = "#" if path.name == "accessibility.html" else "accessibility.html"
        assert links["Accessibility"].endswith(own), path


def test_the_issue_form_has_the_page_field_and_asks_about_safety():
    form = yaml.safe_load(
        (ROOT / ".github/ISSUE_TEMPLATE/report-a-problem.yml").read_text()
    )
    ids = {item.get("id") for item in form["body"]}
    assert {"page", "safety"} <= ids
    template = (ROOT / ".github/pull_request_template.md").read_text()
    assert "Does it touch safety information?" in template
    assert "nox -s tests" not in template  # CI is the judge, not a laptop


def test_ci_runs_the_readmes_test_command_word_for_word():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"^(python3 -m pip install .*-s tests)\s", readme, re.M).group(
        1
    )
    assert command in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert "--require-hashes -r requirements/nox.txt" in command


def test_the_readme_lists_every_nox_session():
    sessions = re.findall(
        r"^@nox\.session\ndef (\w+)\(", (ROOT / "noxfile.py").read_text(), re.M
    )
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(sessions) >= 12
    for name in sessions:
        assert re.search(rf"^\| `{name}`", readme, re.M), (
            f"nox -s {name} is not in the README"
        )


def test_the_readmes_module_table_matches_docs_ext():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `(\w+)\.py` \|", readme, re.M))
    present = {path.stem for path in (DOCS / "_ext").glob("*.py")}
    assert listed == present


def _jobs():
    for workflow in WORKFLOWS:
        data = yaml.safe_load(workflow.read_text())
        for name, job in data["jobs"].items():
            yield workflow.name, name, job, data.get("permissions", {})


def test_pages_are_built_by_jobs_that_cannot_write():
    """A job that builds the book (runs the pages' content) holds no write
    permission; a job that can write only downloads what a build made."""
    builders = writers = 0
    for workflow, name, job, default in _jobs():
        permissions = job.get("permissions", default)
        writes = [k for k, v in permissions.items() if v == "write"]
        runs = " ".join(str(step.get("run", "")) for step in job.get("steps", []))
        uses = " ".join(str(step.get("uses", "")) for step in job.get("steps", []))
        if "nox" in runs:
            builders += 1
            assert not writes, (workflow, name, writes)
        if writes:
            writers += 1
            assert "actions/checkout" not in uses, (workflow, name)
            assert "nox" not in runs, (workflow, name)
    assert builders >= 3 and writers >= 2


def test_a_release_needs_a_tag_on_main_that_passed_ci():
    data = yaml.safe_load((ROOT / ".github/workflows/release.yml").read_text())
    jobs = data["jobs"]
    check = " ".join(step.get("run", "") for step in jobs["passed-ci"]["steps"])
    assert "merge-base --is-ancestor" in check and "--status success" in check
    assert jobs["build"]["needs"] == "passed-ci"
    assert jobs["publish"]["needs"] == "build"
    assert any(
        "download-artifact" in step.get("uses", "") for step in jobs["publish"]["steps"]
    )
