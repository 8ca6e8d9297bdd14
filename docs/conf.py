"""Sphinx configuration for *Emotional Intimacy: A Handbook for Couples*.

The book is written in MyST Markdown and built into a website (furo), an EPUB
and a print edition (WeasyPrint, see ``_ext/print_edition.py``). Every fact
about the site, the author and the practice is declared once, in the block
headed "Site, author and practice", and every output reads it from there:
the HTML head and JSON-LD, the sitemap, robots.txt and the PDF metadata.

Build it through nox (``nox -s build``); see README.md.
"""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent

# Our own extensions, one module per feature (the CPython Doc/tools layout).
sys.path.insert(0, str(DOCS / "_ext"))


def N_(message: str) -> str:
    """Mark a setting a reader meets for translation: ``nox -s gettext``
    extracts it into handbook.pot, and languages.py puts each language's
    translation in its place (gettext's "no-op" marker)."""
    return message


# -- Project information -----------------------------------------------------
# https://www.sphinx-doc.org/en/master/usage/configuration.html#project-information

_pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
project = N_("Emotional Intimacy: A Handbook for Couples")
author = "Susan Cole Rome, LMFT"
copyright = N_("2026, Susan Cole Rome. Text: CC BY-NC-ND 4.0; code: MIT")
# The edition: a git tag v<version> (see _ext/edition.py and CHANGELOG.md).
from edition import edition  # noqa: E402

release, handbook_edition_date = edition(ROOT, _pyproject["project"]["version"])
version = release.split("+", 1)[0]
language = "en"
# Translations: Sphinx's gettext catalogues, one per page
# (docs/locales/<language>/LC_MESSAGES/<page>.po), kept by sphinx-intl.
locale_dirs = ["locales"]
gettext_compact = False

# -- Site, author and practice (the one source of truth) ---------------------
# Read by _ext/seo.py, _ext/page_metadata.py and _ext/print_edition.py.
# A value that is not known for certain stays empty: it is then left out of
# every output. Never fill in a phone number, address or licence number that
# has not been confirmed by the practice.

handbook_site_name = project
# The deploy workflow sets HANDBOOK_BASE_URL to the real GitHub Pages address;
# Read the Docs previews use the address it gives (READTHEDOCS_CANONICAL_URL);
# local builds use a placeholder on a reserved domain. Must be https, end in /.
handbook_base_url = (
    os.environ.get("HANDBOOK_BASE_URL")
    or os.environ.get("READTHEDOCS_CANONICAL_URL")
    or "https://emotional-intimacy-handbook.example.org/"
)
if not handbook_base_url.endswith("/"):
    handbook_base_url += "/"
