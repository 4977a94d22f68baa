"""A hook for the municipality's single sign-on (OpenID Connect); see docs/oidc.md.

Lika is not an OIDC client.  The municipality's OIDC client (a library such as
mozilla-django-oidc, or a reverse proxy) talks to the identity provider and
verifies the ID token's signature, issuer, audience and expiry.  It hands the
verified claims to ``login_from_claims`` (or to Django's ``authenticate(request,
claims=...)``), and ``OIDCClaimsBackend`` maps them to an existing, active Lika
user.  Users are never created from claims: roles and units are given in Lika.
"""

from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.contrib.auth.backends import ModelBackend

from lika.audit.services import LOGIN, access_log_write

from .backends import UnitUserMixin
from .models import User

DEFAULT_USERNAME_CLAIM = "preferred_username"
BACKEND = "lika.accounts.oidc.OIDCClaimsBackend"


def username_claim() -> str:
    return getattr(settings, "LIKA_OIDC_USERNAME_CLAIM", DEFAULT_USERNAME_CLAIM) or DEFAULT_USERNAME_CLAIM


class OIDCClaimsBackend(UnitUserMixin, ModelBackend):
    """Log in an existing active Lika user from verified ID-token claims.

    The claim named by ``LIKA_OIDC_USERNAME_CLAIM`` (default
    ``preferred_username``) must equal the user's Lika username (compared
    case-insensitively; two users differing only in case are refused).  If
    ``LIKA_OIDC_ISSUER`` is set, the ``iss`` claim must equal it.  Unknown,
    inactive users get None; every outcome is in the access log.
    """

    def authenticate(self, request, claims=None):
        if claims is None:
            return None  # not an OIDC login: leave it to the other backends
        reason, value = self._refusal(claims)
        if reason:
            _refused(value, reason)
            return None
        users = list(User.objects.filter(username__iexact=value)[:2])
        if len(users) != 1:
            _refused(value, "okänd användare" if not users else "användarnamnet är tvetydigt")
            return None
        user = users[0]
        if not self.user_can_authenticate(user):
            _refused(value, "kontot är inte aktivt")
            return None
        # Failed password logins do not hold back single sign-on: the identity provider has
        # checked who this is (and throttles its own logins).
        access_log_write(actor=user, action=LOGIN, object_type="user", object_id=user.pk,
                         summary=f"Inloggning via kommunens inloggningstjänst (OIDC, {username_claim()})")
        return user

    @staticmethod
    def _refusal(claims) -> tuple[str, str]:
        """Why the claims cannot name a user ('' if they can), and the username claimed."""
        if not isinstance(claims, Mapping):
            return "inga claims", ""
        value = claims.get(username_claim())
        if not isinstance(value, str) or not value.strip():
            return f"claim {username_claim()} saknas", str(claims.get("sub", ""))
        issuer = getattr(settings, "LIKA_OIDC_ISSUER", "")
        if issuer and claims.get("iss") != issuer:
            return "fel utfärdare (iss)", value.strip()
        return "", value.strip()


def _refused(username: str, reason: str) -> None:
    """A refused single sign-on in the access log.  Not a throttled failure: the identity
    provider has already checked the password."""
    access_log_write(actor=None, action="login_failed", object_type="user", object_id=username[:40],
                     summary=f"Inloggning via OIDC nekades för {username[:100] or 'okänd'}: {reason}")


def login_from_claims(request, claims) -> User | None:
    """Log ``request`` in as the Lika user the verified ``claims`` name; None if refused.

    For the view or middleware that receives the claims from the OIDC client.
    ``OIDCClaimsBackend`` must be in ``AUTHENTICATION_BACKENDS`` (the session
    remembers the backend and Django reloads the user through it).
    """
    user = authenticate(request, claims=claims)
    if user is None:
        return None
    login(request, user)
    return user
