"""Login throttling per account and source address, with growing delays.

Nobody can lock a colleague out: failures count per (account, source address), so
failures from one address never hold back another address, and the right password from
an address that has not failed on the account is never refused.  After
``LIKA_LOGIN_MAX_FAILURES`` failures on an account from an address, that address waits
2, 4, 8, ... seconds (``login_delay_seconds``, at most ``LIKA_LOGIN_LOCKOUT_SECONDS``)
before each further try on that account; a try while waiting is refused before the
password is looked at and does not count.  A success from the address forgets its
failures on the account; ``LIKA_LOGIN_LOCKOUT_SECONDS`` after the last failure they are
forgotten anyway.

Where a whole office shares one address (NAT), a browser that has logged in to the account
before carries a signed cookie naming it as that account's device (``lika_enhet``, kept
180 days); its tries on that account count under the device instead of the address, so a
colleague guessing from the same office slows down only browsers that never logged in there.

Stored: one ``LoginThrottle`` row per (account, address) with a counter, so the rows are
bounded by the pairs that failed within the window, and rows older than that are deleted
with every new failure.  The account is the user id, or for a name that is no user a keyed
hash of it (HMAC-SHA256 with SECRET_KEY): what was typed is never stored, not even in the
access log.  The address is REMOTE_ADDR, or with ``LIKA_TRUSTED_PROXY_HOPS`` = N the N-th
entry from the right of X-Forwarded-For (the one our own proxy wrote); an IPv6 address
counts as its /64 network (one host has a whole /64 to choose from).
"""

import hashlib
import hmac
import ipaddress
import math
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction

from lika.audit.services import access_log_write

from .models import LoginThrottle, User

LONGEST_EXPONENT = 62  # 2**62 s is far past any configured cap: the counter may grow, the delay not
DEVICE_COOKIE = "lika_enhet"
DEVICE_SALT = "lika.accounts.throttle.device"
DEVICE_SECONDS = 180 * 24 * 3600
DEVICE_ACCOUNTS = 5  # accounts remembered per browser (a shared computer)


def login_delay_seconds(failures: int, *, free: int, longest: int) -> int:
    """Seconds a source waits after its ``failures``-th failure on an account: none for
    the first ``free`` failures, then 2**k for the k-th failure beyond them (2, 4, 8, ...),
    never more than ``longest``."""
    if failures <= 0 or failures < free:
        return 0
    return min(2 ** min(failures - free + 1, LONGEST_EXPONENT), longest)


def _delay(failures: int) -> timedelta:
    return timedelta(seconds=login_delay_seconds(failures, free=settings.LIKA_LOGIN_MAX_FAILURES,
                                                 longest=settings.LIKA_LOGIN_LOCKOUT_SECONDS))


def _window() -> timedelta:
    return timedelta(seconds=settings.LIKA_LOGIN_LOCKOUT_SECONDS)


def client_source(request) -> str:
    """The address the login came from, as text of at most 43 characters."""
    meta = request.META if request is not None else {}
    address = meta.get("REMOTE_ADDR", "")
    hops = settings.LIKA_TRUSTED_PROXY_HOPS
    if hops > 0:
        forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "okänd"
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _devices(request) -> dict:
    """The browser's device tokens per user id, from its signed cookie ({} if none or forged)."""
    raw = request.COOKIES.get(DEVICE_COOKIE, "") if request is not None else ""
    try:
        devices = signing.loads(raw, salt=DEVICE_SALT, max_age=DEVICE_SECONDS) if raw else {}
    except signing.BadSignature:
        return {}
    return devices if isinstance(devices, dict) else {}


def login_source(request, username: str) -> str:
    """The source a login on ``username`` counts under: the browser, when it has logged in to
    that account before (its device cookie), else the client's address."""
    user = _user(username)
    token = _devices(request).get(str(user.pk)) if user is not None else None
    if isinstance(token, str) and token:
        return "enhet:" + hashlib.sha256(token.encode("utf-8")).hexdigest()[:40]
    return client_source(request)


