from django import forms
from django.contrib import admin
from django.db import models

from plenary.meetings.deadlines import InvalidPolicy, Policy, builtin_policy_names
from plenary.meetings.models import (
    AgendaItem,
    DeadlineOverride,
    DeadlinePolicy,
    Meeting,
    TimePlanSlot,
)


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
    # A link typed without its scheme is taken as https, as in the meeting form.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class DeadlinePolicyForm(forms.ModelForm):
    class Meta:
        model = DeadlinePolicy
        fields = ["name", "description", "rules"]

    def clean_name(self):
        name = self.cleaned_data["name"]
        if name in builtin_policy_names():
            raise forms.ValidationError("This name is a built-in policy's; choose another.")
        return name

    def clean(self):
        cleaned = super().clean()
        # The same check the meeting page relies on: a saved policy always yields deadlines.
        if cleaned.get("name") and cleaned.get("rules") is not None:
            try:
                Policy.from_dict(cleaned["name"], cleaned["rules"])
            except InvalidPolicy as error:
                self.add_error("rules", str(error))
        return cleaned


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    form = DeadlinePolicyForm
    list_display = ["name", "description"]
    search_fields = ["name", "description"]

    # Meetings name their policy by a string, so a policy in use keeps its name and stays.
    def get_readonly_fields(self, request, obj=None):
        return ["name"] if obj is not None and _in_use(obj) else []

    def has_delete_permission(self, request, obj=None):
        if obj is not None and _in_use(obj):
            return False
        return super().has_delete_permission(request, obj)


def _in_use(policy: DeadlinePolicy) -> bool:
    return Meeting.objects.filter(deadline_policy=policy.name).exists()


@admin.register(DeadlineOverride)
class DeadlineOverrideAdmin(admin.ModelAdmin):
    """Read-only: overrides are set on the meeting's deadlines page, which computes the cut-off."""

    list_display = ["meeting", "key", "date", "cutoff", "set_by", "set_at"]
    list_filter = ["key"]
    search_fields = ["meeting__slug", "meeting__title", "reason"]
    readonly_fields = ["meeting", "key", "date", "cutoff", "reason", "set_by", "set_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
