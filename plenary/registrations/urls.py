from django.urls import path

from plenary.registrations import views

app_name = "registrations"
urlpatterns = [
    path("", views.my_meetings, name="mine"),
    path("approvals/", views.queue, name="queue"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("meeting/<slug:slug>/", views.meeting_overview, name="meeting"),
    path("meeting/<slug:slug>/register/", views.register, name="register"),
    path("meeting/<slug:slug>/add/", views.add_participant, name="add"),
    path("meeting/<slug:slug>/participants/", views.participants, name="participants"),
    path(
        "meeting/<slug:slug>/participants.csv",
        views.participants_export,
        {"fmt": "csv"},
        name="participants_csv",
    ),
    path(
        "meeting/<slug:slug>/participants.xlsx",
        views.participants_export,
        {"fmt": "xlsx"},
        name="participants_xlsx",
    ),
    path(
        "organization/<int:pk>/automatic-approval/",
        views.automatic_approval,
        name="automatic_approval",
    ),
]
