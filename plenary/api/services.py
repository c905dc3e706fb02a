"""Writes about API tokens: create (the secret is returned once), revoke, and note their use."""

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from plenary.accounts.models import User
from plenary.api.models import ApiToken

# Recognisable in logs and by secret scanners; the rest is 256 bits from the OS's generator.
TOKEN_MARK = "pln_"
PREFIX_LENGTH = len(TOKEN_MARK) + 8
# Touching last_used_at on every request would make each read a write; once a minute is enough
# to tell a person which of their tokens are alive.
LAST_USED_PRECISION = dt.timedelta(minutes=1)
MAX_ACTIVE_TOKENS = 50


def token_digest(secret: str) -> str:
    """The stored form of a secret. A fast hash is right here: the secret is random, not chosen
    by a person, so there is nothing for a slow hash to protect against guessing."""
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User, name: str, scope: str) -> tuple[ApiToken, str]:
    """A new token for the person; returns it with its secret, which is never shown again."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Give the token a name, e.g. what it is for."})
    if scope not in ApiToken.Scope.values:
        raise ValidationError({"scope": f"The scope must be one of {', '.join(ApiToken.Scope)}."})
    if not user.is_active:
        raise ValidationError("An inactive account cannot have tokens.")
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()
    if active >= MAX_ACTIVE_TOKENS:
        raise ValidationError(f"You have {active} tokens; revoke one you no longer use first.")
    secret = TOKEN_MARK + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, scope=scope, prefix=secret[:PREFIX_LENGTH])
    token.digest = token_digest(secret)
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken) -> ApiToken:
    """Stop the token from working, for good; revoking twice keeps the first instant."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
