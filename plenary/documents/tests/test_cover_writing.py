"""Writing the contribution template: a field given empty leaves no placeholder behind."""

import io

import docx

from plenary.documents.coverpage import fill_contribution_template, read_cover_page
from plenary.documents.tests import wordkit as kit

from .conftest import filled, register_contribution

FIELDS = {
    "number": "SG11-C7",
    "study_group": "11",
    "study_period": "2025-2028",
    "place_and_date": "Geneva, 10-19 November 2025",
    "source": "Demo Sector Member Telecom",
    "title": "Proposed text for Q.SCC",
}


def _fill(**fields) -> bytes:
    return fill_contribution_template(kit.contribution_template(), {**FIELDS, **fields})


def _value_texts(content: bytes, label: str) -> list[str]:
    """The raw text of each value cell of the rows with `label`, as Word shows it."""
    document = docx.Document(io.BytesIO(content))
    return [
        cell.text
        for row in kit.rows_with_label(document, label)
        for cell in kit.unique_cells(row)[1:]
    ]


def test_it_empties_the_questions_cell_when_no_questions_are_given():
    content = _fill(questions=[])

    assert read_cover_page(content).questions == []
    question_cell, place_cell = _value_texts(content, "Question(s)")
    assert question_cell == ""
    assert place_cell == "Geneva, 10-19 November 2025"


def test_it_leaves_the_placeholder_of_a_field_it_is_not_given():
    assert _value_texts(_fill(), "Question(s)")[0] == "[1/12, 2/12, etc.]"


def test_it_empties_an_abstract_and_a_place_given_empty():
    content = _fill(questions="", abstract="", place_and_date="")

    cover = read_cover_page(content)
    assert (cover.abstract, cover.place_and_date) == (None, None)
    assert _value_texts(content, "Abstract") == [""]
    assert _value_texts(content, "Question(s)") == ["", ""]


def test_an_emptied_cell_keeps_one_paragraph_without_its_yellow_highlight():
    document = docx.Document(io.BytesIO(_fill(questions=[], abstract="")))
    for label in ("Question(s)", "Abstract"):
        cell = kit.unique_cells(kit.rows_with_label(document, label)[0])[1]
        [paragraph] = cell.paragraphs
        assert paragraph.text == ""
        assert "highlight" not in paragraph._p.xml


def test_a_contact_part_given_empty_leaves_no_hint():
    contact = {
        "name": "Delegate A",
        "organization": "Demo Sector Member Telecom",
        "country": "Germany",
        "tel": "",
        "email": "delegate.a@example.org",
    }
    content = _fill(contacts=[contact])

    [read] = read_cover_page(content).contacts
    assert (read.name, read.tel, read.email) == ("Delegate A", None, "delegate.a@example.org")
    [identity, reach] = _value_texts(content, "Contact")
    assert identity == "Delegate A\nDemo Sector Member Telecom\nGermany"
    assert reach == "E-mail:\tdelegate.a@example.org"
    assert "+xx" not in reach


def test_no_contacts_leave_one_empty_contact_row():
    content = _fill(contacts=[])

    assert read_cover_page(content).contacts == []
    assert _value_texts(content, "Contact") == ["", ""]


def test_the_template_of_a_contribution_without_questions_has_no_placeholder_text(
    media, next_meeting, delegate
):
    document = register_contribution(next_meeting, delegate)
    assert not document.questions.exists()

    content = filled(document)

    cover = read_cover_page(content)
    assert cover.questions == []
    assert cover.number == document.display_number
    question_cell = _value_texts(content, "Question(s)")[0]
    assert question_cell == ""
    texts = [
        text
        for label in ("Question(s)", "Source", "Title", "Contact", "Abstract")
        for text in _value_texts(content, label)
    ]
    assert not [text for text in texts if "[" in text or "+xx" in text or "a@b.com" in text]
