from django.contrib.auth import views as auth_views
from django.urls import path

from plenary.accounts import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
]

# Sign in and out keep Django's own names ("login", "logout") so LOGIN_URL and templates find them.
auth_patterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]
