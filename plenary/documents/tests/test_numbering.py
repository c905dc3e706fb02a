"""Document numbers and ITU file names; numbers under concurrency."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from plenary.documents import numbering, services
from plenary.documents.models import Document

from .conftest import register_contribution


def test_it_formats_contribution_numbers():
    assert numbering.document_number("contribution", 11, 123) == "SG11-C123"
    assert numbering.file_code("contribution", 11, 123, period="T17") == "T17-SG11-C-0123"


def test_it_formats_td_numbers():
    assert numbering.document_number("td", 11, 53, level="WP1") == "SG11-TD53/WP1"
    assert numbering.document_number("td", 11, 7, level="plen") == "SG11-TD7/PLEN"
    code = numbering.file_code(
        "td", 11, 53, period="T17", level="WP1", meeting_date=dt.date(2020, 11, 19)
    )
    assert code == "T17-SG11-201119-TD-WP1-0053"


def test_it_formats_reports_and_revisions():
    assert numbering.document_number("report", 11, 5) == "SG11-R5"
    assert numbering.file_code("report", 11, 5, period="T17") == "T17-SG11-R-0005"
    assert numbering.document_number("td", 11, 120, level="GEN", revision=1) == (
        "SG11-TD120/GEN Rev.1"
    )
    assert numbering.revision_token(0) == "!!"
    assert numbering.revision_token(1) == "!R1!"


def test_it_makes_safe_download_names():
    name = numbering.download_name("T17-SG11-C-0123", revision=1, language="E", extension=".docx")
    assert name == "T17-SG11-C-0123!R1!MSW-E.docx"
    assert (
        numbering.download_name("T17-SG11-R-0005", revision=0, language="f", extension="PDF")
        == "T17-SG11-R-0005!!PDF-F.pdf"
    )
    assert "/" not in numbering.download_name("a/../b", revision=0, language="x", extension=".pdf")


def test_it_refuses_unknown_levels_and_kinds():
    with pytest.raises(ValueError):
        numbering.document_number("td", 11, 1, level="WPX")
    with pytest.raises(ValueError):
        numbering.document_number("collective_letter", 11, 1)
    with pytest.raises(ValueError):
        numbering.file_code("td", 11, 1, period="T17", level="GEN")


def test_it_numbers_contributions_over_the_study_period(media, seed_meeting, delegate, demo):
    first = register_contribution(seed_meeting, delegate)
    second = register_contribution(seed_meeting, delegate, title="Another")
    assert (first.number, second.number) == (1, 2)
    assert first.display_number == "SG11-C1"
    assert first.file_code == "T17-SG11-C-0001"
    assert first.state == Document.State.RESERVED


def test_contribution_numbers_run_on_from_one_meeting_to_the_next_of_the_period(
    media, next_meeting, seed_meeting, delegate
):
    """Over the study period, not per meeting: the next meeting of the same period goes on from
    the last number, and a meeting of another period starts its own series."""
    from plenary.meetings.models import Meeting

    later = Meeting.objects.get(pk=next_meeting.pk)
    later.pk, later.slug = None, "sg11-wp1-later"
    later.start_date += dt.timedelta(days=56)
    later.end_date += dt.timedelta(days=56)
    later.save()
    numbers = [
        register_contribution(meeting, delegate, title=f"At {meeting.slug}").number
        for meeting in (next_meeting, next_meeting, later, seed_meeting)
    ]
    assert numbers == [1, 2, 3, 1]


def test_it_keeps_a_withdrawn_number_as_a_visible_gap(media, next_meeting, delegate):
    first = register_contribution(next_meeting, delegate)
    services.document_withdraw(document=first, actor=delegate, reason="duplicate")
    second = register_contribution(next_meeting, delegate)
    assert second.number == first.number + 1
    first.refresh_from_db()
    assert first.state == Document.State.WITHDRAWN
    assert [e.type for e in first.events.all()] == ["reserved", "withdrawn"]


@pytest.mark.django_db(transaction=True)
def test_it_never_gives_two_reservations_one_number_on_postgresql(media, next_meeting, delegate):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; SQLite serializes writers")
    numbers: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def reserve():
        try:
            start.wait()
            for _ in range(10):
                numbers.append(register_contribution(next_meeting, delegate).number)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reserve) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(numbers) == list(range(1, 41))
