"""The cover-page reader and writer: official templates as shipped and as people fill them."""

import copy
import io
import zipfile

import docx
import pytest
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

from plenary.documents.coverpage import (
    Contact,
    CoverPageError,
    fill_contribution_template,
    read_cover_page,
)
from plenary.documents.tests import wordkit as kit

ABSTRACT = (
    "This contribution proposes text for the draft Recommendation.\n"
    "It also proposes a timeline for consent at the next meeting."
)


def filled_contribution(**changes):
    """The contribution template filled for SG11, with `changes` applied to the Document."""
    document = kit.open_template(kit.contribution_template())
    kit.set_number(document, "SG11-C123")
    kit.set_header_line(document, "STUDY GROUP", "STUDY GROUP 11")
    kit.type_into_label(document, "Question(s)", "Q1/11, Q2/11")
    kit.type_into_label(document, "Question(s)", "Geneva, 10-19 November 2025", index=1)
    kit.type_into_label(document, "Source", "Demo Sector Member Telecom")
    kit.type_into_label(document, "Title", "Proposed text for Q.SCC")
    first, second = kit.rows_with_label(document, "Contact")
    kit.fill_contact(
        first,
        "Delegate A\nDemo Sector Member Telecom\nSwitzerland",
        "Tel:\t+41 22 000 0001\nE-mail:\tdelegate.a@example.org",
    )
    kit.fill_contact(
        second,
        "Delegate B\nExample Networks Ltd\nFrance",
        "Tel:\t+33 1 00 00 00 02\nE-mail:\tdelegate.b@example.net",
    )
    kit.type_into_label(document, "Abstract", ABSTRACT.replace("\n", "\n\n"))
    for change in changes.values():
        change(document)
    return kit.to_bytes(document)


DELEGATE_A = {
    "name": "Delegate A",
    "organization": "Demo Sector Member Telecom",
    "country": "Switzerland",
    "tel": "+41 22 000 0001",
    "email": "delegate.a@example.org",
}
DELEGATE_B = {
    "name": "Delegate B",
    "organization": "Example Networks Ltd",
    "country": "France",
    "tel": "+33 1 00 00 00 02",
    "email": "delegate.b@example.net",
}


# --- The templates as shipped ------------------------------------------------------------------


def test_it_reads_the_contribution_template_as_shipped_as_empty():
    cover = read_cover_page(kit.contribution_template())

    assert cover.kind == "CONTRIBUTION"
    # The template is SG12's: its study group, study period and language are real text;
    # only the "n" of "SG12-Cn" and the bracketed or yellow hints are placeholders.
    assert (cover.study_group, cover.study_period, cover.original_language) == (
        "12",
        "2025-2028",
        "English",
    )
    assert cover.number is None
    assert cover.questions == []
    assert cover.contacts == []
    for name in ("place_and_date", "source", "title", "abstract", "purpose", "keywords"):
        assert getattr(cover, name) is None, name


def test_it_reads_the_liaison_template_as_shipped_as_empty():
    data = read_cover_page(kit.liaison_template()).to_dict()

    assert data.pop("kind") == "LIAISON STATEMENT"
    assert data.pop("questions") == []
    assert data.pop("contacts") == []
    assert set(data.values()) == {None}


# --- Filled contributions ---------------------------------------------------------------------


def test_it_reads_a_filled_contribution():
    data = read_cover_page(filled_contribution()).to_dict()

    assert data["kind"] == "CONTRIBUTION"
    assert data["number"] == "SG11-C123"
    assert data["revision"] is None
    assert data["study_group"] == "11"
    assert data["study_period"] == "2025-2028"
    assert data["questions"] == ["1/11", "2/11"]
    assert data["place_and_date"] == "Geneva, 10-19 November 2025"
    assert (data["place"], data["date"]) == ("Geneva", "10-19 November 2025")
    assert data["source"] == "Demo Sector Member Telecom"
    assert data["title"] == "Proposed text for Q.SCC"
    assert data["contacts"] == [DELEGATE_A, DELEGATE_B]
    assert data["abstract"] == ABSTRACT


