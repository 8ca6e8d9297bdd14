"""Benchmark the handbook against its performance budgets, in one run.

Usage (through nox, which installs what it needs)::

    nox -s bench                     # measure, write build/bench/results.{json,md}
    nox -s bench -- --check          # ... and exit 1 if a budget is missed
    nox -s bench -- --check --runs 3 # three runs in a row; every run must pass

The budgets (issue 15), each measured in every run:

- live preview: from saving a chapter to the refreshed page being served by
  sphinx-autobuild, started with the arguments of ``nox -s serve``; median of
  five saves, at most 1.5 s;
- the whole build as ``nox -s build`` runs it (``scripts/build_book.py``:
  site, every PDF, the EPUB, the downloads), from clean, at most 30 s;
- the first view of the home page and of every chapter and exercise page, at
  phone width: at most 60 KiB on the wire (text gzipped as the host serves
  it, fonts and images as they are) and at most 10 requests;
- Lighthouse 12.8.2, mobile: 100 in performance, accessibility, best
  practices and SEO on the home page, the longest chapter and the longest
  exercise;
- a guard, not a target: the clean HTML build at most 2.0x the floor, the
  same pages built by bare Sphinx (myst-parser only, default theme).

Every figure is measured; nothing is estimated. A step that cannot run here
says why in its row, and ``--check`` counts it as a miss. Everything is built
under ``build/bench/work`` (never ``build/html``, ``build/pdf`` or
``build/epub``); the chapter saved for the live preview is restored exactly.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import http.client
import http.server
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from functools import partial
from pathlib import Path

import build_book  # puts docs/_ext on the path, for edition
from edition import git

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
OUT = ROOT / "build" / "bench"
WORK = OUT / "work"
# The chapter saved in the live-preview test.
CHAPTER = "chapters/the-cycle"
SAVES = 5
# The floor and the clean HTML build run this many times each, alternately,
# and the fastest of each counts (as timeit does): slower runs measure the
# machine's other work, and alternating spreads that work over both.
RATIO_REPEAT = 3
LIGHTHOUSE = "lighthouse@12.8.2"
# As the nox sessions build.
STRICT = build_book.STRICT
# Debian's Chromium as root, on a machine whose only network is loopback (the
# browser tests use the same flags).
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LIGHTHOUSE_CATEGORIES = ("performance", "accessibility", "best-practices", "seo")

BUDGETS = {
    "preview_median_seconds": 1.5,
    "whole_build_seconds": 30.0,
    "page_wire_kib": 60.0,
    "page_requests": 10,
    "lighthouse_score": 100,
    "html_ratio_to_floor": 2.0,
}

# Runs scripts/build_book.py exactly as `nox -s build` does, with a clock
# around each of its sphinx-build steps, so the whole-build row can say where
# the time went without building a second time.
WHOLE_BUILD = """
import runpy, sys, time
import sphinx.cmd.build as sphinx_build
build_main = sphinx_build.build_main
def timed(argv):
    start = time.perf_counter()
    try:
        return build_main(argv)
    finally:
        builder = argv[argv.index("-b") + 1] if "-b" in argv else "?"
        print(f"STEP {builder} {time.perf_counter() - start:.3f}", file=sys.stderr)
sphinx_build.build_main = timed
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


# -- Pure helpers (tested in tests/test_bench.py) ------------------------------


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def marker_suffix(original: str, sentence: str) -> str:
    """What a save appends: the sentence as a paragraph of its own."""
    return ("" if original.endswith("\n") else "\n") + "\n" + sentence + "\n"


def restored_text(original: str, written: str, current: str, suffix: str) -> str | None:
    """The text to put back into the saved chapter, or None to leave it.

    The file is ours only while it holds what the bench last wrote: then the
    original comes back byte for byte. If someone else saved it meanwhile,
    their text stays, less our sentence.
    """
    if current == written:
        return original
    if suffix in current:
        return current.replace(suffix, "", 1)
    return None


def kind_of(url: str, content_type: str = "") -> str:
    path = url.split("?")[0].split("#")[0]
    for kind, endings in (
        ("html", (".html", "/")),
        ("css", (".css",)),
        ("js", (".js",)),
        ("fonts", (".woff2", ".woff", ".ttf", ".otf")),
        ("images", (".png", ".svg", ".jpg", ".jpeg", ".webp", ".ico", ".gif")),
    ):
        if path.endswith(endings):
            return kind
    return "html" if "html" in content_type else "other"


def weighed_pages(docs: Path = DOCS) -> list[str]:
    """The home page, every chapter and every exercise page (not the index)."""
    chapters = sorted(f"chapters/{p.stem}" for p in (docs / "chapters").glob("*.md"))
    exercises = sorted(
        f"exercises/{p.stem}"
        for p in (docs / "exercises").glob("*.md")
        if p.stem != "index"
    )
    return ["index", *chapters, *exercises]