# "{title}" is the page title; the whole tag must fit in 60 characters.
handbook_title_pattern = N_("{title} | Couples Therapy in Calabasas")
# The home page's description and keywords (from the source article's SEO
# block); other pages set their own in front matter.
handbook_description = N_(
    "Learn how to build emotional safety and connection in your relationship, "
    "with plain-language guidance from a Calabasas couples therapist."
)
handbook_keywords = [
    N_("emotional intimacy"),
    N_("attachment theory"),
    N_("couples therapy Calabasas"),
    N_("LMFT Calabasas"),
    N_("building connection in relationships"),
]
handbook_locale = "en_US"
# The handbook's languages, the source (English, at the site's root) first.
# Each other language is built from the pages' gettext catalogues
# (docs/locales/<code>/LC_MESSAGES) into its own folder of the site, with the
# same page names; languages.py sets each build's addresses and locale.
handbook_languages = {
    "en": {
        "name": "English",
        "locale": "en_US",
        "folder": "",
        "today_fmt": "%B %-d, %Y",
    },
    "es": {
        "name": "Español",
        "locale": "es_US",
        "folder": "es/",
        "today_fmt": "%-d de %B de %Y",
        "bibtex_reference_style": "author_year_es",  # "Gottman y Silver"
        # Words that put the safety page and the crisis lines first in the
        # search (handbook_search_danger_words), as Spanish readers write
        # them, with and without accents.
        "search_danger_words": [
            "me pega",
            "pega",
            "golpe",
            "golpea",
            "golpes",
            "me golpea",
            "puñetazo",
            "cachetada",
            "bofetada",
            "patada",
            "empujón",
            "ahorca",
            "ahorcar",
            "estrangular",
            "asfixia",
            "me hace daño",
            "me lastima",
            "lastima",
            "amenaza",
            "amenazas",
            "me amenaza",
            "arma",
            "pistola",
            "cuchillo",
            "abuso",
            "abusivo",
            "maltrato",
            "violencia",
            "violento",
            "violación",
            "violacion",
            "me obligó",
            "me obligo",
            "acoso",
            "me sigue",
            "miedo",
            "tengo miedo",
            "asustada",
            "asustado",
            "aterrada",
            "aterrado",
            "no estoy segura",
            "no estoy seguro",
            "peligro",
            "en peligro",
            "matar",
            "matarme",
            "me quiero morir",
            "quiero morir",
            "suicidio",
            "suicida",
            "quitarme la vida",
            "hacerme daño",
            "autolesión",
            "autolesion",
        ],
    },
}
handbook_author = {
    "name": "Susan Cole Rome",
    "credential": "LMFT",
    "job_title": N_("Licensed Marriage and Family Therapist"),
    "profile_page": "about",  # a docname; its URL is derived
}
handbook_practice = {
    "name": "Susan Cole Rome, LMFT",
    "locality": "Calabasas",
    "region": "CA",  # the postal code (JSON-LD addressRegion)
    "region_name": "California",  # as readers read it (the print cover)
    "country": "US",
    "areas_served": ["Calabasas", "Hidden Hills"],
    "url": "",  # the practice's own website, once confirmed
    "phone": "",  # never invented; left out while empty
    "licence_number": "",  # never invented; left out while empty
}
handbook_social_image = "_static/images/social-card.png"  # 1200 x 630
handbook_social_image_alt = N_(
    "Emotional Intimacy: A Handbook for Couples, by Susan Cole Rome, LMFT"
)
# Crisis resources in the United States, shown in every page's footer and
# in every PDF (content pages write them out in their own words). Checked
# against the sources in references.bib (samhsa988faq, ovc2022hotline).
handbook_crisis = {
    "emergency": "911",
    "crisis_line": "988",  # 988 Suicide & Crisis Lifeline: call or text
    "dv_hotline": "1-800-799-7233",  # National Domestic Violence Hotline
    "dv_tty": "1-800-787-3224",
    "dv_text": "88788",  # text START to this number
    "dv_chat": "https://www.thehotline.org/",  # live chat, on the Hotline's site
    "crisis_chat": "https://988lifeline.org/",  # 988 chat
    "samhsa": "1-800-662-4357",  # SAMHSA National Helpline: treatment referral
}
# Other help lines that pages may name and print, each checked against
# ../shared/helplines.md. A link whose text names a line (any of "names")
# must point to one of its numbers or under its web address, and every
# phone-like number a page prints must be configured here, in
# handbook_crisis or in handbook_practice (_ext/page_links.py).
handbook_help_lines = {
    "988 Suicide & Crisis Lifeline": {
        "names": ["988", "Crisis Lifeline", "988lifeline.org"],
        "numbers": ["988"],
        "web": ["https://988lifeline.org/"],
    },
    "National Domestic Violence Hotline": {
        "names": ["Domestic Violence Hotline", "thehotline.org"],
        "numbers": ["1-800-799-7233", "1-800-787-3224", "88788"],
        "web": ["https://www.thehotline.org/"],
    },
    "Emergency services": {"names": ["911"], "numbers": ["911"], "web": []},
    "SAMHSA National Helpline": {
        "names": ["SAMHSA", "National Helpline"],
        "numbers": ["1-800-662-4357", "1-800-487-4889"],
        "web": ["https://www.samhsa.gov/", "https://findtreatment.gov/"],
    },
    "RAINN National Sexual Assault Hotline": {
        "names": ["RAINN", "Sexual Assault Hotline"],
        "numbers": ["1-800-656-4673"],
        "web": [
            "https://rainn.org/",
            "https://www.rainn.org/",
            "https://hotline.rainn.org/",
        ],
    },
    "National Maternal Mental Health Hotline": {
        "names": ["Maternal Mental Health Hotline"],
        "numbers": ["1-833-852-6262"],
        "web": ["https://mchb.hrsa.gov/"],
    },
}
# The licence of the handbook's text (the code is MIT, see LICENSE).
handbook_licence = {
    "name": "CC BY-NC-ND 4.0",
    "url": "https://creativecommons.org/licenses/by-nc-nd/4.0/",
}
# The handbook's repository on GitHub, where "Report a problem with this
# page" opens an issue form. Never guessed: HANDBOOK_REPOSITORY_URL, else
# the repository GitHub Actions is building. While empty, the link leads to
# the accessibility page's "Another format" section (ask the therapist).
handbook_repository_url = os.environ.get("HANDBOOK_REPOSITORY_URL") or (
    f"{os.environ['GITHUB_SERVER_URL']}/{os.environ['GITHUB_REPOSITORY']}"
    if os.environ.get("GITHUB_REPOSITORY") and os.environ.get("GITHUB_SERVER_URL")
    else ""
)
# The booking page of the practice. Empty until confirmed: the consultation
# page then explains how to ask without showing a button.
handbook_consultation_url = ""

