"""Editions a therapist can trust and changes a reviewer can see: the lock,
the workflows, the release, the citation file, the changelog and the report
link, checked on the real files and the built book."""

from __future__ import annotations

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
from packaging.utils import canonicalize_name

import release
from conftest import DOCS, ROOT, page_soup

REQUIREMENTS = ROOT / "requirements"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
BIN = Path(sys.executable).parent


def uv(*args: str) -> subprocess.CompletedProcess[str]:
    """uv (in the test group), offline: the lock alone answers."""
    return subprocess.run(
        [sys.executable, "-m", "uv", *args, "--offline", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


def test_the_lock_matches_pyproject():
    """A bound or group changed in pyproject.toml without `nox -s lock`
    fails here (and in every nox session, through `uv sync --locked`)."""
    result = uv("lock", "--check")
    assert result.returncode == 0, result.stdout + result.stderr
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    for package in lock["package"]:
        if "registry" in package.get("source", {}):
            files = [*package.get("wheels", []), package.get("sdist", {})]
            assert all(f["hash"].startswith("sha256:") for f in files if f), package


def locked_for_this_python(*args: str) -> dict[str, str]:
    """Name -> version that uv.lock holds for this Python, from `uv export`."""
    result = uv("export", "--frozen", "--no-hashes", "--no-header", *args)
    assert result.returncode == 0, result.stderr
    pins = {}
    for line in result.stdout.splitlines():
        if line and not line.startswith((" ", "#", "-")):
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate():
                version = str(requirement.specifier).removeprefix("==")
                pins[canonicalize_name(requirement.name)] = version
    return pins


def test_the_test_environment_holds_exactly_its_lock():
    """nox -s tests installed the book and the test group from uv.lock and
    nothing else (uv sync cleans a reused environment of older pins)."""
    installed = {
        canonicalize_name(d.metadata["Name"]): d.version for d in distributions()
    }
    assert installed == locked_for_this_python("--group", "test")


def test_requirements_nox_txt_is_exported_from_the_lock():
    """The README's first step installs nox and uv from requirements/nox.txt;
    a lock that moved them without `nox -s lock` fails here."""
    result = uv("export", "--frozen", "--only-group", "nox", "--no-header")
    assert result.returncode == 0, result.stderr
    exported = (REQUIREMENTS / "nox.txt").read_text(encoding="utf-8")
    assert exported.endswith(result.stdout), "run `python3 -m nox -s lock`"
    assert re.search(r"^nox==", exported, re.M)
    assert re.search(r"^uv==", exported, re.M)
    pins = len(re.findall(r"^\S+==", exported, re.M))
    assert exported.count("--hash=sha256:") >= pins


def test_dependabot_keeps_the_uv_lock_fresh():
    config = yaml.safe_load((ROOT / ".github/dependabot.yml").read_text())
    ecosystems = {update["package-ecosystem"] for update in config["updates"]}
    assert {"uv", "npm", "github-actions"} <= ecosystems
    assert "pip" not in ecosystems  # uv.lock is the lock, not requirement files


def test_every_package_our_code_imports_is_declared():
    declared = {
        canonicalize_name(Requirement(line).name)
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
        "pdfua": "pdfua",
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


# An owner as GitHub accepts it: @user, @org/team or an e-mail address.
OWNER = re.compile(
    r"^(@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:/[\w.-]+)?|[^@\s]+@[^@\s]+\.\w+)$"
)


def codeowners_rules(text: str) -> list[tuple[str, list[str]]]:
    """(pattern, owners) of each rule; AssertionError on a malformed line."""
    rules = []
    for line in text.splitlines():
        line = line.split(" #")[0].strip()
        if not line or line.startswith("#"):
            continue
        pattern, *owners = line.split()
        assert owners, f"CODEOWNERS: {pattern!r} has no owner"
        for owner in owners:
            assert OWNER.match(owner), f"CODEOWNERS: {owner!r} is not an owner"
        rules.append((pattern, owners))
    assert rules, "CODEOWNERS has no rule"
    return rules


def test_codeowners_covers_every_path():
    """Any valid owner will do: the developers' notes (docs-dev/maintaining.md,
    "Review rules") tell the owner to replace the placeholder with their own
    handle."""
    rules = codeowners_rules((ROOT / ".github/CODEOWNERS").read_text())
    assert any(pattern == "*" for pattern, _ in rules), "no rule covers every path"


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("* @handbook-author\n", True),
        ("# the owner\n* @susan-cole-rome editor@example.org\n", True),
        ("* @example-org/editors\n", True),
        ("", False),
        ("# only a comment\n", False),
        ("*\n", False),
        ("* handbook-author\n", False),
        ("* @-bad-\n", False),
        ("docs/ @handbook-author\n", False),  # nothing covers every path
    ],
)
def test_the_codeowners_check_takes_any_owner_and_no_malformed_file(text, valid):
    try:
        rules = codeowners_rules(text)
    except AssertionError:
        rules = []
    assert any(pattern == "*" for pattern, _ in rules) is valid


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
        page = page_soup(path)
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


def test_the_readme_is_short_enough_for_a_newcomer():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 300
    for heading in (
        "## Quick start",
        "## nox sessions",
        "## How it fits together",
        "## Adding a page",
        "## Adding an exercise",
        "## Where to read more",
    ):
        assert heading in readme, heading


def test_what_left_the_readme_is_in_the_developers_notes():
    """The benchmark record, the workarounds with their upstream reports and
    the maintenance notes live in docs-dev/, outside docs/, so they are never
    published; the README and the modules' comments point there."""
    notes = ROOT / "docs-dev"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, needle in {
        "performance.md": "Latest measurement",
        "upstream-reports.md": "Suggested fix",
        "maintaining.md": "@handbook-author",
        "outputs.md": "PDF/UA-1",
        "safety-and-privacy.md": "X-Frame-Options: DENY",
    }.items():
        assert needle in (notes / name).read_text(encoding="utf-8"), name
        assert f"`{name}`" in readme, f"the README does not point to {name}"
    assert not list(DOCS.rglob("docs-dev"))
    assert "Latest measurement" not in readme


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
