"""Benchmark the handbook's builds and pages, in one run on one machine.

Usage (through nox, which installs what it needs)::

    nox -s bench              # measure, write build/bench/results.{json,md}
    nox -s bench -- --check   # ... and exit 1 if a budget is missed

Measured:

- clean HTML build of the handbook, beside the floor: the same pages built by
  bare Sphinx (myst-parser only, default theme, no other extension);
- incremental HTML rebuild after one chapter changes (the live-preview loop);
- the print edition (handbook, chapter and handout PDFs), and Sphinx's LaTeX
  route on the same pages where TeX is installed (the row says when not);
- the whole build (site, PDFs, EPUB) as ``nox -s build`` runs it;
- peak memory (resident set) of each build;
- page weight of the home page and a chapter, as Chromium loads them: bytes
  of HTML, CSS, JS, fonts and images, raw and gzip, and the request count;
- Lighthouse (mobile) scores for the same two pages, where Node.js and
  Chromium are present.

Every figure is measured; nothing is estimated. A step that cannot run here
says why in its row instead of a number.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
OUT = ROOT / "build" / "bench"
STRICT = ["-n", "-W", "--keep-going", "-j", "auto", "-q"]
CHAPTER = "chapters/the-cycle"
REPEAT = 3  # timed builds run this many times; the fastest run counts
LIGHTHOUSE = "lighthouse@12.8.2"
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

BUDGETS = {
    "html_ratio_to_floor": 1.5,
    "incremental_seconds": 1.0,
    "full_build_seconds": 60.0,
    "page_kib": 120.0,
    "page_requests": 10,
    "lighthouse_score": 100,
}

# Runs one sphinx-build in a child and reports its peak memory (the largest
# resident set of the build and of any worker it forked).
MEASURED_BUILD = """
import resource, sys
from sphinx.cmd.build import build_main
code = build_main(sys.argv[1:])
peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
           resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(f"PEAK_KIB={peak}", file=sys.stderr)
sys.exit(code)
"""


@dataclass
class BuildTime:
    name: str
    seconds: float | None
    peak_mib: float | None
    note: str = ""


@dataclass
class PageWeight:
    page: str
    requests: int
    raw_bytes: dict[str, int] = field(default_factory=dict)
    gzip_bytes: dict[str, int] = field(default_factory=dict)

    @property
    def raw_total(self) -> int:
        return sum(self.raw_bytes.values())

    @property
    def gzip_total(self) -> int:
        return sum(self.gzip_bytes.values())


def timed_build(
    name: str, args: list[str], *, repeat: int = 1, before_each=None
) -> BuildTime:
    """Run a build ``repeat`` times and keep the fastest run (as timeit does):
    slower runs measure the machine's other work, not the build."""
    times, peaks = [], []
    for _ in range(repeat):
        if before_each:
            before_each()
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-c", MEASURED_BUILD, *args],
            capture_output=True,
            text=True,
            check=False,
        )
        times.append(time.perf_counter() - start)
        if result.returncode != 0:
            raise SystemExit(f"{name} failed:\n{result.stderr[-3000:]}")
        peaks += [
            int(line.split("=")[1])
            for line in result.stderr.splitlines()
            if line.startswith("PEAK_KIB=")
        ]
    note = f"fastest of {repeat} runs" if repeat > 1 else ""
    peak = max(peaks) if peaks else None
    return BuildTime(
        name, round(min(times), 2), round(peak / 1024, 1) if peak else None, note
    )


def measure_builds(work: Path) -> dict[str, BuildTime]:
    rows: dict[str, BuildTime] = {}

    def clean(*folders: str):
        return lambda: [shutil.rmtree(work / f, ignore_errors=True) for f in folders]

    rows["floor"] = timed_build(
        "floor: bare Sphinx, myst-parser only, default theme",
        # -C: no conf.py. Unknown directives only warn here; the floor is a
        # timing baseline, not a book.
        [
            "-q",
            "-C",
            "-D",
            "extensions=myst_parser",
            "-j",
            "auto",
            "-b",
            "html",
            str(DOCS),
            str(work / "floor"),
        ],
        repeat=REPEAT,
        before_each=clean("floor"),
    )
    html_args = [
        *STRICT,
        "-b",
        "html",
        "-d",
        str(work / "d-html"),
        str(DOCS),
        str(work / "html"),
    ]
    rows["html"] = timed_build(
        "handbook: clean HTML build",
        html_args,
        repeat=REPEAT,
        before_each=clean("html", "d-html"),
    )

    # The live-preview loop: change one chapter, rebuild into the same folder.
    chapter = DOCS / f"{CHAPTER}.md"
    original = chapter.read_text(encoding="utf-8")
    edits = iter(range(1, REPEAT + 1))

    def change_chapter() -> None:
        chapter.write_text(original + "\n" * next(edits), encoding="utf-8")

    try:
        rows["incremental"] = timed_build(
            "incremental HTML rebuild, one chapter changed",
            html_args,
            repeat=REPEAT,
            before_each=change_chapter,
        )
    finally:
        chapter.write_text(original, encoding="utf-8")

    rows["print"] = timed_build(
        "print edition: handbook, chapter and handout PDFs",
        [
            *STRICT,
            "-b",
            "print",
            "-d",
            str(work / "d-print"),
            str(DOCS),
            str(work / "pdf"),
        ],
    )
    rows["epub"] = timed_build(
        "EPUB",
        [
            *STRICT,
            "-b",
            "epub",
            "-d",
            str(work / "d-epub"),
            str(DOCS),
            str(work / "epub"),
        ],
    )
    rows["latex"] = latex_route(work)
    return rows


