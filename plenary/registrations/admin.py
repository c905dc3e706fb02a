from django.contrib import admin

from plenary.registrations.models import AutomaticApprovalChange, Registration, RegistrationEvent


class RegistrationEventInline(admin.TabularInline):
    model = RegistrationEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "from_state", "to_state", "automatic", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    """Read-mostly: state changes go through the services so that history is kept."""

    list_display = ["person", "meeting", "organization", "mode", "state", "late", "created_at"]
    list_filter = ["state", "mode", "late", "approved_automatically"]
    search_fields = ["person__email", "person__name", "meeting__slug", "organization__name"]
    list_select_related = ["person", "meeting", "organization"]
    readonly_fields = [
        "meeting",
        "person",
        "organization",
        "state",
        "late",
        "approved_automatically",
        "registered_by",
        "decided_by",
        "decided_at",
        "created_at",
        "updated_at",
    ]
    inlines = [RegistrationEventInline]


@admin.register(AutomaticApprovalChange)
class AutomaticApprovalChangeAdmin(admin.ModelAdmin):
    list_display = ["organization", "enabled", "actor", "at"]
    readonly_fields = ["organization", "enabled", "actor", "at"]
