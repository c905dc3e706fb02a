from django.contrib import admin

from plenary.documents.models import (
    Document,
    DocumentEvent,
    DocumentSettings,
    LiaisonDetails,
    Revision,
)


class RevisionInline(admin.TabularInline):
    model = Revision
    fk_name = "document"
    extra = 0
    can_delete = False
    readonly_fields = [
        "number",
        "language",
        "original_name",
        "size",
        "sha256",
        "content_type",
        "uploaded_by",
        "uploaded_at",
    ]
    exclude = ["storage_name"]


class LiaisonInline(admin.StackedInline):
    model = LiaisonDetails
    extra = 0


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "meeting", "state", "late", "held_for_next", "is_public"]
    list_filter = ["kind", "state", "late", "study_group"]
    search_fields = ["title", "source"]
    raw_id_fields = ["meeting", "agenda_item", "submitted_by", "admitted_by", "current_revision"]
    filter_horizontal = ["questions"]
    inlines = [LiaisonInline, RevisionInline]


@admin.register(DocumentEvent)
class DocumentEventAdmin(admin.ModelAdmin):
    list_display = ["document", "type", "actor", "at"]
    list_filter = ["type"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(DocumentSettings)
