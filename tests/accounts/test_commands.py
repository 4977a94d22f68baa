import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from lika.accounts.models import Unit, User
from lika.audit.models import AccessLogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def password_file(tmp_path):
    path = tmp_path / "pw"
    path.write_text("ett-långt-lösenord-77\n", encoding="utf-8")
    return str(path)


def test_create_unit_and_a_case_worker_in_it(password_file):
    call_command("create_unit", "norr", "Försörjningsstöd Norr", municipality_code="0180",
                 municipality_name="Exempel")
    call_command("create_user", "anna", role="case_worker", unit="norr", password_file=password_file)
    user = User.objects.get(username="anna")
    assert user.unit == Unit.objects.get(code="norr")
    assert authenticate(username="anna", password="ett-långt-lösenord-77") == user
    assert AccessLogEntry.objects.filter(object_type="user", object_id=str(user.pk)).exists()


def test_the_command_and_the_page_share_the_service_contact_and_attest_rights(password_file):
    """Issue 17: ``lika create-user`` gives the same fields as the administration page."""
    call_command("create_unit", "norr", "Försörjningsstöd Norr", municipality_code="0180")
    call_command("create_user", "pelle", role="payment_officer", unit="norr", password_file=password_file,
                 email="pelle@example.se", phone="0123-456 78", attest=True)
    user = User.objects.get(username="pelle")
    assert (user.email, user.phone, user.can_attest_payments) == ("pelle@example.se", "0123-456 78", True)
    with pytest.raises(CommandError, match="ingen giltig e-postadress"):
        call_command("create_user", "karin", role="analyst", password_file=password_file, email="nej")
    assert not User.objects.filter(username="karin").exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"role": "case_worker"}, "måste tillhöra en enhet"),
        ({"role": "case_worker", "unit": "nowhere"}, "finns inte"),
    ],
)
def test_bad_users_are_refused_with_exit_code_2(password_file, kwargs, message):
    with pytest.raises(CommandError, match=message) as info:
        call_command("create_user", "anna", password_file=password_file, **kwargs)
    assert info.value.returncode == 2
    assert not User.objects.filter(username="anna").exists()


def test_weak_password_is_refused(tmp_path):
    path = tmp_path / "pw"
    path.write_text("123", encoding="utf-8")
    with pytest.raises(CommandError) as info:
        call_command("create_user", "ada", role="administrator", password_file=str(path))
    assert info.value.returncode == 2
    assert not User.objects.filter(username="ada").exists()


def test_bad_municipality_code():
    with pytest.raises(CommandError, match="fyra siffror"):
        call_command("create_unit", "x", "X", municipality_code="12")
