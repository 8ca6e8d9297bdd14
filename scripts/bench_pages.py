"""The benchmark's pages: each page's first view in Chromium at phone
width (requests, bytes on the wire), and Lighthouse's scores.

The site is served from a local server that gzips text as the host does.
Chromium is the system's, never a download; Lighthouse is only the copy that
``npm ci --ignore-scripts`` installed from requirements/npm (``nox -s bench``
runs it), never installed another way.
"""

from __future__ import annotations

import contextlib
import gzip
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from pathlib import Path
from urllib.parse import quote_plus

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
NPM_TOOLS = ROOT / "requirements" / "npm"
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
LIGHTHOUSE_METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
)


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


def lighthouse_cli(tools: Path = NPM_TOOLS) -> Path | str:
    """Lighthouse's CLI as `npm ci` installed it from requirements/npm, at
    the version its package-lock.json names, or why it cannot run."""
    lock = json.loads((tools / "package-lock.json").read_text())
    locked = lock["packages"]["node_modules/lighthouse"]["version"]
    package = tools / "node_modules" / "lighthouse" / "package.json"
    with contextlib.suppress(OSError, ValueError):
        if json.loads(package.read_text())["version"] == locked:
            if shutil.which("node"):
                return package.parent / "cli" / "index.js"
            return "no Node.js on this machine"
    return (
        f"Lighthouse {locked} is not installed from requirements/npm "
        "(nox -s bench runs `npm ci --ignore-scripts` there, with npm)"
    )


def lighthouse(base: str, chromium: str, pages: dict[str, str]) -> dict:
    """Scores (0 to 100) and the main timings of each page, mobile preset."""
    cli = lighthouse_cli()
    if isinstance(cli, str):
        return {"skipped": cli}
    chrome_flags = " ".join(["--headless=new", *CHROMIUM_FLAGS])
    results: dict = {}
    for page, why in pages.items():
        with tempfile.NamedTemporaryFile(suffix=".json") as report:
            command = ["node", str(cli), f"{base}{page}.html", "--quiet"]
            command += ["--output=json", f"--output-path={report.name}"]
            command += [f"--only-categories={','.join(LIGHTHOUSE_CATEGORIES)}"]
            command += [f"--chrome-flags={chrome_flags}"]
            run = subprocess.run(
                command,
                env={**os.environ, "CHROME_PATH": chromium},
                capture_output=True,
                text=True,
                check=False,
            )
            if run.returncode:
                results[page] = {"why": why, "error": run.stderr.strip()[-300:]}
                continue
            data = json.loads(Path(report.name).read_text())
        audits = data["audits"]
        results[page] = {
            "why": why,
            "scores": {
                name: None if score is None else round(score * 100)
                for name in LIGHTHOUSE_CATEGORIES
                for score in [data["categories"][name]["score"]]
            },
            "metrics": {
                name: audits[name].get("displayValue", "-").replace("\xa0", " ")
                for name in LIGHTHOUSE_METRICS
                if name in audits
            },
            "below_100": sorted(
                a["id"]
                for a in audits.values()
                if a.get("score") is not None
                and a["score"] < 1
                and a.get("scoreDisplayMode") in ("binary", "numeric")
            ),
        }
    return results


# Searches timed from an empty cache to the first result (issue 24).
SEARCHES = ["he shuts down", "my husband cheated on me", "kill myself"]
# What the search page loads besides what every page loads: Sphinx's index
# and the handbook's search data (docs/_ext/search_terms.py).
SEARCH_FILES = ["searchindex.js", "_static/search-terms.js"]


def search_figures(site: Path, base: str, chromium: str) -> dict:
    """The search's index and data as the host sends them (gzipped), and
    seconds from opening the search page to its first result, in Chromium
    at phone width with an empty cache."""
    from playwright.sync_api import sync_playwright

    sizes = {
        name: len(gzip.compress((site / name).read_bytes(), 6))
        for name in SEARCH_FILES
        if (site / name).is_file()
    }
    seconds = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=CHROMIUM_FLAGS[1:]
        )
        for query in SEARCHES:
            context = browser.new_context(viewport={"width": 390, "height": 844})
            page = context.new_page()
            start = time.perf_counter()
            page.goto(f"{base}search.html?q={quote_plus(query)}", wait_until="commit")
            page.wait_for_selector("#search-results ul.search > li > a", timeout=10_000)
            seconds[query] = time.perf_counter() - start
            context.close()
        browser.close()
    return {"gzip_bytes": sizes, "first_result_seconds": seconds}


def measure_pages(run: dict, site: Path) -> None:
    """Page weight and Lighthouse on the site of the whole build."""
    chromium, pages = find_chromium(), weighed_pages()
    # The Spanish edition's same pages, which must meet the same budgets.
    pages += [f"es/{page}" for page in pages if (site / "es").is_dir()]
    why = None if chromium else "no Chromium (apt-get install chromium)"
    if run["builds"]["whole"]["seconds"] is None:
        why = "the whole build failed, so there is no site to load"
    if why:
        run["pages_skipped"], run["lighthouse"] = why, {"skipped": why}
        return
    words = word_counts(site, pages)
    server, base = serve(site)
    try:
        print("bench: page weight", file=sys.stderr, flush=True)
        run["pages"] = page_weights(base, chromium, pages)
        print("bench: search", file=sys.stderr, flush=True)
        run["search"] = search_figures(site, base, chromium)
        for page in run["pages"]:
            page["words"] = words[page["page"]]
        print("bench: Lighthouse", file=sys.stderr, flush=True)
        targets = {"index": "home page"}
        for folder, why in (("chapters", "chapter"), ("exercises", "exercise")):
            if name := longest(words, folder):
                targets[name] = f"longest {why}"
        if name := longest(words, "es/chapters"):
            targets[name] = "longest chapter, in Spanish"
        run["lighthouse"] = lighthouse(base, chromium, targets)
    finally:
        server.shutdown()
