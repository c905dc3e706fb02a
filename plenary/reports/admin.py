from django.contrib import admin

from plenary.reports.models import ItemSummary, MeetingReport, ReportEvent


class ItemSummaryInline(admin.TabularInline):
    model = ItemSummary
    extra = 0
    raw_id_fields = ["agenda_item"]

    def _open(self, obj) -> bool:
        return obj is None or not obj.is_published

    def has_add_permission(self, request, obj=None):
        return self._open(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._open(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._open(obj) and super().has_delete_permission(request, obj)


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    can_delete = False
    readonly_fields = ["type", "actor", "at", "detail"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MeetingReport)
class MeetingReportAdmin(admin.ModelAdmin):
    list_display = ["meeting", "state", "document", "published_at"]
    list_filter = ["state"]
    search_fields = ["meeting__title", "meeting__slug", "title"]
    raw_id_fields = ["meeting", "document", "created_by", "published_by"]
    # State, number and content change only through the services (publishing), and a published
    # report is frozen altogether.
    readonly_fields = ["state", "document", "content", "published_by", "published_at"]
    inlines = [ItemSummaryInline, ReportEventInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_published:
            return [field.name for field in obj._meta.fields]
        return self.readonly_fields
