"""Where the quick exit sits, said once for the button and for the pages.

Every page carries a "Leave this site" button (``_templates/handbook/
quick-exit.html``). Safety advice that tells a frightened reader to look
for it in the wrong corner is a defect, so the button's place is one
setting: the template takes its CSS class from it, and the pages take their
words from it through the ``quick-exit`` role::

    Tap {quick-exit}`button` to leave at once.

renders the words: the "Leave this site" button at the bottom right of every
page of the website (with curly quotes). The role's text chooses the words:

``button``
    the "Leave this site" button at the bottom right of every page of the
    website;
``Button``
    the same, starting with a capital letter (at the start of a sentence);
``place``
    at the bottom right of every page of the website.

Every word is marked for translation (the ``handbook`` catalogue); the
button's label is the template's own "Leave this site", so the page and the
button cannot name it differently. An unknown role text is an error naming
the file and line.

Config values:

``handbook_quick_exit_place`` (str)
    ``"bottom right"`` (the default) or ``"bottom left"``. The button gets
    the class ``quick-exit--bottom-right`` or ``quick-exit--bottom-left``
    (``handbook_quick_exit_class`` in ``html_context``), which
    ``_static/css/handbook.css`` places; an unknown place fails the build.
    Only bottom corners are offered: the page keeps room under its last
    line for the button (``.page`` in ``handbook.css``), and the print
    edition, which has no button, says "of the website".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.errors import ConfigError
from sphinx.locale import get_translation
from sphinx.util.docutils import SphinxRole

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

_ = get_translation("handbook")

PLACES = ("bottom right", "bottom left")


def place_class(place: str) -> str:
    """The button's CSS class for a place: ``quick-exit--bottom-right``."""
    return "quick-exit--" + place.replace(" ", "-")


def place_words(place: str) -> str:
    """Where the button is, in the reader's language."""
    # One literal a place, so that ``nox -s gettext`` extracts each.
    words = {
        "bottom right": _("at the bottom right of every page of the website"),
        "bottom left": _("at the bottom left of every page of the website"),
    }
    return words[place]


def button_words(place: str) -> str:
    """The button, named with the template's label, and where it is."""
    return _("the \u201c{label}\u201d button {place}").format(
        label=_("Leave this site"), place=place_words(place)
    )


class QuickExitRole(SphinxRole):
    """``quick-exit``: the words for the button and its place."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        place = self.config.handbook_quick_exit_place
        kind = self.text.strip()
        if kind.lower() == "button":
            text = button_words(place)
        elif kind == "place":
            text = place_words(place)
        else:
            msg = self.inliner.reporter.error(
                f"quick-exit: unknown text {kind!r} (use button, Button or place)",
                line=self.lineno,
            )
            return [self.inliner.problematic(self.rawtext, self.rawtext, msg)], [msg]
        if kind == "Button":
            text = text[:1].upper() + text[1:]
        return [nodes.inline(self.rawtext, text, classes=["quick-exit-place"])], []


def check_place(app: Sphinx, config: Config) -> None:
    """An unknown place fails the build; the template gets the class."""
    place = config.handbook_quick_exit_place
    if place not in PLACES:
        msg = (
            f"handbook_quick_exit_place is {place!r}; "
            f"use one of: {', '.join(repr(p) for p in PLACES)}"
        )
        raise ConfigError(msg)
    config.html_context = {
        **config.html_context,
        "handbook_quick_exit_class": place_class(place),
    }


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value(
        "handbook_quick_exit_place",
        "bottom right",
        "env",
        types=frozenset({str}),
    )
    app.add_role("quick-exit", QuickExitRole())
    app.connect("config-inited", check_place)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
