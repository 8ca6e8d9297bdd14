"""Build-time checks of the search metadata, each a warning naming the page.

So that ``-W`` fails the build: an image without alt text; a description
under 50 or over 160 characters; a title tag (``handbook_title_pattern``)
over 60 characters; two pages with the same title or description; a page's
own social image (front matter ``image``) that is not a file, or has no
``image_alt``. ``seo.py`` writes the tags these check.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util import logging

from page_metadata import page_front_matter
from seo import page_description, title_tag

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

DESCRIPTION_LENGTH = (50, 160)
TITLE_TAG_LENGTH = 60


def check_images(app: Sphinx, doctree: nodes.document) -> None:
    for image in doctree.findall(nodes.image):
        if not image.get("alt", "").strip():
            logger.warning(
                "image %r has no alt text (describe it for readers who cannot see it)",
                image.get("uri", ""),
                location=(
                    app.env.docname,
                    image.line or getattr(image.parent, "line", None),
                ),
                type="handbook",
                subtype="seo",
            )


def seo_problems(
    *, titles: dict[str, str], descriptions: dict[str, str], pattern: str, root_doc: str
) -> list[tuple[str, str]]:
    """(docname, sentence) for every search-metadata problem in the book."""
    problems = []
    low, high = DESCRIPTION_LENGTH
    for docname, description in sorted(descriptions.items()):
        if description and not low <= len(description) <= high:
            problems.append(
                (
                    docname,
                    f"description is {len(description)} characters; search results "
                    f"show {low} to {high}",
                )
            )
    for docname, title in sorted(titles.items()):
        tag = title_tag(title=title, pattern=pattern, is_home=docname == root_doc)
        if len(tag) > TITLE_TAG_LENGTH:
            problems.append(
                (
                    docname,
                    f"title tag {tag!r} is {len(tag)} characters; shorten the page "
                    f"title so that it fits in {TITLE_TAG_LENGTH}",
                )
            )
    for label, values in (("title", titles), ("description", descriptions)):
        seen: dict[str, str] = {}
        for docname, value in sorted(values.items()):
            key = value.casefold()
            if not key:
                continue
            if key in seen:
                problems.append(
                    (
                        docname,
                        f"same {label} as {seen[key]}: {value!r}; make each page's {label} unique",
                    )
                )
            else:
                seen[key] = docname
    return problems


def social_image_problems(*, front_matter: dict[str, Any], srcdir: Path) -> list[str]:
    """Problems with a page's own social image (front matter image, image_alt)."""
    image = str(front_matter.get("image") or "")
    if not image:
        return []
    problems = []
    if not (srcdir / image.lstrip("/")).is_file():
        problems.append(f"social image {image!r} is not a file in the docs folder")
    if not str(front_matter.get("image_alt") or "").strip():
        problems.append(f"social image {image!r} has no 'image_alt' text")
    return problems


def check_book(app: Sphinx, env: BuildEnvironment) -> None:
    docs = sorted(env.found_docs)
    for docname in docs:
        for problem in social_image_problems(
            front_matter=page_front_matter(env, docname), srcdir=Path(app.srcdir)
        ):
            logger.warning(
                problem, location=(docname, 1), type="handbook", subtype="seo"
            )
    titles = {d: env.titles[d].astext() for d in docs if d in env.titles}
    descriptions = {d: page_description(env, d) for d in docs}
    for docname, problem in seo_problems(
        titles=titles,
        descriptions=descriptions,
        pattern=app.config.handbook_title_pattern,
        root_doc=app.config.root_doc,
    ):
        logger.warning(problem, location=(docname, 1), type="handbook", subtype="seo")


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("page_metadata")
    app.connect("doctree-read", check_images)
    app.connect("env-check-consistency", check_book)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
