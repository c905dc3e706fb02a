from django.contrib import admin

from plenary.meetings.models import AgendaItem, Meeting, TimePlanSlot


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["parent", "position", "title"]


class TimePlanSlotInline(admin.TabularInline):
    model = TimePlanSlot
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "body", "start_date", "mode", "status"]
    list_filter = ["status", "mode", "body__kind"]
    search_fields = ["title", "slug", "body__acronym"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["body"]
    filter_horizontal = ["drafts"]
    date_hierarchy = "start_date"
    inlines = [AgendaItemInline, TimePlanSlotInline]
