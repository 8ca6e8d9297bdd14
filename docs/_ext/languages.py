"""The handbook in more than one language: one site, one folder a language.

The English pages are the source; each other language is built from the same
pages through Sphinx's gettext catalogues (``docs/locales/<lang>/LC_MESSAGES``,
kept by sphinx-intl, ``nox -s translations``) with ``-D language=<lang>``, into
its own folder of the same site (``build/html/es/`` for Spanish), with the same
page names. ``scripts/build_book.py`` builds every language in
``handbook_languages``.

For the language being built, this module sets, once, at ``config-inited``:

- ``handbook_base_url`` to the language's address (the site's root plus its
  folder), so that canonical links, Open Graph, JSON-LD and the sitemap of
  that build all name the language's own pages; ``handbook_site_root`` keeps
  the root;
- ``handbook_locale`` (``og:locale``, JSON-LD ``inLanguage``, the PDFs' language)
  and ``today_fmt`` from the language's entry;
- ``html_baseurl``, ``ogp_site_url`` and ``epub_language`` to match.

On every HTML page the templates get ``handbook_translations``: each language's
address of this page (``hreflang`` alternates, plus ``x-default``: the
source language) and the relative link the language switch follows.

Config value ``handbook_languages`` (dict, in conf.py), the source language
first::

    {"en": {"name": "English", "locale": "en_US", "folder": "",
            "today_fmt": "%B %-d, %Y"},
     "es": {"name": "Español", "locale": "es_US", "folder": "es/",
            "today_fmt": "%-d de %B de %Y",
            "bibtex_reference_style": "author_year_es",
            "search_danger_words": ["me pega", ...]}}

``bibtex_reference_style`` and ``search_danger_words`` (optional) replace
those settings in that language's build.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from docutils import nodes
from review import catalogue_path, page_review
from sphinx import addnodes
from sphinx.errors import ConfigError
from sphinx.locale import get_translator
from sphinx.transforms import SphinxTransform
from sphinx.util.nodes import extract_messages

from page_metadata import format_date

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

KEYS = ("name", "locale", "folder")


def source_language(config: Config) -> str:
    """The language the pages are written in: the first of
    ``handbook_languages``."""
    return next(iter(config.handbook_languages), "en")


def is_translation(config: Config) -> bool:
    return (config.language or "en") != source_language(config)


def language_entry(config: Config, language: str | None = None) -> dict[str, Any]:
    """A language's entry; a language the handbook does not list (a test's
    pseudo-translation) is built at the root, under its own code."""
    code = language or config.language or "en"
    return config.handbook_languages.get(
        code, {"name": code, "locale": code, "folder": ""}
    )


def check_languages(config: Config) -> None:
    languages = config.handbook_languages
    if not languages:
        raise ConfigError("handbook_languages in conf.py is empty")
    for code, entry in languages.items():
        missing = [key for key in KEYS if key not in entry]
        if missing:
            raise ConfigError(
                f"handbook_languages[{code!r}] lacks {', '.join(missing)}"
            )
        folder = entry["folder"]
        if folder and (not folder.endswith("/") or folder.startswith("/")):
            raise ConfigError(
                f"handbook_languages[{code!r}]['folder'] must be empty or like "
                f"'es/' (got {folder!r})"
            )
    if next(iter(languages.values()))["folder"]:
        raise ConfigError(
            "the source language (the first) lives at the root: folder ''"
        )


# Settings of conf.py that a reader meets: their words (marked N_() there,
# extracted into handbook.pot) are replaced by the language's translation.
TRANSLATED_SETTINGS = (
    "project",
    "copyright",
    "html_title",
    "handbook_site_name",
    "handbook_title_pattern",
    "handbook_description",
    "handbook_keywords",
    "handbook_author",
    "handbook_social_image_alt",
    "handbook_packets",
    "ogp_site_name",
    "ogp_image_alt",
    "epub_title",
    "epub_copyright",
)


def translated(value: Any, messages: Any) -> Any:
    """A setting with every string that is a message translated."""
    if isinstance(value, str):
        return messages.gettext(value) if value else value
    if isinstance(value, list):
        return [translated(item, messages) for item in value]
    if isinstance(value, dict):
        return {key: translated(item, messages) for key, item in value.items()}
    return value


def set_language(app: Sphinx, config: Config) -> None:
    """Point the build's addresses and locale at the language being built,
    and put its words in place of conf.py's."""
    check_languages(config)
    if is_translation(config):
        # The handbook's own catalogue (handbook.po), which site_metadata.py
        # compiled and registered with Sphinx.
        messages = get_translator("handbook")
        for name in TRANSLATED_SETTINGS:
            if name in config:
                setattr(config, name, translated(getattr(config, name), messages))
    entry = language_entry(config)
    root = config.handbook_base_url
    config.handbook_site_root = root
    config.handbook_base_url = root + entry["folder"]
    config.handbook_locale = entry["locale"]
    config.html_baseurl = config.handbook_base_url
    config.ogp_site_url = config.handbook_base_url
    config.epub_language = config.language or "en"
    if "notfound_urls_prefix" in config:  # the 404 page's links, from the root
        config.notfound_urls_prefix = urlsplit(config.handbook_base_url).path
    if entry.get("today_fmt"):
        config.today_fmt = entry["today_fmt"]
    # What every page's head needs, once a build.
    config.html_context = {
        **config.html_context,
        "handbook_locale": config.handbook_locale,
        "handbook_og_locales": [
            e["locale"] for e in config.handbook_languages.values()
        ],
    }
    if entry.get("search_danger_words"):
        config.handbook_search_danger_words = list(entry["search_danger_words"])
    if entry.get("bibtex_reference_style"):
        config.bibtex_reference_style = entry["bibtex_reference_style"]


