"""Worksheet packets for therapists, and their download list on the website.

A packet is a set of worksheets for one kind of work (first sessions, a
pursue-withdraw cycle, after a betrayal), declared once in ``conf.py``::

    handbook_packets = {
        "first-sessions": {
            "title": "First Sessions",
            "exercises": ["where-are-we-now", "daily-check-in"],
        },
    }

The print builder (``print_edition.py``) makes ``packets/<name>.pdf`` of
each: a cover page (``_templates/print/packet-cover.html``) and the fillable
worksheets of the listed exercises (by their ``:id:``), in that order. The
``packet-list`` directive lists every packet on a page, with its title, its
worksheets and a link to its PDF, so that a new packet in ``conf.py``
appears on the website with no other change::

    :::{packet-list}
    :::

A packet name that is not lower-case words joined by hyphens, a missing
title, an empty packet, an unknown exercise id or an exercise listed twice
in one packet is a warning naming ``conf.py`` and the packet's line, so
``-W`` fails the build.

Config values:

``handbook_packets`` (dict)
    Packet name (the PDF's file name) -> ``{"title": str, "exercises":
    [exercise ids]}``.
``handbook_packet_dir`` (str)
    Where the site publishes the packet PDFs, relative to the site root
    (``nox -s build`` copies ``build/pdf`` to ``downloads/``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from sphinx.locale import get_translation
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from exercises import ID_PATTERN, exercises_by_id, note_exercise_list, site_file_uri

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)
_ = get_translation("handbook")


class packet_list(nodes.General, nodes.Element):
    """Placeholder replaced by the list of packets once titles are known."""


def packet_problems(name: Any, packet: Any, known_ids: set[str]) -> list[str]:
    """Sentences naming what is wrong with one entry of handbook_packets."""
    if not isinstance(name, str) or not ID_PATTERN.match(name):
        return [
            f"packet name {name!r} must be lower-case words joined by hyphens "
            "(it names the PDF)"
        ]
    if not isinstance(packet, dict):
        return [f"packet {name!r} must be a dict with 'title' and 'exercises'"]
    problems = []
    if not isinstance(packet.get("title"), str) or not packet["title"].strip():
        problems.append(f"packet {name!r} needs a 'title'")
    exercise_ids = packet.get("exercises")
    if not isinstance(exercise_ids, (list, tuple)) or not exercise_ids:
        problems.append(f"packet {name!r} is empty: list its exercises' ids")
        return problems
    unknown = [i for i in exercise_ids if i not in known_ids]
    if unknown:
        problems.append(
            f"packet {name!r} lists unknown exercise id(s) "
            f"{', '.join(map(repr, unknown))} (ids are the exercises' ':id:')"
        )
    repeated = sorted({i for i in exercise_ids if exercise_ids.count(i) > 1})
    if repeated:
        problems.append(
            f"packet {name!r} lists {', '.join(map(repr, repeated))} more than once"
        )
    return problems


def packet_contents(
    packets: dict[str, Any], known_ids: set[str]
) -> list[tuple[str, str, list[str]]]:
    """(name, title, exercise ids) of every packet without problems (the
    others fail the build: check_packets), in the order of ``conf.py``."""
    return [
        (name, packet["title"], list(packet["exercises"]))
        for name, packet in packets.items()
        if not packet_problems(name, packet, known_ids)
    ]


def conf_location(confdir: Path, name: str) -> str:
    """``path/conf.py:line`` of the packet ``name`` (of ``handbook_packets``
    when the name is not found, as with ``-D``)."""
    path = Path(confdir) / "conf.py"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    key = re.compile(rf"""^\s*["']{re.escape(str(name))}["']\s*:""")
    setting = re.compile(r"^handbook_packets\s*=")
    for pattern in (key, setting):
        for number, line in enumerate(lines, 1):
            if pattern.match(line):
                return f"{path}:{number}"
    return f"{path}:1"


def check_packets(app: Sphinx, env: BuildEnvironment) -> None:
    """Every packet has a name, a title and known exercises (named by id)."""
    known_ids = set(exercises_by_id(env))
    for name, packet in app.config.handbook_packets.items():
        for problem in packet_problems(name, packet, known_ids):
            logger.warning(
                problem,
                location=conf_location(app.confdir, name),
                type="handbook",
                subtype="packet",
            )


class PacketListDirective(SphinxDirective):
    """Where the list of packets, with their worksheets and PDFs, goes."""

    option_spec: ClassVar[dict[str, Any]] = {}

    def run(self) -> list[nodes.Node]:
        node = packet_list()
        self.set_source_info(node)
        note_exercise_list(self.env, self.env.docname)
        return [node]


def packet_uri(app: Sphinx, docname: str, name: str) -> str:
    """The packet's PDF: relative on the website (as the handout links),
    the website's address in the PDFs and the EPUB."""
    path = f"{app.config.handbook_packet_dir}/{name}.pdf"
    if app.builder.name == "html":
        return site_file_uri(docname, path)
    return app.config.handbook_base_url + path


def resolve_packet_lists(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    placeholders = list(doctree.findall(packet_list))
    if not placeholders:
        return
    env = app.env
    by_id = exercises_by_id(env)
    content = nodes.container(classes=["packet-list"])
    for name, title, exercise_ids in packet_contents(
        app.config.handbook_packets, set(by_id)
    ):
        packet = nodes.container(classes=["packet"])
        heading = nodes.paragraph(classes=["packet-title"])
        heading += nodes.strong(title, title)
        heading += nodes.Text(" · ")
        # Link text unique on the page, for a screen reader's list of links.
        download = str(_("Download the {title} packet (PDF)")).format(title=title)
        heading += nodes.reference("", download, refuri=packet_uri(app, docname, name))
        packet += heading
        sheets = nodes.bullet_list(classes=["packet-worksheets"])
        for exercise_id in exercise_ids:
            target = by_id[exercise_id]
            title_text = env.titles[target].astext() if target in env.titles else target
            para = nodes.paragraph()
            para += nodes.reference(
                "",
                title_text,
                internal=True,
                refuri=app.builder.get_relative_uri(docname, target),
            )
            sheets += nodes.list_item("", para)
        packet += sheets
        content += packet
    for node in placeholders:
        node.replace_self(content.deepcopy())


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("exercises")
    app.add_config_value("handbook_packets", {}, "env", types=frozenset({dict}))
    app.add_config_value(
        "handbook_packet_dir", "downloads/packets", "env", types=frozenset({str})
    )
    app.add_node(packet_list)
    app.add_directive("packet-list", PacketListDirective)
    app.connect("env-check-consistency", check_packets)
    app.connect("doctree-resolved", resolve_packet_lists)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
