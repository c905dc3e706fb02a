"""A work item's entry in the programme: its edit page, its texts, and the discontinuation flag."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plenary.accounts.models import User
from plenary.decisions import programme, services
from plenary.decisions.models import Decision, WorkItem, WorkItemEvent
from plenary.documents.models import Document
from plenary.groups.models import Body, Role, StudyPeriod
from plenary.meetings.models import Meeting

pytestmark = pytest.mark.django_db

TODAY = dt.date(2021, 6, 1)


@pytest.fixture
def sg11(demo) -> Body:
    return Body.objects.get(acronym="SG11")


@pytest.fixture
def item(sg11) -> WorkItem:
    return WorkItem.objects.get(study_group=sg11, acronym="Q.SCC")


def _meeting(seed: Meeting, slug: str, day: dt.date) -> Meeting:
    return Meeting.objects.create(
        slug=slug,
        body=seed.body,
        title=f"Meeting of {day:%d %B %Y}",
        start_date=day,
        end_date=day,
        daily_start=seed.daily_start,
        daily_end=seed.daily_end,
        time_zone=seed.time_zone,
        mode=seed.mode,
        status=Meeting.Status.ANNOUNCED,
    )


def _contribution(meeting: Meeting, number: int, author: User, **fields) -> Document:
    return Document.objects.create(
        kind=Document.Kind.CONTRIBUTION,
        study_group=Body.objects.get(acronym="SG11"),
        study_period=StudyPeriod.objects.get(code="T17"),
        meeting=meeting,
        number=number,
        title=f"Proposal {number}",
        source=author.organization.name,
        state=fields.pop("state", Document.State.POSTED),
        submitted_by=author,
        **fields,
    )


@pytest.fixture
def two_meetings(seed_meeting) -> list[Meeting]:
    """The seed meeting (19 November 2020) and a later one, both over by TODAY."""
    return [seed_meeting, _meeting(seed_meeting, "sg11-wp1-2021-03", dt.date(2021, 3, 4))]


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """Pin the day the flag asks which meetings are over."""
    monkeypatch.setattr(programme.timezone, "localdate", lambda *args, **kwargs: TODAY)


def _flags(sg11) -> dict[str, bool]:
    return {item.acronym: item.discontinuation_candidate for item in programme.work_programme(sg11)}


def _age(item: WorkItem, day: dt.date) -> None:
    WorkItem.objects.filter(pk=item.pk).update(
        created_at=timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    )


# The discontinuation flag.


def test_an_item_no_one_contributed_to_at_two_meetings_is_a_candidate(sg11, item, two_meetings):
    _age(item, dt.date(2020, 1, 1))
    assert _flags(sg11)["Q.SCC"] is True


def test_one_contribution_at_either_meeting_clears_the_flag(sg11, item, two_meetings, delegate):
    _age(item, dt.date(2020, 1, 1))
    item.texts.add(_contribution(two_meetings[1], 7, delegate))
    assert _flags(sg11)["Q.SCC"] is False


def test_a_withdrawn_or_unuploaded_contribution_does_not_count(sg11, item, two_meetings, delegate):
    _age(item, dt.date(2020, 1, 1))
    item.texts.add(
        _contribution(two_meetings[0], 8, delegate, state=Document.State.WITHDRAWN),
        _contribution(two_meetings[1], 9, delegate, state=Document.State.RESERVED),
    )
    assert _flags(sg11)["Q.SCC"] is True


def test_a_contribution_to_another_item_does_not_count(sg11, item, two_meetings, delegate):
    _age(item, dt.date(2020, 1, 1))
    other = WorkItem.objects.get(study_group=sg11, acronym="Q.VNFT-req")
    other.texts.add(_contribution(two_meetings[1], 10, delegate))
    assert _flags(sg11)["Q.SCC"] is True


def test_a_young_item_or_one_in_approval_is_never_a_candidate(sg11, item, two_meetings):
    _age(item, dt.date(2021, 1, 1))  # created between the two meetings
    assert _flags(sg11)["Q.SCC"] is False
    _age(item, dt.date(2020, 1, 1))
    WorkItem.objects.filter(pk=item.pk).update(status=WorkItem.Status.CONSENTED)
    assert _flags(sg11)["Q.SCC"] is False


def test_one_meeting_over_is_not_enough(sg11, item, seed_meeting):
    _age(item, dt.date(2020, 1, 1))
    assert _flags(sg11)["Q.SCC"] is False


def test_the_page_filters_and_the_export_names_candidates(client, sg11, item, two_meetings):
    _age(item, dt.date(2020, 1, 1))
    url = reverse("decisions:work_programme", kwargs={"acronym": "SG11"})
    export = reverse("decisions:work_programme_export", kwargs={"acronym": "SG11", "fmt": "csv"})
    page = client.get(url, {"candidates": "on"}).content.decode()
    rows = list(csv.DictReader(io.StringIO(client.get(export).content.decode())))
    assert "Q.SCC" in page and "candidate for discontinuation" in page
    assert "Q.VNFT-req" not in page  # made today, after both meetings: not a candidate
    by_acronym = {row["Acronym"]: row for row in rows}
    assert by_acronym["Q.SCC"]["Candidate for discontinuation"] == "yes"
    assert by_acronym["Q.SCC"]["Priority"] == "Medium"


# The edit page.


def edit_url(item: WorkItem) -> str:
    return reverse("decisions:work_item_edit", kwargs={"acronym": "SG11", "pk": item.pk})


def _form(item: WorkItem, **changes) -> dict:
    data = {
        "acronym": item.acronym,
        "title": item.title,
        "kind": item.kind,
        "question": "",
        "approval_process": item.approval_process,
        "priority": item.priority,
        "timing": "",
        "editors": "",
        "base_text": "",
        "latest_text": "",
        "status": item.status,
        "note": "",
    }
    data.update(changes)
    return data


def test_the_secretariat_edits_and_the_history_keeps_it(
    client, item, secretariat, delegate, seed_meeting
):
    text = _contribution(seed_meeting, 11, delegate)
    client.force_login(secretariat)
    response = client.post(
        edit_url(item),
        _form(
            item,
            priority="high",
            timing="2021-07",
            editors="DELEGATE@example.org\n",
            latest_text=str(text.pk),
            note="Agreed at the Q1 rapporteur group",
        ),
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.priority == "high" and item.timing == dt.date(2021, 7, 1)
    assert list(item.editors.all()) == [delegate]
    assert item.latest_text == text and list(item.texts.all()) == [text]
    event = WorkItemEvent.objects.get(work_item=item)
    assert event.by == secretariat and event.note == "Agreed at the Q1 rapporteur group"
    assert event.changes["priority"] == ["medium", "high"]
    assert event.changes["texts"] == ["", "SG11-C11"]
    page = client.get(response.url).content.decode()
    assert "SG11-C11" in page and "High" in page


def test_an_unchanged_form_records_nothing(client, item, secretariat):
    client.force_login(secretariat)
    assert client.post(edit_url(item), _form(item)).status_code == 302
    assert not WorkItemEvent.objects.filter(work_item=item).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"editors": "nobody@example.org"}, "editors", "No account has the address"),
        ({"acronym": "q.vnft-req"}, "acronym", "already has a work item"),
        ({"timing": "July"}, "timing", "Enter a valid date"),
        ({"status": "approved"}, "status", "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_saves_nothing(
    client, item, secretariat, changes, field, message
):
    client.force_login(secretariat)
    response = client.post(edit_url(item), _form(item, priority="low", **changes))
    assert response.status_code == 422
    assert message in str(response.context["form"].errors[field])
    item.refresh_from_db()
    assert item.priority == "medium"
    assert not WorkItemEvent.objects.filter(work_item=item).exists()


def test_the_status_is_set_here_only_outside_an_approval_process(client, item, secretariat):
    client.force_login(secretariat)
    client.post(edit_url(item), _form(item, status="discontinued"))
    item.refresh_from_db()
    assert item.status == WorkItem.Status.DISCONTINUED
    WorkItem.objects.filter(pk=item.pk).update(status=WorkItem.Status.LAST_CALL)
    assert "status" not in client.get(edit_url(item)).context["form"].fields
    client.post(edit_url(item), _form(item, status="in_progress", priority="low"))
    item.refresh_from_db()
    assert item.status == WorkItem.Status.LAST_CALL and item.priority == "low"


@pytest.mark.parametrize("persona", ["secretariat", "sg_chairman"])
def test_the_secretariat_and_the_study_group_chairman_may_edit(client, item, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(edit_url(item)).status_code == 200


def test_an_editor_and_a_rapporteur_of_its_question_may_edit(client, item, delegate, academic):
    client.force_login(delegate)
    assert client.get(edit_url(item)).status_code == 403
    item.editors.add(delegate)
    assert client.get(edit_url(item)).status_code == 200
    q1 = Body.objects.create(
        kind=Body.Kind.QUESTION,
        parent=Body.objects.get(acronym="WP1/11"),
        number=1,
        acronym="Q1/11",
        title="Q1",
    )
    WorkItem.objects.filter(pk=item.pk).update(question=q1)
    Role.objects.create(body=q1, person=academic, name=Role.Name.RAPPORTEUR)
    client.force_login(academic)
    assert client.get(edit_url(item)).status_code == 200


@pytest.mark.parametrize("persona", ["chair", "delegate", "outsider"])
def test_everyone_else_is_refused(client, item, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(edit_url(item)).status_code == 403
    assert client.post(edit_url(item), _form(item, priority="low")).status_code == 403
    item.refresh_from_db()
    assert item.priority == "medium"


def test_the_secretariat_of_another_study_group_is_refused(client, item):
    sg13 = Body.objects.get(acronym="SG13")
    person = User.objects.create_user(email="sg13-counsellor@example.org", name="Counsellor")
    Role.objects.create(body=sg13, person=person, name=Role.Name.COUNSELLOR)
    client.force_login(person)
    assert client.get(edit_url(item)).status_code == 403


def test_anonymous_people_are_sent_to_sign_in(client, item):
    response = client.get(edit_url(item))
    assert response.status_code == 302 and "login" in response.url


# The service.


def test_the_base_text_and_latest_text_join_the_items_texts(item, secretariat, delegate):
    seed = Meeting.objects.get(slug="sg11-wp1-2020-11-19")
    base, latest = _contribution(seed, 21, delegate), _contribution(seed, 22, delegate)
    services.work_item_update(work_item=item, by=secretariat, base_text=base)
    services.work_item_update(work_item=item, by=secretariat, latest_text=latest)
    assert set(item.texts.all()) == {base, latest}
    # A later set of texts keeps them: they are the item's texts by definition.
    services.work_item_update(work_item=item, by=secretariat, texts=[])
    assert set(item.texts.all()) == {base, latest}


def test_a_consent_recorded_later_leaves_the_texts_alone(item, chair, delegate, seed_meeting):
    text = _contribution(seed_meeting, 31, delegate)
    item.texts.add(text)
    services.decision_record(
        meeting=seed_meeting,
        agenda_item=seed_meeting.agenda_items.get(title="Consent of draft Recommendations"),
        kind=Decision.Kind.CONSENT,
        text="Consented.",
        work_items=[item],
        by=chair,
    )
    assert list(item.texts.all()) == [text]


def test_the_edit_page_reads_the_documents_once_for_its_three_lists(
    client, item, secretariat, delegate, seed_meeting
):
    for number in (21, 22, 23):
        _contribution(seed_meeting, number, delegate)
    client.force_login(secretariat)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(edit_url(item)).content.decode()
    listing = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT") and '"documents_document"."number" DESC' in q["sql"]
    ]
    assert len(listing) == 1, listing
    # The base text, the latest text and the texts each still offer every document.
    assert page.count(">SG11-C21: ") == 3