# Health information: these pages carry a byline, review dates and, until a
# clinician has reviewed them, the draft notice (_ext/page_metadata.py).
handbook_reviewed_pages = [
    "chapters/*",
    "exercises/*",
    "start-here",
    "six-week-path",
    "for-therapists",
]

# Clinical sign-offs (_ext/review.py): written by `nox -s review -- sign`,
# never by hand; a page changed after its sign-off says so until signed again.
handbook_reviews_file = str(ROOT / "reviews.toml")

# -- General configuration ---------------------------------------------------
# https://www.sphinx-doc.org/en/master/usage/configuration.html#general-configuration

extensions = [
    # Ours (docs/_ext)
    "page_source",  # a page's source: front matter, directives, roles, options
    "page_limits",  # pages carry text, not code or outside files
    "page_links",  # link targets, tel: links and printed numbers
    "published_files",  # only the project's own active files are published
    "redirects",  # old addresses of pages that moved
    "languages",  # the site in each language of handbook_languages
    "site_metadata",
    "page_metadata",
    "exercises",
    "packets",  # therapists' worksheet packets (handbook_packets, below)
    "consultation",
    "safety",
    "quick_exit",  # the quick exit's corner, for the button and the pages
    "seo",
    "csp",
    "page_assets",
    "search_terms",  # readers' words for each page, for the site's search
    "citations",
    "print_edition",
    "epub_edition",  # the EPUB dated from the commit, byte-identical
    # Third-party
    "myst_parser",
    "sphinx_copybutton",
    "sphinx_sitemap",
    "sphinxcontrib.bibtex",
    "sphinxext.opengraph",
    "notfound.extension",
]

exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
templates_path = ["_templates"]
root_doc = "index"
# Every broken reference is an error (nox passes -n -W --keep-going too).
nitpicky = True
# Dates shown on pages and in the PDF come from SOURCE_DATE_EPOCH when set.
today_fmt = "%B %-d, %Y"

# -- Options for MyST --------------------------------------------------------
# https://myst-parser.readthedocs.io/en/latest/configuration.html

myst_enable_extensions = ["colon_fence", "deflist", "smartquotes"]
myst_heading_anchors = 3
# tel: links let a reader on a phone call a crisis line with one tap.
myst_url_schemes = ["http", "https", "mailto", "tel"]

# -- Options for citations ---------------------------------------------------
# https://sphinxcontrib-bibtex.readthedocs.io/en/latest/usage.html#configuration

