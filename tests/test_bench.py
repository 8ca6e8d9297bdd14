"""The benchmark's bookkeeping: budget checks, the report, the chapter restore.

Functions of scripts/bench.py, and how it tells its own processes from
others'; nothing here builds or times.
"""

from __future__ import annotations

import ast
import copy
import os
import subprocess
import time
from pathlib import Path

import pytest

import bench

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
        "scores": dict.fromkeys(bench.LIGHTHOUSE_CATEGORIES, value),
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
        "machine_load": "quiet",
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
    }


def test_a_run_at_every_limit_meets_every_budget(passing):
    assert bench.budget_misses(passing) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda r: r["preview"].update(median=1.51), "live preview took 1.51 s"),
        (
            lambda r: r["builds"]["whole"].update(seconds=30.2),
            "whole build took 30.2 s",
        ),
        (
            lambda r: r["pages"].append(page("exercises/c", 60.1)),
            "exercises/c sends 60.1 KiB on the wire",
        ),
        (
            lambda r: r["pages"].append(page("chapters/d", 10, 11)),
            "chapters/d makes 11 requests",
        ),
        (
            lambda r: r["lighthouse"].update({"chapters/a": scores(99)}),
            "Lighthouse performance on chapters/a: 99",
        ),
        (
            lambda r: r.update(html_ratio_to_floor=2.01),
            "clean HTML build is 2.01x the floor",
        ),
    ],
)
def test_each_budget_is_checked(passing, change, expected):
    change(passing)
    misses = bench.budget_misses(passing)
    assert len(misses) == 1 + expected.startswith("Lighthouse") * 3
    assert misses[0].startswith(expected)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda r: r.update(
                preview={"skipped": "sphinx-autobuild is not installed"}
            ),
            "live preview not measured: sphinx-autobuild is not installed",
        ),
        (
            lambda r: r["builds"]["whole"].update(seconds=None, note="failed"),
            "whole build not measured: failed",
        ),
        (
            lambda r: r.update(pages=[], pages_skipped="no Chromium"),
            "page weight not measured: no Chromium",
        ),
        (
            lambda r: r.update(lighthouse={"skipped": "no Node.js/npm"}),
            "Lighthouse not run: no Node.js/npm",
        ),
        (
            lambda r: r["lighthouse"].update({"index": {"why": "", "error": "boom"}}),
            "Lighthouse failed on index: boom",
        ),
        (
            lambda r: r.update(html_ratio_to_floor=None),
            "HTML build / floor not measured",
        ),
    ],
)
def test_a_step_that_did_not_run_is_a_miss(passing, change, expected):
    change(passing)
    misses = bench.budget_misses(passing)
    assert len(misses) == 1
    assert misses[0].startswith(expected)


def test_report_has_a_row_per_page_and_the_maximum(passing):
    passing["budget_misses"] = []
    report = bench.markdown([passing])
    for weighed in passing["pages"]:
        assert f"| {weighed['page']} | 1000 | {weighed['requests']} |" in report
    assert "| maximum over 3 pages | 1000 | 10 |" in report
    assert "60.0 KiB (chapters/a) | met |" in report
    assert "**missed**" not in report
    assert report.rstrip().endswith("All budgets met.")


def test_report_says_where_a_save_spent_its_time(passing):
    passing["budget_misses"] = []
    report = bench.markdown([passing])
    assert "1.20, 1.50, 1.60, 1.40, 1.90; median **1.50 s**" in report
    assert "started rebuilding 0.10 s after the save" in report
    assert "its rebuild ended 1.90 s after it" in report


def test_report_names_what_was_missed(passing):
    passing["builds"]["whole"]["seconds"] = 41.0
    passing["budget_misses"] = bench.budget_misses(passing)
    report = bench.markdown([passing])
    assert "| 30 s | 41.00 s | **missed** |" in report
    assert "- whole build took 41.0 s (budget 30 s)" in report
    assert "of which print build | 22.00" in report


def test_several_runs_all_count(passing):
    slow = copy.deepcopy(passing)
    slow["preview"]["median"] = 1.7
    runs = []
    for run in (passing, slow):
        run["budget_misses"] = bench.budget_misses(run)
        runs.append(run)
    assert bench.all_misses(runs) == [
        "run 2: live preview took 1.70 s (median of 5 saves; budget 1.5 s)"
    ]
    report = bench.markdown(runs)
    assert "| 1 | 1.50 s | 30.00 s | 60.0 KiB | 10 | 100 | 2.00x | 0 |" in report
    assert "| 2 | 1.70 s |" in report


@pytest.mark.parametrize("original", ["Text.\n", "Text.", "Text.\n\n", ""])
def test_a_save_is_undone_byte_for_byte(original):
    suffix = bench.marker_suffix(original, "Live preview check 1, abc.")
    written = original + suffix
    assert "\n\nLive preview check 1, abc.\n" in "\n" + written
    assert bench.restored_text(original, written, written, suffix) == original


def test_someone_elses_save_is_kept():
    original = "One.\n"
    suffix = bench.marker_suffix(original, "Live preview check 2, abc.")
    theirs = "Zero.\n" + original + suffix
    assert bench.restored_text(original, original + suffix, theirs, suffix) == (
        "Zero.\nOne.\n"
    )
    assert bench.restored_text(original, original + suffix, "Zero.\n", suffix) is None


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
    ours = bench.serve_arguments(8123, tmp_path)
    ours = ["<path>" if arg.startswith("/") else arg for arg in ours]
    port = ours.index("--port") + 1
    ours[port] = session_flags[session_flags.index("--port") + 1]
    assert ours == session_flags


def test_pages_weighed_are_home_chapters_and_exercises(tmp_path):
    for name in ("chapters/b", "chapters/a", "exercises/index", "exercises/c"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / f"{name}.md").write_text("# T\n")
    assert bench.weighed_pages(tmp_path) == [
        "index",
        "chapters/a",
        "chapters/b",
        "exercises/c",
    ]


def test_lighthouse_takes_the_longest_page_of_each_kind():
    words = {"index": 9000, "chapters/a": 10, "chapters/b": 30, "exercises/c": 5}
    assert bench.longest(words, "chapters") == "chapters/b"
    assert bench.longest(words, "exercises") == "exercises/c"
    assert bench.longest(words, "glossary") is None


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
    assert bench.kind_of(url) == kind


def test_median():
    assert bench.median([1.0, 3.0, 2.0, 5.0, 4.0]) == 3.0


def test_only_others_work_is_reported_as_others(monkeypatch):
    """A process the benchmark started keeps its mark even once it has left
    the benchmark's process tree (as Chromium's helpers do); one without the
    mark is someone else's."""
    monkeypatch.setenv("HANDBOOK_BENCH_RUN", bench.RUN_ID)
    ours, theirs = (f"bench-probe-{time.monotonic_ns()}-{who}" for who in "ab")
    unmarked = {k: v for k, v in os.environ.items() if k != "HANDBOOK_BENCH_RUN"}
    # setsid -f forks and exits, so each sleeper's parent becomes init.
    for name, env in ((ours, None), (theirs, unmarked)):
        command = ["setsid", "-f", "bash", "-c", f"exec -a {name} sleep 30"]
        subprocess.run(command, env=env, check=True)
    try:
        time.sleep(0.3)
        monkeypatch.setattr(bench, "BUSY", (ours, theirs))
        assert bench.foreign_busy_processes() == [theirs]
    finally:
        subprocess.run(["pkill", "-f", "bench-probe-"], check=False)
