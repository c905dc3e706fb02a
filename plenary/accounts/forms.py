from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms

from plenary.accounts.models import User
from plenary.core.timezones import time_zone_choices
from plenary.membership.models import Organization


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        required=False,
        label="Time zone",
        help_text="Times are shown in this zone beside the meeting's. Leave blank to use your "
        "browser's.",
    )

    class Meta:
        model = User
        fields = ["title", "name", "country", "time_zone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [("", "My browser's time zone"), *time_zone_choices()]


class OrganizationRequestForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.exclude(category=Organization.Category.SECRETARIAT),
        label="Organization you represent",
        empty_label="Choose…",
        error_messages={"required": "Choose the organization you represent."},
    )
    note = forms.CharField(
        label="Your role there (optional)",
        required=False,
        max_length=300,
        help_text="Helps the focal point recognise you, e.g. 'standards engineer, Berlin office'.",
    )


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Give the reason; the person will read it."},
    )


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form; also accepts the field name Django's own form used ("username")."""

    def __init__(self, *args, **kwargs):
        data = kwargs.get("data")
        if data is not None and "login" not in data and "username" in data:
            data = data.copy()
            data["login"] = data["username"]
            kwargs["data"] = data
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "E-mail address"
