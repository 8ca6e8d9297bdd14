"""The print edition's HTML: Sphinx's single-page book as print-ready pieces.

Not an extension: ``print_edition.py`` and ``print_jobs.py`` use it. Pure
functions on lxml trees, with no Sphinx application and no WeasyPrint:

- ``split_book`` cuts the single-page body into its documents
  (``BookPart``), in reading order, each with the anchor that links to it;
- ``set_heading_levels`` makes a document's title ``h1`` (or ``h2`` for an
  exercise printed inside the handbook) and shifts its other headings;
- ``point_links_at_site`` sends links whose target is not in the PDF to the
  website (or drops them, for glossary terms and citations);
- ``add_answer_fields`` gives a worksheet's reflection prompts text fields,
  one a partner when the exercise is done together;
- ``add_tick_boxes`` marks the six-week path's tick lines and, in the
  handout, adds a check box to each.

The few words built here (the partners' labels, the fields' and boxes'
accessible names) go through ``get_translation("handbook")``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree
from lxml import html as lxml_html
from sphinx.locale import get_translation

_ = get_translation("handbook")

HEADING = "self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6"
# Pages whose links are dropped (not printed as URLs) in single-chapter PDFs
# and handouts.
UNLINKED_IN_PARTS = frozenset({"glossary", "references"})


def partners() -> tuple[tuple[str, str], ...]:
    """The two people of a worksheet for two: (field name suffix, label)."""
    return (("partner-a", str(_("Partner A"))), ("partner-b", str(_("Partner B"))))


@dataclass
class BookPart:
    """One document of the book, cut out of the single-page HTML."""

    docname: str
    title: str
    element: Any  # an lxml <section>


def split_book(body: str) -> list[BookPart]:
    """Cut the single-page body into its documents, in reading order."""
    root = lxml_html.fragment_fromstring(body, create_parent="div")
    for link in root.xpath('.//a[contains(@class, "headerlink")]'):
        link.drop_tree()
    for link in root.xpath('.//a[starts-with(@href, "#document-")]'):
        # Some references keep the document's name before the anchor.
        href = link.get("href")
        if href.count("#") > 1:
            link.set("href", href[href.rfind("#") :])
    parts = []
    for marker in root.xpath('.//span[starts-with(@id, "document-")]'):
        section = marker.getnext()
        if section is None or section.tag != "section":
            continue
        docname = marker.get("id").removeprefix("document-")
        heading = section.xpath(f"./*[{HEADING}]")
        title = heading[0].text_content().strip() if heading else docname
        # The marker's own id is the target of links to the whole document.
        section.set("data-docname", docname)
        section.set("data-doc-anchor", marker.get("id"))
        anchor = etree.Element("span", id=marker.get("id"))
        section.insert(0, anchor)
        parts.append(BookPart(docname=docname, title=title, element=section))
    for part in parts:
        part.element.getparent().remove(part.element)
    return parts


def set_heading_levels(section: Any, *, top: int) -> None:
    """Make the document's title ``h<top>`` and shift its other headings."""
    headings = section.xpath(f".//*[{HEADING}]")
    titles = [h for h in headings if "exercise-heading" not in h.get("class", "")]
    if not titles:
        return
    shift = top - int(titles[0].tag[1])
    for heading in titles:
        heading.tag = f"h{min(6, max(1, int(heading.tag[1]) + shift))}"
    for rubric in headings:
        if "exercise-heading" not in rubric.get("class", ""):
            continue
        owner = rubric.xpath(f"ancestor::section[1]/*[{HEADING}][1]")
        level = int(owner[0].tag[1]) + 1 if owner else top + 1
        rubric.tag = f"h{min(6, level)}"


def point_links_at_site(
    section: Any, *, anchors: dict[str, str], base_url: str, local: set[str]
) -> None:
    """Send links whose target is not in this PDF (``local``) to the website.

    ``anchors`` maps every id in the book to its docname.
    """
    for link in section.xpath(".//a[starts-with(@href, '#')]"):
        target = link.get("href")[1:]
        if target in local:
            continue
        docname = anchors.get(target)
        if docname in UNLINKED_IN_PARTS:
            # A citation or glossary term: the words are enough on paper.
            del link.attrib["href"]
        elif docname is None:
            link.set("href", base_url)
        elif target.startswith("document-"):
            link.set("href", f"{base_url}{docname}.html")
        else:
            link.set("href", f"{base_url}{docname}.html#{target}")


def add_answer_fields(section: Any, *, field_prefix: str, together: bool) -> None:
    """Give every reflection prompt a text field a client can type into; two
    side by side, one a partner, when the exercise is done ``together``.

    Field names start with ``field_prefix`` (unique within one PDF: fields
    of the same name are one field). Each field's accessible name (``title``,
    which WeasyPrint writes as the field's /TU) is its prompt, and the
    partner's label for the second kind.
    """
    prompts = section.xpath('.//*[contains(@class, "exercise-prompts")]//li')
    for number, item in enumerate(prompts, 1):
        field_id = f"{field_prefix}-prompt-{number}"
        prompt = " ".join(item.text_content().split())
        item.set("id", f"{field_id}-label")
        if not together:
            text_field(item, name=field_id, title=prompt, labelledby=item.get("id"))
            continue
        pair = etree.SubElement(item, "div")
        pair.set("class", "answer-pair")
        for suffix, partner in partners():
            name = f"{field_id}-{suffix}"
            answer = etree.SubElement(pair, "div")
            answer.set("class", "answer")
            label = etree.SubElement(answer, "label")
            label.set("for", name)
            label.set("id", f"{name}-label")
            label.text = partner
            text_field(
                answer,
                name=name,
                title=str(_("{partner}: {prompt}")).format(
                    partner=partner, prompt=prompt
                ),
                labelledby=f"{field_id}-label {name}-label",
            )


def text_field(parent: Any, *, name: str, title: str, labelledby: str) -> None:
    """An empty ``<textarea>`` (WeasyPrint's multi-line text field)."""
    area = etree.SubElement(parent, "textarea")
    area.set("name", name)
    area.set("id", name)
    area.set("title", title)
    area.set("aria-labelledby", labelledby)
    area.text = ""


def add_tick_boxes(section: Any, *, field_prefix: str, fillable: bool) -> int:
    """Mark each week's tick line; in a fillable PDF, add a check box to it.

    A tick line is a week's last paragraph when it ends with a colon and
    nothing follows it ("Done this week:"). The box's accessible name is the
    week's heading up to its colon ("Week 1") and "done". Returns how many.
    """
    count = 0
    for week in section.xpath("./section"):
        last = week.xpath("./*[last()]")
        if not last or last[0].tag != "p":
            continue
        line = last[0]
        if not line.text_content().strip().endswith(":"):
            continue
        count += 1
        line.set("class", f"{line.get('class', '')} tick-line".strip())
        week.set("class", f"{week.get('class', '')} week".strip())
        if not fillable:
            continue
        heading = week.xpath(f"./*[{HEADING}]")
        name = heading[0].text_content().split(":", 1)[0].strip() if heading else ""
        box = etree.SubElement(line, "input")
        box.set("type", "checkbox")
        box.set("name", f"{field_prefix}-week-{count}-done")
        box.set("id", f"{field_prefix}-week-{count}-done")
        box.set("title", str(_("{week} done")).format(week=name or str(count)))
    return count


def to_html(element: Any) -> str:
    """The element as an HTML string."""
    return lxml_html.tostring(element, encoding="unicode")
