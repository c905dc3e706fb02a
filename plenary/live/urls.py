from django.urls import path

from plenary.live import views

app_name = "live"
urlpatterns = [
    path("<slug:slug>/live/", views.room_page, name="room"),
    path("<slug:slug>/live/state.json", views.room_state, name="state"),
    path(
        "<slug:slug>/live/attendance.csv",
        views.attendance_export,
        {"fmt": "csv"},
        name="attendance_csv",
    ),
    path(
        "<slug:slug>/live/attendance.xlsx",
        views.attendance_export,
        {"fmt": "xlsx"},
        name="attendance_xlsx",
    ),
]
