"""Who is calling: a bearer token, else the browser session, else nobody (public reads).

Each route's permission check then asks the same functions as the pages do, with
``request.user`` set to the person the token or session belongs to.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from plenary.api.errors import Forbidden, NotAuthenticated
from plenary.api.models import ApiToken
from plenary.api.services import token_authenticate

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


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
