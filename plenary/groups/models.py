from django.conf import settings
from django.db import models
from django.db.models import F, Q


class StudyPeriod(models.Model):
    """A four-year study period, e.g. 2017-2020, coded T17 in ITU file names."""

    code = models.CharField(max_length=10, unique=True)
    start_year = models.PositiveSmallIntegerField(unique=True)
    end_year = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["start_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=F("start_year")), name="study_period_years_ordered"
            )
        ]

    def __str__(self):
        return f"{self.start_year}-{self.end_year}"

    @classmethod
    def for_year(cls, year: int) -> "StudyPeriod | None":
        """The study period a year falls in."""
        return cls.objects.filter(start_year__lte=year, end_year__gte=year).first()


class Body(models.Model):
    """A body of the sector, in a tree: sector > study group > working party > Question > ...

    One model for every level (as 3GPP's TSGs and WGs or an IEEE WG's task groups fit too), so a
    role is always "a role within a body" and a meeting is always "the meeting of a body".
    """

    class Kind(models.TextChoices):
        SECTOR = "sector", "Sector"
        STUDY_GROUP = "study_group", "Study Group"
        WORKING_PARTY = "working_party", "Working Party"
        QUESTION = "question", "Question"
        RAPPORTEUR_GROUP = "rapporteur_group", "Rapporteur group"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    number = models.PositiveSmallIntegerField(null=True, blank=True)
    acronym = models.CharField(
        max_length=30, unique=True, help_text="As written in documents: SG11, WP1/11, Q1/11."
    )
    title = models.CharField(max_length=300)
    study_period = models.ForeignKey(
        StudyPeriod,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="For a Question: the study period it belongs to.",
    )

    class Meta:
        ordering = ["kind", "number", "acronym"]
        verbose_name_plural = "bodies"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="sector") | Q(parent__isnull=False),
                name="body_has_parent_unless_sector",
            ),
        ]

    def __str__(self):
        return self.acronym

    @property
    def study_group(self) -> "Body | None":
        """The study group this body belongs to (itself if it is one)."""
        body: Body | None = self
        while body is not None and body.kind != self.Kind.STUDY_GROUP:
            body = body.parent
        return body

    @property
    def long_name(self) -> str:
        """'Working Party 1/11' or 'Study Group 11', as a letter writes it."""
        if self.kind == self.Kind.STUDY_GROUP:
            return f"Study Group {self.number}"
        if self.kind == self.Kind.WORKING_PARTY:
            sg = self.study_group
            return (
                f"Working Party {self.number}/{sg.number}" if sg else f"Working Party {self.number}"
            )
        return self.acronym

    def ancestors(self) -> list["Body"]:
        """This body's parents, nearest first."""
        found = []
        body = self.parent
        while body is not None:
            found.append(body)
            body = body.parent
        return found


class Role(models.Model):
    """A role a person holds within a body."""

    class Name(models.TextChoices):
        CHAIRMAN = "chairman", "Chairman"
        VICE_CHAIRMAN = "vice_chairman", "Vice-chairman"
        RAPPORTEUR = "rapporteur", "Rapporteur"
        ASSOCIATE_RAPPORTEUR = "associate_rapporteur", "Associate rapporteur"
        EDITOR = "editor", "Editor"
        COUNSELLOR = "counsellor", "Secretariat counsellor"
        ASSISTANT = "assistant", "Secretariat assistant"
        DIRECTOR = "director", "Director"

    SECRETARIAT = (Name.COUNSELLOR, Name.ASSISTANT, Name.DIRECTOR)
    CHAIRS = (Name.CHAIRMAN, Name.VICE_CHAIRMAN)

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="roles")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles"
    )
    name = models.CharField(max_length=30, choices=Name.choices)

    class Meta:
        ordering = ["body", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "person", "name"], name="role_unique_per_body_person"
            )
        ]

    def __str__(self):
        return f"{self.get_name_display()} of {self.body}: {self.person}"
