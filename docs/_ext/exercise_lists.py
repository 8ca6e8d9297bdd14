"""Exercises across the book: the index, each chapter's list, the pages to
rewrite when one changes.

``exercises.py`` reads each exercise card and records it here (in the
environment, so that parallel reads merge); this module checks that ids are
unique and chapters real, fills the ``exercise-index`` with every exercise
grouped by chapter in reading order, appends "Exercises for this chapter" to
each chapter, and drops web-only links (the handout downloads) from the
other builders' output.

The words a reader sees ("Exercises for this chapter", who an exercise is
for) go through ``_()`` with the handbook's catalogue (``nox -s gettext``
extracts them into ``handbook.pot``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from sphinx.locale import get_translation
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)
_ = get_translation("handbook")


class exercise_index(nodes.General, nodes.Element):
    """Placeholder replaced by the grouped list of all exercises."""


def heading(text: str, level: int = 2) -> nodes.rubric:
    """A heading inside an exercise card or list (a rubric with a level)."""
    rubric = nodes.rubric(text, text, classes=["exercise-heading"])
    rubric["heading-level"] = level
    # Already in the reader's language (_()): not a message of the page.
    rubric["translatable"] = False
    return rubric


def who_text(who: str) -> str:
    """An exercise's ``who`` field in the reader's language."""
    words = {
        "together": _("together"),
        "alone": _("alone"),
        "alone or together": _("alone or together"),
    }
    return str(words.get(who, who))


class ExerciseIndexDirective(SphinxDirective):
    """Where the list of every exercise, grouped by chapter, goes."""

    option_spec: ClassVar[dict[str, Any]] = {}

    def run(self) -> list[nodes.Node]:
        note_exercise_list(self.env, self.env.docname)
        return [exercise_index()]


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
        para += nodes.Text(f" · {data['time']} · {who_text(data['who'])}")
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
            title = heading(
                env.titles[chapter].astext() if chapter in env.titles else chapter, 2
            )
            content += [title, _exercise_list(app, docname, docs)]
        node.replace_self(content)

    for chapter, docs in groups:
        if chapter == docname:
            section = next(iter(doctree.findall(nodes.section)), None)
            if section is not None:
                box = nodes.container(classes=["chapter-exercises"])
                box += heading(_("Exercises for this chapter"))
                box += _exercise_list(app, docname, docs)
                section += box

    if app.builder.name != "html":
        for node in list(doctree.findall(nodes.Element)):
            if "web-only" in node.get("classes", []):
                node.parent.remove(node)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_node(exercise_index)
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
