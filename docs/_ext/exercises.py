"""Exercises for couples: the exercise card, phrase cards and the index.

An exercise page holds one ``exercise`` directive::

    ::::{exercise}
    :id: daily-check-in
    :chapter: chapters/daily-connection
    :time: 10 minutes
    :who: together
    :purpose: Share how you feel, not only what you did.

    :::{steps}
    1. Sit down together without screens.
    :::

    :::{prompts}
    - What felt heavy today?
    :::

    :::{when-not-to-use}
    When either of you is too upset to listen.
    :::
    ::::

The title is the page's heading. ``id`` (lower-case words joined by hyphens)
names the handout PDF; ``chapter`` is the docname of the chapter the exercise
belongs to; ``who`` is ``together``, ``alone`` or ``alone or together``.
A missing or unknown field, a missing part or a duplicate id is a warning
that names the file and line, so ``-W`` fails the build.

An exercise done ``together`` must be written for two: at least one of its
steps gives both partners a part, by saying so in words such as "each of
you", "both of you", "take turns", "switch", "your partner", "each other",
"one of you", "the other", "the listener" or "together" (``BOTH_PARTNERS``).
Steps written for one person only are a warning naming the file and line of
the steps; such an exercise is ``alone`` or ``alone or together``. The
worksheet of a ``together`` exercise has two answer fields a prompt, one a
partner (``print_edition.py``).

``phrase`` makes a short card with a copy button (see ``copybutton_selector``
in conf.py), for words a reader may want to send to a partner.
``exercise-index`` lists every exercise, grouped by chapter, and each chapter
gets a list of its exercises appended (``exercise_lists.py``).

The card's own words (the parts' headings, "Time", "Who", "Purpose", "From
the chapter", the handout link) go through ``_()`` with the handbook's
catalogue, so that ``nox -s gettext`` extracts them into ``handbook.pot``.

Config values:

``handbook_safety_page`` (str)
    Docname of the page every exercise points to for safety and crisis help.
``handbook_handout_dir`` (str)
    Where the site publishes handout PDFs, relative to the site root.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.locale import get_translation
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

# What the index, packets and the print edition read about exercises.
from exercise_lists import (  # noqa: F401
    env_exercises,
    exercises_by_id,
    heading,
    note_exercise_list,
    site_file_uri,
    who_text,
)
from safety import STANDARD_OPTIONS, safety_box

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)
_ = get_translation("handbook")

WHO = ("together", "alone", "alone or together")
REQUIRED = ("id", "chapter", "time", "who", "purpose")
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Words that give both partners a part in a step (see the module docstring).
BOTH_PARTNERS = re.compile(
    r"\b(each of you|both of you|take turns|taking turns|in turn|switch|swap"
    r"|your partner|each other|one another|one of you|the other"
    r"|the listener|the speaker|together)\b",
    re.IGNORECASE,
)
# Each part's directive and the kind of list it must hold.
PARTS = {
    "steps": nodes.enumerated_list,
    "prompts": nodes.bullet_list,
    "when-not-to-use": None,
}


def part_title(kind: str) -> str:
    """The heading of a part, in the reader's language."""
    titles = {
        "steps": _("Steps"),
        "prompts": _("Reflection prompts"),
        "when-not-to-use": _("When not to use it"),
    }
    return str(titles[kind])


def text_with(template: str, node: nodes.Node) -> list[nodes.Node]:
    """A translated sentence with ``{link}`` in it, the node in its place
    (a translation may put the link anywhere in the sentence)."""
    before, _sep, after = str(template).partition("{link}")
    return [
        *([nodes.Text(before)] if before else []),
        node,
        *([nodes.Text(after)] if after else []),
    ]


def _part_classes(kind: str) -> list[str]:
    return ["exercise-part", f"exercise-{kind}"]


