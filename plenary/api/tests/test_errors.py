"""Errors as data: every failure is JSON with a stable code, never an HTML page or a 500."""

import pytest
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404
from django.test import override_settings
from ninja import NinjaAPI
from ninja.testing import TestClient

from plenary.api.errors import Conflict, FileRefused, install_error_handlers, map_error

from .conftest import bearer


class AlreadyRegistered(Exception):
    """Stands for another app's own exception, mapped rather than raised as an ApiError."""


def _raising_api() -> NinjaAPI:
    api = NinjaAPI(urls_namespace="errors-test")
    install_error_handlers(api)
    map_error(AlreadyRegistered, status=409, code="already_registered")
    raised = {
        "conflict": Conflict("Registered already.", code="already_registered"),
        "refused": FileRefused("Not a Word file.", field="file"),
        "too-large": RequestDataTooBig(),
        "denied": PermissionDenied("Not yours."),
        "missing": Http404(),
        "invalid": ValidationError({"title": "Give a title."}),
        "mapped": AlreadyRegistered("You are registered already."),
        "bug": ZeroDivisionError("oops"),
    }

    @api.get("/raise/{kind}")
    def raise_it(request, kind: str):
        raise raised[kind]

    return api


@pytest.mark.parametrize(
    "kind, status, body",
    [
        ("conflict", 409, {"code": "already_registered", "message": "Registered already."}),
        ("refused", 422, {"code": "file_refused", "message": "Not a Word file.", "field": "file"}),
        ("too-large", 413, {"code": "too_large", "message": "The request body is too large."}),
        ("denied", 403, {"code": "forbidden", "message": "Not yours."}),
        ("missing", 404, {"code": "not_found", "message": "There is nothing here."}),
        ("invalid", 400, {"code": "invalid", "message": "Give a title.", "field": "title"}),
        ("mapped", 409, {"code": "already_registered", "message": "You are registered already."}),
        ("bug", 500, {"code": "server_error", "message": "Something went wrong on our side."}),
    ],
)
def test_each_kind_of_error_is_json(kind, status, body):
    response = TestClient(_raising_api()).get(f"/raise/{kind}")
    assert response.status_code == status
    assert response.json() == body


@pytest.mark.django_db
def test_validation_errors_name_the_field(client):
    response = client.get("/api/v1/meetings?limit=0")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["field"] == "limit"
    assert body["message"].startswith("limit: ")


@pytest.mark.django_db
def test_an_unknown_route_is_a_json_404(client):
    response = client.get("/api/v1/no/such/route")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_a_wrong_method_is_a_json_405(client, demo):
    response = client.post("/api/v1/meetings")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


@pytest.mark.django_db
@override_settings(API_RATE_LIMIT_PER_MINUTE=3, API_ANONYMOUS_RATE_LIMIT_PER_MINUTE=2)
def test_it_limits_each_token_and_each_anonymous_address(client, delegate_token, outsider_token):
    for _ in range(3):
        assert client.get("/api/v1/workitems", headers=bearer(delegate_token)).status_code == 200
    response = client.get("/api/v1/workitems", headers=bearer(delegate_token))
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 60
    # Another token has its own budget; the anonymous have theirs, per address.
    assert client.get("/api/v1/workitems", headers=bearer(outsider_token)).status_code == 200
    assert client.get("/api/v1/workitems").status_code == 200
    assert client.get("/api/v1/workitems").status_code == 200
    assert client.get("/api/v1/workitems").status_code == 429
    assert client.get("/api/v1/workitems", REMOTE_ADDR="192.0.2.7").status_code == 200
