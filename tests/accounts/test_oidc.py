"""The OIDC hook: verified claims log in an existing, active Lika user, or nobody."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY, authenticate
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone

from lika.accounts.models import LoginThrottle
from lika.accounts.oidc import BACKEND, OIDCClaimsBackend, login_from_claims
from lika.accounts.throttle import login_failed
from lika.audit.models import AccessLogEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ISSUER = "https://login.exempelby.se/realms/kommun"


def claims(**extra):
    return {"iss": ISSUER, "sub": "0b6c1f4e", "aud": "lika", **extra}


@pytest.fixture
def backend():
    return OIDCClaimsBackend()


@pytest.fixture
def request_(client):
    """A request with a session, as a view receives it."""
    request = RequestFactory().get("/oidc/callback/")
    request.session = client.session
    request.user = AnonymousUser()
    return request


@pytest.fixture
def oidc_settings(settings):
    settings.AUTHENTICATION_BACKENDS = [BACKEND, "django.contrib.auth.backends.ModelBackend"]
    return settings


def logins(user):
    return AccessLogEntry.objects.filter(actor=user, action="login")


def refusals():
    return AccessLogEntry.objects.filter(action="login_failed")


def test_a_known_user_is_returned_and_the_login_logged(backend, alice):
    assert backend.authenticate(None, claims=claims(preferred_username="alice")) == alice
    row = logins(alice).get()
    assert (row.object_type, row.object_id) == ("user", str(alice.pk))
    assert "OIDC" in row.summary


def test_the_username_is_matched_case_insensitively(backend, alice):
    assert backend.authenticate(None, claims=claims(preferred_username=" Alice ")) == alice


def test_an_unknown_user_is_refused_and_not_created(backend, alice):
    from lika.accounts.models import User

    assert backend.authenticate(None, claims=claims(preferred_username="mallory")) is None
    assert not User.objects.filter(username="mallory").exists()
    assert "mallory" in refusals().get().summary


def test_an_inactive_user_is_refused(backend, alice):
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert backend.authenticate(None, claims=claims(preferred_username="alice")) is None
    assert not logins(alice).exists()
    assert "inte aktivt" in refusals().get().summary


def test_password_failures_do_not_hold_back_single_sign_on(backend, alice):
    """Someone guessing alice's password does not keep her out: the identity provider has
    checked her (the throttle is per source address for the password form only)."""
    for _ in range(django_settings.LIKA_LOGIN_MAX_FAILURES + 3):
        login_failed(username="alice", source="192.0.2.7", now=timezone.now())
    assert backend.authenticate(None, claims=claims(preferred_username="alice")) == alice


def test_a_refusal_does_not_count_as_a_failed_password(backend, alice):
    for _ in range(django_settings.LIKA_LOGIN_MAX_FAILURES + 1):
        backend.authenticate(None, claims=claims(preferred_username="nobody"))
    assert not LoginThrottle.objects.exists()


@pytest.mark.parametrize("bad", [
    claims(),  # no preferred_username
    claims(preferred_username=""),
    claims(preferred_username="   "),
    claims(preferred_username=None),
    claims(preferred_username=["alice"]),
    "alice",  # not a mapping at all
])
def test_a_missing_or_malformed_claim_is_refused(backend, alice, bad):
    assert backend.authenticate(None, claims=bad) is None
    assert not logins(alice).exists()
    assert refusals().count() == 1


def test_no_claims_leaves_it_to_other_backends(backend, alice):
    before = AccessLogEntry.objects.count()
    assert backend.authenticate(None) is None
    assert AccessLogEntry.objects.count() == before


def test_the_claim_is_configurable(backend, alice, settings):
    settings.LIKA_OIDC_USERNAME_CLAIM = "upn"
    assert backend.authenticate(None, claims=claims(preferred_username="alice")) is None
    assert backend.authenticate(None, claims=claims(upn="alice", preferred_username="bob")) == alice


def test_the_issuer_is_checked_when_configured(backend, alice, settings):
    settings.LIKA_OIDC_ISSUER = ISSUER
    assert backend.authenticate(None, claims=claims(preferred_username="alice")) == alice
    other = claims(preferred_username="alice", iss="https://evil.example")
    assert backend.authenticate(None, claims=other) is None


def test_usernames_differing_only_in_case_are_ambiguous_and_refused(backend, alice):
    from lika.accounts.models import User

    User.objects.create_user(username="Alice", password=PASSWORD, role="case_worker", unit=alice.unit)
    assert backend.authenticate(None, claims=claims(preferred_username="alice")) is None


def test_get_user_returns_active_users_only(backend, alice):
    assert backend.get_user(alice.pk) == alice
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert backend.get_user(alice.pk) is None
    assert backend.get_user(999_999) is None


def test_password_logins_do_not_reach_the_backend(oidc_settings, alice):
    """Django skips a backend whose authenticate() does not take the credentials given."""
    assert authenticate(None, username="alice", password=PASSWORD) == alice
    assert authenticate(None, username="alice", password="fel") is None
    assert not AccessLogEntry.objects.filter(summary__contains="OIDC").exists()


def test_login_from_claims_logs_the_request_in(oidc_settings, request_, alice):
    user = login_from_claims(request_, claims(preferred_username="alice"))
    assert user == alice
    assert request_.session[SESSION_KEY] == str(alice.pk)
    assert request_.user == alice
    assert logins(alice).count() == 1


def test_login_from_claims_refuses_an_unknown_user(oidc_settings, request_, alice):
    assert login_from_claims(request_, claims(preferred_username="mallory")) is None
    assert SESSION_KEY not in request_.session


def test_the_session_survives_the_next_request(oidc_settings, client, alice):
    """The session names the backend; Django reloads the user through it."""
    request = RequestFactory().get("/")
    request.session = client.session
    login_from_claims(request, claims(preferred_username="alice"))
    request.session.save()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = request.session.session_key
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["user"] == alice