bibtex_bibfiles = ["references.bib"]
# pybtex's "plain" style, remembering formatted entries between builds
# (_ext/citations.py).
bibtex_default_style = "handbook"
bibtex_reference_style = "author_year"
# No hover tooltips on citations: phones have no hover, screen readers skip
# title attributes, and a chapter with many citations was 5 KiB heavier.
# The link goes to the full reference instead.
bibtex_tooltips = False

# -- Options for HTML output -------------------------------------------------
# https://www.sphinx-doc.org/en/master/usage/configuration.html#options-for-html-output
# https://pradyunsg.me/furo/customisation/

html_theme = "furo"
html_title = N_("Emotional Intimacy")
html_baseurl = handbook_base_url
html_static_path = ["_static"]
# Every file the static folder may hold (published_files.py): anything else
# stops the build, since a file there is served with the site's rights.
handbook_static_files = [
    "css/handbook.css",
    "css/print.css",
    "fonts/*.ttf",
    "fonts/*.woff2",
    "fonts/OFL.txt",
    "images/favicon.svg",
    "images/social-card.png",
    "js/search-keeps-nothing.js",
    "js/handbook-search.js",
]
html_css_files = ["css/handbook.css"]
# The favicon is inlined into every page by _templates/base.html.
html_context = {
    "handbook_crisis": handbook_crisis,
    "handbook_licence": handbook_licence,
    "handbook_favicon_svg": (DOCS / "_static" / "images" / "favicon.svg")
    .read_text(encoding="utf-8")
    .strip(),
}
html_copy_source = False  # readers have no use for the Markdown sources
html_show_sourcelink = False
html_show_sphinx = False
html_permalinks_icon = "#"
html_last_updated_fmt = None
# No general index: the handbook has a glossary, and the index page's table
# is laid out with inline styles, which the CSP refuses (csp.py).
html_use_index = False
html_sidebars = {
    "**": [
        "sidebar/brand.html",
        "sidebar/search.html",
        "sidebar/scroll-start.html",
        "sidebar/navigation.html",
        "sidebar-downloads.html",
        "sidebar/scroll-end.html",
    ]
}
html_theme_options = {
    "top_of_page_buttons": [],
    # The colours and fonts are furo's CSS variables, set in handbook.css
    # (not here: furo would write them inline, which the CSP refuses).
}

# -- Search (_ext/search_terms.py, _static/js/handbook-search.js) -------------
# Sphinx's own index and stemmer; the handbook ranks and shows the results.
# These pages must declare ``search_terms:``, the words readers type for
# their subject. The danger words that put the safety page first are
# handbook_search_danger_words (defaults in _ext/search_terms.py).

handbook_search_terms_pages = [
    "chapters/*",
    "exercises/*",
    "start-here",
    "six-week-path",
    "for-therapists",
    "glossary",
    "privacy",
]
# Results show each page's description, not an excerpt fetched page by page.
html_show_search_summary = False

# -- Options for the copy button ---------------------------------------------
# https://sphinx-copybutton.readthedocs.io/en/latest/use.html
# The handbook has no code: the button sits on phrase cards (exercises.py),
# so that a reader can copy a phrase into a message to their partner.

copybutton_selector = ".phrase-card .phrase-text"
copybutton_prompt_text = ""

# -- Options for the sitemap -------------------------------------------------
# https://sphinx-sitemap.readthedocs.io/en/latest/advanced-configuration.html
# "{link}" keeps sitemap URLs equal to the canonical links (no language or
# version segment). Search, genindex and 404 are noindex, so excluded.

sitemap_url_scheme = "{link}"
# sphinx-sitemap's own alternates assume every language in a folder of its
# own; the English pages are at the root, so languages.py writes the
# alternates (each language and x-default) into every entry instead.
sitemap_locales = [None]
# <lastmod> is the date of the last commit that changed the page
# (sphinx-last-updated-by-git, loaded by _ext/page_metadata.py too).
sitemap_show_lastmod = True
sitemap_excludes = ["search.html", "genindex.html", "404.html"]

