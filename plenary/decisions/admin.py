from django.contrib import admin

from plenary.decisions.models import (
    ApprovalStep,
    Decision,
    LiaisonEvent,
    OutgoingLiaison,
    WorkItem,
    WorkItemEvent,
)


@admin.register(WorkItem)
class WorkItemAdmin(admin.ModelAdmin):
    list_display = ["acronym", "title", "question", "approval_process", "status"]
    list_filter = ["status", "approval_process", "study_group"]
    search_fields = ["acronym", "title"]
    autocomplete_fields = ["study_group", "question", "editors"]
    raw_id_fields = ["base_text"]


class _ReadOnlyAdmin(admin.ModelAdmin):
    """History rows are written by the services only: the admin shows them, never changes them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(_ReadOnlyAdmin):
    list_display = ["meeting", "agenda_title", "kind", "recorded_by", "recorded_at", "corrects"]
    list_filter = ["kind", "meeting"]


@admin.register(WorkItemEvent)
class WorkItemEventAdmin(_ReadOnlyAdmin):
    list_display = ["work_item", "at", "by", "changes"]


@admin.register(ApprovalStep)
class ApprovalStepAdmin(_ReadOnlyAdmin):
    list_display = ["work_item", "process", "state", "started", "due", "by"]
    list_filter = ["process", "state"]


@admin.register(OutgoingLiaison)
class OutgoingLiaisonAdmin(_ReadOnlyAdmin):
    """Drafted, agreed and posted through the meeting's liaison pages, which keep the history."""

    list_display = ["meeting", "title", "state", "deadline", "drafted_by", "created_at"]
    list_filter = ["state", "meeting"]
    search_fields = ["title"]


@admin.register(LiaisonEvent)
class LiaisonEventAdmin(_ReadOnlyAdmin):
    list_display = ["liaison", "type", "by", "at"]
