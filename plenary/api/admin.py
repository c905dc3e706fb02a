from django.contrib import admin

from plenary.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Operators see and revoke tokens; secrets are never stored, so never shown."""

    list_display = ["name", "prefix", "user", "scope", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope"]
    search_fields = ["name", "prefix", "user__email"]
    readonly_fields = ["user", "prefix", "digest", "created_at", "last_used_at"]
    fields = [
        "user",
        "name",
        "scope",
        "prefix",
        "digest",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]

    def has_add_permission(self, request):
        # A token made here would have no secret anyone could see; use the profile page or
        # `plenary token create`.
        return False
