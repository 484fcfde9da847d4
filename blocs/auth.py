"""Who is asking: the client's address behind trusted proxies, and passwords typed again."""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _address(text: str):
    try:
        address = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    # An IPv4 client reaching an IPv6 socket shows as ::ffff:a.b.c.d.
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def client_ip(request) -> str | None:
    """Return the address of the client that sent the request, or None when it is unknown.

    REMOTE_ADDR is the client unless it is one of settings.TRUSTED_PROXIES; then the client is
    the right-most address of X-Forwarded-For that is not a trusted proxy. Addresses further
    left were written by the client itself and are never believed.
    """
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return None
    trusted = _networks(tuple(settings.TRUSTED_PROXIES))
    client = remote
    if any(client in network for network in trusted):
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        for hop in reversed([h for h in hops if h.strip()]):
            address = _address(hop)
            # A hop that is not an address ends the chain: the last proxy is all we know.
            if address is None:
                break
            client = address
            if not any(address in network for network in trusted):
                break
    return str(client)


def password_is_correct(*, user, password: str, request=None) -> bool:
    """Check the user's own password, typed again to confirm an act.

    With the request, the check goes through the authentication backends, so a wrong password
    counts towards the lockout exactly as a failed login does (django-axes) and a locked-out
    user is refused; call it outside any transaction that may roll back, or the failure is
    forgotten. Without a request (the shell, tests) the password is compared directly.
    """
    if request is None:
        return user.check_password(password or "")
    authenticated = authenticate(request, username=user.get_username(), password=password or "")
    return authenticated is not None and authenticated.pk == user.pk


def attempted_username(request, credentials) -> str | None:
    """The username a login attempt is counted under, cut to the longest a user can have.

    A typed name longer than any account's (the site's or the admin's login) is still counted,
    but it must fit the lockout's record instead of failing the request.
    """
    from django.contrib.auth import get_user_model

    User = get_user_model()
    value = (credentials or {}).get(User.USERNAME_FIELD)
    if value is None and request is not None:
        value = request.POST.get(User.USERNAME_FIELD)
    if not isinstance(value, str):
        return value
    return value[: User._meta.get_field(User.USERNAME_FIELD).max_length]


class UserBackend(ModelBackend):
    """The site's accounts. The signed-in user read for each request brings the number of their
    unread notifications with it, which the header shows on every page, so that number costs no
    query of its own (``khoithidua.context_processors``)."""

    def get_user(self, user_id):
        from blocs.models import Notification, User

        unread = (
            Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
            .order_by()
            .values("user")
            .annotate(n=Count("pk"))
            .values("n")
        )
        user = (
            User._default_manager.annotate(
                unread_notifications=Coalesce(Subquery(unread, output_field=IntegerField()), 0)
            )
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