def test_it_accepts_bytes_a_path_and_a_file_object():
    content = filled_contribution()

    assert read_cover_page(io.BytesIO(content)) == read_cover_page(content)


def test_it_ignores_extra_spaces_and_line_breaks():
    def sloppy(document):
        kit.type_into_label(
            document, "Source", "  Demo Sector Member Telecom,\nExample Networks Ltd "
        )
        kit.type_into_label(document, "Title", "Proposed   text\nfor\tQ.SCC ")
        kit.type_into_label(document, "Question(s)", " Q1/11 ,\n  Q2/11 ")
        kit.type_into_label(document, "Question(s)", "Geneva,\u00a0 10-19 November 2025 ", index=1)
        first = kit.rows_with_label(document, "Contact")[0]
        kit.fill_contact(
            first,
            " Delegate A \n\n Demo Sector Member Telecom\nSwitzerland \n",
            "Tel.:  +41 22 000 0001 \nFax: +41 22 000 0009\nEmail : delegate.a@example.org",
        )

    data = read_cover_page(filled_contribution(sloppy=sloppy)).to_dict()

    assert data["source"] == "Demo Sector Member Telecom, Example Networks Ltd"
    assert data["title"] == "Proposed text for Q.SCC"
    assert data["questions"] == ["1/11", "2/11"]
    assert data["place_and_date"] == "Geneva, 10-19 November 2025"
    assert data["contacts"][0] == DELEGATE_A


@pytest.mark.parametrize(
    ("written", "questions"),
    [
        ("Q1/11, Q2/11", ["1/11", "2/11"]),
        ("1, 3/11", ["1/11", "3/11"]),
        ("Questions 1 and 2/11", ["1/11", "2/11"]),
        ("Q.4/11; Q.5/11 (WP1/11)", ["4/11", "5/11"]),
        ("7", ["7/11"]),
        ("All/11", ["All/11"]),
        ("2/11\n2/11", ["2/11"]),
    ],
)
def test_it_reads_several_questions(written, questions):
    def write(document):
        kit.type_into_label(document, "Question(s)", written)

    assert read_cover_page(filled_contribution(write=write)).questions == questions


def test_it_reads_any_number_of_contact_rows():
    def three_contacts(document):
        last = kit.rows_with_label(document, "Contact")[-1]
        third = kit.clone_row_after(last)
        kit.fill_contact(
            third,
            "Delegate C\nRapporteur Q1/11\nDemo Sector Member Telecom\nSwitzerland",
            "E-mail: delegate.c@example.org",
        )

    contacts = read_cover_page(filled_contribution(three=three_contacts)).to_dict()["contacts"]

    assert contacts[:2] == [DELEGATE_A, DELEGATE_B]
    assert contacts[2] == {
        "name": "Delegate C",
        "organization": "Rapporteur Q1/11, Demo Sector Member Telecom",
        "country": "Switzerland",
        "tel": None,
        "email": "delegate.c@example.org",
    }


def test_it_keeps_a_half_filled_contact_in_place():
    def half(document):
        second = kit.rows_with_label(document, "Contact")[1]
        kit.fill_contact(
            second,
            "Insert contact name\nExample Networks Ltd\nFrance",
            "Tel:\t+xx\nE-mail:\ta@b.com",
        )

    contacts = read_cover_page(filled_contribution(half=half)).to_dict()["contacts"]

    assert contacts[1] == {
        "name": None,
        "organization": "Example Networks Ltd",
        "country": "France",
        "tel": None,
        "email": None,
    }


