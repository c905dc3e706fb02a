"""Optional two-step sign-in (allauth.mfa): a person switches on an authenticator app (TOTP) from
their profile; sign-in then asks for its code, refuses a wrong one, and takes a recovery code."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal import auth as totp
from django.core.cache import cache
from django.urls import reverse

from plenary.core.demo import DEMO_PASSWORD

PROFILE = reverse("accounts:profile")
ACTIVATE = reverse("mfa_activate_totp")
AUTHENTICATE = reverse("mfa_authenticate")


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # sign-in rate limits and the codes already used are counted in the cache
    yield
    cache.clear()


class Clock:
    """The clock allauth's TOTP check reads, held still so that a test never straddles the
    30-second step of the codes; `step()` moves it on to the app's next code."""

    def __init__(self):
        self.now = float(int(time.time()) // 30 * 30 + 5)

    def time(self) -> float:
        return self.now

    def step(self) -> None:
        self.now += 30


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(totp, "time", clock)
    return clock


def code_for(secret: str, clock: Clock) -> str:
    """The code an authenticator app shows now, computed as allauth checks it (RFC 6238)."""
    return totp.format_hotp_value(totp.hotp_value(secret, int(clock.time()) // 30))


def sign_in(client, email, password=DEMO_PASSWORD):
    return client.post(reverse("login"), {"login": email, "password": password})


def switch_on(client, email, clock) -> str:
    """Sign in, open the profile's link, scan the key and confirm with the app's code."""
    assert sign_in(client, email).status_code == 302
    profile = client.get(PROFILE).content.decode()
    assert reverse("mfa_index") in profile
    # Changing how one signs in asks for the password again first.
    response = client.get(ACTIVATE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(response["Location"]).status_code == 200
    confirmed = client.post(response["Location"], {"password": DEMO_PASSWORD, "next": ACTIVATE})
    assert confirmed.status_code == 302
    page = client.get(ACTIVATE)
    assert page.status_code == 200
    html = page.content.decode()
    secret = re.search(r'<code id="authenticator_secret">([A-Z2-7=]+)</code>', html).group(1)
    assert "data:image/svg+xml;base64," in html  # the QR code to scan
    wrong = "000000" if code_for(secret, clock) != "000000" else "111111"
    refused = client.post(ACTIVATE, {"code": wrong})
    assert refused.status_code == 200
    assert "errorlist" in refused.content.decode()
    assert not Authenticator.objects.filter(type=Authenticator.Type.TOTP).exists()
    response = client.post(ACTIVATE, {"code": code_for(secret, clock)})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    return secret


def test_switch_on_then_sign_in_asks_for_the_code(client, delegate, clock):
    secret = switch_on(client, delegate.email, clock)
    assert Authenticator.objects.filter(user=delegate, type=Authenticator.Type.TOTP).exists()
    codes = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert len(re.findall(r"<li><code>\w+</code></li>", codes)) == 10
    client.post(reverse("logout"))
    clock.step()

    # The password alone no longer opens the account: sign-in stops at the second step.
    response = sign_in(client, delegate.email)
    assert response.status_code == 302
    assert response["Location"] == AUTHENTICATE
    assert client.get(PROFILE).status_code == 302
    page = client.get(AUTHENTICATE)
    assert page.status_code == 200
    assert "second step" in page.content.decode()

    # A wrong code is refused, with the reason on the page, and the person is still signed out.
    wrong = "123456" if code_for(secret, clock) != "123456" else "654321"
    response = client.post(AUTHENTICATE, {"code": wrong})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert client.get(PROFILE).status_code == 302

    # The app's code signs in.
    response = client.post(AUTHENTICATE, {"code": code_for(secret, clock)})
    assert response.status_code == 302
    assert client.get(PROFILE).status_code == 200
    client.post(reverse("logout"))

    # The same code cannot sign in twice (someone who saw it over a shoulder); the next one can.
    sign_in(client, delegate.email)
    response = client.post(AUTHENTICATE, {"code": code_for(secret, clock)})
    assert response.status_code == 200
    assert client.get(PROFILE).status_code == 302
    clock.step()
    assert client.post(AUTHENTICATE, {"code": code_for(secret, clock)}).status_code == 302
    assert client.get(PROFILE).status_code == 200
    page = client.get(reverse("mfa_index")).content.decode()
    assert "On." in page
    assert "10 of 10 recovery codes are unused" in page
    assert reverse("mfa_deactivate_totp") in page


def test_a_recovery_code_signs_in_once(client, delegate, clock):
    switch_on(client, delegate.email, clock)
    page = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    recovery = re.findall(r"<li><code>(\w+)</code></li>", page)[0]
    client.post(reverse("logout"))

    sign_in(client, delegate.email)
    assert client.post(AUTHENTICATE, {"code": recovery}).status_code == 302
    assert client.get(PROFILE).status_code == 200
    client.post(reverse("logout"))

    sign_in(client, delegate.email)
    response = client.post(AUTHENTICATE, {"code": recovery})
    assert response.status_code == 200
    assert client.get(PROFILE).status_code == 302


def test_without_the_second_step_sign_in_is_the_password(client, delegate):
    assert sign_in(client, delegate.email)["Location"] != AUTHENTICATE
    assert client.get(PROFILE).status_code == 200
    page = client.get(reverse("mfa_index")).content.decode()
    assert "Off." in page
    assert reverse("mfa_activate_totp") in page
