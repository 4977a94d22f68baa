"""Shared test personas (STYLE.md §8): a case worker in unit A, a manager who
attests, a case worker in unit B who must always be refused, a statistician who
sees only aggregates, a payment officer and a system administrator."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM
# refuses to run next to one unless told it is safe (it is: one thread per test).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "korrekt-häst-batteri-42"


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, settings):
    """Argon2 with Lika's settings takes about a second per hash here; the personas
    would cost seconds per test.  Tests marked ``argon2`` keep the real hasher."""
    if request.node.get_closest_marker("argon2") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def municipality(db):
    from lika.accounts.models import Municipality

    return Municipality.objects.create(name="Exempelby kommun", code="9999")


@pytest.fixture
def unit_a(municipality):
    from lika.accounts.models import Unit

    return Unit.objects.create(municipality=municipality, name="Försörjningsstöd Norr", code="norr")


@pytest.fixture
def unit_b(municipality):
    from lika.accounts.models import Unit

    return Unit.objects.create(municipality=municipality, name="Försörjningsstöd Söder", code="soder")


def _user(username, role, unit, first, last):
    from lika.accounts.models import User

    return User.objects.create_user(username=username, password=PASSWORD, role=role, unit=unit,
                                    first_name=first, last_name=last)


@pytest.fixture
def alice(unit_a):
    """Case worker in unit A."""
    return _user("alice", "case_worker", unit_a, "Alice", "Andersson")


@pytest.fixture
def bob(unit_a):
    """Unit manager of unit A: approves exceptions, attests."""
    return _user("bob", "unit_manager", unit_a, "Bo", "Berg")


@pytest.fixture
def charlie(unit_b):
    """Case worker in unit B: must always be refused unit A's cases."""
    return _user("charlie", "case_worker", unit_b, "Charlie", "Carlsson")


@pytest.fixture
def stina(municipality):
    """Statistician: aggregates only."""
    return _user("stina", "analyst", None, "Stina", "Svensson")


@pytest.fixture
def petra(unit_a):
    """Payment officer."""
    return _user("petra", "payment_officer", unit_a, "Petra", "Persson")


@pytest.fixture
def admin_user(municipality):
    return _user("ada", "administrator", None, "Ada", "Admin")
