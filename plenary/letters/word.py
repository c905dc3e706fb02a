"""Draw a composed letter as a Word file with python-docx: the layout of an ITU letter.

A4, 20 mm margins and Times New Roman 12 as in the ITU-T templates; the addressees beside the
reference block, the subject in bold, page numbers from the second page, each annex on a new page.
"""

from io import BytesIO
from typing import TYPE_CHECKING

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from plenary.letters.markup import Block, BulletList, Heading, Line, Paragraph, Table, plain

if TYPE_CHECKING:
    from plenary.letters.services import Letter

FONT = "Times New Roman"
PAGE_WIDTH = Mm(210)
PAGE_HEIGHT = Mm(297)
MARGIN = Mm(20)
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
LIST_INDENT = Mm(7)
LABEL_WIDTH = Mm(20)
CHARACTER = Mm(2)  # the average width of a Times New Roman 12 character, for column widths
CELL_PADDING = Mm(6)  # the cell margins Word and LibreOffice add, and some air


def _set_font(style, *, size: int = 12, bold: bool | None = None) -> None:
    """Times New Roman for every script, black, overriding the template's theme fonts."""
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attribute}"), None)
    for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attribute}"), FONT)


def _styles(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    _set_font(normal)
    normal.paragraph_format.space_before = Pt(6)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    _set_font(styles["List Bullet"])
    styles["List Bullet"].paragraph_format.space_before = Pt(6)
    for level, alignment, before in (
        (1, WD_ALIGN_PARAGRAPH.CENTER, 0),
        (2, WD_ALIGN_PARAGRAPH.CENTER, 12),
        (3, WD_ALIGN_PARAGRAPH.LEFT, 18),
    ):
        style = styles[f"Heading {level}"]
        _set_font(style, bold=level > 1)
        style.paragraph_format.alignment = alignment
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True


def _page(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin = section.right_margin = section.bottom_margin = MARGIN
    section.top_margin = MARGIN + Mm(5)
    section.header_distance = section.footer_distance = Mm(12)
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number.add_run("- ")
    _page_field(number)
    number.add_run(" -")


def _page_field(paragraph) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _write_line(paragraph, line: Line, *, bold: bool = False) -> None:
    for span in line:
        run = paragraph.add_run(span.text)
        if bold or span.bold:
            run.bold = True


def _write_lines(paragraph, lines, *, bold: bool = False) -> None:
    for index, line in enumerate(lines):
        if index:
            paragraph.add_run().add_break()
        _write_line(paragraph, line, bold=bold)


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _widths(table, widths) -> None:
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _repeat_header(row) -> None:
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _column_widths(block: Table) -> list[int]:
    """Share the text width out fairly: narrow columns get what their text needs, wide ones share
    the rest, so numbers, keys and dates stay on one line."""
    rows = [*([block.header] if block.header else []), *block.rows]
    wanted = []
    for column in range(block.columns):
        longest = max((len(plain(row[column])) for row in rows if column < len(row)), default=0)
        wanted.append(longest * CHARACTER + CELL_PADDING)
    widths = [0] * block.columns
    remaining = TEXT_WIDTH
    order = sorted(range(block.columns), key=lambda column: wanted[column])
    for done, column in enumerate(order):
        share = remaining // (block.columns - done)
        widths[column] = min(wanted[column], share)
        remaining -= widths[column]
    widths[order[-1]] += remaining
    return widths


def _fill(cell, line: Line, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_before = Pt(3)
    paragraph.paragraph_format.space_after = Pt(3)
    _write_line(paragraph, line, bold=bold)


def _table(document, block: Table) -> None:
    columns = block.columns
    if not columns:
        return
    header = 1 if block.header else 0
    table = document.add_table(rows=len(block.rows) + header, cols=columns)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if block.header:
        table.style = document.styles["Table Grid"]
        _repeat_header(table.rows[0])
        for cell, line in zip(table.rows[0].cells, block.header, strict=False):
            _fill(cell, line, bold=True)
    else:
        _no_borders(table)
    for row, cells in zip(table.rows[header:], block.rows, strict=True):
        for cell, line in zip(row.cells, cells, strict=False):
            _fill(cell, line)
    _widths(table, _column_widths(block))


def _blocks(document, blocks: tuple[Block, ...], *, new_page: bool = False) -> None:
    for block in blocks:
        paragraph = None
        if isinstance(block, Heading):
            paragraph = document.add_paragraph(style=f"Heading {block.level}")
            paragraph.add_run(block.text)
        elif isinstance(block, Paragraph):
            paragraph = document.add_paragraph()
            _write_lines(paragraph, block.lines)
        elif isinstance(block, BulletList):
            for item in block.items:
                item_paragraph = document.add_paragraph(style="List Bullet")
                _write_line(item_paragraph, item)
                paragraph = paragraph or item_paragraph
        elif isinstance(block, Table):
            if new_page:
                document.add_page_break()
                new_page = False
            _table(document, block)
        if new_page and paragraph is not None:
            paragraph.paragraph_format.page_break_before = True
            new_page = False


def _letter_head(document, letter: "Letter") -> None:
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    reference, addressees = table.rows[0].cells
    lines = [
        line for block in letter.reference if isinstance(block, Paragraph) for line in block.lines
    ]
    for index, line in enumerate(lines):
        # One paragraph per line, label then tab: a long value wraps under the value, not the label.
        paragraph = reference.paragraphs[0] if index == 0 else reference.add_paragraph()
        paragraph.paragraph_format.tab_stops.add_tab_stop(LABEL_WIDTH)
        paragraph.paragraph_format.left_indent = LABEL_WIDTH
        paragraph.paragraph_format.first_line_indent = -LABEL_WIDTH
        paragraph.paragraph_format.space_before = Pt(0)
        _write_line(paragraph, line)
    label = addressees.paragraphs[0]
    label.paragraph_format.space_before = Pt(0)
    label.add_run(letter.to_label)
    for line in letter.addressees:
        paragraph = addressees.add_paragraph()
        paragraph.paragraph_format.left_indent = LIST_INDENT
        paragraph.paragraph_format.first_line_indent = -LIST_INDENT
        paragraph.paragraph_format.space_before = Pt(0)
        paragraph.add_run("\u2013\t")
        _write_line(paragraph, line)
    _widths(table, [Mm(75), TEXT_WIDTH - Mm(75)])

    subject = document.add_table(rows=1, cols=2)
    _no_borders(subject)
    label_cell, text_cell = subject.rows[0].cells
    label_cell.paragraphs[0].add_run(letter.subject_label)
    text_cell.paragraphs[0].add_run(letter.subject).bold = True
    for cell in (label_cell, text_cell):
        cell.paragraphs[0].paragraph_format.space_before = Pt(12)
    _widths(subject, [Mm(25), TEXT_WIDTH - Mm(25)])


def build(letter: "Letter") -> bytes:
    """The .docx file's bytes."""
    document = Document()
    _styles(document)
    _page(document)
    document.core_properties.title = letter.subject
    document.core_properties.subject = letter.subject
    document.core_properties.author = [letter.meeting.body, *letter.meeting.body.ancestors()][
        -1
    ].title

    _blocks(document, letter.letterhead)
    if document.paragraphs:
        document.paragraphs[-1].paragraph_format.space_after = Pt(12)
    if letter.dateline:
        dateline = document.add_paragraph(letter.dateline)
        dateline.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _letter_head(document, letter)
    salutation = document.add_paragraph(letter.salutation)
    salutation.paragraph_format.space_before = Pt(12)
    _blocks(document, letter.main)
    signature_start = len(document.paragraphs)
    _blocks(document, letter.signature)
    if len(document.paragraphs) > signature_start:
        document.paragraphs[signature_start].paragraph_format.space_before = Pt(30)
    for annex in letter.annexes:
        _blocks(document, annex, new_page=True)

    out = BytesIO()
    document.save(out)
    return out.getvalue()
