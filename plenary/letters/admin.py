from django.contrib import admin
from django.utils.html import format_html

from plenary.letters.markup import MARKUP_HELP
from plenary.letters.models import LetterDetails, LetterTemplate

CONTEXT_HELP = (
    "Names the templates may use: meeting, body, study_group, sector, chairman, "
    "study_group_chairman, signatory, contact (people: .formal, .name, .title, .country, .email), "
    "details (.context, .agenda_note), dates, objective, drafts (work items: .long_title), "
    "deadlines (translation, registration, contributions, td_posting: .date, .label, .cutoff), "
    "agenda (rows: .number, .title, .depth), slots, meeting_url."
)


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    list_display = ["__str__", "updated_at"]
    autocomplete_fields = ["body"]
    fieldsets = [
        (
            None,
            {
                "fields": ["body"],
                "description": format_html("<p>{}</p><pre>{}</pre>", CONTEXT_HELP, MARKUP_HELP),
            },
        ),
        (
            "Letter",
            {
                "fields": [
                    "letterhead",
                    "dateline",
                    "reference",
                    "to_label",
                    "addressees",
                    "subject_label",
                    "subject",
                    "salutation",
                    "main_text",
                    "signature",
                ],
                "description": "A blank section takes the wording of the body's parent, "
                "then of the default template.",
            },
        ),
        ("Annexes", {"fields": ["annex_a", "annex_b", "annex_c"]}),
    ]


@admin.register(LetterDetails)
class LetterDetailsAdmin(admin.ModelAdmin):
    list_display = ["meeting", "context"]
    autocomplete_fields = ["meeting"]
    search_fields = ["meeting__title", "meeting__slug"]
