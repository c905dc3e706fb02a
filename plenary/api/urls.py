"""/api/v1/ (the API, its OpenAPI document and docs) and /accounts/tokens/ (the token page)."""

import functools

from django.http import HttpResponseNotAllowed
from django.urls import include, path

from plenary.api import views
from plenary.api.api import api
from plenary.api.errors import error_response


def _json_not_allowed(view):
    """ninja answers a wrong method with a bare 405; give it the JSON error shape (and Allow)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = error_response(
                405, "method_not_allowed", f"{request.method} is not allowed here; use {allowed}."
            )
            response["Allow"] = allowed
        return response

    return wrapper


def _api_patterns():
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback = _json_not_allowed(pattern.callback)
    return patterns, app_name, namespace


token_patterns = [
    path("", views.tokens, name="list"),
    path("<int:token_id>/revoke/", views.token_revoke, name="revoke"),
]

urlpatterns = [
    path("api/v1/", _api_patterns()),
    path("api/v1/<path:rest>", views.api_not_found),
    path("accounts/tokens/", include((token_patterns, "tokens"))),
]
