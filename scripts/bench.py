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
  site, every PDF, the EPUB, the downloads, in English and in Spanish), from
  clean, at most 40 s (issue 23; 30 s for English alone before);
- the first view of the home page and of every chapter and exercise page, in
  both languages, at phone width: at most 60 KiB on the wire (text gzipped as the host serves
  it, fonts and images as they are) and at most 10 requests;
- Lighthouse, at the version locked in requirements/npm, mobile: 100 in
  performance, accessibility, best practices and SEO on the home page, the
  longest chapter, the longest exercise and the longest Spanish chapter;
- the search (issue 24): Sphinx's index and the handbook's search data at
  most 64 KiB gzipped, and at most 1 s from opening the search page (phone
  width, empty cache) to its first result;
- a guard, not a target: the clean HTML build at most 2.0x the floor, the
  same pages built by bare Sphinx (myst-parser only, default theme).

The live preview is measured by ``bench_preview.py``, page weight and
Lighthouse by ``bench_pages.py``; this module builds, judges and reports.
Every figure is measured; nothing is estimated. ``budgets()`` judges a run
once, into one list of records (budget, limit, measured, misses) that
``--check``, the budget table and the summary of several runs all read; a
step that cannot run here says why in its record and counts as a miss. The
load average before and after each run stands beside the figures.
Everything is built under ``build/bench/work`` (never ``build/html``,
``build/pdf`` or ``build/epub``); the chapter saved for the live preview is
restored exactly.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import build_book  # puts docs/_ext on the path, for edition
from bench_pages import LIGHTHOUSE_CATEGORIES, LIGHTHOUSE_METRICS, measure_pages
from bench_preview import measure_preview, median
from edition import git

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
OUT = ROOT / "build" / "bench"
WORK = OUT / "work"
# The floor and the clean HTML build run this many times each, alternately,
# and the fastest of each counts (as timeit does): slower runs measure the
# machine's other work, and alternating spreads that work over both.
RATIO_REPEAT = 3
STRICT = build_book.STRICT  # as the nox sessions build
BUDGETS = {
    "preview_median_seconds": 1.5,
    "whole_build_seconds": 40.0,
    "page_wire_kib": 60.0,
    "page_requests": 10,
    "lighthouse_score": 100,
    "html_ratio_to_floor": 2.0,
    "search_index_kib": 64.0,
    "search_first_result_seconds": 1.0,
}


# -- The judgement: one list of budget records ---------------------------------

# Each budget's name in the table, its column in the summary of several runs
# and the unit of its figures. A figure must be at most its limit, except
# Lighthouse's scores, which must be at least theirs.
BUDGET_NAMES = {
    "preview_median_seconds": ("live preview, save to served", "live preview", " s"),
    "whole_build_seconds": ("whole build: site, PDFs, EPUB", "whole build", " s"),
    "page_wire_kib": ("first view on the wire", "heaviest page", " KiB"),
    "page_requests": ("requests of a first view", "most requests", ""),
    "lighthouse_score": ("Lighthouse mobile", "lowest Lighthouse", ""),
    "html_ratio_to_floor": ("guard: HTML build / bare Sphinx", "HTML / floor", "x"),
    "search_index_kib": ("search index and data, gzipped", "search index", " KiB"),
    "search_first_result_seconds": (
        "search: open to first result",
        "first result",
        " s",
    ),
}
AT_LEAST = {"lighthouse_score"}

Figures = list[tuple[str, float | None]]


@dataclass(frozen=True)
class Budget:
    """One budget of one run; met when nothing was missed."""

    name: str
    short: str  # its column in the summary of several runs
    limit: str
    measured: str
    misses: list[str] = field(default_factory=list)


