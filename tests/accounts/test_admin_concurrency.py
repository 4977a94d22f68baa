"""Issue 17: two administrators remove each other at the same moment (PostgreSQL, real
threads released together): one succeeds, the other is refused, an active administrator
is always left."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from lika.accounts import administration
from lika.accounts.models import User
from tests import threads
from tests.conftest import _user

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="threads share one in-memory SQLite; SQLite writers are serialised by IMMEDIATE"),
    pytest.mark.django_db(transaction=True),
]


def _active_admins():
    return User.objects.filter(role="administrator", is_active=True).count()


@pytest.mark.parametrize("attempt", range(3))
def test_two_administrators_deactivating_each_other_leave_one(municipality, attempt):
    ada = _user("ada", "administrator", None, "Ada", "Admin")
    ben = _user("ben", "administrator", None, "Ben", "Admin")
    results = threads.race(
        lambda: administration.user_set_active(acting_user=ada, user_id=ben.pk, active=False),
        lambda: administration.user_set_active(acting_user=ben, user_id=ada.pk, active=False),
        expected=(ValidationError,))
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    assert _active_admins() == 1


@pytest.mark.parametrize("attempt", range(3))
def test_demoting_and_deactivating_the_last_two_at_once_leaves_one(municipality, attempt):
    ada = _user("ada", "administrator", None, "Ada", "Admin")
    ben = _user("ben", "administrator", None, "Ben", "Admin")
    results = threads.race(
        lambda: administration.user_update(acting_user=ada, user_id=ben.pk, role="analyst"),
        lambda: administration.user_set_active(acting_user=ben, user_id=ada.pk, active=False),
        expected=(ValidationError,))
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    assert _active_admins() == 1


def test_the_command_line_cannot_remove_the_last_one_while_a_page_removes_another(municipality):
    ada = _user("ada", "administrator", None, "Ada", "Admin")
    ben = _user("ben", "administrator", None, "Ben", "Admin")
    results = threads.race(
        lambda: administration.user_set_active(acting_user=None, user_id=ada.pk, active=False),
        lambda: administration.user_set_active(acting_user=None, user_id=ben.pk, active=False),
        expected=(ValidationError,))
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    assert _active_admins() == 1
