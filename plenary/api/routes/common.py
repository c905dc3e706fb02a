"""What every route module shares: the error responses it declares and public-read security."""

from typing import Any

from plenary.api.errors import Error

# What any route may answer besides success: bad input, a refused or unknown token, a refusal,
# something private or absent, and the rate limit.
ERRORS: dict[int, Any] = {400: Error, 401: Error, 403: Error, 404: Error, 429: Error}

# Public reads accept no credentials at all; the OpenAPI document says so with an empty
# requirement beside the token and session schemes.
ANONYMOUS_ALLOWED = {"security": [{}]}


def responses(ok: Any, status: int = 200) -> dict[int, Any]:
    """The responses of a route: its success shape and the shared errors."""
    return {status: ok, **ERRORS}