def test_it_reads_merged_cells():
    def merge(document):
        first, second = kit.rows_with_label(document, "Contact")
        # One "Contact:" label merged down over both rows: Word stacks both texts in it.
        kit.unique_cells(first)[0].merge(kit.unique_cells(second)[0])
        # The second contact's two cells merged into one.
        second_cells = kit.unique_cells(second)
        second_cells[1].merge(second_cells[2])
        # Question(s) and place-and-date merged into one cell.
        questions_row = kit.row_with_label(document, "Question(s)")
        cells = kit.unique_cells(questions_row)
        cells[1].merge(cells[2])

    data = read_cover_page(filled_contribution(merge=merge)).to_dict()

    assert data["contacts"] == [DELEGATE_A, DELEGATE_B]
    assert data["questions"] == ["1/11", "2/11"]
    assert data["place_and_date"] == "Geneva, 10-19 November 2025"


def test_it_reads_a_contact_row_with_a_blank_label_cell():
    def blank(document):
        second = kit.rows_with_label(document, "Contact")[1]
        kit.type_into(kit.unique_cells(second)[0], "")

    assert read_cover_page(filled_contribution(blank=blank)).to_dict()["contacts"] == [
        DELEGATE_A,
        DELEGATE_B,
    ]


def test_it_follows_labels_not_row_positions():
    def reorder(document):
        source = kit.row_with_label(document, "Source")
        title = kit.row_with_label(document, "Title")
        source._tr.addprevious(title._tr)  # Title above Source
        kit.type_into(kit.unique_cells(source)[0], "SOURCE")
        kit.type_into(kit.unique_cells(title)[0], "title :")
        kit.clone_row_after(title, label="Attachments:", value="Annex A: C 999")
        kit.type_into(kit.unique_cells(kit.row_with_label(document, "Question(s)"))[0], "Questions")

    data = read_cover_page(filled_contribution(reorder=reorder)).to_dict()

    assert data["source"] == "Demo Sector Member Telecom"
    assert data["title"] == "Proposed text for Q.SCC"
    assert data["questions"] == ["1/11", "2/11"]
    assert data["number"] == "SG11-C123"


def test_it_reads_a_label_and_its_value_typed_in_one_cell():
    def inline(document):
        row = kit.row_with_label(document, "Source")
        cells = kit.unique_cells(row)
        kit.type_into(cells[0], "Source: Demo Sector Member Telecom")
        kit.type_into(cells[1], "")

    data = read_cover_page(filled_contribution(inline=inline)).to_dict()

    assert data["source"] == "Demo Sector Member Telecom"


@pytest.mark.parametrize(
    ("written", "number", "revision"),
    [
        ("SG11-C123", "SG11-C123", None),
        ("C 123", "SG11-C123", None),
        ("SG11-C123 Rev.2", "SG11-C123", 2),
        ("T17-SG11-C-0123", "SG11-C123", None),
        ("SG12-C123", "SG12-C123", None),
        ("SG11-Cn", None, None),
        ("Draft 7", "Draft 7", None),
    ],
)
def test_it_reads_the_document_number(written, number, revision):
    def write(document):
        kit.set_number(document, written)

    cover = read_cover_page(filled_contribution(write=write))

    assert (cover.number, cover.revision) == (number, revision)
    assert cover.study_group == "11"


# --- Temporary documents and liaison statements ------------------------------------------------


def make_td(number: str) -> bytes:
    """A TD made from the contribution template: TD number, TD row, Purpose and Keywords."""

    def td(document):
        kit.set_number(document, number)
        kit.type_into(document.tables[0].rows[4].cells[0], "TD")
        title = kit.row_with_label(document, "Title")
        kit.clone_row_after(title, label="Purpose:", value="Discussion")
        abstract = kit.row_with_label(document, "Abstract")
        keywords = kit.clone_row_after(abstract, label="Keywords:", value="signalling;\nSIP")
        abstract._tr.addprevious(keywords._tr)

    return filled_contribution(td=td)


