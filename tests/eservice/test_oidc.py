"""The e-legitimation login end to end against a local OpenID provider (oidc_provider.py):
the Django test client talks to Lika, Lika talks real HTTP to the provider on 127.0.0.1,
and the test plays the browser in between.  Authlib checks signature, issuer, audience,
expiry and nonce; every way the provider can misbehave ends on the Swedish failure page,
with no resident session and a login_failed row naming the reason."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client
from django.urls import reverse

from lika.audit.models import AccessLogEntry
from lika.eservice import oidc
from lika.eservice.session import KEY

pytestmark = pytest.mark.django_db

FAILED = "Inloggningen misslyckades"


def start(client: Client, next_url: str = "") -> str:
    """Press "Logga in med e-legitimation": the address of the provider's /authorize."""
    response = client.post(reverse("eservice_oidc_start"), {"next": next_url} if next_url else {})
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def identify(authorize_url: str, personnummer: str) -> str:
    """The resident at the provider: the form "Personnummer", sent; the address it sends
    her back to (Lika's callback with code and state, or an error)."""
    page = requests.get(authorize_url, allow_redirects=False, timeout=5)
    if page.status_code == 302:  # the provider answered at once (access_denied)
        return page.headers["Location"]
    assert page.status_code == 200 and "Personnummer" in page.text
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page.text))
    fields = {k: v.replace("&amp;", "&") for k, v in fields.items()}
    answer = requests.post(urlsplit(authorize_url)._replace(path="/authorize", query="").geturl(),
                           data={**fields, "personnummer": personnummer}, allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    return answer.headers["Location"]


def back(client: Client, callback_url: str):
    """The browser follows the provider's redirect to Lika's callback."""
    parts = urlsplit(callback_url)
    assert parts.path == reverse("eservice_oidc_callback")
    return client.get(f"{parts.path}?{parts.query}")


def login(client, person, next_url=""):
    return back(client, identify(start(client, next_url), person.identity_number))


def failures():
    return list(AccessLogEntry.objects.filter(action="login_failed", object_type="resident").order_by("id"))


def assert_failed(response, status, reason, rows=1):
    html = response.content.decode()
    assert response.status_code == status, (response.status_code, html[:300])
    assert FAILED in html
    assert "Traceback" not in html and "Error" not in html  # nothing technical on the page
    assert KEY not in response.wsgi_request.session
    found = failures()
    assert len(found) == rows and reason in found[-1].summary, [r.summary for r in found]


def test_a_resident_logs_in_with_her_own_e_identification(client, oidc_provider, couple):
    case, woman, man, kids = couple
    authorize = start(client)
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(oidc_provider.issuer + "/authorize")
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    response = back(client, identify(authorize, woman.identity_number))
    assert response.status_code == 302 and response["Location"] == reverse("eservice_home")
    assert client.session[KEY]["pnr"] == woman.identity_number
    assert client.session[KEY]["method"] == "oidc"
    home = client.get(reverse("eservice_home"))
    assert home.status_code == 200 and "Sara Lind" in home.content.decode()
    row = AccessLogEntry.objects.get(action="login", object_type="resident")
    assert row.person_id == woman.pk and "e-legitimation" in row.summary
    assert not failures()
    # the token request was authenticated and carried the PKCE verifier
    request = oidc_provider.token_requests[-1]
    assert request["client_id"] == oidc_provider.client_id and request["form"]["code_verifier"]


def test_the_session_belongs_to_the_person_who_logged_in_last(client, oidc_provider, couple):
    case, woman, man, kids = couple
    login(client, woman)
    login(client, man)
    assert client.session[KEY]["pnr"] == man.identity_number
    assert "Johan Lind" in client.get(reverse("eservice_home")).content.decode()


def test_a_person_unknown_to_lika_gets_a_session_of_her_own(client, oidc_provider):
    class Stranger:
        identity_number = "197001012389"

    assert login(client, Stranger).status_code == 302
    assert client.session[KEY]["pnr"] == "197001012389"
    assert client.session[KEY]["given"] == "Testa"


@pytest.mark.parametrize(("misbehaviour", "status", "reason"), [
    ("wrong_key", 400, "signatur"),
    ("wrong_issuer", 400, "claim: iss"),
    ("wrong_audience", 400, "claim: aud"),
    ("expired", 400, "gått ut"),
    ("wrong_nonce", 400, "claim: nonce"),
    ("no_personnummer", 400, "saknas eller är inget personnummer"),
    ("bad_personnummer", 400, "saknas eller är inget personnummer"),
    ("access_denied", 400, "svarade access_denied"),
    ("down", 502, "tokenutbytet misslyckades"),
])
def test_every_misbehaviour_of_the_provider_ends_without_a_session(client, oidc_provider, couple, misbehaviour,
                                                                  status, reason):
    case, woman, man, kids = couple
    oidc_provider.misbehave = misbehaviour
    response = login(client, woman)
    assert_failed(response, status, reason)
    assert not AccessLogEntry.objects.filter(action="login", object_type="resident").exists()
    assert client.get(reverse("eservice_home")).status_code == 302


def test_a_provider_that_cannot_be_reached_is_a_swedish_page(client, oidc_provider):
    oidc_provider.stop()
    response = client.post(reverse("eservice_oidc_start"))
    assert response.status_code == 503 and FAILED in response.content.decode()
    assert "kunde inte nås" in failures()[0].summary


def test_a_failed_login_does_not_keep_an_earlier_resident_session(client, oidc_provider, couple):
    case, woman, man, kids = couple
    login(client, woman)
    oidc_provider.misbehave = "wrong_key"
    assert login(client, man).status_code == 400
    assert KEY not in client.session
    assert client.get(reverse("eservice_home")).status_code == 302


def test_a_tampered_state_is_refused(client, oidc_provider, couple):
    case, woman, man, kids = couple
    callback = identify(start(client), woman.identity_number)
    tampered = re.sub(r"state=[^&]+", "state=forfalskat", callback)
    assert_failed(back(client, tampered), 400, "state")


def test_a_replayed_callback_is_refused(client, oidc_provider, couple):
    case, woman, man, kids = couple
    callback = identify(start(client), woman.identity_number)
    assert back(client, callback).status_code == 302
    other = Client()  # someone else's browser replays the answer
    assert_failed(back(other, callback), 400, "state")
    client.post(reverse("eservice_logout"))
    response = back(client, callback)  # and the same browser cannot use it again
    assert_failed(response, 400, "state", rows=2)


def test_a_callback_in_another_browser_than_the_one_that_started_is_refused(client, oidc_provider, couple):
    """Login CSRF: an attacker's code and state are worthless in the victim's browser."""
    case, woman, man, kids = couple
    attacker = Client()
    callback = identify(start(attacker), man.identity_number)
    start(client)  # the victim has a login of her own under way
    assert_failed(back(client, callback), 400, "state")


def test_a_code_is_used_once_at_the_provider(client, oidc_provider, couple):
    case, woman, man, kids = couple
    callback = identify(start(client), woman.identity_number)
    code = parse_qs(urlsplit(callback).query)["code"][0]
    assert back(client, callback).status_code == 302
    status, data = oidc_provider.token({"grant_type": "authorization_code", "code": code,
                                        "client_id": oidc_provider.client_id,
                                        "client_secret": oidc_provider.client_secret}, "")
    assert status == 400 and data["error"] == "invalid_grant"


@pytest.mark.parametrize("target", [
    "https://example.org/e-tjanst/", "//example.org/e-tjanst/", "/e-tjanst/../admin/", "/e-tjanst/%2e%2e/admin/",
    "/e-tjanst/..%2fadmin/", "/e-tjanst/\\\\example.org/", "/admin/", "/e-tjanst//example.org/",
    "javascript:alert(1)",
])
def test_next_cannot_lead_outside_the_e_service(client, oidc_provider, couple, target):
    case, woman, man, kids = couple
    response = login(client, woman, next_url=target)
    assert response.status_code == 302 and response["Location"] == reverse("eservice_home")


def test_next_leads_back_to_the_page_she_wanted(client, oidc_provider, couple):
    case, woman, man, kids = couple
    response = login(client, woman, next_url="/e-tjanst/mina-sidor/")
    assert response["Location"] == "/e-tjanst/mina-sidor/"


def test_the_login_page_lets_the_form_reach_the_provider(client, oidc_provider):
    """The login form posts to Lika, which redirects to the provider: the page's CSP
    form-action must allow the provider's origin (Chromium checks redirects)."""
    response = client.get(reverse("eservice_login"))
    policy = response["Content-Security-Policy"]
    form_action = re.search(r"form-action ([^;]+)", policy).group(1)
    assert oidc_provider.issuer in form_action.split()


def test_without_configuration_there_is_no_e_identification(client, settings):
    settings.LIKA_ESERVICE_OIDC_DISCOVERY_URL = ""
    oidc._clients.clear()
    assert client.post(reverse("eservice_oidc_start")).status_code == 404
    assert client.get(reverse("eservice_oidc_callback")).status_code == 404


def test_the_login_page_renders_while_the_provider_is_down(client, oidc_provider):
    oidc_provider.stop()
    oidc._metadata_failed.clear()
    response = client.get(reverse("eservice_login"))
    assert response.status_code == 200 and "Logga in med e-legitimation" in response.content.decode()
    assert oidc_provider.issuer in response["Content-Security-Policy"]
    assert oidc_provider.discovery_url in oidc._metadata_failed  # not asked again for a minute
