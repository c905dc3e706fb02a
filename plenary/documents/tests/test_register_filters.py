"""The register's filters speak the reader's words."""

from django.urls import reverse

from plenary.documents.forms import RegisterFilterForm


def test_every_sort_has_a_label_and_every_label_a_sort():
    assert set(RegisterFilterForm.SORT_LABELS) == set(RegisterFilterForm.SORTS)


def test_the_menus_name_their_choices(client, seed_meeting):
    html = client.get(reverse("documents:register", args=[seed_meeting.slug])).content.decode()
    assert ">Any Question</option>" in html and "---------" not in html
    assert '<option value="-posted">Date posted, newest first</option>' in html
    assert '<option value="agenda">Agenda item</option>' in html
