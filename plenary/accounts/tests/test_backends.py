"""The signed-in person is read with their organization, in one query, by either backend."""

import pytest
from django.contrib.auth import get_user
from django.test import RequestFactory

from plenary.accounts.backends import AccountBackend, PasswordBackend

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("backend", [PasswordBackend, AccountBackend])
def test_the_person_comes_with_their_organization(backend, delegate, django_assert_num_queries):
    with django_assert_num_queries(1):
        person = backend().get_user(delegate.pk)
        assert person.organization.name == "Demo Sector Member Telecom"


def test_an_inactive_or_unknown_person_is_nobody(delegate):
    delegate.is_active = False
    delegate.save()
    assert PasswordBackend().get_user(delegate.pk) is None
    assert AccountBackend().get_user(10**9) is None


def test_a_session_loads_the_person_with_the_organization(
    client, delegate, django_assert_num_queries
):
    client.force_login(delegate)
    request = RequestFactory().get("/")
    request.session = client.session
    with django_assert_num_queries(1):  # the session itself comes from the cache
        person = get_user(request)
        assert person.pk == delegate.pk and person.organization.short_name
