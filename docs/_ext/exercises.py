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
``exercise-index`` lists every exercise, grouped by chapter. Each chapter
gets a list of its exercises appended automatically.

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
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from safety import STANDARD_OPTIONS, safety_box

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

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
PARTS = {
    "steps": ("Steps", nodes.enumerated_list),
    "prompts": ("Reflection prompts", nodes.bullet_list),
    "when-not-to-use": ("When not to use it", None),
}


class exercise_index(nodes.General, nodes.Element):
    """Placeholder replaced by the grouped list of all exercises."""


def _part_classes(kind: str) -> list[str]:
    return ["exercise-part", f"exercise-{kind}"]


def _heading(text: str, level: int = 2) -> nodes.rubric:
    rubric = nodes.rubric(text, text, classes=["exercise-heading"])
    rubric["heading-level"] = level
    return rubric


class ExercisePartDirective(SphinxDirective):
    """One part of an exercise: steps, prompts or when not to use it."""

    has_content = True
    option_spec: ClassVar[dict[str, Any]] = STANDARD_OPTIONS
    kind: ClassVar[str]

    def run(self) -> list[nodes.Node]:
        if self.kind == "when-not-to-use":
            # The author's caution and the crisis lines are one safety box.
            box = safety_box(
                self, PARTS[self.kind][0], list(self.content), self.content_offset
            )
            # No page class on a safety box (page_source refuses it too).
            box["classes"] += _part_classes(self.kind)
            return [box]
        part = nodes.container(
            classes=_part_classes(self.kind) + self.options.get("class", [])
        )
        self.set_source_info(part)
        self.add_name(part)
        part += _heading(PARTS[self.kind][0])
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
        for label, key in (("Time", "time"), ("Who", "who"), ("Purpose", "purpose")):
            item = nodes.definition_list_item()
            item += nodes.term(label, label)
            definition = nodes.definition()
            text = self.options[key]
            if key == "who":
                text = text.capitalize()
            para = nodes.paragraph()
            para += self.parse_inline(text, lineno=self.lineno)[0]
            definition += para
            item += definition
            summary += item
        return summary

    def _chapter_and_handout_links(self, exercise_id: str) -> nodes.container:
        links = nodes.container(classes=["exercise-links"])
        chapter = nodes.paragraph(classes=["exercise-chapter"])
        chapter += nodes.Text("From the chapter: ")
        chapter += _doc_link(self.options["chapter"], None)
        links += chapter
        uri = site_file_uri(
            self.env.docname, f"{self.config.handbook_handout_dir}/{exercise_id}.pdf"
        )
        handout = nodes.paragraph(classes=["exercise-handout", "web-only"])
        handout += nodes.reference(
            "", "Download the fillable handout (PDF)", refuri=uri
        )
        links += handout
        return links


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
    for kind, (_title, list_type) in PARTS.items():
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
        if self.arguments:
            label = nodes.paragraph(classes=["phrase-label"])
            label += self.parse_inline(self.arguments[0], lineno=self.lineno)[0]
            card += label
        text = nodes.paragraph(classes=["phrase-text"])
        text += self.parse_inline(" ".join(self.content), lineno=self.content_offset)[0]
        card += text
        return [card]


class ExerciseIndexDirective(SphinxDirective):
    """Where the list of every exercise, grouped by chapter, goes."""

    option_spec: ClassVar[dict[str, Any]] = {}

    def run(self) -> list[nodes.Node]:
        note_exercise_list(self.env, self.env.docname)
        return [exercise_index()]


# -- Collecting exercises across documents (parallel-safe) -------------------


def env_exercises(env: BuildEnvironment) -> dict[str, dict[str, Any]]:
    if not hasattr(env, "handbook_exercises"):
        env.handbook_exercises = {}
    return env.handbook_exercises


def exercises_by_id(env: BuildEnvironment) -> dict[str, str]:
    """Exercise id -> the docname of its page."""
    return {data["id"]: docname for docname, data in env_exercises(env).items()}


def site_file_uri(docname: str, path: str) -> str:
    """A file published on the website (a handout, a packet), relative to
    the page ``docname``."""
    return "../" * docname.count("/") + path


def exercise_lists(env: BuildEnvironment) -> set[str]:
    """Pages that list exercises by title (the index, the packet list): they
    are written anew whenever an exercise changes."""
    if not hasattr(env, "handbook_exercise_lists"):
        env.handbook_exercise_lists = set()
    return env.handbook_exercise_lists


def note_exercise_list(env: BuildEnvironment, docname: str) -> None:
    exercise_lists(env).add(docname)


