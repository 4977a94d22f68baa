"""Login: argon2 passwords, lock after repeated failures, login events in the access log."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from lika.accounts.models import FailedLogin
from lika.audit.models import AccessLogEntry
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.argon2]


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def logged_in(client):
    return "_auth_user_id" in client.session


def test_a_correct_login_is_logged_and_clears_earlier_failures(client, alice):
    login(client, "alice", "fel")
    assert FailedLogin.objects.count() == 1
    assert login(client, "alice", PASSWORD).status_code == 302
    assert logged_in(client)
    assert FailedLogin.objects.count() == 0
    assert AccessLogEntry.objects.filter(actor=alice, action="login").count() == 1
    assert AccessLogEntry.objects.filter(action="login_failed", object_id="alice").count() == 1


def test_the_account_is_locked_after_repeated_failures_even_for_the_right_password(client, alice):
    for _ in range(settings.LIKA_LOGIN_MAX_FAILURES):
        response = login(client, "alice", "fel-lösenord")
        assert "Användarnamnet eller lösenordet är fel." in response.content.decode()
    response = login(client, "ALICE", PASSWORD)
    assert response.status_code == 200
    assert not logged_in(client)
    assert "Kontot är låst till klockan" in response.content.decode()


def test_one_failure_less_than_the_limit_does_not_lock(client, alice):
    for _ in range(settings.LIKA_LOGIN_MAX_FAILURES - 1):
        login(client, "alice", "fel")
    assert login(client, "alice", PASSWORD).status_code == 302


def test_failures_older_than_the_lockout_time_do_not_count(client, alice):
    old = timezone.now() - timedelta(seconds=settings.LIKA_LOGIN_LOCKOUT_SECONDS + 1)
    FailedLogin.objects.bulk_create(
        [FailedLogin(username="alice", at=old) for _ in range(settings.LIKA_LOGIN_MAX_FAILURES)])
    assert login(client, "alice", PASSWORD).status_code == 302


def test_empty_fields_get_a_swedish_message(client, alice):
    response = login(client, "", "")
    assert "Ange både användarnamn och lösenord." in response.content.decode()
    assert FailedLogin.objects.count() == 0


def _expiry(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_sessions_end_after_the_idle_timeout_counted_from_the_last_request(client, alice, monkeypatch):
    from django.contrib.sessions.models import Session

    from lika.web import middleware

    assert settings.SESSION_COOKIE_AGE == 1800 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    login(client, "alice", PASSWORD)
    assert client.get("/").status_code == 200
    first = _expiry(client)
    assert timedelta(seconds=1790) < first - timezone.now() <= timedelta(seconds=1800)
    started = middleware.time.time()
    monkeypatch.setattr(middleware.time, "time", lambda: started + 30)
    client.get("/")
    assert _expiry(client) == first  # within the minute: no write
    monkeypatch.setattr(middleware.time, "time", lambda: started + 61)
    client.get("/")
    assert _expiry(client) > first  # a minute on: the expiry moves with the request
    # idle past the timeout: the session is gone and the next request asks for a login
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_an_anonymous_visit_writes_no_session(client):
    from django.contrib.sessions.models import Session

    client.get(reverse("login"))
    assert Session.objects.count() == 0
