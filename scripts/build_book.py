"""Build the whole handbook (website, PDFs, EPUB) and publish it in one step.

Usage (``nox -s build`` runs this; the benchmark runs it into its own folder)::

    python scripts/build_book.py [OUT] [--only html|print|epub] [--timings FILE]
                                 [-D name=value ...]

Every build goes into one staging folder, ``OUT/.staging``: the website, the
print edition, the EPUB, and the copies of the PDFs and the EPUB that the
site links to (``html/downloads``), for each language of
``handbook_languages`` in ``conf.py``: the source language at the root, each
translation in its folder (``html/es/``, ``pdf/es/``, ``epub/es/``), each
translation built beside the English in a process of its own. Only when all of them succeeded does the
staging folder replace ``OUT/html``, ``OUT/pdf`` and ``OUT/epub``; after a
failure the last good build stays where it was, whole, and the script exits
non-zero.

Every date in the output (the PDFs' edition, the EPUB's date, ``today``) is
the last commit's time, through ``SOURCE_DATE_EPOCH``, so two builds of one
commit are byte-identical. Arguments after OUT go to every sphinx-build.
``--timings FILE`` writes the seconds of each step as JSON (the benchmark
reads it).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS / "_ext"))
from edition import commit_epoch  # noqa: E402

# Strict: -n reports every broken reference, -W makes warnings errors,
# --keep-going lists all of them first; -j auto reads pages in parallel.
STRICT = ["-n", "-W", "--keep-going", "-j", "auto", "-q"]
# (builder, folder) in the order they run.
STEPS = (("html", "html"), ("print", "pdf"), ("epub", "epub"))


def languages() -> dict[str, str]:
    """Each language's code and folder, from conf.py (the source first)."""
    import runpy

    conf = runpy.run_path(str(DOCS / "conf.py"))
    languages = conf.get("handbook_languages", {"en": {"folder": ""}})
    return {code: entry["folder"] for code, entry in languages.items()}


def build_language(
    out: Path,
    into: Path,
    language: str,
    steps: list[tuple[str, str]],
    extra: list[str],
    timings: dict[str, float],
    source: str = "en",
) -> int:
    """One language's builders, one after the other, into ``into/<folder>``.
    One environment for them: the pages are read once, by the first build,
    and the others reuse what it read (no extension reads a page differently
    for another builder; they differ only when writing)."""
    import sphinx.locale
    from sphinx.cmd.build import build_main

    doctrees = out / ".doctrees" / f"book-{language}"
    for builder, folder in steps:
        start = time.perf_counter()
        # Sphinx keeps the translations it loaded in one dictionary for the
        # whole process and adds a new language's to them: each build starts
        # from none (as Sphinx's own test apps do), or an English build after
        # a Spanish one would print Spanish.
        sphinx.locale.translators.clear()
        code = build_main(
            [
                *STRICT,
                "-b",
                builder,
                "-d",
                str(doctrees),
                "-D",
                f"language={language}",
                *extra,
                str(DOCS),
                str(into / folder),
            ]
        )
        sphinx.locale.translators.clear()
        name = builder if language == source else f"{builder}-{language}"
        timings[name] = round(time.perf_counter() - start, 3)
        if code:
            print(
                f"The {builder} build ({language}) failed (see above).", file=sys.stderr
            )
            return code
    return 0


def build_book(
    out: Path,
    extra: list[str],
    only: str | None = None,
    timings: dict[str, float] | None = None,
) -> int:
    """Build everything (or the ``only`` builder: html, print or epub) into
    ``out/.staging``; publish only if all succeeded. ``timings``, if given,
    receives the seconds of each builder and of the publishing step."""
    timings = {} if timings is None else timings

    epoch = os.environ.get("SOURCE_DATE_EPOCH") or commit_epoch(ROOT)
    if epoch:
        os.environ["SOURCE_DATE_EPOCH"] = epoch
    staging = out / ".staging"
    shutil.rmtree(staging, ignore_errors=True)
    steps = [(b, f) for b, f in STEPS if only in (None, b)]
    folders = languages()
    # Each translation is built at the same time as the English, in a
    # process of its own and a staging folder of its own (the two share the
    # machine's cores: one waits on the other's serial steps), then moved
    # into its folder of the site.
    children = {
        language: subprocess.Popen(
            [
                sys.executable,
                __file__,
                str(out),
                "--language",
                language,
                "--docs",
                str(DOCS),
                *(["--only", only] if only else []),
                *extra,
            ]
        )
        for language in list(folders)[1:]
    }
    source = next(iter(folders))
    code = build_language(out, staging, source, steps, extra, timings, source)
    for language, child in children.items():
        code = child.wait() or code
        timings_file = staging / f".{language}" / "timings.json"
        if timings_file.is_file():
            timings.update(json.loads(timings_file.read_text()))
    if code:
        print(
            f"A build failed (see above); nothing was published and {out} keeps "
            "the last good build.",
            file=sys.stderr,
        )
        return code
    for language, sub in list(folders.items())[1:]:
        own = staging / f".{language}"
        for _, folder in steps:
            (own / folder).rename(staging / folder / sub.rstrip("/"))
        shutil.rmtree(own)
    start = time.perf_counter()
    if only is None:  # each site carries the PDFs and the EPUB it links to
        others = {sub.rstrip("/") for sub in folders.values() if sub}
        for sub in folders.values():
            pdf, html = staging / "pdf" / sub, staging / "html" / sub
            for epub in (staging / "epub" / sub).glob("*.epub"):
                shutil.copy2(epub, pdf / epub.name)
            shutil.copytree(
                pdf, html / "downloads", ignore=lambda d, names: others & set(names)
            )
    for _, folder in steps:
        shutil.rmtree(out / folder, ignore_errors=True)
        (staging / folder).rename(out / folder)
    staging.rmdir()
    timings["publish"] = round(time.perf_counter() - start, 3)
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "build"))
    parser.add_argument(
        "--only",
        choices=[builder for builder, _ in STEPS],
        help="build and publish only this one (the html, pdf and epub sessions)",
    )
    parser.add_argument(
        "--timings", metavar="FILE", help="write each step's seconds here, as JSON"
    )
    parser.add_argument("--language", help=argparse.SUPPRESS)  # one translation
    parser.add_argument("--docs", help=argparse.SUPPRESS)
    args, extra = parser.parse_known_args(argv)
    out = Path(args.out)
    timings: dict[str, float] = {}
    if args.language:  # a translation, for build_book (a process of its own)
        global DOCS
        DOCS = Path(args.docs or DOCS)
        epoch = os.environ.get("SOURCE_DATE_EPOCH") or commit_epoch(ROOT)
        if epoch:
            os.environ["SOURCE_DATE_EPOCH"] = epoch
        into = out.resolve() / ".staging" / f".{args.language}"
        steps = [(b, f) for b, f in STEPS if args.only in (None, b)]
        code = build_language(out.resolve(), into, args.language, steps, extra, timings)
        into.mkdir(parents=True, exist_ok=True)
        (into / "timings.json").write_text(json.dumps(timings))
        return code
    code = build_book(out.resolve(), extra, args.only, timings)
    if args.timings:
        Path(args.timings).write_text(json.dumps(timings) + "\n")
    if code == 0:
        print(
            f"Built into {out}: "
            + ", ".join(f for b, f in STEPS if args.only in (None, b))
        )
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
