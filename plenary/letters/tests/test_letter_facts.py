"""The generated letter of the demo meeting carries every fact of the seed letter."""

import pytest

from plenary.letters.services import letter_compose, letter_to_docx
from plenary.letters.tests.reference import (
    FACTS,
    docx_document,
    docx_rows,
    docx_text,
    normalize,
    reference_agenda,
    reference_deadlines,
    reference_text,
)


@pytest.fixture
def docx_bytes(seed_meeting) -> bytes:
    return letter_to_docx(letter=letter_compose(meeting=seed_meeting))


def test_it_reads_the_reference_letter():
    text = normalize(reference_text())
    missing = [fact for fact in FACTS if normalize(fact) not in text]
    assert missing == []


@pytest.mark.django_db
def test_it_carries_every_fact_of_the_reference(docx_bytes):
    text = normalize(docx_text(docx_bytes))
    missing = [fact for fact in FACTS if normalize(fact) not in text]
    assert missing == []


@pytest.mark.django_db
def test_it_lists_the_key_deadlines_with_their_dates_and_wording(docx_bytes):
    expected = reference_deadlines()
    assert [date for date, _ in expected] == [
        "19 September 2020",
        "19 October 2020",
        "6 November 2020",
    ]
    rows = [
        (normalize(row[0]), normalize(row[1]))
        for row in docx_rows(docx_bytes)
        if len(row) == 2 and row[0][:1].isdigit() and "20" in row[0]
    ]
    assert rows == [(normalize(date), normalize(what)) for date, what in expected]


@pytest.mark.django_db
def test_it_numbers_the_fourteen_agenda_items_in_order(docx_bytes):
    expected = reference_agenda()
    assert len(expected) == 14
    rows = docx_rows(docx_bytes)
    header = rows.index(["#", "Agenda items"])
    agenda = rows[header + 1 : header + 1 + len(expected)]
    assert agenda == [[str(n), title] for n, title in enumerate(expected, start=1)]


@pytest.mark.django_db
def test_it_is_an_a4_letter_in_times_new_roman_12(docx_bytes):
    document = docx_document(docx_bytes)
    section = document.sections[0]
    assert round(section.page_width.mm) == 210
    assert round(section.page_height.mm) == 297
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size.pt == 12


@pytest.mark.django_db
def test_it_puts_the_subject_in_the_files_properties(docx_bytes):
    assert docx_document(docx_bytes).core_properties.title == (
        "Virtual meeting of Working Party 1/11, 19 November 2020"
    )
