"""Signing in: Django's and allauth's backends, loading the signed-in person with their
organization.

Nearly every page a signed-in person sees asks about their organization (the access rule, who
may register, the affiliation shown): reading it with the person, in the one query the session
already costs, saves a query on each of those requests.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class _WithOrganization:
    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("organization").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class PasswordBackend(_WithOrganization, ModelBackend):
    """E-mail and password, as Django's admin and the tests sign in."""


class AccountBackend(_WithOrganization, AllauthBackend):
    """allauth's sign-in (e-mail and password, with its rate limits and second factor)."""
