"""A small local OpenID provider for the tests: the municipality's e-legitimation broker
in miniature, started by the test suite itself (a threaded http.server on 127.0.0.1).

- ``/.well-known/openid-configuration``: the discovery document;
- ``/authorize``: a tiny HTML form "Personnummer" standing in for the BankID step; its
  answer redirects back to the client's redirect URI with a code (or, misbehaving, with
  ``error=access_denied``);
- ``/token``: checks the client's id and secret (Basic or in the form), the redirect URI,
  the code (single use) and PKCE S256, and answers with an ID token signed RS256;
- ``/jwks``: the public key.

This is test code: it signs tokens with joserfc.  Lika itself never validates a token by
hand (Authlib does, lika/eservice/oidc.py).  ``provider.misbehave = "..."`` switches one
misbehaviour on (see ``MISBEHAVIOURS``)."""

import base64
import contextlib
import hashlib
import html
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote_plus, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

PERSONNUMMER_CLAIM = "https://id.oidc.se/claim/personalIdentityNumber"
SCOPE = "openid https://id.oidc.se/scope/naturalPersonNumber"
KID = "broker-2026"

MISBEHAVIOURS = {
    "wrong_key": "signs the ID token with another key under the same kid",
    "wrong_issuer": "names another issuer in the ID token",
    "wrong_audience": "issues the ID token to another client (azp still ours)",
    "expired": "an ID token that expired ten minutes ago (beyond the 30 s leeway)",
    "wrong_nonce": "puts another nonce in the ID token",
    "no_personnummer": "leaves the personnummer claim out",
    "bad_personnummer": "gives a personnummer with a wrong check digit",
    "access_denied": "/authorize answers error=access_denied (the resident cancelled)",
    "down": "the token endpoint refuses (503)",
}

_keys: dict[str, RSAKey] = {}


@contextlib.contextmanager
def running(settings):
    """A provider on a free port of 127.0.0.1, and Lika's e-legitimation settings (the
    pytest-django ``settings`` fixture) pointing at it, for the time of the block."""
    from lika.eservice import oidc

    provider = Provider().start()
    settings.LIKA_ESERVICE_OIDC_DISCOVERY_URL = provider.discovery_url
    settings.LIKA_ESERVICE_OIDC_CLIENT_ID = provider.client_id
    settings.LIKA_ESERVICE_OIDC_CLIENT_SECRET = provider.client_secret
    settings.LIKA_ESERVICE_OIDC_PERSONNUMMER_CLAIM = PERSONNUMMER_CLAIM
    settings.LIKA_ESERVICE_OIDC_SCOPE = SCOPE
    oidc._clients.clear()  # the client is cached per settings; a new port is a new key anyway
    try:
        yield provider
    finally:
        provider.stop()
        oidc._clients.clear()


