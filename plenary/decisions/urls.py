from django.urls import path, re_path

from plenary.decisions import liaison_views, views

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
        "workprogramme/<str:acronym>/items/<int:pk>/edit/",
        views.work_item_edit,
        name="work_item_edit",
    ),
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
    path("meetings/<slug:slug>/liaisons/", liaison_views.liaison_list, name="liaison_list"),
    path("meetings/<slug:slug>/liaisons/new/", liaison_views.liaison_new, name="liaison_new"),
    path(
        "meetings/<slug:slug>/liaisons/<int:pk>/",
        liaison_views.liaison_detail,
        name="liaison_detail",
    ),
    path(
        "meetings/<slug:slug>/liaisons/<int:pk>/edit/",
        liaison_views.liaison_edit,
        name="liaison_edit",
    ),
    path(
        "meetings/<slug:slug>/liaisons/<int:pk>/agree/",
        liaison_views.liaison_agree,
        name="liaison_agree",
    ),
    path(
        "meetings/<slug:slug>/liaisons/<int:pk>/post/",
        liaison_views.liaison_post,
        name="liaison_post",
    ),
    path(
        "meetings/<slug:slug>/liaisons/<int:pk>/preview.docx",
        liaison_views.liaison_preview,
        name="liaison_preview",
    ),
]
