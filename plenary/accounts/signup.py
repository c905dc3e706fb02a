"""The extra fields of allauth's sign-up form.

A module of its own: allauth imports it while defining its forms, so it must not import them.
"""

from django import forms
from django_countries import countries

from plenary.accounts.models import User
from plenary.accounts.services import profile_update
from plenary.core.timezones import time_zone_choices


class SignupForm(forms.Form):
    """What a new account gives besides e-mail and password (allauth's signup form extends it)."""

    title = forms.ChoiceField(choices=[("", "None"), *User.Title.choices], required=False)
    name = forms.CharField(
        label="Full name",
        max_length=200,
        help_text="As shown to other participants.",
        error_messages={"required": "Give your full name."},
    )
    country = forms.ChoiceField(required=False)
    time_zone = forms.ChoiceField(required=False, label="Time zone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "Not given"), *countries]
        self.fields["time_zone"].choices = [("", "My browser's time zone"), *time_zone_choices()]

    def signup(self, request, user) -> None:
        """Called by allauth once the account exists."""
        profile_update(
            user=user,
            title=self.cleaned_data["title"],
            name=self.cleaned_data["name"],
            country=self.cleaned_data["country"],
            time_zone=self.cleaned_data["time_zone"],
        )