def longest(words: dict[str, int], folder: str) -> str | None:
    """The page in ``folder`` with the most words (ties: the first by name)."""
    pages = sorted(p for p in words if p.startswith(f"{folder}/"))
    return max(pages, key=lambda p: words[p]) if pages else None


def heaviest(pages: list[dict], folder: str = "") -> dict | None:
    chosen = [p for p in pages if p["page"].startswith(folder)]
    return max(chosen, key=lambda p: p["wire_total"]) if chosen else None


def budget_misses(run: dict, budgets: dict = BUDGETS) -> list[str]:
    """Every budget the run missed, in words; a step that did not run is one."""
    misses = []
    preview = run.get("preview", {})
    if "skipped" in preview:
        misses.append(f"live preview not measured: {preview['skipped']}")
    elif preview["median"] > budgets["preview_median_seconds"]:
        misses.append(
            f"live preview took {preview['median']:.2f} s (median of "
            f"{len(preview['seconds'])} saves; budget "
            f"{budgets['preview_median_seconds']} s)"
        )

    whole = run.get("builds", {}).get("whole", {})
    if whole.get("seconds") is None:
        misses.append(f"whole build not measured: {whole.get('note') or 'no row'}")
    elif whole["seconds"] > budgets["whole_build_seconds"]:
        misses.append(
            f"whole build took {whole['seconds']:.1f} s "
            f"(budget {budgets['whole_build_seconds']:.0f} s)"
        )

    if "pages_skipped" in run:
        misses.append(f"page weight not measured: {run['pages_skipped']}")
    for page in run.get("pages", []):
        kib = page["wire_total"] / 1024
        if kib > budgets["page_wire_kib"]:
            misses.append(
                f"{page['page']} sends {kib:.1f} KiB on the wire "
                f"(budget {budgets['page_wire_kib']:.0f} KiB)"
            )
        if page["requests"] > budgets["page_requests"]:
            misses.append(
                f"{page['page']} makes {page['requests']} requests "
                f"(budget {budgets['page_requests']})"
            )

    scores = run.get("lighthouse", {})
    if "skipped" in scores:
        misses.append(f"Lighthouse not run: {scores['skipped']}")
    for page, result in scores.items():
        if page == "skipped":
            continue
        if "error" in result:
            misses.append(f"Lighthouse failed on {page}: {result['error']}")
            continue
        for category in LIGHTHOUSE_CATEGORIES:
            score = result["scores"].get(category)
            if score is None or score < budgets["lighthouse_score"]:
                misses.append(
                    f"Lighthouse {category} on {page}: {score} "
                    f"(budget {budgets['lighthouse_score']})"
                )

    ratio = run.get("html_ratio_to_floor")
    if ratio is None:
        misses.append("HTML build / floor not measured: a build failed")
    elif ratio > budgets["html_ratio_to_floor"]:
        misses.append(
            f"clean HTML build is {ratio:.2f}x the floor "
            f"(guard {budgets['html_ratio_to_floor']}x)"
        )
    return misses


def all_misses(runs: list[dict]) -> list[str]:
    if len(runs) == 1:
        return list(runs[0]["budget_misses"])
    return [
        f"run {number}: {miss}"
        for number, run in enumerate(runs, 1)
        for miss in run["budget_misses"]
    ]


