"""The work programme page and exports, and the meeting's decisions page, over HTTP."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from plenary.decisions import services
from plenary.decisions.approval import Event
from plenary.decisions.models import Decision, WorkItem
from plenary.groups.models import Body
from plenary.meetings.models import Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def q1(demo) -> Body:
    wp1 = Body.objects.get(acronym="WP1/11")
    return Body.objects.create(
        kind=Body.Kind.QUESTION, parent=wp1, number=1, acronym="Q1/11", title="Signalling"
    )


@pytest.fixture
def programme(q1, secretariat, chair, seed_meeting) -> dict[str, WorkItem]:
    """Q.SCC in Last Call under Q1/11; Q.VNFT-req still under study."""
    items = {w.acronym: w for w in WorkItem.objects.all()}
    items["Q.SCC"].question = q1
    items["Q.SCC"].save()
    item = seed_meeting.agenda_items.get(title="Consent of draft Recommendations")
    services.decision_record(
        meeting=seed_meeting,
        agenda_item=item,
        kind=Decision.Kind.CONSENT,
        text="Consented.",
        work_items=[items["Q.SCC"]],
        by=chair,
    )
    services.approval_advance(
        work_item=items["Q.SCC"],
        event=Event.ANNOUNCE_LAST_CALL,
        on=dt.date(2024, 2, 5),
        by=secretariat,
    )
    return items


def programme_url(acronym="SG11") -> str:
    return reverse("decisions:work_programme", kwargs={"acronym": acronym})


def export_url(fmt: str) -> str:
    return reverse("decisions:work_programme_export", kwargs={"acronym": "SG11", "fmt": fmt})


# The work programme.


def test_it_shows_status_codes_and_due_dates_to_anyone(client, programme):
    response = client.get(programme_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Q.SCC" in page and "Q.VNFT-req" in page
    assert ">LC</abbr>" in page and "4 March 2024" in page
    assert ">in_progress</abbr>" in page


def test_it_filters_by_question_and_status(client, programme):
    page = client.get(programme_url(), {"question": "Q1/11"}).content.decode()
    assert "Q.SCC" in page and "Q.VNFT-req" not in page
    page = client.get(programme_url(), {"status": "in_progress"}).content.decode()
    assert "Q.SCC" not in page and "Q.VNFT-req" in page
    assert client.get(programme_url(), {"status": "nonsense"}).status_code == 400
    assert client.get(programme_url(), {"question": "Q9/13"}).status_code == 400


def test_it_answers_404_for_an_unknown_study_group(client, demo):
    assert client.get(programme_url("SG99")).status_code == 404
    assert client.get(programme_url("ITU-T")).status_code == 404


def test_it_lists_the_programme_in_constant_queries(
    client, programme, q1, django_assert_num_queries
):
    sg11 = Body.objects.get(acronym="SG11")
    with CaptureQueriesContext(connection) as few:
        client.get(programme_url())
    for n in range(10):
        WorkItem.objects.create(study_group=sg11, question=q1, acronym=f"Q.T{n}", title="T")
    with django_assert_num_queries(len(few)):
        client.get(programme_url())


def test_it_exports_csv(client, programme):
    response = client.get(export_url("csv"), {"status": "LC"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="work-programme-SG11.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Acronym"
    assert [(r[0], r[3], r[9], r[10]) for r in rows[1:]] == [("Q.SCC", "Q1/11", "LC", "2024-03-04")]


def test_it_exports_xlsx(client, programme):
    response = client.get(export_url("xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Acronym"
    assert {r[0]: r[9] for r in rows[1:]} == {"Q.SCC": "LC", "Q.VNFT-req": "in_progress"}
    assert client.get(export_url("csv"), {"status": "x"}).status_code == 400


def test_the_programme_refuses_writes(client, demo):
    assert client.post(programme_url()).status_code == 405
    assert client.post(export_url("csv")).status_code == 405


# Recording decisions: this meeting's chair and the secretariat only.


def decisions_url(meeting: Meeting) -> str:
    return reverse("decisions:decision_record", kwargs={"slug": meeting.slug})


def list_url(meeting: Meeting) -> str:
    return reverse("decisions:meeting_decisions", kwargs={"slug": meeting.slug})


def consent_form(meeting: Meeting) -> dict:
    item = meeting.agenda_items.get(title="Consent of draft Recommendations")
    work_item = WorkItem.objects.get(acronym="Q.VNFT-req")
    return {
        "agenda_item": item.pk,
        "kind": Decision.Kind.CONSENT,
        "text": "WP1/11 consented draft new Recommendation ITU-T Q.VNFT-req.",
        "work_items": [work_item.pk],
    }


@pytest.mark.parametrize("persona", ["chair", "secretariat"])
def test_it_lets_the_chair_and_the_secretariat_record(client, seed_meeting, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(decisions_url(seed_meeting)).status_code == 200
    response = client.post(decisions_url(seed_meeting), consent_form(seed_meeting))
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.recorded_by == request.getfixturevalue(persona)
    assert WorkItem.objects.get(acronym="Q.VNFT-req").status == WorkItem.Status.CONSENTED
    page = client.get(decisions_url(seed_meeting)).content.decode()
    assert "consented draft new Recommendation ITU-T Q.VNFT-req" in page


def test_everyone_who_sees_the_meeting_sees_its_decisions(client, seed_meeting, chair, delegate):
    client.force_login(chair)
    client.post(decisions_url(seed_meeting), consent_form(seed_meeting))
    client.logout()
    page = client.get(list_url(seed_meeting)).content.decode()
    assert "consented draft new Recommendation ITU-T Q.VNFT-req" in page
    assert "Record a decision" not in page
    meeting_page = client.get(seed_meeting.get_absolute_url()).content.decode()
    assert list_url(seed_meeting) in meeting_page
    assert decisions_url(seed_meeting) not in meeting_page
    client.force_login(chair)
    assert (
        decisions_url(seed_meeting) in client.get(seed_meeting.get_absolute_url()).content.decode()
    )
    assert client.post(list_url(seed_meeting)).status_code == 405
    seed_meeting.status = Meeting.Status.DRAFT
    seed_meeting.save()
    client.force_login(delegate)
    assert client.get(list_url(seed_meeting)).status_code == 404


@pytest.mark.parametrize("persona", ["other_chair", "delegate", "outsider"])
def test_it_refuses_everyone_else(client, seed_meeting, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(decisions_url(seed_meeting)).status_code == 403
    assert client.post(decisions_url(seed_meeting), consent_form(seed_meeting)).status_code == 403
    assert not Decision.objects.exists()


def test_it_sends_anonymous_people_to_sign_in(client, seed_meeting):
    for response in (
        client.get(decisions_url(seed_meeting)),
        client.post(decisions_url(seed_meeting), consent_form(seed_meeting)),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_it_refuses_other_methods(client, seed_meeting, chair):
    client.force_login(chair)
    assert client.put(decisions_url(seed_meeting)).status_code == 405
    assert client.delete(decisions_url(seed_meeting)).status_code == 405


def test_it_hides_a_draft_meeting(client, seed_meeting, delegate):
    seed_meeting.status = Meeting.Status.DRAFT
    seed_meeting.save()
    client.force_login(delegate)
    assert client.get(decisions_url(seed_meeting)).status_code == 404


def test_it_answers_422_with_the_reason(client, seed_meeting, chair):
    client.force_login(chair)
    form = consent_form(seed_meeting)
    assert client.post(decisions_url(seed_meeting), form).status_code == 302
    response = client.post(decisions_url(seed_meeting), form)
    assert response.status_code == 422
    assert "already Consented" in response.content.decode()
    response = client.post(decisions_url(seed_meeting), {**form, "text": ""})
    assert response.status_code == 422
    assert "Write what was decided." in response.content.decode()
    assert Decision.objects.count() == 1


def test_it_corrects_with_a_new_decision(client, seed_meeting, chair, delegate):
    client.force_login(chair)
    client.post(decisions_url(seed_meeting), consent_form(seed_meeting))
    original = Decision.objects.get()
    url = reverse(
        "decisions:decision_correct", kwargs={"slug": seed_meeting.slug, "pk": original.pk}
    )
    assert client.get(url).status_code == 200
    assert client.post(url, {"text": "Corrected text."}).status_code == 302
    assert Decision.objects.get(corrects=original).text == "Corrected text."
    assert client.post(url, {"text": "Again."}).status_code == 422
    client.force_login(delegate)
    assert client.post(url, {"text": "Mine."}).status_code == 403
    assert Decision.objects.count() == 2


# A work item's page and the secretariat's approval steps.


def item_url(item: WorkItem, name: str = "work_item") -> str:
    return reverse(f"decisions:{name}", kwargs={"acronym": "SG11", "pk": item.pk})


def test_the_work_item_page_shows_stage_due_date_and_history(client, programme):
    q_scc = programme["Q.SCC"]
    page = client.get(item_url(q_scc)).content.decode()
    assert "Last Call (LC)" in page and "4 March 2024" in page
    assert "status: in_progress &rarr; C" in page
    assert "Record the next step" not in page
    assert client.get(item_url(q_scc).replace("SG11", "SG13")).status_code == 404


def test_the_secretariat_records_the_next_step(client, programme, secretariat):
    q_scc = programme["Q.SCC"]
    client.force_login(secretariat)
    assert "Record the next step" in client.get(item_url(q_scc)).content.decode()
    response = client.post(
        item_url(q_scc, "approval_advance"),
        {"event": "close_last_call_clean", "on": "2024-03-03", "comments": ""},
    )
    assert response.status_code == 422
    assert "ends on 2024-03-04" in response.content.decode()
    response = client.post(
        item_url(q_scc, "approval_advance"),
        {"event": "close_last_call_clean", "on": "2024-03-04", "comments": "One typo in 7.2."},
    )
    assert response.status_code == 302
    q_scc.refresh_from_db()
    assert q_scc.status == WorkItem.Status.APPROVED
    assert q_scc.approval_steps.last().comments == "One typo in 7.2."
    response = client.post(
        item_url(q_scc, "approval_advance"), {"event": "approve", "on": "2024-03-05"}
    )
    assert response.status_code == 422


@pytest.mark.parametrize("persona", ["chair", "other_chair", "delegate", "outsider"])
def test_only_the_secretariat_advances_an_approval(client, programme, persona, request):
    client.force_login(request.getfixturevalue(persona))
    data = {"event": "close_last_call_clean", "on": "2024-03-04"}
    assert client.post(item_url(programme["Q.SCC"], "approval_advance"), data).status_code == 403
    assert WorkItem.objects.get(acronym="Q.SCC").status == WorkItem.Status.LAST_CALL


def test_advancing_needs_sign_in_and_post(client, programme, secretariat):
    url = item_url(programme["Q.SCC"], "approval_advance")
    response = client.post(url, {"event": "close_last_call_clean", "on": "2024-03-04"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(secretariat)
    assert client.get(url).status_code == 405
    assert client.post(item_url(programme["Q.SCC"])).status_code == 405


def test_a_new_work_item_agreed_joins_the_programme(client, seed_meeting, chair, q1):
    client.force_login(chair)
    item = seed_meeting.agenda_items.get(title="Agreement on new work items")
    response = client.post(
        decisions_url(seed_meeting),
        {
            "agenda_item": item.pk,
            "kind": Decision.Kind.NEW_WORK_ITEM,
            "text": "WP1/11 agreed to start work on Q.NEW.",
            "acronym": "Q.NEW",
            "title": "Signalling requirements of a new thing",
            "question": q1.pk,
            "approval_process": "TAP",
            "timing": "2022-07",
            "scope": "The signalling of a new thing.",
            "supporting_members": "China; Russian Federation",
        },
    )
    assert response.status_code == 302
    created = WorkItem.objects.get(acronym="Q.NEW")
    assert (created.question, created.approval_process, created.timing) == (
        q1,
        "TAP",
        dt.date(2022, 7, 1),
    )
    decision = Decision.objects.get()
    assert list(decision.work_items.all()) == [created]
    assert decision.details["supporting_members"] == "China; Russian Federation"
    assert created.events.get().note == "Agreed as a new work item"
    missing = client.post(
        decisions_url(seed_meeting),
        {"agenda_item": item.pk, "kind": Decision.Kind.NEW_WORK_ITEM, "text": "Again."},
    )
    assert missing.status_code == 422
    assert "needs an acronym and a title" in missing.content.decode()
    again = client.post(
        decisions_url(seed_meeting),
        {
            "agenda_item": item.pk,
            "kind": Decision.Kind.NEW_WORK_ITEM,
            "text": "Again.",
            "acronym": "q.new",
            "title": "Twice",
        },
    )
    assert again.status_code == 422
    assert "already has a work item" in again.content.decode()
    assert Decision.objects.count() == 1


def test_the_decisions_list_runs_constant_queries(
    client, seed_meeting, chair, django_assert_num_queries
):
    item = seed_meeting.agenda_items.first()
    work_items = list(WorkItem.objects.all())

    def record(n: int) -> None:
        services.decision_record(
            meeting=seed_meeting,
            agenda_item=item,
            kind=Decision.Kind.AGREEMENT,
            text=f"Agreement {n}.",
            work_items=work_items,
            by=chair,
        )

    record(0)
    with CaptureQueriesContext(connection) as few:
        client.get(list_url(seed_meeting))
    for n in range(1, 6):
        record(n)
    services.decision_correct(decision=Decision.objects.first(), text="Corrected.", by=chair)
    with django_assert_num_queries(len(few)):
        page = client.get(list_url(seed_meeting)).content.decode()
    assert "Agreement 5." in page and "corrects decision" in page


def test_it_shows_a_meetings_programme(client, programme, seed_meeting, next_meeting):
    sg11 = Body.objects.get(acronym="SG11")
    WorkItem.objects.create(study_group=sg11, acronym="Q.ELSE", title="Not at that meeting")
    page = client.get(programme_url(), {"meeting": seed_meeting.slug}).content.decode()
    assert "Q.SCC" in page and "Q.VNFT-req" in page and "Q.ELSE" not in page
    next_meeting.drafts.clear()
    page = client.get(programme_url(), {"meeting": next_meeting.slug}).content.decode()
    assert "No work items match." in page
    next_meeting.status = Meeting.Status.DRAFT
    next_meeting.save()
    assert client.get(programme_url(), {"meeting": next_meeting.slug}).status_code == 400


def test_the_exports_never_carry_a_formula(client, demo):
    WorkItem.objects.filter(acronym="Q.SCC").update(title='=HYPERLINK("http://x")')
    rows = list(csv.reader(io.StringIO(client.get(export_url("csv")).content.decode())))
    assert {r[0]: r[1] for r in rows[1:]}["Q.SCC"] == '\'=HYPERLINK("http://x")'
    sheet = load_workbook(io.BytesIO(client.get(export_url("xlsx")).content)).active
    titles = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
    assert titles["Q.SCC"].data_type == "s"
