"""Citations without the slow parts, through pybtex's public plugin API.

Two costs of sphinxcontrib-bibtex, each worked around here and written up
for upstream in docs-dev/upstream-reports.md:

1. It asks pybtex for a plugin (the "plaintext" backend, the "last" name
   style) on every citation, and pybtex answers by scanning the entry points
   of every installed package each time. ``register_once`` registers those
   plugins once with ``register_plugin``; pybtex checks that registry first.

2. After every build's reading phase it formats every cited entry again
   with pybtex, even when one page changed and the .bib file did not: about
   0.2 s of each live-preview rebuild. ``conf.py`` therefore names the
   style ``handbook``: pybtex's own "plain" style, which remembers each
   entry it formatted in the Sphinx environment (pickled with it between
   builds) and formats again only an entry whose fields, authors or label
   changed. The output is the same; a test compares it with "plain".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pybtex
import pybtex.plugin
from pybtex.style.formatting.plain import Style as PlainStyle

if TYPE_CHECKING:
    from pybtex.database import Entry
    from pybtex.style import FormattedEntry
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

# (group, name) pairs sphinxcontrib-bibtex looks up per citation or page.
REPEATED_LOOKUPS = (
    ("pybtex.backends", "plaintext"),
    ("pybtex.backends", "docutils"),
    ("pybtex.style.names", "last"),
)

# sphinxcontrib-bibtex formats the entries in its env-updated handler, which
# has Sphinx's default priority (500); the memory is opened before it and
# put away after it.
BIBTEX_PRIORITY = 500


def register_once() -> None:
    for group, name in REPEATED_LOOKUPS:
        plugin = pybtex.plugin.find_plugin(group, name)
        pybtex.plugin.register_plugin(group, name, plugin, force=True)


def fingerprint(label: str, entry: Entry) -> tuple:
    """Everything pybtex's plain style reads from an entry, and the label."""
    persons = tuple(
        (role, tuple(str(person) for person in people))
        for role, people in entry.persons.items()
    )
    fields = tuple((name, value) for name, value in entry.fields.items())
    return (pybtex.__version__, label, entry.key, entry.type, fields, persons)


class Memory:
    """The formatted entries of the last build, and those used in this one."""

    def __init__(self, previous: dict[tuple, FormattedEntry]) -> None:
        self.previous = previous
        self.current: dict[tuple, FormattedEntry] = {}


# The memory of the build that is formatting now (sphinxcontrib-bibtex makes
# the style itself, with no arguments, so it cannot be handed one).
ACTIVE: Memory | None = None


class HandbookStyle(PlainStyle):
    """pybtex's "plain" style, formatting each unchanged entry only once."""

    def format_entry(
        self, label: str, entry: Entry, bib_data: Any = None
    ) -> FormattedEntry:
        memory = ACTIVE
        if memory is None or bib_data is not None:
            return super().format_entry(label, entry, bib_data=bib_data)
        key = fingerprint(label, entry)
        formatted = memory.current.get(key) or memory.previous.get(key)
        if formatted is None:
            formatted = super().format_entry(label, entry)
        memory.current[key] = formatted
        return formatted


def open_memory(app: Sphinx, env: BuildEnvironment) -> None:
    global ACTIVE
    ACTIVE = Memory(getattr(env, "handbook_formatted_citations", {}))


def put_memory_away(app: Sphinx, env: BuildEnvironment) -> None:
    """Keep only what this build used, so the memory never grows stale."""
    global ACTIVE
    if ACTIVE is not None:
        env.handbook_formatted_citations = ACTIVE.current
    ACTIVE = None


# In-text citations in another language ("Gottman y Silver, 1999"): the
# author-year style with that language's word for "and", registered through
# sphinxcontrib-bibtex's plugin API; languages.py picks it for the build
# (handbook_languages' "bibtex_reference_style").
AND = {"es": " y "}


def author_year_in(word: str) -> type:
    from dataclasses import dataclass, field

    from sphinxcontrib.bibtex.style.referencing import PersonStyle
    from sphinxcontrib.bibtex.style.referencing.author_year import (
        AuthorYearReferenceStyle,
    )

    def people() -> PersonStyle:
        return PersonStyle(sep2=word, last_sep=word)

    @dataclass
    class Style(AuthorYearReferenceStyle):
        person: PersonStyle = field(default_factory=people)

    return Style


def setup(app: Sphinx) -> ExtensionMetadata:
    from sphinxcontrib.bibtex.plugin import register_plugin

    for language, word in AND.items():
        register_plugin(
            "sphinxcontrib.bibtex.style.referencing",
            f"author_year_{language}",
            author_year_in(word),
            force=True,
        )
    register_once()
    pybtex.plugin.register_plugin(
        "pybtex.style.formatting", "handbook", HandbookStyle, force=True
    )
    app.connect("env-updated", open_memory, priority=BIBTEX_PRIORITY - 1)
    app.connect("env-updated", put_memory_away, priority=BIBTEX_PRIORITY + 1)
    return {
        "version": "1.1",
        "env_version": 2,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
