"""The secretariat's form for the text of a draft report."""

from django import forms

from plenary.reports import content

MAX_TITLE = 300


class ReportForm(forms.Form):
    """Title and source of the cover, introduction, closing, and one summary per agenda item."""

    title = forms.CharField(max_length=MAX_TITLE)
    source = forms.CharField(max_length=MAX_TITLE, help_text="As the cover names it.")
    introduction = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)
    closing = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, agenda: list[content.AgendaEntry], **kwargs):
        super().__init__(*args, **kwargs)
        self.agenda = agenda
        for entry in agenda:
            self.fields[self.summary_field(entry.pk)] = forms.CharField(
                label=f"{entry.number} {entry.title}",
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
            )

    @staticmethod
    def summary_field(pk: int) -> str:
        return f"summary_{pk}"

    def summary_fields(self):
        """The bound summary fields, in agenda order, for the template."""
        return [self[self.summary_field(entry.pk)] for entry in self.agenda]

    def summaries(self) -> dict[int, str]:
        return {
            entry.pk: self.cleaned_data.get(self.summary_field(entry.pk), "")
            for entry in self.agenda
        }
