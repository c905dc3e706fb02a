"""The decision routes: read by all who see the meeting, recorded by its chairs and secretariat."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plenary.accounts.models import User
from plenary.decisions import services
from plenary.decisions.models import Decision, WorkItem
from plenary.documents.tests.conftest import register_contribution
from plenary.groups.models import Body, Role

from .conftest import _token, bearer

pytestmark = pytest.mark.django_db

CONSENT_ITEM = "6"  # "Consent of draft Recommendations" in the demo's agenda


def _record(client, meeting, token, **body):
    return client.post(
        f"/api/v1/meetings/{meeting.slug}/decisions",
        {
            "agenda_item": CONSENT_ITEM,
            "kind": "consent",
            "text": "Q.SCC was consented.",
            "work_items": ["Q.SCC"],
            **body,
        },
        content_type="application/json",
        headers=bearer(token) if token else {},
    )


def _error(response, status: int, code: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    if field is not None:
        assert body["field"] == field  # the client's own word, not the route's "payload"
    return body


@pytest.fixture
def chair_token(chair) -> str:
    return _token(chair)


@pytest.fixture
def other_chair(demo) -> User:
    """The chairman of another study group (SG13): no say over WP1/11's meetings."""
    person = User.objects.create_user("sg13-chairman@example.org", "x", name="SG13 chairman")
    Role.objects.create(body=Body.objects.get(acronym="SG13"), person=person, name="chairman")
    return person


def test_the_chair_records_a_consent(client, next_meeting, chair, chair_token):
    document = register_contribution(next_meeting, chair, title="Draft Q.SCC")
    response = _record(client, next_meeting, chair_token, documents=[document.file_code])
    assert response.status_code == 201, response.content
    body = response.json()
    decision = Decision.objects.get()
    assert body["id"] == decision.pk and decision.recorded_by == chair
    assert body["kind"] == "consent" and body["agenda_item"] == CONSENT_ITEM
    assert body["agenda_title"] == "Consent of draft Recommendations"
    assert body["work_items"] == ["Q.SCC"]
    assert [d["code"] for d in body["documents"]] == [document.file_code]
    assert body["documents"][0]["number"] == document.display_number
    assert body["recorded_by"] == chair.display_name and body["corrects"] is None
    # The service started the draft's approval, as the page's recording does.
    assert WorkItem.objects.get(acronym="Q.SCC").status == WorkItem.Status.CONSENTED


def test_the_secretariat_records_a_new_work_item(client, next_meeting, secretariat_token):
    response = _record(
        client,
        next_meeting,
        secretariat_token,
        agenda_item="8",
        kind="new_work_item",
        text="Q.NEW-req was agreed as a new work item.",
        work_items=[],
        new_work_item={
            "acronym": "Q.NEW-req",
            "title": "Signalling requirements for something new",
            "timing": "2027-06-15",
            "editors": "An editor of DSMT",
        },
    )
    assert response.status_code == 201, response.content
    created = WorkItem.objects.get(acronym="Q.NEW-req")
    assert created.timing.isoformat() == "2027-06-01"
    assert response.json()["work_items"] == ["Q.NEW-req"]
    assert Decision.objects.get().details["editors"] == "An editor of DSMT"


def test_bad_values_are_400_with_the_field_and_nothing_is_saved(
    client, next_meeting, seed_meeting, chair, chair_token
):
    elsewhere = register_contribution(seed_meeting, chair, title="Of another meeting")
    cases = [
        ({"agenda_item": "99"}, "agenda_item"),
        ({"agenda_item": "six"}, "agenda_item"),
        ({"work_items": ["Q.NONE"]}, "work_items"),
        ({"text": "   "}, "text"),
        ({"text": "Agreed\x00"}, "text"),
        ({"kind": "verdict"}, "kind"),
        ({"documents": ["T17-SG11-C-9999"]}, "documents"),
        ({"documents": [elsewhere.file_code]}, "documents"),
        # Q.SCC follows the AAP: a determination (TAP) of it is refused by the service.
        ({"kind": "determination", "approval_meeting": "2030-01-10"}, "work_items"),
        ({"kind": "new_work_item", "work_items": []}, "new_work_item"),
        (
            {"kind": "new_work_item", "new_work_item": {"acronym": "Q.SCC", "title": "Again"}},
            "new_work_item.acronym",
        ),
        (
            {"new_work_item": {"acronym": "Q.X", "title": "Not with a consent"}},
            "new_work_item",
        ),
        (
            {
                "kind": "new_work_item",
                "new_work_item": {"acronym": "Q.X", "title": "X", "question": "Q9/11"},
            },
            "new_work_item.question",
        ),
        (
            {
                "kind": "new_work_item",
                "new_work_item": {"acronym": "Q.X", "title": "X", "question": "Q1\x00"},
            },
            "new_work_item.question",
        ),
    ]
    for body, field in cases:
        _error(_record(client, next_meeting, chair_token, **body), 400, "invalid", field)
    assert not Decision.objects.exists()
    assert WorkItem.objects.get(acronym="Q.SCC").status == WorkItem.Status.IN_PROGRESS


