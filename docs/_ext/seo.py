"""Search and trust metadata for every page, from the site block in conf.py.

On each HTML page this module writes the ``<title>`` from
``handbook_title_pattern``, the meta description (from front matter),
keywords, a robots tag (``noindex`` on search, the general index and the 404
page), a ``referrer`` tag, and a JSON-LD ``@graph``: the WebSite and the
practice on the home page; on chapters and exercises a MedicalWebPage whose
main entity is an Article by the author, with the page's review date from
front matter and its ``dateModified`` from the last commit that changed it
(sphinx-last-updated-by-git), with a BreadcrumbList. It also writes
``robots.txt``.

sphinxext-opengraph writes the Open Graph and Twitter tags, from the
per-page fields it reads in the page metadata: this module sets them
(``og:description`` to the same text as the meta description, ``og:type``
"website" on the home page, ``og:image`` to a page's own social image).
sphinx-sitemap writes the sitemap (with ``lastmod`` from git); Sphinx writes
the canonical link from ``html_baseurl``.

The JSON-LD graph is built by ``json_ld.py``; the checks of these tags
(lengths, repeats, alt text), each a warning naming the page so that ``-W``
fails the build, are in ``seo_checks.py``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import io
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import review
from docutils import nodes
from languages import is_translation
from sphinx.util import logging
from sphinx.util.matching import Matcher

from json_ld import json_ld_graph
from page_metadata import page_front_matter
from site_metadata import page_url

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

# Workaround: sphinxext-opengraph 0.13 prints "matplotlib is not installed,
# social cards will not be generated" to standard output when imported, even
# when social cards are off (ogp_social_cards in conf.py), on every build.
# Imported here first, with that output caught; Sphinx then finds the module
# loaded. The report for upstream is in README.md ("Workarounds").
with contextlib.redirect_stdout(io.StringIO()):
    import sphinxext.opengraph  # noqa: F401

NOINDEX_PAGES = frozenset({"search", "genindex", "404"})


def page_description(env: BuildEnvironment, docname: str) -> str:
    """The page's description; the home page falls back on conf.py's."""
    description = page_front_matter(env, docname).get("description", "")
    if not description and docname == env.config.root_doc:
        description = env.config.handbook_description
    return " ".join(str(description).split())


def page_keywords(env: BuildEnvironment, docname: str) -> list[str]:
    keywords = page_front_matter(env, docname)["keywords"]
    if not keywords and docname == env.config.root_doc:
        keywords = list(env.config.handbook_keywords)
    return keywords


TITLE_LIMIT = 60  # characters a search result shows


def title_tag(*, title: str, pattern: str, is_home: bool) -> str:
    """The text of the page's <title>: the pattern around the title, or the
    title alone where the pattern would not fit (a translation's titles run
    longer than the English)."""
    if is_home:
        return title
    tag = pattern.format(title=title)
    return tag if len(tag) <= TITLE_LIMIT else title


def _parent(app: Sphinx, docname: str) -> tuple[str, str] | None:
    """The page a reader climbs to from this one (for the breadcrumbs)."""
    env = app.env
    for parent, children in env.toctree_includes.items():
        if docname in children and parent != app.config.root_doc:
            return (env.titles[parent].astext(), page_url(app.config, parent))
    return None


# -- Writing the tags --------------------------------------------------------


def head_tags(
    *,
    description: str,
    keywords: list[str],
    noindex: bool,
    graph: dict[str, Any] | None,
) -> str:
    esc = html.escape
    tags = ['<meta name="referrer" content="no-referrer">']
    if description:
        tags.append(f'<meta name="description" content="{esc(description)}">')
    if keywords:
        tags.append(f'<meta name="keywords" content="{esc(", ".join(keywords))}">')
    tags.append(
        '<meta name="robots" content="noindex, follow">'
        if noindex
        else '<meta name="robots" content="index, follow, max-image-preview:large">'
    )
    if graph:
        # Front matter can hold any text: "<", ">" and "&" are written as
        # JSON escapes, so nothing in it can end the script element.
        data = (
            json.dumps(graph, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c")
            .replace(">", "\\u003e")
            .replace("&", "\\u0026")
        )
        tags.append(f'<script type="application/ld+json">{data}</script>')
    return "\n".join(tags) + "\n"


def add_page_tags(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """Title, description, robots, social image and JSON-LD for one page."""
    if app.builder.format != "html" or app.builder.name != "html":
        return
    env, config = app.env, app.config
    is_page = pagename in env.found_docs
    is_home = pagename == config.root_doc
    title = (
        env.titles[pagename].astext()
        if is_page
        else re.sub("<[^>]+>", "", context.get("title", ""))
    )
    context["handbook_title_tag"] = title_tag(
        title=title, pattern=config.handbook_title_pattern, is_home=is_home
    )
    # The page's front matter, read once for everything below.
    front_matter = page_front_matter(env, pagename) if is_page else {}
    description = page_description(env, pagename) if is_page else ""
    keywords = page_keywords(env, pagename) if is_page else []
    graph = None
    if is_page and pagename not in NOINDEX_PAGES:
        is_health_page = Matcher(config.handbook_reviewed_pages)(pagename)
        graph = json_ld_graph(
            config=config,
            docname=pagename,
            title=title,
            description=description,
            keywords=keywords,
            front_matter=front_matter,
            is_health_page=is_health_page,
            parent=_parent(app, pagename),
            last_changed=last_changed(env, pagename),
            signoff=review.page_review(app, pagename) if is_health_page else None,
        )
    context["metatags"] = context.get("metatags", "") + head_tags(
        description=description,
        keywords=keywords,
        noindex=pagename in NOINDEX_PAGES or not is_page,
        graph=graph,
    )


def last_changed(env: BuildEnvironment, docname: str) -> str:
    """When the page last changed, as ISO 8601, from sphinx-last-updated-by-git."""
    timestamp = (getattr(env, "git_last_updated", {}).get(docname) or (None,))[0]
    if timestamp is None:
        return ""
    return dt.datetime.fromtimestamp(int(timestamp), dt.UTC).isoformat()


def open_graph_fields(app: Sphinx, doctree: nodes.document) -> None:
    """Give sphinxext-opengraph the page's own values, through the per-page
    fields it reads from the page metadata: the front-matter description
    (the same text as the meta description), "website" as the type of the
    home page, and a page's own social image."""
    env = app.env
    docname = env.docname
    fields = env.metadata.setdefault(docname, {})
    front_matter = page_front_matter(env, docname)
    description = page_description(env, docname)
    if description:
        fields["og:description"] = description
    if docname == app.config.root_doc:
        fields["og:type"] = "website"
    if front_matter.get("image"):
        fields["og:image"] = app.config.handbook_base_url + str(
            front_matter["image"]
        ).lstrip("/")
        fields["og:image:alt"] = str(front_matter.get("image_alt") or "")