@pytest.mark.parametrize(
    ("written", "number", "revision"),
    [
        ("TD 53 (WP1/11)", "SG11-TD53/WP1", None),
        ("SG11-TD53/WP1", "SG11-TD53/WP1", None),
        ("TD 120 Rev.1 (PLEN/11)", "SG11-TD120/PLEN", 1),
        ("TD 7 (GEN/11)", "SG11-TD7/GEN", None),
    ],
)
def test_it_reads_a_td_with_purpose_and_keywords(written, number, revision):
    data = read_cover_page(make_td(written)).to_dict()

    assert data["kind"] == "TD"
    assert (data["number"], data["revision"]) == (number, revision)
    assert data["purpose"] == "Discussion"
    assert data["keywords"] == "signalling; SIP"
    assert data["title"] == "Proposed text for Q.SCC"
    assert data["contacts"] == [DELEGATE_A, DELEGATE_B]
    assert data["abstract"] == ABSTRACT


APPROVAL = "Agreed at the SG11 meeting (Geneva, 19 November 2025)"


def filled_liaison() -> bytes:
    document = kit.open_template(kit.liaison_template())
    kit.type_into_label(document, "Question(s)", "2, 3/11")
    kit.type_into_label(document, "Question(s)", "Geneva, 10-19 November 2025", index=2)
    kit.type_into_label(document, "Study Group", "11")
    kit.type_into_label(document, "Study Group", "1/11", index=2)
    kit.type_into_label(document, "Source", "ITU-T Study Group 11")
    kit.type_into_label(document, "Title", "LS/o on signalling requirements for Q.SCC")
    kit.type_into_label(document, "For action to", "ITU-T SG13\nITU-T SG17")
    for_information = kit.row_with_label(document, "For information to")
    kit.clone_row_after(for_information, label="For comment to:", value="3GPP CT1")
    kit.type_into(kit.unique_cells(for_information)[1], "ETSI TC INT")
    kit.type_into_label(
        document, "Approval", "Agreed at the SG11 meeting (Geneva, 19 November 2025)"
    )
    kit.type_into_label(document, "Deadline", "1 March 2026")
    first, second = kit.rows_with_label(document, "Contact")
    kit.fill_contact(
        first,
        "Delegate A\nDemo Sector Member Telecom\nSwitzerland",
        "E-mail:\tdelegate.a@example.org",
    )
    kit.fill_contact(second, "TSB secretariat\nITU\nSwitzerland", "Tel:\t+41 22 000 0000")
    third = kit.clone_row_after(second)
    kit.fill_contact(third, "Delegate B\nExample Networks Ltd\nFrance", "Tel:\t+33 1 00 00 00 02")
    kit.type_into_label(document, "Abstract", "This LS informs about progress on Q.SCC.")
    return kit.to_bytes(document)


def test_it_reads_a_filled_liaison_statement():
    data = read_cover_page(filled_liaison()).to_dict()

    assert data["kind"] == "LIAISON STATEMENT"
    assert data["questions"] == ["2/11", "3/11"]
    assert data["meeting"] == "Geneva, 10-19 November 2025"
    assert data["place_and_date"] == "Geneva, 10-19 November 2025"
    assert data["study_group"] == "11"
    assert data["working_party"] == "1/11"
    assert data["source"] == "ITU-T Study Group 11"
    assert data["title"] == "LS/o on signalling requirements for Q.SCC"
    assert data["for_action"] == "ITU-T SG13, ITU-T SG17"
    assert data["for_comment"] == "3GPP CT1"
    assert data["for_information"] == "ETSI TC INT"
    assert data["approval"] == APPROVAL
    assert data["deadline"] == "1 March 2026"
    assert [c["name"] for c in data["contacts"]] == ["Delegate A", "TSB secretariat", "Delegate B"]
    assert data["contacts"][0]["email"] == "delegate.a@example.org"
    assert data["contacts"][1]["tel"] == "+41 22 000 0000"
    assert data["abstract"] == "This LS informs about progress on Q.SCC."


# --- Writing the contribution template ----------------------------------------------------------

