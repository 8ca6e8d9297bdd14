"""The invitation to book a consultation, kept apart from health information.

``consultation-invitation`` shows a booking link when ``handbook_consultation_url``
(conf.py) is set. While it is empty, the page says how to ask instead, and
shows no button and no contact detail that has not been confirmed.
``handbook_practice["phone"]`` is shown only when set.

The sentences go through ``_()`` with the handbook's catalogue (``nox -s
gettext`` extracts them into ``handbook.pot``); the details come from conf.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.locale import get_translation
from sphinx.util.docutils import SphinxDirective

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

_ = get_translation("handbook")


def invitation_nodes(*, url: str, phone: str, practice: str) -> list[nodes.Node]:
    """The paragraphs of the invitation for the configured details."""
    box = nodes.container(classes=["consultation-box"])
    para = nodes.paragraph()
    if url:
        para += nodes.reference(
            "",
            str(_("Schedule a private consultation")),
            refuri=url,
            classes=["button"],
        )
    else:
        para += nodes.Text(
            str(
                _(
                    "To ask about a private consultation, contact {practice} "
                    "directly. Online booking details will appear here once the "
                    "practice adds them."
                )
            ).format(practice=practice)
        )
    box += para
    if phone:
        call = nodes.paragraph()
        before, _sep, after = str(_("Or call {phone}.")).partition("{phone}")
        call += nodes.Text(before)
        call += nodes.reference(
            "",
            phone,
            refuri="tel:" + "".join(c for c in phone if c.isdigit() or c == "+"),
        )
        call += nodes.Text(after)
        box += call
    return [box]


class ConsultationInvitation(SphinxDirective):
    """The booking box of the consultation page."""

    def run(self) -> list[nodes.Node]:
        practice = self.config.handbook_practice
        return invitation_nodes(
            url=self.config.handbook_consultation_url,
            phone=practice.get("phone", ""),
            practice=practice.get("name", self.config.author),
        )


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("site_metadata")  # the consultation URL and practice
    app.add_directive("consultation-invitation", ConsultationInvitation)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
