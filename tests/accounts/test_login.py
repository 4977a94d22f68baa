"""Login: argon2 passwords, throttling per account and source address (never a lock that
a colleague could set off), login events in the access log."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from lika.accounts import forms as login_forms
from lika.accounts.models import LoginThrottle
from lika.accounts.throttle import (
    DEVICE_COOKIE,
    client_source,
    login_delay_seconds,
    login_failed,
    username_hmac,
)
from lika.audit.models import AccessLogEntry
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.argon2]

HOME, OFFICE = "198.51.100.23", "203.0.113.5"


def login(client, username, password, address=HOME):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client):
    return "_auth_user_id" in client.session


class Clock:
    """The login form's clock, moved by hand (no sleeping)."""

    def __init__(self):
        self.at = timezone.now()

    def now(self):
        return self.at

    def advance(self, seconds):
        self.at += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(login_forms, "timezone", clock)
    return clock


def test_a_correct_login_is_logged_and_clears_earlier_failures(client, alice):
    login(client, "alice", "fel")
    row = LoginThrottle.objects.get()
    assert (row.user, row.username_hmac, row.source, row.failures) == (alice, "", HOME, 1)
    assert login(client, "alice", PASSWORD).status_code == 302
    assert logged_in(client)
    assert LoginThrottle.objects.count() == 0
    assert AccessLogEntry.objects.filter(actor=alice, action="login").count() == 1
    failed = AccessLogEntry.objects.get(action="login_failed")
    assert failed.object_id == str(alice.pk) and HOME in failed.summary


@pytest.mark.parametrize(("failures", "free", "longest", "seconds"), [
    (0, 5, 900, 0), (1, 5, 900, 0), (4, 5, 900, 0),      # the free failures: no wait
    (5, 5, 900, 2), (6, 5, 900, 4), (7, 5, 900, 8),      # then 2**k for the k-th beyond them
    (8, 5, 900, 16), (13, 5, 900, 512), (14, 5, 900, 900),  # 1024 s capped at the longest
    (10_000, 5, 900, 900), (10**9, 5, 900, 900),         # the counter may grow, the delay not
    (1, 0, 900, 4), (1, 1, 900, 2), (3, 3, 60, 2), (9, 3, 60, 60),
])
def test_the_delay_rule(failures, free, longest, seconds):
    assert login_delay_seconds(failures, free=free, longest=longest) == seconds


def test_after_the_free_failures_the_address_waits_doubling_delays(client, alice, clock):
    free = settings.LIKA_LOGIN_MAX_FAILURES
    for _ in range(free):
        assert "Användarnamnet eller lösenordet är fel." in login(client, "alice", "fel").content.decode()
    # Now this address waits 2 s, even with the right password, which is not looked at.
    response = login(client, "alice", PASSWORD)
    assert not logged_in(client) and "Vänta 2 sekunder" in response.content.decode()
    assert LoginThrottle.objects.get().failures == free, "a refused try does not count"
    clock.advance(2)
    assert "lösenordet är fel" in login(client, "alice", "fel igen").content.decode()
    assert "Vänta 4 sekunder" in login(client, "alice", PASSWORD).content.decode()
    clock.advance(3)
    assert "Vänta 1 sekund och" in login(client, "alice", PASSWORD).content.decode()
    clock.advance(1)
    assert login(client, "alice", PASSWORD).status_code == 302 and logged_in(client)
    assert not LoginThrottle.objects.exists()


def test_a_colleagues_failures_from_another_address_never_block_the_right_password(client, alice, bob, clock):
    """Bob cannot lock alice out: his guesses from the office slow down only the office."""
    for _ in range(50):
        login(client, "alice", "gissning", address=OFFICE)
    assert "Vänta" in login(client, "alice", PASSWORD, address=OFFICE).content.decode()
    assert login(client, "alice", PASSWORD, address=HOME).status_code == 302
    assert logged_in(client)
    # and the office is still held back on alice's account, but not on bob's
    client.logout()
    assert "Vänta" in login(client, "alice", PASSWORD, address=OFFICE).content.decode()
    assert login(client, "bob", PASSWORD, address=OFFICE).status_code == 302


def test_in_a_shared_office_a_colleague_cannot_slow_down_a_browser_that_has_logged_in(client, alice, bob):
    """Behind one office address (NAT): alice's browser has logged in before, so its tries
    count under its device cookie, not under the address bob guesses from."""
    assert login(client, "alice", PASSWORD, address=OFFICE).status_code == 302
    assert client.cookies[DEVICE_COOKIE]["httponly"]
    client.post(reverse("logout"))  # the page's logout (the test client's logout() drops every cookie)
    colleague = Client()
    for _ in range(50):
        login(colleague, "alice", "gissning", address=OFFICE)
    assert "Vänta" in login(colleague, "alice", PASSWORD, address=OFFICE).content.decode()
    assert login(client, "alice", PASSWORD, address=OFFICE).status_code == 302 and logged_in(client)


