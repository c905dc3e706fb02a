"""The agenda and time-plan editors over HTTP: plain forms, HTMX partials, permissions, errors."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plenary.accounts.models import User
from plenary.groups.models import Body, Role
from plenary.meetings import selectors
from plenary.meetings.models import AgendaItem, Meeting, PlanVersion
from plenary.meetings.services import agenda as services

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def meeting(seed_meeting) -> Meeting:
    return seed_meeting


@pytest.fixture
def other_chair(demo) -> User:
    """The chairman of another working party of the same study group."""
    sg11 = Body.objects.get(acronym="SG11")
    wp2 = Body.objects.create(
        kind=Body.Kind.WORKING_PARTY, parent=sg11, number=2, acronym="WP2/11", title="Testing"
    )
    person = User.objects.create_user(email="wp2-chair@example.org", name="WP2/11 chairman")
    Role.objects.create(body=wp2, person=person, name=Role.Name.CHAIRMAN)
    return person


def url(name: str, meeting: Meeting, **kwargs) -> str:
    return reverse(f"meetings:{name}", kwargs={"slug": meeting.slug, **kwargs})


def titles(meeting: Meeting) -> list[tuple[str, str]]:
    return [(r.number, r.title) for r in selectors.agenda_rows(meeting.agenda_items.all())]


def first_item(meeting: Meeting, position: int = 1) -> AgendaItem:
    return meeting.agenda_items.get(parent=None, position=position)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# Permissions: every editing URL, with a request that would succeed for an editor.


def _editing_requests(meeting: Meeting) -> list[tuple[str, str, dict]]:
    item = first_item(meeting, 2)
    slot = meeting.slots.first()
    return [
        ("get", url("agenda_edit", meeting), {}),
        ("post", url("agenda_item_add", meeting), {"title": "New"}),
        ("get", url("agenda_item_edit", meeting, item_id=item.pk), {}),
        ("post", url("agenda_item_edit", meeting, item_id=item.pk), {"title": "Renamed"}),
        ("post", url("agenda_item_move", meeting, item_id=item.pk), {"direction": "up"}),
        ("post", url("agenda_item_delete", meeting, item_id=item.pk), {}),
        ("post", url("agenda_publish", meeting), {"note": ""}),
        ("get", url("time_plan_edit", meeting), {}),
        (
            "post",
            url("slot_add", meeting),
            {"date": "2020-11-19", "start": "09:00", "end": "10:00", "title": "Q1/11"},
        ),
        ("get", url("slot_edit", meeting, slot_id=slot.pk), {}),
        ("post", url("slot_delete", meeting, slot_id=slot.pk), {}),
        ("post", url("time_plan_publish", meeting), {}),
    ]


@pytest.mark.parametrize("persona", ["chair", "secretariat"])
def test_it_lets_the_wp_chair_and_the_secretariat_edit(client, meeting, persona, request):
    client.force_login(request.getfixturevalue(persona))
    for method, path, data in _editing_requests(meeting):
        response = getattr(client, method)(path, data)
        assert response.status_code in (200, 302), (path, response.status_code)


@pytest.mark.parametrize("persona", ["other_chair", "delegate", "outsider"])
def test_it_refuses_everyone_else(client, meeting, persona, request):
    client.force_login(request.getfixturevalue(persona))
    before = titles(meeting)
    for method, path, data in _editing_requests(meeting):
        response = getattr(client, method)(path, data)
        assert response.status_code == 403, (path, response.status_code)
    assert titles(meeting) == before
    assert not PlanVersion.objects.filter(meeting=meeting).exists()


def test_it_sends_anonymous_people_to_sign_in(client, meeting):
    for method, path, data in _editing_requests(meeting):
        response = getattr(client, method)(path, data)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_it_hides_a_draft_meeting_from_those_who_may_not_see_it(client, meeting, delegate):
    meeting.status = Meeting.Status.DRAFT
    meeting.save()
    client.force_login(delegate)
    assert client.get(url("agenda_edit", meeting)).status_code == 404


def test_it_answers_405_to_the_wrong_method(client, meeting, chair):
    client.force_login(chair)
    item = first_item(meeting)
    for name, kwargs in [
        ("agenda_item_add", {}),
        ("agenda_item_delete", {"item_id": item.pk}),
        ("agenda_item_move", {"item_id": item.pk}),
        ("agenda_publish", {}),
        ("agenda_discard", {}),
        ("slot_add", {}),
        ("time_plan_publish", {}),
    ]:
        assert client.get(url(name, meeting, **kwargs)).status_code == 405, name
    assert client.post(url("agenda_edit", meeting)).status_code == 405
    assert client.delete(url("agenda_item_edit", meeting, item_id=item.pk)).status_code == 405


def test_it_enforces_csrf(meeting, chair):
    client = Client(enforce_csrf_checks=True)
    client.force_login(chair)
    response = client.post(url("agenda_item_add", meeting), {"title": "X"}, **HTMX)
    assert response.status_code == 403
    page = client.get(url("agenda_edit", meeting))
    token = page.context["csrf_token"]
    assert f'"X-CSRFToken": "{token}"' in page.content.decode()
    response = client.post(
        url("agenda_item_add", meeting), {"title": "X"}, HTTP_X_CSRFTOKEN=str(token), **HTMX
    )
    assert response.status_code == 200


# The editor page


def test_the_editor_page_loads_htmx_and_lists_the_working_copy(client, meeting, chair):
    client.force_login(chair)
    response = client.get(url("agenda_edit", meeting))
    html = response.content.decode()
    assert "plenary/htmx.min.js" in html
    assert "Opening remarks" in html and "Closure of the meeting" in html
    assert "Never published" in html
    assert 'id="agenda-editor"' in html


def test_htmx_is_not_loaded_on_the_public_page(client, meeting):
    assert "htmx.min.js" not in client.get(meeting.get_absolute_url()).content.decode()


# Each action, without JavaScript (redirect + message) and with HTMX (the list re-rendered)


def test_add_redirects_with_a_message(client, meeting, chair):
    client.force_login(chair)
    response = client.post(
        url("agenda_item_add", meeting), {"title": "Liaison with SG13"}, follow=True
    )
    assert response.redirect_chain == [(url("agenda_edit", meeting), 302)]
    assert messages_of(response) == ["Added item 15 “Liaison with SG13”."]
    assert titles(meeting)[-1] == ("15", "Liaison with SG13")


def test_add_under_a_parent_with_htmx_returns_the_partial(client, meeting, chair):
    client.force_login(chair)
    parent = first_item(meeting, 4)
    response = client.post(
        url("agenda_item_add", meeting), {"title": "C-12 from China", "parent": parent.pk}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<div id="agenda-editor"')
    assert "<html" not in html
    assert "Added item 4.1 “C-12 from China”." in html
    assert ("4.1", "C-12 from China") in titles(meeting)


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_add_with_an_empty_title_says_why(client, meeting, chair, headers):
    client.force_login(chair)
    response = client.post(url("agenda_item_add", meeting), {"title": "  "}, **headers)
    assert response.status_code == 422
    assert "Give the agenda item a title." in response.content.decode()
    assert meeting.agenda_items.count() == 14


def test_add_under_an_item_of_another_meeting_is_refused(client, meeting, chair, demo):
    client.force_login(chair)
    foreign = AgendaItem.objects.exclude(meeting=meeting).first()
    response = client.post(
        url("agenda_item_add", meeting), {"title": "X", "parent": foreign.pk}, **HTMX
    )
    assert response.status_code == 422
    assert "That item is not on this meeting&#x27;s agenda." in response.content.decode()
    assert foreign.children.count() == 0


def test_edit_shows_the_inline_form_and_saves(client, meeting, chair):
    client.force_login(chair)
    item = first_item(meeting, 13)
    path = url("agenda_item_edit", meeting, item_id=item.pk)
    form = client.get(path, **HTMX).content.decode()
    assert f'hx-post="{path}"' in form and 'value="AOB"' in form
    page = client.get(path)
    assert page.status_code == 200 and 'value="AOB"' in page.content.decode()
    response = client.post(path, {"title": "Any other business", "description": "Brief"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.description) == ("Any other business", "Brief")


def test_edit_with_an_empty_title_keeps_the_old_one(client, meeting, chair):
    client.force_login(chair)
    item = first_item(meeting, 13)
    response = client.post(url("agenda_item_edit", meeting, item_id=item.pk), {"title": ""})
    assert response.status_code == 422
    assert "Give the agenda item a title." in response.content.decode()
    item.refresh_from_db()
    assert item.title == "AOB"


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_an_unknown_item_gives_a_clear_404(client, meeting, chair, headers):
    client.force_login(chair)
    response = client.post(
        url("agenda_item_move", meeting, item_id=999999), {"direction": "up"}, **headers
    )
    assert response.status_code == 404
    assert "not on this meeting&#x27;s agenda" in response.content.decode()


def test_an_item_of_another_meeting_gives_a_clear_404(client, meeting, chair, demo):
    client.force_login(chair)
    foreign = AgendaItem.objects.exclude(meeting=meeting).first()
    for name, data in [
        ("agenda_item_edit", {"title": "Hijack"}),
        ("agenda_item_delete", {}),
        ("agenda_item_move", {"direction": "down"}),
    ]:
        response = client.post(url(name, meeting, item_id=foreign.pk), data, **HTMX)
        assert response.status_code == 404, name
    foreign.refresh_from_db()
    assert foreign.title != "Hijack"
    assert AgendaItem.objects.filter(pk=foreign.pk).exists()


@pytest.mark.parametrize(
    ("position", "direction", "expected"),
    [
        (3, "up", [("2", "Documents allocation"), ("3", "Approval of the agenda")]),
        (2, "down", [("2", "Documents allocation"), ("3", "Approval of the agenda")]),
    ],
)
def test_move_up_and_down(client, meeting, chair, position, direction, expected):
    client.force_login(chair)
    item = first_item(meeting, position)
    response = client.post(
        url("agenda_item_move", meeting, item_id=item.pk), {"direction": direction}, follow=True
    )
    assert titles(meeting)[1:3] == expected
    assert "is now item" in messages_of(response)[0]


def test_indent_and_outdent_with_htmx(client, meeting, chair):
    client.force_login(chair)
    item = first_item(meeting, 5)
    path = url("agenda_item_move", meeting, item_id=item.pk)
    response = client.post(path, {"direction": "in"}, **HTMX)
    assert "is now item 4.1" in response.content.decode()
    assert titles(meeting)[3:6] == [
        ("4", "Discussion of received contributions"),
        ("4.1", "Review and approve the reports and outputs of Rapporteur Group meetings"),
        ("5", "Consent of draft Recommendations"),
    ]
    response = client.post(path, {"direction": "out"}, **HTMX)
    assert "is now item 5" in response.content.decode()
    assert titles(meeting)[4] == (
        "5",
        "Review and approve the reports and outputs of Rapporteur Group meetings",
    )


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_a_move_that_cannot_be_made_says_why(client, meeting, chair, headers):
    client.force_login(chair)
    item = first_item(meeting, 1)
    path = url("agenda_item_move", meeting, item_id=item.pk)
    response = client.post(path, {"direction": "up"}, **headers)
    assert response.status_code == 422
    assert "already the first item at its level" in response.content.decode()
    response = client.post(path, {"direction": "sideways"}, **headers)
    assert response.status_code == 422
    assert "Move an item up, down, in or out." in response.content.decode()


def test_delete_a_leaf_redirects_and_renumbers(client, meeting, chair):
    client.force_login(chair)
    item = first_item(meeting, 13)
    response = client.post(url("agenda_item_delete", meeting, item_id=item.pk), follow=True)
    assert messages_of(response)[0].startswith("Removed item 13 “AOB”")
    assert titles(meeting)[-1] == ("13", "Closure of the meeting")


def test_delete_an_item_with_sub_items_asks_first(client, meeting, chair):
    client.force_login(chair)
    parent = first_item(meeting, 4)
    services.agenda_item_add(meeting=meeting, title="C-1", parent=parent)
    services.agenda_item_add(meeting=meeting, title="C-2", parent=parent)
    path = url("agenda_item_delete", meeting, item_id=parent.pk)

    for headers in ({}, HTMX):
        response = client.post(path, **headers)
        html = response.content.decode()
        assert response.status_code == 200
        assert "and its sub-items?" in html and "4.2 C-2" in html
        assert 'name="confirm"' in html
        assert meeting.agenda_items.count() == 16

    response = client.post(path, {"confirm": "on"}, **HTMX)
    assert "and its 2 sub-items" in response.content.decode()
    assert meeting.agenda_items.count() == 13
    assert titles(meeting)[3] == (
        "4",
        "Review and approve the reports and outputs of Rapporteur Group meetings",
    )


def test_publish_and_the_public_page(client, meeting, chair, delegate):
    client.force_login(chair)
    response = client.post(url("agenda_publish", meeting), {"note": "First draft"}, follow=True)
    assert "Published agenda version 1" in messages_of(response)[0]
    version = PlanVersion.objects.get(meeting=meeting, kind=PlanVersion.Kind.AGENDA)
    assert (version.number, version.published_by, version.note) == (1, chair, "First draft")

    item = first_item(meeting, 13)
    client.post(url("agenda_item_edit", meeting, item_id=item.pk), {"title": "Any other business"})

    editor_view = client.get(meeting.get_absolute_url()).content.decode()
    assert "Any other business" in editor_view
    assert "unpublished changes" in editor_view
    assert "Edit agenda" in editor_view

    client.force_login(delegate)
    public = client.get(meeting.get_absolute_url()).content.decode()
    assert "<td>AOB</td>" in public and "Any other business" not in public
    assert "Agenda version 1, published" in public
    assert "by Chairman of WP1/11, Ms Xiaojie Zhu" in public
    assert "unpublished" not in public
    assert "Edit agenda" not in public

    client.force_login(chair)
    response = client.post(url("agenda_publish", meeting), **HTMX)
    assert "Published agenda version 2" in response.content.decode()
    client.force_login(delegate)
    public = client.get(meeting.get_absolute_url()).content.decode()
    assert "Any other business" in public and "Agenda version 2, published" in public


def test_before_any_publication_everyone_sees_the_working_copy(client, meeting):
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Opening remarks" in html
    assert "Agenda version" not in html


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_publishing_nothing_new_is_refused(client, meeting, secretariat, headers):
    client.force_login(secretariat)
    client.post(url("agenda_publish", meeting))
    response = client.post(url("agenda_publish", meeting), **headers)
    assert response.status_code == 422
    assert "Nothing to publish: the agenda is the same as version 1." in response.content.decode()
    assert PlanVersion.objects.filter(meeting=meeting).count() == 1


def test_discard_changes_restores_the_published_agenda(client, meeting, secretariat):
    client.force_login(secretariat)
    client.post(url("agenda_publish", meeting), follow=True)
    item = first_item(meeting, 13)
    response = client.post(url("agenda_item_delete", meeting, item_id=item.pk), follow=True)
    assert "“Discard changes” brings it back" in messages_of(response)[0]
    assert "Discard changes" in response.content.decode()
    response = client.post(url("agenda_discard", meeting), **HTMX)
    assert "the agenda is version 1" in response.content.decode()
    assert titles(meeting)[12] == ("13", "AOB")


def test_history_lists_versions_and_shows_any(client, meeting, secretariat, chair, outsider):
    client.force_login(secretariat)
    client.post(url("agenda_publish", meeting), {"note": "Draft"})
    client.force_login(chair)
    item = first_item(meeting, 13)
    client.post(url("agenda_item_edit", meeting, item_id=item.pk), {"title": "Any other business"})
    client.post(url("agenda_publish", meeting))
    client.post(url("time_plan_publish", meeting))

    client.force_login(outsider)
    history = client.get(url("plan_history", meeting)).content.decode()
    assert "Version 2" in history and "Version 1" in history
    assert "Secretariat counsellor of SG11" in history and "Chairman of WP1/11" in history
    first = client.get(url("plan_version", meeting, kind="agenda", number=1)).content.decode()
    assert "AOB" in first and "A later version has been published" in first
    second = client.get(url("plan_version", meeting, kind="agenda", number=2)).content.decode()
    assert "Any other business" in second and "later version" not in second
    plan = client.get(url("plan_version", meeting, kind="time-plan", number=1)).content.decode()
    assert "WP1/11 plenary" in plan and "13:00" in plan
    assert client.get(url("plan_version", meeting, kind="agenda", number=9)).status_code == 404
    assert client.get(url("plan_version", meeting, kind="minutes", number=1)).status_code == 404
    assert client.post(url("plan_history", meeting)).status_code == 405


# The time plan


def slot_data(**changes) -> dict:
    return {
        "date": "2020-11-19",
        "start": "09:30",
        "end": "12:00",
        "title": "Q1/11 rapporteur group",
        "session_key": "",
        "room": "",
        **changes,
    }


def test_slot_add_without_javascript(client, meeting, chair):
    client.force_login(chair)
    response = client.post(url("slot_add", meeting), slot_data(), follow=True)
    assert response.redirect_chain == [(url("time_plan_edit", meeting), 302)]
    assert messages_of(response) == [
        "Added “Q1/11 rapporteur group” on 19 November 2020, 09:30–12:00."
    ]
    assert meeting.slots.count() == 2


def test_slot_edit_and_delete_with_htmx(client, meeting, chair):
    client.force_login(chair)
    slot = meeting.slots.get()
    path = url("slot_edit", meeting, slot_id=slot.pk)
    form = client.get(path, **HTMX).content.decode()
    assert form.startswith('<div id="time-plan-editor"') and 'value="13:00"' in form
    response = client.post(path, slot_data(title="Plenary", start="13:00", end="16:00"), **HTMX)
    assert "Saved “Plenary” on 19 November 2020, 13:00–16:00." in response.content.decode()
    response = client.post(url("slot_delete", meeting, slot_id=slot.pk), **HTMX)
    assert response.status_code == 200
    assert "Removed “Plenary”" in response.content.decode()
    assert not meeting.slots.exists()


@pytest.mark.parametrize("headers", [{}, HTMX])
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end": "09:00"}, "The session must end after it starts (09:30)."),
        ({"date": "2020-11-20"}, "20 November 2020 is not a day of the meeting"),
        ({"date": "not a date"}, "Give the day as YYYY-MM-DD."),
        ({"start": ""}, "Give the start time."),
        ({"title": ""}, "Say what the session is"),
    ],
)
def test_bad_slots_say_why(client, meeting, chair, headers, changes, message):
    client.force_login(chair)
    response = client.post(url("slot_add", meeting), slot_data(**changes), **headers)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert meeting.slots.count() == 1


def test_an_unknown_slot_gives_a_clear_404(client, meeting, chair, demo):
    client.force_login(chair)
    foreign = Meeting.objects.exclude(pk=meeting.pk).first().slots.first()
    response = client.post(url("slot_delete", meeting, slot_id=foreign.pk), **HTMX)
    assert response.status_code == 404
    assert "not in this meeting&#x27;s time plan" in response.content.decode()
    assert client.get(url("slot_edit", meeting, slot_id=999999)).status_code == 404


def test_time_plan_publish_and_public_page(client, meeting, secretariat, delegate):
    client.force_login(secretariat)
    response = client.post(url("time_plan_publish", meeting), {"note": "As in the letter"})
    assert response.status_code == 302
    client.post(url("slot_add", meeting), slot_data(), follow=True)
    client.force_login(delegate)
    public = client.get(meeting.get_absolute_url()).content.decode()
    assert "Time plan version 1, published" in public
    assert "Q1/11 rapporteur group" not in public
    client.force_login(secretariat)
    editor = client.get(meeting.get_absolute_url()).content.decode()
    assert "Q1/11 rapporteur group" in editor and "unpublished changes" in editor
    response = client.post(url("time_plan_discard", meeting), follow=True)
    assert "the time plan is version 1" in messages_of(response)[0]
    assert meeting.slots.count() == 1


def test_the_editor_queries_do_not_grow_with_the_agenda(client, meeting, chair):
    client.force_login(chair)
    client.post(url("agenda_publish", meeting))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("agenda_edit", meeting)).status_code == 200
            assert client.get(meeting.get_absolute_url()).status_code == 200
        return len(queries)

    before = count()
    parent = first_item(meeting, 4)
    for n in range(10):
        services.agenda_item_add(meeting=meeting, title=f"C-{n}", parent=parent)
    assert count() == before