class ExercisePartDirective(SphinxDirective):
    """One part of an exercise: steps, prompts or when not to use it."""

    has_content = True
    option_spec: ClassVar[dict[str, Any]] = STANDARD_OPTIONS
    kind: ClassVar[str]

    def run(self) -> list[nodes.Node]:
        if self.kind == "when-not-to-use":
            # The author's caution and the crisis lines are one safety box.
            box = safety_box(
                self, part_title(self.kind), list(self.content), self.content_offset
            )
            # No page class on a safety box (page_source refuses it too).
            box["classes"] += _part_classes(self.kind)
            return [box]
        part = nodes.container(
            classes=_part_classes(self.kind) + self.options.get("class", [])
        )
        self.set_source_info(part)
        self.add_name(part)
        part += heading(part_title(self.kind))
        self.state.nested_parse(self.content, self.content_offset, part)
        return [part]


def _part_directive(kind: str) -> type[ExercisePartDirective]:
    return type(
        f"ExercisePart_{kind.replace('-', '_')}",
        (ExercisePartDirective,),
        {"kind": kind},
    )


class ExerciseDirective(SphinxDirective):
    """A couple exercise rendered as a card, collected for the index."""

    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {
        "id": directives.unchanged_required,
        "chapter": directives.unchanged_required,
        "time": directives.unchanged_required,
        "who": lambda value: directives.choice(value, WHO),
        "purpose": directives.unchanged_required,
    }

    def run(self) -> list[nodes.Node]:
        location = self.get_location()
        missing = [name for name in REQUIRED if not self.options.get(name)]
        if missing:
            logger.warning(
                "exercise is missing the field(s) %s (required: %s)",
                ", ".join(missing),
                ", ".join(REQUIRED),
                location=location,
                type="handbook",
                subtype="exercise",
            )
            return []
        exercise_id = self.options["id"]
        if not ID_PATTERN.match(exercise_id):
            logger.warning(
                "exercise id %r must be lower-case words joined by hyphens",
                exercise_id,
                location=location,
                type="handbook",
                subtype="exercise",
            )
            return []

        card = nodes.container(
            classes=["exercise-card"], ids=[f"exercise-{exercise_id}"]
        )
        self.set_source_info(card)
        card += self._summary()
        body = nodes.container()
        self.state.nested_parse(self.content, self.content_offset, body)
        problems = _part_problems(body)
        for problem in problems:
            logger.warning(
                problem, location=location, type="handbook", subtype="exercise"
            )
        if problems:
            return []
        if self.options["who"] == "together":
            _check_steps_for_two(body)
        card.extend(body.children)
        card += self._chapter_and_handout_links(exercise_id)

        env_exercises(self.env)[self.env.docname] = {
            "id": exercise_id,
            "chapter": self.options["chapter"].lstrip("/"),
            "time": self.options["time"],
            "who": self.options["who"],
            "purpose": self.options["purpose"],
            "line": self.lineno,
        }
        return [card]

    def _summary(self) -> nodes.definition_list:
        summary = nodes.definition_list(classes=["exercise-summary"])
        labels = (("time", _("Time")), ("who", _("Who")), ("purpose", _("Purpose")))
        for key, label in labels:
            item = nodes.definition_list_item(handbook_field=key)
            item += nodes.term(str(label), str(label))
            definition = nodes.definition()
            text = self.options[key]
            if key == "who":
                text = who_text(text).capitalize()
            para = nodes.paragraph()
            if key != "who":
                # The author's words: with a source, Sphinx's gettext builder
                # extracts them with the page's and a translation replaces them.
                para.rawsource = text
                self.set_source_info(para)
            para += self.parse_inline(text, lineno=self.lineno)[0]
            definition += para
            item += definition
            summary += item
        return summary

    def _chapter_and_handout_links(self, exercise_id: str) -> nodes.container:
        links = nodes.container(classes=["exercise-links"])
        chapter = nodes.paragraph(classes=["exercise-chapter"])
        chapter += text_with(
            _("From the chapter: {link}"), _doc_link(self.options["chapter"], None)
        )
        links += chapter
        uri = site_file_uri(
            self.env.docname, f"{self.config.handbook_handout_dir}/{exercise_id}.pdf"
        )
        handout = nodes.paragraph(classes=["exercise-handout", "web-only"])
        handout += nodes.reference(
            "", str(_("Download the fillable handout (PDF)")), refuri=uri
        )
        links += handout
        return links


