from django.contrib import admin

from plenary.decisions.models import WorkItem


@admin.register(WorkItem)
class WorkItemAdmin(admin.ModelAdmin):
    list_display = ["acronym", "title", "question", "approval_process", "status"]
    list_filter = ["status", "approval_process", "study_group"]
    search_fields = ["acronym", "title"]
    autocomplete_fields = ["study_group", "question", "editors"]
