from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from plenary.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "organization", "has_member_access", "is_staff"]
    list_filter = ["has_member_access", "is_staff", "is_active", "organization__category"]
    search_fields = ["email", "name", "organization__name"]
    autocomplete_fields = ["organization"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["title", "name", "country", "organization", "time_zone"]}),
        ("Access", {"fields": ["has_member_access", "is_active", "is_staff", "is_superuser"]}),
        ("Permissions", {"fields": ["groups", "user_permissions"], "classes": ["collapse"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]}),
    ]
