"""Login with the municipality's e-legitimation broker (BankID, Freja) by OpenID Connect.

Lika does not validate tokens itself: Authlib's Django client does the authorization-code
flow with PKCE (S256) and checks the ID token's signature (the provider's published keys),
issuer, audience, expiry, issued-at and nonce.  Lika only tells it what to expect: the
issuer is the one the discovery address names (OpenID Connect Discovery 1.0, section 4.3),
the audience is Lika's client id (Authlib checks ``aud`` only when asked to).  Lika reads
the personnummer from the verified claims (``LIKA_ESERVICE_OIDC_PERSONNUMMER_CLAIM``),
checks it is a valid personnummer or samordningsnummer, and starts a resident's session for
that one person.  Any failure is a Swedish page with no session and no technical detail;
the reason is in the access log (``login_failed``) and the server log (docs/eservice-login.md)."""

import logging
import re
import time
from urllib.parse import urlsplit

from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from joserfc.errors import BadSignatureError, ClaimError, ExpiredTokenError, JoseError
from requests import RequestException

from lika.audit.services import access_log_write
from lika.identity.personnummer import IdentityNumberError, parse_identity_number

from .actor import eservice_actor
from .session import KEY, METHOD_OIDC, resident_login

log = logging.getLogger(__name__)

NEXT_KEY = "lika_resident_next"
LEEWAY_SECONDS = 30  # clock skew allowed on exp and iat
DISCOVERY_SUFFIX = "/.well-known/openid-configuration"
# Where the resident may be sent back after the login: a plain path inside the e-service
# (no dot segments, no percent-escapes, no backslashes, no second slash), with an optional
# plain query.  Anything else goes to "Mina sidor".
SAFE_NEXT = re.compile(r"/e-tjanst/(?:[a-z0-9_-]+/)*(?:\?[A-Za-z0-9_=&-]*)?")
METADATA_RETRY_SECONDS = 60
_clients: dict = {}
_metadata_failed: dict[str, float] = {}  # discovery address -> when reading it last failed


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


def expected_issuer(eid) -> str:
    """The issuer the ID token must name: the discovery address without its well-known
    suffix (the provider's metadata must name the same one), else the metadata's."""
    url = settings.LIKA_ESERVICE_OIDC_DISCOVERY_URL
    if url.endswith(DISCOVERY_SUFFIX):
        return url[: -len(DISCOVERY_SUFFIX)]
    return eid.load_server_metadata().get("issuer", "")


def claims_options(eid) -> dict:
    """What Authlib checks in the ID token beyond signature, expiry, iat and nonce."""
    return {"iss": {"essential": True, "value": expected_issuer(eid)},
            "aud": {"essential": True, "value": settings.LIKA_ESERVICE_OIDC_CLIENT_ID}}


def safe_target(target: str) -> str:
    return target if SAFE_NEXT.fullmatch(target or "") else ""


def _origin(url: str) -> str:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def authorization_origin() -> str:
    """The origin of the provider's authorization endpoint (for the login page's CSP
    ``form-action``: the login form posts to Lika, which redirects there).  The metadata
    is read once and kept; while the provider cannot be reached, the public login page
    does not wait for it more than once a minute (the discovery address's origin is used)."""
    url = settings.LIKA_ESERVICE_OIDC_DISCOVERY_URL
    if not url:
        return ""
    eid = client()
    if not eid.server_metadata.get("authorization_endpoint") and \
            time.monotonic() - _metadata_failed.get(url, -METADATA_RETRY_SECONDS) >= METADATA_RETRY_SECONDS:
        try:
            eid.load_server_metadata()
        except Exception as error:  # noqa: BLE001 - the page still renders; the login will say what failed
            _metadata_failed[url] = time.monotonic()
            log.warning("e-legitimation: metadata kunde inte läsas: %s", type(error).__name__)
    return _origin(eid.server_metadata.get("authorization_endpoint")) or _origin(url)


def allow_form_action(response):
    """The login page's form posts to Lika, which redirects to the provider's authorization
    endpoint; Chromium checks that redirect against the page's CSP ``form-action``, so the
    provider's origin is added to it (on this page only)."""
    origin = authorization_origin()
    if origin:
        response._csp_update = {"form-action": [origin]}
    return response


@require_POST
def start(request):
    """Send the resident to the identity provider (state, nonce and PKCE kept in the session).
    Whoever was logged in as a resident in this browser is not any more."""
    from .views import safe_next

    request.session.pop(KEY, None)
    request.session[NEXT_KEY] = safe_target(safe_next(request, ""))
    try:
        return client().authorize_redirect(request, request.build_absolute_uri(reverse("eservice_oidc_callback")))
    except Http404:
        raise
    except Exception as error:  # noqa: BLE001 - the provider is outside Lika: whatever it does, a Swedish page
        log.warning("e-legitimation: kunde inte nå identitetsutfärdaren: %s: %s", type(error).__name__, error)
        return _failed(request, f"identitetsutfärdaren kunde inte nås ({type(error).__name__})", status=503)


def _failed(request, reason: str, status: int = 400):
    access_log_write(actor=eservice_actor(), action="login_failed", object_type="resident",
                     summary=f"Inloggning i e-tjänsten med e-legitimation nekades: {reason}"[:300])
    return render(request, "eservice/login_failed.html", status=status)


def _reason(error: Exception) -> str:
    """Why the provider's answer was refused, for the access log (never shown)."""
    if isinstance(error, MismatchingStateError):
        return "state saknas eller stämmer inte (svaret är manipulerat, återanvänt eller sessionen bytt)"
    if isinstance(error, OAuthError):
        return f"identitetsutfärdaren svarade {str(error.error)[:40]}"
    if isinstance(error, BadSignatureError):
        return "ID-tokens signatur stämmer inte med utfärdarens nycklar"
    if isinstance(error, ExpiredTokenError):
        return "ID-token har gått ut (exp)"
    if isinstance(error, ClaimError):
        return f"ID-token har ett ogiltigt eller saknat claim: {str(error.claim)[:40]}"
    if isinstance(error, JoseError):
        return f"ID-token kunde inte verifieras ({type(error).__name__})"
    return f"ogiltigt svar ({type(error).__name__})"


@require_GET
def callback(request):
    """The provider's answer: exchange the code, let Authlib verify the ID token, then log in."""
    target = safe_target(request.session.get(NEXT_KEY) or "") or "eservice_home"
    try:
        eid = client()
        token = eid.authorize_access_token(request, leeway=LEEWAY_SECONDS, claims_options=claims_options(eid))
    except Http404:
        raise
    except (OAuthError, JoseError) as error:
        return _failed(request, _reason(error))
    except RequestException as error:
        log.warning("e-legitimation: tokenutbytet misslyckades: %s", type(error).__name__)
        return _failed(request, f"tokenutbytet misslyckades ({type(error).__name__})", status=502)
    except Exception as error:  # noqa: BLE001 - the provider is outside Lika: whatever it sends, a Swedish page
        log.warning("e-legitimation: oväntat svar: %s: %s", type(error).__name__, error)
        return _failed(request, f"oväntat svar från identitetsutfärdaren ({type(error).__name__})", status=502)
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
