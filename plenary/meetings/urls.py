from django.urls import path

from plenary.meetings.views import agenda, manage, pages

app_name = "meetings"
urlpatterns = [
    # Before the slug routes, so that "new" is never read as a meeting's slug.
    path("new/", manage.meeting_new, name="new"),
    path("<slug:slug>/", pages.meeting_detail, name="detail"),
    path("<slug:slug>/calendar.ics", pages.meeting_ics, name="ics"),
    path("<slug:slug>/status/", manage.meeting_status, name="status"),
    path("<slug:slug>/agenda/edit/", agenda.agenda_edit, name="agenda_edit"),
    path("<slug:slug>/agenda/items/add/", agenda.agenda_item_add, name="agenda_item_add"),
    path(
        "<slug:slug>/agenda/items/<int:item_id>/edit/",
        agenda.agenda_item_edit,
        name="agenda_item_edit",
    ),
    path(
        "<slug:slug>/agenda/items/<int:item_id>/delete/",
        agenda.agenda_item_delete,
        name="agenda_item_delete",
    ),
    path(
        "<slug:slug>/agenda/items/<int:item_id>/move/",
        agenda.agenda_item_move,
        name="agenda_item_move",
    ),
    path("<slug:slug>/agenda/publish/", agenda.agenda_publish, name="agenda_publish"),
    path("<slug:slug>/agenda/discard/", agenda.agenda_discard, name="agenda_discard"),
    path("<slug:slug>/time-plan/edit/", agenda.time_plan_edit, name="time_plan_edit"),
    path("<slug:slug>/time-plan/slots/add/", agenda.slot_add, name="slot_add"),
    path("<slug:slug>/time-plan/slots/<int:slot_id>/edit/", agenda.slot_edit, name="slot_edit"),
    path(
        "<slug:slug>/time-plan/slots/<int:slot_id>/delete/",
        agenda.slot_delete,
        name="slot_delete",
    ),
    path("<slug:slug>/time-plan/publish/", agenda.time_plan_publish, name="time_plan_publish"),
    path("<slug:slug>/time-plan/discard/", agenda.time_plan_discard, name="time_plan_discard"),
    path("<slug:slug>/versions/", agenda.plan_history, name="plan_history"),
    path("<slug:slug>/versions/<str:kind>/<int:number>/", agenda.plan_version, name="plan_version"),
    path("<slug:slug>/deadlines/", manage.meeting_deadlines_edit, name="deadlines"),
    path(
        "<slug:slug>/deadlines/<str:key>/clear",
        manage.meeting_deadline_clear,
        name="deadline_clear",
    ),
]
