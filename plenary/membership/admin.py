from django.contrib import admin

from plenary.membership.models import FocalPoint, Organization


class FocalPointInline(admin.TabularInline):
    model = FocalPoint
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "country", "automatic_approval"]
    list_filter = ["category", "automatic_approval"]
    search_fields = ["name", "short_name"]
    filter_horizontal = ["admitted_to"]
    inlines = [FocalPointInline]