def _kib(size: int) -> str:
    return f"{size / 1024:.1f}"


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def budget_rows(run: dict, budgets: dict = BUDGETS) -> list[str]:
    """The budget table of one run: limit, measured value, met or missed."""
    rows = []
    preview = run.get("preview", {})
    if "skipped" in preview:
        rows.append(
            (
                "live preview, save to refreshed page (median of 5)",
                f"{budgets['preview_median_seconds']} s",
                f"not run: {preview['skipped']}",
                False,
            )
        )
    else:
        rows.append(
            (
                f"live preview, save to refreshed page (median of {len(preview['seconds'])})",
                f"{budgets['preview_median_seconds']} s",
                f"{preview['median']:.2f} s",
                preview["median"] <= budgets["preview_median_seconds"],
            )
        )
    whole = run.get("builds", {}).get("whole", {})
    seconds = whole.get("seconds")
    rows.append(
        (
            "whole build from clean: site, PDFs, EPUB, downloads",
            f"{budgets['whole_build_seconds']:.0f} s",
            f"{seconds:.2f} s"
            if seconds is not None
            else f"not run: {whole.get('note')}",
            seconds is not None and seconds <= budgets["whole_build_seconds"],
        )
    )
    pages = run.get("pages", [])
    if pages:
        top = heaviest(pages)
        most = max(pages, key=lambda p: p["requests"])
        rows.append(
            (
                f"first view on the wire, heaviest of {len(pages)} pages",
                f"{budgets['page_wire_kib']:.0f} KiB",
                f"{_kib(top['wire_total'])} KiB ({top['page']})",
                all(p["wire_total"] / 1024 <= budgets["page_wire_kib"] for p in pages),
            )
        )
        rows.append(
            (
                f"requests, most of {len(pages)} pages",
                str(budgets["page_requests"]),
                f"{most['requests']} ({most['page']})",
                all(p["requests"] <= budgets["page_requests"] for p in pages),
            )
        )
    else:
        reason = run.get("pages_skipped", "no pages")
        rows.append(
            (
                "first view on the wire and requests",
                f"{budgets['page_wire_kib']:.0f} KiB, {budgets['page_requests']}",
                f"not run: {reason}",
                False,
            )
        )
    scores = run.get("lighthouse", {})
    if "skipped" in scores:
        rows.append(
            (
                "Lighthouse mobile, four categories",
                "100",
                f"not run: {scores['skipped']}",
                False,
            )
        )
    else:
        values = [
            result["scores"].get(c)
            for result in scores.values()
            if "error" not in result
            for c in LIGHTHOUSE_CATEGORIES
        ]
        failed = [page for page, result in scores.items() if "error" in result]
        lowest = min((v for v in values if v is not None), default=None)
        measured = f"lowest {lowest} on {len(scores) - len(failed)} pages"
        if failed:
            measured += f"; failed on {', '.join(failed)}"
        rows.append(
            (
                "Lighthouse mobile, four categories",
                str(budgets["lighthouse_score"]),
                measured,
                not failed
                and bool(values)
                and all(
                    v is not None and v >= budgets["lighthouse_score"] for v in values
                ),
            )
        )
    ratio = run.get("html_ratio_to_floor")
    rows.append(
        (
            "guard: clean HTML build / bare Sphinx",
            f"{budgets['html_ratio_to_floor']}x",
            f"{ratio:.2f}x" if ratio is not None else "not measured: a build failed",
            ratio is not None and ratio <= budgets["html_ratio_to_floor"],
        )
    )
    lines = ["| budget | at most | measured | |", "| --- | ---: | ---: | --- |"]
    lines += [
        f"| {n} | {limit} | {value} | {_verdict(ok)} |" for n, limit, value, ok in rows
    ]
    return lines


