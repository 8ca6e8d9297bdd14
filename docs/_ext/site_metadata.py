"""The site, author and practice block of conf.py, registered and checked.

Every module that needs a fact about the handbook (its name, address, author
or practice) reads it from these config values, which conf.py sets once:

``handbook_site_name`` (str), ``handbook_base_url`` (str, https, ending in /),
``handbook_title_pattern`` (str with ``{title}``), ``handbook_description``
(str, the home page's description), ``handbook_keywords`` (list of str),
``handbook_locale`` (str, like ``en_US``), ``handbook_author`` (dict: name,
credential, job_title, profile_page), ``handbook_practice`` (dict: name,
locality, region (a postal code like ``CA``), region_name (as readers read
it), country, areas_served, url, phone, licence_number),
``handbook_social_image`` and ``handbook_social_image_alt`` (str),
``handbook_consultation_url`` (str), ``handbook_repository_url`` (str,
the GitHub repository, for "Report a problem"), ``handbook_edition_date``
(a date, with ``release`` the edition shown in the footer and the PDFs; see
``edition.py``), ``handbook_crisis`` (dict: emergency,
crisis_line, dv_hotline, dv_tty, dv_text) and ``handbook_licence`` (dict:
name, url) for the text.

An empty value means "not known": outputs leave it out. A base URL that is
not https or lacks its closing slash raises ``ConfigError``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import babel.dates
from sphinx.errors import ConfigError
from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)
LOCALES = Path(__file__).resolve().parent.parent / "locales"
STR = frozenset({str})
CONFIG_VALUES: dict[str, tuple[Any, frozenset]] = {
    "handbook_site_name": ("", STR),
    "handbook_base_url": ("", STR),
    "handbook_title_pattern": ("{title}", STR),
    "handbook_description": ("", STR),
    "handbook_keywords": ([], frozenset({list})),
    "handbook_locale": ("en_US", STR),
    "handbook_author": ({}, frozenset({dict})),
    "handbook_practice": ({}, frozenset({dict})),
    "handbook_social_image": ("", STR),
    "handbook_social_image_alt": ("", STR),
    "handbook_consultation_url": ("", STR),
    "handbook_repository_url": ("", STR),
    # The edition's date (edition.py); "release" is its version.
    "handbook_edition_date": (None, frozenset({dt.date, type(None)})),
    "handbook_crisis": ({}, frozenset({dict})),
    "handbook_licence": ({}, frozenset({dict})),
}


# The crisis lines every safety box, footer and PDF prints (safety.py).
CRISIS_KEYS = ("emergency", "crisis_line", "dv_hotline", "dv_tty", "dv_text", "dv_chat")


def base_url_problem(url: str) -> str | None:
    """A sentence saying what is wrong with the base URL, or None."""
    if not url.startswith("https://"):
        return f"handbook_base_url must start with https:// (got {url!r})"
    if not url.endswith("/"):
        return f"handbook_base_url must end with / (got {url!r})"
    return None


def page_url(config: Config, docname: str) -> str:
    """The absolute, canonical URL of a page."""
    return f"{config.handbook_base_url}{docname}.html"


def check_site_block(app: Sphinx, config: Config) -> None:
    problem = base_url_problem(config.handbook_base_url)
    if problem:
        raise ConfigError(problem + "; set it in conf.py or HANDBOOK_BASE_URL.")
    if "{title}" not in config.handbook_title_pattern:
        raise ConfigError("handbook_title_pattern must contain {title}.")
    missing = [key for key in CRISIS_KEYS if not config.handbook_crisis.get(key)]
    if missing:
        logger.warning(
            "handbook_crisis in conf.py lacks %s", ", ".join(missing), type="handbook"
        )


def month_and_year(date: dt.date, language: str | None) -> str:
    """ "November 2026", as the book's language writes it (the site's footer
    and the print edition's copyright page)."""
    return babel.dates.format_date(date, "MMMM y", locale=language or "en")


def edition_month(config: Config) -> str:
    """The edition's month and year."""
    date = config.handbook_edition_date or dt.datetime.now(dt.UTC).date()
    return month_and_year(date, config.language)


def footer_context(app: Sphinx, config: Config) -> None:
    """What the site's footer shows from the site block, once per build: the
    edition, the copyright holder (the author), and the addresses for
    "Report a problem with this page"."""
    config.html_context = {
        **config.html_context,
        "handbook_edition": {"version": config.release, "month": edition_month(config)},
        "handbook_base_url": config.handbook_base_url,
        "handbook_repository_url": config.handbook_repository_url.rstrip("/"),
        # The footer's "Text © ..." line.
        "handbook_copyright_holder": config.handbook_author.get("name", config.author),
    }


def compile_catalogue(app: Sphinx, domain: str) -> None:
    """Compile the language's ``<domain>.po`` into its ``.mo`` when it is
    missing or older, before the catalogue is loaded. Sphinx compiles its own
    domain's catalogue at start-up and the pages' ones before reading, but
    an extension's only after it has been loaded: a fresh checkout's first
    build would show the extensions' words in English."""
    from sphinx.util.i18n import CatalogRepository

    repository = CatalogRepository(
        str(LOCALES.parent), ["locales"], app.config.language, "utf-8"
    )
    for catalogue in repository.catalogs:
        if catalogue.domain == domain and catalogue.is_outdated():
            catalogue.write_mo(app.config.language)


def setup(app: Sphinx) -> ExtensionMetadata:
    # Each language's addresses and locale, set before anything reads them.
    app.setup_extension("languages")
    for name, (default, types) in CONFIG_VALUES.items():
        app.add_config_value(name, default, "env", types=types)
    app.connect("config-inited", check_site_block)
    app.connect("config-inited", footer_context)
    # Translations of what the extensions mark with _() (domain "handbook",
    # extracted by nox -s gettext into handbook.pot): docs/locales/<lang>/
    # LC_MESSAGES/handbook.mo, once a language is added.
    compile_catalogue(app, "handbook")
    app.add_message_catalog("handbook", str(LOCALES))
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
