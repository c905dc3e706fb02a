"""Forms that parse the agenda and time-plan editors' input; services/agenda.py holds the rules."""

from django import forms

from plenary.meetings.models import AgendaItem, Meeting
from plenary.meetings.selectors import agenda_rows
from plenary.meetings.services.agenda import DIRECTIONS


class AgendaItemForm(forms.Form):
    """An item's title and description; when adding, also where it goes."""

    title = forms.CharField(
        max_length=300, error_messages={"required": "Give the agenda item a title."}
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    parent = forms.TypedChoiceField(
        label="Place",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "That item is not on this meeting's agenda."},
    )

    def __init__(self, *args, meeting: Meeting, adding: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        if adding:
            rows = agenda_rows(meeting.agenda_items.all())
            self.fields["parent"].choices = [
                ("", "At the end of the agenda"),
                *[(r.pk, f"Under {r.number} {r.title}"[:90]) for r in rows],
            ]
        else:
            del self.fields["parent"]

    def clean_parent(self) -> AgendaItem | None:
        pk = self.cleaned_data.get("parent")
        if pk is None:
            return None
        parent = AgendaItem.objects.filter(pk=pk, meeting=self.meeting).first()
        if parent is None:
            raise forms.ValidationError("That item is not on this meeting's agenda.")
        return parent


class MoveForm(forms.Form):
    """Which way a move button pushes an item."""

    direction = forms.ChoiceField(
        choices=[(d, d) for d in (*DIRECTIONS, "in", "out")],
        error_messages={
            "required": "Say which way to move the item.",
            "invalid_choice": "Move an item up, down, in or out.",
        },
    )


class DeleteForm(forms.Form):
    """Removal; `confirm` is sent by the confirmation step for an item with sub-items."""

    confirm = forms.BooleanField(required=False)


class PublishForm(forms.Form):
    """The optional note that goes with a published version."""

    note = forms.CharField(
        required=False,
        max_length=300,
        label="Note for this version",
        help_text="Optional, e.g. “Item 6 added after the Rapporteur Group meetings”.",
    )


class SlotForm(forms.Form):
    """A time-plan session; its hours are wall-clock times in the meeting's time zone."""

    date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Give the day.", "invalid": "Give the day as YYYY-MM-DD."},
    )
    start = forms.TimeField(
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": "Give the start time.", "invalid": "Give a time as HH:MM."},
    )
    end = forms.TimeField(
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": "Give the end time.", "invalid": "Give a time as HH:MM."},
    )
    title = forms.CharField(
        max_length=200,
        label="Session",
        error_messages={"required": "Say what the session is, e.g. “WP1/11 plenary”."},
    )
    session_key = forms.CharField(
        required=False, max_length=10, label="Key", help_text="The letter's key, e.g. V."
    )
    room = forms.CharField(required=False, max_length=100)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["date"].widget.attrs.update(
            min=meeting.start_date.isoformat(), max=meeting.end_date.isoformat()
        )
        zone = meeting.time_zone_label or meeting.time_zone
        self.fields["start"].help_text = self.fields["end"].help_text = zone
        if not self.is_bound and "date" not in self.initial:
            self.initial.update(
                date=meeting.start_date, start=meeting.daily_start, end=meeting.daily_end
            )
