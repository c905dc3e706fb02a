from django.contrib import admin
from django.urls import include, path

from plenary.accounts.urls import auth_patterns
from plenary.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("ok", core_views.ok, name="ok"),
    # /api/v1/ and /accounts/tokens/, before the pages' patterns: an API request is then
    # resolved without trying each of them first.
    path("", include("plenary.api.urls")),
    *auth_patterns,
    path("accounts/", include("plenary.accounts.urls")),
    path("meetings/", include("plenary.letters.urls")),
    path("meetings/", include("plenary.meetings.urls")),
    path("meetings/", include("plenary.live.urls")),
    path("registrations/", include("plenary.registrations.urls")),
    path("", include("plenary.documents.urls")),
    path("", include("plenary.decisions.urls")),  # /workprogramme/ and meetings' decisions
    path("", include("plenary.reports.urls")),  # meetings' reports
    path("admin/", admin.site.urls),
]
