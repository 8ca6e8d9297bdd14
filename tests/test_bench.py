"""The benchmark's bookkeeping: the budget records, the report, the chapter
restore, Lighthouse from the npm lock, and ending its processes.

Functions of scripts/bench.py, bench_preview.py and bench_pages.py; nothing
here builds or times.
"""

from __future__ import annotations

import ast
import copy
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import bench
import bench_pages
import bench_preview

ROOT = Path(__file__).resolve().parents[1]


def page(name: str, wire_kib: float = 50.0, requests: int = 9) -> dict:
    wire = round(wire_kib * 1024)
    return {
        "page": name,
        "words": 1000,
        "requests": requests,
        "wire_bytes": {"html": wire - 1000, "fonts": 1000},
        "decoded_bytes": {"html": wire * 3},
        "wire_total": wire,
        "decoded_total": wire * 3,
    }


def scores(value: int = 100) -> dict:
    return {
        "why": "home page",
        "scores": dict.fromkeys(bench_pages.LIGHTHOUSE_CATEGORIES, value),
        "metrics": {"first-contentful-paint": "1.2 s"},
    }


def build_row(name: str, seconds: float | None) -> dict:
    return {"name": name, "seconds": seconds, "peak_mib": 100.0, "note": ""}


@pytest.fixture
def passing() -> dict:
    """A run that meets every budget exactly at its limit."""
    return {
        "when": "2026-11-26 10:00 UTC",
        "machine": "x86_64, 2 cores, Python 3.11",
        "load": {"before": [0.5, 0.7, 0.9], "after": [1.5, 1.0, 0.95], "cores": 2},
        "preview": {
            "chapter": "chapters/the-cycle",
            "poll_seconds": 0.05,
            "first_build_seconds": 6.0,
            "restored": "yes, byte for byte",
            "seconds": [1.2, 1.5, 1.6, 1.4, 1.9],
            "median": 1.5,
            "change_seen_seconds": [0.1, 0.2, None, 0.1, 0.1],
            "rebuild_done_seconds": [1.6, 1.9, 2.0, 1.8, 2.3],
        },
        "builds": {
            "floor": build_row("floor", 1.0),
            "html": build_row("html", 2.0),
            "whole": {
                **build_row("whole", 30.0),
                "steps": {"html build": 5.0, "print build": 22.0},
            },
        },
        "html_ratio_to_floor": 2.0,
        "pages": [
            page("index", 40.0, 6),
            page("chapters/a", 60.0, 10),
            page("exercises/b", 49.0, 9),
        ],
        "lighthouse": {"index": scores(), "chapters/a": scores()},
        "search": {
            "gzip_bytes": {
                "searchindex.js": 48 * 1024,
                "_static/search-terms.js": 16 * 1024,
            },
            "first_result_seconds": {"he shuts down": 0.4, "kill myself": 1.0},
        },
    }


def judged(run: dict) -> dict:
    run["budgets"] = [bench.asdict(record) for record in bench.budgets(run)]
    return run


def test_a_run_at_every_limit_meets_every_budget(passing):
    records = bench.budgets(passing)
    assert [r.misses for r in records] == [[]] * len(bench.BUDGETS)
    assert [r.short for r in records] == [
        "live preview",
        "whole build",
        "heaviest page",
        "most requests",
        "lowest Lighthouse",
        "HTML / floor",
        "search index",
        "first result",
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda r: r["preview"].update(median=1.51), "median of 5 saves 1.51 s"),
        (lambda r: r["builds"]["whole"].update(seconds=40.2), "from clean 40.20 s"),
        (
            lambda r: r["pages"].append(page("exercises/c", 60.1)),
            "exercises/c 60.10 KiB (at most 60.0 KiB)",
        ),
        (
            lambda r: r["pages"].append(page("chapters/d", 10, 11)),
            "chapters/d 11 (at most 10)",
        ),
        (
            lambda r: r["lighthouse"].update({"chapters/a": scores(99)}),
            "performance on chapters/a 99 (at least 100)",
        ),
        (
            lambda r: r.update(html_ratio_to_floor=2.01),
            "clean HTML build / floor 2.01x",
        ),
        (
            lambda r: r["search"]["gzip_bytes"].update({"searchindex.js": 49 * 1024}),
            "searchindex.js and _static/search-terms.js 65.00 KiB",
        ),
        (
            lambda r: r["search"]["first_result_seconds"].update({"hit": 1.2}),
            "'hit' 1.20 s (at most 1.0 s)",
        ),
    ],
)
def test_each_budget_is_checked(passing, change, expected):
    change(passing)
    misses = [m for r in bench.budgets(passing) for m in r.misses]
    assert len(misses) == 1 + expected.startswith("performance") * 3
    assert expected in misses[0]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda r: r.update(preview={"skipped": "sphinx-autobuild is missing"}),
            "live preview, save to served: not run: sphinx-autobuild is missing",
        ),
        (
            lambda r: r["builds"]["whole"].update(seconds=None, note="failed"),
            "whole build: site, PDFs, EPUB: not run: failed",
        ),
        (
            lambda r: r.update(pages=[], pages_skipped="no Chromium"),
            "first view on the wire: not run: no Chromium",
        ),
        (
            lambda r: r.update(lighthouse={"skipped": "no Node.js"}),
            "Lighthouse mobile: not run: no Node.js",
        ),
        (
            lambda r: r["lighthouse"].update({"index": {"why": "", "error": "boom"}}),
            "Lighthouse mobile: index: boom none",
        ),
        (
            lambda r: r.update(lighthouse={}),
            "Lighthouse mobile: not run: no figure",
        ),
        (
            lambda r: r.update(html_ratio_to_floor=None),
            "guard: HTML build / bare Sphinx: not run: a build failed",
        ),
    ],
)
def test_a_step_that_did_not_run_is_a_miss(passing, change, expected):
    change(passing)
    misses = [m for r in bench.budgets(passing) for m in r.misses]
    assert misses[0].startswith(expected)
    # No pages: both page budgets say so; otherwise one miss.
    assert len(misses) == 1 + ("pages_skipped" in passing)


