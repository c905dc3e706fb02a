"""Accounts a delegate makes alone (django-allauth): sign up with e-mail verification, sign in
(rate-limited), reset a forgotten password, sign out."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.urls import reverse

from plenary.accounts.models import User

PROFILE = reverse("accounts:profile")


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()  # the sign-in rate limits are counted in the cache
    yield
    cache.clear()


def link_in(message) -> str:
    return re.search(r"https?://[^\s]+", message.body).group(0).replace("http://testserver", "")


def sign_in(client, email, password):
    return client.post(reverse("login"), {"login": email, "password": password})


def test_sign_up_verify_then_sign_in(client, db, mailoutbox):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new.delegate@example.org",
            "password1": "a long pass phrase 42",
            "password2": "a long pass phrase 42",
            "name": "New delegate",
            "country": "CH",
            "time_zone": "Europe/Zurich",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.delegate@example.org")
    assert (user.name, user.country.code, user.time_zone) == ("New delegate", "CH", "Europe/Zurich")
    assert user.organization is None  # membership is asked for, and approved, separately
    [message] = mailoutbox
    assert message.to == ["new.delegate@example.org"]

    # Not verified yet: signing in sends to the "verify your address" page, not into the site.
    client.logout()
    sign_in(client, "new.delegate@example.org", "a long pass phrase 42")
    assert client.get(PROFILE).status_code == 302

    confirm = link_in(mailoutbox[-1])
    assert client.get(confirm).status_code == 200
    response = client.post(confirm)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="new.delegate@example.org").verified
    assert client.get(PROFILE).status_code == 200


def test_sign_up_errors_stand_by_their_fields(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "not-an-address", "password1": "x", "password2": "y", "name": ""},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"email", "name"}
    assert "Give your full name." in response.content.decode()
    assert not User.objects.filter(email="not-an-address").exists()


def test_an_address_cannot_be_taken_twice(client, delegate, mailoutbox):
    client.post(
        reverse("account_signup"),
        {
            "email": "DELEGATE@example.org",
            "password1": "a long pass phrase 42",
            "password2": "a long pass phrase 42",
            "name": "Impostor",
        },
    )
    assert User.objects.filter(email__iexact="delegate@example.org").count() == 1


def test_the_sign_in_page_speaks_plainly(client, db):
    html = client.get(reverse("login")).content.decode()
    assert '<label for="id_login">E-mail address</label>' in html
    assert reverse("account_reset_password") in html
    assert reverse("account_signup") in html


def test_sign_in_and_out(client, delegate):
    response = sign_in(client, "delegate@example.org", "plenary-demo")
    assert response.status_code == 302
    assert client.get(PROFILE).status_code == 200
    client.post(reverse("logout"))
    assert client.get(PROFILE).status_code == 302


def test_sign_in_follows_next(client, delegate):
    response = client.post(
        reverse("login") + "?next=/registrations/",
        {"login": "delegate@example.org", "password": "plenary-demo", "next": "/registrations/"},
    )
    assert response.url == "/registrations/"


def test_sign_in_is_rate_limited(client, delegate):
    for _ in range(5):
        response = sign_in(client, "delegate@example.org", "wrong")
        assert "Please enter a correct e-mail address and password." in response.content.decode()
    response = sign_in(client, "delegate@example.org", "plenary-demo")
    assert client.get(PROFILE).status_code == 302
    assert "Too many failed login attempts" in response.content.decode()


def test_password_reset(client, delegate, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": "delegate@example.org"})
    assert response.status_code == 302
    [message] = mailoutbox
    assert message.to == ["delegate@example.org"]
    link = link_in(message)
    response = client.get(link)
    if response.status_code == 302:  # allauth moves the key out of the address first
        link = response.url
    response = client.post(
        link, {"password1": "another long phrase 7", "password2": "another long phrase 7"}
    )
    assert response.status_code == 302
    client.logout()
    sign_in(client, "delegate@example.org", "another long phrase 7")
    assert client.get(PROFILE).status_code == 200


def test_a_reset_for_an_unknown_address_reveals_nothing(client, db, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302
