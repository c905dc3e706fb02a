"""A contribution names the work items it addresses: they are then not candidates to discontinue."""

import pytest
from django.urls import reverse

from plenary.decisions.models import WorkItem
from plenary.documents import services
from plenary.documents.models import Document
from plenary.groups.models import Body

pytestmark = pytest.mark.django_db


def test_the_page_links_the_contribution_to_the_work_items_it_names(
    client, next_meeting, delegate, questions
):
    q_scc = WorkItem.objects.get(acronym="Q.SCC")
    client.force_login(delegate)
    url = reverse("documents:contribution_new", args=[next_meeting.slug])
    assert "Q.SCC" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "title": "Proposed text for Q.SCC",
            "source": "Demo Sector Member Telecom",
            "questions": [questions[0].pk],
            "work_items": [q_scc.pk],
        },
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert list(document.work_items.all()) == [q_scc]
    assert list(q_scc.texts.all()) == [document]
    page = client.get(document.get_absolute_url()).content.decode()
    assert "<dt>Work item(s)</dt><dd>Q.SCC</dd>" in page


def test_a_work_item_of_another_study_group_registers_nothing(next_meeting, delegate):
    sg13 = Body.objects.get(acronym="SG13")
    foreign = WorkItem.objects.create(study_group=sg13, acronym="Y.FOREIGN", title="Other")
    with pytest.raises(services.DocumentRefused, match="Not a work item of SG11: Y.FOREIGN"):
        services.contribution_register(
            meeting=next_meeting,
            actor=delegate,
            title="Misfiled",
            source="Demo Sector Member Telecom",
            work_items=[foreign],
        )
    assert not Document.objects.exists()


def test_closed_work_items_are_not_offered(client, next_meeting, delegate):
    WorkItem.objects.update(status=WorkItem.Status.APPROVED)
    client.force_login(delegate)
    response = client.get(reverse("documents:contribution_new", args=[next_meeting.slug]))
    assert "work_items" not in response.context["form"].fields