def page_table(pages: list[dict]) -> list[str]:
    """One row a page, and the maximum of each column over all of them."""
    kinds = ("html", "css", "js", "fonts", "images")
    lines = [
        "| page (390 px) | words | requests | HTML | CSS | JS | fonts | images "
        "| on the wire | decoded |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page in pages:
        wire = page["wire_bytes"]
        cells = " | ".join(_kib(wire.get(k, 0)) for k in kinds)
        lines.append(
            f"| {page['page']} | {page.get('words', '-')} | {page['requests']} | "
            f"{cells} | **{_kib(page['wire_total'])} KiB** | "
            f"{_kib(page['decoded_total'])} KiB |"
        )
    if pages:
        cells = " | ".join(
            _kib(max(p["wire_bytes"].get(k, 0) for p in pages)) for k in kinds
        )
        lines.append(
            f"| maximum over {len(pages)} pages | "
            f"{max(p.get('words', 0) for p in pages)} | "
            f"{max(p['requests'] for p in pages)} | {cells} | "
            f"**{_kib(max(p['wire_total'] for p in pages))} KiB** | "
            f"{_kib(max(p['decoded_total'] for p in pages))} KiB |"
        )
    return lines


def preview_breakdown(preview: dict) -> str:
    """Where a save's time went, as medians, when the run recorded it."""
    seen = [s for s in preview.get("change_seen_seconds", []) if s is not None]
    done = preview.get("rebuild_done_seconds", [])
    if not (seen and done):
        return ""
    return (
        f"Medians: sphinx-autobuild started rebuilding {median(seen):.2f} s "
        f"after the save, and its rebuild ended {median(done):.2f} s after it. "
    )


def run_details(run: dict) -> list[str]:
    lines = [
        f"Measured {run['when']} on {run['machine']}, "
        f"from {run.get('source', 'an unknown commit')}.",
        f"Other work on the machine during the run: {run.get('machine_load', '-')}.",
        "",
        *budget_rows(run),
        "",
        "Budgets: "
        + (
            "all met."
            if not run["budget_misses"]
            else "missed: " + "; ".join(run["budget_misses"]) + "."
        ),
        "",
        "### Live preview",
        "",
    ]
    preview = run.get("preview", {})
    if "skipped" in preview:
        lines.append(f"Not measured: {preview['skipped']}.")
    else:
        lines.append(
            f"sphinx-autobuild with the arguments of `nox -s serve`; "
            f"`{preview['chapter']}.md` saved {len(preview['seconds'])} times, "
            f"each time with a new sentence at its end, and the page polled "
            f"every {preview['poll_seconds']} s until the sentence was served. "
            f"Seconds from save to served: "
            + ", ".join(f"{s:.2f}" for s in preview["seconds"])
            + f"; median **{preview['median']:.2f} s**. "
            + preview_breakdown(preview)
            + "First build "
            f"{preview['first_build_seconds']:.1f} s. "
            f"Chapter restored: {preview['restored']}."
        )
    lines += [
        "",
        "### Builds",
        "",
        "| build | seconds | peak memory (MiB) | note |",
        "| --- | ---: | ---: | --- |",
    ]
    for row in run["builds"].values():
        peak = "-" if row.get("peak_mib") is None else f"{row['peak_mib']:.0f}"
        lines.append(
            f"| {row['name']} | {_seconds(row['seconds'])} | {peak} | {row['note']} |"
        )
        for step, seconds in row.get("steps", {}).items():
            lines.append(f"| &nbsp;&nbsp;of which {step} | {seconds:.2f} | | |")
    ratio = run.get("html_ratio_to_floor")
    lines += [
        "",
        "Clean HTML build / floor: "
        + (f"**{ratio:.2f}x**" if ratio is not None else "not measured")
        + f" (guard: at most {BUDGETS['html_ratio_to_floor']}x).",
        "",
        "### Pages, first view",
        "",
    ]
    if "pages_skipped" in run:
        lines.append(f"Not measured: {run['pages_skipped']}.")
    else:
        lines += [
            "KiB on the wire as the host serves them (text gzipped, fonts and "
            "images as they are), counted by Chromium at phone width from an "
            'empty cache; "decoded" is the same bytes unpacked.',
            "",
            *page_table(run["pages"]),
        ]
    lines += [
        "",
        "### Lighthouse 12.8.2, mobile",
        "",
        "| page | performance | accessibility | best practices | SEO "
        "| FCP | LCP | TBT | CLS |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    scores = run.get("lighthouse", {})
    if "skipped" in scores:
        lines.append(f"| not run: {scores['skipped']} | | | | | | | | |")
    for page, result in scores.items():
        if page == "skipped":
            continue
        if "error" in result:
            lines.append(f"| {page} | failed: {result['error']} | | | | | | | |")
            continue
        s, m = result["scores"], result.get("metrics", {})
        lines.append(
            f"| {page} ({result.get('why', '')}) | "
            + " | ".join(str(s.get(c)) for c in LIGHTHOUSE_CATEGORIES)
            + " | "
            + " | ".join(
                m.get(k, "-")
                for k in (
                    "first-contentful-paint",
                    "largest-contentful-paint",
                    "total-blocking-time",
                    "cumulative-layout-shift",
                )
            )
            + " |"
        )
    return lines


def markdown(runs: list[dict]) -> str:
    """results.md: the budgets of every run, then the last run in full."""
    lines = ["# Handbook benchmark", ""]
    if len(runs) > 1:
        lines += [
            f"{len(runs)} runs in a row; every run must meet every budget.",
            "",
            "| run | live preview (median) | whole build | heaviest page "
            "| most requests | lowest Lighthouse | HTML / floor | misses |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for number, run in enumerate(runs, 1):
            lines.append(f"| {number} | " + " | ".join(summary_cells(run)) + " |")
        lines += ["", f"## Run {len(runs)} in full", ""]
    lines += run_details(runs[-1])
    misses = all_misses(runs)
    lines += [
        "",
        "## Verdict",
        "",
        "All budgets met."
        if not misses
        else "Missed:\n\n" + "\n".join(f"- {miss}" for miss in misses),
    ]
    return "\n".join(lines) + "\n"


def summary_cells(run: dict) -> list[str]:
    preview = run.get("preview", {})
    pages = run.get("pages", [])
    values = [
        v
        for page, result in run.get("lighthouse", {}).items()
        if page != "skipped" and "error" not in result
        for v in result["scores"].values()
        if v is not None
    ]
    ratio = run.get("html_ratio_to_floor")
    return [
        "-" if "skipped" in preview else f"{preview['median']:.2f} s",
        f"{_seconds(run['builds'].get('whole', {}).get('seconds'))} s",
        f"{_kib(heaviest(pages)['wire_total'])} KiB" if pages else "-",
        str(max(p["requests"] for p in pages)) if pages else "-",
        str(min(values)) if values else "-",
        f"{ratio:.2f}x" if ratio is not None else "-",
        str(len(run["budget_misses"])),
    ]


# -- Builds -------------------------------------------------------------------


def run_measured(command: list[str], log: Path) -> tuple[float, float | None, int]:
    """Run ``command`` from the repository root; return its wall-clock
    seconds, the peak resident memory (MiB) of it and of any process it
    waited for (Sphinx's parallel workers), and its exit code."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as output:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    # Linux reports ru_maxrss in KiB.
    return seconds, round(usage.ru_maxrss / 1024, 1), process.returncode


def failure_note(log: Path) -> str:
    tail = log.read_text(errors="replace").strip().splitlines()[-3:]
    return f"failed (see {log.relative_to(ROOT)}): " + " / ".join(tail)[-300:]


def measure_ratio(work: Path) -> dict[str, dict]:
    """The floor and the clean HTML build, alternately, fastest of each."""
    commands = {
        "floor": [
            # -C: no conf.py. Unknown directives only warn here; the floor is
            # a timing baseline, not a book.
            *("-q", "-C", "-D", "extensions=myst_parser", "-j", "auto"),
            *("-b", "html", "-d", str(work / "floor-doctrees")),
            *(str(DOCS), str(work / "floor")),
        ],
        "html": [
            *STRICT,
            *("-b", "html", "-d", str(work / "html-doctrees")),
            *(str(DOCS), str(work / "html")),
        ],
    }
    names = {
        "floor": "floor: bare Sphinx, myst-parser only, default theme",
        "html": "handbook: clean HTML build",
    }
    times: dict[str, list[float]] = {"floor": [], "html": []}
    peaks: dict[str, list[float]] = {"floor": [], "html": []}
    notes: dict[str, str] = {}
    for attempt in range(RATIO_REPEAT):
        for key, args in commands.items():
            if key in notes:
                continue
            for folder in (work / key, work / f"{key}-doctrees"):
                shutil.rmtree(folder, ignore_errors=True)
            log = work / "logs" / f"{key}-{attempt + 1}.log"
            seconds, peak, code = run_measured(
                [sys.executable, "-m", "sphinx", "build", *args], log
            )
            if code:
                notes[key] = failure_note(log)
                continue
            times[key].append(seconds)
            if peak:
                peaks[key].append(peak)
    rows = {}
    for key in commands:
        rows[key] = {
            "name": names[key],
            "seconds": round(min(times[key]), 2) if times[key] else None,
            "all_seconds": [round(t, 2) for t in times[key]],
            "peak_mib": max(peaks[key]) if peaks[key] else None,
            "note": notes.get(key, f"fastest of {len(times[key])}, clean each time"),
        }
    return rows


def measure_whole_build(work: Path) -> dict:
    """``python scripts/build_book.py <folder>`` from clean, as nox -s build."""
    site = work / "site"
    shutil.rmtree(site, ignore_errors=True)
    log = work / "logs" / "whole-build.log"
    seconds, peak, code = run_measured(
        [
            sys.executable,
            "-c",
            WHOLE_BUILD,
            str(ROOT / "scripts" / "build_book.py"),
            str(site),
        ],
        log,
    )
    row = {
        "name": "whole build from clean: site, PDFs, EPUB (scripts/build_book.py)",
        "seconds": None if code else round(seconds, 2),
        "peak_mib": peak,
        "note": failure_note(log) if code else "one run, no doctrees at the start",
    }
    steps = {}
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("STEP "):
            _, builder, step_seconds = line.split()
            steps[f"{builder} build"] = float(step_seconds)
    if steps and not code:
        steps["start-up, copies and publishing"] = round(
            seconds - sum(steps.values()), 2
        )
        row["steps"] = steps
    return row


# -- Live preview ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_arguments(port: int, work: Path) -> list[str]:
    """The arguments of the ``serve`` session in noxfile.py, with a free port
    and the bench's own folders."""
    return [
        *("--host", "127.0.0.1", "--port", str(port)),
        *("-d", str(work / "preview-doctrees")),
        *("-n", "--keep-going", "-q"),
        *("-D", "handbook_csp_enabled=0"),
        *(str(DOCS), str(work / "preview")),
    ]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", errors="replace")
    # OSError covers refused and reset connections and timeouts; an
    # HTTPException is a page read while Sphinx was rewriting it.
    except (OSError, http.client.HTTPException):
        return None


class Autobuild:
    """sphinx-autobuild in its own process group, its output in a log."""

    def __init__(self, work: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self.log = work / "logs" / "preview.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        for folder in ("preview", "preview-doctrees"):
            shutil.rmtree(work / folder, ignore_errors=True)
        command = [sys.executable, "-m", "sphinx_autobuild"]
        command += serve_arguments(self.port, work)
        with self.log.open("w") as output:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                stdout=output,
                stderr=subprocess.STDOUT,
                # Its messages reach the log as they are printed.
                env={**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"},
                start_new_session=True,
            )

    def builds(self) -> tuple[int, int]:
        """(builds started after a change, builds finished including the first)."""
        text = self.log.read_text(errors="replace")
        return text.count("Rebuilding..."), text.count("Serving on ")

    def idle(self) -> bool:
        started, finished = self.builds()
        return finished == started + 1

    def wait_until_quiet(self, quiet: float, timeout: float) -> None:
        """Until no build has run for ``quiet`` seconds and the site answers."""
        deadline = time.monotonic() + timeout
        calm_since = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"sphinx-autobuild exited with {self.process.returncode} "
                    f"(see {self.log.relative_to(ROOT)})"
                )
            if self.idle() and fetch(self.base + "index.html") is not None:
                calm_since = calm_since or time.monotonic()
                if time.monotonic() - calm_since >= quiet:
                    return
            else:
                calm_since = None
            time.sleep(0.1)
        raise RuntimeError(
            f"sphinx-autobuild did not settle in {timeout:.0f} s "
            f"(see {self.log.relative_to(ROOT)})"
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        # The builds it forked share its process group; none may outlive it.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)


def measure_preview(work: Path, poll: float = 0.05, timeout: float = 60.0) -> dict:
    """Median seconds from saving a chapter to sphinx-autobuild serving it."""
    try:
        import sphinx_autobuild  # noqa: F401
    except ImportError:
        return {
            "skipped": "sphinx-autobuild is not installed (nox installs the serve group)"
        }
    chapter = DOCS / f"{CHAPTER}.md"
    url_path = f"{CHAPTER}.html"
    original = chapter.read_text(encoding="utf-8")
    written, suffix = original, ""
    server = None
    seconds: list[float] = []
    result: dict = {
        "chapter": CHAPTER,
        "poll_seconds": poll,
        "change_seen_seconds": [],
        "rebuild_done_seconds": [],
    }
    try:
        start = time.perf_counter()
        server = Autobuild(work)
        server.wait_until_quiet(quiet=1.0, timeout=600)
        result["first_build_seconds"] = round(time.perf_counter() - start, 1)
        for save in range(SAVES):
            sentence = f"Live preview check {save + 1}, {uuid.uuid4().hex[:12]}."
            suffix = marker_suffix(original, sentence)
            written = original + suffix
            before = server.builds()
            chapter.write_text(written, encoding="utf-8")
            saved = time.perf_counter()
            detected = None
            while sentence not in (fetch(server.base + url_path) or ""):
                if detected is None and server.builds()[0] > before[0]:
                    detected = time.perf_counter() - saved
                if time.perf_counter() - saved > timeout:
                    raise RuntimeError(
                        f"save {save + 1} was not served within {timeout:.0f} s "
                        f"(see {server.log.relative_to(ROOT)})"
                    )
                time.sleep(poll)
            seconds.append(round(time.perf_counter() - saved, 3))
            # Where the time went: until sphinx-autobuild saw the change and
            # started its rebuild, and until that rebuild had finished (after
            # the page was served: the search index and sitemap come last).
            while server.builds()[1] <= before[1]:
                if time.perf_counter() - saved > timeout:
                    raise RuntimeError(f"the rebuild after save {save + 1} did not end")
                time.sleep(poll)
            finished = time.perf_counter() - saved
            result["change_seen_seconds"].append(
                None if detected is None else round(detected, 3)
            )
            result["rebuild_done_seconds"].append(round(finished, 3))
            # The next save waits until this rebuild has finished.
            server.wait_until_quiet(quiet=0.5, timeout=120)
    except (RuntimeError, OSError) as error:
        result = {"skipped": f"{type(error).__name__}: {error}", "seconds": seconds}
    finally:
        try:
            if server:
                server.stop()
        finally:
            current = chapter.read_text(encoding="utf-8")
            text = restored_text(original, written, current, suffix) if suffix else None
            if text is not None:
                chapter.write_text(text, encoding="utf-8")
            restored = chapter.read_text(encoding="utf-8") == original
            result["restored"] = (
                "yes, byte for byte"
                if restored
                else "no: someone else saved the chapter meanwhile; their text was kept"
            )
    if "skipped" not in result:
        result["seconds"] = seconds
        result["median"] = median(seconds)
    return result


# -- Pages in a browser -------------------------------------------------------


def find_chromium() -> str | None:
    """The system's Chromium (HANDBOOK_CHROMIUM overrides); never a download."""
    candidates = [os.environ.get("HANDBOOK_CHROMIUM")]
    candidates += [
        shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
    ]
    return next((c for c in candidates if c and os.path.exists(c)), None)


COMPRESSED = {".html", ".css", ".js", ".svg", ".xml", ".json", ".txt"}


class _Host(http.server.SimpleHTTPRequestHandler):
    """Serves the site as its host does (GitHub Pages and Read the Docs both
    gzip text files), so that Chromium and Lighthouse see the bytes a reader
    downloads."""

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants_gzip and path.is_file() and path.suffix in COMPRESSED):
            super().do_GET()
            return
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(_Host, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def word_counts(site: Path, pages: list[str]) -> dict[str, int]:
    """Words in each page's main article, as built."""
    import lxml.html

    counts = {}
    for page in pages:
        tree = lxml.html.parse(str(site / f"{page}.html"))
        article = tree.xpath("//article[@role='main']") or tree.xpath("//body")
        counts[page] = len(article[0].text_content().split())
    return counts


def page_weights(base: str, chromium: str, pages: list[str]) -> list[dict]:
    """Each page's first view, from an empty cache, at phone width."""
    from playwright.sync_api import sync_playwright

    weights = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=CHROMIUM_FLAGS[1:]
        )
        for name in pages:
            context = browser.new_context(viewport={"width": 390, "height": 844})
            page = context.new_page()
            responses = []
            page.on("response", lambda response, sink=responses: sink.append(response))
            page.goto(f"{base}{name}.html", wait_until="networkidle")
            wire: dict[str, int] = {}
            decoded: dict[str, int] = {}
            for response in responses:
                response.finished()
                kind = kind_of(response.url, response.headers.get("content-type", ""))
                # responseBodySize: the body as it came over the wire, before
                # the browser unpacked it.
                sent = response.request.sizes()["responseBodySize"]
                wire[kind] = wire.get(kind, 0) + sent
                decoded[kind] = decoded.get(kind, 0) + len(response.body())
            weights.append(
                {
                    "page": name,
                    "requests": len(responses),
                    "urls": [r.url.removeprefix(base) for r in responses],
                    "wire_bytes": wire,
                    "decoded_bytes": decoded,
                    "wire_total": sum(wire.values()),
                    "decoded_total": sum(decoded.values()),
                }
            )
            context.close()
        browser.close()
    return weights


def lighthouse_cli() -> Path | str:
    """Lighthouse's CLI at the pinned version, or why it cannot run.

    The copy that ``nox -s bench`` (and ``nox -s tests``) installs from
    requirements/npm is used where it is the pinned version; run outside nox,
    the bench installs one from npm once, into .nox/lighthouse.
    """
    version = LIGHTHOUSE.split("@")[1]
    cli = Path("node_modules") / "lighthouse" / "cli" / "index.js"
    for prefix in (ROOT / "requirements" / "npm", ROOT / ".nox" / "lighthouse"):
        package = prefix / "node_modules" / "lighthouse" / "package.json"
        with contextlib.suppress(OSError, ValueError):
            if json.loads(package.read_text())["version"] == version:
                return prefix / cli
    if not shutil.which("node"):
        return "no Node.js on this machine"
    npm = shutil.which("npm")
    if not npm:
        return "no npm on this machine to install Lighthouse with"
    prefix = ROOT / ".nox" / "lighthouse"
    install = subprocess.run(
        [
            npm,
            "install",
            "--silent",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(prefix),
            LIGHTHOUSE,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if install.returncode or not (prefix / cli).exists():
        return f"npm could not install {LIGHTHOUSE}: {install.stderr.strip()[-200:]}"
    return prefix / cli


def lighthouse(base: str, chromium: str, pages: dict[str, str]) -> dict:
    """Scores (0 to 100) and the main timings of each page, mobile preset."""
    cli = lighthouse_cli()
    if isinstance(cli, str):
        return {"skipped": cli}
    results: dict = {}
    for page, why in pages.items():
        with tempfile.NamedTemporaryFile(suffix=".json") as report:
            run = subprocess.run(
                [
                    "node",
                    str(cli),
                    f"{base}{page}.html",
                    "--quiet",
                    "--output=json",
                    f"--output-path={report.name}",
                    f"--only-categories={','.join(LIGHTHOUSE_CATEGORIES)}",
                    f"--chrome-flags={' '.join(['--headless=new', *CHROMIUM_FLAGS])}",
                ],
                env={**os.environ, "CHROME_PATH": chromium},
                capture_output=True,
                text=True,
                check=False,
            )
            if run.returncode:
                results[page] = {"why": why, "error": run.stderr.strip()[-300:]}
                continue
            data = json.loads(Path(report.name).read_text())
        categories = data["categories"]
        results[page] = {
            "why": why,
            "scores": {
                name: None
                if categories[name]["score"] is None
                else round(categories[name]["score"] * 100)
                for name in LIGHTHOUSE_CATEGORIES
            },
            "metrics": {
                audit: data["audits"][audit]
                .get("displayValue", "-")
                .replace("\N{NO-BREAK SPACE}", " ")
                for audit in (
                    "first-contentful-paint",
                    "largest-contentful-paint",
                    "total-blocking-time",
                    "cumulative-layout-shift",
                    "speed-index",
                )
                if audit in data["audits"]
            },
            "below_100": sorted(
                audit["id"]
                for audit in data["audits"].values()
                if audit.get("score") is not None
                and audit["score"] < 1
                and audit.get("scoreDisplayMode") in ("binary", "numeric")
            ),
        }
    return results


# -- Other work on the machine --------------------------------------------------

BUSY = ("sphinx", "build_book", "pytest", "weasyprint", "chromium", "lighthouse")


def _ancestors() -> dict[int, int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return parents


# Every process the benchmark starts inherits this mark, including those
# that leave its process tree (Chromium's crash handler is re-parented to
# init), so that none of them is reported as someone else's work.
# one_run() puts it in the environment before starting anything.
RUN_ID = uuid.uuid4().hex
RUN_MARK = f"HANDBOOK_BENCH_RUN={RUN_ID}"


def marked(pid: int) -> bool:
    with contextlib.suppress(OSError):
        return RUN_MARK.encode() in (Path("/proc") / str(pid) / "environ").read_bytes()
    return False


def foreign_busy_processes() -> list[str]:
    """Builds, tests and browsers running on this machine that are not ours:
    not started by this process, and not by a process carrying its mark."""
    mine, parents = os.getpid(), _ancestors()
    found = []
    for pid in parents:
        chain, seen = pid, set()
        while chain and chain not in seen and chain != mine and not marked(chain):
            seen.add(chain)
            chain = parents.get(chain, 0)
        if chain:
            continue
        with contextlib.suppress(OSError):
            command = (Path("/proc") / str(pid) / "cmdline").read_bytes()
            command = command.replace(b"\0", b" ").decode(errors="replace")
            hit = next((word for word in BUSY if word in command), None)
            if hit:
                found.append(hit)
    return found


class LoadWatch:
    """Samples the load average and others' builds every two seconds."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, list[str]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(2.0):
            self.samples.append((os.getloadavg()[0], foreign_busy_processes()))

    def summary(self) -> str:
        self._stop.set()
        self._thread.join()
        if not self.samples:
            return "not sampled"
        busy = [names for _, names in self.samples if names]
        kinds = sorted({name for names in busy for name in names})
        loads = [load for load, _ in self.samples]
        return (
            f"others' {', '.join(kinds) or 'builds'} processes in {len(busy)} of "
            f"{len(self.samples)} samples; 1-minute load {min(loads):.1f} to "
            f"{max(loads):.1f} on {os.cpu_count()} cores"
        )


# -- One run ----------------------------------------------------------------------


def source_state() -> str:
    """The commit measured, and whether the work tree differed from it."""
    commit = git(ROOT, "rev-parse", "--short", "HEAD")
    if not commit:
        return "outside a git checkout"
    changed = git(
        ROOT, "status", "--porcelain", "--", "docs", "scripts", "pyproject.toml"
    ).splitlines()
    if not changed:
        return f"commit {commit}, no uncommitted change to docs/ or scripts/"
    return (
        f"commit {commit} with {len(changed)} uncommitted changes to docs/, "
        "scripts/ or pyproject.toml (measured as they were)"
    )


def one_run(work: Path) -> dict:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    os.environ["HANDBOOK_BENCH_RUN"] = RUN_ID
    watch = LoadWatch()
    run: dict = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "source": source_state(),
    }
    print("bench: live preview", file=sys.stderr, flush=True)
    run["preview"] = measure_preview(work)
    print("bench: floor and clean HTML build", file=sys.stderr, flush=True)
    builds = measure_ratio(work)
    print("bench: whole build", file=sys.stderr, flush=True)
    builds["whole"] = measure_whole_build(work)
    run["builds"] = builds
    floor, html = builds["floor"]["seconds"], builds["html"]["seconds"]
    run["html_ratio_to_floor"] = round(html / floor, 3) if floor and html else None

    site = work / "site" / "html"
    chromium = find_chromium()
    pages = weighed_pages()
    if builds["whole"]["seconds"] is None:
        why = "the whole build failed, so there is no site to load"
        run["pages_skipped"] = why
        run["lighthouse"] = {"skipped": why}
    elif not chromium:
        why = "no Chromium (apt-get install chromium)"
        run["pages_skipped"] = why
        run["lighthouse"] = {"skipped": why}
    else:
        words = word_counts(site, pages)
        server, base = serve(site)
        try:
            print("bench: page weight", file=sys.stderr, flush=True)
            run["pages"] = page_weights(base, chromium, pages)
            for page in run["pages"]:
                page["words"] = words[page["page"]]
            print("bench: Lighthouse", file=sys.stderr, flush=True)
            targets = {"index": "home page"}
            for folder, why in (
                ("chapters", "longest chapter"),
                ("exercises", "longest exercise"),
            ):
                if name := longest(words, folder):
                    targets[name] = why
            run["lighthouse"] = lighthouse(base, chromium, targets)
        finally:
            server.shutdown()
    run["machine_load"] = watch.summary()
    run["budget_misses"] = budget_misses(run)
    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when a budget is missed"
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=1,
        metavar="N",
        help="measure N times in a row (three to four minutes each); "
        "--check then needs every run to meet every budget",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be 1 or more")
    OUT.mkdir(parents=True, exist_ok=True)
    runs = []
    for number in range(1, args.runs + 1):
        if args.runs > 1:
            print(f"bench: run {number} of {args.runs}", file=sys.stderr, flush=True)
        runs.append(one_run(WORK))
    misses = all_misses(runs)
    results = {"budgets": BUDGETS, "runs": runs, "budget_misses": misses}
    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    report = markdown(runs)
    (OUT / "results.md").write_text(report)
    print(report)
    if args.check and misses:
        print("bench: budgets missed:", *misses, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