def device_cookie(request, user) -> str:
    """The device cookie's new value after ``user`` logged in from this browser: the
    browser's token for the user (kept, or new), with at most DEVICE_ACCOUNTS accounts."""
    devices = _devices(request)
    token = devices.pop(str(user.pk), None) or secrets.token_urlsafe(24)
    devices[str(user.pk)] = token
    return signing.dumps(dict(list(devices.items())[-DEVICE_ACCOUNTS:]), salt=DEVICE_SALT)


def username_hmac(username: str) -> str:
    key = settings.SECRET_KEY.encode("utf-8")
    return hmac.new(key, username.strip().lower().encode("utf-8"), hashlib.sha256).hexdigest()


def _user(username: str):
    """The user the name is, as Django's login looks it up (exact), or None."""
    return User.objects.filter(username=username).only("pk").first()


def _account(username: str) -> dict:
    """The row's account fields: the user if the name is one, else the keyed hash of the name."""
    user = _user(username)
    return {"user": user, "username_hmac": ""} if user else {"user": None, "username_hmac": username_hmac(username)}


def _rows(account: dict, source: str):
    if account["user"] is not None:
        return LoginThrottle.objects.filter(user=account["user"], source=source)
    return LoginThrottle.objects.filter(user__isnull=True, username_hmac=account["username_hmac"], source=source)


def login_wait(*, username: str, source: str, now) -> int:
    """Seconds this source must still wait before trying ``username`` (0: try now).

    At or past the free failures, the try is claimed atomically: the row's
    ``blocked_until`` moves to the delay that a failure would earn before the password is
    checked, so parallel tries from the source get one try per delay, not one each."""
    rows = _rows(_account(username), source).filter(last_failure_at__gt=now - _window())
    row = rows.only("pk", "failures", "blocked_until").first()
    if row is None or row.failures < settings.LIKA_LOGIN_MAX_FAILURES:
        return 0
    claimed = rows.filter(pk=row.pk, blocked_until__lte=now).update(blocked_until=now + _delay(row.failures + 1))
    if claimed:
        return 0
    blocked_until = rows.filter(pk=row.pk).values_list("blocked_until", flat=True).first() or now
    return max(1, math.ceil((blocked_until - now).total_seconds()))


def login_failed(*, username: str, source: str, now) -> None:
    """Count a failed login on ``username`` from ``source``, forget failures older than
    the window everywhere, and write the access-log row (user id or hash, never the name)."""
    account = _account(username)
    with transaction.atomic():
        LoginThrottle.objects.filter(last_failure_at__lte=now - _window()).delete()
        row = _rows(account, source).select_for_update().first()
        if row is None:
            try:
                with transaction.atomic():
                    row = LoginThrottle.objects.create(**account, source=source, failures=1, last_failure_at=now,
                                                       blocked_until=now + _delay(1))
            except IntegrityError:  # a parallel first failure made it: count on that one
                row = _rows(account, source).select_for_update().get()
                _count(row, now)
        else:
            _count(row, now)
        user = account["user"]
        who = f"konto {user.pk}" if user else f"okänt användarnamn (nyckel {account['username_hmac'][:12]})"
        access_log_write(actor=None, action="login_failed", object_type="user",
                         object_id=user.pk if user else "",
                         summary=f"Misslyckad inloggning, {who}, från {source} ({row.failures} i följd)")


def _count(row: LoginThrottle, now) -> None:
    row.failures = row.failures + 1
    row.last_failure_at = now
    row.blocked_until = max(row.blocked_until, now + _delay(row.failures))
    row.save(update_fields=["failures", "last_failure_at", "blocked_until"])


def login_succeeded(*, user, source: str) -> None:
    """The source logged in to ``user``: its failures on the account are forgotten."""
    LoginThrottle.objects.filter(user=user, source=source).delete()