def test_a_device_cookie_counts_only_for_its_own_account_and_only_when_signed(client, alice, bob):
    """Bob's browser (a device of bob's account) guessing alice's password counts under the
    address; a cookie that Lika did not sign is no device."""
    assert login(client, "bob", PASSWORD, address=OFFICE).status_code == 302
    client.post(reverse("logout"))
    for _ in range(settings.LIKA_LOGIN_MAX_FAILURES):
        login(client, "alice", "gissning", address=OFFICE)
    assert set(LoginThrottle.objects.values_list("source", flat=True)) == {OFFICE}
    forged = Client()
    forged.cookies[DEVICE_COOKIE] = client.cookies[DEVICE_COOKIE].value.replace(":", ":x", 1)
    assert "Vänta" in login(forged, "alice", PASSWORD, address=OFFICE).content.decode()


def test_failures_older_than_the_window_are_forgotten(client, alice, clock):
    for _ in range(settings.LIKA_LOGIN_MAX_FAILURES + 3):
        login(client, "alice", "fel")
    clock.advance(settings.LIKA_LOGIN_LOCKOUT_SECONDS + 1)
    assert login(client, "alice", PASSWORD).status_code == 302


def test_a_typed_name_that_is_no_user_is_kept_only_as_a_keyed_hash(client, alice):
    typed = "alice-Hemligt-Lösenord-123"  # e.g. a password typed into the name field
    login(client, typed, "fel")
    row = LoginThrottle.objects.get()
    assert row.user is None and row.username_hmac == username_hmac(typed) and len(row.username_hmac) == 64
    stored = [str(value) for value in LoginThrottle.objects.values_list().get()]
    stored += [str(value) for entry in AccessLogEntry.objects.values_list() for value in entry]
    assert not any("Hemligt" in value for value in stored)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings, "SECRET_KEY", "en annan nyckel " * 4)
        assert username_hmac(typed) != row.username_hmac, "keyed: not a plain hash anyone can recompute"


def test_failed_login_rows_stay_bounded_under_thousands_of_failures(alice, settings):
    """One row per (account, address), and rows older than the window deleted: 3 000
    failures, half on alice's account from one address, half with a new guessed name from
    200 addresses, one a second, leave at most the pairs of the last window (two minutes
    here, so the window turns over many times; 10 000 failures took 170 s on PostgreSQL)."""
    settings.LIKA_LOGIN_LOCKOUT_SECONDS = 120
    window = settings.LIKA_LOGIN_LOCKOUT_SECONDS
    start = timezone.now()
    most = 0
    for i in range(3_000):
        if i % 2:
            login_failed(username="alice", source=HOME, now=start + timedelta(seconds=i))
        else:
            login_failed(username=f"gissning{i}", source=f"192.0.2.{i % 200}", now=start + timedelta(seconds=i))
        if i % 100 == 0:
            most = max(most, LoginThrottle.objects.count())
    assert LoginThrottle.objects.filter(user=alice).count() == 1
    assert LoginThrottle.objects.get(user=alice).failures == 1_500
    assert most <= 1 + window // 2 + 1
    assert LoginThrottle.objects.count() <= 1 + window // 2 + 1


@pytest.mark.parametrize(("hops", "remote", "forwarded", "source"), [
    (0, "198.51.100.23", "", "198.51.100.23"),
    (0, "198.51.100.23", "203.0.113.9", "198.51.100.23"),       # no proxy: the header is anyone's text
    (1, "10.0.0.2", "203.0.113.9", "203.0.113.9"),              # our proxy appended the client
    (1, "10.0.0.2", "6.6.6.6, 203.0.113.9", "203.0.113.9"),     # what the client wrote is to the left
    (2, "10.0.0.2", "6.6.6.6, 203.0.113.9, 10.0.0.3", "203.0.113.9"),
    (2, "10.0.0.2", "203.0.113.9", "10.0.0.2"),                 # fewer hops than proxies: REMOTE_ADDR
    (1, "10.0.0.2", "inte-en-adress", "okänd"),
    (0, "2001:db8:1:2:3:4:5:6", "", "2001:db8:1:2::/64"),       # IPv6: the /64 a host can choose from
    (0, "::ffff:198.51.100.23", "", "198.51.100.23"),
    (0, "", "", "okänd"),
])
def test_the_source_address(settings, hops, remote, forwarded, source):
    settings.LIKA_TRUSTED_PROXY_HOPS = hops
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_source(request) == source


def test_empty_fields_get_a_swedish_message(client, alice):
    response = login(client, "", "")
    assert "Ange både användarnamn och lösenord." in response.content.decode()
    assert LoginThrottle.objects.count() == 0


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
