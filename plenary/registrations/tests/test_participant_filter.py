"""The participant list's state menu shows the state the list is filtered by."""

import re

import pytest
from django.urls import reverse

from plenary.registrations.forms import ParticipantFilterForm


def _selected_state(html: str) -> str:
    menu = re.search(r'<select name="state".*?</select>', html, re.DOTALL).group(0)
    return re.search(r'<option value="([^"]*)" selected>', menu).group(1)


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({}, "approved"),
        ({"mode": "remote"}, "approved"),
        ({"state": "", "mode": "remote"}, "approved"),
        ({"state": "pending"}, "pending"),
        ({"state": "all"}, "all"),
    ],
)
def test_the_menu_names_the_state_listed(client, secretariat, next_meeting, query, shown):
    url = reverse("registrations:participants", kwargs={"slug": next_meeting.slug})
    client.force_login(secretariat)
    response = client.get(url, query)
    assert response.status_code == 200
    assert _selected_state(response.content.decode()) == shown


def test_filtering_by_other_fields_keeps_the_approved_list():
    form = ParticipantFilterForm({"mode": "remote"})
    assert form.is_valid()
    assert form.cleaned_data["state"] == "approved"
