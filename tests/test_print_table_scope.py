"""print_table_scope.py: table header cells get their /Scope after WeasyPrint.

Small tables laid out by WeasyPrint itself (a second or so, no book build);
the book's own PDFs are checked by pdfua in test_print_edition.py.
"""

from __future__ import annotations

import io
import time

import pikepdf
import pytest

from print_table_scope import elements, scope_table_headers

IDENTIFIER = b"emotional-intimacy-handbook"
# Header row in a THead; a body row named by its first cell; a header row
# inside the body; a row whose first column is taken by a cell spanning
# two rows from above, so its own header cell is not in the first column.
TABLE = """
<html lang="en"><head><title>Table</title></head><body>
<table>
  <thead><tr><th>Step</th><th>You</th><th>Your partner</th></tr></thead>
  <tbody>
    <tr><th>Trigger</th><td>a</td><td>b</td></tr>
    <tr><th>Feeling</th><th>Move</th><th>Move</th></tr>
    <tr><td rowspan="2">x</td><td>c</td><td>d</td></tr>
    <tr><th>Need</th><td>e</td></tr>
  </tbody>
</table>
</body></html>
"""
# Each header cell's scope, in the table's order.
EXPECTED = ["/Column"] * 3 + ["/Row"] + ["/Column"] * 3 + ["/Column"]


def weasyprint_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf(
        pdf_variant="pdf/ua-1", pdf_identifier=IDENTIFIER, custom_metadata=True
    )


@pytest.fixture(scope="module")
def written() -> bytes:
    return weasyprint_pdf(TABLE)


def header_scopes(pdf_bytes: bytes) -> list[str | None]:
    """The /Scope of every TH, in the structure tree's order."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        return [
            str(cell.A.Scope) if "/Scope" in cell.A else None
            for cell in elements(pdf.Root.StructTreeRoot, "/TH")
        ]


def test_every_header_cell_gets_the_scope_the_table_gives_it(written):
    assert header_scopes(written) == [None] * len(EXPECTED)
    assert header_scopes(scope_table_headers(written)) == EXPECTED


def test_the_independent_check_passes_only_with_the_scopes(written, tmp_path):
    from pdfua import validate

    raw, scoped = tmp_path / "raw.pdf", tmp_path / "scoped.pdf"
    raw.write_bytes(written)
    scoped.write_bytes(scope_table_headers(written))
    assert "UA-15-003" in {f.rule_id for f in validate(str(raw)).findings}
    assert [f.rule_id for f in validate(str(scoped)).findings] == []


def test_the_rest_of_the_pdf_is_kept_and_the_output_is_deterministic(written):
    once = scope_table_headers(written)
    # qpdf's own second /ID part comes from the clock, to the second.
    time.sleep(1.1)
    assert scope_table_headers(written) == once
    # A second pass finds every scope given: nothing to change.
    assert scope_table_headers(once) == once
    with (
        pikepdf.open(io.BytesIO(written)) as before,
        pikepdf.open(io.BytesIO(once)) as after,
    ):
        # The identifier WeasyPrint was given stays the /ID's first part.
        assert bytes(after.trailer.ID[0]) == bytes(before.trailer.ID[0]) == IDENTIFIER
        assert after.docinfo == before.docinfo  # no new dates or producer
        assert str(after.open_metadata()) == str(before.open_metadata())
        assert after.Root.MarkInfo.Marked is True
        assert after.Root.Lang == before.Root.Lang
        assert len(after.pages) == len(before.pages)


def test_a_pdf_without_tables_is_left_as_weasyprint_wrote_it():
    written = weasyprint_pdf('<html lang="en"><title>T</title><p>No table.</p>')
    assert scope_table_headers(written) == written


def test_a_scope_already_given_is_kept(written):
    with pikepdf.open(io.BytesIO(written)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/TH":
                obj.A.Scope = pikepdf.Name.Both
        out = io.BytesIO()
        pdf.save(out)
    assert set(header_scopes(out.getvalue())) == {"/Both"}
    assert scope_table_headers(out.getvalue()) == out.getvalue()