FIELDS = {
    "number": "SG11-C123",
    "study_group": "11",
    "study_period": "2025-2028",
    "questions": ["1/11", "2/11"],
    "place_and_date": "Geneva, 10-19 November 2025",
    "source": "Demo Sector Member Telecom, Example Networks Ltd",
    "title": "Proposed text for Q.SCC",
    "contacts": [
        DELEGATE_A,
        Contact(**DELEGATE_B),
        {"name": "Delegate C", "organization": "Demo Sector Member Telecom", "country": "Japan"},
    ],
    "abstract": ABSTRACT,
}


def test_the_reader_reads_back_what_the_writer_wrote():
    content = fill_contribution_template(kit.contribution_template(), FIELDS)

    data = read_cover_page(content).to_dict()

    for name in ("number", "study_group", "study_period", "questions", "place_and_date"):
        assert data[name] == FIELDS[name], name
    for name in ("source", "title", "abstract"):
        assert data[name] == FIELDS[name], name
    assert data["contacts"] == [
        DELEGATE_A,
        DELEGATE_B,
        {
            "name": "Delegate C",
            "organization": "Demo Sector Member Telecom",
            "country": "Japan",
            "tel": None,
            "email": None,
        },
    ]
    assert data["kind"] == "CONTRIBUTION"


def test_the_writer_removes_the_yellow_hints_and_updates_the_page_header():
    content = fill_contribution_template(kit.contribution_template(), FIELDS)

    document = docx.Document(io.BytesIO(content))
    title_cell = kit.unique_cells(kit.row_with_label(document, "Title"))[1]
    assert all(run.font.highlight_color is None for run in title_cell.paragraphs[0].runs)
    header_text = " ".join(p.text for p in document.sections[0].header.paragraphs)
    assert "SG11-C123" in header_text
    assert "SG12-Cn" not in header_text


def test_the_writer_keeps_one_contact_row_for_one_contact_and_placeholders_for_gaps():
    fields = {"number": "SG11-C124", "contacts": [{"name": "Delegate A"}]}
    content = fill_contribution_template(kit.contribution_template(), fields)

    document = docx.Document(io.BytesIO(content))
    assert len(kit.rows_with_label(document, "Contact")) == 1
    cover = read_cover_page(content)
    assert [c.name for c in cover.contacts] == ["Delegate A"]
    assert cover.contacts[0].organization is None
    assert cover.source is None  # left out, so still the template's placeholder


def test_the_writer_refuses_unknown_fields():
    with pytest.raises(ValueError, match="unknown cover fields: titel"):
        fill_contribution_template(kit.contribution_template(), {"titel": "Typo"})


def test_the_writer_refuses_a_template_without_a_cover():
    with pytest.raises(CoverPageError, match="no CONTRIBUTION row"):
        fill_contribution_template(kit.liaison_template(), {"title": "A title"})


# --- Files that are not readable covers ----------------------------------------------------------


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def docx_without_a_table() -> bytes:
    document = docx.Document()
    document.add_paragraph("Just text, no cover table.")
    return kit.to_bytes(document)


def docx_with_an_unrelated_table() -> bytes:
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Year"
    table.cell(0, 1).text = "Traffic"
    table.cell(1, 0).text = "2025"
    table.cell(1, 1).text = "42"
    return kit.to_bytes(document)


