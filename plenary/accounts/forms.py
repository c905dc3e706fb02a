from django import forms

from plenary.accounts.models import User
from plenary.core.timezones import time_zone_choices


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
