"""Who is calling: a bearer token, else the browser session, else nobody (public reads).

Each route's permission check then asks the same functions as the pages do, with
``request.user`` set to the person the token or session belongs to.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from plenary.api import services
from plenary.api.errors import Forbidden, NotAuthenticated
from plenary.api.models import ApiToken
from plenary.api.routes.common import RowRead
from plenary.core.db import unflushed_transaction
from plenary.groups.permissions import remember_roles

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


# A token by its digest, with its person, their organization and the roles they hold. The roles
# come one row each (none for most people) and are kept on the person for this request only, as
# groups.permissions.roles_held keeps them: a changed role or a revoked token counts from the
# next request, and the access rule and the registration checks need no statement of their own.
_token_read = RowRead(
    ApiToken,
    "digest",
    related=("user", "user__organization"),
    where=(("revoked_at", "IS NULL"), ("user__is_active", "")),
    many=("user__roles", ("body", "name")),
)


def token_authenticate(secret: str) -> ApiToken | None:
    """The active token with this secret, its person loaded with their organization and roles
    (one statement), noting that it was used."""
    if not secret.startswith(services.TOKEN_MARK):
        return None
    token, roles = _token_read(services.token_digest(secret))
    if token is None:
        return None
    remember_roles(token.user, roles)
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= services.LAST_USED_PRECISION:
        _note_use(token, now)
    return token


def _note_use(token: ApiToken, now: dt.datetime) -> None:
    """Write when the token was last used: a bare UPDATE, so that two requests at once both
    write a fresh instant and neither waits.

    The instant tells a person which of their tokens are alive; it is not a record anyone relies
    on. So on PostgreSQL it commits without waiting for the disk (asynchronous commit: a crash may
    lose the last instants, never corrupt anything). Its SQL is written out here because in a
    registration burst every request is a token's first use, and the ORM's build of this UPDATE
    cost twice what the write itself costs."""
    field = ApiToken._meta.get_field("last_used_at")
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(ApiToken._meta.db_table)} SET {quote(field.column)} = %s "  # noqa: S608
        f"WHERE {quote(ApiToken._meta.pk.column)} = %s"
    )
    with unflushed_transaction(), connection.cursor() as cursor:
        cursor.execute(sql, [field.get_db_prep_value(now, connection), token.pk])
    token.last_used_at = now


class Caller:
    """The authenticated party of a request: a person, and the token used (if any)."""

    def __init__(self, user, token: ApiToken | None = None):
        self.user = user
        self.token = token

    def __bool__(self) -> bool:
        return True

    @property
    def rate_key(self) -> str:
        """Whose budget a request spends: the token's, the person's, or the address's."""
        if self.token is not None:
            return f"token:{self.token.pk}"
        if self.user.is_authenticated:
            return f"user:{self.user.pk}"
        return ""


class TokenAuth(HttpBearer):
    """`Authorization: Bearer pln_...`: a personal access token. A bad one is refused outright
    rather than treated as anonymous, so a script learns at once that its token is wrong."""

    def authenticate(self, request: HttpRequest, token: str) -> Caller:
        found = token_authenticate(token.strip())
        if found is None:
            raise NotAuthenticated("The bearer token is unknown or revoked.", code="token_invalid")
        if request.method not in SAFE_METHODS and not found.may_write:
            raise Forbidden(
                "This token may only read; create a read-write token to make changes.",
                code="token_read_only",
            )
        request.user = found.user
        return Caller(found.user, found)


class SessionAuth(APIKeyCookie):
    """The browser's session, as for the pages; changes need the CSRF token as forms do."""

    def __init__(self) -> None:
        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Caller | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if request.method not in SAFE_METHODS and not exempt and check_csrf(request):
            raise Forbidden("The CSRF token is missing or wrong.", code="csrf_failed")
        return Caller(user)

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        return self(request)  # pragma: no cover - __call__ does the work


def anonymous(request: HttpRequest) -> Caller:
    """Nobody in particular: allowed on reads of what the public may see."""
    request.user = AnonymousUser()
    return Caller(request.user)


# Public reads: anyone, with more rights when signed in. Member routes (documents upload,
# registrations) will use MEMBERS, which refuses the anonymous with 401.
PUBLIC = [TokenAuth(), SessionAuth(), anonymous]
MEMBERS = PUBLIC[:2]


def require_person(request: HttpRequest):
    """The signed-in person, or a 401 for the anonymous."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        raise NotAuthenticated()
    return user
