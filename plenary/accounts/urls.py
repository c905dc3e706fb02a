from allauth.account import views as allauth_views
from allauth.mfa.base import views as mfa_views
from allauth.mfa.recovery_codes import views as recovery_views
from allauth.mfa.totp import views as totp_views
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
#
# Two-step sign-in (allauth.mfa: an authenticator app and recovery codes) is allauth's views on
# allauth's own paths and names, drawn with Plenary's templates; these come first, so they answer
# instead of the same paths under allauth.urls (the recovery codes' download stays allauth's).
def _mfa(view, path_, name, template):
    return path(path_, view.as_view(template_name=f"accounts/mfa/{template}.html"), name=name)


mfa_patterns = [
    path(
        "accounts/reauthenticate/",
        allauth_views.ReauthenticateView.as_view(
            template_name="accounts/mfa/password_reauthenticate.html"
        ),
        name="account_reauthenticate",
    ),
    _mfa(mfa_views.IndexView, "accounts/2fa/", "mfa_index", "index"),
    _mfa(
        mfa_views.AuthenticateView, "accounts/2fa/authenticate/", "mfa_authenticate", "authenticate"
    ),
    _mfa(
        mfa_views.ReauthenticateView,
        "accounts/2fa/reauthenticate/",
        "mfa_reauthenticate",
        "reauthenticate",
    ),
    _mfa(
        totp_views.ActivateTOTPView,
        "accounts/2fa/totp/activate/",
        "mfa_activate_totp",
        "totp_activate",
    ),
    _mfa(
        totp_views.DeactivateTOTPView,
        "accounts/2fa/totp/deactivate/",
        "mfa_deactivate_totp",
        "totp_deactivate",
    ),
    _mfa(
        recovery_views.ViewRecoveryCodesView,
        "accounts/2fa/recovery-codes/",
        "mfa_view_recovery_codes",
        "recovery_codes",
    ),
    _mfa(
        recovery_views.GenerateRecoveryCodesView,
        "accounts/2fa/recovery-codes/generate/",
        "mfa_generate_recovery_codes",
        "recovery_codes_generate",
    ),
]

auth_patterns = [
    path("accounts/login/", allauth_views.login, name="login"),
    path("accounts/logout/", allauth_views.logout, name="logout"),
    *mfa_patterns,
    path("accounts/", include("allauth.urls")),
]