def corrupt_crc(content: bytes) -> bytes:
    """Flip a byte inside word/document.xml's compressed data so its checksum fails."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info = archive.getinfo("word/document.xml")
    position = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 40
    return content[:position] + bytes([content[position] ^ 0xFF]) + content[position + 1 :]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: b"Minutes of the meeting\n", "not a Word document: the file is not a ZIP"),
        (lambda: b"", "not a Word document: the file is empty"),
        (lambda: filled_contribution()[:4000], "damaged Word document"),
        (lambda: corrupt_crc(filled_contribution()), "damaged Word document"),
        (lambda: zip_bytes({"notes.txt": b"hello"}), "the ZIP has no [Content_Types].xml"),
        (
            lambda: zip_bytes({"[Content_Types].xml": b"<Types/>", "data.bin": b"x"}),
            "the ZIP has no word/document.xml",
        ),
        (docx_without_a_table, "no cover table: the document has no table"),
        (docx_with_an_unrelated_table, "no cover table: the first table has no"),
        (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "OLE compound file"),
    ],
    ids=[
        "text",
        "empty",
        "truncated",
        "bad-checksum",
        "random-zip",
        "zip-without-document",
        "no-table",
        "unrelated-table",
        "legacy-doc",
    ],
)
def test_it_refuses_what_is_not_a_readable_cover(tmp_path, make, message):
    path = tmp_path / "upload.docx"
    path.write_bytes(make())

    with pytest.raises(CoverPageError) as caught:
        read_cover_page(path)

    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_it_refuses_a_missing_file(tmp_path):
    with pytest.raises(CoverPageError, match="cannot read the file"):
        read_cover_page(tmp_path / "absent.docx")


def test_it_reads_a_liaison_statement_under_a_td_header():
    liaison = docx.Document(io.BytesIO(filled_liaison()))
    contribution = kit.open_template(kit.contribution_template())
    kit.set_number(contribution, "TD 88 (PLEN/11)")
    kit.set_header_line(contribution, "STUDY GROUP", "STUDY GROUP 11")
    header = copy.deepcopy(contribution.tables[0]._tbl)
    for tr in header.tr_lst[3:]:
        header.remove(tr)
    # The logo's image relationship belongs to the other file.
    for drawing in list(header.iter(qn("w:drawing"))):
        drawing.getparent().remove(drawing)
    liaison.tables[0]._tbl.addprevious(header)

    data = read_cover_page(kit.to_bytes(liaison)).to_dict()

    assert data["kind"] == "LIAISON STATEMENT"
    assert (data["number"], data["study_group"]) == ("SG11-TD88/PLEN", "11")
    assert data["study_period"] == "2025-2028"
    assert data["title"] == "LS/o on signalling requirements for Q.SCC"
    assert data["deadline"] == "1 March 2026"


def wrap_in_content_control(paragraph, *, showing_placeholder: bool) -> None:
    """Put a paragraph inside a Word content control, as form-like templates do."""
    sdt, props, content = OxmlElement("w:sdt"), OxmlElement("w:sdtPr"), OxmlElement("w:sdtContent")
    if showing_placeholder:
        props.append(OxmlElement("w:showingPlcHdr"))
    paragraph._p.addprevious(sdt)
    sdt.append(props)
    sdt.append(content)
    content.append(paragraph._p)


def test_it_reads_content_controls_and_skips_their_placeholder_text():
    def controls(document):
        # Hint text of the control itself, not one the reader knows by heart.
        kit.type_into_label(document, "Title", "Type the English title here")
        title = kit.unique_cells(kit.row_with_label(document, "Title"))[1]
        wrap_in_content_control(title.paragraphs[0], showing_placeholder=True)
        source = kit.unique_cells(kit.row_with_label(document, "Source"))[1]
        wrap_in_content_control(source.paragraphs[0], showing_placeholder=False)

    data = read_cover_page(filled_contribution(controls=controls)).to_dict()

    assert data["title"] is None
    assert data["source"] == "Demo Sector Member Telecom"


def test_it_reads_tracked_changes_as_accepted():
    def track(document):
        paragraph = kit.unique_cells(kit.row_with_label(document, "Title"))[1].paragraphs[0]
        deleted = parse_xml(
            f'<w:del {nsdecls("w")} w:id="1" w:author="Editor" w:date="2025-11-10T00:00:00Z">'
            "<w:r><w:delText>Draft </w:delText></w:r></w:del>"
        )
        inserted = parse_xml(
            f'<w:ins {nsdecls("w")} w:id="2" w:author="Editor" w:date="2025-11-10T00:00:00Z">'
            "<w:r><w:t xml:space='preserve'> (revised)</w:t></w:r></w:ins>"
        )
        paragraph.runs[0]._r.addprevious(deleted)
        paragraph._p.append(inserted)

    data = read_cover_page(filled_contribution(track=track)).to_dict()

    assert data["title"] == "Proposed text for Q.SCC (revised)"
