"""Login with the municipality's e-legitimation broker (BankID, Freja) by OpenID Connect.

Lika does not validate tokens itself: Authlib's Django client does the authorization-code
flow with PKCE and checks the ID token's signature (the provider's published keys), issuer,
audience, expiry, issued-at and nonce.  Lika reads the personnummer from the verified
claims (``LIKA_ESERVICE_OIDC_PERSONNUMMER_CLAIM``), checks it is a valid personnummer or
samordningsnummer, and starts a resident's session for that one person.  Any failure is
a Swedish page with no session; the reason is in the access log (docs/eservice.md)."""

import logging

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from joserfc.errors import JoseError
from requests import RequestException

from lika.audit.services import access_log_write
from lika.identity.personnummer import IdentityNumberError, parse_identity_number

from .actor import eservice_actor
from .session import METHOD_OIDC, resident_login

log = logging.getLogger(__name__)

NEXT_KEY = "lika_resident_next"
LEEWAY_SECONDS = 30  # clock skew allowed on exp and iat
_clients: dict = {}


def client():
    """The OIDC client for the configured provider (its metadata and keys cached)."""
    url = settings.LIKA_ESERVICE_OIDC_DISCOVERY_URL
    if not url:
        raise Http404
    key = (url, settings.LIKA_ESERVICE_OIDC_CLIENT_ID, settings.LIKA_ESERVICE_OIDC_CLIENT_SECRET,
           settings.LIKA_ESERVICE_OIDC_SCOPE)
    if key not in _clients:
        oauth = OAuth()
        _clients[key] = oauth.register(
            name="eid", client_id=key[1], client_secret=key[2], server_metadata_url=url,
            client_kwargs={"scope": key[3], "code_challenge_method": "S256", "timeout": 10})
    return _clients[key]


@require_POST
def start(request):
    """Send the resident to the identity provider (state, nonce and PKCE kept in the session)."""
    from .views import safe_next

    request.session[NEXT_KEY] = safe_next(request, "")
    try:
        return client().authorize_redirect(request, request.build_absolute_uri(reverse("eservice_oidc_callback")))
    except (AuthlibBaseError, RequestException, ValueError, KeyError) as error:
        log.warning("e-legitimation: kunde inte nå identitetsutfärdaren: %s", error)
        return _failed(request, "identitetsutfärdaren kunde inte nås", status=503)


def _failed(request, reason: str, status: int = 400):
    access_log_write(actor=eservice_actor(), action="login_failed", object_type="resident",
                     summary=f"Inloggning i e-tjänsten med e-legitimation nekades: {reason}"[:300])
    return render(request, "eservice/login_failed.html", status=status)


@require_GET
def callback(request):
    """The provider's answer: exchange the code, let Authlib verify the ID token, then log in."""
    target = request.session.get(NEXT_KEY) or "eservice_home"
    try:
        token = client().authorize_access_token(request, leeway=LEEWAY_SECONDS)
    except (AuthlibBaseError, JoseError) as error:
        return _failed(request, f"ogiltigt svar eller ID-token ({type(error).__name__}: {error})")
    except (RequestException, ValueError, KeyError, TypeError) as error:
        return _failed(request, f"tokenutbytet misslyckades ({type(error).__name__})", status=502)
    claims = token.get("userinfo")
    if not claims:
        return _failed(request, "svaret saknade ID-token")
    claim = settings.LIKA_ESERVICE_OIDC_PERSONNUMMER_CLAIM
    try:
        number = parse_identity_number(str(claims.get(claim) or ""), today=timezone.localdate()).number
    except IdentityNumberError:
        return _failed(request, f"claim {claim} saknas eller är inget personnummer")
    resident_login(request, identity_number=number, method=METHOD_OIDC,
                   given_name=str(claims.get("given_name") or ""), family_name=str(claims.get("family_name") or ""))
    return redirect(target)