def test_the_records_feed_the_check_the_table_and_the_summary(passing):
    """One judgement: what --check counts, what the table marks missed and
    what the summary of several runs counts are the same records."""
    slow = judged(copy.deepcopy(passing) | {"html_ratio_to_floor": 2.5})
    slow["pages"].append(page("chapters/e", 61.0, 12))
    slow = judged(slow)
    misses = bench.all_misses([slow])
    assert len(misses) == 3
    table = bench.budget_table(slow)
    assert sum("**missed**" in row for row in table) == 3
    assert "| 61.00 KiB (chapters/e) |" in "\n".join(table)
    summary = bench.summary_table([judged(passing), slow])
    assert summary[2].endswith("| 0 |") and summary[3].endswith("| 3 |")
    assert (
        "| 2 | 1.50 s | 30.00 s | 61.00 KiB | 12 | 100 | 2.50x | 64.00 KiB | 1.00 s | 3 |"
        in summary
    )


def test_report_has_a_row_per_page(passing):
    report = bench.markdown([judged(passing)])
    for weighed in passing["pages"]:
        assert f"| {weighed['page']} | 1000 | {weighed['requests']} |" in report
    assert "60.00 KiB (chapters/a) | met |" in report
    assert "**missed**" not in report
    assert report.rstrip().endswith("All budgets met.")


def test_report_says_where_a_save_spent_its_time(passing):
    report = bench.markdown([judged(passing)])
    assert "1.20, 1.50, 1.60, 1.40, 1.90; median **1.50 s**" in report
    assert "started rebuilding 0.10 s after the save" in report
    assert "its rebuild ended 1.90 s after it" in report


def test_report_gives_the_load_before_and_after(passing):
    report = bench.markdown([judged(passing)])
    assert "0.50 / 0.70 / 0.90 before the run and 1.50 / 1.00 / 0.95 after" in report


def test_report_names_what_was_missed(passing):
    passing["builds"]["whole"]["seconds"] = 51.0
    report = bench.markdown([judged(passing)])
    assert "| at most 40.0 s | 51.00 s | **missed** |" in report
    assert "- whole build: site, PDFs, EPUB: from clean 51.00 s" in report
    assert "of which print build | 22.00" in report


def test_several_runs_all_count(passing):
    slow = copy.deepcopy(passing)
    slow["preview"]["median"] = 1.7
    runs = [judged(passing), judged(slow)]
    assert bench.all_misses(runs) == [
        "run 2: live preview, save to served: median of 5 saves 1.70 s (at most 1.5 s)"
    ]
    report = bench.markdown(runs)
    assert (
        "| 1 | 1.50 s | 30.00 s | 60.00 KiB | 10 | 100 | 2.00x | 64.00 KiB | 1.00 s | 0 |"
        in report
    )
    assert "| 2 | 1.70 s |" in report


@pytest.mark.parametrize("original", ["Text.\n", "Text.", "Text.\n\n", ""])
def test_a_save_is_undone_byte_for_byte(original):
    suffix = bench_preview.marker_suffix(original, "Live preview check 1, abc.")
    written = original + suffix
    assert "\n\nLive preview check 1, abc.\n" in "\n" + written
    assert bench_preview.restored_text(original, written, written, suffix) == original


def test_someone_elses_save_is_kept():
    original = "One.\n"
    suffix = bench_preview.marker_suffix(original, "Live preview check 2, abc.")
    theirs = "Zero.\n" + original + suffix
    assert bench_preview.restored_text(original, original + suffix, theirs, suffix) == (
        "Zero.\nOne.\n"
    )
    assert (
        bench_preview.restored_text(original, original + suffix, "Zero.\n", suffix)
        is None
    )


