"""The benchmark's live preview: seconds from saving a chapter to
sphinx-autobuild serving the page, started as ``nox -s serve`` starts it.

The chapter is saved with a new sentence at its end; afterwards it is put
back byte for byte, or, if someone else saved it meanwhile, their text stays
less our sentence. sphinx-autobuild and the builds it forks run in their own
process group, which is ended by its id.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
# The chapter saved in the live-preview test.
CHAPTER = "chapters/the-cycle"
SAVES = 5


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


def stop_group(process: subprocess.Popen) -> None:
    """End ``process`` and every process in its group, by its id: SIGINT,
    then SIGKILL for whatever is left (the builds it forked)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGINT)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=15)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=15)


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
        with self.log.open("w") as output:
            self.process = subprocess.Popen(
                [*command, *serve_arguments(self.port, work)],
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

    def wait_until_quiet(self, quiet: float, timeout: float) -> None:
        """Until no build has run for ``quiet`` seconds and the site answers."""
        deadline, calm_since = time.monotonic() + timeout, None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"sphinx-autobuild exited with {self.process.returncode} "
                    f"(see {self.log.relative_to(ROOT)})"
                )
            started, finished = self.builds()
            if finished == started + 1 and fetch(self.base + "index.html"):
                calm_since = calm_since or time.monotonic()
                if time.monotonic() - calm_since >= quiet:
                    return
            else:
                calm_since = None
            time.sleep(0.1)
        raise RuntimeError(f"sphinx-autobuild did not settle in {timeout:.0f} s")


def measure_preview(work: Path, poll: float = 0.05, timeout: float = 60.0) -> dict:
    """Median seconds from saving a chapter to sphinx-autobuild serving it."""
    try:
        import sphinx_autobuild  # noqa: F401
    except ImportError:
        return {"skipped": "sphinx-autobuild is not installed (the serve group)"}
    chapter, url = DOCS / f"{CHAPTER}.md", f"{CHAPTER}.html"
    original = chapter.read_text(encoding="utf-8")
    written, suffix, server = original, "", None
    seconds: list[float] = []
    seen: list[float | None] = []
    done: list[float] = []
    result: dict = {"chapter": CHAPTER, "poll_seconds": poll, "seconds": seconds}
    result |= {"change_seen_seconds": seen, "rebuild_done_seconds": done}
    try:
        start = time.perf_counter()
        server = Autobuild(work)
        server.wait_until_quiet(quiet=1.0, timeout=600)
        result["first_build_seconds"] = round(time.perf_counter() - start, 1)
        for save in range(1, SAVES + 1):
            sentence = f"Live preview check {save}, {uuid.uuid4().hex[:12]}."
            suffix = marker_suffix(original, sentence)
            written = original + suffix
            before = server.builds()
            chapter.write_text(written, encoding="utf-8")
            saved, detected = time.perf_counter(), None
            # Served, then where the time went: until sphinx-autobuild saw the
            # change, and until its rebuild ended (the search index and the
            # sitemap come after the page).
            while sentence not in (fetch(server.base + url) or ""):
                if detected is None and server.builds()[0] > before[0]:
                    detected = round(time.perf_counter() - saved, 3)
                if time.perf_counter() - saved > timeout:
                    raise RuntimeError(f"save {save} not served in {timeout:.0f} s")
                time.sleep(poll)
            seconds.append(round(time.perf_counter() - saved, 3))
            while server.builds()[1] <= before[1]:
                if time.perf_counter() - saved > timeout:
                    raise RuntimeError(f"the rebuild after save {save} did not end")
                time.sleep(poll)
            seen.append(detected)
            done.append(round(time.perf_counter() - saved, 3))
            server.wait_until_quiet(quiet=0.5, timeout=120)
    except (RuntimeError, OSError) as error:
        result = {"skipped": f"{type(error).__name__}: {error}"}
    finally:
        try:
            if server:
                stop_group(server.process)
        finally:
            current = chapter.read_text(encoding="utf-8")
            text = restored_text(original, written, current, suffix) if suffix else None
            if text is not None:
                chapter.write_text(text, encoding="utf-8")
            result["restored"] = (
                "yes, byte for byte"
                if chapter.read_text(encoding="utf-8") == original
                else "no: someone else saved the chapter meanwhile; their text was kept"
            )
    if "skipped" not in result:
        result["median"] = median(seconds)
    return result