def translations(app: Sphinx, pagename: str) -> list[dict[str, Any]]:
    """Every language's version of a page: its code, name, ``hreflang``,
    absolute address, and the link from this page to it."""
    config = app.config
    here = language_entry(config)["folder"]
    # From this page to the root of this language's folder, then to the site.
    to_root = posixpath.dirname(pagename)
    up = "../" * (to_root.count("/") + 1 if to_root else 0)
    up += "../" * here.count("/")
    result = []
    for code, entry in config.handbook_languages.items():
        path = entry["folder"] + pagename + ".html"
        result.append(
            {
                "code": code,
                "name": entry["name"],
                "hreflang": code,
                "url": config.handbook_site_root + path,
                "href": up + path,
                "current": code == (config.language or "en"),
            }
        )
    return result


class MarkUntranslated(SphinxTransform):
    """In a translation, a paragraph, heading or item still in the source
    language says so: ``lang="en"`` (docutils writes a ``language-en`` class
    as the attribute), so that a screen reader reads it in English, and the
    class ``untranslated``. The page's notice (``translation-status.html``)
    counts them. Runs after Sphinx's Locale transform, which marks each
    translatable node ``translated`` true or false."""

    default_priority = 960

    def apply(self, **kwargs: Any) -> None:
        if not is_translation(self.config):
            return
        source = "language-" + source_language(self.config)
        same = kept_as_is(self.app, self.env.docname)
        count = 0
        for node, message in extract_messages(self.document):
            if node.get("translated", True) or isinstance(node, nodes.meta):
                continue
            if isinstance(node, addnodes.toctree) and caption_translated(node):
                continue
            if message in same:  # translated as itself (a name, a number)
                continue
            node["classes"] += [source, "untranslated"]
            count += 1
        self.document["handbook_untranslated"] = count


