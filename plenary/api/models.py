from django.conf import settings
from django.db import models
from django.db.models import Q


class ApiToken(models.Model):
    """A personal access token: a script acts as its person, within the token's scope.

    Only the SHA-256 digest of the secret is stored; the secret itself is shown once, when the
    token is created. The prefix (the first characters of the secret) lets a person tell their
    tokens apart without revealing them.
    """

    class Scope(models.TextChoices):
        READ = "read", "Read"
        READ_WRITE = "read-write", "Read and write"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'CRM sync'.")
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(max_length=16, help_text="The secret's first characters.")
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the secret, hex.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=["read", "read-write"]), name="api_token_scope_known"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}\u2026)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def may_write(self) -> bool:
        return self.scope == self.Scope.READ_WRITE
