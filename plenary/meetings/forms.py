import datetime

from django import forms

from plenary.core.timezones import time_zone_choices
from plenary.groups.models import Body
from plenary.meetings import selectors
from plenary.meetings.models import LANGUAGES, Meeting
from plenary.meetings.services.meetings import meeting_slug_suggestion


def _body_label(body: Body) -> str:
    return body.acronym if body.long_name == body.acronym else f"{body.acronym}: {body.long_name}"


class MeetingCreateForm(forms.ModelForm):
    """What the secretariat fills in to announce a meeting; the deadlines follow from it."""

    # The full queryset validates the posted body, so the view can answer a body the person
    # does not serve with 403 rather than a form error; the select lists only their own.
    body = forms.ModelChoiceField(queryset=Body.objects.all(), label="Body")
    slug = forms.SlugField(
        required=False,
        max_length=80,
        help_text="The meeting's address. Leave blank to use one made from the body and the "
        "opening date, e.g. sg11-wp1-2020-11-19.",
    )
    time_zone = forms.ChoiceField(initial="Europe/Zurich", label="Time zone")
    languages = forms.MultipleChoiceField(
        choices=list(LANGUAGES.items()),
        widget=forms.CheckboxSelectMultiple,
        initial=["en"],
        label="Working languages",
    )
    deadline_policy = forms.ChoiceField(label="Deadline policy")
    # A link typed without its scheme is taken as https.
    remote_link = forms.URLField(
        assume_scheme="https", required=False, max_length=200, label="Remote participation link"
    )

    class Meta:
        model = Meeting
        fields = [
            "body",
            "title",
            "slug",
            "start_date",
            "end_date",
            "daily_start",
            "daily_end",
            "time_zone",
            "time_zone_label",
            "mode",
            "place",
            "languages",
            "interpretation",
            "fellowships",
            "remote_tool",
            "remote_link",
            "deadline_policy",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "daily_start": forms.TimeInput(attrs={"type": "time"}),
            "daily_end": forms.TimeInput(attrs={"type": "time"}),
        }
        labels = {
            "start_date": "Opening date",
            "end_date": "Closing date",
            "daily_start": "Daily start",
            "daily_end": "Daily end",
            "time_zone_label": "Time zone as the letter names it",
            "interpretation": "Interpretation is provided",
            "fellowships": "Fellowships are offered",
            "remote_tool": "Remote participation tool",
            "remote_link": "Remote participation link",
        }

    def __init__(self, *args, bodies: list[Body], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.choices = [("", "---------")] + [
            (body.pk, _body_label(body)) for body in bodies
        ]
        self.fields["time_zone"].choices = time_zone_choices()
        self.fields["deadline_policy"].choices = selectors.policy_choices()
        self.fields["deadline_policy"].initial = "itu-t"

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("body") and cleaned.get("start_date"):
            # Filled before the model's own validation, which then checks it is free.
            cleaned["slug"] = meeting_slug_suggestion(cleaned["body"], cleaned["start_date"])
        return cleaned


class DeadlineOverrideForm(forms.Form):
    """One deadline's new date and why; the cut-off is the end of that day, meeting time."""

    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="New date")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        help_text="Shown to delegates beside the deadline.",
    )

    def __init__(self, *args, opening: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.opening = opening

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date >= self.opening:
            raise forms.ValidationError("A deadline must fall before the meeting opens.")
        return date

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Say why the deadline changes.")
        return reason
