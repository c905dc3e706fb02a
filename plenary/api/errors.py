"""Errors as data: every failure of the API is JSON {"code", "message", "field"?}.

Routes raise ApiError (or one of its kinds below) for what they refuse. Other apps keep their own
exceptions and map them here once, with ``map_error(RegistrationExists, status=409,
code="already_registered")``, so that their services never import the API.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.core import exceptions as django_exceptions
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Schema
from ninja import errors as ninja_errors

logger = logging.getLogger("plenary.api")


class Error(Schema):
    """The body of every error response."""

    code: str
    message: str
    field: str | None = None


class ApiError(Exception):
    """A refusal the client can act on: an HTTP status, a stable code and a sentence."""

    status = 400
    code = "bad_request"
    message = "The request cannot be served."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        field: str | None = None,
        status: int | None = None,
    ):
        self.message = message or self.message
        self.code = code or self.code
        self.field = field
        self.status = status or self.status
        super().__init__(self.message)


class InvalidInput(ApiError):
    status, code, message = 400, "invalid", "A value of the request is not valid."


class NotAuthenticated(ApiError):
    status, code, message = 401, "not_authenticated", "Sign in or send a valid bearer token."


class Forbidden(ApiError):
    status, code, message = 403, "forbidden", "You may not do this."


class NotFound(ApiError):
    status, code, message = 404, "not_found", "There is nothing here."


class Conflict(ApiError):
    status, code, message = 409, "conflict", "The request conflicts with the current state."


class TooLarge(ApiError):
    status, code, message = 413, "too_large", "The request body is too large."


class FileRefused(ApiError):
    status, code, message = 422, "file_refused", "The file was refused."


@dataclass(frozen=True)
class _Mapping:
    status: int
    code: str


_MAPPED: dict[type[Exception], _Mapping] = {}


def map_error(exc_class: type[Exception], *, status: int, code: str) -> None:
    """Answer an app's own exception with this status and code (its str() is the message)."""
    _MAPPED[exc_class] = _Mapping(status, code)


def error_response(
    status: int, code: str, message: str, *, field: str | None = None
) -> HttpResponse:
    """The JSON response of an error, also for views outside ninja's operations."""
    body: dict[str, str] = {"code": code, "message": message}
    if field:
        body["field"] = field
    return JsonResponse(body, status=status)


def _field_of(loc) -> str | None:
    """'status' from pydantic's location ('query', 'status'); 'reason' from a JSON body's
    ('body', 'payload', 'reason'), since the body's parameter name is the route's own word, not
    the client's; None for the whole body."""
    loc = tuple(loc)
    if len(loc) > 2 and loc[0] == "body":
        loc = (loc[0], *loc[2:])
    parts = [str(part) for part in loc[1:] if not isinstance(part, int)]
    return ".".join(parts) or None


def _validation(request: HttpRequest, exc: ninja_errors.ValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    field = _field_of(first.get("loc", ()))
    message = str(first.get("msg", "The request is not valid."))
    if field:
        message = f"{field}: {message}"
    return error_response(400, "invalid", message, field=field)


def _django_validation(
    request: HttpRequest, exc: django_exceptions.ValidationError
) -> HttpResponse:
    field = None
    if hasattr(exc, "error_dict"):
        field = next((name for name in exc.error_dict if name != "__all__"), None)
    return error_response(400, "invalid", " ".join(exc.messages), field=field)


def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(exc.status, exc.code, exc.message, field=exc.field)


def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(404, "not_found", NotFound.message)


def _permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(403, "forbidden", str(exc) or Forbidden.message)


def _too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(413, "too_large", TooLarge.message)


def _http_error(request: HttpRequest, exc: ninja_errors.HttpError) -> HttpResponse:
    if isinstance(exc, ninja_errors.Throttled):
        return error_response(429, "rate_limited", "Too many requests; retry after a while.")
    if isinstance(exc, ninja_errors.AuthenticationError):
        return error_response(401, NotAuthenticated.code, NotAuthenticated.message)
    code = {403: "forbidden", 404: "not_found", 405: "method_not_allowed"}.get(
        exc.status_code, "bad_request"
    )
    return error_response(exc.status_code, code, exc.message)


def _anything_else(request: HttpRequest, exc: Exception) -> HttpResponse:
    # A bug, not bad input: logged with its traceback, answered as data all the same.
    logger.exception("API error on %s %s", request.method, request.path)
    return error_response(500, "server_error", "Something went wrong on our side.")


def _mapped_first(handler: Callable) -> Callable:
    """An app's mapping wins over the handler of the exception's base class."""

    def handle(request: HttpRequest, exc: Exception) -> HttpResponse:
        for cls in type(exc).__mro__:
            mapping = _MAPPED.get(cls)
            if mapping is not None:
                return error_response(mapping.status, mapping.code, str(exc))
        return handler(request, exc)

    return handle


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default handlers (422 lists, HTML 500s) with the JSON error shape."""
    handlers: list[tuple[type[Exception], Callable]] = [
        (ApiError, _api_error),
        (ninja_errors.ValidationError, _validation),
        (django_exceptions.ValidationError, _django_validation),
        (Http404, _not_found),
        (django_exceptions.ObjectDoesNotExist, _not_found),
        (django_exceptions.PermissionDenied, _permission_denied),
        (django_exceptions.RequestDataTooBig, _too_large),
        (ninja_errors.HttpError, _http_error),
        (Exception, _anything_else),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, _mapped_first(handler))
