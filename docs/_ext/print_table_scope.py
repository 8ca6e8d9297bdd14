"""Table header cells with their /Scope, in a PDF WeasyPrint has written.

Not an extension: ``print_render.py`` calls ``scope_table_headers`` on each
PDF's bytes before writing the file, unless ``handbook_print_table_scope``
(``print_edition.py``) is ``False``.

A workaround for WeasyPrint 70, which writes no ``/Scope`` on a table's
``TH`` structure elements (WeasyPrint issue #2508, "PDF/UA: Tags for header
cells in tables are missing"; our comment on it is in CONTRIBUTING.md,
"Upstream reports: the PDF/UA check"). WeasyPrint does tie each data cell to
its headers (``/Headers`` on ``TD``, ``/ID`` on ``TH``), but a screen reader
or validator that reads ``/Scope`` (pdfua 0.1.3 for one) finds none. This
module reads the PDF with pikepdf's public API, gives each ``TH`` an
attribute object ``<< /O /Table /Scope ... >>`` and saves it again:

- ``/Column`` for a header cell of a header row: a row of a ``THead``, or a
  row of header cells only;
- ``/Row`` for a header cell in the first column of a body row that also
  holds data cells (the row's name, as on the left of a table);
- ``/Column`` otherwise.

A ``TH`` that already has a ``/Scope`` keeps it, so a WeasyPrint that writes
its own wins; then the switch can go, with this module.

The saved PDF is byte-identical for the same input: pikepdf (qpdf) keeps the
first part of the trailer's ``/ID`` (WeasyPrint's ``pdf_identifier``) and,
with ``deterministic_id=True``, computes the second from the content instead
of at random; nothing else in the file (metadata, dates, form fields, the
rest of the structure tree) is touched.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

# Importing pikepdf logs an INFO message ("logger bridge initialized"), and
# the root logger that accessible-pygments configures prints INFO messages
# (docs-dev/upstream-reports.md, accessible-pygments): pikepdf is imported
# with its logger at WARNING, which is then put back.
_pikepdf_log = logging.getLogger("pikepdf")
_level = _pikepdf_log.level
_pikepdf_log.setLevel(logging.WARNING)
try:
    import pikepdf
finally:
    _pikepdf_log.setLevel(_level)

ROW_GROUPS = ("/THead", "/TBody", "/TFoot")
CELLS = ("/TH", "/TD")


def scope_table_headers(pdf_bytes: bytes) -> bytes:
    """The PDF in ``pdf_bytes`` with every ``TH`` given its ``/Scope``;
    the same bytes if it has no table header cell without one."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        tree = pdf.Root.get("/StructTreeRoot")
        if tree is None or not add_scopes(tree):
            return pdf_bytes
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def add_scopes(tree: pikepdf.Dictionary) -> int:
    """Give each ``TH`` under ``tree`` without a ``/Scope`` its scope;
    return how many were given one."""
    given = 0
    for table in elements(tree, "/Table"):
        for in_head, cells in table_rows(table):
            header_row = in_head or all(cell.S == "/TH" for cell, _ in cells)
            for cell, column in cells:
                if cell.S == "/TH":
                    row_name = not header_row and column == 0
                    scope = pikepdf.Name.Row if row_name else pikepdf.Name.Column
                    given += set_scope(cell, scope)
    return given


def set_scope(cell: pikepdf.Dictionary, scope: pikepdf.Name) -> int:
    """Put ``scope`` in the cell's Table attribute object (made if need be);
    1 if it was put there, 0 if the cell had a scope already."""
    attributes = attribute_objects(cell)
    if any("/Scope" in attribute for attribute in attributes):
        return 0
    for attribute in attributes:
        if attribute.get("/O") == "/Table":
            attribute.Scope = scope
            return 1
    table = pikepdf.Dictionary(O=pikepdf.Name.Table, Scope=scope)
    if "/A" not in cell:
        cell.A = table
    elif isinstance(cell.A, pikepdf.Array):
        cell.A.append(table)
    else:
        cell.A = pikepdf.Array([cell.A, table])
    return 1


def table_rows(
    table: pikepdf.Dictionary,
) -> Iterator[tuple[bool, list[tuple[pikepdf.Dictionary, int]]]]:
    """Each row of ``table`` in order: whether it is in a ``THead``, and its
    cells, each with its first column (a cell spanning rows from above
    takes its columns in the rows below)."""
    rows = []
    for kid in kids(table):
        if kid.get("/S") == "/TR":
            rows.append((kid, False))
        elif kid.get("/S") in ROW_GROUPS:
            rows += [(r, kid.S == "/THead") for r in kids(kid) if r.get("/S") == "/TR"]
    spanned: dict[int, int] = {}  # column -> rows it is still taken for
    for row, in_head in rows:
        cells: list[tuple[pikepdf.Dictionary, int]] = []
        column = 0
        for cell in (k for k in kids(row) if k.get("/S") in CELLS):
            while spanned.get(column, 0) > 0:
                column += 1
            cells.append((cell, column))
            columns, rows_down = span(cell, "/ColSpan"), span(cell, "/RowSpan")
            for taken in range(column, column + columns):
                spanned[taken] = rows_down
            column += columns
        yield in_head, cells
        spanned = {c: left - 1 for c, left in spanned.items() if left > 1}


def span(cell: pikepdf.Dictionary, key: str) -> int:
    """The cell's ``/ColSpan`` or ``/RowSpan`` (1 when not given)."""
    for attribute in attribute_objects(cell):
        if key in attribute:
            return int(attribute[key])
    return 1


def attribute_objects(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    """The attribute objects of an element's ``/A``: one, or an array of
    them (each may be followed by a revision number)."""
    a = element.get("/A")
    items = list(a) if isinstance(a, pikepdf.Array) else [a]
    return [item for item in items if isinstance(item, pikepdf.Dictionary)]


def kids(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    """The structure elements among an element's ``/K`` (not its marked
    content or annotations)."""
    k = element.get("/K")
    items = list(k) if isinstance(k, pikepdf.Array) else [k]
    return [
        item for item in items if isinstance(item, pikepdf.Dictionary) and "/S" in item
    ]


def elements(tree: pikepdf.Dictionary, kind: str) -> Iterator[pikepdf.Dictionary]:
    """Every structure element of type ``kind`` under ``tree``, each once."""
    seen: set[tuple[int, int]] = set()
    stack = list(reversed(kids(tree)))
    while stack:
        element = stack.pop()
        if element.is_indirect:
            if element.objgen in seen:
                continue
            seen.add(element.objgen)
        if element.get("/S") == kind:
            yield element
        stack.extend(reversed(kids(element)))
