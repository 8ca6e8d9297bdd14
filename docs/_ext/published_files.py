"""Only the project's own active files are published.

A file the browser can run (HTML, SVG, XML, JavaScript) served from the
site's own address runs with the site's rights and outside the pages'
Content-Security-Policy. So:

- every file under the static folders (``html_static_path``) must match a
  pattern in ``handbook_static_files``, the reviewed list of the project's
  own CSS, fonts, images and scripts. An unlisted file stops the build
  before anything is copied, naming the file;
- when a build has finished, its output is walked: a file under
  ``_images/`` or ``_downloads/`` (what pages publish) must be of a passive
  type (``handbook_page_file_types``), and a script anywhere but
  ``_static/`` is a warning naming it.

``page_limits.py`` refuses such files where a page asks for them, with the
file and line; this module is the net under it.

Config values:

``handbook_static_files`` (list of glob patterns, relative to a static folder)
    The files the project ships in ``_static/``.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.errors import SphinxError
from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

# Sphinx's own search index, written at the top of the output.
SPHINX_OWN = {"searchindex.js"}


def unlisted_static_files(static_dir: Path, patterns: list[str]) -> list[Path]:
    return sorted(
        path
        for path in static_dir.rglob("*")
        if path.is_file()
        and not any(
            fnmatch.fnmatch(path.relative_to(static_dir).as_posix(), p)
            for p in patterns
        )
    )


def check_static_files(app: Sphinx, config: Config) -> None:
    unlisted = []
    for entry in config.html_static_path:
        folder = Path(app.confdir, entry)
        if folder.is_dir():
            unlisted += unlisted_static_files(folder, config.handbook_static_files)
    for path in unlisted:
        logger.warning(
            "%s is not one of the project's static files (handbook_static_files "
            "in conf.py lists them)",
            path,
            type="handbook",
            subtype="published_files",
        )
    if unlisted:
        raise SphinxError(
            f"{len(unlisted)} unlisted file(s) in the static folder, named above"
        )


def output_problems(outdir: Path, passive: set[str]) -> list[str]:
    problems = []
    for path in sorted(outdir.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(outdir)
        top = rel.parts[0]
        suffix = path.suffix.lower()
        if top in ("_images", "_downloads") and suffix.lstrip(".") not in passive:
            problems.append(f"{rel.as_posix()}: a page published a {suffix} file")
        elif (
            suffix in {".js", ".mjs"}
            and top != "_static"
            and rel.as_posix() not in (SPHINX_OWN)
        ):
            problems.append(f"{rel.as_posix()}: a script outside _static/")
    return problems


def check_output(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.format != "html":
        return
    passive = {t.lower() for t in app.config.handbook_page_file_types}
    for problem in output_problems(Path(app.outdir), passive):
        logger.warning(problem, type="handbook", subtype="published_files")


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value(
        "handbook_static_files", ["**"], "html", types=frozenset({list})
    )
    app.setup_extension("page_limits")  # handbook_page_file_types
    app.connect("config-inited", check_static_files)
    app.connect("build-finished", check_output)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
