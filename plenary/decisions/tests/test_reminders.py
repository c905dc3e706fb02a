"""Reminders of approval steps falling due, to the study group's secretariat."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command

from plenary.decisions import services
from plenary.decisions.approval import Event
from plenary.decisions.models import Decision, WorkItem
from plenary.decisions.reminders import approval_reminders, steps_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_last_call(seed_meeting, chair, secretariat) -> WorkItem:
    """Q.SCC consented, then in Last Call from 5 February 2024 to 4 March 2024."""
    q_scc = WorkItem.objects.get(acronym="Q.SCC")
    services.decision_record(
        meeting=seed_meeting,
        agenda_item=seed_meeting.agenda_items.first(),
        kind=Decision.Kind.CONSENT,
        text="Consented.",
        work_items=[q_scc],
        by=chair,
    )
    services.approval_advance(
        work_item=q_scc, event=Event.ANNOUNCE_LAST_CALL, on=dt.date(2024, 2, 5), by=secretariat
    )
    return q_scc


def test_it_finds_only_current_steps_due_in_the_window(in_last_call):
    assert steps_due(dt.date(2024, 2, 20), 7) == []
    assert [s.state for s in steps_due(dt.date(2024, 2, 26), 7)] == ["LC"]
    assert [s.state for s in steps_due(dt.date(2024, 3, 10), 0)] == ["LC"]


def test_it_mails_the_secretariat(in_last_call, secretariat):
    out = io.StringIO()
    call_command("approval_reminders", "--on", "2024-02-28", stdout=out)
    assert "1 reminder" in out.getvalue()
    [message] = mail.outbox
    assert message.to == [secretariat.email]
    assert message.subject == "SG11: 1 approval step due by 6 March 2024"
    assert "Q.SCC: Last Call (LC), due 4 March 2024" in message.body
    assert "/workprogramme/SG11/" in message.body


def test_it_stays_quiet_once_the_draft_is_approved(in_last_call, secretariat):
    services.approval_advance(
        work_item=in_last_call,
        event=Event.CLOSE_LAST_CALL_CLEAN,
        on=dt.date(2024, 3, 4),
        by=secretariat,
    )
    assert approval_reminders.call("2024-03-10", 30) == 0
    assert mail.outbox == []
