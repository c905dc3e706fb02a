"""The caller and their tokens: a script checks who it acts as, lists and revokes tokens."""

from django.http import HttpRequest
from ninja import Path, Router
from ninja.responses import Status

from plenary.api.auth import MEMBERS, require_person
from plenary.api.errors import NotFound
from plenary.api.models import ApiToken
from plenary.api.routes.common import responses
from plenary.api.schemas import Me, TokenOut
from plenary.api.services import token_revoke

router = Router(tags=["you"], auth=MEMBERS)
MAX_ID = 2**63 - 1


@router.get("/me", response=responses(Me), url_name="me")
def me(request: HttpRequest):
    """Who the request acts as, and with which token."""
    user = require_person(request)
    return {
        "email": user.email,
        "name": user.name,
        "organization": user.affiliation or None,
        "member_access": user.has_member_access,
        "token": request.auth.token,
    }


@router.get("/tokens", response=responses(list[TokenOut]), url_name="tokens")
def list_tokens(request: HttpRequest):
    """The caller's tokens, newest first, revoked ones included (never their secrets)."""
    user = require_person(request)
    return list(ApiToken.objects.filter(user=user))


@router.delete("/tokens/{token_id}", response=responses(None, status=204), url_name="token")
def revoke_token(request: HttpRequest, token_id: int = Path(..., ge=1, le=MAX_ID)):
    """Revoke one of the caller's tokens (a script may revoke its own when done)."""
    user = require_person(request)
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound("You have no token with that id.")
    token_revoke(token=token)
    return Status(204, None)
