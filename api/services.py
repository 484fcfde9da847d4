"""A user's API token: issued, replaced, revoked (rest_framework.authtoken, one per user)."""

from django.db import transaction
from rest_framework.authtoken.models import Token


@transaction.atomic
def issue_token(*, user) -> Token:
    """Give ``user`` a new token; the one they had stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


@transaction.atomic
def revoke_token(*, user) -> bool:
    """Withdraw ``user``'s token; whether there was one."""
    deleted, _rows = Token.objects.filter(user=user).delete()
    return bool(deleted)
