"""Shared test personas (STYLE.md §8): a case worker in unit A, a manager who
attests, a case worker in unit B who must always be refused, a statistician who
sees only aggregates, a payment officer and a system administrator."""

import importlib
import os
from contextlib import contextmanager

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM
# refuses to run next to one unless told it is safe (it is: one thread per test).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "korrekt-häst-batteri-42"

# Property tests judge results, not speed: on a shared 2-core machine a pure example can take
# more than hypothesis' default 200 ms deadline, which made a test fail once and pass again.
from hypothesis import settings as _hypothesis  # noqa: E402

_hypothesis.register_profile("lika", deadline=None)
_hypothesis.load_profile("lika")


@contextmanager
def records_open_for_flush(connection):
    """Django's flush after a transactional test empties every table: with DELETE on
    SQLite, which the append-only triggers refuse, and with TRUNCATE on PostgreSQL, which
    their statement triggers refuse.  Around the flush only, in the test database, the
    triggers that would refuse it are dropped and then made again (their SQL comes from
    the migrations that made them).  The tests connect as the tables' owner; the
    application's runtime role could not do this (tests/audit/test_runtime_role.py)."""
    records = importlib.import_module("lika.audit.migrations.0003_records_append_only")
    if connection.vendor == "sqlite":
        from django.apps import apps

        access_log = importlib.import_module("lika.audit.migrations.0002_append_only")
        names = [*(sql.split()[2] for sql in access_log.SQLITE),
                 *(name for name, _sql in records.sqlite_triggers(records._sqlite_columns(apps)))]
        housing = importlib.import_module("lika.housing.migrations.0002_housing_guideline_append_only")
        names += housing.SQLITE_NAMES
        grants = importlib.import_module("lika.grants.migrations.0002_grantsapp_rule_version_append_only")
        names += grants.SQLITE_NAMES
        sponsorship = importlib.import_module("lika.grants.migrations.0005_sponsor_agreements")
        names += sponsorship.SQLITE_NAMES
        realia = importlib.import_module("lika.grants.migrations.0009_report_analysis")
        names += realia.SQLITE_NAMES
        handling = importlib.import_module("lika.grants.migrations.0011_handling_decisions")
        names += handling.SQLITE_NAMES
        eservice_messages = importlib.import_module("lika.eservice.migrations.0004_messages_messages")
        names += eservice_messages.SQLITE_NAMES
        settings_rows = importlib.import_module("lika.accounts.migrations.0012_admin_municipality_setting_append_only")
        names += settings_rows.SQLITE_NAMES
        case_documents = importlib.import_module("lika.cases.migrations.0011_attachments_case_document")
        names += case_documents.SQLITE_NAMES
        violence = importlib.import_module("lika.plans.migrations.0006_violence_guidance")  # issue 17, violence
        names += violence.SQLITE_NAMES
        collection = importlib.import_module("lika.datacollection.migrations.0002_collection_append_only")
        names += collection.SQLITE_NAMES  # issue 17, digital inhämtning
        api_events = importlib.import_module("lika.api.migrations.0002_api_event_triggers")
        names += api_events.SQLITE_NAMES  # issue 18, the event feed
        grant_events = importlib.import_module("lika.api.migrations.0004_grant_event_triggers")
        names += grant_events.SQLITE_NAMES  # issue 18, the grants' event feed
        drop, create = [f"DROP TRIGGER {name};" for name in names], [
            *access_log.SQLITE, *(sql for _name, sql in records.sqlite_triggers(records._sqlite_columns(apps))),
            *housing.SQLITE, *grants.SQLITE, *sponsorship.SQLITE, *realia.SQLITE, *handling.SQLITE,
            *eservice_messages.SQLITE, *settings_rows.SQLITE, *case_documents.SQLITE, *violence.SQLITE,
            *collection.SQLITE, *api_events.SQLITE, *grant_events.SQLITE]
    elif connection.vendor == "postgresql":
        pairs = records.postgres_triggers("STATEMENT")
        drop, create = [d for d, _c in pairs], [c for _d, c in pairs]
    else:
        drop = create = []
    with connection.cursor() as cursor:
        for sql in drop:
            cursor.execute(sql)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for sql in create:
                cursor.execute(sql)


def _flush_with_records_open():
    from contextlib import ExitStack

    from django.db import connections
    from django.test import TransactionTestCase

    flush = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        with ExitStack() as stack:
            for alias in self._databases_names(include_mirrors=False):
                stack.enter_context(records_open_for_flush(connections[alias]))
            flush(self)

    TransactionTestCase._fixture_teardown = _fixture_teardown


_flush_with_records_open()


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


def _user(username, role, unit, first, last, association=None):
    from lika.accounts.models import User

    return User.objects.create_user(username=username, password=PASSWORD, role=role, unit=unit,
                                    first_name=first, last_name=last, association=association)


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
