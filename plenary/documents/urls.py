from django.urls import path

from plenary.documents import feeds, views

app_name = "documents"
urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("meetings/<slug:slug>/documents.atom", feeds.MeetingDocumentsFeed(), name="meeting_feed"),
    path(
        "groups/<str:acronym>/documents.atom",
        feeds.StudyGroupDocumentsFeed(),
        name="study_group_feed",
    ),
    path("meetings/<slug:slug>/documents/", views.register, name="register"),
    path("meetings/<slug:slug>/documents/allocate/", views.allocate, name="allocate"),
    path("meetings/<slug:slug>/documents.zip", views.meeting_zip, name="zip"),
    path(
        "meetings/<slug:slug>/contributions/new/",
        views.contribution_new,
        name="contribution_new",
    ),
    path("meetings/<slug:slug>/tds/new/", views.td_new, name="td_new"),
    path("meetings/<slug:slug>/tds/queue/", views.td_queue, name="td_queue"),
    path("documents/<int:pk>/", views.detail, name="detail"),
    path("documents/<int:pk>/template.docx", views.contribution_template, name="template"),
    path("documents/<int:pk>/upload/", views.upload, name="upload"),
    path("documents/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("documents/<int:pk>/admit/", views.admit, name="admit"),
    path("documents/<int:pk>/carry-over/", views.carry_over, name="carry_over"),
    path("documents/<int:pk>/access/", views.access, name="access"),
    path("documents/<int:pk>/post/", views.td_post, name="td_post"),
    path("documents/<int:pk>/return/", views.td_return, name="td_return"),
    path("documents/<int:pk>/resubmit/", views.td_resubmit, name="td_resubmit"),
    path("documents/<int:pk>/translation/", views.translation_request, name="translation_request"),
    path("documents/<int:pk>/files/<int:revision_id>/", views.download, name="download"),
]