def test_serve_arguments_are_those_of_the_serve_session(tmp_path):
    """The live preview runs sphinx-autobuild as `nox -s serve` does."""
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    serve = next(
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name == "serve"
    )
    call = next(
        node
        for node in ast.walk(serve)
        if isinstance(node, ast.Call)
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and node.args[0].value == "sphinx-autobuild"
    )
    # Literal flags as written; paths, and the port that must be free, vary.
    session_flags = [
        arg.value if isinstance(arg, ast.Constant) else "<path>"
        for arg in call.args[1:]
        if not isinstance(arg, ast.Starred)
    ]
    ours = bench_preview.serve_arguments(8123, tmp_path)
    ours = ["<path>" if arg.startswith("/") else arg for arg in ours]
    port = ours.index("--port") + 1
    ours[port] = session_flags[session_flags.index("--port") + 1]
    assert ours == session_flags


def test_pages_weighed_are_home_chapters_and_exercises(tmp_path):
    for name in ("chapters/b", "chapters/a", "exercises/index", "exercises/c"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / f"{name}.md").write_text("# T\n")
    assert bench_pages.weighed_pages(tmp_path) == [
        "index",
        "chapters/a",
        "chapters/b",
        "exercises/c",
    ]


def test_lighthouse_takes_the_longest_page_of_each_kind():
    words = {"index": 9000, "chapters/a": 10, "chapters/b": 30, "exercises/c": 5}
    assert bench_pages.longest(words, "chapters") == "chapters/b"
    assert bench_pages.longest(words, "exercises") == "exercises/c"
    assert bench_pages.longest(words, "glossary") is None


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://h/chapters/a.html", "html"),
        ("http://h/", "html"),
        ("http://h/_static/styles/furo.css?v=1", "css"),
        ("http://h/_static/scripts/furo.js?v=1", "js"),
        ("http://h/_static/fonts/a.woff2", "fonts"),
        ("http://h/_static/logo.svg", "images"),
        ("http://h/data", "other"),
    ],
)
def test_kind_of(url, kind):
    assert bench_pages.kind_of(url) == kind


def test_median():
    assert bench_preview.median([1.0, 3.0, 2.0, 5.0, 4.0]) == 3.0


def test_stopping_the_preview_ends_its_whole_group_by_id():
    """sphinx-autobuild's forked builds share its process group; the bench
    ends that group by its id, leaving nothing running."""
    # The parent leaves on SIGINT, as sphinx-autobuild does (a handler of
    # its own: where the tests run in the background, SIGINT comes ignored);
    # its two children stay until they are killed with the group, and
    # their new parent, init, reaps them soon after.
    parent = (
        "import signal, subprocess, sys\n"
        "signal.signal(signal.SIGINT, lambda *_: sys.exit(130))\n"
        "children = [subprocess.Popen(['sleep', '60']) for _ in range(2)]\n"
        "print('ready', flush=True)\n"
        "signal.pause()\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", parent],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stdout.readline() == "ready\n"
    bench_preview.stop_group(process)
    process.stdout.close()
    assert process.returncode is not None
    deadline = time.monotonic() + 5
    with pytest.raises(ProcessLookupError):
        while time.monotonic() < deadline:
            os.killpg(process.pid, 0)
            time.sleep(0.05)


def write_npm_tools(folder: Path, locked: str, installed: str | None) -> Path:
    folder.mkdir()
    lock = {"packages": {"node_modules/lighthouse": {"version": locked}}}
    (folder / "package-lock.json").write_text(json.dumps(lock))
    if installed:
        package = folder / "node_modules" / "lighthouse" / "package.json"
        package.parent.mkdir(parents=True)
        package.write_text(json.dumps({"version": installed}))
    return folder


def test_lighthouse_comes_only_from_the_npm_lock(tmp_path):
    for name, installed in (("none", None), ("other", "12.0.0")):
        tools = write_npm_tools(tmp_path / name, "12.8.2", installed)
        why = bench_pages.lighthouse_cli(tools)
        assert isinstance(why, str) and "12.8.2 is not installed" in why, why
    tools = write_npm_tools(tmp_path / "locked", "12.8.2", "12.8.2")
    found = bench_pages.lighthouse_cli(tools)
    if shutil.which("node"):
        assert found == tools / "node_modules" / "lighthouse" / "cli" / "index.js"
    else:
        assert found == "no Node.js on this machine"
    # Nothing in the bench installs a package itself.
    source = (ROOT / "scripts" / "bench_pages.py").read_text(encoding="utf-8")
    assert "npm install" not in source and '"install"' not in source


def test_the_real_npm_lock_names_lighthouse():
    lock = json.loads((bench_pages.NPM_TOOLS / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/lighthouse"]["version"]
