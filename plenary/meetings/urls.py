from django.urls import path

from plenary.meetings.views import pages

app_name = "meetings"
urlpatterns = [
    path("<slug:slug>/", pages.meeting_detail, name="detail"),
    path("<slug:slug>/calendar.ics", pages.meeting_ics, name="ics"),
]