def caption_translated(toctree: addnodes.toctree) -> bool:
    """Workaround: Sphinx's Locale transform marks a toctree "translated"
    false when one of its messages has no translation (an entry's title that
    is the page's own), even when its caption was translated, and never marks
    it true. A toctree counts as translated when its caption is. Upstream
    report: docs-dev/upstream-reports.md ("Sphinx: translated toctrees")."""
    caption = toctree.get("caption")
    return bool(caption) and caption != toctree.get("rawcaption")


def kept_as_is(app: Sphinx, docname: str) -> frozenset[str]:
    """The messages of a page's catalogue that its translation keeps as they
    are (a name, an abbreviation, a number): Sphinx counts those as
    untranslated, but they are not."""
    from babel.messages.pofile import read_po

    path = catalogue_path(app, docname, app.config.language)
    if not path.is_file():
        return frozenset()
    with path.open("rb") as file:
        catalogue = read_po(file)
    return frozenset(
        m.id for m in catalogue if m.id and m.string == m.id and not m.fuzzy
    )


def page_context(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: Any,
) -> None:
    """This page in every language, and in a translation its review and
    whether part of it is still in the source language."""
    if app.builder.name != "html":
        return
    versions = translations(app, pagename)
    context["handbook_translations"] = versions
    context["handbook_x_default"] = versions[0]["url"]
    context["handbook_is_translation"] = is_translation(app.config)
    if context["handbook_is_translation"] and pagename in app.env.found_docs:
        review = page_review(app, pagename, app.config.language)
        signed = review["signed_on"]
        context["handbook_translation_review"] = review["review_status"]
        context["handbook_translation_reviewer"] = review["reviewed_by"]
        context["handbook_translation_signed_on"] = (
            format_date(signed, app.config.language) if signed else ""
        )
    context["handbook_untranslated"] = (
        doctree.get("handbook_untranslated", 0) if doctree is not None else 0
    )


SITEMAP_URL = re.compile(r"<url><loc>([^<]+)</loc>(.*?)</url>", re.S)
XHTML = 'xmlns:xhtml="http://www.w3.org/1999/xhtml"'


def sitemap_alternates(app: Sphinx, exception: Exception | None) -> None:
    """Give every page of the sitemap its addresses in each language and
    x-default (hreflang alternates, as search engines read them), once
    sphinx-sitemap has written it and seo.py sorted it. The sitemap of each
    language lists that language's pages; robots.txt names them all."""
    if exception or app.builder.name != "html" or "sitemap_filename" not in app.config:
        return
    path = Path(app.outdir, app.config.sitemap_filename)
    if not path.is_file():
        return
    base = app.config.handbook_base_url
    root = app.config.handbook_site_root
    languages = app.config.handbook_languages

    def links(match: re.Match[str]) -> str:
        link = match.group(1).removeprefix(base)
        alternates = [
            (code, root + entry["folder"] + link) for code, entry in languages.items()
        ]
        alternates.append(("x-default", alternates[0][1]))
        return (
            match.group(0).removesuffix("</url>")
            + "".join(
                f'<xhtml:link rel="alternate" hreflang="{code}" href="{href}" />'
                for code, href in alternates
            )
            + "</url>"
        )

    xml = path.read_text(encoding="utf-8")
    if XHTML not in xml:
        xml = xml.replace("<urlset ", f"<urlset {XHTML} ", 1)
    path.write_text(SITEMAP_URL.sub(links, xml), encoding="utf-8")


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value(
        "handbook_languages",
        {"en": {"name": "English", "locale": "en_US", "folder": ""}},
        "env",
        types=frozenset({dict}),
    )
    app.add_config_value("handbook_site_root", "", "env", types=frozenset({str}))
    # Before the other handlers read the addresses (default priority 500).
    app.connect("config-inited", set_language, priority=300)
    app.connect("html-page-context", page_context)
    app.add_transform(MarkUntranslated)
    # After sphinx-sitemap writes the sitemap (500) and seo.py sorts it (600).
    app.connect("build-finished", sitemap_alternates, priority=700)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