# -- Options for Open Graph --------------------------------------------------

# https://sphinxext-opengraph.readthedocs.io/en/latest/#options
# seo.py writes the description tags itself (one text feeds both meta
# description and og:description), so OpenGraph's own is switched off.

ogp_site_url = handbook_base_url
ogp_site_name = handbook_site_name
ogp_image = handbook_base_url + handbook_social_image
ogp_image_alt = handbook_social_image_alt
ogp_type = "article"
ogp_enable_meta_description = False
ogp_description_length = 160
ogp_social_cards = {"enable": False}  # a fixed card; no matplotlib at build
ogp_custom_meta_tags = [
    '<meta name="twitter:card" content="summary_large_image">',
]

# -- Redirects for pages that moved (_ext/redirects.py) ----------------------
# Exercises merged into others keep their old addresses (printed handouts and
# links point there). Each stub is a page like the others (policy, quick
# exit, crisis lines) with a refresh: _templates/handbook/redirect.html.

handbook_redirects = {
    "exercises/consistency-check": "turning-toward-bids.html",
    "exercises/appreciation": "turning-toward-bids.html",
    "exercises/screens-off": "ritual-of-connection.html",
}

# -- Options for the 404 page ------------------------------------------------
# https://sphinx-notfound-page.readthedocs.io/en/latest/configuration.html

# The 404 page is served at any depth, so its links are absolute from the
# site's root: the path part of the base URL ("/" or "/<repository>/").
# Its words are in _templates/handbook/not-found.html (_ext/redirects.py).
notfound_urls_prefix = urlsplit(handbook_base_url).path

# -- Options for EPUB output -------------------------------------------------
# https://www.sphinx-doc.org/en/master/usage/configuration.html#options-for-epub-output

epub_title = project
epub_author = author
epub_publisher = handbook_practice["name"]
epub_copyright = copyright
epub_basename = "emotional-intimacy-handbook"
# E-readers bring their own fonts; the web fonts and their licence stay out.
epub_exclude_files = [
    "search.html",
    "404.html",
    "_static/fonts/OFL.txt",
    *(
        f"_static/fonts/atkinson-hyperlegible-{weight}-normal.woff2"
        for weight in (400, 700)
    ),
]
epub_show_urls = "no"
epub_cover = ("_static/images/social-card.png", "")  # image only, no template
epub_language = "en"
epub_identifier = handbook_base_url
epub_scheme = "URL"

# -- Options for the print edition (_ext/print_edition.py) -------------------

handbook_paper_size = os.environ.get("HANDBOOK_PAPER", "letter")  # or "a4"

# Worksheet packets for therapists: each becomes build/pdf/packets/<name>.pdf,
# a cover page and the fillable worksheets of the listed exercises (by their
# ``:id:``), in this order, and the "For Therapists" page lists it with its
# download link ({packet-list}). To add a packet, add an entry like these.
handbook_packets = {
    "first-sessions": {
        "title": N_("First Sessions"),
        "exercises": [
            "where-are-we-now",
            "turning-toward-bids",
            "daily-check-in",
            "take-a-break",
        ],
    },
    "pursue-withdraw": {
        "title": N_("Pursue and Withdraw"),
        "exercises": [
            "map-your-cycle",
            "softer-feeling",
            "take-a-break",
            "reflective-listening",
            "repair-script",
        ],
    },
    "after-a-betrayal": {
        "title": N_("After a Betrayal"),
        "exercises": [
            "take-a-break",
            "rebuilding-trust",
            "reflective-listening",
            "softer-feeling",
        ],
    },
    "recurring-conflict": {
        "title": N_("Recurring Conflict"),
        "exercises": [
            "softened-start-up",
            "take-a-break",
            "solve-a-problem",
            "dream-behind-position",
            "talk-over-a-fight",
        ],
    },
    "new-parents": {
        "title": N_("New Parents"),
        "exercises": [
            "team-through-change",
            "sharing-the-load",
            "stress-reducing-talk",
            "daily-check-in",
        ],
    },
}