def latex_route(work: Path) -> BuildTime:
    name = "Sphinx's LaTeX route (latexpdf) on the same pages"
    if not (shutil.which("latexmk") and shutil.which("pdflatex")):
        return BuildTime(
            name, None, None, "skipped: no TeX on this machine (latexmk, pdflatex)"
        )
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-M",
            "latexpdf",
            str(DOCS),
            str(work / "latex"),
            "-q",
        ],
        check=False,
        capture_output=True,
    )
    return BuildTime(name, round(time.perf_counter() - start, 2), None)


def full_build(rows: dict[str, BuildTime], work: Path) -> BuildTime:
    """What nox -s build runs: the three builds and the copy into the site."""
    start = time.perf_counter()
    site = work / "site"
    for builder, folder in (("html", "html"), ("print", "pdf"), ("epub", "epub")):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "sphinx",
                *STRICT,
                "-b",
                builder,
                "-d",
                str(site / ".d" / builder),
                str(DOCS),
                str(site / folder),
            ],
            check=True,
        )
    shutil.copy2(site / "epub" / "emotional-intimacy-handbook.epub", site / "pdf")
    shutil.copytree(site / "pdf", site / "html" / "downloads")
    peak = max(
        (r.peak_mib or 0) for k, r in rows.items() if k in ("html", "print", "epub")
    )
    return BuildTime(
        "whole build: site, PDFs, EPUB (as nox -s build)",
        round(time.perf_counter() - start, 2),
        peak,
        "peak is the largest of the three builds",
    )


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
    gzip text files), so that Lighthouse sees the bytes a reader downloads.
    Page weight is still counted raw: the browser reports decoded bodies."""

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
        ("127.0.0.1", 0), functools.partial(_Host, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def kind_of(url: str, content_type: str) -> str:
    path = url.split("?")[0]
    for kind, endings in (
        ("html", (".html", "/")),
        ("css", (".css",)),
        ("js", (".js",)),
        ("fonts", (".woff2", ".woff", ".ttf")),
        ("images", (".png", ".svg", ".jpg", ".webp", ".ico")),
    ):
        if path.endswith(endings):
            return kind
    return "other" if "html" not in content_type else "html"


def weighed_pages() -> list[str]:
    """The home page and every chapter: each must meet the page budget."""
    chapters = sorted(
        f"chapters/{path.stem}" for path in (DOCS / "chapters").glob("*.md")
    )
    return ["index", *chapters]


def page_weights(base: str, chromium: str) -> list[PageWeight]:
    from playwright.sync_api import sync_playwright

    weights = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=CHROMIUM_FLAGS[1:]
        )
        for page_name in weighed_pages():
            context = browser.new_context(viewport={"width": 390, "height": 844})
            page = context.new_page()
            responses = []
            page.on("response", lambda response, sink=responses: sink.append(response))
            page.goto(f"{base}{page_name}.html", wait_until="networkidle")
            weight = PageWeight(page=f"{page_name}.html", requests=len(responses))
            for response in responses:
                body = response.body()
                kind = kind_of(response.url, response.headers.get("content-type", ""))
                weight.raw_bytes[kind] = weight.raw_bytes.get(kind, 0) + len(body)
                weight.gzip_bytes[kind] = weight.gzip_bytes.get(kind, 0) + len(
                    gzip.compress(body, 9)
                )
            weights.append(weight)
            context.close()
        browser.close()
    return weights


def lighthouse(base: str, chromium: str) -> dict[str, dict[str, int] | str]:
    npm = shutil.which("npm")
    if not npm or not shutil.which("node"):
        return {"skipped": "no Node.js/npm on this machine"}
    prefix = ROOT / ".nox" / "lighthouse"
    cli = prefix / "node_modules" / "lighthouse" / "cli" / "index.js"
    if not cli.exists():
        subprocess.run(
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
            check=True,
        )
    scores: dict[str, dict[str, int] | str] = {}
    for page_name in ("index", CHAPTER):
        with tempfile.NamedTemporaryFile(suffix=".json") as report:
            subprocess.run(
                [
                    "node",
                    str(cli),
                    f"{base}{page_name}.html",
                    "--quiet",
                    "--output=json",
                    f"--output-path={report.name}",
                    "--only-categories=performance,accessibility,best-practices,seo",
                    f"--chrome-flags={' '.join(['--headless=new', *CHROMIUM_FLAGS])}",
                ],
                env={**os.environ, "CHROME_PATH": chromium},
                check=True,
                capture_output=True,
            )
            data = json.loads(Path(report.name).read_text())
        scores[f"{page_name}.html"] = {
            name: round(category["score"] * 100)
            for name, category in data["categories"].items()
        }
    return scores


# -- Report ---------------------------------------------------------------------


def budget_misses(results: dict) -> list[str]:
    misses = []
    builds = results["builds"]
    ratio = results["html_ratio_to_floor"]
    if ratio > BUDGETS["html_ratio_to_floor"]:
        misses.append(
            f"clean HTML build is {ratio:.2f}x the floor (budget {BUDGETS['html_ratio_to_floor']}x)"
        )
    if builds["incremental"]["seconds"] > BUDGETS["incremental_seconds"]:
        misses.append(
            f"incremental rebuild took {builds['incremental']['seconds']} s (budget 1.0 s)"
        )
    if builds["full"]["seconds"] > BUDGETS["full_build_seconds"]:
        misses.append(f"whole build took {builds['full']['seconds']} s (budget 60 s)")
    for weight in results["pages"]:
        kib = sum(weight["raw_bytes"].values()) / 1024
        if kib > BUDGETS["page_kib"]:
            misses.append(f"{weight['page']} weighs {kib:.1f} KiB (budget 120 KiB)")
        if weight["requests"] > BUDGETS["page_requests"]:
            misses.append(
                f"{weight['page']} makes {weight['requests']} requests (budget 10)"
            )
    scores = results["lighthouse"]
    if "skipped" in scores:
        misses.append(f"Lighthouse not run: {scores['skipped']}")
    else:
        for page, categories in scores.items():
            for category, score in categories.items():
                if score < BUDGETS["lighthouse_score"]:
                    misses.append(
                        f"Lighthouse {category} on {page}: {score} (budget 100)"
                    )
    if "skipped" in results.get("pages_note", {}):
        misses.append(f"page weight not measured: {results['pages_note']['skipped']}")
    return misses


def markdown(results: dict) -> str:
    lines = [
        f"Measured {results['when']} on {results['machine']}.",
        "",
        "| build | seconds | peak memory (MiB) | note |",
        "| --- | ---: | ---: | --- |",
    ]
    for row in results["builds"].values():
        seconds = "-" if row["seconds"] is None else f"{row['seconds']:.2f}"
        peak = "-" if row["peak_mib"] is None else f"{row['peak_mib']:.0f}"
        lines.append(f"| {row['name']} | {seconds} | {peak} | {row['note']} |")
    lines += [
        "",
        f"Clean HTML build / floor: **{results['html_ratio_to_floor']:.2f}x** (budget 1.5x or less).",
        "",
        "| page (390 px) | requests | HTML | CSS | JS | fonts | images | total raw | total gzip |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for weight in results["pages"]:
        raw, gz = weight["raw_bytes"], weight["gzip_bytes"]
        cells = [
            f"{raw.get(k, 0) / 1024:.1f}"
            for k in ("html", "css", "js", "fonts", "images")
        ]
        lines.append(
            f"| {weight['page']} | {weight['requests']} | "
            + " | ".join(cells)
            + f" | {sum(raw.values()) / 1024:.1f} KiB | {sum(gz.values()) / 1024:.1f} KiB |"
        )
    lines += [
        "",
        "| Lighthouse (mobile) | performance | accessibility | best practices | SEO |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    scores = results["lighthouse"]
    if "skipped" in scores:
        lines.append(f"| {scores['skipped']} | - | - | - | - |")
    else:
        for page, s in scores.items():
            lines.append(
                f"| {page} | {s['performance']} | {s['accessibility']} | {s['best-practices']} | {s['seo']} |"
            )
    misses = results["budget_misses"]
    lines += [
        "",
        "Budgets: "
        + ("all met." if not misses else "missed: " + "; ".join(misses) + "."),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when a budget is missed"
    )
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="handbook-bench-") as tmp:
        work = Path(tmp)
        rows = measure_builds(work)
        rows["full"] = full_build(rows, work)
        results: dict = {
            "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
            "builds": {key: asdict(row) for key, row in rows.items()},
            "html_ratio_to_floor": rows["html"].seconds / rows["floor"].seconds,
        }
        chromium = find_chromium()
        if chromium:
            server, base = serve(work / "site" / "html")
            try:
                results["pages"] = [asdict(w) for w in page_weights(base, chromium)]
                results["lighthouse"] = lighthouse(base, chromium)
            finally:
                server.shutdown()
        else:
            results["pages"] = []
            results["pages_note"] = {
                "skipped": "no Chromium (apt-get install chromium)"
            }
            results["lighthouse"] = {
                "skipped": "no Chromium (apt-get install chromium)"
            }
    results["budget_misses"] = budget_misses(results)
    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    table = markdown(results)
    (OUT / "results.md").write_text(table)
    print(table)
    return 1 if args.check and results["budget_misses"] else 0


if __name__ == "__main__":
    sys.exit(main())