def test_those_who_do_not_run_the_meeting_may_not_record(
    client,
    next_meeting,
    delegate_token,
    outsider_token,
    delegate_read_token,
    other_chair,
    sg_chairman,
):
    # The study group's chairman does not chair the working party's meeting either.
    for token in (delegate_token, outsider_token, _token(other_chair), _token(sg_chairman)):
        _error(_record(client, next_meeting, token), 403, "may_not_record")
    _error(_record(client, next_meeting, delegate_read_token), 403, "token_read_only")
    _error(_record(client, next_meeting, None), 401, "not_authenticated")
    assert not Decision.objects.exists()


def test_a_draft_meetings_decisions_are_private(
    client, draft_meeting, delegate_token, secretariat_token
):
    _error(_record(client, draft_meeting, delegate_token), 404, "not_found")
    for headers in ({}, bearer(delegate_token)):
        response = client.get(f"/api/v1/meetings/{draft_meeting.slug}/decisions", headers=headers)
        _error(response, 404, "not_found")
    response = client.get(
        f"/api/v1/meetings/{draft_meeting.slug}/decisions", headers=bearer(secretariat_token)
    )
    assert response.status_code == 200


def test_everyone_reads_the_decisions_with_their_corrections(client, next_meeting, chair):
    agenda = {item.position: item for item in next_meeting.agenda_items.all()}
    first = services.decision_record(
        meeting=next_meeting,
        agenda_item=agenda[7],
        kind=Decision.Kind.AGREEMENT,
        text="Supplement agreed.",
        by=chair,
    )
    correction = services.decision_correct(decision=first, text="Supplement 9 agreed.", by=chair)
    response = client.get(f"/api/v1/meetings/{next_meeting.slug}/decisions")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [d["id"] for d in items] == [first.pk, correction.pk]
    assert items[0]["corrected_by"] == correction.pk and items[1]["corrects"] == first.pk
    assert items[1]["text"] == "Supplement 9 agreed." and items[1]["agenda_item"] == "7"
    assert items[0]["kind_label"].startswith("Agreement")


def test_the_list_takes_a_constant_number_of_queries(client, next_meeting, chair):
    agenda = {item.position: item for item in next_meeting.agenda_items.all()}
    items = list(WorkItem.objects.all())

    def decided(count: int) -> None:
        for n in range(count):
            document = register_contribution(next_meeting, chair, title=f"Paper {n}")
            services.decision_record(
                meeting=next_meeting,
                agenda_item=agenda[4],
                kind=Decision.Kind.DOCUMENTS_NOTED,
                text=f"Noted {n}.",
                documents=[document],
                work_items=items,
                by=chair,
            )

    url = f"/api/v1/meetings/{next_meeting.slug}/decisions"
    decided(2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"{url}?limit=1").status_code == 200
    decided(30)
    with CaptureQueriesContext(connection) as large:
        body = client.get(f"{url}?limit=25").json()
    assert len(large) == len(small) and len(body["items"]) == 25
    assert all(len(d["documents"]) == 1 and len(d["work_items"]) == 2 for d in body["items"])
    with CaptureQueriesContext(connection) as last:
        body = client.get(body["next"]).json()
    assert len(last) == len(small) and len(body["items"]) == 7 and body["next"] is None
