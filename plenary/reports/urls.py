from django.urls import path

from plenary.reports import views

app_name = "reports"
urlpatterns = [
    path("meetings/<slug:slug>/report/", views.report_page, name="page"),
    path("meetings/<slug:slug>/report/edit/", views.report_edit, name="edit"),
    path("meetings/<slug:slug>/report/publish/", views.report_publish, name="publish"),
    path("meetings/<slug:slug>/report/draft.docx", views.report_draft_docx, name="draft_docx"),
]