def write_robots_txt(app: Sphinx, exception: Exception | None) -> None:
    """robots.txt at the site's root (the source language's build), naming
    the sitemap of every language."""
    if exception or app.builder.name != "html" or is_translation(app.config):
        return
    root = app.config.handbook_site_root or app.config.handbook_base_url
    sitemaps = "".join(
        f"Sitemap: {root}{entry['folder']}sitemap.xml\n"
        for entry in app.config.handbook_languages.values()
    )
    Path(app.outdir, "robots.txt").write_text(
        f"User-agent: *\nAllow: /\nDisallow: /search.html\n\n{sitemaps}",
        encoding="utf-8",
    )


SITEMAP_URL = re.compile(r"<url>.*?</url>", re.S)


def sitemap_in_order(xml: str) -> str:
    """The sitemap with its <url> entries sorted by address."""
    entries = SITEMAP_URL.findall(xml)
    if not entries:
        return xml
    start, end = xml.index(entries[0]), xml.rindex(entries[-1]) + len(entries[-1])
    return xml[:start] + "".join(sorted(entries)) + xml[end:]


def sort_sitemap(app: Sphinx, exception: Exception | None) -> None:
    """Workaround: sphinx-sitemap 2.9 writes the pages in the order the
    parallel writers finished them, so two builds of one commit differ. The
    entries are sorted here, once it has written the file (README,
    "Workarounds and upstream reports")."""
    name = getattr(app.config, "sitemap_filename", "")  # without sphinx-sitemap: ""
    path = Path(app.outdir, name)
    # Any builder that writes HTML pages gets one (the EPUB's folder too).
    if exception is None and name and path.is_file():
        xml = path.read_text(encoding="utf-8")
        ordered = sitemap_in_order(xml)
        if ordered != xml:
            path.write_text(ordered, encoding="utf-8")


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("site_metadata")
    app.setup_extension("page_metadata")
    # The checks (image alt text, lengths, repeats) first, as before the split.
    app.setup_extension("seo_checks")
    # After page_metadata (600) has checked the front matter as written.
    app.connect("doctree-read", open_graph_fields, priority=700)
    app.connect("html-page-context", add_page_tags)
    app.connect("build-finished", write_robots_txt)
    # After sphinx-sitemap (priority 500) has written the sitemap.
    app.connect("build-finished", sort_sitemap, priority=600)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
