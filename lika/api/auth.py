"""Token authentication per connected system, and the two scopes (docs/api.md).

A request carries ``Authorization: Bearer <token>``.  The token is looked up by its
SHA-256 hash (only the hash is stored); a revoked client's token is refused (401) with the
reason.  ``last_used_at`` is written at most once a minute."""

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone
from rest_framework import authentication, exceptions, permissions

from .models import ApiClient

TOKEN_PREFIX = "lika_"
LAST_USED_EVERY = timedelta(minutes=1)


def new_token() -> str:
    """A fresh secret: ``lika_`` and 43 URL-safe characters (256 random bits)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Ogiltigt Authorization-huvud: skriv Bearer och nyckeln.",
                                                  code="invalid_token")
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Okänd nyckel.", code="invalid_token") from None
        client = (ApiClient.objects.select_related("user", "association")
                  .filter(token_sha256=token_hash(token)).first())
        if client is None:
            raise exceptions.AuthenticationFailed("Okänd nyckel.", code="invalid_token")
        if client.revoked_at is not None:
            raise exceptions.AuthenticationFailed("Nyckeln är återkallad.", code="token_revoked")
        now = timezone.now()
        if client.last_used_at is None or now - client.last_used_at >= LAST_USED_EVERY:
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
            client.last_used_at = now
        request.api_client = client
        return client.user, client

    def authenticate_header(self, request):
        return self.keyword


def client_of(request) -> ApiClient:
    return request.auth


class ReadScope(permissions.BasePermission):
    """An authenticated client with the read scope."""

    message = "Systemet saknar behörigheten read (läsa)."
    code = "scope_read_missing"

    def has_permission(self, request, view):
        client = request.auth
        if not isinstance(client, ApiClient):
            raise exceptions.NotAuthenticated("Ange nyckeln: Authorization: Bearer <nyckel>.", code="not_authenticated")
        return client.can_read


class WriteScope(permissions.BasePermission):
    message = "Systemet saknar behörigheten write (skriva)."
    code = "scope_write_missing"

    def has_permission(self, request, view):
        client = request.auth
        if not isinstance(client, ApiClient):
            raise exceptions.NotAuthenticated("Ange nyckeln: Authorization: Bearer <nyckel>.", code="not_authenticated")
        return client.can_write


class GrantEventsScope(ReadScope):
    """A client allowed to follow the grants' decisions and payments (``grant_events``)."""

    message = "Systemet får inte följa bidragens beslut och betalningar (be administratören om behörigheten)."
    code = "scope_grant_events_missing"

    def has_permission(self, request, view):
        return super().has_permission(request, view) and request.auth.grant_events
