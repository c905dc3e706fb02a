"""The register of a meeting: marks, filters, sorting, constant queries; allocation."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plenary.documents.models import Document

from .conftest import bulk_posted_contributions, filled, register_contribution, upload


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_register_takes_as_many_queries_for_100_documents_as_for_10(
    client, next_meeting, delegate, questions, django_assert_num_queries
):
    client.force_login(delegate)
    url = reverse("documents:register", args=[next_meeting.slug])
    bulk_posted_contributions(next_meeting, delegate, questions=questions, count=10)
    at_ten = _queries(client, url)
    bulk_posted_contributions(next_meeting, delegate, questions=questions, count=90, start=11)
    with django_assert_num_queries(at_ten):
        response = client.get(url)
    assert response.content.decode().count('<tr id="doc-') == 100


def test_the_register_shows_the_marks(client, media, seed_meeting, delegate, questions):
    document = register_contribution(seed_meeting, delegate, questions=questions)
    reserved = register_contribution(seed_meeting, delegate, title="Still empty")
    upload(document, delegate, filled(document))
    text = client.get(reverse("documents:register", args=[seed_meeting.slug])).content.decode()
    assert document.display_number in text and reserved.display_number in text
    assert "not yet uploaded" in text
    assert "late" in text and "held for next meeting" in text
    assert "Q1/11, Q2/11" in text


def test_the_register_filters_and_sorts(client, next_meeting, delegate, questions):
    bulk_posted_contributions(next_meeting, delegate, questions=questions[:1], count=3)
    late = Document.objects.get(number=2)
    late.late = True
    late.source = "Other Org"
    late.save()
    url = reverse("documents:register", args=[next_meeting.slug])

    def numbers(**query):
        rows = client.get(url, query).context["rows"]
        return [row["document"].number for row in rows]

    assert numbers() == [1, 2, 3]
    assert numbers(sort="-number") == [3, 2, 1]
    assert numbers(late="on") == [2]
    assert numbers(source="other") == [2]
    assert numbers(question=questions[0].pk) == [1, 2, 3]
    assert numbers(question=questions[1].pk) == []
    assert numbers(kind="td") == []
    assert numbers(agenda_item=0) == []


def test_the_register_refuses_other_methods(client, next_meeting):
    assert client.post(reverse("documents:register", args=[next_meeting.slug])).status_code == 405


def test_the_register_of_an_unknown_meeting_is_404(client, demo):
    assert client.get(reverse("documents:register", args=["nope"])).status_code == 404


def test_the_chair_allocates_documents_in_bulk(client, next_meeting, chair, delegate, questions):
    bulk_posted_contributions(next_meeting, delegate, questions=questions, count=3)
    item = next_meeting.agenda_items.get(position=4)
    documents = list(Document.objects.order_by("number"))
    client.force_login(chair)
    url = reverse("documents:allocate", args=[next_meeting.slug])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"selected": [documents[0].pk, documents[1].pk], "bulk_item": item.pk}
    )
    assert response.status_code == 302
    assert [d.agenda_item_id for d in Document.objects.order_by("number")][:2] == [item.pk] * 2
    client.post(url, {f"item-{documents[2].pk}": ""})
    assert Document.objects.get(pk=documents[2].pk).agenda_item_id is None
    assert documents[0].events.filter(type="allocated").exists()


@pytest.mark.parametrize("persona", ["delegate", "outsider"])
def test_others_cannot_allocate(client, next_meeting, persona, request):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("documents:allocate", args=[next_meeting.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403


def test_allocation_sends_anonymous_people_to_sign_in(client, next_meeting):
    response = client.get(reverse("documents:allocate", args=[next_meeting.slug]))
    assert response.status_code == 302


def test_allocation_refuses_an_item_of_another_meeting(
    client, next_meeting, seed_meeting, chair, delegate, questions
):
    bulk_posted_contributions(next_meeting, delegate, questions=questions, count=1)
    document = Document.objects.get()
    client.force_login(chair)
    foreign = seed_meeting.agenda_items.first()
    client.post(
        reverse("documents:allocate", args=[next_meeting.slug]),
        {f"item-{document.pk}": foreign.pk},
    )
    document.refresh_from_db()
    assert document.agenda_item_id != foreign.pk


def test_the_register_sorts_by_the_agenda_reading_order_and_filters_by_an_item(
    client, next_meeting, delegate, questions
):
    """Item 4.1 comes after item 2 (its position counts among 4's children only), and the
    unallocated documents come last."""
    from plenary.meetings.models import AgendaItem

    bulk_posted_contributions(next_meeting, delegate, questions=questions, count=4)
    second = next_meeting.agenda_items.get(parent=None, position=2)
    fourth = next_meeting.agenda_items.get(parent=None, position=4)
    sub = AgendaItem.objects.create(meeting=next_meeting, parent=fourth, position=1, title="Sub")
    for number, item in ((1, sub), (2, second), (3, None), (4, fourth)):
        Document.objects.filter(number=number).update(agenda_item=item)
    url = reverse("documents:register", args=[next_meeting.slug])

    def shown(**query):
        rows = client.get(url, query).context["rows"]
        return [(row["agenda_number"], row["document"].number) for row in rows]

    assert shown(sort="agenda") == [("2", 2), ("4", 4), ("4.1", 1), ("", 3)]
    assert shown(agenda_item=sub.pk) == [("4.1", 1)]
    assert shown(agenda_item=second.pk, sort="agenda") == [("2", 2)]


def test_bulk_allocation_asks_for_a_choice_and_says_what_it_did(
    client, next_meeting, chair, delegate, questions
):
    """Ticked documents with no bulk choice are left as they are, and the page says so; taking
    their allocation away is a choice of its own, and the message counts it apart."""
    bulk_posted_contributions(next_meeting, delegate, questions=questions, count=2)
    item = next_meeting.agenda_items.get(parent=None, position=4)
    Document.objects.update(agenda_item=item)
    first, second = Document.objects.order_by("number")
    client.force_login(chair)
    url = reverse("documents:allocate", args=[next_meeting.slug])
    sent = {"selected": [first.pk], f"item-{first.pk}": item.pk, f"item-{second.pk}": item.pk}
    response = client.post(url, {**sent, "bulk_item": ""})
    assert response.status_code == 200
    assert "Choose where the 1 selected document(s) go" in response.content.decode()
    assert set(Document.objects.values_list("agenda_item", flat=True)) == {item.pk}
    response = client.post(url, {**sent, "bulk_item": "none"}, follow=True)
    assert "0 document(s) allocated" not in response.content.decode()
    assert "1 no longer allocated." in response.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.agenda_item is None and second.agenda_item == item
    response = client.post(url, {f"item-{first.pk}": "", f"item-{second.pk}": item.pk}, follow=True)
    assert "Nothing changed." in response.content.decode()
    response = client.post(url, {"bulk_item": item.pk}, follow=True)
    assert "Tick the documents that go to the chosen item." in response.content.decode()
    assert first.events.filter(type="allocated", detail="none (its allocation removed)").exists()


def test_a_withdrawn_document_is_not_offered_for_allocation(
    client, next_meeting, chair, delegate, questions
):
    from plenary.documents import services

    bulk_posted_contributions(next_meeting, delegate, questions=questions, count=2)
    first, second = Document.objects.order_by("number")
    services.document_withdraw(document=first, actor=delegate)
    Document.objects.filter(pk=first.pk).update(agenda_item=None)
    client.force_login(chair)
    response = client.get(reverse("documents:allocate", args=[next_meeting.slug]))
    assert [d.pk for d in response.context["documents"]] == [second.pk]
    response = client.post(
        reverse("documents:allocate", args=[next_meeting.slug]),
        {f"item-{first.pk}": next_meeting.agenda_items.first().pk},
        follow=True,
    )
    first.refresh_from_db()
    assert first.agenda_item is None
