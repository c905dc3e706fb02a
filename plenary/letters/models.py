from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce

from plenary.letters.markup import compile_section


class LetterTemplate(models.Model):
    """The wording of a body's collective letters, section by section.

    The template without a body is the default for all bodies. For a meeting, each section comes
    from the most specific template up the Body tree whose text for it is not blank, so a body
    need only write the sections it words differently.
    """

    SECTIONS = (
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
        "annex_a",
        "annex_b",
        "annex_c",
    )
    ANNEXES = ("annex_a", "annex_b", "annex_c")

    body = models.ForeignKey(
        "groups.Body",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="letter_templates",
        help_text="Leave empty for the default template of all bodies.",
    )
    letterhead = models.TextField(blank=True, help_text="Top of the first page.")
    dateline = models.TextField(blank=True, help_text="Place and date, right-aligned.")
    reference = models.TextField(
        blank=True, help_text="Beside the addressees: reference, contact, e-mail."
    )
    to_label = models.CharField(max_length=50, blank=True)
    addressees = models.TextField(blank=True, help_text="One addressee per line.")
    subject_label = models.CharField(max_length=50, blank=True)
    subject = models.TextField(blank=True, help_text="One line.")
    salutation = models.CharField(max_length=200, blank=True)
    main_text = models.TextField(
        "body of the letter", blank=True, help_text="From the first paragraph to the last."
    )
    signature = models.TextField(blank=True, help_text="The signatory's block and what follows.")
    annex_a = models.TextField("Annex A", blank=True, help_text="Practical meeting information.")
    annex_b = models.TextField("Annex B", blank=True, help_text="The draft agenda.")
    annex_c = models.TextField("Annex C", blank=True, help_text="The draft time plan.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Coalesce("body", 0),
                name="letter_template_one_per_body",
                violation_error_message="This body (or the default) already has a template.",
            ),
        ]

    def __str__(self):
        return f"Letter template of {self.body}" if self.body_id else "Default letter template"

    def clean(self):
        errors = {}
        for name in self.SECTIONS:
            try:
                compile_section(getattr(self, name))
            except ValueError as error:
                errors[name] = str(error)
        if errors:
            raise ValidationError(errors)


class LetterDetails(models.Model):
    """What a meeting's letter says that the meeting's own data does not hold."""

    meeting = models.OneToOneField(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="letter_details"
    )
    context = models.CharField(
        max_length=300,
        blank=True,
        help_text="Added after the chairman's request, e.g. 'as endorsed at the meeting of "
        "Study Group 11 (virtual, 22-31 July 2020)'.",
    )
    agenda_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="A note under the draft agenda, e.g. where its updates are published.",
    )

    class Meta:
        verbose_name_plural = "letter details"

    def __str__(self):
        return f"Letter details of {self.meeting}"