def figures(run: dict) -> dict[str, Figures | str]:
    """What each budget judges: (what, figure) pairs, or why there are none."""
    found: dict[str, Figures | str] = {}
    preview = run.get("preview", {})
    found["preview_median_seconds"] = preview.get("skipped") or [
        (f"median of {len(preview['seconds'])} saves", preview["median"])
    ]
    whole = run.get("builds", {}).get("whole", {})
    found["whole_build_seconds"] = (
        [("from clean", whole["seconds"])]
        if whole.get("seconds") is not None
        else whole.get("note") or "no row"
    )
    pages = run.get("pages") or run.get("pages_skipped", "no pages")
    found["page_wire_kib"] = found["page_requests"] = pages
    if not isinstance(pages, str):
        found["page_wire_kib"] = [(p["page"], p["wire_total"] / 1024) for p in pages]
        found["page_requests"] = [(p["page"], p["requests"]) for p in pages]
    scores = run.get("lighthouse", {})
    found["lighthouse_score"] = scores.get("skipped") or [
        (f"{page}: {result['error']}", None)
        if "error" in result
        else (f"{category} on {page}", result["scores"].get(category))
        for page, result in scores.items()
        for category in LIGHTHOUSE_CATEGORIES[: 1 if "error" in result else None]
    ]
    ratio = run.get("html_ratio_to_floor")
    found["html_ratio_to_floor"] = (
        [("clean HTML build / floor", ratio)] if ratio is not None else "a build failed"
    )
    search = run.get("search") or run.get("pages_skipped") or "no search measured"
    found["search_index_kib"] = found["search_first_result_seconds"] = search
    if not isinstance(search, str):
        found["search_index_kib"] = [
            (
                " and ".join(search["gzip_bytes"]),
                sum(search["gzip_bytes"].values()) / 1024,
            )
        ]
        found["search_first_result_seconds"] = [
            (repr(query), seconds)
            for query, seconds in search["first_result_seconds"].items()
        ]
    return found


def shown(value: float | None, unit: str) -> str:
    if value is None:
        return "none"
    return f"{value:.2f}{unit}" if isinstance(value, float) else f"{value}{unit}"


def budgets(run: dict, limits: dict = BUDGETS) -> list[Budget]:
    """Judge ``run`` once: every budget, its worst figure and every miss. A
    step that did not run, or gave no figure, is a miss that says why."""
    records = []
    for key, found in figures(run).items():
        name, short, unit = BUDGET_NAMES[key]
        limit, sign = limits[key], -1 if key in AT_LEAST else 1
        bound = f"{'at least' if sign < 0 else 'at most'} {limit}{unit}"
        if isinstance(found, str) or not found:
            why = found or "no figure"
            misses = [f"{name}: not run: {why}"]
            records.append(Budget(name, short, bound, f"not run: {why}", misses))
            continue

        def badness(figure: tuple[str, float | None], sign: int = sign) -> float:
            return float("inf") if figure[1] is None else sign * figure[1]

        what, worst = max(found, key=badness)
        measured = shown(worst, unit) + (f" ({what})" if len(found) > 1 else "")
        misses = [
            f"{name}: {what} {shown(value, unit)} ({bound})"
            for what, value in found
            if badness((what, value)) > sign * limit
        ]
        records.append(Budget(name, short, bound, measured, misses))
    return records


def run_misses(run: dict) -> list[str]:
    """Every miss of a judged run, read from its records."""
    return [miss for record in run["budgets"] for miss in record["misses"]]


def all_misses(runs: list[dict]) -> list[str]:
    if len(runs) == 1:
        return run_misses(runs[0])
    return [f"run {n}: {m}" for n, run in enumerate(runs, 1) for m in run_misses(run)]


# -- The report (from the records) ---------------------------------------------


def _kib(size: float) -> str:
    return f"{size / 1024:.1f}"


def budget_table(run: dict) -> list[str]:
    lines = ["| budget | limit | measured | |", "| --- | ---: | ---: | --- |"]
    for r in run["budgets"]:
        verdict = "**missed**" if r["misses"] else "met"
        lines.append(f"| {r['name']} | {r['limit']} | {r['measured']} | {verdict} |")
    return lines


def summary_table(runs: list[dict]) -> list[str]:
    """One row a run: each budget's measured value, and its misses."""
    shorts = [r["short"] for r in runs[0]["budgets"]]
    lines = [
        "| run | " + " | ".join(shorts) + " | misses |",
        "| ---: |" + " ---: |" * (len(shorts) + 1),
    ]
    for number, run in enumerate(runs, 1):
        # The worst figure alone, without what it was measured on.
        cells = [r["measured"].split(" (")[0] for r in run["budgets"]]
        lines.append(f"| {number} | {' | '.join(cells)} | {len(run_misses(run))} |")
    return lines


