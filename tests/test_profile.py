"""A person edits their own profile; nobody else's."""

from django.urls import reverse

URL = reverse("accounts:profile")


def test_it_saves_the_time_zone_and_name(client, delegate):
    client.force_login(delegate)
    response = client.post(
        URL, {"title": "Dr", "name": "Delegate of DSMT", "country": "DE", "time_zone": "Asia/Tokyo"}
    )
    assert response.status_code == 302
    delegate.refresh_from_db()
    assert (delegate.title, delegate.time_zone, delegate.country.code) == ("Dr", "Asia/Tokyo", "DE")
    assert "Your profile is saved." in client.get(URL).content.decode()


def test_it_refuses_an_unknown_time_zone_and_saves_nothing(client, delegate):
    client.force_login(delegate)
    response = client.post(URL, {"name": "Changed", "time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    delegate.refresh_from_db()
    assert delegate.name != "Changed"


def test_it_sends_anonymous_visitors_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_refuses_other_methods(client, delegate):
    client.force_login(delegate)
    assert client.delete(URL).status_code == 405


def test_sign_in_with_e_mail_and_password(client, delegate):
    response = client.post(
        reverse("login"), {"username": "delegate@example.org", "password": "plenary-demo"}
    )
    assert response.status_code == 302
    assert client.get(URL).status_code == 200


def test_sign_in_refuses_a_wrong_password(client, delegate):
    response = client.post(reverse("login"), {"username": "delegate@example.org", "password": "x"})
    assert response.status_code == 200
    assert "Please enter a correct" in response.content.decode()