def record_page_words(app: Sphinx, doctree: nodes.document) -> None:
    """The exercise's time and purpose as its page says them once read, so
    translated when the page is: the index, the chapters' lists and the
    worksheets show them (the same text in English)."""
    data = env_exercises(app.env).get(app.env.docname)
    if data is None:
        return
    for item in doctree.findall(nodes.definition_list_item):
        if item.get("handbook_field") in ("time", "purpose"):
            data[item["handbook_field"]] = item.children[1].astext()


def _doc_link(docname: str, text: str | None) -> addnodes.pending_xref:
    ref = addnodes.pending_xref(
        "",
        refdomain="std",
        reftype="doc",
        reftarget="/" + docname.lstrip("/"),
        refexplicit=text is not None,
        refwarn=True,
    )
    ref += nodes.inline("", text or docname)
    return ref


def _part_problems(body: nodes.Element) -> list[str]:
    """Sentences naming each missing, repeated or malformed part."""
    problems = []
    for kind, list_type in PARTS.items():
        found = [
            node
            for node in body.children
            if isinstance(node, nodes.Element) and f"exercise-{kind}" in node["classes"]
        ]
        if len(found) != 1:
            problems.append(
                f"exercise needs exactly one '{kind}' part, found {len(found)}"
            )
        elif list_type and not any(isinstance(n, list_type) for n in found[0].children):
            shape = "a numbered list" if kind == "steps" else "a bulleted list"
            problems.append(f"the '{kind}' part must hold {shape}")
    return problems


def _check_steps_for_two(body: nodes.Element) -> None:
    """Warn when no step of a ``together`` exercise gives both partners a
    part (``BOTH_PARTNERS``), naming the file and line of the steps."""
    steps = next(
        node
        for node in body.children
        if isinstance(node, nodes.Element) and "exercise-steps" in node["classes"]
    )
    items = [
        item
        for step_list in steps.children
        if isinstance(step_list, nodes.enumerated_list)
        for item in step_list.children
    ]
    if not any(BOTH_PARTNERS.search(item.astext()) for item in items):
        logger.warning(
            "this exercise is done 'together' but its steps are written for one "
            'person: let at least one step give both partners a part ("each of '
            'you", "take turns", "your partner"...), or make it \'alone or '
            "together'",
            location=steps,
            type="handbook",
            subtype="exercise",
        )


class PhraseDirective(SphinxDirective):
    """A phrase card: words to keep, with a copy button on the web."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Any]] = STANDARD_OPTIONS

    def run(self) -> list[nodes.Node]:
        card = nodes.container(classes=["phrase-card", *self.options.get("class", [])])
        self.set_source_info(card)
        self.add_name(card)
        # Each paragraph carries its source text and line, so that it is a
        # message of the page's catalogue (Sphinx's gettext skips text
        # without them) and a translation replaces its words.
        if self.arguments:
            label = nodes.paragraph(self.arguments[0], classes=["phrase-label"])
            self.set_source_info(label)
            label += self.parse_inline(self.arguments[0], lineno=self.lineno)[0]
            card += label
        words = " ".join(self.content)
        text = nodes.paragraph(words, classes=["phrase-text"])
        text.source, text.line = self.get_source_info()[0], self.content_offset + 1
        text += self.parse_inline(words, lineno=self.content_offset)[0]
        card += text
        return [card]


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value(
        "handbook_safety_page", "chapters/getting-help", "env", types=frozenset({str})
    )
    app.add_config_value(
        "handbook_handout_dir", "downloads/handouts", "env", types=frozenset({str})
    )
    app.add_directive("exercise", ExerciseDirective)
    for kind in PARTS:
        app.add_directive(kind, _part_directive(kind))
    app.add_directive("phrase", PhraseDirective)
    app.connect("doctree-read", record_page_words)
    # The index, each chapter's list and the environment's record.
    app.setup_extension("exercise_lists")
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