def purge_exercises(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    env_exercises(env).pop(docname, None)
    exercise_lists(env).discard(docname)


def merge_exercises(
    app: Sphinx, env: BuildEnvironment, docnames: Iterable[str], other: BuildEnvironment
) -> None:
    env_exercises(env).update(
        {d: data for d, data in env_exercises(other).items() if d in docnames}
    )
    exercise_lists(env).update(exercise_lists(other) & set(docnames))


def check_exercises(app: Sphinx, env: BuildEnvironment) -> None:
    """Ids must be unique and every exercise must name a real chapter."""
    seen: dict[str, str] = {}
    for docname, data in sorted(env_exercises(env).items()):
        location = (docname, data["line"])
        if data["id"] in seen:
            logger.warning(
                "exercise id %r is already used by %s",
                data["id"],
                seen[data["id"]],
                location=location,
                type="handbook",
                subtype="exercise",
            )
        seen[data["id"]] = docname
        if data["chapter"] not in env.found_docs:
            logger.warning(
                "exercise names chapter %r, which is not a page",
                data["chapter"],
                location=location,
                type="handbook",
                subtype="exercise",
            )


def pages_to_rewrite(
    app: Sphinx,
    env: BuildEnvironment,
    added: set[str],
    changed: set[str],
    removed: set[str],
) -> list[str]:
    """When an exercise changes, its chapter and every page that lists
    exercises (the index, the packet list) list it anew."""
    touched = added | changed | removed
    exercises = env_exercises(env)
    if not any(d in exercises or d.startswith("exercises/") for d in touched):
        return []
    chapters = {data["chapter"] for data in exercises.values()}
    return sorted((chapters | exercise_lists(env)) & env.found_docs)


def book_order(env: BuildEnvironment) -> list[str]:
    """Docnames in reading order, following the toctrees from the root."""
    order: list[str] = []

    def walk(docname: str) -> None:
        if docname in order:
            return
        order.append(docname)
        for child in env.toctree_includes.get(docname, []):
            walk(child)

    walk(env.config.root_doc)
    return order


def exercises_by_chapter(env: BuildEnvironment) -> list[tuple[str, list[str]]]:
    """(chapter, [exercise docnames]) pairs in reading order."""
    order = {d: i for i, d in enumerate(book_order(env))}
    groups: dict[str, list[str]] = {}
    for docname, data in env_exercises(env).items():
        groups.setdefault(data["chapter"], []).append(docname)
    return [
        (chapter, sorted(docs, key=lambda d: order.get(d, len(order))))
        for chapter, docs in sorted(
            groups.items(), key=lambda item: order.get(item[0], len(order))
        )
    ]


def _exercise_list(
    app: Sphinx, fromdocname: str, docnames: list[str]
) -> nodes.bullet_list:
    env = app.env
    items = nodes.bullet_list(classes=["exercise-list"])
    for docname in docnames:
        data = env_exercises(env)[docname]
        para = nodes.paragraph()
        title = env.titles[docname].astext()
        para += nodes.reference(
            "",
            title,
            internal=True,
            refuri=app.builder.get_relative_uri(fromdocname, docname),
        )
        para += nodes.Text(f" · {data['time']} · {data['who']}")
        items += nodes.list_item("", para)
    return items


def resolve_exercise_lists(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Fill the index, append each chapter's exercises, drop web-only links."""
    env = app.env
    index_nodes = list(doctree.findall(exercise_index))
    has_exercises = any(d["chapter"] == docname for d in env_exercises(env).values())
    # The grouping walks the whole book; only the index and chapters need it.
    groups = exercises_by_chapter(env) if index_nodes or has_exercises else []
    for node in index_nodes:
        content: list[nodes.Node] = []
        for chapter, docs in groups:
            heading = _heading(
                env.titles[chapter].astext() if chapter in env.titles else chapter, 2
            )
            content += [heading, _exercise_list(app, docname, docs)]
        node.replace_self(content)

    for chapter, docs in groups:
        if chapter == docname:
            section = next(iter(doctree.findall(nodes.section)), None)
            if section is not None:
                box = nodes.container(classes=["chapter-exercises"])
                box += _heading("Exercises for this chapter")
                box += _exercise_list(app, docname, docs)
                section += box

    if app.builder.name != "html":
        for node in list(doctree.findall(nodes.Element)):
            if "web-only" in node.get("classes", []):
                node.parent.remove(node)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value(
        "handbook_safety_page", "chapters/getting-help", "env", types=frozenset({str})
    )
    app.add_config_value(
        "handbook_handout_dir", "downloads/handouts", "env", types=frozenset({str})
    )
    app.add_node(exercise_index)
    app.add_directive("exercise", ExerciseDirective)
    for kind in PARTS:
        app.add_directive(kind, _part_directive(kind))
    app.add_directive("phrase", PhraseDirective)
    app.add_directive("exercise-index", ExerciseIndexDirective)
    app.connect("env-purge-doc", purge_exercises)
    app.connect("env-merge-info", merge_exercises)
    app.connect("env-check-consistency", check_exercises)
    app.connect("env-get-outdated", pages_to_rewrite)
    app.connect("doctree-resolved", resolve_exercise_lists)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