def _key(name: str) -> RSAKey:
    """RSA keys made once per test run (2048 bits take a moment)."""
    if name not in _keys:
        _keys[name] = RSAKey.generate_key(2048, parameters={"kid": KID, "use": "sig", "alg": "RS256"}, private=True)
    return _keys[name]


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Provider:
    """The provider and its state (issued codes, what the last token request looked like)."""

    def __init__(self, client_id="lika-e-tjanst", client_secret="hemlig-nyckel-for-test"):
        self.client_id = client_id
        self.client_secret = client_secret
        self.misbehave: str | None = None
        # personnummer -> (given name, family name) as the e-identification gives them
        self.names: dict[str, tuple[str, str]] = {}
        self.codes: dict[str, dict] = {}
        self.token_requests: list[dict] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="oidc-provider", daemon=True)
        self.stopped = False

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def start(self) -> "Provider":
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    # --- what the endpoints answer -------------------------------------------------------

    def metadata(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": SCOPE.split(),
            "claims_supported": ["sub", "name", "given_name", "family_name", PERSONNUMMER_CLAIM],
        }

    def jwks(self) -> dict:
        return {"keys": [_key("good").as_dict(private=False)]}

    def issue_code(self, params: dict, personnummer: str) -> str:
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = {**params, "personnummer": personnummer}
        return code

    def id_token(self, grant: dict) -> str:
        now = int(time.time())
        given, family = self.names.get(grant["personnummer"].replace("-", ""), ("Testa", "Testsson"))
        claims = {
            "iss": self.issuer, "sub": hashlib.sha256(grant["personnummer"].encode()).hexdigest()[:32],
            "aud": self.client_id, "azp": self.client_id, "iat": now, "exp": now + 300, "auth_time": now,
            "nonce": grant.get("nonce", ""), PERSONNUMMER_CLAIM: grant["personnummer"],
            "given_name": given, "family_name": family, "name": f"{given} {family}",
        }
        key = _key("good")
        if self.misbehave == "wrong_key":
            key = _key("wrong")
        elif self.misbehave == "wrong_issuer":
            claims["iss"] = "http://127.0.0.1:1/annan-utfardare"
        elif self.misbehave == "wrong_audience":
            claims["aud"] = "en-annan-tjanst"
        elif self.misbehave == "expired":
            claims["iat"], claims["auth_time"], claims["exp"] = now - 900, now - 900, now - 600
        elif self.misbehave == "wrong_nonce":
            claims["nonce"] = secrets.token_urlsafe(16)
        elif self.misbehave == "no_personnummer":
            del claims[PERSONNUMMER_CLAIM]
        elif self.misbehave == "bad_personnummer":
            claims[PERSONNUMMER_CLAIM] = grant["personnummer"][:-1] + str((int(grant["personnummer"][-1]) + 1) % 10)
        return jwt.encode({"alg": "RS256", "kid": KID, "typ": "JWT"}, claims, key)

    def token(self, form: dict, authorization: str) -> tuple[int, dict]:
        """The token endpoint's answer (status, JSON)."""
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if authorization.startswith("Basic "):
            client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
            client_id, secret = unquote_plus(client_id), unquote_plus(secret)
        self.token_requests.append({"client_id": client_id, "form": form})
        if client_id != self.client_id or not secrets.compare_digest(secret, self.client_secret):
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        with self.lock:
            grant = self.codes.pop(form.get("code", ""), None)  # single use
        if grant is None:
            return 400, {"error": "invalid_grant", "error_description": "unknown or used code"}
        if grant["client_id"] != client_id or grant["redirect_uri"] != form.get("redirect_uri"):
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri does not match"}
        verifier = form.get("code_verifier", "")
        if grant.get("code_challenge_method") != "S256" or not verifier or \
                _b64url(hashlib.sha256(verifier.encode()).digest()) != grant.get("code_challenge"):
            return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
        return 200, {"access_token": secrets.token_urlsafe(24), "token_type": "Bearer", "expires_in": 300,
                     "scope": grant.get("scope", ""), "id_token": self.id_token(grant)}


FORM = """<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Test-BankID</title></head>
<body><main><h1>Test-BankID (lokal testleverantör)</h1>
<form method="post" action="/authorize">{hidden}
<label for="pnr">Personnummer</label> <input id="pnr" name="personnummer" autocomplete="off">
<button type="submit">Legitimera</button></form></main></body></html>"""

AUTHORIZE_PARAMS = ("response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "code_challenge",
                    "code_challenge_method")


def _handler(provider: Provider):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # quiet
            pass

        def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, data: dict):
            self._send(status, json.dumps(data).encode(), "application/json")

        def _redirect(self, uri: str, params: dict):
            self._send(302, b"", "text/plain", {"Location": f"{uri}{'&' if '?' in uri else '?'}{urlencode(params)}"})

        def _form(self) -> dict:
            length = int(self.headers.get("Content-Length") or 0)
            return {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}

        def do_GET(self):
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                return self._json(200, provider.metadata())
            if url.path == "/jwks":
                return self._json(200, provider.jwks())
            if url.path == "/authorize":
                if query.get("client_id") != provider.client_id or query.get("response_type") != "code" \
                        or not query.get("redirect_uri"):
                    return self._send(400, b"bad authorization request", "text/plain")
                if provider.misbehave == "access_denied":
                    return self._redirect(query["redirect_uri"], {"error": "access_denied",
                                                                  "state": query.get("state", "")})
                hidden = "".join(f'<input type="hidden" name="{name}" value="{html.escape(query.get(name, ""))}">'
                                 for name in AUTHORIZE_PARAMS)
                return self._send(200, FORM.format(hidden=hidden).encode(), "text/html; charset=utf-8")
            return self._send(404, b"not found", "text/plain")

        def do_POST(self):
            url = urlsplit(self.path)
            form = self._form()
            if url.path == "/authorize":
                params = {name: form.get(name, "") for name in AUTHORIZE_PARAMS}
                number = "".join(ch for ch in form.get("personnummer", "") if ch.isdigit())
                code = provider.issue_code(params, number)
                return self._redirect(params["redirect_uri"], {"code": code, "state": params["state"]})
            if url.path == "/token":
                if provider.misbehave == "down":
                    return self._send(503, b"<html><body>Service Unavailable</body></html>", "text/html")
                status, data = provider.token(form, self.headers.get("Authorization", ""))
                return self._json(status, data)
            return self._send(404, b"not found", "text/plain")

    return Handler
