from django.urls import path

from plenary.meetings import views

app_name = "meetings"
urlpatterns = [
    path("<slug:slug>/", views.meeting_detail, name="detail"),
    path("<slug:slug>/calendar.ics", views.meeting_ics, name="ics"),
]
