from allauth.account import views as allauth_views
from django.urls import include, path

from plenary.accounts import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("organization/", views.organization, name="organization"),
    path("organization/requests/", views.organization_requests, name="organization_requests"),
    path(
        "organization/requests/<int:pk>/withdraw/",
        views.organization_request_withdraw_view,
        name="organization_request_withdraw",
    ),
    path(
        "organization/requests/<int:pk>/approve/",
        views.organization_request_approve_view,
        name="organization_request_approve",
    ),
    path(
        "organization/requests/<int:pk>/reject/",
        views.organization_request_reject_view,
        name="organization_request_reject",
    ),
]

# Sign in and out keep Django's names ("login", "logout") so LOGIN_URL and templates find them;
# they are allauth's views, as are sign-up, e-mail verification and password reset under accounts/.
auth_patterns = [
    path("accounts/login/", allauth_views.login, name="login"),
    path("accounts/logout/", allauth_views.logout, name="logout"),
    path("accounts/", include("allauth.urls")),
]
