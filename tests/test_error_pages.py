"""Errors are answered with the site's own pages, which say why where they can."""

import pytest
from django.urls import path, reverse
from django.utils.html import escape

from plenary.core.demo import DEMO_MEETING


def _fails(request):
    raise RuntimeError("a defect")


urlpatterns = [path("fails/", _fails)]


def test_a_refusal_says_why_inside_the_site(client, delegate, seed_meeting):
    client.force_login(delegate)
    response = client.get(reverse("documents:contribution_new", args=[DEMO_MEETING]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Not allowed</h1>" in html
    assert "This meeting has ended" in html
    assert "My meetings" in html  # the site's navigation, for the signed-in person


def test_an_unknown_address_gets_the_sites_404(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html and "/no/such/page/" in html
    assert "Sign in" in html


def test_an_unknown_address_is_escaped(client, db):
    response = client.get("/<script>alert(1)</script>/")
    assert response.status_code == 404
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.urls("tests.test_error_pages")
def test_a_defect_gets_the_sites_500_without_details(client, db):
    client.raise_request_exception = False
    response = client.get("/fails/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html and "a defect" not in html


def test_a_bad_host_gets_the_sites_400(client, db):
    response = client.get("/", headers={"host": "not-ours.example"})
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("documents:td_new", "Draft TDs are submitted by the study group's chairs"),
        ("documents:td_queue", "The TD queue is the secretariat's."),
        ("documents:allocate", "The meeting's chairs and the secretariat allocate"),
    ],
)
def test_the_document_pages_say_who_they_are_for(client, delegate, next_meeting, name, reason):
    client.force_login(delegate)
    response = client.get(reverse(name, args=[next_meeting.slug]))
    assert response.status_code == 403
    assert escape(reason) in response.content.decode()
