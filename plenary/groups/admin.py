from django.contrib import admin

from plenary.groups.models import Body, Role, StudyPeriod


@admin.register(StudyPeriod)
class StudyPeriodAdmin(admin.ModelAdmin):
    list_display = ["code", "start_year", "end_year"]


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["acronym", "kind", "title", "parent"]
    list_filter = ["kind"]
    search_fields = ["acronym", "title"]
    autocomplete_fields = ["parent"]
    inlines = [RoleInline]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["person", "name", "body"]
    list_filter = ["name", "body__kind"]
    search_fields = ["person__name", "person__email", "body__acronym"]
    autocomplete_fields = ["person", "body"]
