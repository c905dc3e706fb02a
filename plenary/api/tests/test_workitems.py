"""The work programme route: public, filtered, paginated, in constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plenary.decisions.models import WorkItem
from plenary.groups.models import Body

pytestmark = pytest.mark.django_db


def test_it_lists_work_items_publicly(client, demo):
    response = client.get("/api/v1/workitems")
    assert response.status_code == 200
    items = response.json()["items"]
    assert {i["acronym"] for i in items} == set(WorkItem.objects.values_list("acronym", flat=True))
    assert all(i["study_group"] == "SG11" for i in items)


def test_it_filters_by_study_group_and_status(client, demo):
    first = WorkItem.objects.order_by("acronym").first()
    WorkItem.objects.filter(pk=first.pk).update(status=WorkItem.Status.CONSENTED)
    response = client.get("/api/v1/workitems?study_group=sg11&status=C")
    assert [i["acronym"] for i in response.json()["items"]] == [first.acronym]
    assert client.get("/api/v1/workitems?study_group=SG99").json()["items"] == []
    response = client.get("/api/v1/workitems?status=nonsense")
    assert response.status_code == 400
    assert response.json()["field"] == "status"


def test_it_pages_in_constant_queries(client, demo, delegate, django_assert_num_queries):
    sg11 = Body.objects.get(acronym="SG11")
    for n in range(30):
        item = WorkItem.objects.create(study_group=sg11, acronym=f"Q.T{n:02}", title=f"Test {n}")
        item.editors.add(delegate)
    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/workitems?limit=2")
    with django_assert_num_queries(len(small)):
        body = client.get("/api/v1/workitems?limit=30").json()
    assert len(body["items"]) == 30 and body["next"]
    seen = [i["acronym"] for i in body["items"]]
    while body["next"]:
        body = client.get(body["next"]).json()
        seen += [i["acronym"] for i in body["items"]]
    assert len(seen) == len(set(seen)) == WorkItem.objects.count()
    items = client.get("/api/v1/workitems?limit=100").json()["items"]
    assert next(i for i in items if i["acronym"] == "Q.T00")["editors"] == [delegate.display_name]
