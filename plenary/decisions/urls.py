from django.urls import path, re_path

from plenary.decisions import views

app_name = "decisions"
urlpatterns = [
    path("workprogramme/<str:acronym>/", views.work_programme, name="work_programme"),
    re_path(
        r"^workprogramme/(?P<acronym>[^/]+)/export\.(?P<fmt>csv|xlsx)$",
        views.work_programme_export,
        name="work_programme_export",
    ),
    path("workprogramme/<str:acronym>/items/<int:pk>/", views.work_item, name="work_item"),
    path(
        "workprogramme/<str:acronym>/items/<int:pk>/advance/",
        views.approval_advance,
        name="approval_advance",
    ),
    path("meetings/<slug:slug>/decisions/", views.meeting_decisions, name="meeting_decisions"),
    path("meetings/<slug:slug>/decisions/record/", views.decision_record, name="decision_record"),
    path(
        "meetings/<slug:slug>/decisions/<int:pk>/correct/",
        views.decision_correct,
        name="decision_correct",
    ),
]