def page_table(pages: list[dict]) -> list[str]:
    """One row a page: words, requests, KiB on the wire by kind and in all."""
    kinds = ("html", "css", "js", "fonts", "images")
    lines = [
        "| page (390 px) | words | requests | HTML | CSS | JS | fonts | images "
        "| on the wire | decoded |",
        "| --- |" + " ---: |" * 9,
    ]
    for p in pages:
        cells = " | ".join(_kib(p["wire_bytes"].get(k, 0)) for k in kinds)
        lines.append(
            f"| {p['page']} | {p.get('words', '-')} | {p['requests']} | {cells} | "
            f"**{_kib(p['wire_total'])} KiB** | {_kib(p['decoded_total'])} KiB |"
        )
    return lines


def preview_text(preview: dict) -> str:
    if "skipped" in preview:
        return f"Not measured: {preview['skipped']}."
    seen = [s for s in preview.get("change_seen_seconds", []) if s is not None]
    done = preview.get("rebuild_done_seconds", [])
    where = (
        f"Medians: sphinx-autobuild started rebuilding {median(seen):.2f} s "
        f"after the save, and its rebuild ended {median(done):.2f} s after it. "
        if seen and done
        else ""
    )
    return (
        "sphinx-autobuild with the arguments of `nox -s serve`; "
        f"`{preview['chapter']}.md` saved {len(preview['seconds'])} times, each "
        "time with a new sentence at its end, and the page polled every "
        f"{preview['poll_seconds']} s until the sentence was served. Seconds "
        "from save to served: "
        + ", ".join(f"{s:.2f}" for s in preview["seconds"])
        + f"; median **{preview['median']:.2f} s**. {where}First build "
        f"{preview['first_build_seconds']:.1f} s. "
        f"Chapter restored: {preview['restored']}."
    )


def load_text(load: dict) -> str:
    """The 1-, 5- and 15-minute load averages before and after a run."""
    if not load:
        return "load not recorded"
    before, after = (
        " / ".join(f"{v:.2f}" for v in load[when]) for when in ("before", "after")
    )
    return (
        f"load average (1 / 5 / 15 minutes) {before} before the run and "
        f"{after} after it, on {load['cores']} cores"
    )


def run_details(run: dict) -> list[str]:
    misses = run_misses(run)
    lines = [
        f"Measured {run['when']} on {run['machine']}, "
        f"from {run.get('source', 'an unknown commit')}; "
        f"{load_text(run.get('load', {}))}.",
        "",
        *budget_table(run),
        "",
        "Budgets: " + ("missed: " + "; ".join(misses) if misses else "all met") + ".",
        "",
        "### Live preview",
        "",
        preview_text(run.get("preview", {})),
        "",
        "### Builds",
        "",
        "| build | seconds | peak memory (MiB) | note |",
        "| --- | ---: | ---: | --- |",
    ]
    for row in run["builds"].values():
        seconds = "-" if row["seconds"] is None else f"{row['seconds']:.2f}"
        peak = "-" if row.get("peak_mib") is None else f"{row['peak_mib']:.0f}"
        lines.append(f"| {row['name']} | {seconds} | {peak} | {row['note']} |")
        for step, seconds in row.get("steps", {}).items():
            lines.append(f"| &nbsp;&nbsp;of which {step} | {seconds:.2f} | | |")
    lines += ["", "### Pages, first view", ""]
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
        "### Lighthouse, mobile",
        "",
        "| page | performance | accessibility | best practices | SEO "
        "| FCP | LCP | TBT | CLS |",
        "| --- |" + " ---: |" * 8,
    ]
    for page, result in run.get("lighthouse", {}).items():
        if page == "skipped" or "error" in result:
            why = f"not run: {result}" if page == "skipped" else f"{page}: failed"
            lines.append(f"| {why} |" + " |" * 8)
            continue
        cells = [str(result["scores"].get(c)) for c in LIGHTHOUSE_CATEGORIES]
        cells += [result.get("metrics", {}).get(k, "-") for k in LIGHTHOUSE_METRICS]
        lines.append(f"| {page} ({result.get('why', '')}) | {' | '.join(cells)} |")
    return lines


def markdown(runs: list[dict]) -> str:
    """results.md: the budgets of every run, then the last run in full."""
    lines = ["# Handbook benchmark", ""]
    if len(runs) > 1:
        lines += [f"{len(runs)} runs in a row; every run must meet every budget."]
        lines += ["", *summary_table(runs), "", f"## Run {len(runs)} in full", ""]
    lines += run_details(runs[-1])
    misses = all_misses(runs)
    verdict = "Missed:\n\n" + "\n".join(f"- {m}" for m in misses)
    lines += ["", "## Verdict", "", verdict if misses else "All budgets met."]
    return "\n".join(lines) + "\n"


