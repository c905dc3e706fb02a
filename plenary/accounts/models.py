from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django_countries.fields import CountryField

from plenary.core.timezones import validate_time_zone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address."""

    class Title(models.TextChoices):
        MR = "Mr", "Mr"
        MS = "Ms", "Ms"
        DR = "Dr", "Dr"
        PROF = "Prof.", "Prof."

    email = models.EmailField("e-mail address", unique=True)
    name = models.CharField(max_length=200, help_text="Full name as shown to other participants.")
    title = models.CharField(max_length=10, choices=Title.choices, blank=True)
    country = CountryField(blank=True)
    organization = models.ForeignKey(
        "membership.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        help_text="The member organization this person represents, once approved.",
    )
    has_member_access = models.BooleanField(
        "member-only (TIES) access",
        default=False,
        help_text="May submit contributions and read member-only documents.",
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Times are shown in this zone beside the meeting's; blank uses the browser's.",
    )
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """Name with title, as a chair would announce a speaker: 'Ms Xiaojie Zhu'."""
        return f"{self.title} {self.name}".strip() if self.name else self.email

    @property
    def affiliation(self) -> str:
        """The organization (and its country) a person speaks for."""
        if self.organization_id is None:
            return ""
        return str(self.organization)

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name or self.email


class OrganizationRequest(models.Model):
    """A person's request to represent an organization, decided by its focal point or the
    secretariat: nobody can claim membership by editing their own profile."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="organization_requests")
    organization = models.ForeignKey(
        "membership.Organization", on_delete=models.CASCADE, related_name="join_requests"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    note = models.CharField(
        max_length=300, blank=True, help_text="What the person says about their role there."
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was rejected.")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(state="pending"),
                name="organization_request_one_pending_per_person",
            ),
        ]

    def __str__(self):
        return f"{self.person} asks to join {self.organization} ({self.state})"
