from django.contrib import admin

from plenary.live.models import ChatMessage, FloorRequest, Intervention, Room, RoomEvent


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["__str__", "meeting", "slot", "last_seq"]
    raw_id_fields = ["meeting", "slot", "current_item", "current_document"]


@admin.register(Intervention)
class InterventionAdmin(admin.ModelAdmin):
    list_display = ["person", "affiliation", "started_at", "ended_at", "interrupted"]
    raw_id_fields = ["room", "request", "person", "agenda_item", "document"]


@admin.register(ChatMessage)
class ChatMessageAdmin(admin.ModelAdmin):
    list_display = ["person", "created_at", "hidden"]
    raw_id_fields = ["room", "person", "hidden_by"]


@admin.register(FloorRequest)
class FloorRequestAdmin(admin.ModelAdmin):
    list_display = ["person", "kind", "status", "requested_at"]
    raw_id_fields = ["room", "person"]


@admin.register(RoomEvent)
class RoomEventAdmin(admin.ModelAdmin):
    list_display = ["room", "seq", "type", "created"]
    raw_id_fields = ["room", "actor"]