# -- Builds ---------------------------------------------------------------------


def run_measured(command: list[str], log: Path) -> tuple[float, float, int]:
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
        # -C: no conf.py. Unknown directives only warn here; the floor is a
        # timing baseline, not a book.
        "floor": ["-q", "-C", "-D", "extensions=myst_parser", "-j", "auto"],
        "html": STRICT,
    }
    names = {
        "floor": "floor: bare Sphinx, myst-parser only, default theme",
        "html": "handbook: clean HTML build",
    }
    times: dict[str, list[float]] = {key: [] for key in commands}
    peaks: dict[str, list[float]] = {key: [] for key in commands}
    notes: dict[str, str] = {}
    for attempt in range(1, RATIO_REPEAT + 1):
        for key, flags in commands.items():
            if key in notes:
                continue
            doctrees = work / f"{key}-doctrees"
            for folder in (work / key, doctrees):
                shutil.rmtree(folder, ignore_errors=True)
            log = work / "logs" / f"{key}-{attempt}.log"
            command = [sys.executable, "-m", "sphinx", "build", *flags, "-b", "html"]
            command += ["-d", str(doctrees), str(DOCS), str(work / key)]
            seconds, peak, code = run_measured(command, log)
            if code:
                notes[key] = failure_note(log)
                continue
            times[key].append(seconds)
            peaks[key].append(peak)
    return {
        key: {
            "name": names[key],
            "seconds": round(min(times[key]), 2) if times[key] else None,
            "all_seconds": [round(t, 2) for t in times[key]],
            "peak_mib": max(peaks[key], default=None),
            "note": notes.get(key, f"fastest of {len(times[key])}, clean each time"),
        }
        for key in commands
    }


def measure_whole_build(work: Path) -> dict:
    """``python scripts/build_book.py <folder>`` from clean, as nox -s build,
    with the seconds of each of its steps (its ``--timings``)."""
    site, timings = work / "site", work / "whole-build-timings.json"
    shutil.rmtree(site, ignore_errors=True)
    log = work / "logs" / "whole-build.log"
    script = str(ROOT / "scripts" / "build_book.py")
    command = [sys.executable, script, str(site), "--timings", str(timings)]
    seconds, peak, code = run_measured(command, log)
    row = {
        "name": "whole build from clean: site, PDFs, EPUB (scripts/build_book.py)",
        "seconds": None if code else round(seconds, 2),
        "peak_mib": peak,
        "note": failure_note(log) if code else "one run, no doctrees at the start",
    }
    if not code:
        steps = json.loads(timings.read_text())
        row["steps"] = {
            ("downloads and publishing" if k == "publish" else f"{k} build"): v
            for k, v in steps.items()
        }
        row["steps"]["start-up"] = round(seconds - sum(steps.values()), 2)
    return row


# -- One run --------------------------------------------------------------------


def source_state() -> str:
    """The commit measured, and whether the work tree differed from it."""
    commit = git(ROOT, "rev-parse", "--short", "HEAD")
    if not commit:
        return "outside a git checkout"
    paths = ("docs", "scripts", "pyproject.toml")
    changed = git(ROOT, "status", "--porcelain", "--", *paths).splitlines()
    if not changed:
        return f"commit {commit}, no uncommitted change to docs/ or scripts/"
    return (
        f"commit {commit} with {len(changed)} uncommitted changes to docs/, "
        "scripts/ or pyproject.toml (measured as they were)"
    )


def one_run(work: Path) -> dict:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    run: dict = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "source": source_state(),
        "load": {"before": os.getloadavg(), "cores": os.cpu_count()},
    }
    print("bench: live preview", file=sys.stderr, flush=True)
    run["preview"] = measure_preview(work)
    print("bench: floor and clean HTML build", file=sys.stderr, flush=True)
    builds = run["builds"] = measure_ratio(work)
    print("bench: whole build", file=sys.stderr, flush=True)
    builds["whole"] = measure_whole_build(work)
    floor, html = builds["floor"]["seconds"], builds["html"]["seconds"]
    run["html_ratio_to_floor"] = round(html / floor, 3) if floor and html else None
    measure_pages(run, work / "site" / "html")
    run["load"]["after"] = os.getloadavg()
    run["budgets"] = [asdict(record) for record in budgets(run)]
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
