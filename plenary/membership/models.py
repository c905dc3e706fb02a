from django.conf import settings
from django.db import models
from django_countries.fields import CountryField


class Organization(models.Model):
    """A member of the sector (or the secretariat itself)."""

    class Category(models.TextChoices):
        MEMBER_STATE = "member_state", "Member State administration"
        SECTOR_MEMBER = "sector_member", "Sector Member"
        ASSOCIATE = "associate", "Associate"
        ACADEMIA = "academia", "Academia"
        REGIONAL = "regional", "Regional or international organization"
        SECRETARIAT = "secretariat", "Secretariat"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=50, blank=True)
    category = models.CharField(max_length=20, choices=Category.choices)
    country = CountryField(blank=True)
    admitted_to = models.ManyToManyField(
        "groups.Body",
        blank=True,
        related_name="associates",
        help_text="For an Associate: the study groups it is admitted to.",
    )
    automatic_approval = models.BooleanField(
        default=False,
        help_text="Registration requests of this organization's people are approved on arrival.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        if self.country and self.category != self.Category.MEMBER_STATE:
            return f"{self.name} ({self.country.name})"
        return self.name

    @property
    def has_member_rights(self) -> bool:
        """Whether its staff may hold member-only access at all."""
        return self.category in {
            self.Category.MEMBER_STATE,
            self.Category.SECTOR_MEMBER,
            self.Category.ASSOCIATE,
            self.Category.ACADEMIA,
            self.Category.SECRETARIAT,
        }


class FocalPoint(models.Model):
    """A person designated by an organization to approve its registration requests."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="focal_points"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="focal_point_of"
    )
    designated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "person"], name="focal_point_unique_per_organization"
            )
        ]

    def __str__(self):
        return f"{self.person} for {self.organization}"
